from rest_framework import serializers

from papers.serializers import PaperListSerializer


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
