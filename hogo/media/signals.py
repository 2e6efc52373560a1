"""What the media ledger announces to the apps above it.

Media sits below incidents, so it must not call them; instead it says what happened and lets
whoever cares listen (incidents opens an incident for a missing medium, R-401-R-405 with
R-801).
"""

from django.dispatch import Signal

# Sent inside the transaction that marks the medium missing, so whatever a receiver writes
# (the incident it opens) commits or rolls back together with the mark.
# Arguments: medium (the Medium, already saved as missing), user (who could not find it),
# why (Japanese, as shown to people). A receiver that opens a record for it returns an object
# with `number` and `get_absolute_url()`, which the alert then names and links.
medium_missing = Signal()
