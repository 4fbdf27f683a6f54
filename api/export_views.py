"""BibTeX downloads: one public paper, or every paper a list filter or search selects."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.renderers import BibtexRenderer, JsonErrorsMixin
from lib.params import parse_bool
from papers.exports import PREFER, bibtex_for_paper, bibtex_for_papers
from papers.models import Paper
from taxonomy.listing import InvalidQuery, PaperFilter

BIBTEX_PARAMETERS = [
    OpenApiParameter("abstract", OpenApiTypes.BOOL, description="Add the abstract (true, 1, yes)."),
    OpenApiParameter("prefer", str, enum=PREFER, description="Cite the published version (default) or the preprint."),
]
LIST_PARAMETERS = [
    OpenApiParameter(name, str, description=str(field.extra.get("help_text", "")) or "As in GET /api/papers/.")
    for name, field in PaperFilter.base_filters.items()
]
BIBTEX_RESPONSE = OpenApiResponse(OpenApiTypes.STR, description="BibTeX entries (application/x-bibtex).")


class _BibtexDownload(JsonErrorsMixin, APIView):
    renderer_classes = [BibtexRenderer]  # errors: JSON (JsonErrorsMixin)
    filename = "heterogpu-papers.bib"

    def options_for(self, request) -> dict:
        prefer = request.query_params.get("prefer", "published")
        if prefer not in PREFER:
            raise ValidationError({"prefer": [f"Must be one of: {', '.join(PREFER)}."]})
        return {"prefer": prefer, "include_abstract": parse_bool(request.query_params.get("abstract")) is True}

    def download(self, text: str, filename: str) -> Response:
        return Response(text, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class PaperBibtexView(_BibtexDownload):
    @extend_schema(parameters=BIBTEX_PARAMETERS, responses={200: BIBTEX_RESPONSE}, operation_id="papers_bibtex")
    def get(self, request, citation_key: str):
        """One public paper's BibTeX entry."""
        options = self.options_for(request)
        paper = Paper.objects.public().with_authors().filter(citation_key=citation_key).first()
        if paper is None:
            raise NotFound("No such paper.")
        return self.download(bibtex_for_paper(paper, **options), f"{paper.citation_key}.bib")


class PapersBibtexView(_BibtexDownload):
    @extend_schema(
        parameters=[*BIBTEX_PARAMETERS, *LIST_PARAMETERS],
        responses={200: BIBTEX_RESPONSE},
        operation_id="papers_export_bibtex",
    )
    def get(self, request):
        """The BibTeX of every paper a list filter or search selects (any parameter of GET /api/papers/)."""
        options = self.options_for(request)
        filters = PaperFilter(request.query_params, queryset=Paper.objects.public().with_authors())
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        try:
            papers = filters.qs
            if not request.query_params.get("q") and not request.query_params.get("ordering"):
                papers = papers.order_by("citation_key")  # a stable file for a stable catalogue
            text = bibtex_for_papers(papers, **options)
        except InvalidQuery as exc:
            raise ValidationError(exc.errors) from exc
        return self.download(text, self.filename)
