"""A paper's evaluation facts as the API shows them: setups with GPU rows, results, baselines, models."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from taxonomy.models import Baseline, EvaluatedModel, GpuType, Result, Setup, SetupGpu


class GpuTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = GpuType
        fields = ["name", "vendor", "architecture", "year", "memory_gb", "fp16_tflops", "memory_bandwidth_gbs"]


class SetupGpuSerializer(serializers.ModelSerializer):
    type = serializers.SerializerMethodField()
    gpu_type = GpuTypeSerializer(read_only=True, allow_null=True, help_text="Null when the catalogue lacks it.")

    class Meta:
        model = SetupGpu
        fields = ["type", "count", "gpu_type", "confirmed"]

    def get_type(self, row) -> str:
        """The type as the source writes it (the catalogue's name when they agree)."""
        return row.type_text or row.gpu_type.name


class SetupSerializer(serializers.ModelSerializer):
    gpus = SetupGpuSerializer(many=True, read_only=True)
    total_gpus = serializers.IntegerField(read_only=True, allow_null=True)
    mixed_gpu_types = serializers.BooleanField(read_only=True, help_text="Two or more GPU types (derived).")
    compute_ratio = serializers.DecimalField(
        max_digits=8,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text="Fastest / slowest peak FP16 TFLOPS of its GPU types (derived; null when a figure is unknown).",
    )

    class Meta:
        model = Setup
        fields = [
            "gpus",
            "total_gpus",
            "nodes",
            "interconnect",
            "simulated",
            "mixed_gpu_types",
            "compute_ratio",
            "evidence",
            "confirmed",
        ]


def _paper_ref(paper, request) -> dict | None:
    if paper is None:
        return None
    return {
        "citation_key": paper.citation_key,
        "title": paper.title,
        "api_url": reverse("api:paper-detail", args=[paper.citation_key], request=request),
    }


class PaperRefSerializer(serializers.Serializer):
    citation_key = serializers.CharField()
    title = serializers.CharField()
    api_url = serializers.URLField()


@extend_schema_field(PaperRefSerializer(allow_null=True))
class PaperRefField(serializers.Field):
    """A catalogue paper named by a baseline: its key, title and URL (null when it is not in the catalogue)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, paper):
        return _paper_ref(paper, self.context.get("request"))

    def get_attribute(self, instance):
        return getattr(instance, self.source_attrs[0]) if instance.baseline_paper_id else None


class ResultSerializer(serializers.ModelSerializer):
    display = serializers.CharField(source="display_value", read_only=True)
    baseline_paper = PaperRefField()

    class Meta:
        model = Result
        fields = [
            "metric",
            "value",
            "value_max",
            "value_text",
            "unit",
            "kind",
            "display",
            "versus",
            "baseline_paper",
            "setup_text",
            "evidence",
            "confirmed",
        ]


class BaselineSerializer(serializers.ModelSerializer):
    baseline_paper = PaperRefField()

    class Meta:
        model = Baseline
        fields = ["name", "baseline_paper", "confirmed"]


class EvaluatedModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluatedModel
        fields = ["name", "confirmed"]


class EvaluationSerializer(serializers.Serializer):
    """Everything a paper's evaluation says, read from the paper's prefetched relations."""

    max_gpus = serializers.IntegerField(allow_null=True)
    open_source = serializers.BooleanField(allow_null=True)
    setups = SetupSerializer(many=True)
    models = EvaluatedModelSerializer(many=True)
    baselines = BaselineSerializer(many=True)
    results = ResultSerializer(many=True)

    def to_representation(self, paper):
        summary = getattr(paper, "evaluation", None)
        return super().to_representation(
            {
                "max_gpus": summary.max_gpus if summary else None,
                "open_source": summary.open_source if summary else None,
                "setups": paper.setups.all(),
                "models": paper.evaluated_models.all(),
                "baselines": paper.baselines.all(),
                "results": paper.results.all(),
            }
        )
