"""Language and script of the text, with py3langid's shipped model (97 languages).

py3langid keeps langid.py's naive Bayes model in its wheel, so nothing is downloaded;
it is loaded once per process. Texts with too few letters are "und" (undetermined):
a language guess from three words is noise.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

MIN_LETTERS = 12
_identifier: Any = None
_lock = threading.Lock()


def _get_identifier() -> Any:
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def warm_up() -> None:
    _get_identifier()


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith("CJK"):
        return "Han"
    word = name.split(" ", 1)[0]
    return word.capitalize() if word else "Unknown"


@dataclass(frozen=True, slots=True)
class LanguageReport:
    language: str
    confidence: float
    scripts: dict[str, float]  # share of letters per script

    def to_dict(self) -> dict[str, Any]:
        return {"language": self.language, "confidence": round(self.confidence, 4), "scripts": self.scripts}


def detect_language(text: str, *, max_chars: int = 1000) -> LanguageReport:
    """Language of the first ``max_chars`` characters (plenty for langid; keeps it ~1 ms)."""
    sample = text[:max_chars]
    letters = [c for c in sample if c.isalpha()]
    counts = Counter(_script(c) for c in letters)
    scripts = {k: round(v / len(letters), 3) for k, v in counts.most_common()} if letters else {}
    if len(letters) < MIN_LETTERS:
        return LanguageReport("und", 0.0, scripts)
    lang, conf = _get_identifier().classify(sample)
    return LanguageReport(lang, float(conf), scripts)
