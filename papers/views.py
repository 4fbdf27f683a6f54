from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from papers.filters import PaperFilter
from papers.models import Paper
from papers.pagination import FacetedPagePagination
from papers.search import add_snippets
from papers.serializers import PaperDetailSerializer, PaperListSerializer, PaperWriteSerializer
from taxonomy.models import DimensionValue, Placement
from taxonomy.selectors import facet_counts
from taxonomy.services import delete_with_history


def public_papers_for_listing():
    """Public papers with what a list row shows, in a fixed number of queries."""
    placements = Placement.objects.select_related("category").order_by("category__sort_order", "category__name")
    return Paper.objects.public().with_authors().prefetch_related(Prefetch("placements", queryset=placements))


class PaperViewSet(viewsets.ModelViewSet):
    """Papers: anyone reads the public catalogue; staff create, update and delete."""

    lookup_field = "citation_key"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = PaperFilter
    pagination_class = FacetedPagePagination

    def get_queryset(self):
        if self.request.method not in SAFE_METHODS:
            return Paper.objects.all()  # staff may edit candidates too; permissions checked first
        queryset = public_papers_for_listing()
        if self.action == "retrieve":
            values = DimensionValue.objects.select_related("dimension", "term")
            queryset = queryset.prefetch_related(Prefetch("dimension_values", queryset=values))
        return queryset

    def filter_queryset(self, queryset):
        # One paper is found by its key: the list filters (and the term lookup they start with) don't apply.
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.request.method not in SAFE_METHODS:
            return PaperWriteSerializer
        return PaperDetailSerializer if self.action == "retrieve" else PaperListSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(slug, str, description=f"{slug} term slug(s), comma-separated: any of them.")
            for slug in ("technique", "workload", "parallelism", "heterogeneity")
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

    @transaction.atomic
    def perform_destroy(self, instance):
        # Placements and values go first, each recorded, so the history shows what the paper took with it.
        for related in [*instance.placements.select_related("category"), *instance.dimension_values.all()]:
            delete_with_history(user=self.request.user, instance=related)
        instance.delete()
