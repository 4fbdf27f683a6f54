"""The curators' to-do list: what the catalogue does not know yet, or knows only loosely.

A gap is not an error (`check_catalogue` still passes with gaps): the corpus has them by nature, a paper's
abstract rarely names every GPU. `data_gaps()` reads them all in a fixed number of queries, whatever the size
of the catalogue; the admin's data-gaps page and `manage.py check_catalogue` show the same lists.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from papers.models import Paper
from taxonomy.models import (
    Baseline,
    DimensionValue,
    EvaluatedModel,
    Evaluation,
    GpuType,
    Placement,
    Result,
    Setup,
    SetupGpu,
)

# Values without evidence are many (most of the corpus's dimensions were written from the abstract): a sample
# of each dimension's is listed, every one is counted.
VALUE_SAMPLE_SIZE = 5


@dataclass
class GapItem:
    """One thing to fix, on a paper (citation_key, paper_id) or a GPU type (gpu_type_id)."""

    detail: str
    citation_key: str = ""
    paper_id: int | None = None
    setup_id: int | None = None  # the setup whose GPU rows to edit
    gpu_type_id: int | None = None
    label: str = ""  # what the item is called when it is no paper (a GPU type's name)


@dataclass
class GapSection:
    slug: str
    title: str
    todo: str  # what a curator does about it
    count: int = 0
    items: list[GapItem] = field(default_factory=list)  # every item, or a sample when fewer than `count`
    breakdown: list[tuple[str, int]] = field(default_factory=list)  # (what, how many) where counts say more

    @property
    def sampled(self) -> bool:
        return len(self.items) < self.count


@dataclass
class DataGaps:
    sections: list[GapSection]

    @property
    def total(self) -> int:
        return sum(section.count for section in self.sections)

    def section(self, slug: str) -> GapSection:
        return next(section for section in self.sections if section.slug == slug)


def _section(slug: str, title: str, todo: str, items: list[GapItem]) -> GapSection:
    return GapSection(slug, title, todo, count=len(items), items=items)


def data_gaps() -> DataGaps:
    """Every gap of the public catalogue's evaluation facts and evidence, and of the GPU datasheets."""
    public = Paper.objects.public()
    gpu_rows = _gpu_row_gaps(public)
    results = _result_gaps(public)
    return DataGaps(
        [
            _section(
                "papers-without-setups",
                "Papers without any setup",
                "Add the setups the paper evaluates on (GPU types and counts, nodes, interconnect), with evidence.",
                _papers_without_setups(public),
            ),
            _section(
                "setups-without-gpus",
                "Setups without GPU rows",
                "Add the setup's GPU rows (type and count), or note in its evidence that the paper names none.",
                _setups_without_gpus(public),
            ),
            _section(
                "unknown-gpu-types",
                "GPU rows of a type the catalogue does not know",
                "Link a GPU type (add it to the GPU types first if it is missing), or leave the text when the "
                "paper does not name the model.",
                gpu_rows["unknown"],
            ),
            _section(
                "gpu-rows-without-count",
                "GPU rows without a count",
                "Give the number of GPUs of that type, if the paper states it.",
                gpu_rows["uncounted"],
            ),
            _section(
                "results-without-evidence",
                "Results without evidence",
                'Say where the paper shows the number ("abstract", "§5.2", "Table 3").',
                results["unsourced"],
            ),
            _section(
                "results-not-comparable",
                "Results that cannot be compared",
                'Write the unit as "x", "%" or "pp" (moving the rest of the phrase into versus or setup), or '
                "give the number when the paper has one.",
                results["odd"],
            ),
            _section(
                "seed-placements-without-evidence",
                "Seed placements without evidence",
                'Say where the paper shows it belongs there (e.g. "§4.2").',
                _seed_placements_without_evidence(public),
            ),
            _values_without_evidence(public),
            _section(
                "gpu-datasheet-gaps",
                "GPU types missing datasheet figures",
                "Add the peak dense FP16/BF16 TFLOPS and the memory bandwidth from the vendor's datasheet; the "
                "compute ratio of every setup using the type waits for them.",
                _datasheet_gaps(),
            ),
            _unconfirmed(public),
        ]
    )


def _link(paper_id: int, citation_key: str, detail: str, **extra) -> GapItem:
    return GapItem(detail=detail, citation_key=citation_key, paper_id=paper_id, **extra)


def _papers_without_setups(public) -> list[GapItem]:
    papers = public.filter(~Exists(Setup.objects.filter(paper=OuterRef("pk")))).order_by("citation_key")
    return [_link(pk, key, "no setup") for pk, key in papers.values_list("pk", "citation_key")]


def _setups_without_gpus(public) -> list[GapItem]:
    setups = (
        Setup.objects.filter(paper__in=public)
        .filter(~Exists(SetupGpu.objects.filter(setup=OuterRef("pk"))))
        .order_by("paper__citation_key", "position", "pk")
        .values_list("pk", "position", "evidence", "paper_id", "paper__citation_key")
    )
    return [
        _link(paper_id, key, f"setup {position + 1}: no GPU rows ({evidence or 'no evidence'})", setup_id=pk)
        for pk, position, evidence, paper_id, key in setups
    ]


def _gpu_row_gaps(public) -> dict[str, list[GapItem]]:
    rows = (
        SetupGpu.objects.filter(setup__paper__in=public)
        .filter(Q(gpu_type__isnull=True) | Q(count__isnull=True))
        .order_by("setup__paper__citation_key", "setup__position", "position", "pk")
        .values_list(
            "gpu_type__name",
            "type_text",
            "count",
            "setup_id",
            "setup__position",
            "setup__paper_id",
            "setup__paper__citation_key",
        )
    )
    gaps = {"unknown": [], "uncounted": []}
    for name, text, count, setup_id, position, paper_id, key in rows:
        link = {"paper_id": paper_id, "citation_key": key, "setup_id": setup_id}
        if name is None:
            gaps["unknown"].append(GapItem(detail=f"setup {position + 1}: {text!r}", **link))
        if count is None:
            gaps["uncounted"].append(GapItem(detail=f"setup {position + 1}: {name or text}, no count", **link))
    return gaps


def _result_gaps(public) -> dict[str, list[GapItem]]:
    results = (
        Result.objects.filter(paper__in=public)
        .filter(Q(evidence="") | Q(value__isnull=True) | ~Q(unit__in=list(Result.UNITS)))
        .order_by("paper__citation_key", "position", "pk")
    )
    gaps = {"unsourced": [], "odd": []}
    for result in results.select_related("paper").only(
        "position", "metric", "value", "value_max", "value_text", "unit", "kind", "evidence", "paper__citation_key"
    ):
        where = f"result {result.position + 1} ({result.get_metric_display()} {result.display_value})"
        link = {"paper_id": result.paper_id, "citation_key": result.paper.citation_key}
        if not result.evidence:
            gaps["unsourced"].append(GapItem(detail=f"{where}: no evidence", **link))
        if result.value is None:
            gaps["odd"].append(GapItem(detail=f"{where}: only text, no number", **link))
        elif result.unit not in Result.UNITS:
            unit = f"unit {result.unit!r}" if result.unit else "no unit"
            gaps["odd"].append(GapItem(detail=f"{where}: {unit}", **link))
    return gaps


def _seed_placements_without_evidence(public) -> list[GapItem]:
    placements = (
        Placement.objects.filter(paper__in=public, source=Placement.Source.SEED, evidence="")
        .order_by("paper__citation_key", "category__sort_order", "category__name")
        .values_list("paper_id", "paper__citation_key", "category__slug")
    )
    return [_link(paper_id, key, f"in {category}: no evidence") for paper_id, key, category in placements]


def _values_without_evidence(public) -> GapSection:
    values = (
        DimensionValue.objects.filter(paper__in=public, evidence="")
        .order_by("dimension__sort_order", "dimension__slug", "paper__citation_key", "position", "pk")
        .values_list("dimension__slug", "paper_id", "paper__citation_key", "term__name", "text")
    )
    counts: dict[str, int] = {}
    sample: list[GapItem] = []
    for dimension, paper_id, key, term, text in values:
        counts[dimension] = counts.get(dimension, 0) + 1
        if counts[dimension] <= VALUE_SAMPLE_SIZE:
            shown = term or text
            shown = shown if len(shown) <= 60 else f"{shown[:57]}..."
            sample.append(_link(paper_id, key, f"{dimension} = {shown}: no evidence"))
    return GapSection(
        "values-without-evidence",
        "Comparison values without evidence",
        'Say where the paper shows each value ("abstract", "§3.6"); a sample of each dimension\'s is listed.',
        count=sum(counts.values()),
        items=sample,
        breakdown=list(counts.items()),
    )


def _datasheet_gaps() -> list[GapItem]:
    types = (
        GpuType.objects.filter(Q(fp16_tflops__isnull=True) | Q(memory_bandwidth_gbs__isnull=True))
        .annotate(rows=Count("uses"))
        .order_by("vendor", "name")
        .values_list("pk", "name", "fp16_tflops", "memory_bandwidth_gbs", "rows")
    )
    items = []
    for pk, name, tflops, bandwidth, rows in types:
        missing = [what for what, value in (("FP16 TFLOPS", tflops), ("memory bandwidth", bandwidth)) if value is None]
        used = f"used by {rows} GPU row{'s' if rows != 1 else ''}" if rows else "not used yet"
        items.append(GapItem(detail=f"no {' and no '.join(missing)} ({used})", gpu_type_id=pk, label=name))
    return items


def _unconfirmed(public) -> GapSection:
    """Facts no source read could confirm, counted per kind (the paper pages mark each one)."""
    kinds = [
        ("setups", Setup.objects.filter(paper__in=public)),
        ("GPU rows", SetupGpu.objects.filter(setup__paper__in=public)),
        ("results", Result.objects.filter(paper__in=public)),
        ("baselines", Baseline.objects.filter(paper__in=public)),
        ("evaluated models", EvaluatedModel.objects.filter(paper__in=public)),
        ("evaluation summaries", Evaluation.objects.filter(paper__in=public)),
        ("placements", Placement.objects.filter(paper__in=public)),
        ("comparison values", DimensionValue.objects.filter(paper__in=public)),
    ]
    breakdown = [(what, queryset.filter(confirmed=False).count()) for what, queryset in kinds]
    return GapSection(
        "unconfirmed-facts",
        "Unconfirmed facts",
        "Read the paper and confirm or correct each (the paper's change page marks them unconfirmed).",
        count=sum(count for _, count in breakdown),
        breakdown=breakdown,
    )
