"""Small SVG charts rendered on the server: no script, no CDN, readable without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from console.selectors import DailyUsage, GuardStats

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


#: One colour per guard, in the order the guards are listed.
GUARD_COLOURS = ("#417690", "#79aec8", "#e0a526", "#ba2121", "#5b8c5a", "#8e6bb0", "#555555")


def daily_columns(rows: Sequence[DailyUsage], *, days: Sequence[date], height: int = 160,
                  title: str = "Requests per day") -> SafeString:
    """One column per day, stacked by guard; each part's tooltip gives its requests, blocks and flags."""
    guards = sorted({r.guard for r in rows})
    colour = {g: GUARD_COLOURS[i % len(GUARD_COLOURS)] for i, g in enumerate(guards)}
    per_day: dict[date, list[DailyUsage]] = {d: [] for d in days}
    for row in rows:
        per_day.setdefault(row.day, []).append(row)
    peak = max((sum(r.requests for r in day) for day in per_day.values()), default=0) or 1
    col_w, top, chart_h = 18, 14, height - 40
    parts = []
    for i, day in enumerate(days):
        x, y = 40 + i * col_w, float(top + chart_h)
        for row in per_day.get(day, []):
            h = chart_h * row.requests / peak
            y -= h
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} {}: {} requests, {} blocked, '
                "{} flagged</title></rect>", x, f"{y:.1f}", col_w - 3, f"{max(h, 1.0):.1f}", colour[row.guard],
                day.isoformat(), row.guard, row.requests, row.blocks, row.flags))
        if day.day in (1, 10, 20) or (i == len(days) - 1 and day.day % 10 >= 3):  # no overlapping labels
            parts.append(format_html('<text x="{}" y="{}" font-size="10">{}</text>', x, top + chart_h + 12,
                                     day.strftime("%d")))
    width = 40 + len(days) * col_w + 10
    axis = format_html('<text x="2" y="{}" font-size="10">{}</text><text x="2" y="{}" font-size="10">0</text>',
                       top + 8, peak, top + chart_h)
    legend = format_html_join("", '<rect x="{}" y="{}" width="10" height="10" fill="{}"></rect>'
                              '<text x="{}" y="{}" font-size="11">{}</text>',
                              ((40 + i * 100, height - 14, colour[g], 54 + i * 100, height - 5, g)
                               for i, g in enumerate(guards)))
    return format_html('<svg class="console-chart" xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" '
                       'viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}{}{}</svg>',
                       max(width, 40 + len(guards) * 100), height, max(width, 40 + len(guards) * 100), height,
                       title, title, axis, _concat(parts), legend)
