"""Provision views: decision."""

urlpatterns: list = []
