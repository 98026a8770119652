from __future__ import annotations

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
