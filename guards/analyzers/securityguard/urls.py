"""Risky URLs: script and data schemes, credentials, IP-literal hosts, executable downloads,
link shorteners, look-alike and brand-impersonating domains, and the tenant's blocked domains.

Each URL collects *signals* (one finding each, with exact offsets). Their evidence
points add up to one raw risk for the URL, which the shipped ``risky_url`` calibrator
(isotonic, fitted by ``bench/securityguard_url_cases.py`` on its tuning cases) turns
into the probability every finding of that URL carries. A tenant's blocked domain is
policy, not a guess: it scores 1.0 and is not calibrated.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from guards.analyzers.base import Finding
from guards.analyzers.securityguard.calibrators import get_calibrator
from guards.analyzers.securityguard.common import CATEGORY_URL, excerpt, finding
from guards.analyzers.securityguard.unicode_text import CONFUSABLES, script_of
from guards.analyzers.securityguard.url_domains import impersonation, is_shortener

CALIBRATOR = "risky_url"

_URL_RE = re.compile(
    r"(?i)(?<![\w.+\-])(?:(?:https?|ftp|wss?|file)://[^\s<>\"'`]+|(?:javascript|vbscript):[^\s<>\"'`]+|"
    r"data:[a-z]+/[\w.+\-]+[;,][^\s<>\"'`]+|www\.[^\s<>\"'`]+)"
)
_TRAILING = ".,;:!?)]}'\""
# Files that run when opened (Windows, macOS, Android, Office macros, scripts, disk images).
EXECUTABLE_EXTENSIONS = frozenset({
    "exe", "msi", "msix", "appx", "scr", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "jse", "wsf", "hta", "jar", "apk",
    "dmg", "pkg", "iso", "img", "lnk", "reg", "cpl", "xll", "docm", "xlsm", "pptm", "sh", "run", "bin", "elf",
})
_EXT_RE = re.compile(r"\.([a-z0-9]{1,5})$")

# Evidence points per signal: roughly log-odds of "a person should not follow this link".
# The calibrator maps their sum to a probability; these only need the right order.
POINTS = {
    "script_url": 5.0,
    "userinfo_deception": 4.5,
    "brand_in_subdomain": 4.0,  # the brand's own domain as a subdomain; a bare brand name scores less
    "lookalike_domain": 4.0,
    "homoglyph_domain": 4.0,
    "punycode_lookalike": 4.0,
    "credentials_in_url": 3.0,
    "data_url": 3.0,  # active content; other media types score less
    "executable_download": 2.0,  # vendors link installers too; a disguised extension adds DISGUISE_POINTS
    "brand_in_domain": 1.0,  # a brand name inside another domain's name; a lure word adds more
    "ip_literal_host": 2.0,  # public address; private and loopback addresses score less
    "punycode_domain": 0.5,
}
# A shortener hides the destination: no evidence either way, so it is not calibrated; it is
# reported at a fixed score that the default thresholds read as "flag" (a person should look).
SHORTENER_SCORE = 0.6
LURE_POINTS = 1.5
DISGUISE_POINTS = 2.0  # "invoice.pdf.exe": a document name hiding a program
_DOCUMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "txt", "zip", "mp4"})  # "login", "verify", "billing"... next to an impersonated brand
SEVERITY_BY_PROBABILITY = ((0.9, "high"), (0.5, "medium"), (0.0, "low"))


@dataclass(slots=True)
class _Signal:
    kind: str
    message: str
    points: float
    detail: dict = field(default_factory=dict)


def _host_scripts(host: str) -> set[str]:
    return {s for s in map(script_of, host) if s}


def _lookalike(label_text: str) -> bool:
    """A Unicode host that mixes Latin with another script, or uses Latin look-alikes only."""
    scripts = _host_scripts(label_text)
    if len(scripts) > 1 and "LATIN" in scripts:
        return True
    return bool(scripts) and "LATIN" not in scripts and all(c in CONFUSABLES or not c.isalpha() for c in label_text)


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    h = host.strip("[]")
    try:
        return ipaddress.ip_address(h)
    except ValueError:
        pass
    if re.fullmatch(r"0x[0-9a-f]{1,8}|\d{8,10}", h, re.IGNORECASE):  # http://3232235777 is 192.168.1.1
        try:
            return ipaddress.IPv4Address(int(h, 0))
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


def url_signals(url: str) -> list[_Signal]:
    """Every risk signal of one URL (no offsets, no scores): what the findings and the bench share."""
    lower = url.lower()
    if lower.startswith(("javascript:", "vbscript:")):
        return [_Signal("script_url", "URL runs script when opened", POINTS["script_url"])]
    if lower.startswith("data:"):
        active = lower.startswith(("data:text/html", "data:image/svg", "data:application/"))
        return [_Signal("data_url", "Inline data URL" + (" with active content" if active else ""),
                        POINTS["data_url"] if active else 1.0, {"media_type": lower[5:].split(";")[0].split(",")[0]})]
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
        host = parts.hostname or ""
    except ValueError:
        return []  # not parseable as a URL (a stray bracket), so nothing to judge
    out: list[_Signal] = []
    if parts.username is not None and parts.password is not None:
        out.append(_Signal("credentials_in_url", "URL carries a username and password", POINTS["credentials_in_url"]))
    elif parts.username is not None and "." in parts.username:
        out.append(_Signal("userinfo_deception", "Text before '@' poses as the host", POINTS["userinfo_deception"],
                           {"shown_host": parts.username}))
    ip = _ip_literal(host)
    if ip is not None:
        public = ip.is_global
        out.append(_Signal("ip_literal_host", "URL points at a raw IP address" + ("" if public else " (private network)"),
                           POINTS["ip_literal_host"] if public else 0.5, {"ip": str(ip), "public": public}))
    path = unquote(parts.path).lower().rstrip("/")
    ext = _EXT_RE.search(path)
    if ext and ext.group(1) in EXECUTABLE_EXTENSIONS:
        inner = _EXT_RE.search(path[: ext.start()])
        disguised = bool(inner) and inner.group(1) in _DOCUMENT_EXTENSIONS
        out.append(_Signal("executable_download", f"URL downloads a program (.{ext.group(1)})"
                           + (f" disguised as .{inner.group(1)}" if disguised else ""),
                           POINTS["executable_download"] + (DISGUISE_POINTS if disguised else 0.0),
                           {"extension": ext.group(1), "disguised": disguised}))
    if ip is None and host:
        out.extend(_host_signals(host))
    return out


def _host_signals(host: str) -> list[_Signal]:
    out: list[_Signal] = []
    decoded = host
    if any(lab.startswith("xn--") for lab in host.split(".")):
        try:
            decoded = host.encode("ascii").decode("idna")
        except UnicodeError:
            decoded = host
        risky = _lookalike(decoded.replace(".", ""))
        kind = "punycode_lookalike" if risky else "punycode_domain"
        out.append(_Signal(kind, "Internationalised domain" + (" imitating Latin letters" if risky else ""),
                           POINTS[kind], {"decoded": decoded}))
    elif not host.isascii() and _lookalike(host.replace(".", "")):
        out.append(_Signal("homoglyph_domain", "Domain spelled with look-alike letters", POINTS["homoglyph_domain"],
                           {"reads_as": "".join(CONFUSABLES.get(c, c) for c in host)}))
    if is_shortener(host):
        out.append(_Signal("url_shortener", "Link shortener: the destination is unknown until followed", 0.0,
                           {"shortener": host, "unknown_destination": True}))
        return out
    seen = "".join(CONFUSABLES.get(c, c) for c in decoded) if decoded != host or not host.isascii() else host
    imp = impersonation(seen) if seen.isascii() else None
    if imp is not None:
        points = POINTS[imp.kind]
        if imp.kind == "brand_in_subdomain" and not imp.whole_domain:
            points = 1.0  # a bare brand name as a subdomain (apple.stackexchange.com) is common and harmless
        points += LURE_POINTS if imp.lure else 0.0
        out.append(_Signal(imp.kind, f"Domain imitates {imp.brand} ({imp.how})", points,
                           {"brand": imp.brand, "how": imp.how, "lure_word": imp.lure}))
    return out


def url_risk(signals: list[_Signal]) -> float:
    """The raw risk of a URL: its signals' points added up."""
    return sum(s.points for s in signals)


def detect_urls(text: str, *, blocked_domains: list[str] | None = None) -> list[Finding]:
    """One finding per risk signal of each URL in ``text``, scored with the URL's calibrated probability."""
    out: list[Finding] = []
    blocked = blocked_domains or []
    calibrator = get_calibrator(CALIBRATOR)
    if ":" not in text and "www." not in text.lower():
        # every URL form the pattern knows holds a ":" or "www." (no letter outside ASCII
        # matches "w" case-insensitively), so ordinary prose without either has none
        return out
    for m in _URL_RE.finditer(text):
        url = m.group().rstrip(_TRAILING)
        start, end = m.start(), m.start() + len(url)
        evidence = _safe_evidence(text, start, end, url)
        signals = url_signals(url)
        if signals:
            raw = url_risk(signals)  # shorteners add nothing: their findings are scored apart
            probability = calibrator(raw)
            severity = next(sev for floor, sev in SEVERITY_BY_PROBABILITY if probability >= floor)
            for s in signals:
                if s.kind == "url_shortener":
                    out.append(finding(type=s.kind, category=CATEGORY_URL, severity="medium", confidence=1.0,
                                       start=start, end=end, evidence=evidence, message=s.message, detail=s.detail))
                    out[-1].score = SHORTENER_SCORE
                    continue
                f = finding(type=s.kind, category=CATEGORY_URL, severity=severity, confidence=1.0, start=start,
                            end=end, evidence=evidence, message=s.message,
                            detail={**s.detail, "raw_risk": round(raw, 3), "calibrator": CALIBRATOR})
                f.score = probability
                out.append(f)
        host = _host_of(url)
        hit = domain_blocked(host, blocked) if host else None
        if hit:
            out.append(finding(type="blocked_domain", category=CATEGORY_URL, severity="critical", confidence=1.0,
                               start=start, end=end, evidence=evidence,
                               message="Domain is blocked by the tenant's policy", detail={"domain": hit}))
            out[-1].score = 1.0
    return out


def _host_of(url: str) -> str:
    if not url.lower().startswith(("http", "ftp", "ws", "file", "www")):
        return ""
    try:
        return urlsplit(url if "://" in url else "http://" + url).hostname or ""
    except ValueError:
        return ""


def _safe_evidence(text: str, start: int, end: int, url: str) -> str:
    """The URL with any password masked (the secrets detector reports the password itself)."""
    masked = re.sub(r"(://[^:/@\s]+:)[^@/\s]+@", r"\1****@", url)
    return excerpt(masked, 0, len(masked)) if masked != url else excerpt(text, start, end)
