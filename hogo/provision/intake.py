"""Provision area 'intake' (to be written)."""


def register() -> None:
    """Work-queue source and alert names of this area (called from ProvisionConfig.ready)."""
