from rest_framework import serializers
from rest_framework.reverse import reverse

from papers.models import Author, Paper
from papers.search import highlight
from taxonomy.models import DimensionValue, Placement


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["name", "given_name", "family_name"]


class PlacementSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Placement
        fields = ["category", "category_name", "note"]


class DimensionValueSerializer(serializers.ModelSerializer):
    dimension = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    term = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    term_name = serializers.CharField(source="term.name", default=None, read_only=True)

    class Meta:
        model = DimensionValue
        fields = ["dimension", "term", "term_name", "text", "evidence", "confirmed"]


class PaperListSerializer(serializers.ModelSerializer):
    authors = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Paper
        fields = [
            "citation_key",
            "title",
            "authors",
            "year",
            "venue_short",
            "doi",
            "arxiv_id",
            "url",
            "code_url",
            "citation_count",
            "categories",
            "api_url",
            "rank",
            "title_snippet",
            "snippet",
        ]

    rank = serializers.SerializerMethodField()
    title_snippet = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField()

    def get_authors(self, paper) -> list[str]:
        return [author.name for author in paper.ordered_authors]

    def _query(self) -> str:
        request = self.context.get("request")
        return request.query_params.get("q", "").strip() if request else ""

    def get_rank(self, paper) -> float | None:
        rank = getattr(paper, "rank", None)
        return round(rank, 4) if rank is not None else None

    def get_title_snippet(self, paper) -> str | None:
        """The title as HTML with the query's matches in <mark> (null without a search)."""
        if hasattr(paper, "title_snippet"):
            return paper.title_snippet
        query = self._query()
        return highlight(paper.title, query, max_chars=len(paper.title)) if query else None

    def get_snippet(self, paper) -> str | None:
        """An excerpt of the abstract (or version note, venue) as HTML with matches in <mark>."""
        if hasattr(paper, "snippet"):
            return paper.snippet
        query = self._query()
        return highlight(paper.abstract or paper.version_note or paper.venue, query) if query else None

    def get_categories(self, paper) -> list[str]:
        return [placement.category.slug for placement in paper.placements.all()]

    def get_api_url(self, paper) -> str:
        return reverse("api:paper-detail", args=[paper.citation_key], request=self.context.get("request"))


class PaperDetailSerializer(serializers.ModelSerializer):
    authors = serializers.SerializerMethodField()
    identifiers = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    placements = PlacementSerializer(many=True, read_only=True)
    dimension_values = DimensionValueSerializer(many=True, read_only=True)

    class Meta:
        model = Paper
        fields = [
            "citation_key",
            "title",
            "authors",
            "year",
            "venue",
            "venue_short",
            "entry_type",
            "volume",
            "number",
            "pages",
            "publisher",
            "abstract",
            "identifiers",
            "links",
            "citation_count",
            "citation_count_as_of",
            "placements",
            "dimension_values",
            "version_note",
            "unconfirmed_fields",
            "field_sources",
            "created_at",
            "updated_at",
        ]

    def get_authors(self, paper) -> list[dict]:
        return AuthorSerializer(paper.ordered_authors, many=True).data

    def get_identifiers(self, paper) -> dict:
        return {"doi": paper.doi, "arxiv_id": paper.arxiv_id, "arxiv_version": paper.arxiv_version}

    def get_links(self, paper) -> dict:
        return {
            "url": paper.url or None,
            "pdf": paper.pdf_url or None,
            "code": paper.code_url or None,
            "arxiv": paper.arxiv_url or None,
            "doi": paper.doi_url or None,
        }
