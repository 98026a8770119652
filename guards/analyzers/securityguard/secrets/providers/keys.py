"""Key material and self-describing token formats: PEM / OpenSSH / PuTTY private keys, JWTs.

A PEM block (RFC 7468) is ``-----BEGIN <label>-----``, base64 lines, ``-----END <label>-----``;
its body must decode (an OpenSSH key's to the ``openssh-key-v1`` magic). PuTTY ``.ppk``
files name their format on the first line and end in a ``Private-MAC``. A JWT (RFC 7519)
is two or three base64url parts whose header decodes to JSON naming ``alg``. A BIP-32 extended
private key (``xprv``/``tprv``/``yprv``/``zprv``...) is Base58Check of 78 bytes: its double-SHA-256
checksum, version bytes and the 0x00 before the key are checked.
"""

from __future__ import annotations

import bisect
import re

from guards.analyzers.securityguard.secrets.checks import (
    base64_body_ok,
    base64_pem_ok,
    bip32_private_ok,
    is_placeholder,
    jwt_ok,
    openssh_key_ok,
)
from guards.analyzers.securityguard.secrets.rules import Rule, prefixed

_LABEL = r"(?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?"
MAX_BLOCK = 16000  # characters searched for a block's end (an RSA-8192 PEM is about 6,500)
_END_RE = re.compile(rf"-----END {_LABEL}-----")
_MAC_RE = re.compile(r"Private-MAC: [0-9a-f]{40,64}")


def _next(text: str, needle: str, start: int, memo: dict[str, list[int]]) -> int:
    """Where ``needle`` next occurs at or after ``start`` (within MAX_BLOCK), from one scan per text."""
    found = memo.get(needle)
    if found is None:
        found = memo[needle] = [m.start() for m in re.finditer(re.escape(needle), text)]
    i = bisect.bisect_left(found, start)
    return found[i] if i < len(found) and found[i] - start <= MAX_BLOCK else -1


def pem_end(text: str, header_end: int, memo: dict[str, list[int]]) -> int:
    """End of the ``-----END ... PRIVATE KEY-----`` line closing the block, or the header's end if none."""
    at = _next(text, "-----END ", header_end, memo)
    m = _END_RE.match(text, at) if at >= 0 else None
    return m.end() if m else header_end


def putty_end(text: str, header_end: int, memo: dict[str, list[int]]) -> int:
    at = _next(text, "Private-MAC: ", header_end, memo)
    m = _MAC_RE.match(text, at) if at >= 0 else None
    return m.end() if m else header_end


_BEGIN_RE = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,40})-----")


def pem_ok(block: str) -> bool:
    """The body between the armour lines decodes as base64 (OpenSSH: to its magic header)."""
    begin = _BEGIN_RE.match(block)
    end = block.find("-----END", begin.end()) if begin else -1
    if begin is None or end < 0:
        return False
    body = block[begin.end():end]
    if "OPENSSH" in begin.group(1):
        return openssh_key_ok(body)
    return base64_body_ok(body, min_bytes=48)


def pem_placeholder(block: str) -> bool:
    """A PEM whose body is elided or templated (``...``, ``<key>``, ``xxxx``): documentation."""
    begin = _BEGIN_RE.match(block)
    body = block[begin.end():] if begin else block
    body = body.split("-----END", 1)[0].strip()
    return bool(body) and (is_placeholder(body) or not any(c.isalnum() for c in body))


def putty_ok(block: str) -> bool:
    return "Private-Lines:" in block and bool(re.search(r"Private-MAC: [0-9a-f]{40,64}", block))


RULES = (
    Rule("PRIVATE_KEY", "Private key (PEM)", "private_key", re.compile(rf"-----BEGIN {_LABEL}-----"),
         ("PRIVATE KEY",), validator=pem_ok, extend=pem_end, placeholder=pem_placeholder),
    Rule("PRIVATE_KEY", "PuTTY private key", "private_key", re.compile(r"PuTTY-User-Key-File-[23]: [a-z0-9\-]{3,40}"),
         ("PuTTY-User-Key-File",), validator=putty_ok, strict=True, extend=putty_end,
         placeholder=lambda block: False),
    # kubeconfig client-key-data, Helm values, CI variables: a PEM private key in base64 ("LS0tLS1CRUdJTi"
    # is "-----BEGIN"), checked by decoding it
    prefixed("PRIVATE_KEY", "Private key (PEM in base64)", "private_key", r"LS0tLS1CRUdJTi[A-Za-z0-9+/]{40,12000}={0,2}",
             "LS0tLS1CRUdJTi", validator=base64_pem_ok, strict=True),
    prefixed("CRYPTO_PRIVATE_KEY", "Bitcoin BIP-32 extended private key", "private_key",
             r"[xtyuzv]prv[1-9A-HJ-NP-Za-km-z]{107,108}", "prv", validator=bip32_private_ok, strict=True),
    prefixed("JWT", "JSON Web Token", "token_format",
             r"eyJ[A-Za-z0-9_\-]{8,2000}\.eyJ[A-Za-z0-9_\-]{8,8000}(?:\.[A-Za-z0-9_\-]{0,2000})?", "eyJ",
             validator=jwt_ok, strict=True, severity="high"),
)
