"""The public request form (no account)."""

urlpatterns: list = []
