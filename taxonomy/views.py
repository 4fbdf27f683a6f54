from django.http import HttpResponse
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from papers.models import Paper
from papers.pagination import PagePagination
from papers.views import public_papers_for_listing
from taxonomy.awesome import awesome_markdown
from taxonomy.compare import MAX_PAPERS, compare_papers
from taxonomy.models import Category
from taxonomy.renderers import CSVRenderer, LatexRenderer, MarkdownRenderer
from taxonomy.serializers import CategoryNodeSerializer, CategoryPaperSerializer
from taxonomy.services import category_tree, find_node


class CategoryTreeView(APIView):
    """The whole category tree, nested, each node with its count of papers (subtree, once each)."""

    def get(self, request):
        return Response(CategoryNodeSerializer(category_tree(), many=True).data)


class CategoryDetailView(APIView):
    """One category, its sub-categories, and the papers placed in it or below it."""

    def get(self, request, slug):
        node = find_node(category_tree(), slug)
        if node is None:
            raise NotFound(f"No category {slug!r}.")
        papers = public_papers_for_listing().in_category(node.category)
        paginator = PagePagination()
        page = paginator.paginate_queryset(papers, request, view=self)
        context = {"request": request, "subtree_ids": node.category_ids()}
        data = CategoryNodeSerializer(node).data
        # A large category is paged like the paper list (same `page` / `page_size`).
        data["papers"] = paginator.get_paginated_response(
            CategoryPaperSerializer(page, many=True, context=context).data
        ).data
        return Response(data)


class CompareView(APIView):
    """Solution approaches side by side: `?papers=key1,key2` (in that order) or `?category=<slug>`.

    `?format=csv|md|latex` renders the same cells as the JSON.
    """

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, MarkdownRenderer, LatexRenderer]

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


def awesome_markdown_view(request):
    """The public awesome list, regenerated from the database."""
    return HttpResponse(awesome_markdown(), content_type="text/markdown; charset=utf-8")
