"""Size against the tenant's limits: characters, UTF-8 bytes, lines, longest line.

The gateway enforces a global request size; these are the tenant's own, tighter rules
for what a prompt or an answer may look like. Each finding's span is what lies past the
limit (or the over-long line), so a client can see exactly what to cut.
"""

from __future__ import annotations

from typing import Any

from guards.analyzers.base import Finding


def _char_at_byte(text: str, limit: int) -> int:
    """Index of the first character whose UTF-8 encoding ends past ``limit`` bytes."""
    used = 0
    for i, ch in enumerate(text):
        used += len(ch.encode("utf-8", "surrogatepass"))
        if used > limit:
            return i
    return len(text)


def size_findings(text: str, source: str, settings: dict[str, Any]) -> list[Finding]:
    findings = []
    if settings["max_chars"] and len(text) > settings["max_chars"]:
        findings.append(Finding(
            type="too_many_characters", category="size", severity="high", score=1.0,
            start=settings["max_chars"], end=len(text), evidence="",
            message=f"{len(text)} characters; the limit is {settings['max_chars']}.", source=source,
            detail={"length": len(text), "limit": settings["max_chars"]},
        ))
    if settings["max_bytes"]:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > settings["max_bytes"]:
            findings.append(Finding(
                type="too_many_bytes", category="size", severity="high", score=1.0,
                start=_char_at_byte(text, settings["max_bytes"]), end=len(text), evidence="",
                message=f"{size} UTF-8 bytes; the limit is {settings['max_bytes']}.", source=source,
                detail={"bytes": size, "limit": settings["max_bytes"]},
            ))
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    if settings["max_lines"] and len(line_starts) > settings["max_lines"]:
        findings.append(Finding(
            type="too_many_lines", category="size", severity="medium", score=0.7,
            start=line_starts[settings["max_lines"]], end=len(text), evidence="",
            message=f"{len(line_starts)} lines; the limit is {settings['max_lines']}.", source=source,
            detail={"lines": len(line_starts), "limit": settings["max_lines"]},
        ))
    if settings["max_line_chars"]:
        for i, start in enumerate(line_starts):
            end = line_starts[i + 1] - 1 if i + 1 < len(line_starts) else len(text)
            if end - start > settings["max_line_chars"]:
                findings.append(Finding(
                    type="line_too_long", category="size", severity="low", score=0.5,
                    start=start, end=end, evidence=text[start : start + 40],
                    message=f"A line of {end - start} characters (limit {settings['max_line_chars']}): "
                            "an unbroken blob such as base64 or minified code.", source=source,
                    detail={"line": i + 1, "length": end - start},
                ))
                break
    return findings
