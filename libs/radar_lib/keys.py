"""One key per purpose, derived from a configured secret: a key never serves two purposes.

A key learnt or misused in one place (a form token, a participant cookie, a hashed address)
forges nothing anywhere else, and a secret is never used as a key itself. Derivation:
HMAC-SHA256(secret, "radar/<purpose>/v1"), the HKDF-Expand step of RFC 5869 for one block,
which is enough because the secrets themselves hold at least 32 random bytes (settings.py
refuses weaker ones outside development). The same secret and purpose always give the same
key, so every process of a service agrees; changing the label of a purpose rotates its key.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum
from functools import lru_cache


class Purpose(StrEnum):
    """What a derived key is for; each value is part of the derivation label."""

    INTERNAL_TOKEN = "internal-token"  # noqa: S105 - a label, not a secret: the gateway's token
    SESSION_ID = "session-id"  # a keyed hash of staff session ids where they are stored
    PARTICIPANT_COOKIE = "participant-cookie"  # the signed pseudonymous participant id
    FORM_TOKEN = "form-token"  # noqa: S105 - a label: CSRF tokens of public forms
    ADDRESS_HASH = "address-hash"  # client addresses, hashed before they key a rate limit


@lru_cache(maxsize=64)
def derive_key(secret: str, purpose: Purpose) -> bytes:
    """The 32-byte key for this purpose under this secret; stable across processes."""
    return hmac.new(secret.encode(), f"radar/{purpose.value}/v1".encode(), hashlib.sha256).digest()
