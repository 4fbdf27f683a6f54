"""Finding the paper a record describes: among the stored papers and those created earlier in the run.

A record matches by arXiv id or DOI, then by citation key (when it is the same work), by normalised
title and year, and by first author + system name + year ("Helix: ..." retitled when published).
Only the stored papers an input could match are read, through indexed columns (identifiers, citation
key, Paper.normalized_title), never every paper of the catalogue.
"""

from collections.abc import Iterable
from functools import lru_cache

from django.db import connection
from django.db.models.functions import Lower

from papers import identifiers
from papers.ingestion.records import PaperRecord
from papers.models import Authorship, Paper, Source
from papers.names import PersonName

PREPRINT_TYPES = (Paper.EntryType.MISC, Paper.EntryType.UNPUBLISHED)
CHUNK = 2000  # values per IN (...) query: stays under SQLite's bound-parameter limit
# A run normalises the same titles and names several times (index, matching, keys): each once.
title_key = lru_cache(maxsize=100_000)(identifiers.title_key)
normalize_title = lru_cache(maxsize=100_000)(identifiers.normalize_title)


class Pending:
    """A paper this run may create or change, with the author list it will have."""

    def __init__(self, paper: Paper, authors: list[PersonName], is_new: bool):
        self.paper = paper
        self.authors = authors
        self.is_new = is_new
        self.changed: set[str] = set()
        self.authors_changed = False


class Index:
    """The stored papers the records could match (by DOI, arXiv id, citation key, title), plus the run's."""

    def __init__(self, records: list[PaperRecord]):
        dois = {str(r.fields["doi"]).lower() for r in records if r.fields.get("doi")}
        arxiv_ids = {r.fields["arxiv_id"] for r in records if r.fields.get("arxiv_id")}
        self._asked_keys = {r.key for r in records if r.key}
        titles = {title_key(str(r.fields["title"])) for r in records}
        pks = _pks("doi", dois)
        pks |= _pks("arxiv_id", arxiv_ids)
        pks |= _pks("citation_key", self._asked_keys)
        pks |= _pks("normalized_title", titles)
        pks |= _pks("normalized_arxiv_title", titles - {""})
        self._all_keys: set[str] | None = None
        self.by_doi: dict[str, Pending] = {}
        self.by_arxiv: dict[str, Pending] = {}
        self.by_key: dict[str, Pending] = {}
        self.by_title: dict[str, list[Pending]] = {}
        self.by_head: dict[tuple[str, str], list[Pending]] = {}
        for chunk in chunks(pks):
            # Author names as plain rows: model instances for every authorship cost ~10x more.
            authors: dict[int, list[PersonName]] = {}
            rows = Authorship.objects.filter(paper_id__in=chunk).order_by("paper_id", "position")
            for paper_id, family, given in rows.values_list("paper_id", "author__family_name", "author__given_name"):
                authors.setdefault(paper_id, []).append(PersonName(family, given))
            for paper in Paper.objects.filter(pk__in=chunk):
                self.add(Pending(paper, authors.get(paper.pk, []), is_new=False))

    def add(self, pending: Pending) -> None:
        """Register `pending` (again, after its identifiers changed)."""
        paper = pending.paper
        if paper.doi:
            self.by_doi.setdefault(paper.doi.lower(), pending)
        if paper.arxiv_id:
            self.by_arxiv.setdefault(paper.arxiv_id, pending)
        self.by_key.setdefault(paper.citation_key, pending)
        if self._all_keys is not None:
            self._all_keys.add(paper.citation_key)
        for title in {paper.title, paper.arxiv_title} - {""}:
            matches = self.by_title.setdefault(title_key(title), [])
            if pending not in matches:
                matches.append(pending)
        head = title_head(paper.title, pending.authors)
        if head and pending not in self.by_head.setdefault(head, []):
            self.by_head[head].append(pending)

    def key_taken(self, key: str) -> bool:
        if key in self.by_key:
            return True
        if key in self._asked_keys:
            return False  # the database was asked for the records' own keys: this one is free
        if self._all_keys is None:
            # A key made up for a new paper: every stored key, read once (a short indexed column).
            self._all_keys = set(Paper.objects.values_list("citation_key", flat=True)) | self.by_key.keys()
        return key in self._all_keys

    def find(self, record: PaperRecord) -> tuple[Pending | None, str]:
        """The paper `record` describes and how it was found ("arXiv id", "DOI", ...), or (None, "")."""
        fields = record.fields
        by_doi = self.by_doi.get(str(fields.get("doi")).lower()) if fields.get("doi") else None
        by_arxiv = self.by_arxiv.get(fields.get("arxiv_id"))
        # A record is first of all the paper its own source names it by.
        if by_arxiv and (record.source == Source.ARXIV or not by_doi):
            return by_arxiv, "arXiv id"
        if by_doi:
            return by_doi, "DOI"
        title = title_key(str(fields["title"]))
        year = fields.get("year")
        same_key = self.by_key.get(record.key) if record.key else None
        if same_key and _same_work(same_key, record, title):
            return same_key, "citation key"
        # A preprint often precedes its published version by a year: allow one year either way.
        for pending in self.by_title.get(title, []):
            if _close_years(pending.paper.year, year):
                return pending, "title and year"
        # Published versions are often retitled, but keep the system's name and the first author:
        # "Helix: Distributed Serving ..." (arXiv 2024) is "Helix: Serving ..." (ASPLOS 2025).
        head = title_head(str(fields["title"]), record.authors)
        for pending in self.by_head.get(head, []) if head else []:
            paper_is_preprint = pending.paper.entry_type in PREPRINT_TYPES
            if record.is_preprint != paper_is_preprint and _close_years(pending.paper.year, year):
                return pending, "first author, system name and year"
        return None, ""

    def owner(self, name: str, value) -> Pending | None:
        """The paper holding identifier `name` = `value`, if any."""
        if name == "doi":
            return self.by_doi.get(str(value).lower())
        if name == "arxiv_id":
            return self.by_arxiv.get(value)
        return None

    def owner_key(self, name: str, value) -> str | None:
        owner = self.owner(name, value)
        return owner.paper.citation_key if owner else None


def _close_years(a: int | None, b: int | None) -> bool:
    return a is None or b is None or abs(a - b) <= 1


def first_family(authors: list[PersonName]) -> str:
    return normalize_title(authors[0].family) if authors else ""


def _same_work(pending: Pending, record: PaperRecord, title: str) -> bool:
    """Whether the paper holding the record's citation key is the record's paper (a curator may retitle it)."""
    paper = pending.paper
    if title in {title_key(paper.title), title_key(paper.arxiv_title)}:
        return True
    if any(record.fields.get(name) and record.fields[name] == getattr(paper, name) for name in ("doi", "arxiv_id")):
        return True
    same_author = first_family(record.authors) == first_family(pending.authors) != ""
    return same_author and record.fields.get("year") == paper.year


def title_head(title: str, authors: list[PersonName]) -> tuple[str, str] | None:
    """(first author, the name before the colon) for titles like "Helix: ..."; None for other titles."""
    head, colon, _ = title.partition(":")
    head = normalize_title(head)
    if not colon or not authors or not head or len(head.split()) > 3:
        return None
    return first_family(authors), head


# What stored papers are looked up by: each column's PostgreSQL condition (matching its index), and
# the ORM's (annotation, lookup) elsewhere.
_LOOKUPS = {
    "doi": ("lower(doi) = ANY(%s)", Lower("doi"), "doi_ci"),
    "arxiv_id": ("arxiv_id = ANY(%s)", None, "arxiv_id"),
    "citation_key": ("citation_key = ANY(%s)", None, "citation_key"),
    "normalized_title": ("normalized_title = ANY(%s)", None, "normalized_title"),
    "normalized_arxiv_title": (
        "normalized_arxiv_title = ANY(%s) AND normalized_arxiv_title <> ''",
        None,
        "normalized_arxiv_title",
    ),
}


def _pks(column: str, values: set) -> set[int]:
    """Ids of the papers whose `column` is one of `values` (through the column's index)."""
    if not values:
        return set()
    condition, expression, name = _LOOKUPS[column]
    if connection.vendor == "postgresql":
        # One array parameter instead of thousands of placeholders: far cheaper to build and to plan.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM papers_paper WHERE {condition}", [list(values)])
            return {pk for (pk,) in cursor.fetchall()}
    papers = Paper.objects.annotate(**{name: expression}) if expression is not None else Paper.objects.all()
    pks = set()
    for chunk in chunks(values):
        pks |= set(papers.filter(**{f"{name}__in": chunk}).values_list("pk", flat=True))
    return pks


def chunks(values: Iterable, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]
