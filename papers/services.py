"""Writes on papers: creating and editing them, and the curators' decisions on ingested ones.

Views, admin, commands, tasks and the catalogue loader call these.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from papers.models import Author, Authorship, Paper, Source
from papers.names import PersonName
from papers.signals import announce_catalogue_change


def get_or_create_authors(names: Iterable[PersonName]) -> list[Author]:
    """Authors for `names`, in order, creating the missing ones (two queries at most plus inserts)."""
    names = list(names)
    wanted = {(n.family, n.given) for n in names}
    existing = _authors_named(wanted, {f for f, _ in wanted})
    missing = [Author(family_name=f, given_name=g) for f, g in wanted - existing.keys()]
    if missing:
        # ignore_conflicts: a concurrent import may have created the same author meanwhile.
        Author.objects.bulk_create(missing, ignore_conflicts=True, batch_size=1000)
        for key, author in _authors_named(wanted, {a.family_name for a in missing}).items():
            existing.setdefault(key, author)
    return [existing[(n.family, n.given)] for n in names]


def _authors_named(wanted: set[tuple[str, str]], families: set[str], chunk: int = 2000) -> dict:
    """Existing authors among `wanted`, looked up by family name in chunks (SQLite bounds IN lists)."""
    families = sorted(families)
    found = {}
    for start in range(0, len(families), chunk):
        for author in Author.objects.filter(family_name__in=families[start : start + chunk]):
            if (author.family_name, author.given_name) in wanted:
                found[(author.family_name, author.given_name)] = author
    return found


@transaction.atomic
def set_authors(paper: Paper, names: Iterable[PersonName]) -> None:
    """Replace the paper's ordered author list."""
    authors = get_or_create_authors(names)
    paper.authorships.all().delete()
    Authorship.objects.bulk_create(
        Authorship(paper=paper, author=author, position=position) for position, author in enumerate(authors, 1)
    )


@transaction.atomic
def create_paper(*, citation_key: str, fields: dict, authors: Iterable[PersonName], source: Source) -> Paper:
    """Create a paper with its ordered authors, recording `source` for every field given.

    Paper.save derives the normalised title keys, so papers created here are found by imports."""
    paper = Paper(citation_key=citation_key, **fields)
    paper.field_sources = {name: source.value for name, value in fields.items() if value not in ("", None)}
    paper.full_clean()
    paper.save()
    set_authors(paper, authors)
    return paper


@transaction.atomic
def update_paper(*, paper: Paper, fields: dict, authors: Iterable[PersonName] | None, source: Source) -> Paper:
    """Change fields (and optionally the ordered authors) of a paper, recording `source` for each."""
    for name, value in fields.items():
        setattr(paper, name, value)
        paper.field_sources[name] = source.value
    if authors is not None:
        paper.field_sources["authors"] = source.value
    paper.full_clean()
    paper.save()
    if authors is not None:
        set_authors(paper, authors)
    return paper


def refresh_from_arxiv(papers: Iterable[Paper]) -> list[str]:
    """The arXiv ids of `papers` to refresh (papers without one are skipped)."""
    return [paper.arxiv_id for paper in papers if paper.arxiv_id]


# QuerySet.update() sends no model signals: these tell the response cache themselves.
def accept_candidates(papers) -> int:
    """Make candidates public (placing them in categories is the taxonomy's part, done by the caller)."""
    announce_catalogue_change()
    return papers.filter(status=Paper.Status.CANDIDATE).update(status=Paper.Status.PUBLIC, updated_at=timezone.now())


def reject_candidates(papers) -> int:
    """Rejected candidates stay stored, hidden, so that the watch never proposes them again."""
    announce_catalogue_change()
    return papers.filter(status=Paper.Status.CANDIDATE).update(status=Paper.Status.REJECTED, updated_at=timezone.now())


def clear_review_flags(papers) -> int:
    announce_catalogue_change()
    return papers.filter(needs_review=True).update(needs_review=False, review_reason="", updated_at=timezone.now())
