"""Citations in the output that the sources do not back: URLs, DOIs, arXiv ids, "et al." papers.

Models invent references that look real. A reference is checked against the sources and
the prompt (the user may have supplied it); one found in neither is reported — as
fabricated-looking when sources were given (the answer should cite what it was handed),
as unverifiable when there were none.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

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
    """Every citation in ``output``, each marked as found or not in ``reference``.

    Repeated lookups are memoised and spans kept sorted: rescanning the reference, its
    URL list and the citations taken so far for every citation was quadratic in
    outputs full of links.
    """
    ref_lower = _norm_text(reference)
    ref_arxiv = ref_lower.replace("arxiv: ", "arxiv:")
    in_ref = cache(ref_lower.__contains__)
    ref_urls = {_norm_url(u) for u in _URL_RE.findall(reference)}
    ref_sorted = sorted(ref_urls)
    out: list[Citation] = []
    starts: list[int] = []  # taken spans, sorted and disjoint
    ends: list[int] = []

    def add(kind: str, start: int, end: int, found: bool, partial: bool = False) -> None:
        i = bisect_left(starts, end)
        if i and ends[i - 1] > start:
            return  # a DOI inside a URL is one citation
        starts.insert(i, start)
        ends.insert(i, end)
        out.append(Citation(kind, start, end, output[start:end], found, partial and not found))

    def prefix_of_a_ref_url(norm: str) -> bool:
        i = bisect_left(ref_sorted, norm)  # URLs starting with ``norm`` sort right from it
        return i < len(ref_sorted) and ref_sorted[i].startswith(norm)

    @cache
    def word_in_ref(word: str) -> bool:
        return bool(re.search(rf"\b{re.escape(word)}\b", ref_lower))

    for match in _URL_RE.finditer(output):
        raw = match.group().rstrip(".,;:!?")
        norm = _norm_url(raw)
        found = norm in ref_urls or in_ref(norm) or prefix_of_a_ref_url(norm)
        domain = norm.split("/", 1)[0]
        add("url", match.start(), match.start() + len(raw), found, in_ref(domain))
    for kind, pattern in (("doi", _DOI_RE), ("arxiv", _ARXIV_RE)):
        for match in pattern.finditer(output):
            raw = match.group().rstrip(".,;:!?)")
            found = _norm_text(raw).replace("arxiv: ", "arxiv:") in ref_arxiv
            registrant = raw.split("/", 1)[0].lower() if kind == "doi" else "\0"
            add(kind, match.start(), match.start() + len(raw), found, in_ref(registrant + "/"))
    for match in _AUTHOR_YEAR_RE.finditer(output):
        author, year = match.group("author").lower(), match.group("year")
        has_author = word_in_ref(author)
        add("author_year", match.start(), match.end(), has_author and in_ref(year), has_author)
    for match in _TITLE_RE.finditer(output):
        title = _norm_text(match.group("title"))
        words = re.findall(r"\w+", title)
        known = sum(word_in_ref(w) for w in words)
        add("title", match.start("title"), match.end("title"), in_ref(title), known * 2 > len(words))
    return sorted(out, key=lambda c: c.start)
