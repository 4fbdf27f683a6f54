from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.baseline_serializers import UncomparedPairsSerializer
from api.pagination import PagePagination
from api.renderers import (
    CSVRenderer,
    JsonErrorsAndOptionsMixin,
    JsonErrorsMixin,
    LatexRenderer,
    MarkdownRenderer,
    MarkdownTextRenderer,
)
from api.taxonomy_serializers import (
    CategoryDetailResponseSerializer,
    CategoryNodeSerializer,
    CategoryPaperSerializer,
    ChangeRecordSerializer,
    ComparisonSerializer,
    DimensionValueWriteSerializer,
    PlacementWriteSerializer,
)
from papers.models import Paper
from taxonomy.awesome import awesome_markdown
from taxonomy.baselines import UNCOMPARED_RULE, uncompared_pairs_in
from taxonomy.compare import MAX_PAPERS, compare_papers
from taxonomy.models import Category, ChangeRecord, DimensionValue, Placement
from taxonomy.selectors import papers_for_listing
from taxonomy.services import category_tree, delete_with_history, find_node, save_with_history

SOURCE_PARAMETER = OpenApiParameter(
    "source",
    str,
    enum=Placement.Source.values,
    description="Only placements of this source: seed reproduces the seed list; curated, the additions since.",
)


def placement_source(request) -> str | None:
    source = request.query_params.get("source") or None
    if source is not None and source not in Placement.Source.values:
        raise ValidationError({"source": [f"Must be one of: {', '.join(Placement.Source.values)}."]})
    return source


class CategoryTreeView(APIView):
    """The whole category tree, nested, each node with its count of papers (subtree, once each)."""

    @extend_schema(
        responses=CategoryNodeSerializer(many=True), operation_id="categories_list", parameters=[SOURCE_PARAMETER]
    )
    def get(self, request):
        return Response(CategoryNodeSerializer(category_tree(source=placement_source(request)), many=True).data)


class CategoryDetailWithPairsSerializer(CategoryDetailResponseSerializer):
    uncompared_pairs = UncomparedPairsSerializer(help_text="Pairs of the category's papers that never compared.")


class CategoryDetailView(APIView):
    """One category, its sub-categories, and the papers placed in it or below it."""

    @extend_schema(
        responses=CategoryDetailWithPairsSerializer,
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT, description="Page of the category's papers (from 1)."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="Papers per page, 1-100."),
        ],
    )
    def get(self, request, slug):
        node = find_node(category_tree(), slug)
        if node is None:
            raise NotFound(f"No category {slug!r}.")
        papers = papers_for_listing().in_category(node.category)
        paginator = PagePagination()
        page = paginator.paginate_queryset(papers, request, view=self)
        context = {"request": request, "subtree_ids": node.category_ids()}
        data = CategoryNodeSerializer(node).data
        # A large category is paged like the paper list (same `page` / `page_size`).
        data["papers"] = paginator.get_paginated_response(
            CategoryPaperSerializer(page, many=True, context=context).data
        ).data
        pairs, total = uncompared_pairs_in(node.category)
        data["uncompared_pairs"] = UncomparedPairsSerializer(
            {"rule": UNCOMPARED_RULE, "count": total, "pairs": pairs}, context=context
        ).data
        return Response(data)


class CompareView(JsonErrorsAndOptionsMixin, APIView):
    """Solution approaches side by side: `?papers=key1,key2` (in that order) or `?category=<slug>`.

    `?format=csv|md|latex` renders the same cells as the JSON.
    """

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, MarkdownRenderer, LatexRenderer]

    @extend_schema(
        responses=ComparisonSerializer,
        parameters=[
            OpenApiParameter("papers", str, description="Comma-separated citation keys, compared in that order."),
            OpenApiParameter("category", str, description="Compare the papers of this category (and below)."),
        ],
    )
    def get(self, request):
        keys = list(dict.fromkeys(k.strip() for k in request.query_params.get("papers", "").split(",") if k.strip()))
        slug = request.query_params.get("category", "").strip()
        if keys:
            if len(keys) > MAX_PAPERS:
                raise ValidationError({"papers": [f"At most {MAX_PAPERS} papers at once."]})
            found = Paper.objects.public().in_bulk(keys, field_name="citation_key")
            unknown = [key for key in keys if key not in found]
            if unknown:
                raise ValidationError({"papers": [f"Unknown citation key(s): {', '.join(unknown)}."]})
            papers = [found[key] for key in keys]
        elif slug:
            category = Category.objects.filter(slug=slug).first()
            if category is None:
                raise ValidationError({"category": [f"Unknown category {slug!r}."]})
            papers = list(Paper.objects.public().in_category(category).order_by("year", "title")[:MAX_PAPERS])
        else:
            raise ValidationError({"papers": ["Give papers=key1,key2,... or category=<slug>."]})
        return Response(compare_papers(papers).as_dict())


class AwesomeMarkdownView(JsonErrorsMixin, APIView):
    renderer_classes = [MarkdownTextRenderer]  # errors: JSON (JsonErrorsMixin)

    @extend_schema(
        responses={(200, "text/markdown"): OpenApiTypes.STR},
        parameters=[SOURCE_PARAMETER],
    )
    def get(self, request):
        """The public awesome list, regenerated from the database (?source=seed: the seed list as it was)."""
        return Response(awesome_markdown(source=placement_source(request)))


class _RecordedWriteViewSet(viewsets.ModelViewSet):
    """Writes go through save_with_history / delete_with_history, so each change is recorded."""

    def perform_create(self, serializer):
        self._save(serializer, self.queryset.model(**serializer.validated_data))

    def perform_update(self, serializer):
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        self._save(serializer, instance)

    def perform_destroy(self, instance):
        delete_with_history(user=self.request.user, instance=instance)

    def _save(self, serializer, instance):
        try:
            save_with_history(user=self.request.user, instance=instance)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        serializer.instance = instance


class PlacementViewSet(_RecordedWriteViewSet):
    """A paper's place in a category, with its note."""

    queryset = (
        Placement.objects.select_related("paper", "category").filter(paper__status=Paper.Status.PUBLIC).order_by("pk")
    )
    serializer_class = PlacementWriteSerializer
    filterset_fields = {"paper__citation_key": ["exact"], "category__slug": ["exact"]}


class DimensionValueViewSet(_RecordedWriteViewSet):
    """One comparison value of a paper (technique = ILP, evidence §7)."""

    queryset = (
        DimensionValue.objects.select_related("paper", "dimension", "term")
        .filter(paper__status=Paper.Status.PUBLIC)
        .order_by("pk")
    )
    serializer_class = DimensionValueWriteSerializer
    filterset_fields = {"paper__citation_key": ["exact"], "dimension__slug": ["exact"]}


class ChangeListView(generics.ListAPIView):
    """Changes of placements and comparison values, newest first (`?paper=<citation_key>`)."""

    serializer_class = ChangeRecordSerializer
    filterset_fields = {"kind": ["exact"]}

    def get_queryset(self):
        queryset = ChangeRecord.objects.all()
        if key := self.request.query_params.get("paper"):
            queryset = queryset.filter(citation_key=key)
        return queryset
