"""The results ledger's chart: each paper's headline speedup as a horizontal bar on a log scale, grouped by
top-level category, each bar labelled with its baseline. Drawn by the server as inline SVG, like
frontend.charts, with its numbers as a table.

Which results count as a headline speedup is the core's rule (taxonomy.results.headline_speedups): ratios
("x") of throughput, goodput, training time or time to accuracy, never other metrics or units.
"""

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from frontend.charts import SERIES_COLOURS, Chart, _short
from taxonomy.results import HeadlineGroup

WIDTH = 760
LABEL_W = 190  # paper names
NOTE_W = 230  # "13.9× vs Bamboo and Varuna"
ROW_H = 22
GROUP_H = 26
AXIS_H = 28
TICKS = (1, 2, 5)


def _ticks(low: float, high: float) -> list[float]:
    """1, 2, 5, 10, 20, 50... from the decade of `low` to just past `high`."""
    ticks, decade = [], 10 ** math.floor(math.log10(low))
    while decade <= high * 10:
        ticks += [decade * step for step in TICKS if low <= decade * step <= high]
        decade *= 10
    return ticks


def _round_up(value: float) -> float:
    """The first of 2, 5, 10, 20, 50... at or above `value` (the axis ends just past the longest bar)."""
    decade = 10 ** math.floor(math.log10(max(value, 1.0)))
    for step in (*TICKS[1:], 10):
        if decade * step >= value:
            return float(decade * step)
    return float(decade * 10)  # pragma: no cover - 10 x decade is always at or above value


def speedup_chart(groups: list[HeadlineGroup]) -> Chart:
    columns = ["Paper", "Category", "Headline speedup", "Metric", "Baseline", "Evidence"]
    rows = [
        [h.citation_key, group.category, h.display_value, h.metric_name, h.baseline, h.evidence]
        for group in groups
        for h in group.headlines
    ]
    return Chart(svg=_bars(groups) if rows else mark_safe(""), columns=columns, rows=rows)


def _bars(groups: list[HeadlineGroup]) -> SafeString:
    values = [h.value for group in groups for h in group.headlines]
    low = min(1.0, min(values))
    low = 10 ** math.floor(math.log10(low)) if low < 1 else 1.0
    high = _round_up(max(values, default=1.0))
    plot_left, plot_right = LABEL_W, WIDTH - NOTE_W
    span = math.log10(high) - math.log10(low)

    def x(value: float) -> float:
        return plot_left + (plot_right - plot_left) * (math.log10(value) - math.log10(low)) / span

    height = AXIS_H + sum(GROUP_H + ROW_H * len(group.headlines) for group in groups) + 8
    parts = [
        f'<svg class="chart speedups" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart-speedups-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-speedups-title">Headline speedup per paper, log scale, grouped by top-level category'
        "</title>"
    ]
    for tick in _ticks(low, high):
        tx = x(tick)
        parts.append(f'<line class="grid" x1="{tx:.1f}" x2="{tx:.1f}" y1="{AXIS_H - 6}" y2="{height - 8}"/>')
        parts.append(f'<text class="axis" x="{tx:.1f}" y="{AXIS_H - 10}" text-anchor="middle">{tick:g}×</text>')
    y = AXIS_H
    for index, group in enumerate(groups):
        series = index % SERIES_COLOURS
        heading = _short(group.category, 70)
        if group.total > len(group.headlines):
            heading += f" (the largest {len(group.headlines)} of {group.total:,} papers)"
        parts.append(f'<text class="group" x="4" y="{y + GROUP_H - 8}">{escape(heading)}</text>')
        y += GROUP_H
        for headline in group.headlines:
            bar_end = x(headline.value)
            label = f"{headline.citation_key}: {headline.display_value} {headline.metric_name.lower()}"
            label += f" vs {headline.baseline}" if headline.baseline else ""
            parts.append(
                f'<text class="axis" x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">'
                f"{escape(_short(headline.citation_key, 28))}<title>{escape(headline.title)}</title></text>"
                f'<rect class="series-{series}" x="{plot_left}" y="{y + 4}" width="{max(bar_end - plot_left, 2):.1f}" '
                f'height="{ROW_H - 8}"><title>{escape(label)}</title></rect>'
                f'<text class="bar-label" x="{max(bar_end, plot_left + 2) + 6:.1f}" y="{y + 15}">'
                f"{escape(_short(_note(headline.value, headline.baseline), 40))}<title>{escape(label)}</title></text>"
            )
            y += ROW_H
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above goes through escape()


def _note(value: float, baseline: str) -> str:
    return f"{value:g}×" + (f" vs {baseline}" if baseline else "")
