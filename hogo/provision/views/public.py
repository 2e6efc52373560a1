"""Provision views: public."""

urlpatterns: list = []
