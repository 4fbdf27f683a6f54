"""Reads over the taxonomy that API, pages and admin share, and its recorded writes."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q

from lib.cache import catalogue_generation, get_or_compute
from papers.models import Paper
from papers.services import accept_candidates
from taxonomy.models import (
    Baseline,
    Category,
    ChangeRecord,
    DimensionValue,
    EvaluatedModel,
    Placement,
    Result,
    Setup,
    SetupGpu,
)


@dataclass
class CategoryNode:
    category: Category
    paper_count: int = 0  # public papers in this subtree, each once
    children: list["CategoryNode"] = field(default_factory=list)

    def category_ids(self) -> set[int]:
        """Ids of this node's category and of every category below it."""
        ids = {self.category.pk}
        for child in self.children:
            ids |= child.category_ids()
        return ids

    @property
    def paper_ids(self) -> set[int]:
        """Ids of the public papers in this subtree (one query; for charts over a few nodes)."""
        placed = Placement.objects.filter(category__in=self.category_ids(), paper__status=Paper.Status.PUBLIC)
        return set(placed.values_list("paper_id", flat=True))


def category_tree(papers=None, *, source: str | None = None) -> list[CategoryNode]:
    """The whole tree, each node counting the public papers (of `papers`, if given) in its subtree once.

    With `source` ("seed": the seed list's own placements) only those placements count, and categories
    that hold none of them are left out. Two queries whatever the size of the tree or the catalogue.
    """
    nodes = {category.pk: CategoryNode(category) for category in Category.objects.tree_order()}
    roots = []
    for node in nodes.values():  # tree order, so children stay sorted
        parent_id = node.category.parent_id
        (nodes[parent_id].children if parent_id else roots).append(node)
    if nodes:
        if papers is None and source is None and settings.FACET_CACHE_SECONDS:
            # The whole catalogue's counts (tree pages, admin): one aggregate over every placement,
            # shared for a short while or until a write commits.
            key = f"category-counts:{catalogue_generation()}:{','.join(map(str, nodes))}"
            counts = get_or_compute(key, lambda: _subtree_counts(nodes, None), settings.FACET_CACHE_SECONDS)
        else:
            counts = _subtree_counts(nodes, papers, source)
        for pk, node in nodes.items():
            node.paper_count = counts[f"c{pk}"]
    if source is not None:
        roots = _pruned(roots)
    return roots


def _pruned(nodes: list[CategoryNode]) -> list[CategoryNode]:
    kept = []
    for node in nodes:
        node.children = _pruned(node.children)
        if node.paper_count:
            kept.append(node)
    return kept


def _subtree_counts(nodes: dict[int, CategoryNode], papers, source: str | None = None) -> dict[str, int]:
    placements = Placement.objects.filter(paper__status=Paper.Status.PUBLIC)
    if papers is not None:
        placements = placements.filter(paper__in=papers)
    if source is not None:
        placements = placements.filter(source=source)
    return placements.aggregate(
        **{
            f"c{pk}": Count("paper", distinct=True, filter=Q(category__in=node.category_ids()))
            for pk, node in nodes.items()
        }
    )


def find_node(roots: list[CategoryNode], slug: str) -> CategoryNode | None:
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node.category.slug == slug:
            return node
        stack.extend(node.children)
    return None


# --- Writes with history --------------------------------------------------------------------------------------
# Every change of a placement, a comparison value or an evaluation fact goes through these, so it is recorded
# once, whichever door (API, admin) it came through.

Recorded = Placement | DimensionValue | Setup | SetupGpu | Result | Baseline | EvaluatedModel

_KINDS = {
    Placement: ChangeRecord.Kind.PLACEMENT,
    DimensionValue: ChangeRecord.Kind.VALUE,
    Setup: ChangeRecord.Kind.SETUP,
    SetupGpu: ChangeRecord.Kind.SETUP_GPU,
    Result: ChangeRecord.Kind.RESULT,
    Baseline: ChangeRecord.Kind.BASELINE,
    EvaluatedModel: ChangeRecord.Kind.MODEL,
}
# The models whose writes doors route through save_with_history / delete_with_history.
RECORDED_MODELS = tuple(_KINDS)


def _number(value) -> str | None:
    # "2.300" read back and "2.3" typed in are one value: an unchanged result records nothing.
    return None if value is None else f"{value.normalize():f}"


def _key(paper: Paper | None) -> str | None:
    return paper.citation_key if paper is not None else None


def _paper_of(instance: Recorded) -> Paper:
    return instance.setup.paper if isinstance(instance, SetupGpu) else instance.paper


def _snapshot(instance: Recorded) -> dict:
    paper = {"paper": _paper_of(instance).citation_key}
    if isinstance(instance, Placement):
        return {
            **paper,
            "category": instance.category.slug,
            "note": instance.note,
            "source": instance.source,
            "seed_position": instance.seed_position,
            "evidence": instance.evidence,
            "confirmed": instance.confirmed,
        }
    if isinstance(instance, DimensionValue):
        return {
            **paper,
            "dimension": instance.dimension.slug,
            "term": instance.term.slug if instance.term_id else None,
            "text": instance.text,
            "evidence": instance.evidence,
            "confirmed": instance.confirmed,
            "position": instance.position,
        }
    if isinstance(instance, Setup):
        fields = ["position", "nodes", "interconnect", "simulated", "evidence", "confirmed"]
        return {**paper, **{name: getattr(instance, name) for name in fields}}
    if isinstance(instance, SetupGpu):
        return {
            **paper,
            "setup": instance.setup_id,
            "gpu_type": instance.gpu_type.name if instance.gpu_type_id else None,
            **{name: getattr(instance, name) for name in ["type_text", "count", "confirmed", "position"]},
        }
    if isinstance(instance, Result):
        fields = ["position", "metric", "value_text", "unit", "kind", "versus", "setup_text", "evidence", "confirmed"]
        return {
            **paper,
            **{name: getattr(instance, name) for name in fields},
            "value": _number(instance.value),
            "value_max": _number(instance.value_max),
            "baseline_paper": _key(instance.baseline_paper),
        }
    if isinstance(instance, Baseline):
        return {
            **paper,
            "name": instance.name,
            "baseline_paper": _key(instance.baseline_paper),
            "position": instance.position,
            "confirmed": instance.confirmed,
        }
    return {**paper, "name": instance.name, "position": instance.position, "confirmed": instance.confirmed}


def _kind(instance: Recorded) -> str:
    return _KINDS[type(instance)]


def _record(*, user, instance: Recorded, action: str, before: dict | None, after: dict | None) -> ChangeRecord:
    user = user if user is not None and user.is_authenticated else None
    paper = _paper_of(instance)
    return ChangeRecord.objects.create(
        user=user,
        username=user.get_username() if user else "",
        paper=paper,
        citation_key=paper.citation_key,
        kind=_kind(instance),
        action=action,
        object_id=instance.pk,
        before=before,
        after=after,
    )


@transaction.atomic
def save_with_history(*, user, instance: Recorded) -> ChangeRecord | None:
    """Validate and save a recorded fact, recording before/after; None when nothing changed."""
    before = None
    if instance.pk:
        stored = type(instance).objects.filter(pk=instance.pk).first()
        before = _snapshot(stored) if stored else None
    instance.full_clean()
    after = _snapshot(instance)
    if before == after:
        return None
    instance.save()
    action = ChangeRecord.Action.UPDATED if before else ChangeRecord.Action.CREATED
    return _record(user=user, instance=instance, action=action, before=before, after=after)


@transaction.atomic
def delete_with_history(*, user, instance: Recorded) -> ChangeRecord:
    """Delete a recorded fact. A setup's GPU rows go first, each recorded, so the history shows what it took."""
    if isinstance(instance, Setup):
        for gpu in instance.gpus.select_related("gpu_type", "setup__paper"):
            delete_with_history(user=user, instance=gpu)
    before, object_id = _snapshot(instance), instance.pk
    instance.delete()
    instance.pk = object_id
    return _record(user=user, instance=instance, action=ChangeRecord.Action.DELETED, before=before, after=None)


@transaction.atomic
def delete_paper_with_history(*, user, paper: Paper) -> None:
    """Delete a paper. Its placements, values and evaluation facts go first, each recorded (a setup records its
    GPU rows), so the history shows what the paper took with it."""
    related = [
        *paper.placements.select_related("category"),
        *paper.dimension_values.all(),
        *paper.setups.all(),
        *paper.results.all(),
        *paper.baselines.all(),
        *paper.evaluated_models.all(),
    ]
    for instance in related:
        delete_with_history(user=user, instance=instance)
    paper.delete()


@transaction.atomic
def accept_candidates_into(papers, *, categories, note: str, user) -> int:
    """Place candidates in `categories` (each placement recorded as a change) and make them public; how many."""
    papers = list(papers)
    placed = set(Placement.objects.filter(paper__in=papers).values_list("paper_id", "category_id"))
    for paper in papers:
        for category in categories:
            if (paper.pk, category.pk) not in placed:
                save_with_history(user=user, instance=Placement(paper=paper, category=category, note=note))
    return accept_candidates(Paper.objects.filter(pk__in=[paper.pk for paper in papers]))
