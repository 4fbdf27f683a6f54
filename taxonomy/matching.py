"""Match my cluster: public papers ranked by how close their evaluated setups are to a described cluster
(GET /api/match/ and the /match/ page read the same parameters through parse_cluster).

A setup's score is a weighted mean of components in [0, 1] (the weights of those asked for add up to 1):
gpu_types 0.35, the share of your GPUs whose family (A100 for A100-80GB) the setup has; vendors 0.10, in
common / in either; scale 0.20, 1 - min(1, |log2(its GPUs) - log2(yours)| / 4); compute_ratio 0.10, the same
on fastest / slowest peak FP16 TFLOPS (1 for one speed) over 2; interconnect 0.15 when asked, its links name
that class; workload 0.10 when asked, the paper's terms ("both" matches either; asking both, one gets half).
A missing fact scores 0 and is never a reason. A paper scores as its best setup; ties go to the newer paper,
then the title; papers without a setup come last, never dropped.

Lean at 100,000 papers: setups are read with values_list() into plain tuples (setups with equal facts share
one signature, scored once), kept per process under the catalogue generation for FACET_CACHE_SECONDS; only
the page's papers become model instances.
"""

import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import add

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch

from lib.cache import catalogue_generation
from papers.models import Paper
from taxonomy.clusters import INTERCONNECTS, GpuLookup, SetupSummary, UnknownGpus, gpu_family, interconnect_classes
from taxonomy.listing import InvalidQuery
from taxonomy.models import Dimension, DimensionValue, GpuType, Setup, SetupGpu
from taxonomy.selectors import papers_for_listing, resolve_terms

MAX_ROWS = 32
MAX_COUNT = 100_000
MAX_SPEC_CHARS = 2_000
WORKLOAD_DIMENSION = "workload"
WORKLOADS = ("training", "inference", "both")
WEIGHTS = dict(gpu_types=0.35, vendors=0.10, scale=0.20, compute_ratio=0.10, interconnect=0.15, workload=0.10)
SCALE_SPAN = 4.0  # log2 steps (16x) at which scale similarity reaches 0
RATIO_SPAN = 2.0  # log2 steps (4x) at which compute-ratio similarity reaches 0
MENTION_AT = 0.5  # a similarity (scale, compute ratio) this close is given as a reason
ROW = re.compile(r"^\s*(?P<name>[^:]+?)\s*:\s*(?P<count>[^:]*?)\s*$")


@dataclass(frozen=True)
class GpuRow:
    name: str  # as typed
    family: str  # display name of its family: A100 for A100-80GB
    count: int
    types: tuple[str, ...]  # the catalogue types it means


@dataclass(frozen=True)
class Cluster:
    rows: tuple[GpuRow, ...]
    vendors: frozenset[str]
    compute_ratio: float | None
    interconnect: str | None
    workload: str | None

    @property
    def total_gpus(self) -> int:
        return sum(row.count for row in self.rows)

    def as_dict(self) -> dict:
        return {
            "gpus": [{"name": r.name, "family": r.family, "count": r.count, "types": list(r.types)} for r in self.rows],
            "total_gpus": self.total_gpus,
            "vendors": sorted(self.vendors),
            "compute_ratio": self.compute_ratio,
            "interconnect": self.interconnect,
            "workload": self.workload,
        }


def parse_cluster(params: Mapping[str, str], lookup: GpuLookup | None = None) -> Cluster:
    """The cluster `gpus=A100:8,V100:16&interconnect=ethernet&workload=training` describes.

    InvalidQuery names each bad parameter: a malformed row, a count outside 1..100000, more than 32 rows,
    unknown GPU names (with the accepted spellings), an unknown interconnect or workload. A name given
    twice (in any spelling) is one row with the counts added up."""
    errors: dict[str, list[str]] = {}
    rows = _parse_gpus(params.get("gpus") or "", lookup, errors)
    interconnect = (params.get("interconnect") or "").strip().lower() or None
    if interconnect is not None and interconnect not in INTERCONNECTS:
        errors["interconnect"] = [f"Unknown interconnect {interconnect!r}. Accepted: {', '.join(INTERCONNECTS)}."]
    workload = _parse_workload((params.get("workload") or "").strip().lower(), errors)
    if errors:
        raise InvalidQuery(errors)
    vendors = frozenset(vendor for row, _types, row_vendors, _speed in rows for vendor in row_vendors)
    speeds = [speed for *_rest, speed in rows]
    ratio = round(max(speeds) / min(speeds), 2) if speeds and None not in speeds else None
    return Cluster(tuple(row for row, *_rest in rows), vendors, ratio, interconnect, workload)


def _parse_gpus(raw: str, lookup: GpuLookup | None, errors: dict) -> list:
    if not raw.strip():
        errors["gpus"] = ["Describe your GPUs as NAME:COUNT pairs, comma-separated, e.g. gpus=A100:8,V100:16."]
        return []
    if len(raw) > MAX_SPEC_CHARS:
        errors["gpus"] = [f"At most {MAX_SPEC_CHARS} characters."]
        return []
    pieces = [piece for piece in raw.split(",") if piece.strip()]
    if len(pieces) > MAX_ROWS:
        errors["gpus"] = [f"At most {MAX_ROWS} GPU types, not {len(pieces)}."]
        return []
    problems, parsed = [], []
    for piece in pieces:
        match = ROW.match(piece)
        if match is None or not match["count"]:
            problems.append(f"{piece.strip()!r} is not NAME:COUNT (e.g. A100:8).")
        elif not match["count"].isdigit() or not 1 <= int(match["count"]) <= MAX_COUNT:
            problems.append(f"{match['name']}: the count must be a whole number from 1 to {MAX_COUNT}.")
        elif len(match["name"]) > 60:
            problems.append(f"{match['name'][:60]}…: not a GPU name (at most 60 characters).")
        else:
            parsed.append((match["name"], int(match["count"])))
    if problems:
        errors["gpus"] = problems
        return []
    lookup = lookup or GpuLookup()
    unknown = [name for name, _count in parsed if not lookup.matching(name)]
    if unknown:
        errors["gpus"] = [str(UnknownGpus(unknown, lookup.accepted()))]
        return []
    merged: dict[str, list] = {}
    for name, count in parsed:
        key = lookup.key(name)
        if key in merged:
            merged[key][1] += count
        else:
            merged[key] = [name, count, lookup.matching(name)]
    rows = []
    for name, count, types in merged.values():
        speeds = [float(gpu.fp16_tflops) for gpu in types if gpu.fp16_tflops is not None]
        family = gpu_family(types[0].name)
        row = GpuRow(name, family, count, tuple(gpu.name for gpu in types))
        rows.append((row, types, {gpu.vendor for gpu in types}, max(speeds) if speeds else None))
    return rows


def _parse_workload(slug: str, errors: dict) -> str | None:
    if not slug:
        return None
    dimension = Dimension.objects.filter(slug=WORKLOAD_DIMENSION).prefetch_related("terms").first()
    ids, unknown = resolve_terms(dimension, [slug]) if dimension else (set(), [slug])
    if unknown:
        errors["workload"] = [f"Unknown workload {slug!r}. Accepted: {', '.join(WORKLOADS)}."]
        return None
    return next(term.slug for term in dimension.terms.all() if term.pk in ids)  # a former slug: its term now


# --- The catalogue's setups as plain facts -------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """What scoring needs of a setup; setups with the same facts share one."""

    families: frozenset[str]  # lookup keys of the families of its linked GPU types
    vendors: frozenset[str]
    total: int | None  # None when a row has no count
    ratio: float | None  # fastest / slowest TFLOPS; None unless every row's figure is known
    classes: tuple[str, ...]


@dataclass
class SetupFacts:
    signatures: list[Signature]
    # Public papers with a setup, newest first then by title: (paper id, ((setup id, signature index), ...)).
    papers: list[tuple[int, tuple[tuple[int, int], ...]]]
    workloads: dict[int, frozenset[str]]
    without_setup: int

    def __post_init__(self):
        # Flat per-paper columns, so that scoring 100,000 papers is a few list comprehensions.
        self.signature_sets = [tuple({index for _setup, index in setups}) for _pk, setups in self.papers]
        held = [self.workloads.get(pk, frozenset()) for pk, _setups in self.papers]
        self.workload_sets = list(dict.fromkeys(held))
        position = {workloads: n for n, workloads in enumerate(self.workload_sets)}
        self.workload_of = [position[workloads] for workloads in held]


_cached: dict = {"key": None, "until": 0.0, "facts": None}


def setup_facts(gpu_types: list[GpuType]) -> SetupFacts:
    """The facts of every public setup (four queries), kept per process for FACET_CACHE_SECONDS under the
    catalogue generation, so a committed write is seen at once where the generation is shared."""
    seconds = settings.FACET_CACHE_SECONDS
    if not seconds:
        return _read_setup_facts(gpu_types)
    key = catalogue_generation()
    if _cached["key"] == key and _cached["until"] > time.monotonic():
        return _cached["facts"]
    facts = _read_setup_facts(gpu_types)
    _cached.update(key=key, until=time.monotonic() + seconds, facts=facts)
    return facts


def _has_setup():
    return Exists(Setup.objects.filter(paper=OuterRef("pk")))


NEWEST_FIRST = (F("year").desc(nulls_last=True), "title", "pk")


def _read_setup_facts(gpu_types: list[GpuType]) -> SetupFacts:
    types = {
        gpu.pk: (GpuLookup.key(gpu_family(gpu.name)), gpu.vendor, float(gpu.fp16_tflops) if gpu.fp16_tflops else None)
        for gpu in gpu_types
    }
    public = Paper.objects.public()
    rows: dict[int, list] = {}
    gpu_rows = SetupGpu.objects.filter(setup__paper__status=Paper.Status.PUBLIC).order_by()
    for setup_id, type_id, count in gpu_rows.values_list("setup_id", "gpu_type_id", "count"):
        rows.setdefault(setup_id, []).append((types.get(type_id), count))
    signatures: dict[Signature, int] = {}
    setups_of: dict[int, list] = {}
    setups = Setup.objects.filter(paper__status=Paper.Status.PUBLIC).order_by("paper_id", "position", "pk")
    for setup_id, paper_id, interconnect in setups.values_list("pk", "paper_id", "interconnect"):
        signature = _signature(rows.get(setup_id, []), interconnect)
        index = signatures.setdefault(signature, len(signatures))
        setups_of.setdefault(paper_id, []).append((setup_id, index))
    order = public.filter(_has_setup()).order_by(*NEWEST_FIRST).values_list("pk", flat=True)
    workloads: dict[int, set] = {}
    values = DimensionValue.objects.filter(
        dimension__slug=WORKLOAD_DIMENSION, term__isnull=False, paper__status=Paper.Status.PUBLIC
    ).order_by()
    for paper_id, slug in values.values_list("paper_id", "term__slug"):
        workloads.setdefault(paper_id, set()).add(slug)
    return SetupFacts(
        signatures=list(signatures),
        papers=[(pk, tuple(setups_of[pk])) for pk in order if pk in setups_of],
        workloads={pk: frozenset(slugs) for pk, slugs in workloads.items()},
        without_setup=public.filter(~_has_setup()).count(),
    )


def _signature(rows: list, interconnect) -> Signature:
    linked = [gpu for gpu, _count in rows if gpu is not None]
    counts = [count for _gpu, count in rows]
    speeds = [gpu[2] for gpu in linked]
    known = rows and len(linked) == len(rows) and None not in speeds
    texts = [str(text) for text in interconnect] if isinstance(interconnect, list) else []
    return Signature(
        families=frozenset(gpu[0] for gpu in linked),
        vendors=frozenset(gpu[1] for gpu in linked),
        total=sum(counts) if counts and None not in counts else None,
        ratio=round(max(speeds) / min(speeds), 2) if known else None,
        classes=tuple(interconnect_classes(texts)),
    )


# --- Scoring ------------------------------------------------------------------------------------------------


def _closeness(a: float, b: float, span: float) -> float:
    return 1.0 - min(1.0, abs(math.log2(a) - math.log2(b)) / span)


def score_signature(signature: Signature, cluster: Cluster) -> dict[str, float]:
    """The components of one setup against the cluster (workload is the paper's, see score_workload)."""
    user_total = cluster.total_gpus
    shared = sum(row.count for row in cluster.rows if GpuLookup.key(row.family) in signature.families)
    either = cluster.vendors | signature.vendors
    components = {
        "gpu_types": shared / user_total,
        "vendors": len(cluster.vendors & signature.vendors) / len(either) if signature.vendors else 0.0,
        "scale": _closeness(signature.total, user_total, SCALE_SPAN) if signature.total else 0.0,
        "compute_ratio": _closeness(signature.ratio, cluster.compute_ratio, RATIO_SPAN)
        if signature.ratio and cluster.compute_ratio
        else 0.0,
    }
    if cluster.interconnect:
        components["interconnect"] = 1.0 if cluster.interconnect in signature.classes else 0.0
    return components


def score_workload(paper_workloads: frozenset[str], asked: str) -> float:
    if asked in paper_workloads or "both" in paper_workloads:
        return 1.0
    if asked == "both" and paper_workloads & {"training", "inference"}:
        return 0.5
    return 0.0


def reasons_for(signature: Signature, components: dict[str, float], cluster: Cluster, paper_workloads) -> list[str]:
    """The components that matched, in words: "shares A100", "24 GPUs like yours", "Ethernet"..."""
    reasons = []
    shared = [row.family for row in cluster.rows if GpuLookup.key(row.family) in signature.families]
    if shared:
        reasons.append(f"shares {', '.join(dict.fromkeys(shared))}")
    common = sorted(cluster.vendors & signature.vendors)
    if common:
        reasons.append(f"same vendor{'s' if len(common) > 1 else ''}: {', '.join(common)}")
    if components["scale"] >= MENTION_AT:
        total, yours = signature.total, cluster.total_gpus
        reasons.append(f"{total} GPUs like yours" if total == yours else f"{total} GPUs, near your {yours}")
    if components["compute_ratio"] >= MENTION_AT:
        if signature.ratio == cluster.compute_ratio == 1:
            reasons.append("GPUs of one speed, like yours")
        else:
            reasons.append(f"fastest/slowest {signature.ratio:g}× (yours {cluster.compute_ratio:g}×)")
    if components.get("interconnect"):
        reasons.append(INTERCONNECTS[cluster.interconnect][0])
    if components.get("workload"):
        words = sorted(paper_workloads & set(WORKLOADS))
        reasons.append(" and ".join("training and inference" if w == "both" else w for w in words))
    return reasons


@dataclass
class MatchRow:
    paper: Paper
    score: float | None = None
    setup: SetupSummary | None = None
    reasons: list[str] = field(default_factory=list)
    components: dict[str, float] = field(default_factory=dict)

    @property
    def no_setup(self) -> bool:
        return self.setup is None

    @property
    def explanation(self) -> str:
        if self.setup is None:
            return "no setup recorded"
        where = f"evaluated on {self.setup.gpus or 'unnamed GPUs'}"
        if self.setup.simulated:
            where += " (simulated)"
        return f"{where}: {'; '.join(self.reasons) if self.reasons else 'little in common with your cluster'}"


class Ranking:
    """Every public paper, best match first, as a sequence a Paginator can page: only the slice asked for
    is read from the database (its papers, their best setups, and any papers without a setup on it)."""

    def __init__(self, cluster: Cluster, facts: SetupFacts):
        self.cluster, self.facts = cluster, facts
        scored = [score_signature(signature, cluster) for signature in facts.signatures]
        self.components = scored
        # Sums in millionths: integers add exactly, so equal scores tie and fall back to newest-first order.
        sums = [round(sum(WEIGHTS[name] * value for name, value in parts.items()) * 1e6) for parts in scored]
        asked = [name for name in WEIGHTS if name != "workload" and (name != "interconnect" or cluster.interconnect)]
        self.weight = sum(WEIGHTS[name] for name in asked) + (WEIGHTS["workload"] if cluster.workload else 0)
        at = sums.__getitem__
        totals = [max(map(at, indexes)) for indexes in facts.signature_sets]  # a paper's best setup
        if cluster.workload:
            bonus = [
                round(WEIGHTS["workload"] * score_workload(held, cluster.workload) * 1e6)
                for held in facts.workload_sets
            ]
            totals = list(map(add, totals, map(bonus.__getitem__, facts.workload_of)))
        self.sums, self.totals = sums, totals
        self.order = sorted(range(len(totals)), key=totals.__getitem__, reverse=True)  # stable

    def _best(self, n: int) -> tuple:
        """(score, paper id, setup id, signature index) of the n-th paper's best setup (its first if several)."""
        paper_id, setups = self.facts.papers[n]
        setup_id, index = max(setups, key=lambda setup: (self.sums[setup[1]], -setups.index(setup)))
        return round(self.totals[n] / 1e6 / self.weight, 4), paper_id, setup_id, index

    def __len__(self) -> int:
        return len(self.order) + self.facts.without_setup

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(len(self))
        matched = [self._best(n) for n in self.order[start:stop]]
        rest_start, rest_stop = max(0, start - len(self.order)), max(0, stop - len(self.order))
        without = []
        if rest_stop > rest_start:
            rest = Paper.objects.public().filter(~_has_setup()).order_by(*NEWEST_FIRST)
            without = list(rest.values_list("pk", flat=True)[rest_start:rest_stop])
        papers = papers_for_listing().in_bulk([item[1] for item in matched] + without)
        gpus = Prefetch("gpus", queryset=SetupGpu.objects.select_related("gpu_type"))
        setups = Setup.objects.prefetch_related(gpus).in_bulk([item[2] for item in matched]) if matched else {}
        rows = []
        for score, paper_id, setup_id, index_ in matched:
            if paper_id not in papers or setup_id not in setups:
                continue  # changed since the facts were read (kept up to FACET_CACHE_SECONDS)
            components, held = dict(self.components[index_]), self.facts.workloads.get(paper_id, frozenset())
            if self.cluster.workload:
                components["workload"] = score_workload(held, self.cluster.workload)
            reasons = reasons_for(self.facts.signatures[index_], components, self.cluster, held)
            summary = SetupSummary.of(setups[setup_id])
            rows.append(MatchRow(papers[paper_id], score, summary, reasons, components))
        rows.extend(MatchRow(papers[pk]) for pk in without if pk in papers)
        return rows


def match_papers(params: Mapping[str, str]) -> Ranking:
    """Public papers ranked against the cluster `params` describe (InvalidQuery for a bad description)."""
    lookup = GpuLookup()
    cluster = parse_cluster(params, lookup)
    return Ranking(cluster, setup_facts(lookup.types))
