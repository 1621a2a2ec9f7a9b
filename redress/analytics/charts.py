"""Charts drawn on the server as SVG: step curves (survival, backlog) and horizontal bars.

SVG works in a page and in a printed report alike, needs no script, and carries its own title
and description for screen readers. Every chart a page shows is followed by a table of the
same numbers (the pages put it one click away, in a <details>). Text goes through Django's
escaping, since group names come from imported files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 150, 16, 40
# Colours told apart by people with the common colour-vision deficiencies (Okabe and Ito),
# each also drawn with its own dash pattern.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 2", "8 3 2 3", "1 3", "10 4", "4 4")


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[float, float]]


def step_chart(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    y_max: float | None = None,
) -> SafeString:
    """Step lines, one per series, on shared axes from zero."""
    xs = [x for s in series for x, _ in s.points] or [0.0]
    ys = [y for s in series for _, y in s.points] or [0.0]
    x_max = max(max(xs), 1.0)
    top = y_max if y_max is not None else max(max(ys), 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x: float) -> float:
        return LEFT + plot_w * x / x_max

    def sy(y: float) -> float:
        return TOP + plot_h * (1 - y / top)

    lines = []
    for k, s in enumerate(series[: len(COLOURS)]):
        path = []
        previous_y: float | None = None
        for x, y in s.points:
            if previous_y is None:
                path.append(f"M{sx(x):.1f},{sy(y):.1f}")
            else:
                path.append(f"H{sx(x):.1f}V{sy(y):.1f}")
            previous_y = y
        lines.append(
            format_html(
                '<path d="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>'
                '<text x="{}" y="{}" font-size="12">{}</text>',
                "".join(path),
                COLOURS[k],
                DASHES[k],
                WIDTH - RIGHT + 8,
                TOP + 16 * (k + 1),
                s.label,
            )
        )
        lines.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="{}"/>',
                WIDTH - RIGHT - 4,
                WIDTH - RIGHT + 4,
                TOP + 16 * (k + 1) - 4,
                TOP + 16 * (k + 1) - 4,
                COLOURS[k],
                DASHES[k],
            )
        )
    return _svg(
        title,
        description,
        _axes(x_label, y_label, x_max, top, plot_w, plot_h) + mark_safe("".join(lines)),  # noqa: S308 -- each part built by format_html
    )


def bar_chart(
    bars: Sequence[tuple[str, float]], *, title: str, description: str, unit: str = ""
) -> SafeString:
    """Horizontal bars, one per label, from zero."""
    height = TOP + BOTTOM + 24 * max(len(bars), 1)
    top = max([v for _, v in bars] + [1e-9])
    left, plot_w = 200, WIDTH - 200 - 80
    rows = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="16" fill="#0072B2"/>'
        '<text x="{}" y="{}" font-size="12">{}{}</text>',
        (
            (
                left - 6,
                TOP + 24 * k + 12,
                label,
                left,
                TOP + 24 * k,
                f"{plot_w * value / top:.1f}",
                left + plot_w * value / top + 4,
                TOP + 24 * k + 12,
                _number(value),
                unit,
            )
            for k, (label, value) in enumerate(bars)
        ),
    )
    return _svg(title, description, rows, height=height)


def _axes(
    x_label: str, y_label: str, x_max: float, y_max: float, plot_w: float, plot_h: float
) -> SafeString:
    ticks = []
    for k in range(5):
        y = y_max * k / 4
        ticks.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>'
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>',
                LEFT - 6,
                TOP + plot_h * (1 - k / 4) + 4,
                _number(y),
                LEFT,
                LEFT + plot_w,
                TOP + plot_h * (1 - k / 4),
                TOP + plot_h * (1 - k / 4),
            )
        )
        x = x_max * k / 4
        ticks.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
                LEFT + plot_w * k / 4,
                TOP + plot_h + 16,
                _number(x),
            )
        )
    return format_html(
        '<line x1="{l}" x2="{l}" y1="{t}" y2="{b}" stroke="#333"/>'
        '<line x1="{l}" x2="{r}" y1="{b}" y2="{b}" stroke="#333"/>{ticks}'
        '<text x="{cx}" y="{xl}" font-size="12" text-anchor="middle">{x_label}</text>'
        '<text x="12" y="{cy}" font-size="12" text-anchor="middle" '
        'transform="rotate(-90 12 {cy})">{y_label}</text>',
        l=LEFT,
        r=LEFT + plot_w,
        t=TOP,
        b=TOP + plot_h,
        ticks=mark_safe("".join(ticks)),  # noqa: S308 -- each tick built by format_html
        cx=LEFT + plot_w / 2,
        xl=TOP + plot_h + 34,
        x_label=x_label,
        cy=TOP + plot_h / 2,
        y_label=y_label,
    )


def _svg(title: str, description: str, body: SafeString, *, height: int = HEIGHT) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'role="img" aria-labelledby="{id}-t {id}-d" class="chart">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{description}</desc>{body}</svg>',
        w=WIDTH,
        h=height,
        id=_slug(title),
        title=title,
        description=description,
        body=body,
    )


def _slug(text: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in text.lower())[:40]


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2f}"
