from __future__ import annotations

import random

import regex as re_

from guards.analyzers.healthguard.controls import control_findings, strip_controls


def test_nul_is_a_high_severity_control_run_located_by_offsets():
    text = "abc\x00\x00def"
    [f] = control_findings(text, "text")
    assert (text[f.start:f.end], f.severity, f.evidence) == ("\x00\x00", "high", "\\x00\\x00")


def test_tabs_and_newlines_are_text():
    assert control_findings("a\tb\r\nc\n", "text") == []


def test_ansi_escapes_are_one_finding_not_a_control_character():
    text = "build \x1b[31mFAILED\x1b[0m now"
    findings = control_findings(text, "text")
    assert [f.type for f in findings] == ["ansi_escape", "ansi_escape"]
    assert [text[f.start:f.end] for f in findings] == ["\x1b[31m", "\x1b[0m"]
    assert strip_controls(text) == "build FAILED now"


def test_c1_controls_inside_a_mojibake_run_are_skipped():
    text = "It\u00e2\u0080\u0099s"
    assert control_findings(text, "text", skip=[(2, 5)]) == []
    [f] = control_findings(text, "text")
    assert text[f.start:f.end] == "\u0080\u0099"


def test_del_and_vertical_tab_are_reported_medium():
    text = "x\x7fy\x0bz"
    assert [(text[f.start:f.end], f.severity) for f in control_findings(text, "text")] == [
        ("\x7f", "medium"), ("\x0b", "medium")]


def test_control_runs_split_around_explained_spans_as_by_checking_every_span():
    def reference(text, skip):
        run_re = re_.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")
        ansi = re_.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
        blocked = sorted([*skip, *(m.span() for m in ansi.finditer(text))])
        out = []
        for m in run_re.finditer(text):
            pieces, pos = [], m.start()
            for s, e in blocked:
                if e <= pos or s >= m.end():
                    continue
                if s > pos:
                    pieces.append((pos, s))
                pos = max(pos, e)
            if pos < m.end():
                pieces.append((pos, m.end()))
            out += pieces
        return sorted(out)

    rng = random.Random(9)
    pieces = ["\x1b[0m", "\x1b]0;t\x07", "\x00", "\x01", "\x9f", "\x1b", "a", " "]
    for _ in range(5_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(14)))
        skip = sorted((s, s + rng.randrange(1, 5)) for s in rng.sample(range(len(text) + 1), min(3, len(text) + 1)))
        got = [(f.start, f.end) for f in control_findings(text, "text", skip=skip) if f.type == "control_character"]
        assert got == reference(text, skip), (text, skip)
