"""The "match my cluster" page: a GET form of GPU rows, interconnect and workload over the same core function
as GET /api/match/ (taxonomy.matching.match_papers).

The form sends rows as repeated `gpu` / `count` pairs (gpu=A100&count=8&gpu=V100&count=16); the view joins
them into the API's `gpus=A100:8,V100:16`, which also works on the page's address. "Add a row" submits the
form with `rows` one higher, so it works without JavaScript.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from taxonomy.clusters import INTERCONNECTS, GpuLookup
from taxonomy.listing import InvalidQuery
from taxonomy.matching import MAX_ROWS, WORKLOADS, match_papers

PAGE_SIZE = 20
SHOWN_ROWS = 4
WORKLOAD_LABELS = {"training": "Training", "inference": "Inference", "both": "Training and inference"}


def _form_rows(query) -> list[tuple[str, str]]:
    """(name, count) rows as typed: from `gpus=A100:8,...` when given, else from the gpu / count pairs."""
    if query.get("gpus"):
        return [tuple((piece.split(":", 1) + [""])[:2]) for piece in query["gpus"].split(",") if piece.strip()]
    names, counts = query.getlist("gpu"), query.getlist("count")
    counts += [""] * (len(names) - len(counts))
    return [(name.strip(), count.strip()) for name, count in zip(names, counts, strict=False)]


def _spec(rows: list[tuple[str, str]]) -> str:
    return ",".join(f"{name}:{count}" for name, count in rows if name or count)


@require_safe
def match(request):
    query = request.GET
    rows = _form_rows(query)
    spec = _spec(rows)
    filled = [row for row in rows if row[0] or row[1]]
    wanted = int(query["rows"]) if query.get("rows", "").isdigit() else 0
    shown = min(max(SHOWN_ROWS, len(filled), wanted), MAX_ROWS)
    errors, page, status = {}, None, 200
    params = {"gpus": spec, "interconnect": query.get("interconnect", ""), "workload": query.get("workload", "")}
    if spec:
        try:
            ranking = match_papers(params)
        except InvalidQuery as exc:
            errors, status = exc.errors, 400
        else:
            raw_page = query.get("page", "1")
            if raw_page.isdigit() and int(raw_page) >= 1:
                page = Paginator(ranking, PAGE_SIZE).get_page(int(raw_page))
            else:
                errors, status = {"page": ["Must be a whole number from 1."]}, 400
    kept = {name: value for name, value in params.items() if value}
    base = f"{reverse('frontend:match')}?{urlencode(kept, safe=',:')}"
    context = {
        "nav": "match",
        "rows": filled + [("", "")] * (shown - len(filled)),
        "more_rows": shown + 1 if shown < MAX_ROWS else None,
        "interconnect": params["interconnect"],
        "workload": params["workload"],
        "interconnects": [(slug, label) for slug, (label, _pattern) in INTERCONNECTS.items()],
        "workloads": [(slug, WORKLOAD_LABELS[slug]) for slug in WORKLOADS],
        "gpu_names": GpuLookup().accepted(),
        "errors": [f"{name}: {message}" for name, messages in errors.items() for message in messages],
        "page": page,
        "asked": bool(spec),
        "prev_url": f"{base}&page={page.previous_page_number()}" if page and page.has_previous() else "",
        "next_url": f"{base}&page={page.next_page_number()}" if page and page.has_next() else "",
        "api_url": f"/api/match/?{urlencode(kept, safe=',:')}" if spec else "",
    }
    return render(request, "frontend/match.html", context, status=status)
