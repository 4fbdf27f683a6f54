"""Two small pictures drawn by the server as inline SVG: no chart library, no script.

Colours come from CSS classes (`.series-0` ...), so the site's stylesheet themes them for light and
dark mode. Each chart also returns its numbers, which the page shows as a table for screen readers
and for anyone who would rather read.
"""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from papers.models import Paper
from taxonomy.models import DimensionValue, Placement
from taxonomy.services import CategoryNode, category_tree

UNPLACED = "Not yet placed"
SERIES_COLOURS = 8  # .series-0 ... .series-7 in site.css


@dataclass
class Chart:
    svg: SafeString
    columns: list[str]  # the table's header: the first is the row label
    rows: list[list] = field(default_factory=list)
    legend: list[tuple[str, int]] = field(default_factory=list)  # (label, series index)


def _top_level_of(roots: list[CategoryNode]) -> dict[int, CategoryNode]:
    top = {}
    for root in roots:
        for category_id in root.category_ids():
            top[category_id] = root
    return top


def papers_per_year_chart(roots: list[CategoryNode] | None = None) -> Chart:
    """Stacked bars: public papers per year, split by top-level category.

    A paper placed under several top-level categories counts once, under the first in tree order.
    Three queries (two for the tree when it is not given).
    """
    roots = category_tree() if roots is None else roots
    top = _top_level_of(roots)
    order = {root.category.pk: index for index, root in enumerate(roots)}
    first_root: dict[int, int] = {}
    placed = Placement.objects.filter(paper__status=Paper.Status.PUBLIC).values_list("paper_id", "category_id")
    for paper_id, category_id in placed:
        root_id = top[category_id].category.pk
        if paper_id not in first_root or order[root_id] < order[first_root[paper_id]]:
            first_root[paper_id] = root_id
    series = [root.category.name for root in roots]
    counts: dict[int, list[int]] = {}
    has_unplaced = False
    for paper_id, year in Paper.objects.public().filter(year__isnull=False).values_list("pk", "year"):
        row = counts.setdefault(year, [0] * (len(series) + 1))
        if paper_id in first_root:
            row[order[first_root[paper_id]]] += 1
        else:
            row[-1] += 1
            has_unplaced = True
    if has_unplaced:
        series.append(UNPLACED)
    years = list(range(min(counts), max(counts) + 1)) if counts else []
    rows = [[year, *counts.get(year, [0] * (len(series) + 1))[: len(series)]] for year in years]
    svg = _stacked_bars(rows, series, title="Papers per year by top-level category")
    return Chart(
        svg=svg,
        columns=["Year", *series],
        rows=[[*row, sum(row[1:])] for row in rows],
        legend=[(name, index % SERIES_COLOURS) for index, name in enumerate(series)],
    )


def _stacked_bars(rows: list[list[int]], series: list[str], *, title: str) -> SafeString:
    width, height = 640, 260
    left, right, top, bottom = 36, 8, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((sum(row[1:]) for row in rows), default=0) or 1
    step = _nice_step(peak)
    ceiling = step * -(-peak // step)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-years-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="chart-years-title">{escape(title)}</title>'
    ]
    for tick in range(0, ceiling + 1, step):
        y = top + plot_h - plot_h * tick / ceiling
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    slot = plot_w / max(len(rows), 1)
    bar = min(slot * 0.7, 48)
    for index, row in enumerate(rows):
        year, values = row[0], row[1:]
        x = left + slot * index + (slot - bar) / 2
        y = top + plot_h
        for series_index, value in enumerate(values):
            if not value:
                continue
            h = plot_h * value / ceiling
            y -= h
            label = f"{year}, {series[series_index]}: {value}"
            parts.append(
                f'<rect class="series-{series_index % SERIES_COLOURS}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}"><title>{escape(label)}</title></rect>'
            )
        total = sum(values)
        if total:
            parts.append(
                f'<text class="value" x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{total}</text>'
            )
        parts.append(f'<text class="axis" x="{x + bar / 2:.1f}" y="{height - 10}" text-anchor="middle">{year}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above goes through escape()


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if peak / step <= 6:
            return step
    return 1000


def techniques_by_category_chart(roots: list[CategoryNode] | None = None, *, max_techniques: int = 12) -> Chart:
    """A grid: top-level categories down, the most used techniques across, dots sized by paper count.

    Two queries (two more for the tree when it is not given).
    """
    roots = category_tree() if roots is None else roots
    top = _top_level_of(roots)
    papers_by_root: dict[int, set[int]] = {root.category.pk: set() for root in roots}
    placed = Placement.objects.filter(paper__status=Paper.Status.PUBLIC).values_list("paper_id", "category_id")
    for paper_id, category_id in placed:
        papers_by_root[top[category_id].category.pk].add(paper_id)
    values = (
        DimensionValue.objects.filter(
            dimension__slug="technique", term__isnull=False, paper__status=Paper.Status.PUBLIC
        )
        .order_by()
        .values_list("paper_id", "term__name")
        .distinct()
    )
    papers_by_term: dict[str, set[int]] = {}
    for paper_id, term in values:
        papers_by_term.setdefault(term, set()).add(paper_id)
    techniques = sorted(papers_by_term, key=lambda t: (-len(papers_by_term[t]), t))[:max_techniques]
    rows = []
    for root in roots:
        in_root = papers_by_root[root.category.pk]
        rows.append([root.category.name, *[len(papers_by_term[t] & in_root) for t in techniques]])
    svg = _dot_grid(rows, techniques, title="Techniques used by the papers of each top-level category")
    return Chart(svg=svg, columns=["Category", *techniques], rows=rows)


def _dot_grid(rows: list[list], columns: list[str], *, title: str) -> SafeString:
    label_w, cell, head = 230, 34, 130
    width = label_w + cell * len(columns) + 8
    height = head + cell * len(rows) + 8
    peak = max((max(row[1:], default=0) for row in rows), default=0) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-tech-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="chart-tech-title">{escape(title)}</title>'
    ]
    for index, name in enumerate(columns):
        x = label_w + cell * index + cell / 2
        parts.append(
            f'<text class="axis" transform="translate({x + 4:.1f},{head - 6}) rotate(-55)">{escape(_short(name, 22))}'
            f"<title>{escape(name)}</title></text>"
        )
    for row_index, row in enumerate(rows):
        y = head + cell * row_index + cell / 2
        parts.append(
            f'<text class="axis" x="{label_w - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(_short(row[0], 34))}'
            f"<title>{escape(row[0])}</title></text>"
        )
        parts.append(f'<line class="grid" x1="{label_w}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}"/>')
        for index, value in enumerate(row[1:]):
            if not value:
                continue
            x = label_w + cell * index + cell / 2
            radius = 4 + 11 * (value / peak) ** 0.5
            label = f"{row[0]}, {columns[index]}: {value} paper{'s' if value != 1 else ''}"
            parts.append(
                f'<circle class="series-{row_index % SERIES_COLOURS}" cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}">'
                f"<title>{escape(label)}</title></circle>"
                f'<text class="dot-value" x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">{value}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above goes through escape()


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
