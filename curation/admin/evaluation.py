"""The admin of evaluation facts: the GPU type catalogue, setups with their GPU rows, and the paper's inlines
(setups, results, baselines, evaluated models). Writes of the paper's facts are recorded (RecordedInlinesMixin)."""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from curation.admin.history import RecordedInlinesMixin
from taxonomy.models import Baseline, EvaluatedModel, GpuType, Result, Setup, SetupGpu
from taxonomy.services import delete_with_history, save_with_history

# Tabular rows stay one line high: evidence and interconnect are short pointers, not prose.
_COMPACT = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    models.JSONField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})},
}


class ListsForm(forms.ModelForm):
    """JSON list fields (interconnect, aliases, sources) take a list; left empty they are one, not None (the
    column is NOT NULL: None would fail at save)."""

    def clean(self):
        data = super().clean()
        for field in self._meta.model._meta.fields:
            if not isinstance(field, models.JSONField) or field.name not in data:
                continue
            if data[field.name] is None:
                data[field.name] = []
            elif not isinstance(data[field.name], list):
                self.add_error(field.name, 'A JSON list, e.g. ["RoCE 100Gbps", "PCIe"].')
        return data


class SetupInline(admin.TabularInline):
    model = Setup
    form = ListsForm
    extra = 0
    fields = ["position", "nodes", "interconnect", "simulated", "evidence", "confirmed", "gpu_rows"]
    readonly_fields = ["gpu_rows"]
    formfield_overrides = _COMPACT

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("paper").prefetch_related("gpus__gpu_type")

    @admin.display(description="GPUs")
    def gpu_rows(self, setup):
        # No nested inlines in Django: a setup's GPU rows are edited on the setup's own page.
        if not setup.pk:
            return "save first, then edit its GPUs"
        summary = ", ".join(str(row) for row in setup.gpus.all()) or "none"
        url = reverse("admin:taxonomy_setup_change", args=[setup.pk])
        return format_html('{} (<a href="{}">edit GPUs</a>)', summary, url)


class ResultInline(admin.TabularInline):
    model = Result
    fk_name = "paper"  # baseline_paper points at a paper too
    extra = 0
    fields = [
        "position",
        "metric",
        "kind",
        "value",
        "value_max",
        "unit",
        "value_text",
        "versus",
        "baseline_paper",
        "setup_text",
        "evidence",
        "confirmed",
    ]
    autocomplete_fields = ["baseline_paper"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("paper", "baseline_paper")


class BaselineForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        # The database forbids it too, but an inline form does not check constraints on its parent's key.
        other = data.get("baseline_paper")
        if other is not None and self.instance.paper_id and other.pk == self.instance.paper_id:
            self.add_error("baseline_paper", "A paper is not its own baseline.")
        return data


class BaselineInline(admin.TabularInline):
    model = Baseline
    fk_name = "paper"
    form = BaselineForm
    extra = 0
    fields = ["position", "name", "baseline_paper", "confirmed"]
    autocomplete_fields = ["baseline_paper"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("baseline_paper")


class EvaluatedModelInline(admin.TabularInline):
    model = EvaluatedModel
    extra = 0
    fields = ["position", "name", "confirmed"]


# The evaluation inlines of the paper's change page, in reading order.
PAPER_EVALUATION_INLINES = [SetupInline, ResultInline, BaselineInline, EvaluatedModelInline]


@admin.register(GpuType)
class GpuTypeAdmin(admin.ModelAdmin):
    form = ListsForm
    list_display = ["name", "vendor", "architecture", "year", "memory_gb", "fp16_tflops", "memory_bandwidth_gbs"]
    list_filter = ["vendor"]
    search_fields = ["name", "aliases"]  # aliases: a JSON list, searched as its text


class SetupGpuInline(admin.TabularInline):
    model = SetupGpu
    extra = 0
    fields = ["position", "gpu_type", "type_text", "count", "confirmed"]
    autocomplete_fields = ["gpu_type"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("gpu_type", "setup__paper")


@admin.register(Setup)
class SetupAdmin(RecordedInlinesMixin, admin.ModelAdmin):
    form = ListsForm
    list_display = ["__str__", "gpu_summary", "nodes", "simulated", "mixed_types", "compute_ratio", "confirmed"]
    list_select_related = ["paper"]
    list_filter = ["simulated", "confirmed"]
    search_fields = ["paper__citation_key", "paper__title", "gpus__type_text", "gpus__gpu_type__name"]
    autocomplete_fields = ["paper"]
    fields = [
        "paper",
        "position",
        "nodes",
        "interconnect",
        "simulated",
        "evidence",
        "confirmed",
        "mixed_types",
        "compute_ratio",
        "total_gpus",
    ]
    readonly_fields = ["mixed_types", "compute_ratio", "total_gpus"]
    inlines = [SetupGpuInline]

    def get_queryset(self, request):
        # The derived columns read the GPU rows and their types: prefetched, not one query per setup.
        return super().get_queryset(request).prefetch_related("gpus__gpu_type")

    @admin.display(description="GPUs")
    def gpu_summary(self, setup):
        return ", ".join(str(row) for row in setup.gpus.all()) or "-"

    @admin.display(description="mixed GPU types", boolean=True)
    def mixed_types(self, setup):
        return setup.mixed_gpu_types if setup.pk else None

    @admin.display(description="compute ratio (fastest / slowest FP16)")
    def compute_ratio(self, setup):
        return setup.compute_ratio if setup.pk else None

    @admin.display(description="GPUs in all")
    def total_gpus(self, setup):
        return setup.total_gpus if setup.pk else None

    # The setup itself is recorded like its GPU rows (a deletion records the rows it takes first).
    def save_model(self, request, obj, form, change):
        save_with_history(user=request.user, instance=obj)

    def delete_model(self, request, obj):
        delete_with_history(user=request.user, instance=obj)

    def delete_queryset(self, request, queryset):
        for setup in queryset.select_related("paper"):
            delete_with_history(user=request.user, instance=setup)
