"""Screens of the decision area."""

urlpatterns: list = []
