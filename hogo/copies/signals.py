"""Announcements of the copy workflow, so an app above copies (a person's request that asked
for the copy) can act without copies importing it.

`copies_made` is sent inside the transaction that marks a copy request made, with `request`
(the CopyRequest) and `copies` (the copies it made), whoever approved it and whenever."""

from django.dispatch import Signal

copies_made = Signal()
