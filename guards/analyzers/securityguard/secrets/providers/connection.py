"""Credentials inside connection data: passwords in URLs (database URLs such as
``postgres://user:pass@host``, ``mongodb+srv://``, ``jdbc:mysql://``, and basic-auth URLs),
``Authorization: Basic`` headers and Docker ``config.json`` auths.

These run after every provider rule, so a GitHub token used as a URL password is reported
as the GitHub token it is.
"""

from __future__ import annotations

import re

from guards.analyzers.securityguard.secrets.checks import b64decode_loose, is_placeholder
from guards.analyzers.securityguard.secrets.rules import Rule


def basic_auth_ok(value: str) -> bool:
    """``Authorization: Basic`` carries base64 of ``user:password``, printable, with a non-empty password."""
    raw = b64decode_loose(value)
    if raw is None:
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    user, sep, password = text.partition(":")
    return bool(sep and password.strip() and user.isprintable())


_URL_WORDS = frozenset({"password", "passwd", "pass", "pwd", "secret", "changeme", "pw", "mypassword", "yourpassword"})


def url_password_ok(password: str) -> bool:
    """Not a template (``${DB_PASSWORD}``, ``<password>``, ``%s``), a mask (``****``) or the word itself."""
    return password.lower() not in _URL_WORDS and not is_placeholder(password) and not password.startswith(("$", "%"))


# user:password@ inside a URL; the characters RFC 3986 allows in userinfo, no nesting. The user
# may be empty: Redis takes its password as redis://:password@host.
_USERINFO = r"[^:/?#\[\]@!$&'()*+,;=\s\"<>]{0,200}:([^:/?#\[\]@!$&'()*+,;=\s\"<>]{1,200})@[\w\-]"

RULES = (
    Rule("BASIC_AUTH_HEADER", "HTTP basic-auth credentials", "connection_string",
         re.compile(r"(?i:authorization)[\"']?\s*[:=]\s*[\"']?(?i:basic)\s+([A-Za-z0-9+/]{8,400}={0,2})(?![A-Za-z0-9+/=])"),
         ("basic",), group=1, validator=basic_auth_ok, strict=True, severity="high"),
    Rule("DOCKER_REGISTRY_AUTH", "Docker registry credentials (config.json auth)", "connection_string",
         re.compile(r"\"auth\"\s*:\s*\"([A-Za-z0-9+/]{8,8000}={0,2})\""), ("\"auth\"",), group=1,
         validator=basic_auth_ok, strict=True, severity="high"),
    # one rule for database URLs (postgres://, mongodb+srv://, jdbc:mysql://...) and basic-auth URLs
    Rule("PASSWORD_IN_URL", "Password in a URL (database or basic auth)", "connection_string",
         re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]{1,15}(?::[a-z0-9]{2,20})?://" + _USERINFO), ("://",), group=1,
         validator=url_password_ok, strict=True, severity="critical"),
)
