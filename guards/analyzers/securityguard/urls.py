"""Risky URLs: script and data schemes, IP-literal hosts, credentials, look-alike and blocked domains."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from guards.analyzers.base import Finding
from guards.analyzers.securityguard.common import CATEGORY_URL, excerpt, finding
from guards.analyzers.securityguard.unicode_text import CONFUSABLES, script_of

_URL_RE = re.compile(
    r"(?i)(?<![\w.+\-])(?:(?:https?|ftp|wss?|file)://[^\s<>\"'`]+|(?:javascript|vbscript):[^\s<>\"'`]+|"
    r"data:[a-z]+/[\w.+\-]+[;,][^\s<>\"'`]+|www\.[^\s<>\"'`]+)"
)
_TRAILING = ".,;:!?)]}'\""


def _host_scripts(host: str) -> set[str]:
    return {s for s in map(script_of, host) if s}


def _lookalike(label_text: str) -> bool:
    """A Unicode host that mixes Latin with another script, or uses Latin look-alikes only."""
    scripts = _host_scripts(label_text)
    if len(scripts) > 1 and "LATIN" in scripts:
        return True
    return bool(scripts) and "LATIN" not in scripts and all(c in CONFUSABLES or not c.isalpha() for c in label_text)


def _ip_literal(host: str) -> str | None:
    h = host.strip("[]")
    try:
        return str(ipaddress.ip_address(h))
    except ValueError:
        pass
    if re.fullmatch(r"0x[0-9a-f]{1,8}|\d{8,10}", h, re.IGNORECASE):  # http://3232235777 is 192.168.1.1
        try:
            return str(ipaddress.IPv4Address(int(h, 0)))
        except (ValueError, ipaddress.AddressValueError):
            return None
    return None


def domain_blocked(host: str, blocked: list[str]) -> str | None:
    host = host.lower().rstrip(".")
    for domain in blocked:
        d = domain.lower().strip().lstrip(".").rstrip(".")
        if d and (host == d or host.endswith("." + d)):
            return d
    return None


def detect_urls(text: str, *, blocked_domains: list[str] | None = None) -> list[Finding]:
    """One finding per risk of each URL in ``text``."""
    out: list[Finding] = []
    blocked = blocked_domains or []
    for m in _URL_RE.finditer(text):
        url = m.group().rstrip(_TRAILING)
        start, end = m.start(), m.start() + len(url)
        lower = url.lower()

        def add(kind: str, severity: str, message: str, detail: dict | None = None, confidence: float = 0.95,
                _s: int = start, _e: int = end, _url: str = url) -> None:
            out.append(finding(
                type=kind, category=CATEGORY_URL, severity=severity, confidence=confidence, start=_s, end=_e,
                evidence=_safe_evidence(text, _s, _e, _url), message=message, detail=detail,
            ))

        if lower.startswith(("javascript:", "vbscript:")):
            add("script_url", "high", "URL runs script when opened")
            continue
        if lower.startswith("data:"):
            html = lower.startswith(("data:text/html", "data:image/svg", "data:application/"))
            add("data_url", "high" if html else "medium", "Inline data URL" + (" with active content" if html else ""),
                {"media_type": lower[5:].split(";")[0].split(",")[0]})
            continue
        try:
            parts = urlsplit(url if "://" in url else "http://" + url)
            host = parts.hostname or ""
        except ValueError:
            continue  # not parseable as a URL (a stray bracket), so nothing to judge
        if parts.username is not None and parts.password is not None:
            add("credentials_in_url", "high", "URL carries a username and password")
        elif parts.username is not None and "." in parts.username:
            add("userinfo_deception", "high", "Text before '@' poses as the host", {"shown_host": parts.username})
        ip = _ip_literal(host)
        if ip:
            add("ip_literal_host", "medium", "URL points at a raw IP address", {"ip": ip}, 0.9)
        labels = host.split(".")
        puny = [lab for lab in labels if lab.startswith("xn--")]
        if puny:
            try:
                decoded = host.encode("ascii").decode("idna")
            except UnicodeError:
                decoded = host
            risky = _lookalike(decoded.replace(".", ""))
            add("punycode_lookalike" if risky else "punycode_domain", "high" if risky else "low",
                "Internationalised domain" + (" imitating Latin letters" if risky else ""), {"decoded": decoded})
        elif not host.isascii() and _lookalike(host.replace(".", "")):
            add("homoglyph_domain", "high", "Domain spelled with look-alike letters",
                {"reads_as": "".join(CONFUSABLES.get(c, c) for c in host)})
        hit = domain_blocked(host, blocked)
        if hit:
            add("blocked_domain", "critical", "Domain is blocked by the tenant's policy", {"domain": hit}, 1.0)
    return out


def _safe_evidence(text: str, start: int, end: int, url: str) -> str:
    """The URL with any password masked (the secrets detector reports the password itself)."""
    masked = re.sub(r"(://[^:/@\s]+:)[^@/\s]+@", r"\1****@", url)
    return excerpt(masked, 0, len(masked)) if masked != url else excerpt(text, start, end)
