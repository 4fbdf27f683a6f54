"""The results ledger: every reported result of a public paper, with its paper, baseline and the paper's setups.

GET /api/results/, the /results/ page and the CSV, Markdown and LaTeX exports read the same parameters through
ResultFilter and the same rows through ledger_rows(), so a page and an export with the same query string hold
the same results.

A result names where it was measured only in words (`setup_text`); it has no link to one recorded setup. So
the GPU, vendor, GPU-count and simulated filters ask about the result's paper (any of its recorded setups),
through the same SQL pieces as the paper list (taxonomy.clusters).

Numbers are never compared across metrics or units: ordering by value groups the rows by metric, then unit,
and sorts by value inside each group.
"""

from dataclasses import dataclass, field

import django_filters
from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from lib.params import parse_bool
from papers.models import Paper
from taxonomy.clusters import SetupSummary, comma_list, largest_real_gpus, of_vendors, on_gpus, with_simulated_setup
from taxonomy.listing import MAX_GPU_COUNT, InvalidQuery
from taxonomy.models import Category, Dimension, DimensionValue, Placement, Result, Setup, SetupGpu
from taxonomy.selectors import resolve_terms

YEAR_RANGE = (1900, 2100)
GPU_COUNT_RANGE = (1, MAX_GPU_COUNT)  # the paper list's bound
BASELINE_MAX_CHARS = 200
WORKLOAD_DIMENSION = "workload"

_PAPER_ORDER = ["paper__title", "paper_id", "position", "pk"]
_BY_VALUE = ["metric", "unit"]  # numbers of different metrics or units are never interleaved
ORDERINGS = {
    "-year": [F("paper__year").desc(nulls_last=True), *_PAPER_ORDER],
    "year": [F("paper__year").asc(nulls_last=True), *_PAPER_ORDER],
    "value": [*_BY_VALUE, F("value").asc(nulls_last=True), *_PAPER_ORDER],
    "-value": [*_BY_VALUE, F("value").desc(nulls_last=True), *_PAPER_ORDER],
}
DEFAULT_ORDERING = "-year"
ORDERING_HELP = (
    "-year (default: newest papers first, then by paper and the paper's own order), year, value, -value. "
    "Ordering by value groups the rows by metric, then unit, and sorts by value inside each group: numbers of "
    "different metrics or units are never compared."
)


def _whole_number(name: str, raw: str, low: int, high: int) -> int:
    text = raw.strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise InvalidQuery({name: [f"Must be a whole number from {low} to {high}, not {raw!r}."]})
    return int(text)


def _condition(name: str, build, value: str):
    """A taxonomy.clusters filter over the result's paper; its ValueError becomes the parameter's message."""
    try:
        return build(value, via="paper__")
    except ValueError as exc:
        raise InvalidQuery({name: [str(exc)]}) from exc


class ResultFilter(django_filters.FilterSet):
    """Filters of the results ledger. Invalid values raise InvalidQuery (from `.qs`), naming the parameter."""

    metric = django_filters.CharFilter(
        method="filter_metric", help_text="One metric: " + ", ".join(Result.Metric.values) + "."
    )
    gpu = django_filters.CharFilter(
        method="filter_gpu",
        help_text="GPU type name(s), comma-separated, any of: the paper has a recorded setup with one of them. "
        "A model without memory size means all its variants (A100: A100-40GB, A100-80GB).",
    )
    vendor = django_filters.CharFilter(
        method="filter_vendor", help_text="GPU vendor(s), comma-separated, any of (nvidia, amd, ...), any case."
    )
    category = django_filters.CharFilter(
        method="filter_category", help_text="Category slug of the result's paper (sub-categories included)."
    )
    workload = django_filters.CharFilter(
        method="filter_workload", help_text="Workload term slug(s) of the result's paper, comma-separated, any of."
    )
    baseline = django_filters.CharFilter(
        method="filter_baseline",
        help_text="Part of the baseline's name as the paper words it (any case), or a catalogue paper's citation key.",
    )
    year_min = django_filters.CharFilter(method="filter_year_min", help_text="Papers from this year on.")
    year_max = django_filters.CharFilter(method="filter_year_max", help_text="Papers up to this year.")
    min_gpus = django_filters.CharFilter(
        method="filter_min_gpus", help_text="The paper's largest real setup has at least this many GPUs."
    )
    max_gpus = django_filters.CharFilter(
        method="filter_max_gpus", help_text="The paper's largest real setup has at most this many GPUs."
    )
    simulated = django_filters.CharFilter(
        method="filter_simulated",
        help_text="true: the paper has a simulated or emulated setup; false: it has a setup marked as really run.",
    )
    ordering = django_filters.CharFilter(method="filter_ordering", help_text=ORDERING_HELP)

    class Meta:
        model = Result
        fields = [
            "metric", "gpu", "vendor", "category", "workload", "baseline",
            "year_min", "year_max", "min_gpus", "max_gpus", "simulated", "ordering",
        ]  # fmt: skip

    def filter_queryset(self, queryset):
        data = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
        self._check_ranges(data)
        for name, value in data.items():
            if name != "ordering":
                queryset = self.filters[name].filter(queryset, value)
        return self.filter_ordering(queryset, "ordering", data.get("ordering", DEFAULT_ORDERING))

    def _check_ranges(self, data: dict) -> None:
        for low_name, high_name, bounds in (
            ("year_min", "year_max", YEAR_RANGE),
            ("min_gpus", "max_gpus", GPU_COUNT_RANGE),
        ):
            if low_name in data and high_name in data:
                low, high = (_whole_number(name, data[name], *bounds) for name in (low_name, high_name))
                if low > high:
                    raise InvalidQuery({low_name: [f"Must not be above {high_name} ({low} > {high})."]})

    def filter_metric(self, queryset, name, value):
        if value not in Result.Metric.values:
            raise InvalidQuery({name: [f"Unknown metric {value!r}. One of: {', '.join(Result.Metric.values)}."]})
        return queryset.filter(metric=value)

    def filter_gpu(self, queryset, name, value):
        return queryset.filter(_condition(name, on_gpus, value))

    def filter_vendor(self, queryset, name, value):
        return queryset.filter(_condition(name, of_vendors, value))

    def filter_category(self, queryset, name, value):
        category = Category.objects.filter(slug=value).first()
        if category is None:
            raise InvalidQuery({name: [f"Unknown category {value!r}."]})
        placed = Placement.objects.filter(category__in=category.subtree_ids()).values("paper_id")
        return queryset.filter(paper__in=placed)

    def filter_workload(self, queryset, name, value):
        dimension = Dimension.objects.filter(slug=WORKLOAD_DIMENSION, kind=Dimension.Kind.TERMS).first()
        slugs = comma_list(value)
        if dimension is None or not slugs:
            raise InvalidQuery({name: [f"Unknown workload term(s): {value!r}."]})
        term_ids, unknown = resolve_terms(dimension, slugs)
        if unknown:
            raise InvalidQuery({name: [f"Unknown workload term(s): {', '.join(unknown)}."]})
        values = DimensionValue.objects.filter(paper=OuterRef("paper"), term_id__in=term_ids)
        return queryset.filter(Exists(values))

    def filter_baseline(self, queryset, name, value):
        text = value.strip()
        if not text or len(text) > BASELINE_MAX_CHARS:
            raise InvalidQuery(
                {name: [f"Give a baseline name or citation key of 1 to {BASELINE_MAX_CHARS} characters."]}
            )
        return queryset.filter(Q(versus__icontains=text) | Q(baseline_paper__citation_key__iexact=text))

    def filter_year_min(self, queryset, name, value):
        return queryset.filter(paper__year__gte=_whole_number(name, value, *YEAR_RANGE))

    def filter_year_max(self, queryset, name, value):
        return queryset.filter(paper__year__lte=_whole_number(name, value, *YEAR_RANGE))

    def filter_min_gpus(self, queryset, name, value):
        return queryset.alias(paper_gpus=largest_real_gpus(via="paper__")).filter(
            paper_gpus__gte=_whole_number(name, value, *GPU_COUNT_RANGE)
        )

    def filter_max_gpus(self, queryset, name, value):
        return queryset.alias(paper_gpus=largest_real_gpus(via="paper__")).filter(
            paper_gpus__lte=_whole_number(name, value, *GPU_COUNT_RANGE)
        )

    def filter_simulated(self, queryset, name, value):
        simulated = parse_bool(value)
        if simulated is None:
            raise InvalidQuery({name: [f"Must be true or false, not {value!r}."]})
        return queryset.filter(with_simulated_setup(simulated, via="paper__"))

    def filter_ordering(self, queryset, name, value):
        if value not in ORDERINGS:
            raise InvalidQuery({name: [f"Unknown ordering {value!r}. One of: {', '.join(ORDERINGS)}."]})
        return queryset.order_by(*ORDERINGS[value])


FILTER_PARAMETERS = tuple(ResultFilter.base_filters)


def results_for_ledger() -> QuerySet:
    """Results of public papers with their paper, baseline paper and the paper's setups (GPU rows and types):
    a page costs the same few queries whatever its length."""
    gpus = SetupGpu.objects.select_related("gpu_type")
    setups = Setup.objects.prefetch_related(Prefetch("gpus", queryset=gpus))
    return (
        Result.objects.filter(paper__status=Paper.Status.PUBLIC)
        .select_related("paper", "baseline_paper")
        .prefetch_related(Prefetch("paper__setups", queryset=setups))
        .order_by(*ORDERINGS[DEFAULT_ORDERING])
    )


def filter_results(params) -> QuerySet:
    """The ledger's rows for query parameters; InvalidQuery names a bad one."""
    filters = ResultFilter(data=params, queryset=results_for_ledger())
    if not filters.is_valid():  # pragma: no cover - every filter is free text, checked by its method
        raise InvalidQuery({name: list(messages) for name, messages in filters.errors.items()})
    return filters.qs


def _setup_dict(setup: Setup) -> dict:
    summary = SetupSummary.of(setup)
    return {
        "gpus": summary.gpus,
        "total_gpus": summary.total_gpus,
        "mixed": summary.mixed,
        "interconnect": summary.interconnect,
        "interconnect_classes": summary.interconnect_classes,
        "simulated": summary.simulated,
    }


def _number(value) -> float | None:
    return float(value) if value is not None else None


def ledger_row(result: Result) -> dict:
    """One result as the API, the page and the exports show it."""
    paper, baseline = result.paper, result.baseline_paper
    return {
        "paper": {"citation_key": paper.citation_key, "title": paper.title, "year": paper.year},
        "position": result.position,
        "metric": result.metric,
        "metric_name": result.get_metric_display(),
        "value": _number(result.value),
        "value_max": _number(result.value_max),
        "value_text": result.value_text,
        "unit": result.unit,
        "kind": result.kind,
        "display_value": result.display_value,
        "versus": result.versus,
        "baseline_paper": (
            {"citation_key": baseline.citation_key, "title": baseline.title}
            if baseline is not None and baseline.status == Paper.Status.PUBLIC
            else None
        ),
        "setup_text": result.setup_text,
        "paper_setups": [_setup_dict(setup) for setup in paper.setups.all()],
        "evidence": result.evidence,
        "confirmed": result.confirmed,
    }


def ledger_rows(results) -> list[dict]:
    return [ledger_row(result) for result in results]


# --- Headline speedups (the ledger's chart) ------------------------------------------------------------------

# A headline speedup is a ratio ("x") of how fast training or serving gets its work done: throughput, goodput,
# training time and time to accuracy. Latency, job completion time, cost and utilisation are other questions
# (per request, per job, money, busy hardware), so they are not drawn on the same axis.
SPEEDUP_METRICS = (
    Result.Metric.THROUGHPUT,
    Result.Metric.GOODPUT,
    Result.Metric.TRAINING_TIME,
    Result.Metric.TIME_TO_ACCURACY,
)
SPEEDUP_UNIT = "x"
UNPLACED = "Not yet placed"


@dataclass(frozen=True)
class Headline:
    citation_key: str
    title: str
    metric_name: str
    value: float  # the top of a range (2.63-5.28x counts as 5.28x)
    display_value: str
    baseline: str  # as the paper words it, else the baseline paper's key
    evidence: str


@dataclass
class HeadlineGroup:
    category: str
    headlines: list[Headline] = field(default_factory=list)
    total: int = 0  # papers of the group with a headline speedup; the largest MAX_BARS_PER_GROUP are drawn


# A chart of 100,000 papers' bars would say nothing: each group draws its largest speedups.
MAX_BARS_PER_GROUP = 15


def headline_speedups(results: QuerySet, per_group: int = MAX_BARS_PER_GROUP) -> list[HeadlineGroup]:
    """Each paper's largest headline speedup among `results` (any filtered ledger), grouped by the paper's
    top-level category (the first in tree order when it has several), the largest `per_group` of each, largest
    first. Four queries: the best value per paper and the placements are grouped in the database, and only
    the drawn results are read as rows."""
    speedups = results.filter(unit=SPEEDUP_UNIT, metric__in=SPEEDUP_METRICS, value__isnull=False).order_by()
    best = dict(
        speedups.values("paper_id").annotate(top=Max(Coalesce("value_max", "value"))).values_list("paper_id", "top")
    )
    top_level, tree_order = _top_level_categories(speedups.values("paper_id"))
    grouped: dict[str, list[int]] = {}
    for paper_id in best:
        grouped.setdefault(top_level.get(paper_id, UNPLACED), []).append(paper_id)
    drawn: dict[str, list[int]] = {}
    for name, paper_ids in grouped.items():
        paper_ids.sort(key=lambda pk: -best[pk])
        drawn[name] = paper_ids[:per_group]
    chosen: dict[int, Result] = {}
    shown_ids = [pk for paper_ids in drawn.values() for pk in paper_ids]
    drawn_results = speedups.filter(paper_id__in=shown_ids).select_related("paper", "baseline_paper")
    for result in drawn_results.prefetch_related(None):
        current = chosen.get(result.paper_id)
        if current is None or (result.value_max or result.value) > (current.value_max or current.value):
            chosen[result.paper_id] = result
    order = {name: index for index, name in enumerate(tree_order)}
    groups = []
    for name in sorted(drawn, key=lambda name: (order.get(name, len(order)), name)):
        group = HeadlineGroup(name, total=len(grouped[name]))
        group.headlines = sorted(
            (_headline(chosen[pk]) for pk in drawn[name]), key=lambda headline: (-headline.value, headline.citation_key)
        )
        groups.append(group)
    return groups


def _headline(result: Result) -> Headline:
    return Headline(
        citation_key=result.paper.citation_key,
        title=result.paper.title,
        metric_name=result.get_metric_display(),
        value=float(result.value_max or result.value),
        display_value=result.display_value,
        baseline=result.versus or (result.baseline_paper.citation_key if result.baseline_paper else ""),
        evidence=result.evidence,
    )


def _top_level_categories(paper_ids: QuerySet) -> tuple[dict[int, str], list[str]]:
    """(top-level category name by paper id, the first in tree order; the top-level names in tree order)."""
    categories = list(Category.objects.tree_order().values_list("pk", "parent_id", "name"))
    parent = {pk: parent_id for pk, parent_id, _name in categories}
    names = {pk: name for pk, _parent, name in categories}
    roots = [pk for pk, parent_id, _name in categories if parent_id is None]
    rank = {pk: index for index, pk in enumerate(roots)}

    def root_of(pk: int) -> int:
        seen = set()
        while parent.get(pk) is not None and pk not in seen:
            seen.add(pk)
            pk = parent[pk]
        return pk

    first: dict[int, int] = {}
    placed = Placement.objects.filter(paper_id__in=paper_ids).values_list("paper_id", "category_id")
    for paper_id, category_id in placed:
        root = root_of(category_id)
        if paper_id not in first or rank.get(root, 0) < rank.get(first[paper_id], 0):
            first[paper_id] = root
    return {paper_id: names[root] for paper_id, root in first.items()}, [names[pk] for pk in roots]
