"""BibTeX downloads: one public paper, or every paper a list filter or search selects."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError

from papers.exports import PREFER, bibtex_for_paper, bibtex_for_papers
from papers.filters import PaperFilter
from papers.models import Paper

_TRUE = {"1", "true", "yes", "on"}


@require_safe
def paper_bibtex(request, citation_key: str):
    """?abstract=1 adds the abstract; ?prefer=preprint cites the arXiv version (default: published)."""
    prefer = request.GET.get("prefer", "published")
    if prefer not in PREFER:
        return JsonResponse({"prefer": [f"Must be one of: {', '.join(PREFER)}."]}, status=400)
    paper = Paper.objects.public().with_authors().filter(citation_key=citation_key).first()
    if paper is None:
        return JsonResponse({"detail": "No such paper."}, status=404)
    text = bibtex_for_paper(paper, prefer=prefer, include_abstract=request.GET.get("abstract", "").lower() in _TRUE)
    response = HttpResponse(text, content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{paper.citation_key}.bib"'
    return response


@require_safe
def papers_bibtex(request):
    """GET /api/papers/export.bib?<any list filter or q>: the BibTeX of every paper listed."""
    prefer = request.GET.get("prefer", "published")
    if prefer not in PREFER:
        return JsonResponse({"prefer": [f"Must be one of: {', '.join(PREFER)}."]}, status=400)
    filters = PaperFilter(request.GET, queryset=Paper.objects.public().with_authors())
    try:
        if not filters.is_valid():
            return JsonResponse(filters.errors, status=400)
        papers = filters.qs
        if not request.GET.get("q") and not request.GET.get("ordering"):
            papers = papers.order_by("citation_key")  # a stable file for a stable catalogue
        text = bibtex_for_papers(papers, prefer=prefer, include_abstract=request.GET.get("abstract", "") in _TRUE)
    except ValidationError as exc:
        return JsonResponse(exc.detail, status=400)
    response = HttpResponse(text, content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="heterogpu-papers.bib"'
    return response
