"""Package passwords: generated, read out over the phone once, never stored.

A password is 6 groups of 4 characters joined by hyphens, e.g. `k7mq-3xwe-pa9r-…`, drawn with
`secrets` from 31 lower-case letters and digits that cannot be mistaken for one another on
paper or on the phone: no 0/o, 1/l/i, and no capitals, so Caps Lock and "is that a capital?"
never matter. 24 symbols × log2(31) ≈ 118.9 bits. ZIP AES derives its key with only 1000 rounds
of PBKDF2, so the password itself must carry the strength; 5 groups (99.1 bits) would fall
short of the 100 bits we aim for. The hyphens are part of the password: type what is shown.

What may be stored is `password_fingerprint(password)`: a short label that lets staff and the
recipient confirm they hold the password of this package without revealing it.
"""

from __future__ import annotations

import hashlib
import math
import secrets

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
GROUPS = 6
GROUP_LENGTH = 4
SEPARATOR = "-"
ENTROPY_BITS = GROUPS * GROUP_LENGTH * math.log2(len(ALPHABET))
# Below this a password is too weak for ZIP AES's fast key derivation, whoever chose it.
MIN_LENGTH = 16
_FINGERPRINT_CONTEXT = b"hogo export package password v1\x00"


def generate_password() -> str:
    """A new random password, about 119 bits, e.g. `k7mq-3xwe-pa9r-tn4h-c8fy-2dvs`."""
    return SEPARATOR.join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )


def check_password(password: str) -> None:
    """Refuse a password a package must not be sealed with; the message says why.

    Only printable ASCII without spaces: 7-Zip and Windows tools turn other characters into
    bytes in different ways, and a recipient could never open the package.
    """
    if not isinstance(password, str):
        raise TypeError(f"password must be text, got {type(password).__name__}")
    if len(password) < MIN_LENGTH:
        raise ValueError(f"password must have at least {MIN_LENGTH} characters; "
                         "use generate_password()")
    if not all("!" <= ch <= "~" for ch in password):
        raise ValueError("password may hold only printable ASCII characters without spaces")


def password_fingerprint(password: str) -> str:
    """A short label of a password that may be stored and shown, e.g. `PW-3F9AC2E1`.

    A truncated SHA-256 (32 bits) under a fixed context: it cannot give the password back, and
    a generated password's 119 bits cannot be searched through it. Capitals and the `PW-`
    prefix keep it from being read out as the password itself.
    """
    digest = hashlib.sha256(_FINGERPRINT_CONTEXT + password.encode("utf-8")).hexdigest()
    return f"PW-{digest[:8].upper()}"
