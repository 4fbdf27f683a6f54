"""Evaluation facts: what each paper ran on (setups of GPU types and counts), against what, with what result.

Every fact carries an evidence pointer ("abstract", "§5.2", "Table 3") and its own confirmed flag. Whether a
setup mixes GPU types, and how far apart their speeds are, is derived from its GPU rows and the GPU type
catalogue, never typed in.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from papers.models import Paper

EVIDENCE_HELP = 'Where the paper shows it: "abstract", "§5.2", "Table 3", an artifact README...'
CONFIRMED_HELP = "False when no source read could confirm it."


class GpuType(models.Model):
    """A GPU or accelerator model, with its datasheet figures (fixtures/gpus.yaml)."""

    name = models.CharField(max_length=40, unique=True, help_text='Canonical, e.g. "A100-40GB"; "A100" if unstated.')
    aliases = models.JSONField(default=list, blank=True, help_text="Other spellings papers use.")
    vendor = models.CharField(max_length=40)
    architecture = models.CharField(max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    memory_gb = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    fp16_tflops = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, help_text="Peak dense FP16/BF16, datasheet."
    )
    memory_bandwidth_gbs = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    notes = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)
    unconfirmed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["vendor", "-year", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="gpu_type_name_not_empty"),
            models.CheckConstraint(
                condition=Q(fp16_tflops__isnull=True) | Q(fp16_tflops__gt=0), name="gpu_type_tflops_positive"
            ),
        ]

    def __str__(self):
        return self.name


class Evaluation(models.Model):
    """What a paper's evaluation amounts to, beyond its setups: its largest real run and its code."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="evaluation")
    max_gpus = models.PositiveIntegerField(null=True, blank=True, help_text="Most GPUs in one real setup.")
    open_source = models.BooleanField(null=True, blank=True, help_text="The authors published code.")
    confirmed = models.BooleanField(default=True, help_text=CONFIRMED_HELP)

    def __str__(self):
        return f"evaluation of {self.paper.citation_key}"


class Setup(models.Model):
    """One cluster a paper evaluates on."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="setups")
    position = models.PositiveSmallIntegerField(default=0)
    nodes = models.PositiveIntegerField(null=True, blank=True)
    interconnect = models.JSONField(default=list, blank=True, help_text='As the paper says: ["RoCE 100Gbps", ...].')
    simulated = models.BooleanField(null=True, blank=True, help_text="Simulated or emulated rather than run.")
    evidence = models.TextField(blank=True, help_text=EVIDENCE_HELP)
    confirmed = models.BooleanField(default=True, help_text=CONFIRMED_HELP)

    class Meta:
        ordering = ["paper", "position", "pk"]

    def __str__(self):
        return f"{self.paper.citation_key} setup {self.position + 1}"

    # Derived from the GPU rows (prefetched with "gpus__gpu_type" to stay query-free).
    @property
    def gpu_types(self) -> list[GpuType]:
        seen = {}
        for row in self.gpus.all():
            if row.gpu_type is not None:
                seen.setdefault(row.gpu_type_id, row.gpu_type)
        return list(seen.values())

    @property
    def mixed_gpu_types(self) -> bool:
        """Two or more GPU types: heterogeneous by fact. Unknown or unnamed types count by their text."""
        return len({row.gpu_type_id or row.type_text for row in self.gpus.all()}) >= 2

    @property
    def total_gpus(self) -> int | None:
        counts = [row.count for row in self.gpus.all()]
        return sum(counts) if counts and None not in counts else None

    @property
    def compute_ratio(self) -> Decimal | None:
        """Fastest / slowest peak FP16 TFLOPS of its GPU types; None unless every type's figure is known."""
        rows = list(self.gpus.all())
        if len(rows) < 2 or any(row.gpu_type is None or row.gpu_type.fp16_tflops is None for row in rows):
            return None
        speeds = [row.gpu_type.fp16_tflops for row in rows]
        return (max(speeds) / min(speeds)).quantize(Decimal("0.1"))


class SetupGpu(models.Model):
    """GPUs of one type in a setup. The type is linked when the catalogue knows it; the text is as written."""

    setup = models.ForeignKey(Setup, on_delete=models.CASCADE, related_name="gpus")
    gpu_type = models.ForeignKey(GpuType, null=True, blank=True, on_delete=models.PROTECT, related_name="uses")
    type_text = models.CharField(max_length=120, blank=True, help_text="The type as the source writes it.")
    count = models.PositiveIntegerField(null=True, blank=True)
    confirmed = models.BooleanField(default=True, help_text=CONFIRMED_HELP)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["setup", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gpu_type__isnull=False) | ~Q(type_text=""), name="setup_gpu_has_type_or_text"
            ),
            models.CheckConstraint(condition=Q(count__isnull=True) | Q(count__gt=0), name="setup_gpu_count_positive"),
        ]

    def __str__(self):
        name = self.gpu_type.name if self.gpu_type else self.type_text
        return f"{self.count}x {name}" if self.count else name


class ResultMetric(models.TextChoices):
    THROUGHPUT = "throughput"
    TRAINING_TIME = "training-time", "training time"
    TIME_TO_ACCURACY = "time-to-accuracy", "time to accuracy"
    COST = "cost"
    LATENCY = "latency"
    GOODPUT = "goodput"
    JCT = "jct", "job completion time"
    SLO_ATTAINMENT = "slo-attainment", "SLO attainment"
    UTILIZATION = "utilization"


class ResultKind(models.TextChoices):
    UP_TO = "up-to", "up to"
    AVERAGE = "average"
    MEDIAN = "median"


class Result(models.Model):
    """A headline number: throughput up to 2.3x versus Megatron-LM on setup 2."""

    Metric = ResultMetric
    Kind = ResultKind

    # Units the catalogue compares; anything else is kept as written and listed among the data gaps.
    UNITS = {"x": "x", "%": "%", "pp": "percentage points"}

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveSmallIntegerField(default=0)
    metric = models.CharField(max_length=20, choices=Metric.choices)
    value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    value_max = models.DecimalField(
        max_digits=12, decimal_places=3, null=True, blank=True, help_text="Upper end of a range (2.63-5.28)."
    )
    value_text = models.CharField(max_length=200, blank=True, help_text="A result the paper states in words.")
    unit = models.CharField(max_length=80, blank=True, help_text='"x" (ratio), "%", "pp", or as written.')
    kind = models.CharField(max_length=10, choices=Kind.choices, blank=True)
    versus = models.CharField(max_length=300, blank=True, help_text="The baseline, as the paper names it.")
    baseline_paper = models.ForeignKey(
        Paper, null=True, blank=True, on_delete=models.SET_NULL, related_name="compared_in_results"
    )
    setup_text = models.CharField(max_length=300, blank=True, help_text="Where the number was measured.")
    evidence = models.TextField(blank=True, help_text=EVIDENCE_HELP)
    confirmed = models.BooleanField(default=True, help_text=CONFIRMED_HELP)

    class Meta:
        ordering = ["paper", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(metric__in=ResultMetric.values), name="result_metric_valid"),
            models.CheckConstraint(condition=Q(kind__in=["", *ResultKind.values]), name="result_kind_valid"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(value_text=""), name="result_has_value_or_text"
            ),
            models.CheckConstraint(
                condition=Q(value_max__isnull=True) | Q(value__isnull=False, value_max__gte=models.F("value")),
                name="result_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.paper.citation_key}: {self.metric} {self.display_value}"

    @property
    def display_value(self) -> str:
        if self.value is None:
            return self.value_text
        number = f"{self.value.normalize():f}" + (f"-{self.value_max.normalize():f}" if self.value_max else "")
        unit = self.unit if self.unit in ("x", "%") else f" {self.unit}" if self.unit else ""
        prefix = f"{self.get_kind_display()} " if self.kind else ""
        return f"{prefix}{number}{unit}"


class EvaluatedModel(models.Model):
    """A model the paper trains or serves, as the paper names it (GPT-3 2.7B, LLaMA-2 70B)."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="evaluated_models")
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    confirmed = models.BooleanField(default=True, help_text=CONFIRMED_HELP)

    class Meta:
        ordering = ["paper", "position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="evaluated_model_name_not_empty")]

    def __str__(self):
        return self.name


class Baseline(models.Model):
    """A system a paper compares against; linked when that system is a paper of the catalogue."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=200)
    baseline_paper = models.ForeignKey(
        Paper, null=True, blank=True, on_delete=models.SET_NULL, related_name="compared_in_baselines"
    )
    position = models.PositiveSmallIntegerField(default=0)
    confirmed = models.BooleanField(default=True, help_text=CONFIRMED_HELP)

    class Meta:
        ordering = ["paper", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="baseline_name_not_empty"),
            models.CheckConstraint(condition=~Q(baseline_paper=models.F("paper")), name="baseline_not_itself"),
        ]

    def __str__(self):
        return self.name
