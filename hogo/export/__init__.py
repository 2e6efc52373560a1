"""Export packages: the encrypted ZIP a recipient or a registered medium receives.

A copy leaves the organisation only as an AES-256 ZIP that 7-Zip opens with a generated password
(R-303, R-405), carrying its manifest, a chain-of-custody summary and the recipient's
obligations citing the provider's own rule (R-502).

Framework-free: imported by Django code, never importing it.
"""

from hogo.export.documents import DEFAULT_OBLIGATIONS_JA, CustodyEvent, obligations_text
from hogo.export.package import Item, Member, PackageError, PackageResult, build_package
from hogo.export.passwords import check_password, generate_password, password_fingerprint

__all__ = [
    "DEFAULT_OBLIGATIONS_JA",
    "CustodyEvent",
    "Item",
    "Member",
    "PackageError",
    "PackageResult",
    "build_package",
    "check_password",
    "generate_password",
    "obligations_text",
    "password_fingerprint",
]
