"""Small SVG charts rendered on the server: no script, no CDN, readable without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from console.selectors import GuardStats

#: (part, colour): the stack of one guard's bar, left to right.
PARTS: tuple[tuple[str, str], ...] = (("passed", "#79aec8"), ("flags", "#e0a526"), ("blocks", "#ba2121"),
                                      ("errors", "#555555"))
LABEL_W, VALUE_W, ROW_H, BAR_H = 110, 70, 24, 16


def _concat(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _parts(stats: GuardStats) -> dict[str, int]:
    passed = max(stats.requests - stats.flags - stats.blocks - stats.errors, 0)
    return {"passed": passed, "flags": stats.flags, "blocks": stats.blocks, "errors": stats.errors}


def guard_bars(stats: Sequence[GuardStats], *, width: int = 560, title: str = "Requests per guard") -> SafeString:
    """One stacked horizontal bar per guard (passed, flags, blocks, errors), scaled to the busiest."""
    peak = max((s.requests for s in stats), default=0) or 1
    span = width - LABEL_W - VALUE_W
    rows = []
    for i, s in enumerate(stats):
        y, x, rects = i * ROW_H, float(LABEL_W), []
        for part, colour in PARTS:
            count = _parts(s)[part]
            if not count:
                continue
            w = span * count / peak
            rects.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                                     "<title>{}: {} {}</title></rect>", f"{x:.1f}", y + 4, f"{max(w, 1.0):.1f}", BAR_H, colour,
                                     s.guard, count, part))
            x += w
        rows.append(format_html('<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>{}'
                                '<text x="{}" y="{}" font-size="12">{}</text>',
                                LABEL_W - 6, y + 17, s.guard, _concat(rects), f"{x + 4:.1f}", y + 17, s.requests))
    legend = format_html_join("", '<rect x="{}" y="{}" width="10" height="10" fill="{}"></rect>'
                              '<text x="{}" y="{}" font-size="11">{}</text>',
                              ((LABEL_W + i * 90, len(stats) * ROW_H + 6, colour, LABEL_W + i * 90 + 14,
                                len(stats) * ROW_H + 15, part) for i, (part, colour) in enumerate(PARTS)))
    height = len(stats) * ROW_H + 24
    return format_html('<svg class="console-chart" xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" '
                       'viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}{}</svg>',
                       width, height, width, height, title, title, _concat(rows), legend)
