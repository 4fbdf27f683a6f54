"""Match my cluster: public papers ranked by how close their evaluated setups are to a described cluster
(GET /api/match/ and the /match/ page read the same parameters through parse_cluster).

A setup's score is a weighted mean of components in [0, 1] (the weights of those asked for add up to 1):
gpu_types 0.35, the share of your GPUs whose family (A100 for A100-80GB) the setup has; vendors 0.10, in
common / in either; scale 0.20, 1 - min(1, |log2(its GPUs) - log2(yours)| / 4); compute_ratio 0.10, the same
on fastest / slowest peak FP16 TFLOPS (1 for one speed) over 2; interconnect 0.15 when asked, its links name
that class; workload 0.10 when asked, the paper's terms ("both" matches either; asking both, one gets half).
A missing fact scores 0 and is never a reason. A paper scores as its best setup; ties go to the newer paper,
then the title; papers without a setup come last, never dropped.

Lean at 100,000 papers: the setups' facts come from taxonomy.matching_facts as plain tuples, each distinct
part scored once; only the page's papers become model instances.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from operator import add

from django.db.models import Prefetch

from papers.models import Paper
from taxonomy.clusters import INTERCONNECTS, GpuLookup, SetupSummary, UnknownGpus, gpu_family
from taxonomy.listing import InvalidQuery
from taxonomy.matching_facts import NEWEST_FIRST, WORKLOAD_DIMENSION, SetupFacts, Signature, has_setup, setup_facts
from taxonomy.models import Dimension, Setup, SetupGpu
from taxonomy.selectors import papers_for_listing, resolve_terms

MAX_ROWS = 32
MAX_COUNT = 100_000
MAX_SPEC_CHARS = 1_000  # 32 rows of long names; short enough for any server's request line
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
        gpus = [asdict(row) for row in self.rows]
        return {**asdict(self), "gpus": gpus, "total_gpus": self.total_gpus, "vendors": sorted(self.vendors)}


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
    pieces = [piece for piece in raw.split(",") if piece.strip()]
    if not pieces or len(raw) > MAX_SPEC_CHARS or len(pieces) > MAX_ROWS:
        errors["gpus"] = [
            "Describe your GPUs as NAME:COUNT pairs, comma-separated, e.g. gpus=A100:8,V100:16."
            if not pieces
            else f"At most {MAX_SPEC_CHARS} characters."
            if len(raw) > MAX_SPEC_CHARS
            else f"At most {MAX_ROWS} GPU types, not {len(pieces)}."
        ]
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
        merged.setdefault(lookup.key(name), [name, 0, lookup.matching(name)])[1] += count
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


# --- Scoring ------------------------------------------------------------------------------------------------


COMPONENTS = ("gpu_types", "vendors", "scale", "compute_ratio", "interconnect")


def _closeness(log_a: float | None, log_b: float | None, span: float) -> float:
    return 0.0 if log_a is None or log_b is None else max(0.0, 1.0 - abs(log_a - log_b) / span)


def _yours(cluster: Cluster) -> tuple:
    """What scoring needs of the cluster, worked out once per request."""
    ratio = math.log2(cluster.compute_ratio) if cluster.compute_ratio else None
    families = [(GpuLookup.key(row.family), row.count) for row in cluster.rows]
    return families, cluster.total_gpus, cluster.vendors, math.log2(cluster.total_gpus), ratio, cluster.interconnect


def _gpu_part(part: tuple, yours: tuple) -> tuple[float, float]:
    (fams, vendors), (families, total, vendors_yours, *_rest) = part, yours
    shared = sum([count for key, count in families if key in fams]) / total
    return shared, len(vendors_yours & vendors) / len(vendors_yours | vendors) if vendors else 0.0


def _score(signature: Signature, yours: tuple) -> tuple[float, ...]:
    """The components of one setup, in COMPONENTS order."""
    *_gpus, total_yours, ratio_yours, asked = yours
    return (
        *_gpu_part((signature.families, signature.vendors), yours),
        _closeness(signature.total_log, total_yours, SCALE_SPAN),
        _closeness(signature.ratio_log, ratio_yours, RATIO_SPAN),
        1.0 if asked and asked in signature.classes else 0.0,
    )


def score_signature(signature: Signature, cluster: Cluster) -> dict[str, float]:
    """The components of one setup against the cluster (workload is the paper's, see score_workload)."""
    components = dict(zip(COMPONENTS, _score(signature, _yours(cluster)), strict=True))
    if not cluster.interconnect:
        del components["interconnect"]
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
        # Each distinct part once, then each signature's sum in millionths: integers add exactly, so equal
        # scores tie and keep newest-first order. The same formulas as _score, by part.
        yours = _yours(cluster)
        w_gpu, w_vendor, w_scale, w_ratio, w_link = (WEIGHTS[name] * 1e6 for name in COMPONENTS)
        gpu = [w_gpu * shared + w_vendor * vendor for shared, vendor in (_gpu_part(p, yours) for p in facts.gpu_parts)]
        scale = [w_scale * _closeness(log, yours[3], SCALE_SPAN) for log in facts.scale_parts]
        ratio = [w_ratio * _closeness(log, yours[4], RATIO_SPAN) for log in facts.ratio_parts]
        link = [w_link if cluster.interconnect in classes else 0.0 for classes in facts.link_parts]
        sums = [int(gpu[g] + scale[s] + ratio[r] + link[i] + 0.5) for g, s, r, i in facts.signature_parts]
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
            rest = Paper.objects.public().filter(~has_setup()).order_by(*NEWEST_FIRST)
            without = list(rest.values_list("pk", flat=True)[rest_start:rest_stop])
        papers = papers_for_listing().in_bulk([item[1] for item in matched] + without)
        gpus = Prefetch("gpus", queryset=SetupGpu.objects.select_related("gpu_type"))
        setups = Setup.objects.prefetch_related(gpus).in_bulk([item[2] for item in matched]) if matched else {}
        rows = []
        for score, paper_id, setup_id, index_ in matched:
            if paper_id not in papers or setup_id not in setups:
                continue  # changed since the facts were read (kept up to FACET_CACHE_SECONDS)
            components = score_signature(self.facts.signatures[index_], self.cluster)
            held = self.facts.workloads.get(paper_id, frozenset())
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
