"""Provision views: records."""

urlpatterns: list = []
