"""Structure and checksum validators for credential formats that carry one.

Each validator takes the matched value and answers whether its internal structure
holds: a checksum the provider embeds (GitHub and npm: CRC32 of the body in base62;
age keys: bech32), a payload that must decode to something specific (JWT header,
Discord's user id, PyPI's macaroon, an OpenSSH key blob), or a base64 body of the
right decoded size. None of them needs a network call.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import math
import re
import zlib
from collections import Counter

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(number: int, width: int) -> str:
    out = ""
    while number:
        number, r = divmod(number, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


def crc32_base62_ok(token: str) -> bool:
    """GitHub (``ghp_``...) and npm (``npm_``) tokens: 30 random characters, then the base62 CRC32 of them."""
    body = token.split("_")[-1]
    if len(body) != 36:
        return False
    return base62(zlib.crc32(body[:30].encode()), 6) == body[30:]


def b64decode_loose(data: str, *, urlsafe: bool = False) -> bytes | None:
    """Decode standard or URL-safe base64 with or without padding; ``None`` if it is not base64."""
    data = data.strip().rstrip("=")
    if urlsafe:
        data = data.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _b64url_json(part: str) -> dict | None:
    raw = b64decode_loose(part, urlsafe=True)
    if raw is None:
        return None
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return obj if isinstance(obj, dict) else None


def json_token_ok(*keys: str):
    """A validator: the token is base64 of a JSON object holding all of ``keys`` (Grafana's legacy
    API keys ``{"k": ..., "n": ..., "id": ...}``, Neptune's ``{"api_address": ..., "api_key": ...}``)."""

    def ok(token: str) -> bool:
        obj = _b64url_json(token.replace("+", "-").replace("/", "_"))
        return obj is not None and all(k in obj for k in keys)

    return ok


def dotted_json_ok(index: int, *keys: str):
    """A validator: part ``index`` of a ``.``-separated token is base64url of a JSON object holding all
    of ``keys`` (Tinybird's ``p.<{"u": ..., "id": ...}>.<signature>``)."""

    def ok(token: str) -> bool:
        parts = token.split(".")
        obj = _b64url_json(parts[index]) if len(parts) > index else None
        return obj is not None and all(k in obj for k in keys)

    return ok


def jwt_ok(token: str) -> bool:
    """Base64url parts whose header decodes to JSON naming ``alg`` and whose payload is base64url too
    (JSON for a JWS, ciphertext for a JWE); signed tokens carry a signature part."""
    parts = token.split(".")
    if len(parts) not in (2, 3, 5):
        return False
    header = _b64url_json(parts[0])
    if header is None or "alg" not in header or b64decode_loose(parts[1], urlsafe=True) is None:
        return False
    return len(parts) != 3 or header.get("alg") == "none" or len(parts[2]) >= 16


def discord_bot_ok(token: str) -> bool:
    """The first part of a Discord bot token is the bot's numeric user id (a snowflake) in base64."""
    raw = b64decode_loose(token.split(".", 1)[0], urlsafe=True)
    return raw is not None and raw.isdigit() and 15 <= len(raw) <= 20


def pypi_macaroon_ok(token: str) -> bool:
    """``pypi-`` + a base64url macaroon (v2 binary) located at pypi.org or test.pypi.org."""
    raw = b64decode_loose(token[5:], urlsafe=True)
    return raw is not None and b"pypi.org" in raw[:40] and macaroon_v2_ok(raw)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while pos < len(data) and shift < 35:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    return -1, len(data) + 1


def _section(data: bytes, pos: int) -> tuple[set[int], int]:
    """The field types of one section (type varint, length varint, bytes ...) up to its 0 end byte."""
    types: set[int] = set()
    while pos < len(data) and data[pos] != 0:
        kind, pos = _varint(data, pos)
        size, pos = _varint(data, pos)
        if kind <= 0 or size < 0 or pos + size > len(data):
            return set(), len(data) + 1
        types.add(kind)
        pos += size
    return types, pos + 1


def macaroon_v2_ok(data: bytes) -> bool:
    """The libmacaroons v2 binary layout: version 2, a header section with an identifier (field 2),
    caveat sections, an empty section, then a 32-byte signature (field 6) that ends the data."""
    if len(data) < 40 or data[0] != 2:
        return False
    header, pos = _section(data, 1)
    if 2 not in header:
        return False
    for _ in range(64):  # caveats
        if pos >= len(data):
            return False
        if data[pos] == 0:
            pos += 1
            break
        fields, pos = _section(data, pos)
        if 2 not in fields:
            return False
    else:
        return False
    kind, pos = _varint(data, pos)
    size, pos = _varint(data, pos)
    return kind == 6 and size == 32 and pos + 32 == len(data)


_REFTKN_RE = re.compile(rb"reftkn:\d\d:\d{10}:")


def jfrog_reference_token_ok(value: str) -> bool:
    """A JFrog reference token is base64 of ``reftkn:<version>:<10-digit expiry>:<random>``."""
    raw = b64decode_loose(value)
    return raw is not None and _REFTKN_RE.match(raw) is not None and len(raw) >= 40


def atlassian_dc_head(value: str) -> bool:
    """Base64 that opens with a 12-digit token id and ``:``: the head of an Atlassian Data Center
    (Jira, Confluence, Bitbucket) personal access token."""
    raw = b64decode_loose(value.removeprefix("BBDC-")[:20])
    return raw is not None and raw[:12].isdigit() and raw[12:13] == b":"


def atlassian_dc_pat_ok(value: str) -> bool:
    """An Atlassian Data Center personal access token: base64 (44 characters, no padding) of a
    12-digit id, ``:`` and 20 random bytes."""
    body = value.removeprefix("BBDC-")
    raw = b64decode_loose(body)
    return len(body) == 44 and raw is not None and len(raw) == 33 and atlassian_dc_head(body)


def azure_account_key_ok(value: str) -> bool:
    """An Azure storage account key is 64 random bytes in base64 (88 characters ending in ``==``)."""
    raw = b64decode_loose(value)
    return raw is not None and len(raw) == 64


def base64_body_ok(body: str, *, min_bytes: int = 64) -> bool:
    """A PEM body: base64 lines (optionally with RFC 1421 headers) that decode to at least ``min_bytes``."""
    lines = [ln.strip() for ln in body.replace("\\n", "\n").replace("\\r", "").splitlines()]
    data = "".join(ln for ln in lines if ln and ":" not in ln)
    raw = b64decode_loose(data)
    return raw is not None and len(raw) >= min_bytes


def base64_pem_ok(value: str) -> bool:
    """Base64 whose text is a PEM private key block (kubeconfig ``client-key-data``)."""
    raw = b64decode_loose(value[:120])
    return raw is not None and b"PRIVATE KEY-----" in raw[:80]


def openssh_key_ok(body: str) -> bool:
    """An OpenSSH private key blob starts with the magic ``openssh-key-v1\\0``."""
    data = "".join(body.replace("\\n", "\n").split())
    raw = b64decode_loose(data[:40])
    return raw is not None and raw.startswith(b"openssh-key-v1")


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check_decode(value: str) -> bytes | None:
    """The payload of a Base58Check string (Bitcoin's encoding: the last 4 bytes are the first 4 of
    SHA-256(SHA-256(payload))), or ``None`` when a character or the checksum is wrong."""
    if not value or len(value) > 120:
        return None
    number = 0
    for c in value:
        digit = B58.find(c)
        if digit < 0:
            return None
        number = number * 58 + digit
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    raw = b"\0" * (len(value) - len(value.lstrip("1"))) + raw
    if len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    return payload if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == check else None


# BIP-32 version bytes of extended PRIVATE keys (xprv, tprv; BIP-49 yprv/uprv; BIP-84 zprv/vprv)
_BIP32_PRIVATE_VERSIONS = frozenset(bytes.fromhex(v) for v in (
    "0488ade4", "04358394", "049d7878", "044a4e28", "04b2430c", "045f18bc"))


def bip32_private_ok(value: str) -> bool:
    """A BIP-32 extended private key: Base58Check of 78 bytes, a private-key version, key data 0x00 + 32."""
    raw = base58check_decode(value)
    return raw is not None and len(raw) == 78 and raw[:4] in _BIP32_PRIVATE_VERSIONS and raw[45] == 0


def wif_private_ok(value: str) -> bool:
    """A Wallet Import Format private key: Base58Check of 0x80/0xEF + 32 bytes (+ 0x01 when compressed)."""
    raw = base58check_decode(value)
    return raw is not None and raw[0] in (0x80, 0xEF) and (len(raw) == 33 or (len(raw) == 34 and raw[33] == 1))


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_polymod(values: list[int]) -> int:
    """BIP-173's checksum polynomial over the expanded human-readable part and the data."""
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def bech32_hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_ok(value: str) -> bool:
    """BIP-173 checksum (age secret keys are bech32 with the HRP ``age-secret-key-``)."""
    value = value.lower()
    hrp, sep, data = value.rpartition("1")
    if not sep or not hrp or len(data) < 6 or any(c not in BECH32 for c in data):
        return False
    return bech32_polymod(bech32_hrp_expand(hrp) + [BECH32.index(c) for c in data]) == 1


def shannon_entropy(s: str) -> float:
    if not s:
        return 0.0
    n = len(s)
    return -sum(k / n * math.log2(k / n) for k in Counter(s).values())


_PLACEHOLDER_WORD_RE = re.compile(
    r"example|placeholder|dummy|sample|redacted|changeme|change_me|your[_\-]?(?:api|secret|access|token|key|pass)"
    r"|x{5,}|X{5,}|\*{3,}|\.{3}|^<[^<>]*>$|^\{\{[^{}]*\}\}$|^\$\{[^{}]*\}$|^\$\([^()]*\)$", re.IGNORECASE)


def is_placeholder(value: str) -> bool:
    """Documentation values (``EXAMPLE``, ``xxxxx``, ``<your-key>``, ``${VAR}``) and masked ones (``****``)."""
    if _PLACEHOLDER_WORD_RE.search(value):
        return True
    core = re.sub(r"[^A-Za-z0-9]", "", value)
    # one character repeated, or a short run repeated (abcabcabc, 0000...) is typed, not generated
    return len(core) >= 6 and (len(set(core)) <= 3 or _longest_repeat(core) >= max(6, len(core) // 3))


_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


def typed_share(core: str) -> float:
    """Share of characters in runs a person types: alphabet or digit order (abcd, 1234), keyboard rows
    (qwer, asdf), or letters and digits each counting up (a1b2c3d4)."""
    low = core.lower()
    marked = [False] * len(low)
    for i in range(len(low) - 3):
        chunk = low[i:i + 4]
        if any(chunk in row for row in _KEYBOARD_ROWS):
            marked[i:i + 4] = [True] * 4
    letters = [c for c in low if c.isalpha()]
    digits = [c for c in low if c.isdigit()]
    for seq in (letters, digits):
        steps = sum(ord(b) - ord(a) == 1 for a, b in itertools.pairwise(seq))
        if len(seq) >= 6 and steps >= 0.7 * (len(seq) - 1):
            return 1.0
    return sum(marked) / len(low)


def _longest_repeat(s: str) -> int:
    best = run = 1
    for a, b in itertools.pairwise(s):
        run = run + 1 if a == b else 1
        best = max(best, run)
    return best
