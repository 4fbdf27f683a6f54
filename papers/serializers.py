from rest_framework import serializers
from rest_framework.reverse import reverse

from papers.models import Author, Paper
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
        ]

    def get_authors(self, paper) -> list[str]:
        return [author.name for author in paper.ordered_authors]

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
