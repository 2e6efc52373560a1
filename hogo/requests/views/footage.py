"""Screens of the footage area."""

urlpatterns: list = []
