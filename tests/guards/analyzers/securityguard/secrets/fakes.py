"""Fake credentials made for these tests from the providers' documented formats.

Nothing here is a real key or a row of any dataset: every value is drawn from a seeded
random generator (so runs are repeatable) and, where the format carries a checksum,
given a correct one (or a deliberately wrong one for the near-miss tests). The checksum
arithmetic (base62, the bech32 polynomial) is the detector's own; the tests pin that a
token built from the documented layout with it is accepted and a one-character change is not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import string
import zlib

from guards.analyzers.securityguard.secrets.checks import BECH32, base62, bech32_hrp_expand, bech32_polymod

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"
LOWER36 = string.ascii_lowercase + string.digits
B64URL = string.ascii_letters + string.digits + "-_"

_rng = random.Random(20261201)


def rand(alphabet: str, n: int) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


def crc_token(prefix: str) -> str:
    """GitHub / npm 2021 format: 30 random base62 characters + base62 CRC32 of them."""
    body = rand(B62, 30)
    return prefix + body + base62(zlib.crc32(body.encode()), 6)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(claims: dict | None = None) -> str:
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims or {"sub": "tenant-" + rand(HEX, 6), "iat": 1764547200}).encode())
    sig = b64url(hmac.new(b"throwaway-test-key", f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{sig}"


def pem(label: str = "RSA PRIVATE KEY") -> str:
    body = base64.b64encode(_rng.randbytes(600)).decode()
    lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----"


def openssh_pem() -> str:
    blob = b"openssh-key-v1\x00" + _rng.randbytes(400)
    body = base64.b64encode(blob).decode()
    lines = "\n".join(body[i:i + 70] for i in range(0, len(body), 70))
    return f"-----BEGIN OPENSSH PRIVATE KEY-----\n{lines}\n-----END OPENSSH PRIVATE KEY-----"


def putty_key() -> str:
    public = base64.b64encode(_rng.randbytes(51)).decode()
    private = base64.b64encode(_rng.randbytes(48)).decode()
    return ("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: test-key\nPublic-Lines: 2\n"
            f"{public[:64]}\n{public[64:]}\nPrivate-Lines: 1\n{private}\nPrivate-MAC: {rand(HEX, 64)}")


def age_secret_key() -> str:
    """``AGE-SECRET-KEY-1`` + 52 data characters + a valid 6-character bech32 checksum."""
    hrp = "age-secret-key-"
    data = [_rng.randrange(32) for _ in range(52)]
    mod = bech32_polymod(bech32_hrp_expand(hrp) + data + [0] * 6) ^ 1
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return (hrp + "1" + "".join(BECH32[d] for d in data + checksum)).upper()


def discord_bot_token() -> str:
    user_id = str(_rng.randrange(10**17, 10**18)).encode()
    return f"{b64url(user_id)}.{rand(B64URL, 6)}.{rand(B64URL, 38)}"


def _field(kind: int, data: bytes) -> bytes:
    assert len(data) < 128  # one-byte varint lengths are enough here
    return bytes([kind, len(data)]) + data


def pypi_token(*, signature_bytes: int = 32) -> str:
    """A macaroon in the libmacaroons v2 layout PyPI uses: location + identifier, one caveat,
    the empty section ending the caveats, a signature field (32 bytes unless told otherwise)."""
    identifier = json.dumps({"nonce": rand(HEX, 32), "version": 1}).encode()
    caveat = json.dumps({"version": 1, "permissions": "user"}).encode()
    macaroon = (b"\x02" + _field(1, b"pypi.org") + _field(2, identifier) + b"\x00"
                + _field(2, caveat) + b"\x00" + b"\x00" + _field(6, _rng.randbytes(signature_bytes)))
    return "pypi-" + b64url(macaroon)


def azure_account_key() -> str:
    return base64.b64encode(_rng.randbytes(64)).decode()
