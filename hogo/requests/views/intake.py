"""Screens of the intake area."""

urlpatterns: list = []
