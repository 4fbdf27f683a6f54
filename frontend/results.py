"""The results ledger page (/results/): the API's filters and rows (taxonomy.results), a GET form, export links
to GET /api/results/ with the same filters, and the headline-speedup chart.

A bad parameter is reported and dropped, so the page still shows something useful. The live-filters script
fetches `?partial=1` and swaps the fragment in; without it the form submits normally.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from frontend import selection
from frontend.charts import Chart
from frontend.paging import PageLinks
from frontend.results_chart import speedup_chart
from taxonomy.clusters import GpuLookup
from taxonomy.listing import InvalidQuery
from taxonomy.models import Category, Result, Term
from taxonomy.results import (
    DEFAULT_ORDERING,
    FILTER_PARAMETERS,
    GPU_COUNT_RANGE,
    MAX_BARS_PER_GROUP,
    WORKLOAD_DIMENSION,
    YEAR_RANGE,
    filter_results,
    headline_speedups,
    ledger_rows,
    results_for_ledger,
)
from taxonomy.results_exports import setups_text

PAGE_SIZE = 50
ORDERING_LABELS = {
    "-year": "Newest papers first",
    "year": "Oldest papers first",
    "-value": "Largest value first (within each metric and unit)",
    "value": "Smallest value first (within each metric and unit)",
}
PARAM_LABELS = {
    "metric": "Metric",
    "gpu": "GPU",
    "vendor": "Vendor",
    "category": "Category",
    "workload": "Workload",
    "baseline": "Baseline",
    "year_min": "From year",
    "year_max": "To year",
    "min_gpus": "At least GPUs",
    "max_gpus": "At most GPUs",
    "simulated": "Simulated",
    "ordering": "Order",
    "format": "Export",
}
EXPORTS = (("CSV", "csv"), ("Markdown", "md"), ("LaTeX", "tex"))


@dataclass
class LedgerPage(PageLinks):
    params: dict[str, str]
    page: Page
    rows: list[dict]
    chart: Chart
    errors: list[str] = field(default_factory=list)
    base_url: str = "/results/"
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    bounds: dict[str, tuple[int, int]] = field(default_factory=dict)

    bars_per_group = MAX_BARS_PER_GROUP

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def status(self) -> str:
        noun = "result" if self.total == 1 else "results"
        filtered = any(name != "ordering" for name in self.params if name != "page")
        return f"{self.total} {noun} found" if filtered else f"{self.total} {noun}"

    @property
    def title(self) -> str:
        return "Results ledger" + (f" — page {self.page.number}" if self.page.number > 1 else "")

    @property
    def exports(self) -> list[tuple[str, str]]:
        """Export links: the API's CSV, Markdown and LaTeX of every row these filters select."""
        filters = {name: value for name, value in self.params.items() if name != "page"}
        api = reverse("api:results")
        return [(label, f"{api}?{urlencode({**filters, 'format': fmt})}") for label, fmt in EXPORTS]


def _choices() -> dict[str, list[tuple[str, str]]]:
    """The form's lists: metrics, vendors, categories (indented by depth), workload terms (three queries)."""
    children: dict[int | None, list[Category]] = {}
    for category in Category.objects.tree_order().only("pk", "parent_id", "slug", "name"):
        children.setdefault(category.parent_id, []).append(category)
    categories = []

    def walk(parent_id, depth):
        for category in children.get(parent_id, []):
            categories.append((category.slug, "\u2003" * depth + category.name))
            walk(category.pk, depth + 1)

    walk(None, 0)
    vendors = sorted(GpuLookup().vendors().values(), key=str.lower)
    workloads = Term.objects.filter(dimension__slug=WORKLOAD_DIMENSION).order_by("name").values_list("slug", "name")
    return {
        "metric": list(Result.Metric.choices),
        "vendor": [(vendor, vendor) for vendor in vendors],
        "category": categories,
        "workload": list(workloads),
        "ordering": list(ORDERING_LABELS.items()),
        "simulated": [("true", "Has a simulated setup"), ("false", "Has a setup really run")],
    }


def ledger_page(query) -> LedgerPage:
    params = {name: query.get(name, "").strip() for name in FILTER_PARAMETERS}
    params = {name: value for name, value in params.items() if value}
    errors: list[str] = []
    results = None
    for _attempt in range(len(FILTER_PARAMETERS) + 1):
        try:
            results = filter_results(params)
            break
        except InvalidQuery as exc:
            for name, messages in exc.errors.items():
                errors.extend(f"{PARAM_LABELS.get(name, name)}: {message}" for message in messages)
                params.pop(name, None)
    if results is None:  # pragma: no cover - each round drops a bad parameter
        results = results_for_ledger()
    page = Paginator(results, PAGE_SIZE).get_page(query.get("page"))
    if page.number > 1:
        params["page"] = str(page.number)
    rows = ledger_rows(page.object_list)
    for row in rows:
        row["paper_setups_text"] = setups_text(row)
    return LedgerPage(
        params=params,
        page=page,
        rows=rows,
        chart=speedup_chart(headline_speedups(results)),
        errors=errors,
        base_url=reverse("frontend:results"),
        choices=_choices(),
        bounds={"year": YEAR_RANGE, "gpus": GPU_COUNT_RANGE},
    )


@require_safe
def results(request):
    ledger = ledger_page(request.GET)
    context = {
        "ledger": ledger,
        "ordering": ledger.params.get("ordering", DEFAULT_ORDERING),
        "nav": "results",
        "compare_keys": selection.selected_keys(request),
    }
    template = "frontend/_results_ledger.html" if request.GET.get("partial") else "frontend/results.html"
    return render(request, template, context)
