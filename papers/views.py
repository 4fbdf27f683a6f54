from django.db.models import Prefetch
from rest_framework import viewsets
from rest_framework.response import Response

from papers.filters import PaperFilter
from papers.models import Paper
from papers.serializers import PaperDetailSerializer, PaperListSerializer
from taxonomy.models import DimensionValue, Placement
from taxonomy.selectors import facet_counts


def public_papers_for_listing():
    """Public papers with what a list row shows, in a fixed number of queries."""
    placements = Placement.objects.select_related("category").order_by("category__sort_order", "category__name")
    return Paper.objects.public().with_authors().prefetch_related(Prefetch("placements", queryset=placements))


class PaperViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "citation_key"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = PaperFilter

    def get_queryset(self):
        queryset = public_papers_for_listing()
        if self.action == "retrieve":
            values = DimensionValue.objects.select_related("dimension", "term")
            queryset = queryset.prefetch_related(Prefetch("dimension_values", queryset=values))
        return queryset

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        response: Response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data["facets"] = facet_counts(queryset)
        return response

    def get_serializer_class(self):
        return PaperDetailSerializer if self.action == "retrieve" else PaperListSerializer
