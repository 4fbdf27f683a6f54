"""Side-by-side comparison of solution approaches: papers as rows, dimensions as columns.

One matrix, rendered as JSON, CSV, Markdown and LaTeX with the same cells. A dimension with no
value for any selected paper is left out; a missing cell is None, never invented. After the
dimensions come the evaluation facts (taxonomy.evaluation_cells), in cells of the same shape.
"""

import csv
import io
from dataclasses import dataclass

from lib.latex import text_to_latex
from papers.models import Paper
from taxonomy.evaluation_cells import EVALUATION_COLUMNS, baseline_key, evaluation_cells, shared_baselines
from taxonomy.models import Dimension
from taxonomy.selectors import prefetch_for_comparison

MAX_PAPERS = 100


@dataclass
class Comparison:
    columns: list[Dimension]
    papers: list[Paper]

    def as_dict(self) -> dict:
        shared = shared_baselines(self.papers)
        shared_keys = {baseline_key(item["name"]) for item in shared}
        rows = [self._row(paper, shared_keys) for paper in self.papers]
        used = {slug for row in rows for slug, cell in row["cells"].items() if cell}
        evaluation = [column for column in EVALUATION_COLUMNS if column["slug"] in used]
        return {
            "columns": [{"slug": d.slug, "name": d.name, "kind": d.kind} for d in self.columns] + evaluation,
            "rows": [{**row, "cells": _only(row["cells"], self.columns, evaluation)} for row in rows],
            "shared_baselines": shared,
        }

    def _row(self, paper: Paper, shared_keys: set[str]) -> dict:
        by_dimension: dict[int, list[dict]] = {}
        for value in paper.dimension_values.all():
            by_dimension.setdefault(value.dimension_id, []).append(
                {
                    "term": value.term.slug if value.term else None,
                    "term_name": value.term.name if value.term else None,
                    "text": value.text,
                    "evidence": value.evidence,
                    "confirmed": value.confirmed,
                }
            )
        return {
            "paper": {
                "citation_key": paper.citation_key,
                "title": paper.title,
                "year": paper.year,
                "venue_short": paper.venue_short,
            },
            "categories": [
                {"slug": p.category.slug, "name": p.category.name, "note": p.note} for p in paper.placements.all()
            ],
            "cells": {d.slug: by_dimension.get(d.pk) for d in self.columns} | evaluation_cells(paper, shared_keys),
        }


def _only(cells: dict, columns: list[Dimension], evaluation: list[dict]) -> dict:
    return {slug: cells.get(slug) for slug in [d.slug for d in columns] + [c["slug"] for c in evaluation]}


def compare_papers(papers: list[Paper]) -> Comparison:
    """Build the matrix for `papers`, in the order given, with three more queries whatever their number."""
    prefetch_for_comparison(papers)
    used = {value.dimension_id for paper in papers for value in paper.dimension_values.all()}
    columns = [d for d in Dimension.objects.order_by("sort_order", "name") if d.pk in used]
    return Comparison(columns=columns, papers=papers)


# --- Text renderings: the same cells as the JSON -------------------------------------------------------------


def cell_text(cell: list[dict] | None) -> str | None:
    """A cell as one line: "ILP (layer partitioning) [§7, unconfirmed]; ..."; None when missing."""
    if cell is None:
        return None
    parts = []
    for value in cell:
        label = value["term_name"] or value["text"]
        if value["term_name"] and value["text"]:
            label = f"{label} ({value['text']})"
        flags = ("shared" if value.get("shared") else "", "" if value["confirmed"] else "unconfirmed")
        marks = [m for m in (value["evidence"], *flags) if m]
        parts.append(f"{label} [{', '.join(marks)}]" if marks else label)
    return "; ".join(parts)


def categories_text(row: dict) -> str:
    return "; ".join(f"{c['name']}: {c['note']}" if c["note"] else c["name"] for c in row["categories"])


def _table(data: dict) -> tuple[list[str], list[list[str | None]]]:
    header = ["Paper", "Year", "Categories", *[c["name"] for c in data["columns"]]]
    rows = [
        [
            f"{row['paper']['title']} ({row['paper']['citation_key']})",
            str(row["paper"]["year"] or ""),
            categories_text(row),
            *[cell_text(row["cells"][c["slug"]]) for c in data["columns"]],
        ]
        for row in data["rows"]
    ]
    return header, rows


def to_csv(data: dict) -> str:
    header, rows = _table(data)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return out.getvalue()


MISSING = "—"


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(data: dict) -> str:
    header, rows = _table(data)
    lines = ["| " + " | ".join(_md_escape(h) for h in header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(MISSING if c is None else _md_escape(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def to_latex(data: dict) -> str:
    """A booktabs table (needs \\usepackage{booktabs}); cells are free text, so every $ is escaped too."""
    header, rows = _table(data)
    width = f"{0.9 / len(header):.3f}"
    spec = "".join(f"p{{{width}\\linewidth}}" for _ in header)
    lines = [
        f"\\begin{{tabular}}{{{spec}}}",
        "\\toprule",
        " & ".join(f"\\textbf{{{text_to_latex(h, keep_math=False)}}}" for h in header) + " \\\\",
        "\\midrule",
    ]
    for row in rows:
        lines.append(" & ".join("---" if c is None else text_to_latex(c, keep_math=False) for c in row) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"
