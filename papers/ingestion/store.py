"""Records into the catalogue: validate each, find its paper, merge into it or create one, write in bulk.

Every record gets one outcome: created, updated, unchanged, duplicate (the same work as a paper
already stored or created earlier in the run, merged into it) or failed.
"""

import re

from django.core.exceptions import ValidationError

from papers.ingestion import merge as merging
from papers.ingestion.matching import Index, Pending, normalize_title
from papers.ingestion.records import EntryOutcome, PaperRecord, join_notes
from papers.ingestion.writing import serialize_imports, write
from papers.models import Author, IngestRun, Paper, Source

Outcome = IngestRun.Outcome
_STOP_WORDS = frozenset(
    ["a", "an", "the", "on", "of", "for", "in", "and", "to", "towards", "toward", "with", "via", "from", "by", "at"]
)
_PAPER_FIELDS = {field.name: field for field in Paper._meta.fields}
_CONCRETE = Paper._meta.concrete_fields
_MERGED_FIELDS = [field.attname for field in _CONCRETE]
_POSITION = {field.attname: n for n, field in enumerate(_CONCRETE)}
_FAMILY_MAX = Author._meta.get_field("family_name").max_length
_GIVEN_MAX = Author._meta.get_field("given_name").max_length


def ingest_records(records: list[PaperRecord], *, status: str) -> list[EntryOutcome]:
    """Match each record against stored papers and the run's earlier records, merge or create; write in bulk.

    New papers get `status` (public for curated additions, candidate for the watch). Papers a curator
    rejected are left alone. Call inside a transaction.
    """
    serialize_imports()
    index = Index(records)
    outcomes: list[EntryOutcome] = []
    touched: dict[int, Pending] = {}  # id(pending) -> pending, in first-touched order
    for record in records:
        record = _validated(record)
        if isinstance(record, EntryOutcome):
            outcomes.append(record)
            continue
        pending, how = index.find(record)
        if pending is None:
            pending = _new_paper(record, index, status)
            touched[id(pending)] = pending
            key = pending.paper.citation_key
            taken = f"Stored as {key} (key {record.key} is taken)." if record.key and record.key != key else ""
            outcomes.append(_outcome(record, Outcome.CREATED, key, join_notes(taken, *record.notes)))
            continue
        paper = pending.paper
        if paper.status == Paper.Status.REJECTED:
            message = "A curator rejected this paper; left as it is."
            outcomes.append(EntryOutcome(record.label, Outcome.UNCHANGED, paper.citation_key, message, record.line))
            continue
        changes = merging.merge(snapshot(pending), record, index.owner_key)
        _apply(pending, changes, index)
        changed = changes.changed
        if status == Paper.Status.PUBLIC and paper.status == Paper.Status.CANDIDATE:
            # Added on purpose by a curator: a candidate the watch found becomes public (unsorted).
            paper.status = Paper.Status.PUBLIC
            pending.changed.add("status")
            changed.append("status")
        if pending.changed:
            touched[id(pending)] = pending
        identity = how == "arXiv id" if record.source == Source.ARXIV else paper.citation_key == record.key
        if identity:
            outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
            message = f"Changed: {', '.join(changed)}." if changed else ""
        else:
            outcome = Outcome.DUPLICATE
            merged = f"merged: {', '.join(changed)}." if changed else "nothing new."
            message = f"Same work as {paper.citation_key} (matched by {how}); {merged}"
        message = join_notes(message, *changes.notes, *record.notes)
        outcomes.append(_outcome(record, outcome, paper.citation_key, message))
    write(list(touched.values()))
    return outcomes


def snapshot(pending: Pending) -> merging.StoredPaper:
    """What merging needs of the paper, as plain values."""
    paper = pending.paper
    return merging.StoredPaper(
        citation_key=paper.citation_key,
        values={name: getattr(paper, name) for name in _MERGED_FIELDS},
        sources=dict(paper.field_sources),
        authors=tuple(pending.authors),
        stored=paper.pk is not None,
    )


def _apply(pending: Pending, changes: merging.Changes, index: Index) -> None:
    paper = pending.paper
    for name, value in changes.fields.items():
        setattr(paper, name, value)
    paper.field_sources.update(changes.sources)
    if changes.authors is not None:
        pending.authors = changes.authors
        pending.authors_changed = True
    if changes.flags:
        paper.needs_review = True
        paper.review_reason = join_notes(paper.review_reason, *changes.flags)
        pending.changed.update(["needs_review", "review_reason"])
    if changes:
        pending.changed.update([*changes.fields, *(["authors"] if changes.authors is not None else [])])
        pending.changed.add("field_sources")
    if {"doi", "arxiv_id"} & changes.fields.keys():
        index.add(pending)  # found by its new identifiers from now on


def _outcome(record: PaperRecord, outcome: str, paper: str, message: str) -> EntryOutcome:
    return EntryOutcome(record.label, outcome, paper, message, record.line, record.fields.get("arxiv_id"))


def _validated(record: PaperRecord) -> PaperRecord | EntryOutcome:
    """Drop values the model would reject (with a note); a record without a valid title fails."""
    named = [author for author in record.authors if author.family]
    if len(named) < len(record.authors):  # "{}", "~", "\\relax": markup that decodes to no name
        record.notes.append("An author name with nothing in it was left out.")
        record.authors = named
    unique_authors = list(dict.fromkeys(record.authors))
    if len(unique_authors) < len(record.authors):  # one author per slot: a repeated name counts once
        record.notes.append("A repeated author name was kept once.")
        record.authors = unique_authors
    for author in record.authors:
        if len(author.family) > _FAMILY_MAX or len(author.given) > _GIVEN_MAX:
            message = f"Author name too long ({author.display[:60]!r}…): a malformed author field?"
            return EntryOutcome(record.label, Outcome.FAILED, message=message, line=record.line)
    errors = {}
    for name, value in record.fields.items():
        # Field-level checks only (length, choices, URL syntax...), without building a model instance.
        try:
            _PAPER_FIELDS[name].clean(value, None)
        except ValidationError as exc:
            errors[name] = exc.messages
    if not errors:
        return record
    if "title" in errors:
        message = f"Title: {' '.join(errors['title'])}"
        return EntryOutcome(record.label, Outcome.FAILED, message=message, line=record.line)
    fields = dict(record.fields)
    notes = list(record.notes)
    for name, messages in errors.items():
        notes.append(f"Ignored {name} {str(fields.pop(name, ''))[:80]!r}: {' '.join(messages)}")
    return PaperRecord(
        label=record.label,
        source=record.source,
        fields=fields,
        authors=record.authors,
        is_preprint=record.is_preprint,
        key=record.key,
        line=record.line,
        notes=notes,
    )


def _new_paper(record: PaperRecord, index: Index, status: str) -> Pending:
    fields = dict(record.fields)
    for name in ("doi", "arxiv_id"):  # already another paper's (the index found no match through it)
        if fields.get(name) and index.owner(name, fields[name]):
            fields.pop(name)
    # Positional values, as Django builds instances from rows: a third of the cost of keywords.
    values = [field.get_default() for field in _CONCRETE]
    for name, value in {**fields, "citation_key": _citation_key(record, index), "status": status}.items():
        values[_POSITION[name]] = value
    paper = Paper(*values)
    paper.field_sources = {name: record.source for name in fields}
    if record.authors:
        paper.field_sources["authors"] = record.source
    pending = Pending(paper, list(record.authors), is_new=True)
    index.add(pending)
    return pending


def _citation_key(record: PaperRecord, index: Index) -> str:
    """The source's key when it is a free slug, else family name + year + first title word (park2020hetpipe)."""
    if record.key and not index.key_taken(record.key):
        return record.key
    family = record.authors[0].family if record.authors else "anon"
    words = [w for w in normalize_title(str(record.fields["title"])).split() if w not in _STOP_WORDS]
    year = record.fields.get("year") or ""
    base = (re.sub(r"[^a-z]", "", normalize_title(family).replace(" ", "")) or "anon") + f"{year}"
    base = (base + (words[0] if words else ""))[:74]
    key, n = base, 0
    while index.key_taken(key):
        n += 1
        key = base + (chr(ord("a") + n - 1) if n <= 26 else str(n))
    return key
