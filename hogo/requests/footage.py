"""Area footage of a person's requests (being built)."""


def register() -> None:
    """Work-queue source, alert labels and panels of this area."""
