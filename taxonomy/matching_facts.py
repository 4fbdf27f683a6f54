"""The catalogue's setups as plain facts for "match my cluster" (taxonomy.matching scores them).

At 100,000 papers there are ~200,000 setups: they are read with values_list() into tuples, never model
instances. Setups with the same facts share one Signature, and each signature is split into parts that
repeat across many of them (its GPU families and vendors, its size, its speed spread, its link classes), so a
request scores each distinct part once and a signature is four list look-ups. The facts are kept per process
under the catalogue generation for FACET_CACHE_SECONDS (a committed write is seen at once where the
generation is shared, as with the facet counts).
"""

import json
import math
import time
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, F, OuterRef, TextField
from django.db.models.functions import Cast

from lib.cache import catalogue_generation
from papers.models import Paper
from taxonomy.clusters import GpuLookup, gpu_family, interconnect_classes
from taxonomy.models import DimensionValue, GpuType, Setup, SetupGpu

WORKLOAD_DIMENSION = "workload"
NEWEST_FIRST = (F("year").desc(nulls_last=True), "title", "pk")


class Signature(NamedTuple):
    """What scoring needs of a setup; equal setups share one."""

    families: frozenset[str]  # lookup keys of the families of its linked GPU types
    vendors: frozenset[str]
    total: int | None  # None when a row has no count
    ratio: float | None  # fastest / slowest TFLOPS; None unless every row's figure is known
    classes: tuple[str, ...]
    total_log: float | None  # log2 of each, for scoring
    ratio_log: float | None


def _distinct(values: list) -> tuple[list, list[int]]:
    """(the distinct values in first-seen order, each value's index among them)."""
    position: dict = {}
    indexes = [position.setdefault(value, len(position)) for value in values]
    return list(position), indexes


@dataclass
class SetupFacts:
    signatures: list[Signature]
    # Public papers with a setup, newest first then by title: (paper id, ((setup id, signature index), ...)).
    papers: list[tuple[int, tuple[tuple[int, int], ...]]]
    workloads: dict[int, frozenset[str]]
    without_setup: int

    def __post_init__(self):
        # Flat columns, so that scoring 100,000 papers is a few list comprehensions.
        self.signature_sets = [tuple({index for _setup, index in setups}) for _pk, setups in self.papers]
        held = [self.workloads.get(pk, frozenset()) for pk, _setups in self.papers]
        self.workload_sets, self.workload_of = _distinct(held)
        self.gpu_parts, gpu_of = _distinct([(sig.families, sig.vendors) for sig in self.signatures])
        self.scale_parts, scale_of = _distinct([sig.total_log for sig in self.signatures])
        self.ratio_parts, ratio_of = _distinct([sig.ratio_log for sig in self.signatures])
        self.link_parts, link_of = _distinct([sig.classes for sig in self.signatures])
        self.signature_parts = list(zip(gpu_of, scale_of, ratio_of, link_of, strict=True))


_cached: dict = {"key": None, "until": 0.0, "facts": None}


def setup_facts(gpu_types: list[GpuType]) -> SetupFacts:
    """The facts of every public setup (five queries), or the process's copy of this catalogue generation."""
    seconds = settings.FACET_CACHE_SECONDS
    if not seconds:
        return _read_setup_facts(gpu_types)
    key = catalogue_generation()
    if _cached["key"] == key and _cached["until"] > time.monotonic():
        return _cached["facts"]
    facts = _read_setup_facts(gpu_types)
    _cached.update(key=key, until=time.monotonic() + seconds, facts=facts)
    return facts


def has_setup() -> Exists:
    return Exists(Setup.objects.filter(paper=OuterRef("pk")))


def _read_setup_facts(gpu_types: list[GpuType]) -> SetupFacts:
    types = {
        gpu.pk: (GpuLookup.key(gpu_family(gpu.name)), gpu.vendor, float(gpu.fp16_tflops) if gpu.fp16_tflops else None)
        for gpu in gpu_types
    }
    public = Paper.objects.public()
    order = list(public.filter(has_setup()).order_by(*NEWEST_FIRST).values_list("pk", flat=True))
    with_setup = set(order)
    # Every setup and GPU row, without joining papers (cheaper): rows of papers not public are skipped here.
    rows: dict[int, list] = {}
    for setup_id, type_id, count in SetupGpu.objects.order_by().values_list("setup_id", "gpu_type_id", "count"):
        rows.setdefault(setup_id, []).append((types.get(type_id), count))
    signatures: dict[Signature, int] = {}
    classes_of: dict[str | None, tuple] = {}
    index_of: dict[tuple, int] = {}  # equal GPU rows and links: the same signature, worked out once
    setups_of: dict[int, list] = {}
    # The links as JSON text: the few distinct lists are decoded and classified once each, not per setup.
    setups = Setup.objects.order_by("paper_id", "position", "pk").annotate(links=Cast("interconnect", TextField()))
    for setup_id, paper_id, interconnect in setups.values_list("pk", "paper_id", "links"):
        if paper_id not in with_setup:
            continue
        gpus = tuple(rows.get(setup_id, ()))
        index = index_of.get((gpus, interconnect))
        if index is None:
            signature = _signature(list(gpus), interconnect, classes_of)
            index = index_of[gpus, interconnect] = signatures.setdefault(signature, len(signatures))
        setups_of.setdefault(paper_id, []).append((setup_id, index))
    workloads: dict[int, set] = {}
    values = DimensionValue.objects.filter(dimension__slug=WORKLOAD_DIMENSION, term__isnull=False).order_by()
    for paper_id, slug in values.values_list("paper_id", "term__slug"):
        workloads.setdefault(paper_id, set()).add(slug)
    return SetupFacts(
        signatures=list(signatures),
        papers=[(pk, tuple(setups_of[pk])) for pk in order if pk in setups_of],
        workloads={pk: frozenset(slugs) for pk, slugs in workloads.items() if pk in with_setup},
        without_setup=public.count() - len(order),
    )


def _signature(rows: list, links: str | None, classes_of: dict) -> Signature:
    linked = [gpu for gpu, _count in rows if gpu is not None]
    counts = [count for _gpu, count in rows]
    speeds = [gpu[2] for gpu in linked]
    known = rows and len(linked) == len(rows) and None not in speeds
    if links not in classes_of:
        texts = json.loads(links) if links else []
        classes_of[links] = tuple(interconnect_classes([str(t) for t in texts] if isinstance(texts, list) else []))
    total = sum(counts) if counts and None not in counts else None
    ratio = round(max(speeds) / min(speeds), 2) if known else None
    return Signature(
        frozenset(gpu[0] for gpu in linked),
        frozenset(gpu[1] for gpu in linked),
        total,
        ratio,
        classes_of[links],
        math.log2(total) if total else None,
        math.log2(ratio) if ratio else None,
    )
