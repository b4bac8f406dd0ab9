"""Bar charts as inline SVG: served by the admin itself, no script, no CDN."""

from __future__ import annotations

from html import escape

BAR_HEIGHT = 22
LABEL_WIDTH = 190
WIDTH = 640


def bar_chart(title: str, counts: dict[str, int | None]) -> str:
    """Horizontal bars; a suppressed count (fewer than five) shows as "< 5" without a bar."""
    shown = {k: v for k, v in counts.items()}
    top = max([v for v in shown.values() if v] or [1])
    height = BAR_HEIGHT * max(1, len(shown)) + 30
    rows = []
    for i, (label, value) in enumerate(shown.items()):
        y = 26 + i * BAR_HEIGHT
        width = 0 if value is None else int((WIDTH - LABEL_WIDTH - 60) * value / top)
        text = "< 5" if value is None else str(value)
        rows.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width}" height="{BAR_HEIGHT - 6}"'
            f' fill="#206bc4"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + 14}">{text}</text>'
        )
    if not shown:
        rows.append(f'<text x="{LABEL_WIDTH}" y="40">–</text>')
    return (
        f'<svg role="img" aria-label="{escape(title)}" width="{WIDTH}" height="{height}"'
        f' font-family="sans-serif" font-size="13">'
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>{"".join(rows)}</svg>'
    )
