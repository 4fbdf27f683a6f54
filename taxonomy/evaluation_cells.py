"""A paper's evaluation facts as comparison cells: setups, largest run, models, baselines, results.

Cells have the shape of the dimension cells (a list of values with text, evidence and confirmed), so every
rendering of the comparison (JSON, CSV, Markdown, LaTeX, the pages) shows them without special cases.
Baselines also say which catalogue paper they are and whether other compared papers share them.
"""

from papers.identifiers import normalize_title
from papers.models import Paper

EVALUATION_COLUMNS = [
    {"slug": "setups", "name": "GPU setups", "kind": "evaluation"},
    {"slug": "max-gpus", "name": "Max GPUs", "kind": "evaluation"},
    {"slug": "models", "name": "Models", "kind": "evaluation"},
    {"slug": "baselines", "name": "Baselines", "kind": "evaluation"},
    {"slug": "results", "name": "Results", "kind": "evaluation"},
]


def _value(text: str, evidence: str = "", confirmed: bool = True, **extra) -> dict:
    return {"term": None, "term_name": None, "text": text, "evidence": evidence, "confirmed": confirmed, **extra}


def setup_text(setup) -> str:
    """ "8× A100-40GB + 16× V100-16GB; mixed GPU types, 2.5× compute spread; RoCE 100Gbps; simulated"."""
    gpus = [
        f"{row.count}× {row.type_text or row.gpu_type.name}" if row.count else row.type_text or row.gpu_type.name
        for row in setup.gpus.all()
    ]
    parts = [" + ".join(gpus) or "GPUs not stated"]
    if setup.mixed_gpu_types:
        ratio = setup.compute_ratio
        parts.append(f"mixed GPU types, {ratio.normalize():f}× compute spread" if ratio else "mixed GPU types")
    if setup.nodes:
        parts.append(f"{setup.nodes} nodes")
    parts.extend(setup.interconnect)
    if setup.simulated:
        parts.append("simulated")
    return "; ".join(parts)


def result_text(result) -> str:
    text = f"{result.get_metric_display()} {result.display_value}"
    if result.versus:
        text += f" vs {result.versus}"
    return f"{text} ({result.setup_text})" if result.setup_text else text


def baseline_key(name: str) -> str:
    return normalize_title(name)


def shared_baselines(papers: list[Paper]) -> list[dict]:
    """Baselines that two or more of the compared papers measure against, most shared first."""
    names: dict[str, str] = {}
    holders: dict[str, list[str]] = {}
    for paper in papers:
        for baseline in paper.baselines.all():
            key = baseline_key(baseline.name)
            names.setdefault(key, baseline.name)
            if paper.citation_key not in holders.setdefault(key, []):
                holders[key].append(paper.citation_key)
    shared = [key for key, keys in holders.items() if len(keys) >= 2]
    shared.sort(key=lambda key: (-len(holders[key]), names[key].lower()))
    return [{"name": names[key], "papers": holders[key]} for key in shared]


def evaluation_cells(paper: Paper, shared: set[str]) -> dict[str, list[dict] | None]:
    """The evaluation cells of one row (None where nothing is recorded); `shared` holds the baseline_key of
    each baseline that other compared papers use too."""
    summary = getattr(paper, "evaluation", None)
    cells = {
        "setups": [_value(setup_text(s), s.evidence, s.confirmed) for s in paper.setups.all()],
        "max-gpus": [_value(str(summary.max_gpus), confirmed=summary.confirmed)]
        if summary and summary.max_gpus
        else [],
        "models": [_value(m.name, confirmed=m.confirmed) for m in paper.evaluated_models.all()],
        "baselines": [
            _value(
                b.name,
                confirmed=b.confirmed,
                paper=b.baseline_paper.citation_key if b.baseline_paper_id else None,
                shared=baseline_key(b.name) in shared,
            )
            for b in paper.baselines.all()
        ],
        "results": [_value(result_text(r), r.evidence, r.confirmed) for r in paper.results.all()],
    }
    return {slug: cell or None for slug, cell in cells.items()}
