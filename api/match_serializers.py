"""GET /api/match/: the ranked papers (MatchRow from taxonomy.matching) and the cluster as it was read."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse


class MatchedPaperSerializer(serializers.Serializer):
    citation_key = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    venue_short = serializers.CharField()
    authors = serializers.SerializerMethodField()
    url = serializers.CharField(help_text="The paper's own link (publisher, arXiv), empty when unknown.")
    api_url = serializers.SerializerMethodField()

    def get_authors(self, paper) -> list[str]:
        return [author.name for author in paper.ordered_authors]

    def get_api_url(self, paper) -> str:
        return reverse("api:paper-detail", args=[paper.citation_key], request=self.context.get("request"))


class MatchComponentsSerializer(serializers.Serializer):
    """Each component in [0, 1]; interconnect and workload only when asked for."""

    gpu_types = serializers.FloatField()
    vendors = serializers.FloatField()
    scale = serializers.FloatField()
    compute_ratio = serializers.FloatField()
    interconnect = serializers.FloatField(required=False)
    workload = serializers.FloatField(required=False)


class MatchSetupSerializer(serializers.Serializer):
    gpus = serializers.CharField(help_text="4×A100 + 8×L4 + 12×T4")
    total_gpus = serializers.IntegerField(allow_null=True)
    interconnect = serializers.ListField(child=serializers.CharField())
    interconnect_classes = serializers.ListField(child=serializers.CharField())
    simulated = serializers.BooleanField(allow_null=True)
    vendors = serializers.ListField(child=serializers.CharField())
    compute_ratio = serializers.FloatField(allow_null=True)


class MatchRowSerializer(serializers.Serializer):
    paper = MatchedPaperSerializer()
    score = serializers.FloatField(allow_null=True, help_text="0..1, the best setup's; null without a setup.")
    setup = MatchSetupSerializer(allow_null=True, help_text="The best-matching setup; null without a setup.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="What matched, in words.")
    explanation = serializers.CharField(help_text='"evaluated on 8×A100 + 16×V100: shares A100; ..."')
    components = serializers.SerializerMethodField()
    no_setup = serializers.BooleanField(help_text="True for papers with no setup recorded (listed last).")

    @extend_schema_field(MatchComponentsSerializer(allow_null=True))
    def get_components(self, row) -> dict | None:
        return {name: round(value, 4) for name, value in row.components.items()} or None


class ClusterGpuSerializer(serializers.Serializer):
    name = serializers.CharField()
    family = serializers.CharField()
    count = serializers.IntegerField()
    types = serializers.ListField(child=serializers.CharField(), help_text="Catalogue GPU types it means.")


class ClusterSerializer(serializers.Serializer):
    gpus = ClusterGpuSerializer(many=True)
    total_gpus = serializers.IntegerField()
    vendors = serializers.ListField(child=serializers.CharField())
    compute_ratio = serializers.FloatField(allow_null=True)
    interconnect = serializers.CharField(allow_null=True)
    workload = serializers.CharField(allow_null=True)


class MatchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Every public paper: matched ones, then those with no setup.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MatchRowSerializer(many=True)
    cluster = ClusterSerializer(help_text="Your cluster as it was read.")
