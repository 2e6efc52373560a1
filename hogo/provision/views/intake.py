"""Provision views: intake."""

urlpatterns: list = []
