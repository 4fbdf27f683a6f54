from django.db.models import Prefetch
from rest_framework import viewsets

from papers.filters import PaperFilter
from papers.models import Paper
from papers.serializers import PaperDetailSerializer, PaperListSerializer
from taxonomy.models import DimensionValue, Placement


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

    def get_serializer_class(self):
        return PaperDetailSerializer if self.action == "retrieve" else PaperListSerializer
