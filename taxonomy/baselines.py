"""Who compared against whom: a paper's baselines, the papers that use it as one, how often each system is
a baseline, and the pairs of a category's papers that never compared against each other.

A paper "compares against" a catalogue paper when one of its Baselines, or one of its Results, is linked to
it (baseline_paper). Only public papers are shown on either side. Every function reads a fixed number of
queries whatever the size of the catalogue.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, prefetch_related_objects

from papers.models import Paper
from taxonomy.compare import MAX_PAPERS
from taxonomy.models import Baseline, Result

MIN_USES_MAX = 1000
UNCOMPARED_PAIRS_SHOWN = 30
# A later paper could have compared against an earlier one once it had been out this long.
MIN_YEARS_APART = 1

_SPACE_RE = re.compile(r"\s+")


def _public(paper: Paper | None) -> bool:
    return paper is not None and paper.status == Paper.Status.PUBLIC


@dataclass(frozen=True)
class PaperRef:
    citation_key: str
    title: str
    year: int | None


@dataclass(frozen=True)
class ComparedAgainst:
    name: str
    paper: Paper | None  # the catalogue paper it names, when that paper is public
    confirmed: bool


def compared_against(paper: Paper) -> list[ComparedAgainst]:
    """The paper's baselines in its own order, linked when they name a public catalogue paper.

    Reads `paper.baselines` (prefetched with baseline_paper by papers_for_detail: no query)."""
    return [
        ComparedAgainst(
            name=baseline.name,
            paper=baseline.baseline_paper if _public(baseline.baseline_paper) else None,
            confirmed=baseline.confirmed,
        )
        for baseline in paper.baselines.all()
    ]


def compared_by(paper: Paper) -> list[Paper]:
    """Public papers that use `paper` as a baseline (a Baseline or a Result linked to it), each once, newest
    first (one query)."""
    as_baseline = Baseline.objects.filter(paper=OuterRef("pk"), baseline_paper=paper)
    in_results = Result.objects.filter(paper=OuterRef("pk"), baseline_paper=paper)
    return list(
        Paper.objects.public()
        .filter(Q(Exists(as_baseline)) | Q(Exists(in_results)))
        .exclude(pk=paper.pk)
        .order_by("-year", "title")
    )


# --- How often each system is a baseline ---------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """The grouping key of an unlinked baseline: case folded, runs of white space as one space."""
    return _SPACE_RE.sub(" ", name).strip().casefold()


@dataclass
class BaselineUse:
    name: str  # the most common spelling among its uses
    paper: PaperRef | None  # the catalogue paper, when the uses are linked to a public one
    papers: list[PaperRef] = field(default_factory=list)  # the citing papers, newest first

    @property
    def count(self) -> int:
        return len(self.papers)


def baseline_usage(*, min_uses: int = 1, linked: bool | None = None) -> list[BaselineUse]:
    """Every system a public paper uses as a baseline, most used first (then by name), in two queries.

    Linked uses are grouped by catalogue paper, unlinked ones by normalise_name(); a group is labelled with
    its most common spelling (a linked one only used in results, with the paper's title). A Result linked to
    a catalogue paper counts as a use of it too (as in compared_by). `min_uses`: only systems used by at
    least that many papers; `linked`: only linked (True) or only unlinked (False) ones."""
    citing = ("paper__citation_key", "paper__title", "paper__year")
    target = ("baseline_paper_id", "baseline_paper__citation_key", "baseline_paper__title", "baseline_paper__year")
    public = {"paper__status": Paper.Status.PUBLIC}
    linked_public = Q(baseline_paper__status=Paper.Status.PUBLIC)
    uses = list(Baseline.objects.filter(**public).values("name", *citing, *target, "baseline_paper__status"))
    # A result's `versus` is often qualified ("Megatron-LM (homogeneous)"): it never labels a group.
    uses += [
        {**row, "name": "", "baseline_paper__status": Paper.Status.PUBLIC}
        for row in Result.objects.filter(linked_public, **public).values(*citing, *target)
    ]

    groups: dict[tuple, BaselineUse] = {}
    spellings: dict[tuple, Counter] = {}
    citing_keys: dict[tuple, set[str]] = {}
    for row in uses:
        if row["baseline_paper_id"] and row["baseline_paper__status"] == Paper.Status.PUBLIC:
            key = ("paper", row["baseline_paper_id"])
            ref = PaperRef(*(row[f"baseline_paper__{name}"] for name in ("citation_key", "title", "year")))
        else:
            key, ref = ("name", normalise_name(row["name"])), None
        group = groups.setdefault(key, BaselineUse(name="", paper=ref))
        spelling = _SPACE_RE.sub(" ", row["name"]).strip()
        spellings.setdefault(key, Counter())[spelling] += bool(spelling)
        if row["paper__citation_key"] not in citing_keys.setdefault(key, set()):
            citing_keys[key].add(row["paper__citation_key"])
            group.papers.append(PaperRef(row["paper__citation_key"], row["paper__title"], row["paper__year"]))

    found = []
    for key, group in groups.items():
        if group.count < min_uses or (linked is not None and (group.paper is not None) != linked):
            continue
        # The most common spelling; a tie goes to the shortest (the least qualified), then the first
        # alphabetically, so the label is stable.
        named = [item for item in spellings[key].items() if item[1]]
        best = min(named, key=lambda item: (-item[1], len(item[0]), item[0])) if named else None
        group.name = best[0] if best else group.paper.title
        group.papers.sort(key=lambda ref: (-(ref.year or 0), ref.title))
        found.append(group)
    found.sort(key=lambda group: (-group.count, group.name.casefold()))
    return found


# --- Pairs that never compared -------------------------------------------------------------------------------

UNCOMPARED_RULE = (
    f"Pairs of these papers that both record baselines, where the later one appeared at least {MIN_YEARS_APART} "
    "year after the earlier one, yet neither lists the other as a baseline."
)


@dataclass(frozen=True)
class UncomparedPair:
    earlier: Paper
    later: Paper

    @property
    def years_apart(self) -> int:
        return self.later.year - self.earlier.year


def _compared_with(paper: Paper) -> set[int]:
    links = {b.baseline_paper_id for b in paper.baselines.all()} | {r.baseline_paper_id for r in paper.results.all()}
    links.discard(None)
    return links


def uncompared_pairs(papers: list[Paper], *, limit: int = UNCOMPARED_PAIRS_SHOWN) -> tuple[list[UncomparedPair], int]:
    """(up to `limit` pairs of `papers` that plausibly should have compared but did not, how many in all).

    A pair counts when both papers record at least one baseline (both were evaluated against something), the
    later appeared MIN_YEARS_APART or more after the earlier, and neither links the other as a baseline or a
    result's baseline. Most recent later paper first, then the closest in time. Reads each paper's baselines
    and results, prefetching them when they are not already (two queries, none when they are)."""
    prefetch_related_objects(papers, "baselines", "results")
    evaluated = [p for p in papers if p.year is not None and p.baselines.all()]
    links = {paper.pk: _compared_with(paper) for paper in evaluated}
    pairs = [
        UncomparedPair(earlier=earlier, later=later)
        for later in evaluated
        for earlier in evaluated
        if later.year - earlier.year >= MIN_YEARS_APART
        and earlier.pk not in links[later.pk]
        and later.pk not in links[earlier.pk]
    ]
    pairs.sort(key=lambda pair: (-pair.later.year, pair.years_apart, pair.later.title, pair.earlier.title))
    return pairs[:limit], len(pairs)


def uncompared_pairs_in(category, *, limit: int = UNCOMPARED_PAIRS_SHOWN) -> tuple[list[UncomparedPair], int]:
    """uncompared_pairs() of the public papers in `category` and below, the same papers its page compares
    (the first MAX_PAPERS by year and title): three queries."""
    papers = Paper.objects.public().in_category(category).order_by("year", "title")
    return uncompared_pairs(list(papers[:MAX_PAPERS]), limit=limit)
