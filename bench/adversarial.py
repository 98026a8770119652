"""Bounded work: every guard's analyzer on hostile text shapes at growing sizes.

Calls the analyzers in-process (no HTTP) on each shape of ``adversarial_shapes.py`` at
each size and prints the CPU seconds of one analysis and the growth per 4x size. Linear
work grows about 4x; anything above ``--flag-growth`` (default 6) per 4x, or slower than
``--flag-seconds`` at the largest size, is flagged. A guard runs in a child process so a
pathological case can be abandoned after ``--cap`` seconds (reported as ``>cap``; larger
sizes of that shape are then skipped).

    .venv/bin/python bench/adversarial.py [--sizes 5000,20000,80000] [--guards healthguard,...]
        [--shapes at_signs,...] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import queue
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from adversarial_shapes import SHAPES  # noqa: E402

GUARD_NAMES = ("tokenguard", "trustguard", "contextguard", "biasguard", "securityguard", "healthguard")
_PRIOR_TURN = "We were talking about the quarterly sales report and the numbers for the northern region."
_SOURCE = "The report found that sales in the northern region increased by 12 percent in 2020."


def payload_for(guard: str, text: str) -> dict[str, Any]:
    """The request a hostile client would send to ``guard`` with ``text`` in every text field."""
    if guard == "tokenguard":
        return {"text": text, "optimize": True}
    if guard == "trustguard":
        # Hostile output against a hostile source and a normal one: both sides are parsed.
        return {"output_text": text, "sources": [text, _SOURCE], "text": text}
    if guard == "healthguard":
        return {"text": text, "output_text": text}
    return {"text": text}


class Runner:
    """One analyzer, warmed up, timing single analyses of a payload (CPU seconds)."""

    def __init__(self, guard: str) -> None:
        from guards.analyzers.base import AnalyzerContext
        from guards.analyzers.contextguard.memory import LocalSessionMemory
        from guards.analyzers.registry import get_analyzer

        self.guard = guard
        self.analyzer = get_analyzer(guard)
        self.settings = self.analyzer.settings_schema.defaults()
        self._context_cls = AnalyzerContext
        self._memory = LocalSessionMemory()
        self._calls = 0
        warm = getattr(self.analyzer, "warm_up", None)
        if warm:
            warm()
        self.seconds("warm up the caches with a short ordinary sentence.")

    def _context(self) -> Any:
        self._calls += 1
        if self.guard != "contextguard":
            return self._context_cls(request_id=f"adv-{self._calls}")
        session = f"adv-{self._calls}"
        context = self._context_cls(tenant_key="bench", session_id=session, memory=self._memory)
        self.analyzer.analyze({"text": _PRIOR_TURN}, self.settings, context)
        return context

    def seconds(self, text: str) -> float:
        payload = payload_for(self.guard, text)
        context = self._context()
        started = time.process_time()
        self.analyzer.analyze(payload, self.settings, context)
        return time.process_time() - started


def _child(guard: str, tasks: list[tuple[str, int]], out: mp.Queue) -> None:
    runner = Runner(guard)
    out.put(("ready", None, 0.0))
    for shape, size in tasks:
        out.put(("start", (shape, size), 0.0))
        out.put(("done", (shape, size), runner.seconds(SHAPES[shape](size))))


def measure_guard(guard: str, shapes: list[str], sizes: list[int], cap: float) -> dict[tuple[str, int], float | None]:
    """CPU seconds per (shape, size); ``None`` where the run passed ``cap`` and was abandoned."""
    pending = [(shape, size) for shape in shapes for size in sizes]
    results: dict[tuple[str, int], float | None] = {}
    ctx = mp.get_context("spawn")
    while pending:
        out: mp.Queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(guard, pending, out), daemon=True)
        proc.start()
        out.get(timeout=600)  # model loading
        current: tuple[str, int] | None = None
        try:
            while pending:
                kind, key, value = out.get(timeout=cap + 5 if current else 600)
                if kind == "start":
                    current = key
                    continue
                results[key] = value
                pending.remove(key)
                current = None
                print(f"  {guard:13s} {key[0]:20s} {key[1]:>8d}  {value:8.3f}s", file=sys.stderr, flush=True)
        except queue.Empty:
            proc.kill()
            proc.join()
            assert current is not None
            shape = current[0]
            for key in [k for k in pending if k[0] == shape]:
                results[key] = None
                pending.remove(key)
            print(f"  {guard:13s} {shape:20s} {current[1]:>8d}  >{cap:.0f}s (abandoned)", file=sys.stderr, flush=True)
            continue
        proc.join()
    return results


def growth_rows(
    guard: str, results: dict[tuple[str, int], float | None], shapes: list[str], sizes: list[int],
    *, flag_growth: float, flag_seconds: float, cap: float, floor: float = 0.05,
) -> list[dict[str, Any]]:
    """One row per shape: seconds per size, worst growth per 4x and a verdict.

    Growth is only judged once the larger time passes ``floor`` seconds: below that the
    clock's resolution and fixed costs dominate the ratio.
    """
    rows = []
    for shape in shapes:
        times = [results.get((shape, size)) for size in sizes]
        growths = []
        for i in range(len(sizes) - 1):
            t1, t2 = times[i], times[i + 1]
            if t1 is None or t2 is None or t2 < floor:
                continue
            # Normalise to a 4x step so other size ladders read the same.
            growths.append((t2 / max(t1, 1e-4)) ** (1 / math.log(sizes[i + 1] / sizes[i], 4)))
        worst = max(growths, default=None)
        flags = []
        if any(t is None for t in times):
            flags.append(f"over {cap:.0f}s")
        if worst is not None and worst > flag_growth:
            flags.append("superlinear")
        if times[-1] is not None and times[-1] > flag_seconds:
            flags.append("slow")
        rows.append({"guard": guard, "shape": shape, "seconds": dict(zip(sizes, times, strict=True)),
                     "growth_per_4x": None if worst is None else round(worst, 2), "flags": flags})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000,80000", help="characters, comma-separated, ascending")
    parser.add_argument("--guards", default=",".join(GUARD_NAMES))
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--cap", type=float, default=30.0, help="abandon one analysis after this many seconds")
    parser.add_argument("--flag-growth", type=float, default=6.0, help="growth per 4x size that is flagged")
    parser.add_argument("--flag-seconds", type=float, default=2.0, help="seconds at the largest size flagged")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    shapes = args.shapes.split(",")
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        parser.error(f"unknown shapes: {unknown}")

    rows: list[dict[str, Any]] = []
    for guard in args.guards.split(","):
        results = measure_guard(guard, shapes, sizes, args.cap)
        rows += growth_rows(guard, results, shapes, sizes, flag_growth=args.flag_growth,
                            flag_seconds=args.flag_seconds, cap=args.cap)

    head = f"{'guard':13s} {'shape':20s} " + " ".join(f"{s:>9d}" for s in sizes) + "  growth/4x  flags"
    print(head)
    for row in rows:
        cells = " ".join(f"{'>cap':>9s}" if t is None else f"{t:9.3f}" for t in row["seconds"].values())
        growth = "-" if row["growth_per_4x"] is None else f"{row['growth_per_4x']:.1f}"
        print(f"{row['guard']:13s} {row['shape']:20s} {cells}  {growth:>9s}  {', '.join(row['flags'])}")
    flagged = [r for r in rows if r["flags"]]
    print(f"\n{len(rows)} guard/shape pairs, {len(flagged)} flagged")
    if args.json:
        args.json.write_text(json.dumps({"sizes": sizes, "rows": rows}, indent=1, default=str))


if __name__ == "__main__":
    main()
