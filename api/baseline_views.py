from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from api.baseline_serializers import BaselineUseSerializer
from api.pagination import PagePagination
from lib.params import parse_bool
from taxonomy.baselines import MIN_USES_MAX, baseline_usage

MIN_USES_PARAMETER = OpenApiParameter(
    "min_uses",
    type={"type": "integer", "minimum": 1, "maximum": MIN_USES_MAX},
    description=f"Only systems used as a baseline by at least this many papers (1-{MIN_USES_MAX}; default 1).",
)
LINKED_PARAMETER = OpenApiParameter(
    "linked",
    type={"type": "string", "enum": ["true", "false"]},
    description="true: only systems that are catalogue papers; false: only the others (grouped by name).",
)


def _min_uses(request) -> int:
    raw = request.query_params.get("min_uses")
    if raw is None:
        return 1
    if not raw.strip().isdigit() or not 1 <= int(raw) <= MIN_USES_MAX:
        raise ValidationError({"min_uses": [f"Must be a whole number from 1 to {MIN_USES_MAX}."]})
    return int(raw)


def _linked(request) -> bool | None:
    raw = request.query_params.get("linked")
    if raw is None:
        return None
    linked = parse_bool(raw)
    if linked is None:
        raise ValidationError({"linked": ["Must be true or false."]})
    return linked


class BaselineUsageView(generics.ListAPIView):
    """Every system the catalogue's papers use as a baseline, most used first, with the papers using it.

    Linked baselines are grouped by the catalogue paper they name; the others by their name (case and
    spacing ignored)."""

    serializer_class = BaselineUseSerializer
    pagination_class = PagePagination
    filter_backends = []

    def get_queryset(self):
        return baseline_usage(min_uses=_min_uses(self.request), linked=_linked(self.request))

    @extend_schema(operation_id="baselines_list", parameters=[MIN_USES_PARAMETER, LINKED_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
