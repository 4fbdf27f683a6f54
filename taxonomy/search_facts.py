"""What the taxonomy knows of a paper, as words for the search index (Paper.search_facts).

Search finds a paper by its curated facts too: the categories it sits in (name, problem, description), its
placement notes, its comparison values (free text and term names, with their families), the GPU types it was
evaluated on (with the model a memory variant belongs to), the models it ran, its baselines and what its
results were measured against. PostgreSQL weighs these words below the title and authors (the vector's
weight C, beside the abstract); the SQLite search reads the same column.

Kept current on every write path: a save or delete of any of these rows refreshes its paper (signals wired in
TaxonomyConfig.ready); renaming a category, term or GPU type refreshes the papers that use it; the bulk
writers (catalogue loader, backup restore) refresh the papers they wrote.
"""

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Q

from papers.models import Paper
from taxonomy.clusters import gpu_family
from taxonomy.models import Baseline, DimensionValue, EvaluatedModel, Placement, Result, SetupGpu

BATCH = 1000
# Inside refreshing_once(): the papers whose facts changed, refreshed together at the end.
_pending: ContextVar[set | None] = ContextVar("search_facts_pending", default=None)


def facts_text(paper_ids: Iterable[int]) -> dict[int, str]:
    """Each paper's facts as one text (six queries per batch of papers, whatever their number of facts)."""
    ids = list(paper_ids)
    words: dict[int, list[str]] = defaultdict(list)
    placements = Placement.objects.filter(paper_id__in=ids).values_list(
        "paper_id", "note", "category__name", "category__problem", "category__description"
    )
    for paper_id, *texts in placements:
        words[paper_id].extend(texts)
    values = DimensionValue.objects.filter(paper_id__in=ids).values_list(
        "paper_id", "text", "term__name", "term__parent__name"
    )
    for paper_id, *texts in values:
        words[paper_id].extend(text or "" for text in texts)
    gpus = SetupGpu.objects.filter(setup__paper_id__in=ids)
    for paper_id, name, text in gpus.values_list("setup__paper_id", "gpu_type__name", "type_text"):
        words[paper_id].extend([text, name or "", gpu_family(name) if name else ""])
    for model, field in ((EvaluatedModel, "name"), (Baseline, "name"), (Result, "versus")):
        for paper_id, text in model.objects.filter(paper_id__in=ids).values_list("paper_id", field):
            words[paper_id].append(text)
    return {pk: _joined(words.get(pk, [])) for pk in ids}


def _joined(texts: list[str]) -> str:
    seen: dict[str, None] = {}
    for text in texts:
        text = " ".join((text or "").split())
        if text:
            seen.setdefault(text, None)  # each distinct text once, in the order met
    return "\n".join(seen)


def refresh_search_facts(paper_ids: Iterable[int]) -> int:
    """Rewrite the search facts of these papers where they changed; how many changed. The PostgreSQL trigger
    on papers_paper.search_facts rebuilds their search vectors."""
    ids = sorted(set(paper_ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        texts = facts_text(batch)
        stale = [
            Paper(pk=pk, search_facts=texts[pk])
            for pk, current in Paper.objects.filter(pk__in=batch).values_list("pk", "search_facts")
            if current != texts[pk]
        ]
        Paper.objects.bulk_update(stale, ["search_facts"])
        changed += len(stale)
    return changed


def refresh_all_search_facts() -> int:
    return refresh_search_facts(Paper.objects.values_list("pk", flat=True))


def papers_using(*, category_id=None, term_id=None, gpu_type_id=None) -> list[int]:
    """Papers whose facts name this category, term or GPU type (to refresh after a rename)."""
    if category_id is not None:
        return list(Placement.objects.filter(category_id=category_id).values_list("paper_id", flat=True))
    if term_id is not None:
        used = Q(term_id=term_id) | Q(term__parent_id=term_id)
        return list(DimensionValue.objects.filter(used).values_list("paper_id", flat=True))
    return list(SetupGpu.objects.filter(gpu_type_id=gpu_type_id).values_list("setup__paper_id", flat=True))


@contextmanager
def refreshing_once():
    """For bulk writers: inside, a changed paper is only noted; each is refreshed once at the end."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        noted = _pending.get()
    finally:
        _pending.reset(token)
    refresh_search_facts(noted)


def papers_changed(paper_ids: Iterable[int]) -> None:
    """These papers' facts changed: refresh them now, or at the end of the refreshing_once() block."""
    pending = _pending.get()
    if pending is not None:
        pending.update(paper_ids)
    else:
        refresh_search_facts(paper_ids)


def connect_signals() -> None:
    """Every save or delete of a fact refreshes its paper (TaxonomyConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    from taxonomy.models import Category, GpuType, Setup, Term

    def of_paper(sender, instance, **kwargs):
        papers_changed([instance.paper_id])

    def of_gpu_row(sender, instance, **kwargs):
        # A row deleted with its setup: the setup's own delete refreshes the paper.
        papers_changed(Setup.objects.filter(pk=instance.setup_id).values_list("paper_id", flat=True))

    def renamed(key):
        def handler(sender, instance, created=False, **kwargs):
            if not created:
                papers_changed(papers_using(**{key: instance.pk}))

        return handler

    handlers = [(model, of_paper) for model in (Placement, DimensionValue, Setup, Result, Baseline, EvaluatedModel)]
    handlers.append((SetupGpu, of_gpu_row))
    for model, handler in handlers:
        for signal in (post_save, post_delete):
            signal.connect(handler, sender=model, dispatch_uid=f"search-facts-{model._meta.label}", weak=False)
    for model, key in ((Category, "category_id"), (Term, "term_id"), (GpuType, "gpu_type_id")):
        post_save.connect(renamed(key), sender=model, dispatch_uid=f"search-facts-{model._meta.label}", weak=False)
