"""GET /api/results/: the results ledger, paged as JSON or every row as CSV, Markdown or LaTeX."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from api.pagination import PagePagination
from api.renderers import JsonErrorsAndOptionsMixin
from api.results_renderers import EXPORT_FORMATS, EXPORT_RENDERERS
from api.results_serializers import LedgerRowSerializer
from taxonomy.listing import InvalidQuery
from taxonomy.models import Result
from taxonomy.results import (
    BASELINE_MAX_CHARS,
    GPU_COUNT_RANGE,
    ORDERING_HELP,
    ORDERINGS,
    YEAR_RANGE,
    ResultFilter,
    filter_results,
    ledger_rows,
)
from taxonomy.results_exports import MAX_EXPORT_ROWS, rows_for_export


def _help(name: str) -> str:
    return str(ResultFilter.base_filters[name].extra.get("help_text", ""))


def _integer(low: int, high: int) -> dict:
    return {"type": "integer", "minimum": low, "maximum": high}


PARAMETERS = [
    OpenApiParameter("metric", str, enum=Result.Metric.values, description=_help("metric")),
    OpenApiParameter("gpu", str, description=_help("gpu")),
    OpenApiParameter("vendor", str, description=_help("vendor")),
    OpenApiParameter("category", str, description=_help("category")),
    OpenApiParameter("workload", str, description=_help("workload")),
    OpenApiParameter(
        "baseline", {"type": "string", "minLength": 1, "maxLength": BASELINE_MAX_CHARS}, description=_help("baseline")
    ),
    OpenApiParameter("year_min", _integer(*YEAR_RANGE), description=_help("year_min")),
    OpenApiParameter("year_max", _integer(*YEAR_RANGE), description=_help("year_max")),
    OpenApiParameter("min_gpus", _integer(*GPU_COUNT_RANGE), description=_help("min_gpus")),
    OpenApiParameter("max_gpus", _integer(*GPU_COUNT_RANGE), description=_help("max_gpus")),
    OpenApiParameter("simulated", OpenApiTypes.BOOL, description=_help("simulated")),
    OpenApiParameter("ordering", str, enum=list(ORDERINGS), description=ORDERING_HELP),
    OpenApiParameter(
        "format",
        str,
        enum=["json", *EXPORT_FORMATS],
        description=f"json (default, paged), or every row (at most {MAX_EXPORT_ROWS:,}; more is a 400) as csv, md "
        "(Markdown) or tex (LaTeX booktabs longtable); page and page_size do not apply. The Accept header "
        "(text/csv, text/markdown, application/x-latex) chooses too.",
    ),
]


class ResultLedgerView(JsonErrorsAndOptionsMixin, generics.ListAPIView):
    """Every reported result of a public paper: metric, value, unit, kind, baseline (linked when it is a
    catalogue paper), where it was measured, evidence, and the paper's recorded setups.

    The GPU, vendor, GPU-count and simulated filters ask about the paper's recorded setups: a result names its
    setup only in words. Numbers are never compared across metrics or units.
    """

    serializer_class = LedgerRowSerializer
    pagination_class = PagePagination
    filter_backends = []  # ResultFilter runs in get_queryset, with its own messages
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, *EXPORT_RENDERERS]

    def get_queryset(self):
        try:
            return filter_results(self.request.query_params)
        except InvalidQuery as exc:
            raise ValidationError(exc.errors) from exc

    @extend_schema(parameters=PARAMETERS, operation_id="results_list")
    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        if request.accepted_renderer.format in EXPORT_FORMATS:
            try:
                return Response(rows_for_export(queryset))
            except InvalidQuery as exc:
                raise ValidationError(exc.errors) from exc
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(ledger_rows(page), many=True).data)

    def perform_content_negotiation(self, request, force=False):
        fmt = request.query_params.get("format")
        if fmt is not None and fmt not in ("json", "api", *EXPORT_FORMATS):
            raise ValidationError({"format": [f"Unknown format {fmt!r}. One of: json, {', '.join(EXPORT_FORMATS)}."]})
        return super().perform_content_negotiation(request, force)
