"""Evaluation facts from the corpus into the database: the GPU type catalogue, setups, models, baselines, results.

The corpus is input, not code: it has gaps and a few odd values (a unit written as a phrase, a GPU "model not
named"). The loader keeps what is known, links what the catalogue knows (GPU types, baseline papers) and
reports the rest; `check_catalogue` and the admin's data-gaps page list it for curators.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from papers.identifiers import normalize_title
from papers.models import Paper
from taxonomy.clusters import GpuLookup
from taxonomy.models import Baseline, EvaluatedModel, Evaluation, GpuType, Result, Setup, SetupGpu

_RANGE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)\s*$")
_UNIT_ALIASES = {"x": "x", "%": "%", "pp": "pp", "percentage points": "pp"}


_TRAILING_MARK = re.compile(r"\s*\?(\)?)\s*$")


def trailing_unconfirmed(raw):
    """(value, confirmed): a value no source confirmed ends with "?" (or with "?)" when the doubt is about
    its closing remark); a "?" anywhere else is text (`https://openreview.net/forum?id=...`, a title that
    asks a question)."""
    if isinstance(raw, str) and _TRAILING_MARK.search(raw):
        return _TRAILING_MARK.sub(r"\1", raw).strip(), False
    return raw, True


@dataclass
class FactsReport:
    setups: int = 0
    gpu_rows: int = 0
    results: int = 0
    models: int = 0
    baselines: int = 0
    unknown_gpu_types: list[str] = field(default_factory=list)  # "key: text"
    odd_values: list[str] = field(default_factory=list)


def load_gpu_types(specs: list[dict]) -> int:
    """Create the GPU types not in the database yet (a curator's edit of one is kept); how many were new."""
    existing = set(GpuType.objects.values_list("name", flat=True))
    new = []
    for spec in specs:
        if spec["name"] in existing:
            continue
        values, unconfirmed = {}, []
        for name in ("year", "memory_gb", "fp16_tflops", "memory_bandwidth_gbs"):
            if spec.get(name) is None:
                continue
            value, confirmed = trailing_unconfirmed(spec[name])
            values[name] = Decimal(str(value)) if name != "year" else int(value)
            if not confirmed:
                unconfirmed.append(name)
        notes = " ".join(" ".join(spec.get(key, "").split()) for key in ("fp16_note", "notes") if spec.get(key))
        sources = spec.get("source") or []
        new.append(
            GpuType(
                name=spec["name"],
                aliases=spec.get("aliases", []),
                vendor=spec.get("vendor", ""),
                architecture=spec.get("architecture", ""),
                notes=notes,
                sources=sources if isinstance(sources, list) else [sources],
                unconfirmed_fields=unconfirmed,
                **values,
            )
        )
    GpuType.objects.bulk_create(new)
    return len(new)


# A citation key ends with the system's name ("narayanan2020gavel"): the name a paper goes by when its title
# does not start with it ("Heterogeneity-Aware Cluster Scheduling Policies..." is Gavel).
KEY_NAME = re.compile(r"^[a-z]+\d{4}([a-z][a-z0-9]*)$")


class PaperNames:
    """Catalogue papers by the short name a baseline goes by: "HetPipe" for "HetPipe: Enabling Large...", else
    the name its citation key ends with ("Gavel" for narayanan2020gavel). A title's name wins over a key's."""

    def __init__(self):
        self.by_name: dict[str, int] = {}
        rows = list(Paper.objects.values_list("pk", "title", "arxiv_title", "citation_key"))
        for pk, title, arxiv_title, _key in rows:
            for text in (title, arxiv_title):
                head = (text or "").split(":", 1)[0]
                if ":" in (text or "") and len(head) <= 40:
                    self.by_name.setdefault(normalize_title(head), pk)
        for pk, _title, _arxiv_title, key in rows:
            match = KEY_NAME.match(key)
            if match:
                self.by_name.setdefault(normalize_title(match.group(1)), pk)

    def find(self, name: str) -> int | None:
        return self.by_name.get(normalize_title(name))


def load_evaluation(paper: Paper, facts: dict, gpus: GpuLookup, report: FactsReport) -> None:
    """The paper's evaluation block, as new rows (only called for a paper created by this load)."""
    evaluation = facts.get("evaluation") or {}
    max_gpus, max_confirmed = trailing_unconfirmed(evaluation.get("max_gpus"))
    open_source, open_confirmed = trailing_unconfirmed(evaluation.get("open_source"))
    if evaluation:
        Evaluation.objects.create(
            paper=paper,
            max_gpus=int(max_gpus) if max_gpus is not None else None,
            open_source=_boolean(open_source),
            confirmed=max_confirmed and open_confirmed,
        )
    for position, spec in enumerate(evaluation.get("setups") or []):
        _load_setup(paper, position, spec, gpus, report)
    for position, raw in enumerate(evaluation.get("models") or []):
        name, confirmed = trailing_unconfirmed(str(raw))
        EvaluatedModel.objects.create(paper=paper, name=name, position=position, confirmed=confirmed)
        report.models += 1
    for position, raw in enumerate(evaluation.get("baselines") or []):
        name, confirmed = trailing_unconfirmed(str(raw))
        Baseline.objects.create(paper=paper, name=name, position=position, confirmed=confirmed)
        report.baselines += 1
    for position, spec in enumerate(evaluation.get("results") or []):
        result = _result(paper, position, spec, report)
        if result is not None:
            result.save()
            report.results += 1


def _load_setup(paper: Paper, position: int, spec: dict, gpus: GpuLookup, report: FactsReport) -> None:
    simulated, simulated_confirmed = trailing_unconfirmed(spec.get("simulated"))
    interconnect = [trailing_unconfirmed(str(link))[0] for link in spec.get("interconnect") or []]
    setup = Setup.objects.create(
        paper=paper,
        position=position,
        nodes=_count(spec.get("nodes")),
        interconnect=interconnect,
        simulated=_boolean(simulated),
        evidence=" ".join(str(spec.get("evidence") or "").split()),
        confirmed=simulated_confirmed,
    )
    report.setups += 1
    rows = []
    for row_position, gpu in enumerate(spec.get("gpus") or []):
        text, confirmed = trailing_unconfirmed(str(gpu.get("type") or "").strip())
        gpu_type = gpus.find(text) if text else None
        if gpu_type is None:
            text = text or "GPU type not stated"
            report.unknown_gpu_types.append(f"{paper.citation_key}: {text}")
        rows.append(
            SetupGpu(
                setup=setup,
                gpu_type=gpu_type,
                type_text="" if gpu_type and gpu_type.name == text else text,
                count=_count(gpu.get("count")),
                confirmed=confirmed,
                position=row_position,
            )
        )
    SetupGpu.objects.bulk_create(rows)
    report.gpu_rows += len(rows)


def _result(paper: Paper, position: int, spec: dict, report: FactsReport) -> Result | None:
    metric = spec.get("metric")
    if metric not in Result.Metric.values:
        report.odd_values.append(f"{paper.citation_key}: result {position + 1} has metric {metric!r}; not loaded")
        return None
    raw, confirmed = trailing_unconfirmed(spec.get("value"))
    value = value_max = None
    value_text = ""
    if isinstance(raw, int | float):
        value = Decimal(str(raw))
    elif isinstance(raw, str) and (match := _RANGE_RE.match(raw)):
        value, value_max = Decimal(match[1]), Decimal(match[2])
    else:
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            value_text = str(raw or "").strip()
    unit_raw = str(spec.get("unit") or "").strip()
    unit = _UNIT_ALIASES.get(unit_raw, unit_raw)
    if unit and unit not in Result.UNITS:
        report.odd_values.append(f"{paper.citation_key}: result {position + 1} unit {unit_raw!r} kept as written")
    kind = spec.get("kind") or ""
    if kind not in Result.Kind.values:
        report.odd_values.append(f"{paper.citation_key}: result {position + 1} kind {kind!r} dropped")
        kind = ""
    evidence, evidence_confirmed = trailing_unconfirmed(str(spec.get("evidence") or ""))
    return Result(
        paper=paper,
        position=position,
        metric=metric,
        value=value,
        value_max=value_max,
        value_text=value_text,
        unit=unit,
        kind=kind,
        versus=str(spec.get("versus") or ""),
        setup_text=str(spec.get("setup") or ""),
        evidence=evidence,
        confirmed=confirmed and evidence_confirmed,
    )


def link_baselines() -> int:
    """Link baselines and results' `versus` that name a catalogue paper; how many links were made."""
    names = PaperNames()
    linked = 0
    for model, field_name in ((Baseline, "name"), (Result, "versus")):
        for row in model.objects.filter(baseline_paper__isnull=True).only("pk", "paper_id", field_name):
            pk = names.find(getattr(row, field_name))
            if pk is not None and pk != row.paper_id:
                model.objects.filter(pk=row.pk).update(baseline_paper_id=pk)
                linked += 1
    return linked


def _boolean(value) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    return {"true": True, "false": False}.get(str(value).strip().lower())


def _count(value) -> int | None:
    value, _ = trailing_unconfirmed(value)
    try:
        return int(value) if value not in (None, "") and int(value) > 0 else None
    except (TypeError, ValueError):
        return None
