"""GET /api/match/: papers ranked by how close their evaluated setups are to a described cluster."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from api.match_serializers import ClusterSerializer, MatchPageSerializer, MatchRowSerializer
from api.pagination import PagePagination
from taxonomy.clusters import INTERCONNECTS
from taxonomy.listing import InvalidQuery
from taxonomy.matching import MAX_COUNT, MAX_ROWS, MAX_SPEC_CHARS, WORKLOADS, match_papers

# GPU names are ASCII ("NVIDIA A100-SXM4-40GB", "TITAN RTX"): with MAX_SPEC_CHARS, a spec fits the request
# line servers accept (gunicorn: 4,094 bytes) even when every character is percent-encoded.
GPU_NAME = r"[A-Za-z0-9 ._()/+-]+"
GPUS_PATTERN = rf"^ *{GPU_NAME}: *\d+ *(, *{GPU_NAME}: *\d+ *)*,? *$"
PARAMETERS = [
    OpenApiParameter(
        "gpus",
        type={"type": "string", "minLength": 1, "maxLength": MAX_SPEC_CHARS, "pattern": GPUS_PATTERN},
        required=True,
        description=f"Your GPUs as NAME:COUNT, comma-separated, e.g. A100:8,V100:16: at most {MAX_ROWS} types, "
        f"each count 1-{MAX_COUNT}. A family name (A100) means its memory variants; a name given twice is "
        "added up. An unknown name is a 400 listing the accepted spellings.",
    ),
    OpenApiParameter("interconnect", str, enum=list(INTERCONNECTS), description="The class of your links (optional)."),
    OpenApiParameter(
        "workload", str, enum=list(WORKLOADS), description="What you run (optional); both matches either."
    ),
]


PAGE_PARAMETERS = [
    OpenApiParameter("page", type={"type": "integer", "minimum": 1}, description="Page of the ranking (from 1)."),
    OpenApiParameter(
        "page_size",
        type={"type": "integer", "minimum": 1, "maximum": PagePagination.max_page_size},
        description=f"Papers per page, 1-{PagePagination.max_page_size}.",
    ),
]


class MatchView(APIView):
    """Every public paper, closest evaluated setup first, each with its score (0-1) and the reasons in words;
    papers with no setup recorded come last (`no_setup`). Scoring: see taxonomy.matching."""

    @extend_schema(operation_id="match_list", parameters=[*PARAMETERS, *PAGE_PARAMETERS], responses=MatchPageSerializer)
    def get(self, request):
        try:
            ranking = match_papers(request.query_params)
        except InvalidQuery as exc:
            raise ValidationError(exc.errors) from exc
        paginator = PagePagination()
        page = paginator.paginate_queryset(ranking, request, view=self)
        response = paginator.get_paginated_response(
            MatchRowSerializer(page, many=True, context={"request": request}).data
        )
        response.data["cluster"] = ClusterSerializer(ranking.cluster.as_dict()).data
        return response
