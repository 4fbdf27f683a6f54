"""What a record changes in the paper it matched: a pure function, no database.

Merge rules, field by field (authors count as one field):
1. A field a curator edited (field_sources[field] == "curator") is never overwritten.
2. An empty field is filled.
3. A field whose value came from the same source is updated.
4. The published version wins: a preprint record (arXiv, or a BibTeX entry of the arXiv version) only
   fills the publication fields of a published paper, and a published record replaces the publication
   fields that came from arXiv. The preprint's title is kept as arxiv_title.
5. Anything else keeps its value.
An identifier that already belongs to another paper is never moved; the curator is told instead.
The arXiv version only goes up. An arXiv refresh of a stored paper flags it for review when arXiv
lists a newer version, a DOI or a journal reference (a published version exists).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from papers.ingestion.records import PaperRecord
from papers.models import Paper, Source
from papers.names import PersonName

PUBLICATION_FIELDS = frozenset(
    {"title", "entry_type", "venue", "venue_short", "year", "month", "volume", "number", "pages", "publisher", "url"}
    | {"authors"}
)
PREPRINT_TYPES = frozenset({Paper.EntryType.MISC, Paper.EntryType.UNPUBLISHED})
# (identifier field, value) -> citation key of the paper holding it, or None.
OwnerOf = Callable[[str, object], str | None]


@dataclass(frozen=True)
class StoredPaper:
    """What merging looks at in a paper: a stored one, or one created earlier in the same run."""

    citation_key: str
    values: Mapping[str, object]  # Paper field name -> current value
    sources: Mapping[str, str] = field(default_factory=dict)  # Paper.field_sources
    authors: Sequence[PersonName] = ()
    stored: bool = True  # saved before this run; False for a paper the run itself creates

    @property
    def is_preprint(self) -> bool:
        return self.values.get("entry_type") in PREPRINT_TYPES


@dataclass
class Changes:
    fields: dict[str, object] = field(default_factory=dict)  # field -> new value, in the record's order
    sources: dict[str, str] = field(default_factory=dict)  # field_sources entries to set ("authors" too)
    authors: list[PersonName] | None = None  # the new author list, when it changes
    flags: list[str] = field(default_factory=list)  # new reasons to flag the paper for review
    notes: list[str] = field(default_factory=list)  # for the curator: values not taken, and why

    def __bool__(self) -> bool:
        return bool(self.fields or self.authors is not None or self.flags)

    @property
    def changed(self) -> list[str]:
        """What a run's message lists: the fields, "authors", "flagged for review"."""
        authors = ["authors"] if self.authors is not None else []
        return [*self.fields, *authors, *(["flagged for review"] if self.flags else [])]


def _nobody(name: str, value) -> None:
    return None


def merge(stored: StoredPaper, record: PaperRecord, owner_of: OwnerOf = _nobody) -> Changes:
    """The changes `record` makes to `stored` under the merge rules (module docstring)."""
    changes = Changes()
    for name, value in record.fields.items():
        current = stored.values.get(name)
        if name == "arxiv_version":
            if value and value > (current or 0):
                changes.fields[name] = value
            continue
        if _same(name, current, value) or not may_set(name, current, stored.sources.get(name), record, stored):
            continue
        owner = owner_of(name, value) if name in ("doi", "arxiv_id") else None
        if owner is not None and owner != stored.citation_key:
            changes.notes.append(f"{name} {value} belongs to {owner}: merge the two by hand.")
            continue
        changes.fields[name] = value
        changes.sources[name] = record.source
    authors, current_authors = list(record.authors), list(stored.authors)
    if (
        authors
        and authors != current_authors
        and may_set("authors", current_authors, stored.sources.get("authors"), record, stored)
    ):
        changes.authors = authors
        changes.sources["authors"] = record.source
    review_reason = str(stored.values.get("review_reason") or "")
    changes.flags = [flag for flag in review_flags(stored, record, owner_of) if flag not in review_reason]
    return changes


def may_set(name: str, current, source: str | None, record: PaperRecord, stored: StoredPaper) -> bool:
    """Whether the record's value for `name` replaces `current`, whose value came from `source`."""
    if source == Source.CURATOR:
        return False
    if is_empty(current):
        return True
    if name in PUBLICATION_FIELDS:
        if record.is_preprint and not stored.is_preprint:
            return False
        if not record.is_preprint and source == Source.ARXIV:
            return True
    return source == record.source


def review_flags(stored: StoredPaper, record: PaperRecord, owner_of: OwnerOf = _nobody) -> list[str]:
    """What a curator should look at after an arXiv refresh: a newer version, a published version."""
    if record.source != Source.ARXIV or not stored.stored:
        return []
    flags = []
    version, seen = record.fields.get("arxiv_version"), stored.values.get("arxiv_version")
    if version and seen and version > seen:
        flags.append(f"arXiv v{version} is out (v{seen} seen before).")
    doi = record.fields.get("doi")
    if doi and not stored.values.get("doi"):
        owner = owner_of("doi", doi)
        where = f", which is {owner}" if owner and owner != stored.citation_key else ""
        flags.append(f"arXiv now lists DOI {doi}: a published version exists{where}.")
    journal_ref = record.fields.get("journal_ref")
    if journal_ref and not stored.values.get("journal_ref") and stored.is_preprint:
        flags.append(f"arXiv now lists a journal reference ({journal_ref}): a published version exists.")
    return flags


def is_empty(value) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, dict)) and not value)


def _same(name: str, current, value) -> bool:
    if name == "doi" and current and value:
        return str(current).lower() == str(value).lower()
    return current == value
