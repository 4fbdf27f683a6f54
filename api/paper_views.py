from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from api.pagination import FacetedPagePagination
from api.paper_serializers import PaperDetailSerializer, PaperListSerializer, PaperWriteSerializer
from papers.models import Paper
from papers.search import add_snippets
from taxonomy.listing import MAX_GPU_COUNT, InvalidQuery, PaperFilter
from taxonomy.selectors import facet_counts, papers_for_detail, papers_for_listing
from taxonomy.services import delete_paper_with_history


class PaperViewSet(viewsets.ModelViewSet):
    """Papers: anyone reads the public catalogue; staff create, update and delete."""

    lookup_field = "citation_key"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = PaperFilter
    pagination_class = FacetedPagePagination

    def get_queryset(self):
        if self.request.method not in SAFE_METHODS:
            return Paper.objects.all()  # staff may edit candidates too; permissions checked first
        return papers_for_detail() if self.action == "retrieve" else papers_for_listing()

    def filter_queryset(self, queryset):
        # One paper is found by its key: the list filters (and the term lookup they start with) don't apply.
        if self.action == "retrieve":
            return queryset
        try:
            return super().filter_queryset(queryset)
        except InvalidQuery as exc:
            raise ValidationError(exc.errors) from exc

    def get_serializer_class(self):
        if self.request.method not in SAFE_METHODS:
            return PaperWriteSerializer
        return PaperDetailSerializer if self.action == "retrieve" else PaperListSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(slug, str, description=f"{slug} term slug(s), comma-separated: any of them.")
            for slug in ("technique", "workload", "parallelism", "heterogeneity")
        ]
        + [
            OpenApiParameter(
                name,
                {"type": "integer", "minimum": 1, "maximum": MAX_GPU_COUNT},
                description=f"{side} this many GPUs in the paper's largest real (not simulated) setup.",
            )
            for name, side in (("min_gpus", "At least"), ("max_gpus", "At most"))
        ],
    )
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if request.query_params.get("q"):
            add_snippets(page, request.query_params["q"])
        response: Response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data["facets"] = facet_counts(queryset)
        return response

    def perform_destroy(self, instance):
        delete_paper_with_history(user=self.request.user, paper=instance)
