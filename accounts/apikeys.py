"""API key format, peppered hashing and the cached lookup record.

Why not ``djangorestframework-api-key``: it hashes with Django's password hashers
(PBKDF2/Argon2, tens of milliseconds by design), which is right for low-entropy
passwords but would cost every gateway request far more than the sub-millisecond
budget. Our keys carry 256 bits of randomness, so a keyed HMAC-SHA256 with a
server-side pepper (kept out of the database and separate from ``SECRET_KEY``) is as
safe against a database leak and costs microseconds. Peppers rotate: the first in
``API_KEY_PEPPERS`` hashes new keys; older ones still verify, and a key verified with an
old pepper is rehashed to the current one.

Key shape: ``aig_<prefix>_<secret>``; the prefix (12 lowercase hex characters) is
public and indexed, the secret comes from :func:`secrets.token_urlsafe`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

KEY_NAMESPACE = "aig"
PREFIX_BYTES = 6
SECRET_BYTES = 32
_KEY_RE = re.compile(rf"^{KEY_NAMESPACE}_([0-9a-f]{{{PREFIX_BYTES * 2}}})_([A-Za-z0-9_-]{{20,128}})$")
CACHE_VERSION = 1


@dataclass(frozen=True)
class GeneratedKey:
    prefix: str
    raw: str


def generate() -> GeneratedKey:
    """A fresh key; the caller stores only :func:`hash_key` of ``raw``."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    return GeneratedKey(prefix=prefix, raw=f"{KEY_NAMESPACE}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}")


def parse_prefix(raw: str) -> str | None:
    """The public prefix of a well-formed key, else ``None``."""
    match = _KEY_RE.match(raw)
    return match.group(1) if match else None


def peppers() -> list[str]:
    return list(settings.API_KEY_PEPPERS)


def hash_key(raw: str, pepper: str | None = None) -> str:
    """HMAC-SHA256(pepper, key) as hex; the current pepper unless one is given."""
    pepper = pepper if pepper is not None else peppers()[0]
    return hmac.new(pepper.encode(), raw.encode(), hashlib.sha256).hexdigest()


def match_pepper(raw: str, stored_hash: str) -> int | None:
    """Index of the pepper that produced ``stored_hash`` (0 = current), or ``None``.

    Every configured pepper is tried with a constant-time comparison.
    """
    found = None
    for index, pepper in enumerate(peppers()):
        if hmac.compare_digest(hash_key(raw, pepper), stored_hash) and found is None:
            found = index
    return found


@dataclass(frozen=True)
class KeyRecord:
    """What authentication needs about a key, cached by prefix (includes the hash)."""

    key_id: int
    prefix: str
    name: str
    key_hash: str
    tenant_id: int
    tenant_slug: str
    tenant_active: bool
    scopes: tuple[str, ...]
    expires_at: datetime | None
    revoked: bool

    @classmethod
    def from_model(cls, key: Any) -> KeyRecord:
        return cls(
            key_id=key.pk, prefix=key.prefix, name=key.name, key_hash=key.key_hash,
            tenant_id=key.tenant_id, tenant_slug=key.tenant.slug, tenant_active=key.tenant.is_active,
            scopes=tuple(key.scopes or ()), expires_at=key.expires_at, revoked=key.revoked_at is not None,
        )


def cache_key(prefix: str) -> str:
    return f"apikey:v{CACHE_VERSION}:{prefix}"


def last_used_gate_key(key_id: int) -> str:
    return f"apikey_last_used:{key_id}"
