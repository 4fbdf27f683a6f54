"""The clusters papers evaluate on, as filters and as words: GPU names (aliases and memory variants), vendors,
interconnect classes, the largest real setup, a setup in one line.

The paper list, the results ledger and "match my cluster" all read GPUs and setups through here, so `A100`
means the same three types and "largest real setup" the same number everywhere.
"""

import re
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce

from taxonomy.models import GpuType, Setup, SetupGpu

MEMORY_VARIANT = re.compile(r"-\d+GB$", re.IGNORECASE)


def gpu_family(name: str) -> str:
    """The model a memory variant belongs to: A100-40GB -> A100; A100 -> A100."""
    return MEMORY_VARIANT.sub("", name)


class UnknownGpus(ValueError):
    """GPU names no catalogue type answers to; the message names them and the accepted spellings."""

    def __init__(self, unknown: list[str], accepted: list[str]):
        self.unknown, self.accepted = unknown, accepted
        super().__init__(f"Unknown GPU type(s): {', '.join(unknown)}. Accepted: {', '.join(accepted)}.")


class GpuLookup:
    """The GPU type catalogue by name or alias, ignoring case, spaces and dashes ("Tesla V100", "v100")."""

    def __init__(self, types: list[GpuType] | None = None):
        self.types = list(GpuType.objects.all()) if types is None else types
        self.by_key: dict[str, GpuType] = {}
        self.families: dict[str, list[GpuType]] = {}
        for gpu in self.types:
            for spelling in (gpu.name, *gpu.aliases):
                self.by_key.setdefault(self.key(spelling), gpu)
            self.families.setdefault(self.key(gpu_family(gpu.name)), []).append(gpu)

    @staticmethod
    def key(text: str) -> str:
        return re.sub(r"[\s_-]+", "", text).lower()

    def find(self, text: str) -> GpuType | None:
        """The one type `text` names (how the loader links a setup's GPU row)."""
        return self.by_key.get(self.key(text))

    def matching(self, text: str) -> list[GpuType]:
        """The types a filter or cluster spec means by `text`: a model without a memory size (A100, A800)
        means all its variants; a variant (A100-80GB) means itself."""
        gpu = self.find(text)
        if gpu is not None and gpu_family(gpu.name) != gpu.name:
            return [gpu]
        family_key = self.key(gpu_family(gpu.name)) if gpu is not None else self.key(text)
        return self.families.get(family_key, [gpu] if gpu is not None else [])

    def resolve(self, names: list[str]) -> set[int]:
        """Ids of the types any of `names` means; UnknownGpus when one means none."""
        ids, unknown = set(), []
        for name in names:
            found = self.matching(name)
            if not found:
                unknown.append(name)
            ids.update(gpu.pk for gpu in found)
        if unknown:
            raise UnknownGpus(unknown, self.accepted())
        return ids

    def accepted(self) -> list[str]:
        names = {gpu.name for gpu in self.types} | {gpu_family(gpu.name) for gpu in self.types}
        return sorted(names, key=str.lower)

    def vendors(self) -> dict[str, str]:
        """Vendor names by their lower-case spelling (vendor=amd finds "AMD")."""
        return {gpu.vendor.lower(): gpu.vendor for gpu in self.types}


# Interconnect classes, from the words papers use for their links; a setup can have several.
INTERCONNECTS = {
    "nvlink": ("NVLink", re.compile(r"nvlink|nvswitch", re.I)),
    "infiniband": ("InfiniBand", re.compile(r"infiniband|\bIB\b", re.I)),
    "roce": ("RoCE / RDMA", re.compile(r"roce|rdma", re.I)),
    "ethernet": ("Ethernet", re.compile(r"ethernet|\d\s*GbE\b|\bLAN\b|TCP", re.I)),
    "pcie": ("PCIe", re.compile(r"pcie", re.I)),
    "wan": (
        "WAN",
        re.compile(
            r"\bWAN\b|internet|inter-region|cross-region|multi-region|geo-distributed|cross-datacenter|"
            r"between datacenters|volunteer|multi-cloud",
            re.I,
        ),
    ),
}


def interconnect_classes(texts: list[str]) -> list[str]:
    """The interconnect classes (INTERCONNECTS keys) a setup's link descriptions name, in that order."""
    joined = " / ".join(texts)
    return [slug for slug, (_label, pattern) in INTERCONNECTS.items() if pattern.search(joined)]


@dataclass(frozen=True)
class SetupSummary:
    """One setup in the words and numbers a list shows (GPU rows prefetched with their types)."""

    gpus: str  # "4×A100 + 8×L4 + 12×T4"
    total_gpus: int | None
    mixed: bool
    interconnect: list[str]
    interconnect_classes: list[str]
    simulated: bool | None
    vendors: list[str]
    compute_ratio: float | None

    @classmethod
    def of(cls, setup: Setup) -> "SetupSummary":
        rows = list(setup.gpus.all())
        parts = []
        for row in rows:
            name = row.gpu_type.name if row.gpu_type is not None else row.type_text
            parts.append(f"{row.count}×{name}" if row.count else name)
        ratio = setup.compute_ratio
        return cls(
            gpus=" + ".join(parts),
            total_gpus=setup.total_gpus,
            mixed=setup.mixed_gpu_types,
            interconnect=list(setup.interconnect),
            interconnect_classes=interconnect_classes(setup.interconnect),
            simulated=setup.simulated,
            vendors=sorted({row.gpu_type.vendor for row in rows if row.gpu_type is not None}),
            compute_ratio=float(ratio) if ratio is not None else None,
        )


# SQL pieces over a paper: `via` is the path from the outer query's rows to their paper ("" for papers,
# "paper__" for results), so the paper list and the results ledger filter with the same subqueries.


def _paper(via: str) -> OuterRef:
    return OuterRef(via.removesuffix("__") or "pk")


def evaluated_on(type_ids: set[int], via: str = "") -> Exists:
    """A setup of the paper has a GPU of one of these types."""
    return Exists(SetupGpu.objects.filter(setup__paper=_paper(via), gpu_type_id__in=type_ids))


def evaluated_on_vendor(vendor: str, via: str = "") -> Exists:
    """A setup of the paper has a GPU of this vendor; a row of no known type counts when its text names the
    vendor ("AMD GPU (model not named)")."""
    of_vendor = Q(gpu_type__vendor__iexact=vendor) | Q(gpu_type__isnull=True, type_text__icontains=vendor)
    return Exists(SetupGpu.objects.filter(of_vendor, setup__paper=_paper(via)))


def comma_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def on_gpus(raw: str, via: str = "") -> Exists:
    """The filter `gpu=A100,V100` (any of; a model includes its memory variants). ValueError (UnknownGpus for
    unknown names) when it names nothing the catalogue knows."""
    names = comma_list(raw)
    if not names:
        raise ValueError("Give one or more GPU type names, comma-separated.")
    return evaluated_on(GpuLookup().resolve(names), via)


def of_vendors(raw: str, via: str = "") -> Q:
    """The filter `vendor=amd,nvidia` (any of, any case); ValueError naming unknown vendors."""
    known = GpuLookup().vendors()
    asked = comma_list(raw)
    unknown = [vendor for vendor in asked if vendor.lower() not in known]
    if unknown or not asked:
        accepted = ", ".join(sorted(known))
        raise ValueError(f"Unknown vendor(s): {', '.join(unknown) or repr(raw)}. Accepted: {accepted}.")
    any_of = Q()
    for vendor in asked:
        any_of |= Q(evaluated_on_vendor(known[vendor.lower()], via))
    return any_of


def with_mixed_gpus(via: str = "") -> Exists:
    """A setup of the paper mixes GPU types (an unlinked row counts by its text, as Setup.mixed_gpu_types)."""
    kind = Coalesce(Cast("gpus__gpu_type_id", CharField()), "gpus__type_text")
    mixed = Setup.objects.filter(paper=_paper(via)).annotate(kinds=Count(kind, distinct=True)).filter(kinds__gte=2)
    return Exists(mixed)


def with_simulated_setup(simulated: bool, via: str = "") -> Exists:
    return Exists(Setup.objects.filter(paper=_paper(via), simulated=simulated))


def largest_real_gpus(via: str = ""):
    """GPUs in the paper's largest real setup: the evaluation's own figure, else the largest setup not marked
    simulated whose every GPU row has a count."""
    totals = (
        SetupGpu.objects.filter(setup__paper=_paper(via))
        .exclude(setup__simulated=True)
        .values("setup")
        .annotate(total=Sum("count"), uncounted=Count("pk", filter=Q(count__isnull=True)))
        .filter(uncounted=0)
        .order_by("-total")
        .values("total")[:1]
    )
    return Coalesce(f"{via}evaluation__max_gpus", Subquery(totals, output_field=IntegerField()))


def largest_real_setup(setups: list[Setup], max_gpus: int | None) -> int | None:
    """largest_real_gpus() for a paper in hand (setups prefetched with their GPU rows)."""
    if max_gpus is not None:
        return max_gpus
    totals = [setup.total_gpus for setup in setups if setup.simulated is not True]
    totals = [total for total in totals if total is not None]
    return max(totals) if totals else None
