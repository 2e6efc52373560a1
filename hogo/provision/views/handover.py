"""Provision views: handover."""

urlpatterns: list = []
