from rest_framework import serializers

from api.paper_serializers import PaperListSerializer
from papers.models import Paper
from taxonomy.models import Category, ChangeRecord, Dimension, DimensionValue, Placement, Term


class CategoryNodeSerializer(serializers.Serializer):
    slug = serializers.CharField(source="category.slug")
    name = serializers.CharField(source="category.name")
    description = serializers.CharField(source="category.description")
    problem = serializers.CharField(source="category.problem")
    paper_count = serializers.IntegerField()
    children = serializers.SerializerMethodField()

    def get_children(self, node) -> list[dict]:
        return CategoryNodeSerializer(node.children, many=True, context=self.context).data


class CategoryPaperSerializer(PaperListSerializer):
    """A paper as listed in a category: with the notes of its placements in that subtree."""

    notes = serializers.SerializerMethodField()

    class Meta(PaperListSerializer.Meta):
        fields = [*PaperListSerializer.Meta.fields, "notes"]

    def get_notes(self, paper) -> list[dict]:
        subtree = self.context["subtree_ids"]
        return [
            {"category": p.category.slug, "note": p.note} for p in paper.placements.all() if p.category_id in subtree
        ]


class PlacementWriteSerializer(serializers.ModelSerializer):
    paper = serializers.SlugRelatedField(slug_field="citation_key", queryset=Paper.objects.all())
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())

    class Meta:
        model = Placement
        fields = ["id", "paper", "category", "note"]


class DimensionValueWriteSerializer(serializers.ModelSerializer):
    paper = serializers.SlugRelatedField(slug_field="citation_key", queryset=Paper.objects.all())
    dimension = serializers.SlugRelatedField(slug_field="slug", queryset=Dimension.objects.all())
    term = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text="Term slug.")

    class Meta:
        model = DimensionValue
        fields = ["id", "paper", "dimension", "term", "text", "evidence", "confirmed", "position"]
        validators = []  # (paper, term) uniqueness is checked in validate() once the term is resolved

    def validate(self, attrs):
        dimension = attrs.get("dimension") or getattr(self.instance, "dimension", None)
        slug = attrs.pop("term", None) if "term" in attrs else None
        if slug:
            term = Term.objects.filter(dimension=dimension, slug=slug).first()
            if term is None:
                raise serializers.ValidationError({"term": [f"{dimension.slug} has no term {slug!r}."]})
            attrs["term"] = term
        elif "term" in self.initial_data or self.instance is None:
            attrs["term"] = None
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["term"] = instance.term.slug if instance.term_id else None
        return data


class ChangeRecordSerializer(serializers.ModelSerializer):
    paper = serializers.CharField(source="citation_key")
    user = serializers.CharField(source="username")

    class Meta:
        model = ChangeRecord
        fields = ["id", "created_at", "user", "paper", "kind", "action", "object_id", "before", "after"]


# --- Response shapes for the OpenAPI schema (the views build these payloads from services) ---------------------


class CategoryPapersPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CategoryPaperSerializer(many=True)


class CategoryDetailResponseSerializer(CategoryNodeSerializer):
    papers = CategoryPapersPageSerializer()


class ComparisonValueSerializer(serializers.Serializer):
    term = serializers.CharField(allow_null=True)
    term_name = serializers.CharField(allow_null=True)
    text = serializers.CharField(allow_blank=True)
    evidence = serializers.CharField(allow_blank=True)
    confirmed = serializers.BooleanField()
    paper = serializers.CharField(
        required=False, allow_null=True, help_text="Baselines: the catalogue paper it is, if any."
    )
    shared = serializers.BooleanField(required=False, help_text="Baselines: another compared paper has it too.")


class ComparisonColumnSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=[*Dimension.Kind.choices, ("evaluation", "Evaluation facts")],
        help_text="A comparison dimension's kind, or evaluation for the facts after the dimensions.",
    )


class ComparisonPaperSerializer(serializers.Serializer):
    citation_key = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    venue_short = serializers.CharField(allow_blank=True)


class ComparisonCategorySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class ComparisonRowSerializer(serializers.Serializer):
    paper = ComparisonPaperSerializer()
    categories = ComparisonCategorySerializer(many=True)
    cells = serializers.DictField(
        child=ComparisonValueSerializer(many=True, allow_null=True),
        help_text="Dimension slug -> the paper's values, or null when it has none.",
    )


class SharedBaselineSerializer(serializers.Serializer):
    name = serializers.CharField()
    papers = serializers.ListField(child=serializers.CharField(), help_text="Citation keys of the papers using it.")


class ComparisonSerializer(serializers.Serializer):
    columns = ComparisonColumnSerializer(many=True)
    rows = ComparisonRowSerializer(many=True)
    shared_baselines = SharedBaselineSerializer(many=True)
