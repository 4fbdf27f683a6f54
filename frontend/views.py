from django.http import JsonResponse
from django.shortcuts import render
from django.views.defaults import page_not_found

from papers.views import public_papers_for_listing
from taxonomy.services import category_tree


def home(request):
    return render(
        request,
        "frontend/home.html",
        {"tree": category_tree(), "papers": public_papers_for_listing()[:100]},
    )


def not_found(request, exception=None):
    """404 outside any view: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
