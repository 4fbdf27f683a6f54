from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from api.baseline_serializers import ComparedAgainstSerializer, PaperBriefSerializer
from api.evaluation_serializers import EvaluationSerializer
from papers.identifiers import InvalidIdentifier, normalize_doi, parse_arxiv_id
from papers.models import Author, Paper, Source
from papers.names import parse_name
from papers.search import highlight
from papers.services import create_paper, update_paper
from taxonomy.baselines import compared_against, compared_by
from taxonomy.models import DimensionValue, Placement
from taxonomy.selectors import papers_for_detail


class PlacementSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Placement
        fields = ["category", "category_name", "note", "source", "evidence", "confirmed"]


class DimensionValueSerializer(serializers.ModelSerializer):
    dimension = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    # Null for a free-text value (no controlled term).
    term = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    term_name = serializers.CharField(source="term.name", default=None, read_only=True, allow_null=True)

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
    evaluation = EvaluationSerializer(source="*", read_only=True)
    compared_against = serializers.SerializerMethodField()
    compared_by = serializers.SerializerMethodField()

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
            "evaluation",
            "compared_against",
            "compared_by",
            "version_note",
            "unconfirmed_fields",
            "sources",
            "curator_notes",
            "field_sources",
            "created_at",
            "updated_at",
        ]

    def get_authors(self, paper) -> list[dict]:
        # Plain dicts: building a nested serializer for three strings cost more than producing them.
        return [
            {
                "name": authorship.author.name,
                "given_name": authorship.author.given_name,
                "family_name": authorship.author.family_name,
                "confirmed": authorship.confirmed,
            }
            for authorship in sorted(paper.authorships.all(), key=lambda authorship: authorship.position)
        ]

    @extend_schema_field(ComparedAgainstSerializer(many=True))
    def get_compared_against(self, paper) -> list[dict]:
        """Its baselines, in its order; `paper` and `url` name the catalogue paper a baseline is (else null)."""
        return ComparedAgainstSerializer(compared_against(paper), many=True, context=self.context).data

    @extend_schema_field(PaperBriefSerializer(many=True))
    def get_compared_by(self, paper) -> list[dict]:
        """Catalogue papers that use this one as a baseline, newest first."""
        return PaperBriefSerializer(compared_by(paper), many=True, context=self.context).data

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


_FAMILY_MAX = Author._meta.get_field("family_name").max_length
_GIVEN_MAX = Author._meta.get_field("given_name").max_length


class PaperWriteSerializer(serializers.ModelSerializer):
    """Create / update a paper (staff). Authors are "Family, Given" strings, in order."""

    authors = serializers.ListField(
        child=serializers.CharField(max_length=250), allow_empty=False, required=False, write_only=True
    )

    class Meta:
        model = Paper
        fields = [
            "citation_key",
            "title",
            "authors",
            "abstract",
            "year",
            "venue",
            "venue_short",
            "entry_type",
            "volume",
            "number",
            "pages",
            "publisher",
            "doi",
            "arxiv_id",
            "url",
            "pdf_url",
            "code_url",
            "citation_count",
            "citation_count_as_of",
            "version_note",
            "status",
        ]
        # Identifiers are normalised (and checked for clashes) in validate_doi / validate_arxiv_id.
        extra_kwargs = {
            "doi": {"validators": []},
            "arxiv_id": {"validators": []},
            "year": {"min_value": 1900, "max_value": 2100},
        }

    def validate_doi(self, value):
        try:
            doi = normalize_doi(value)
        except InvalidIdentifier as exc:
            raise serializers.ValidationError(str(exc)) from exc
        clash = Paper.objects.filter(doi__iexact=doi).exclude(pk=getattr(self.instance, "pk", None))
        if doi and clash.exists():
            raise serializers.ValidationError("A paper with this DOI already exists.")
        return doi

    def validate_arxiv_id(self, value):
        if not value:
            return None
        try:
            arxiv_id, _ = parse_arxiv_id(value)
        except InvalidIdentifier as exc:
            raise serializers.ValidationError(str(exc)) from exc
        clash = Paper.objects.filter(arxiv_id=arxiv_id).exclude(pk=getattr(self.instance, "pk", None))
        if clash.exists():
            raise serializers.ValidationError("A paper with this arXiv id already exists.")
        return value.strip()  # Paper.clean() splits off the version and records it

    def validate_authors(self, names):
        # What the author tables would refuse with an error (a 500) is a 400 naming the author instead.
        parsed = [parse_name(name) for name in names]
        for raw, name in zip(names, parsed, strict=True):
            if not name.family:
                raise serializers.ValidationError(f"{raw!r} has no family name.")
            if len(name.family) > _FAMILY_MAX or len(name.given) > _GIVEN_MAX:
                raise serializers.ValidationError(
                    f"Author name too long ({raw[:60]!r}): at most {_FAMILY_MAX} characters per name part."
                )
        if len(set(parsed)) < len(parsed):
            raise serializers.ValidationError("An author is listed twice.")
        return names

    def validate(self, attrs):
        if self.instance is None and "authors" not in attrs:
            raise serializers.ValidationError({"authors": ["At least one author is required."]})
        return attrs

    def create(self, validated_data):
        authors = [parse_name(name) for name in validated_data.pop("authors")]
        key = validated_data.pop("citation_key")
        with _as_field_errors():
            return create_paper(citation_key=key, fields=validated_data, authors=authors, source=Source.CURATOR)

    def update(self, instance, validated_data):
        authors = validated_data.pop("authors", None)
        names = [parse_name(name) for name in authors] if authors is not None else None
        with _as_field_errors():
            return update_paper(paper=instance, fields=validated_data, authors=names, source=Source.CURATOR)

    def to_representation(self, instance):
        paper = papers_for_detail(include_hidden=True).get(pk=instance.pk)
        return PaperDetailSerializer(paper, context=self.context).data


@contextmanager
def _as_field_errors():
    """Model validation (full_clean) errors become DRF 400s with field messages."""
    try:
        yield
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from exc
