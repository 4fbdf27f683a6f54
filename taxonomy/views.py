from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from papers.pagination import PagePagination
from papers.views import public_papers_for_listing
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
