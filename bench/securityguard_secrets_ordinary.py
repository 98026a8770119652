"""Secret findings on ordinary text, where there should be none (bench/securityguard_secrets.py
runs these as the ``benign`` and ``code`` tasks): prompts and benign look-alikes, and 1 KB
chunks of installed packages' source code."""

from __future__ import annotations

import json
import random
import sysconfig
from collections.abc import Iterable
from pathlib import Path

from securityguard_datasets import load_benign

from guards.analyzers.securityguard.secrets import detect_secrets


def benign_texts(data: Path) -> dict[str, list[str]]:
    """Ordinary prompts (GSM8K, Alpaca-style) and benign look-alikes (NotInject, WildGuard-benign),
    every row of each (secrets are never tuned on them: they are only measured)."""
    out: dict[str, list[str]] = {}
    for path in sorted((data / "benign_prompts").glob("*.jsonl")):
        texts = []
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            texts.append("\n".join(x for x in (rec.get("instruction"), rec.get("input")) if x))
        out[path.stem] = texts
    for row in load_benign(data):
        if row.source in ("notinject", "wildguard"):
            out.setdefault(f"{row.source}_benign", []).append(row.text)
    return out


def task_benign(data: Path, *, entropy: bool = False) -> dict:
    report = {}
    for name, texts in benign_texts(data).items():
        flagged = [t for t in texts if detect_secrets(t, entropy=entropy)]
        report[name] = {"rows": len(texts), "with_secret_finding": len(flagged),
                        "rate": round(len(flagged) / len(texts), 4)}
    return report


# Ordinary source code nobody wrote secrets into: installed packages' modules (test folders
# left out: they hold deliberate fake keys). Misses on the dev packages were read to fix
# false alarms; the held-out packages were only ever counted.
CODE_DEV = ("django", "rest_framework", "drf_spectacular", "corsheaders", "environ", "django_redis")
CODE_HELD_OUT = ("requests", "urllib3", "httpx", "click", "rich", "pygments", "redis", "psycopg", "werkzeug",
                 "jwt", "huggingface_hub", "pydantic", "_pytest", "yaml", "markdown_it", "sqlparse", "gunicorn")
CODE_CHUNKS = 3000  # 1 KB chunks drawn (seeded) per part


def code_chunks(packages: Iterable[str]) -> list[str]:
    site = Path(sysconfig.get_paths()["purelib"])
    chunks: list[str] = []
    for package in packages:
        for path in sorted((site / package).rglob("*.py")):
            if {"tests", "test", "testing"} & set(path.relative_to(site).parts):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            chunks += [text[i:i + 1024] for i in range(0, len(text), 1024)]
    random.Random(11).shuffle(chunks)
    return chunks[:CODE_CHUNKS]


def task_code(data: Path) -> dict:
    """Secret findings on ordinary source code, per 1 KB chunk (dev and held-out packages)."""
    report = {}
    for name, packages in (("dev packages", CODE_DEV), ("held-out packages", CODE_HELD_OUT)):
        chunks = code_chunks(packages)
        flagged = sum(bool(detect_secrets(c)) for c in chunks)
        report[name] = {"chunks": len(chunks), "with_secret_finding": flagged,
                        "rate": round(flagged / max(1, len(chunks)), 4), "packages": " ".join(packages)}
    return report
