"""tokenguard: are our token counts tiktoken's, exactly? And how fast are they?

Builds a mixed corpus itself, deterministically (English prose, source code, CJK, emoji
sequences, other scripts, whitespace and special-token edge cases, random code points,
long texts), then compares tokenguard's offline encodings with ``tiktoken.get_encoding``
itself: tiktoken's own loader reads the shipped files from a ``TIKTOKEN_CACHE_DIR``
holding them under its cache names, so the reference is tiktoken's code path, not ours.
Token ids (not only counts) must match on 100 % of texts.

    .venv/bin/python bench/tokenguard_exactness.py [--per-kind 300] [--seed 7] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from guards.analyzers.tokenguard.counting import count_text
from guards.analyzers.tokenguard.encodings import SPECS, get_encoding, tiktoken_cache_dir_populate

WORDS = (
    "the of and to in is that it for on with as was by be this are from at or an have not which "
    "they you were their has one all can there would more been when will about time people year "
    "government system model token budget latency gateway tenant request response analysis cache "
    "database migration deploy server client security privacy language context window price "
    "don't it's we'll they're I'm you've she'd naïve café résumé coöperate façade jalapeño Zürich"
).split()
CODE_SNIPPETS = [
    "def {f}({a}, {b}=None):\n    \"\"\"{doc}\"\"\"\n    if {a} is None:\n        return {{}}\n    return [{a}[i] ** 2 for i in range({n})]\n",
    "function {f}({a}) {{\n\tconst {b} = await fetch(`/api/{a}?id=${{{a}}}`);\n\treturn {b}.json();\n}}\r\n",
    "SELECT {a}.id, COUNT(*) AS n FROM {b} {a} WHERE {a}.created_at >= '2024-0{n}-01' GROUP BY 1;\n",
    "{{\"{a}\": [{n}, {n}.5, -{n}e-3, true, null], \"{b}\": {{\"nested\": \"{doc}\"}}}}\n",
    "#include <stdio.h>\nint {f}(int {a}) {{ return {a} << {n}; }} // {doc}\n",
    "    {a} = {b}.get('{f}', {n})  # type: ignore[attr-defined]\n\n\n",
]
EMOJI = ["🎉", "👩‍👩‍👧", "👍🏽", "🇫🇷", "🇯🇵", "❤️", "🏳️‍🌈", "🤖", "🧑🏿‍💻", "☕", "✅", "😀", "🫠", "1️⃣"]
OTHER_SCRIPTS = [
    "Привет, как дела? Всё хорошо.", "مرحبا بالعالم، كيف حالك؟", "नमस्ते दुनिया, आप कैसे हैं?",
    "สวัสดีชาวโลก", "Γειά σου Κόσμε", "שלום עולם", "ผ้าไหมไทย", "Tiếng Việt có dấu: ă â đ ê ô ơ ư",  # noqa: RUF001
    "e\u0301 a\u0308 n\u0303 Z\u0335\u0321a\u0336l\u0334g\u0337o", "\u202eRTL override\u202c", "zero\u200bwidth\u200djoin",
]
SPECIAL = ["<|endoftext|>", "<|fim_prefix|>", "<|endofprompt|>", "<|im_start|>", "<|", "|>"]


def _prose(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 22))]
        words[0] = words[0].capitalize()
        if rng.random() < 0.3:
            words.insert(rng.randint(1, len(words)), str(rng.randint(0, 10**rng.randint(1, 9))))
        out.append(" ".join(words) + rng.choice([".", ".", "!", "?", "...", ":"]))
    return (" " if rng.random() < 0.7 else "\n").join(out)


def _code(rng: random.Random) -> str:
    ident = lambda: rng.choice(["x", "data", "user_id", "_tmp", "Ω", "αβ", "parseHTTPResponse"])  # noqa: E731
    return "".join(
        rng.choice(CODE_SNIPPETS).format(f=ident(), a=ident(), b=ident(), n=rng.randint(0, 9999),
                                         doc=_prose(rng, 1))
        for _ in range(rng.randint(1, 6))
    )


def _cjk(rng: random.Random) -> str:
    ranges = [(0x4E00, 0x9FFF), (0x3040, 0x309F), (0x30A0, 0x30FF), (0xAC00, 0xD7A3)]
    out = []
    for _ in range(rng.randint(1, 8)):
        lo, hi = rng.choice(ranges)
        out.append("".join(chr(rng.randint(lo, hi)) for _ in range(rng.randint(2, 40))))
        out.append(rng.choice(["。", "、", "，", "！", "？", " ", "「", "」", "\n", "ー"]))  # noqa: RUF001
    return "".join(out)


def _emoji(rng: random.Random) -> str:
    return "".join(rng.choice([*EMOJI, " ", "a", "!", "\n"]) for _ in range(rng.randint(1, 60)))


def _scripts(rng: random.Random) -> str:
    return " ".join(rng.choice(OTHER_SCRIPTS) for _ in range(rng.randint(1, 6)))


def _edges(rng: random.Random) -> str:
    pieces = [" " * rng.randint(1, 40), "\n" * rng.randint(1, 5), "\t", "\r\n", rng.choice(SPECIAL),
              "'s", "'LL", "0" * rng.randint(1, 30), "ﬁ", "\u00a0", "\u3000", "...", "—", rng.choice(WORDS)]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))


def _random_codepoints(rng: random.Random) -> str:
    chars = []
    for _ in range(rng.randint(1, 80)):
        cp = rng.choice([rng.randint(0x20, 0x7E), rng.randint(0xA0, 0x2FFF), rng.randint(0x10000, 0x1FAFF)])
        if 0xD800 <= cp <= 0xDFFF:
            continue
        chars.append(chr(cp))
    return "".join(chars)


def _long(rng: random.Random) -> str:
    parts = [_prose(rng, 40), _code(rng), _cjk(rng), _emoji(rng), _scripts(rng)]
    return "\n\n".join(rng.choice(parts) for _ in range(rng.randint(20, 80)))


KINDS = {"prose": lambda r: _prose(r, r.randint(1, 12)), "code": _code, "cjk": _cjk, "emoji": _emoji,
         "scripts": _scripts, "edges": _edges, "random_codepoints": _random_codepoints}


def build_corpus(per_kind: int, seed: int, n_long: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    corpus = [(kind, make(rng)) for kind, make in KINDS.items() for _ in range(per_kind)]
    corpus += [("long", _long(rng)) for _ in range(n_long)]
    corpus += [("empty", ""), ("mixed", "".join(t for _, t in corpus[:: max(1, len(corpus) // 50)]))]
    return corpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--long", type=int, default=20, help="number of long texts (~10-60k chars)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="also write the results as JSON here")
    args = parser.parse_args()

    corpus = build_corpus(args.per_kind, args.seed, args.long)
    cache = tempfile.mkdtemp(prefix="tiktoken-ref-")
    tiktoken_cache_dir_populate(cache)
    os.environ["TIKTOKEN_CACHE_DIR"] = cache
    import tiktoken  # after the env var, so tiktoken's loader reads the cache

    results: dict = {"texts": len(corpus), "chars": sum(len(t) for _, t in corpus), "encodings": {}}
    for name in SPECS:
        ours, ref = get_encoding(name), tiktoken.get_encoding(name)
        mismatches, per_kind = [], {}
        for kind, text in corpus:
            ids = ours.encode_ordinary(text)
            same = (ids == ref.encode_ordinary(text) == ref.encode(text, disallowed_special=())
                    and ref.decode(ids) == text)
            ok, total = per_kind.get(kind, (0, 0))
            per_kind[kind] = (ok + same, total + 1)
            if not same:
                mismatches.append({"kind": kind, "text": text[:80]})
        # Throughput of the guard's counting call, one thread, short texts and long ones apart.
        timings = {}
        for label, texts in (("short", [t for k, t in corpus if k not in ("long", "mixed")]),
                             ("long", [t for k, t in corpus if k == "long"])):
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                for t in texts:
                    count_text(ours, t)
                runs.append(time.perf_counter() - t0)
            best = statistics.median(runs)
            timings[label] = {"texts": len(texts), "counts_per_second": round(len(texts) / best, 1),
                              "chars_per_second": round(sum(map(len, texts)) / best)}
        exact = len(corpus) - len(mismatches)
        results["encodings"][name] = {
            "exact": exact, "total": len(corpus), "exact_ratio": exact / len(corpus),
            "per_kind": {k: f"{ok}/{n}" for k, (ok, n) in per_kind.items()},
            "throughput": timings, "mismatches": mismatches[:10],
        }

    print(f"corpus: {results['texts']} texts, {results['chars']} characters (seed {args.seed})")
    print(f"{'encoding':<12} {'exact':>12} {'short counts/s':>15} {'long counts/s':>14} {'chars/s':>12}")
    for name, r in results["encodings"].items():
        t = r["throughput"]
        print(f"{name:<12} {r['exact']:>6}/{r['total']:<5} {t['short']['counts_per_second']:>15,.0f} "
              f"{t['long']['counts_per_second']:>14,.1f} {t['short']['chars_per_second']:>12,}")
        print("   per kind: " + ", ".join(f"{k} {v}" for k, v in r["per_kind"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0 if all(r["exact"] == r["total"] for r in results["encodings"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
