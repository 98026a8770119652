"""Citations in the output that the sources do not back: URLs, DOIs, arXiv ids, "et al." papers.

Models invent references that look real. A reference is checked against the sources and
the prompt (the user may have supplied it); one found in neither is reported — as
fabricated-looking when sources were given (the answer should cite what it was handed),
as unverifiable when there were none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\]\[)(]+", re.IGNORECASE)
_DOI_RE = re.compile(r"\b10\.\d{4,9}/[^\s\"'<>]+", re.IGNORECASE)
_ARXIV_RE = re.compile(r"\barxiv:\s?\d{4}\.\d{4,5}(?:v\d+)?\b", re.IGNORECASE)
_NAME = r"[A-Z][A-Za-z\u00C0-\u017F'\-]+"
# "Smith et al. (2019)", "Smith et al., 2019", "(Smith & Jones, 2020)", "Smith and Jones (2020)".
_AUTHOR_YEAR_RE = re.compile(
    rf"\b(?P<author>{_NAME})(?:\s+et\s+al\.?|\s+(?:and|&)\s+{_NAME})"
    r",?\s*\(?(?P<year>(?:19|20)\d{2})[a-z]?\)?"
)
_TITLE_RE = re.compile(
    r"\b(?:paper|study|article|book|report|publication|titled|entitled)\s*,?\s*[\"\u201c](?P<title>[^\"\u201d]{8,200})[\"\u201d]",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Citation:
    kind: str  # url | doi | arxiv | author_year | title
    start: int
    end: int
    text: str
    found: bool  # present in the sources or the prompt
    partial: bool = False  # not found, but part of it is (the site, the author, most title words)

    @property
    def suspicion(self) -> float:
        """How invented it looks: nothing of it in the reference is worse than a near miss."""
        return 0.0 if self.found else (0.6 if self.partial else 0.9)


def _norm_url(url: str) -> str:
    url = url.lower().rstrip(".,;:!?")
    url = re.sub(r"^https?://", "", url)
    url = re.sub(r"^www\.", "", url)
    return url.rstrip("/")


def _norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def find_citations(output: str, reference: str) -> list[Citation]:
    """Every citation in ``output``, each marked as found or not in ``reference``."""
    ref_lower = _norm_text(reference)
    ref_urls = {_norm_url(u) for u in _URL_RE.findall(reference)}
    out: list[Citation] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int, found: bool, partial: bool = False) -> None:
        if any(s < end and start < e for s, e in taken):
            return  # a DOI inside a URL is one citation
        taken.append((start, end))
        out.append(Citation(kind, start, end, output[start:end], found, partial and not found))

    for match in _URL_RE.finditer(output):
        raw = match.group().rstrip(".,;:!?")
        norm = _norm_url(raw)
        found = norm in ref_urls or norm in ref_lower or any(r.startswith(norm) for r in ref_urls)
        domain = norm.split("/", 1)[0]
        add("url", match.start(), match.start() + len(raw), found, domain in ref_lower)
    for kind, pattern in (("doi", _DOI_RE), ("arxiv", _ARXIV_RE)):
        for match in pattern.finditer(output):
            raw = match.group().rstrip(".,;:!?)")
            found = _norm_text(raw).replace("arxiv: ", "arxiv:") in ref_lower.replace("arxiv: ", "arxiv:")
            registrant = raw.split("/", 1)[0].lower() if kind == "doi" else "\0"
            add(kind, match.start(), match.start() + len(raw), found, registrant + "/" in ref_lower)
    for match in _AUTHOR_YEAR_RE.finditer(output):
        author, year = match.group("author").lower(), match.group("year")
        has_author = bool(re.search(rf"\b{re.escape(author)}\b", ref_lower))
        add("author_year", match.start(), match.end(), has_author and year in ref_lower, has_author)
    for match in _TITLE_RE.finditer(output):
        title = _norm_text(match.group("title"))
        words = re.findall(r"\w+", title)
        known = sum(bool(re.search(rf"\b{re.escape(w)}\b", ref_lower)) for w in words)
        add("title", match.start("title"), match.end("title"), title in ref_lower, known * 2 > len(words))
    return sorted(out, key=lambda c: c.start)
