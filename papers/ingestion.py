"""Ingestion: fetch from arXiv, import BibTeX, run the arXiv watch. Tasks, admin, API and commands call these.

Every call is recorded as an IngestRun with one outcome per entry: created, updated, unchanged,
duplicate (same work as a paper already stored, found by DOI, arXiv id or title + year, and merged
into it) or failed. Records are matched and merged in memory, then written with bulk operations in
one transaction, so a run stores all of its results or none.

Merge rules, field by field (authors count as one field):
1. A field a curator edited (Paper.field_sources[field] == "curator") is never overwritten.
2. An empty field is filled.
3. A field whose value came from the same source is updated.
4. The published version wins: a preprint record (arXiv, or a BibTeX entry of the arXiv version) only
   fills the publication fields of a published paper, and a published record replaces the publication
   fields that came from arXiv. The preprint's title is kept as arxiv_title.
5. Anything else keeps its value.
An identifier that already belongs to another paper is never moved; the curator is told instead.
"""

import logging
import re
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from papers.identifiers import InvalidIdentifier, normalize_title, parse_arxiv_id
from papers.ingest import PaperRecord
from papers.ingest.arxiv import ArxivAPI, ArxivBadReply, ArxivUnavailable
from papers.ingest.bibtex import parse_bibtex
from papers.models import ArxivQuery, Author, Authorship, IngestRun, Paper, Source
from papers.names import PersonName
from papers.services import get_or_create_authors
from papers.signals import announce_catalogue_change

logger = logging.getLogger(__name__)

Outcome = IngestRun.Outcome
PUBLICATION_FIELDS = frozenset(
    {"title", "entry_type", "venue", "venue_short", "year", "month", "volume", "number", "pages", "publisher", "url"}
    | {"authors"}
)
_PREPRINT_TYPES = (Paper.EntryType.MISC, Paper.EntryType.UNPUBLISHED)
_EMPTY = (None, "", [], {})
_STOP_WORDS = frozenset(
    ["a", "an", "the", "on", "of", "for", "in", "and", "to", "towards", "toward", "with", "via", "from", "by", "at"]
)
# Titles are compared normalised many times per run (index, matching, keys): compute each once.
_norm = lru_cache(maxsize=100_000)(normalize_title)
_CHUNK = 2000  # identifiers per IN (...) query: stays under SQLite's bound-parameter limit


@lru_cache(maxsize=4)
def _api(api_url: str, delay_seconds: float, timeout: float, batch_size: int) -> ArxivAPI:
    return ArxivAPI(api_url=api_url, delay_seconds=delay_seconds, timeout=timeout, batch_size=batch_size)


def arxiv_api() -> ArxivAPI:
    """One client per process and configuration, so arXiv's pause holds across the runs of a worker."""
    return _api(
        settings.ARXIV_API_URL, settings.ARXIV_DELAY_SECONDS, settings.ARXIV_TIMEOUT_SECONDS, settings.ARXIV_BATCH_SIZE
    )


# --- runs ------------------------------------------------------------------------------------------------
# The owner of a run done by the process that created it (a command, a direct service call).
IN_PROCESS = "in-process"


def create_run(*, kind: str, input: str = "", input_name: str = "", user=None, owner: str = IN_PROCESS) -> IngestRun:
    """A new run, owned by `owner`: the task id that will do it, IN_PROCESS for the caller itself, or ""
    for a run to hand to the broker (papers.tasks.dispatch claims it; the recovery task sends every run
    left without an owner)."""
    return IngestRun.objects.create(
        kind=kind,
        input=input,
        input_name=input_name[:200],
        requested_by=user if user and user.pk else None,
        task_id=owner,
        enqueued_at=timezone.now() if owner else None,
    )


def _start(run: IngestRun) -> None:
    run.state = IngestRun.State.RUNNING
    run.started_at = run.started_at or timezone.now()
    run.attempts += 1
    run.next_attempt_at = None
    run.save(update_fields=["state", "started_at", "attempts", "next_attempt_at", "updated_at"])


def fail_run(run: IngestRun, error: str) -> None:
    run.state = IngestRun.State.FAILED
    run.error = error
    run.finished_at = timezone.now()
    run.next_attempt_at = None
    run.save(update_fields=["state", "error", "finished_at", "next_attempt_at", "updated_at"])
    logger.warning("%s failed: %s", run, error)


def runs_to_dispatch(*, stale_after: timedelta, max_restarts: int) -> list[IngestRun]:
    """The unfinished runs that no task will ever pick up, reset to "queued" for dispatch.

    - Runs submitted while the broker was away (never handed to it).
    - Runs whose task went quiet: running but untouched for `stale_after` (longer than a task may run),
      because their worker was killed. Each import writes in one transaction, so such a run left no
      half-written paper: it starts over. After `max_restarts` it is marked failed instead, so an input
      that kills workers stops.
    - Runs queued for 4 x `stale_after` without starting: their message was lost (a broker restarted
      without its data). Shorter would push back runs merely waiting behind a long queue.
    A run waiting for an arXiv retry is left alone until its retry is overdue by `stale_after` too.
    """
    now = timezone.now()
    cutoff = now - stale_after
    unfinished = IngestRun.objects.filter(state__in=[IngestRun.State.QUEUED, IngestRun.State.RUNNING])
    lost = Q(state=IngestRun.State.RUNNING, updated_at__lt=cutoff) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=cutoff)
    )
    lost_message = Q(state=IngestRun.State.QUEUED, updated_at__lt=now - 4 * stale_after) & ~Q(task_id="")
    quiet = unfinished.filter(lost | lost_message)
    quiet.filter(restarts__gte=max_restarts).update(
        state=IngestRun.State.FAILED,
        finished_at=now,
        updated_at=now,
        next_attempt_at=None,
        error=f"The worker stopped mid-run {max_restarts + 1} times; nothing of it was kept. Check the input, "
        "then run it again.",
    )
    quiet.update(
        state=IngestRun.State.QUEUED,
        enqueued_at=None,
        task_id="",
        next_attempt_at=None,
        updated_at=now,
        restarts=F("restarts") + 1,
    )
    return list(unfinished.filter(state=IngestRun.State.QUEUED, task_id="").order_by("pk"))


def note_retry(run: IngestRun, error: str, countdown: float) -> None:
    """A transient failure: the run waits `countdown` seconds for its next attempt (arXiv is in backoff)."""
    run.next_attempt_at = timezone.now() + timedelta(seconds=countdown)
    run.error = f"Attempt {run.attempts} failed: {error} Retrying in {countdown:g} s."
    run.save(update_fields=["next_attempt_at", "error", "updated_at"])
    logger.info("%s: %s", run, run.error)


def _finish(run: IngestRun, outcomes: list["EntryOutcome"]) -> None:
    for outcome in Outcome:
        setattr(run, f"{outcome.value}_count", sum(1 for o in outcomes if o.outcome == outcome))
    run.messages = [o.as_message() for o in outcomes]
    run.state = IngestRun.State.DONE
    run.error = ""
    run.finished_at = timezone.now()
    counts = [f"{outcome.value}_count" for outcome in Outcome]
    run.save(
        update_fields=[*counts, "messages", "state", "error", "finished_at", "updated_at"]
    )  # not the (large) input again
    logger.info("%s: %s", run, run.counts)


@contextmanager
def _recorded(run: IngestRun):
    """A run that breaks unexpectedly is marked failed (with the reason), never left "running"."""
    try:
        yield
    except ArxivUnavailable:
        raise  # transient: the task retries, and fails the run when it gives up
    except Exception as exc:
        fail_run(run, f"Unexpected error: {type(exc).__name__}: {exc}")
        raise


# --- the three ingestion services ---------------------------------------------------------------------------
def fetch_arxiv(*, ids: Sequence[str], run: IngestRun | None = None, api: ArxivAPI | None = None, user=None):
    """Fetch arXiv metadata for `ids` (any pasted form) in batches and store it (new papers are public).

    Raises ArxivUnavailable on transient failures (the run stays running: the caller retries or fails it).
    """
    run = run or create_run(kind=IngestRun.Kind.ARXIV_FETCH, input="\n".join(ids), user=user)
    _start(run)
    with _recorded(run):
        outcomes, wanted = [], {}
        for raw in ids:
            try:
                arxiv_id, _ = parse_arxiv_id(raw)
            except InvalidIdentifier as exc:
                outcomes.append(EntryOutcome(raw, Outcome.FAILED, message=str(exc)))
                continue
            wanted.setdefault(arxiv_id, raw)
        found = _call_arxiv(run, api, lambda client: client.fetch(wanted))
        if found is None:
            return run
        records = []
        for arxiv_id, raw in wanted.items():
            if arxiv_id in found:
                records.append(found[arxiv_id].record())
            else:
                outcomes.append(EntryOutcome(raw, Outcome.FAILED, message=f"arXiv has no paper {arxiv_id}."))
        with transaction.atomic():
            outcomes += ingest_records(records, status=Paper.Status.PUBLIC)
            order = {arxiv_id: n for n, arxiv_id in enumerate(wanted)}
            outcomes.sort(key=lambda o: order.get(o.entry, -1))
            _finish(run, outcomes)
    return run


def import_bibtex(*, text: str | None = None, run: IngestRun | None = None, input_name: str = "", user=None):
    """Import every entry of a .bib text; each entry gets its own outcome and one bad entry stops nothing."""
    if run is None:
        run = create_run(kind=IngestRun.Kind.BIBTEX_IMPORT, input=text or "", input_name=input_name, user=user)
    _start(run)
    with _recorded(run):
        parsed = parse_bibtex(run.input)
        if not parsed.records and not parsed.problems:
            fail_run(run, "No BibTeX entries found.")
            return run
        outcomes = [EntryOutcome(p.label, p.outcome, message=p.message, line=p.line) for p in parsed.problems]
        with transaction.atomic():
            outcomes += ingest_records(parsed.records, status=Paper.Status.PUBLIC)
            outcomes.sort(key=lambda o: o.line or 0)
            _finish(run, outcomes)
    return run


def watch_arxiv(*, run: IngestRun | None = None, api: ArxivAPI | None = None):
    """Run the saved arXiv queries; papers not seen before arrive as candidates for the curators.

    Papers a curator rejected are never proposed again.
    """
    queries = list(ArxivQuery.objects.filter(is_active=True))
    if run is None:
        run = create_run(kind=IngestRun.Kind.ARXIV_WATCH)
    run.input = "\n".join(q.query for q in queries)
    run.save(update_fields=["input", "updated_at"])
    _start(run)
    with _recorded(run):
        found = _call_arxiv(
            run, api, lambda client: [client.search(q.query, max_results=q.max_results) for q in queries]
        )
        if found is None:
            return run
        entries = {}
        for results in found:
            entries.update((entry.arxiv_id, entry) for entry in results)
        with transaction.atomic():
            outcomes = ingest_records([e.record() for e in entries.values()], status=Paper.Status.CANDIDATE)
            new_ids = {o.arxiv_id for o in outcomes if o.outcome == Outcome.CREATED}
            now = timezone.now()
            for query, results in zip(queries, found, strict=True):
                query.last_run_at = now
                query.last_run_new = sum(1 for entry in results if entry.arxiv_id in new_ids)
            ArxivQuery.objects.bulk_update(queries, ["last_run_at", "last_run_new"])
            _finish(run, outcomes)
    return run


def _call_arxiv(run: IngestRun, api: ArxivAPI | None, call):
    """Run `call(api)`, counting requests. A bad reply fails the run (None); nothing is stored then."""
    api = api or arxiv_api()
    before = api.requests_made
    try:
        return call(api)
    except ArxivBadReply as exc:
        fail_run(run, f"{exc} Nothing was stored.")
        return None
    finally:
        run.requests_made += api.requests_made - before
        run.save(update_fields=["requests_made", "updated_at"])


def refresh_from_arxiv(papers: Iterable[Paper]) -> list[str]:
    """The arXiv ids of `papers` to refresh (papers without one are skipped)."""
    return [paper.arxiv_id for paper in papers if paper.arxiv_id]


# --- curation ---------------------------------------------------------------------------------------------
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


@dataclass
class SourceHealth:
    kind: str
    label: str
    last_success: IngestRun | None
    recent_failures: list[IngestRun]


def ingestion_health(*, days: int = 7) -> dict:
    """Per source: last successful pull, recent failures; whether arXiv is in backoff; flagged papers."""
    now = timezone.now()
    sources = []
    for kind in IngestRun.Kind:
        runs = IngestRun.objects.filter(kind=kind)
        sources.append(
            SourceHealth(
                kind=kind.value,
                label=kind.label,
                last_success=runs.filter(state=IngestRun.State.DONE).order_by("-finished_at").first(),
                recent_failures=list(
                    runs.filter(state=IngestRun.State.FAILED, finished_at__gte=now - timedelta(days=days)).order_by(
                        "-finished_at"
                    )[:10]
                ),
            )
        )
    backoff = list(
        IngestRun.objects.filter(
            kind__in=[IngestRun.Kind.ARXIV_FETCH, IngestRun.Kind.ARXIV_WATCH],
            state=IngestRun.State.RUNNING,
            next_attempt_at__gt=now,
        ).order_by("next_attempt_at")
    )
    return {
        "sources": sources,
        "arxiv_backoff": backoff,
        "flagged": list(Paper.objects.flagged().order_by("-updated_at")[:100]),
        "flagged_count": Paper.objects.flagged().count(),
        "candidate_count": Paper.objects.candidates().count(),
        "days": days,
    }


# --- matching and merging ---------------------------------------------------------------------------------
@dataclass
class EntryOutcome:
    entry: str
    outcome: str
    paper: str = ""  # citation key of the paper it created or merged into
    message: str = ""
    line: int | None = None
    arxiv_id: str | None = None

    def as_message(self) -> dict:
        message = {"entry": self.entry, "outcome": str(self.outcome), "paper": self.paper, "message": self.message}
        if self.line is not None:
            message["line"] = self.line
        return message


class _Pending:
    """A paper this run creates or changes, with the author list it will have."""

    def __init__(self, paper: Paper, authors: list[PersonName], is_new: bool):
        self.paper = paper
        self.authors = authors
        self.is_new = is_new
        self.changed: set[str] = set()
        self.authors_changed = False


class _Index:
    """The stored papers an input could match (by DOI, arXiv id, citation key, title), plus this run's."""

    def __init__(self, records: list[PaperRecord]):
        dois = {str(r.fields["doi"]).lower() for r in records if r.fields.get("doi")}
        arxiv_ids = {r.fields["arxiv_id"] for r in records if r.fields.get("arxiv_id")}
        keys = {r.key for r in records if r.key}
        titles = {_norm(str(r.fields["title"])) for r in records}
        pks = set()
        for chunk in _chunks(dois):
            matches = Paper.objects.annotate(doi_ci=Lower("doi")).filter(doi_ci__in=chunk)
            pks |= set(matches.values_list("pk", flat=True))
        for chunk in _chunks(arxiv_ids):
            pks |= set(Paper.objects.filter(arxiv_id__in=chunk).values_list("pk", flat=True))
        for chunk in _chunks(keys):
            pks |= set(Paper.objects.filter(citation_key__in=chunk).values_list("pk", flat=True))
        self.taken_keys: set[str] = set()
        for pk, key, title, arxiv_title in Paper.objects.values_list("pk", "citation_key", "title", "arxiv_title"):
            self.taken_keys.add(key)
            if _norm(title) in titles or (arxiv_title and _norm(arxiv_title) in titles):
                pks.add(pk)
        self.by_doi: dict[str, _Pending] = {}
        self.by_arxiv: dict[str, _Pending] = {}
        self.by_key: dict[str, _Pending] = {}
        self.by_title: dict[str, list[_Pending]] = {}
        self.by_head: dict[tuple[str, str], list[_Pending]] = {}
        self.stored: dict[int, _Pending] = {}
        for chunk in _chunks(pks):
            for paper in Paper.objects.filter(pk__in=chunk).with_authors():
                authors = [PersonName(a.family_name, a.given_name) for a in paper.ordered_authors]
                pending = _Pending(paper, authors, is_new=False)
                self.stored[paper.pk] = pending
                self.add(pending)

    def add(self, pending: _Pending) -> None:
        paper = pending.paper
        if paper.doi:
            self.by_doi.setdefault(paper.doi.lower(), pending)
        if paper.arxiv_id:
            self.by_arxiv.setdefault(paper.arxiv_id, pending)
        self.by_key.setdefault(paper.citation_key, pending)
        self.taken_keys.add(paper.citation_key)
        for title in {paper.title, paper.arxiv_title} - {""}:
            matches = self.by_title.setdefault(_norm(title), [])
            if pending not in matches:
                matches.append(pending)
        head = _title_head_of(paper.title, pending.authors)
        if head and pending not in self.by_head.setdefault(head, []):
            self.by_head[head].append(pending)

    def find(self, record: PaperRecord) -> tuple[_Pending | None, str]:
        fields = record.fields
        by_doi = self.by_doi.get(str(fields.get("doi")).lower()) if fields.get("doi") else None
        by_arxiv = self.by_arxiv.get(fields.get("arxiv_id"))
        # A record is first of all the paper its own source names it by.
        if by_arxiv and (record.source == Source.ARXIV or not by_doi):
            return by_arxiv, "arXiv id"
        if by_doi:
            return by_doi, "DOI"
        title = _norm(str(fields["title"]))
        year = fields.get("year")
        same_key = self.by_key.get(record.key) if record.key else None
        if same_key and _same_record(same_key, record, title):
            return same_key, "citation key"
        # A preprint often precedes its published version by a year: allow one year either way.
        for pending in self.by_title.get(title, []):
            if _close_years(pending.paper.year, year):
                return pending, "title and year"
        # Published versions are often retitled, but keep the system's name and the first author:
        # "Helix: Distributed Serving ..." (arXiv 2024) is "Helix: Serving ..." (ASPLOS 2025).
        head = _title_head(record)
        for pending in self.by_head.get(head, []) if head else []:
            paper_is_preprint = pending.paper.entry_type in _PREPRINT_TYPES
            if record.is_preprint != paper_is_preprint and _close_years(pending.paper.year, year):
                return pending, "first author, system name and year"
        return None, ""

    def owner(self, name: str, value) -> _Pending | None:
        if name == "doi":
            return self.by_doi.get(str(value).lower())
        if name == "arxiv_id":
            return self.by_arxiv.get(value)
        return None


def _close_years(a: int | None, b: int | None) -> bool:
    return a is None or b is None or abs(a - b) <= 1


def _first_family(authors: list[PersonName]) -> str:
    return _norm(authors[0].family) if authors else ""


def _same_record(pending: _Pending, record: PaperRecord, title: str) -> bool:
    """Whether the paper holding the record's citation key is the record's paper (a curator may retitle it)."""
    paper = pending.paper
    if title in {_norm(paper.title), _norm(paper.arxiv_title)}:
        return True
    if any(record.fields.get(name) and record.fields[name] == getattr(paper, name) for name in ("doi", "arxiv_id")):
        return True
    same_author = _first_family(record.authors) == _first_family(pending.authors) != ""
    return same_author and record.fields.get("year") == paper.year


def _title_head_of(title: str, authors: list[PersonName]) -> tuple[str, str] | None:
    """(first author, the name before the colon) for titles like "Helix: ..."; None for other titles."""
    head, colon, _ = title.partition(":")
    head = _norm(head)
    if not colon or not authors or not head or len(head.split()) > 3:
        return None
    return _first_family(authors), head


def _title_head(record: PaperRecord) -> tuple[str, str] | None:
    return _title_head_of(str(record.fields["title"]), record.authors)


def _chunks(values: Iterable, size: int = _CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def ingest_records(records: list[PaperRecord], *, status: str) -> list[EntryOutcome]:
    """Match each record against stored papers and the run's earlier records, merge or create; write in bulk.

    New papers get `status` (public for curated additions, candidate for the watch). Papers a curator
    rejected are left alone. Call inside a transaction.
    """
    _serialize_imports()
    index = _Index(records)
    outcomes: list[EntryOutcome] = []
    touched: dict[int, _Pending] = {}  # id(pending) -> pending, in first-touched order
    for record in records:
        record = _validated(record)
        if isinstance(record, EntryOutcome):
            outcomes.append(record)
            continue
        pending, how = index.find(record)
        if pending is None:
            pending = _new_paper(record, index, status)
            outcomes.append(
                EntryOutcome(
                    record.label,
                    Outcome.CREATED,
                    paper=pending.paper.citation_key,
                    message=_join(
                        f"Stored as {pending.paper.citation_key} (key {record.key} is taken)."
                        if record.key and record.key != pending.paper.citation_key
                        else "",
                        *record.notes,
                    ),
                    line=record.line,
                    arxiv_id=record.fields.get("arxiv_id"),
                )
            )
            touched[id(pending)] = pending
            continue
        paper = pending.paper
        if paper.status == Paper.Status.REJECTED:
            outcomes.append(
                EntryOutcome(
                    record.label,
                    Outcome.UNCHANGED,
                    paper=paper.citation_key,
                    message="A curator rejected this paper; left as it is.",
                    line=record.line,
                )
            )
            continue
        changed, notes = _merge(pending, record, index)
        if status == Paper.Status.PUBLIC and paper.status == Paper.Status.CANDIDATE:
            # Added on purpose by a curator: a candidate the watch found becomes public (unsorted).
            paper.status = Paper.Status.PUBLIC
            pending.changed.add("status")
            changed.append("status")
        identity = how == "arXiv id" if record.source == Source.ARXIV else paper.citation_key == record.key
        if changed:
            touched[id(pending)] = pending
        if identity:
            outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
            message = f"Changed: {', '.join(changed)}." if changed else ""
        else:
            outcome = Outcome.DUPLICATE
            message = f"Same work as {paper.citation_key} (matched by {how}); " + (
                f"merged: {', '.join(changed)}." if changed else "nothing new."
            )
        outcomes.append(
            EntryOutcome(
                record.label,
                outcome,
                paper=paper.citation_key,
                message=_join(message, *notes, *record.notes),
                line=record.line,
                arxiv_id=record.fields.get("arxiv_id"),
            )
        )
    _write(list(touched.values()))
    return outcomes


# Any constant shared by every ingestion transaction (pg_advisory_xact_lock takes a bigint).
_IMPORT_LOCK = 0x48475055  # "HGPU"


def _serialize_imports() -> None:
    """One import writes at a time: two workers importing the same papers would otherwise both decide
    to create them, and the second would fail on the unique constraints. The lock is held until the
    transaction ends, and the waiting import then matches against what the first one stored.
    (SQLite allows one writer anyway.)"""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("ingest_records must run inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK])


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


_PAPER_FIELDS = {field.name: field for field in Paper._meta.fields}


_FAMILY_MAX = Author._meta.get_field("family_name").max_length
_GIVEN_MAX = Author._meta.get_field("given_name").max_length


def _validated(record: PaperRecord) -> PaperRecord | EntryOutcome:
    """Drop values the model would reject (with a note); a record without a valid title fails."""
    unique_authors = list(dict.fromkeys(record.authors))
    if len(unique_authors) < len(record.authors):  # one author per slot: a repeated name counts once
        record.notes.append("A repeated author name was kept once.")
        record.authors = unique_authors
    for author in record.authors:
        if len(author.family) > _FAMILY_MAX or len(author.given) > _GIVEN_MAX:
            return EntryOutcome(
                record.label,
                Outcome.FAILED,
                message=f"Author name too long ({author.display[:60]!r}…): a malformed author field?",
                line=record.line,
            )
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
        return EntryOutcome(
            record.label, Outcome.FAILED, message=f"Title: {' '.join(errors['title'])}", line=record.line
        )
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


def _new_paper(record: PaperRecord, index: _Index, status: str) -> _Pending:
    fields = dict(record.fields)
    paper = Paper(citation_key=_citation_key(record, index.taken_keys), status=status)
    notes = []
    for name in ("doi", "arxiv_id"):  # already another paper's (the index found no match through it)
        if fields.get(name) and index.owner(name, fields[name]):
            notes.append(fields.pop(name))
    for name, value in fields.items():
        setattr(paper, name, value)
    paper.field_sources = {name: record.source for name in fields}
    if record.authors:
        paper.field_sources["authors"] = record.source
    pending = _Pending(paper, list(record.authors), is_new=True)
    index.add(pending)
    return pending


def _citation_key(record: PaperRecord, taken: set[str]) -> str:
    """The source's key when it is a free slug, else family name + year + first title word (park2020hetpipe)."""
    if record.key and record.key not in taken:
        return record.key
    family = record.authors[0].family if record.authors else "anon"
    words = [w for w in _norm(str(record.fields["title"])).split() if w not in _STOP_WORDS]
    year = record.fields.get("year") or ""
    base = (re.sub(r"[^a-z]", "", _norm(family).replace(" ", "")) or "anon") + f"{year}"
    base = (base + (words[0] if words else ""))[:74]
    key, n = base, 0
    while key in taken:
        n += 1
        key = base + (chr(ord("a") + n - 1) if n <= 26 else str(n))
    return key


def _is_empty(value) -> bool:
    return value in _EMPTY


def _may_set(name: str, current, source: str | None, record: PaperRecord, paper_is_preprint: bool) -> bool:
    if source == Source.CURATOR:
        return False
    if _is_empty(current):
        return True
    if name in PUBLICATION_FIELDS:
        if record.is_preprint and not paper_is_preprint:
            return False
        if not record.is_preprint and source == Source.ARXIV:
            return True
    return source == record.source


def _same(name: str, current, value) -> bool:
    if name == "doi" and current and value:
        return str(current).lower() == str(value).lower()
    return current == value


def _merge(pending: _Pending, record: PaperRecord, index: _Index) -> tuple[list[str], list[str]]:
    """Apply the merge rules (module docstring); the names of the fields that changed, and notes."""
    paper = pending.paper
    sources = paper.field_sources
    paper_is_preprint = paper.entry_type in _PREPRINT_TYPES
    flags = _version_flags(paper, record, paper_is_preprint, index)
    changed, notes = [], []
    for name, value in record.fields.items():
        current = getattr(paper, name)
        if name == "arxiv_version":
            if value and value > (current or 0):
                paper.arxiv_version = value
                changed.append(name)
            continue
        if _same(name, current, value) or not _may_set(name, current, sources.get(name), record, paper_is_preprint):
            continue
        owner = index.owner(name, value)
        if owner is not None and owner is not pending:
            notes.append(f"{name} {value} belongs to {owner.paper.citation_key}: merge the two by hand.")
            continue
        setattr(paper, name, value)
        sources[name] = record.source
        changed.append(name)
        if name in ("doi", "arxiv_id"):
            index.add(pending)
    if (
        record.authors
        and record.authors != pending.authors
        and _may_set("authors", pending.authors, sources.get("authors"), record, paper_is_preprint)
    ):
        pending.authors = list(record.authors)
        pending.authors_changed = True
        sources["authors"] = record.source
        changed.append("authors")
    new_flags = [flag for flag in flags if flag not in paper.review_reason]
    if new_flags:
        paper.needs_review = True
        paper.review_reason = _join(paper.review_reason, *new_flags)
        changed += ["needs_review", "review_reason"]
    if changed:
        pending.changed.update([*changed, "field_sources"])
    return [name for name in changed if name not in ("needs_review", "review_reason")] + (
        ["flagged for review"] if new_flags else []
    ), notes


def _version_flags(paper: Paper, record: PaperRecord, paper_is_preprint: bool, index: _Index) -> list[str]:
    """What a curator should look at after this arXiv refresh: a newer version, a published version."""
    if record.source != Source.ARXIV or paper.pk is None:
        return []
    flags = []
    version, seen = record.fields.get("arxiv_version"), paper.arxiv_version
    if version and seen and version > seen:
        flags.append(f"arXiv v{version} is out (v{seen} seen before).")
    doi = record.fields.get("doi")
    if doi and not paper.doi:
        owner = index.owner("doi", doi)
        where = f", which is {owner.paper.citation_key}" if owner and owner.paper is not paper else ""
        flags.append(f"arXiv now lists DOI {doi}: a published version exists{where}.")
    journal_ref = record.fields.get("journal_ref")
    if journal_ref and not paper.journal_ref and paper_is_preprint:
        flags.append(f"arXiv now lists a journal reference ({journal_ref}): a published version exists.")
    return flags


def _write(pendings: list[_Pending]) -> None:
    """Create the new papers and save the changed ones with bulk queries, with their author lists."""
    if not pendings:
        return
    now = timezone.now()
    new = [p for p in pendings if p.is_new]
    for pending in new:
        pending.paper.created_at = pending.paper.updated_at = now
    with_authors = [p for p in pendings if p.is_new or p.authors_changed]
    names = list(dict.fromkeys(name for p in with_authors for name in p.authors))
    authors = dict(zip(names, get_or_create_authors(names), strict=True))

    def authorship_rows(group):
        return [(p.paper.pk, authors[name].pk, pos) for p in group for pos, name in enumerate(p.authors, 1)]

    if connection.vendor == "postgresql":
        # The search triggers (taxonomy migration 0002) recompute a paper's vector when the paper and
        # when its authorships are inserted. Authorships first (ids drawn from the sequence; foreign
        # keys are checked at commit), then papers: one computation per paper instead of two.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('papers_paper', 'id')) FROM generate_series(1, %s)",
                [len(new)],
            )
            for pending, (pk,) in zip(new, cursor.fetchall(), strict=True):
                pending.paper.pk = pending.paper.id = pk
        _insert_rows(Authorship, ["paper_id", "author_id", "position"], authorship_rows(new))
        _insert_papers([p.paper for p in new])
    else:
        Paper.objects.bulk_create([p.paper for p in new], batch_size=1000)
        _insert_rows(Authorship, ["paper_id", "author_id", "position"], authorship_rows(new))

    changed = [p for p in pendings if not p.is_new and p.changed]
    if changed:
        for pending in changed:
            pending.paper.updated_at = now
        fields = sorted(set().union(*(p.changed for p in changed)) - {"authors"} | {"updated_at"})
        Paper.objects.bulk_update([p.paper for p in changed], fields, batch_size=500)
    replaced = [p for p in with_authors if not p.is_new]
    for chunk in _chunks([p.paper.pk for p in replaced]):
        Authorship.objects.filter(paper_id__in=chunk).delete()
    _insert_rows(Authorship, ["paper_id", "author_id", "position"], authorship_rows(replaced))


def _insert_rows(model, columns: list[str], rows: list[tuple], page_size: int = 5000) -> None:
    """Plain rows into `model`'s table: no model instances (a 10,000-paper import has ~40,000 authorships)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000)
        return
    from psycopg2.extras import execute_values

    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) VALUES %s"
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, sql, rows, page_size=page_size)


def _insert_papers(papers: list[Paper]) -> None:
    """Papers (with their ids) as multi-row INSERTs built by psycopg2 rather than Django's compiler.

    For the 30-odd columns of a paper, Django's SQL compilation costs more than the database does.
    Values go in as the model holds them (plain strings, numbers, booleans, timestamps), JSON through
    the field's own adapter.
    """
    if not papers:
        return
    fields = [f for f in Paper._meta.concrete_fields if f.column != "search_vector"]
    json_fields = [f for f in fields if isinstance(f, models.JSONField)]
    rows = []
    for paper in papers:
        row = {f.attname: getattr(paper, f.attname) for f in fields}
        for field in json_fields:
            row[field.attname] = field.get_db_prep_save(row[field.attname], connection)
        rows.append(tuple(row.values()))
    _insert_rows(Paper, [f.column for f in fields], rows, page_size=5000)
    for paper in papers:
        paper._state.adding = False
        paper._state.db = connection.alias
