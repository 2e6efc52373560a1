"""What a service says when it refuses a step: Japanese sentences for the person who tried
and, when they are about one form field, its name (so the form shows them beside it and keeps
everything typed). Each app's own error (ProvisionError, RequestError, ComplaintError) is one
of these."""

from __future__ import annotations


class Refused(Exception):
    """A refused step: `reasons` (one or more sentences), `field` (a form field, or "")."""

    def __init__(self, reasons: list[str] | str, *, field: str = "") -> None:
        self.reasons = [reasons] if isinstance(reasons, str) else [str(r) for r in reasons]
        self.field = field
        super().__init__(" ".join(self.reasons))
