"""The results ledger as CSV, Markdown and LaTeX: the same rows as the JSON (taxonomy.results.ledger_row), all of
a filtered ledger rather than one page, up to MAX_EXPORT_ROWS."""

import csv
import io

from django.db.models import QuerySet

from lib.latex import text_to_latex
from taxonomy.listing import InvalidQuery
from taxonomy.results import ledger_rows

MAX_EXPORT_ROWS = 5_000
HEADER = [
    "Paper",
    "Citation key",
    "Year",
    "Metric",
    "Value",
    "Unit",
    "Kind",
    "Baseline",
    "Baseline paper",
    "Result's setup",
    "Paper's setups",
    "Evidence",
    "Confirmed",
]


def rows_for_export(results: QuerySet) -> list[dict]:
    """Every row of a filtered ledger; InvalidQuery when there are more than an export holds."""
    found = list(results[: MAX_EXPORT_ROWS + 1])
    if len(found) > MAX_EXPORT_ROWS:
        message = f"An export holds at most {MAX_EXPORT_ROWS:,} results; narrow the filters."
        raise InvalidQuery({"format": [message]})
    return ledger_rows(found)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _value(row: dict) -> str:
    if row["value"] is None:
        return row["value_text"]
    return _number(row["value"]) + (f"-{_number(row['value_max'])}" if row["value_max"] is not None else "")


def setups_text(row: dict) -> str:
    """The paper's recorded setups in one line: "4×A100 + 8×L4 (24 GPUs; RoCE 100Gbps; simulated)"."""
    parts = []
    for setup in row["paper_setups"]:
        details = [f"{setup['total_gpus']} GPUs"] if setup["total_gpus"] else []
        details += setup["interconnect"]
        if setup["simulated"]:
            details.append("simulated")
        parts.append(f"{setup['gpus'] or 'GPUs not stated'}" + (f" ({'; '.join(details)})" if details else ""))
    return " | ".join(parts)


def _cells(row: dict) -> list[str]:
    baseline = row["baseline_paper"]
    return [
        row["paper"]["title"],
        row["paper"]["citation_key"],
        str(row["paper"]["year"] or ""),
        row["metric_name"],
        _value(row),
        row["unit"],
        row["kind"],
        row["versus"],
        baseline["citation_key"] if baseline else "",
        row["setup_text"],
        setups_text(row),
        row["evidence"],
        "yes" if row["confirmed"] else "no",
    ]


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(_cells(row) for row in rows)
    return out.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(_md_escape(cell) for cell in _cells(row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def to_latex(rows: list[dict]) -> str:
    """A booktabs longtable (needs \\usepackage{booktabs,longtable}); free text, so every $ is escaped too."""
    width = f"{0.92 / len(HEADER):.3f}"
    spec = "".join(f"p{{{width}\\linewidth}}" for _ in HEADER)
    head = " & ".join(f"\\textbf{{{text_to_latex(h, keep_math=False)}}}" for h in HEADER) + " \\\\"
    lines = [f"\\begin{{longtable}}{{{spec}}}", "\\toprule", head, "\\midrule", "\\endhead"]
    lines += [" & ".join(text_to_latex(cell, keep_math=False) for cell in _cells(row)) + " \\\\" for row in rows]
    lines += ["\\bottomrule", "\\end{longtable}"]
    return "\n".join(lines) + "\n"
