"""The three ingestion services: fetch from arXiv, import BibTeX, run the arXiv watch.

Tasks, admin, API and commands call these. Each call is recorded as an IngestRun with one outcome
per entry; a run stores all of its results (one transaction) or none.
"""

from collections.abc import Sequence
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from papers.identifiers import InvalidIdentifier, parse_arxiv_id
from papers.ingestion.arxiv import ArxivAPI, ArxivBadReply, ArxivUnavailable
from papers.ingestion.bibtex import parse_bibtex
from papers.ingestion.records import EntryOutcome
from papers.ingestion.store import ingest_records
from papers.models import ArxivQuery, IngestRun, Paper

Outcome = IngestRun.Outcome


@lru_cache(maxsize=4)
def _api(api_url: str, delay_seconds: float, timeout: float, batch_size: int) -> ArxivAPI:
    return ArxivAPI(api_url=api_url, delay_seconds=delay_seconds, timeout=timeout, batch_size=batch_size)


def arxiv_api() -> ArxivAPI:
    """One client per process and configuration, so arXiv's pause holds across the runs of a worker."""
    return _api(
        settings.ARXIV_API_URL, settings.ARXIV_DELAY_SECONDS, settings.ARXIV_TIMEOUT_SECONDS, settings.ARXIV_BATCH_SIZE
    )


@contextmanager
def _recorded(run: IngestRun):
    """A run that breaks unexpectedly is marked failed (with the reason), never left "running"."""
    try:
        yield
    except ArxivUnavailable:
        raise  # transient: the task retries, or fails the run
    except Exception as exc:
        run.fail(f"Unexpected error: {type(exc).__name__}: {exc}")
        raise


def fetch_arxiv(*, ids: Sequence[str], run: IngestRun | None = None, api: ArxivAPI | None = None, user=None):
    """Fetch arXiv metadata for `ids` (any pasted form) in batches and store it (new papers are public).

    Raises ArxivUnavailable on transient failures (the run stays running: the caller retries or fails it).
    """
    run = run or IngestRun.objects.create_run(kind=IngestRun.Kind.ARXIV_FETCH, input="\n".join(ids), user=user)
    run.start()
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
            run.finish(outcomes)
    return run


def import_bibtex(*, text: str | None = None, run: IngestRun | None = None, input_name: str = "", user=None):
    """Import every entry of a .bib text; each entry gets its own outcome and one bad entry stops nothing."""
    if run is None:
        run = IngestRun.objects.create_run(
            kind=IngestRun.Kind.BIBTEX_IMPORT, input=text or "", input_name=input_name, user=user
        )
    run.start()
    with _recorded(run):
        parsed = parse_bibtex(run.input)
        if not parsed.records and not parsed.problems:
            run.fail("No BibTeX entries found.")
            return run
        outcomes = [EntryOutcome(p.label, p.outcome, message=p.message, line=p.line) for p in parsed.problems]
        with transaction.atomic():
            outcomes += ingest_records(parsed.records, status=Paper.Status.PUBLIC)
            outcomes.sort(key=lambda o: o.line or 0)
            run.finish(outcomes)
    return run


def watch_arxiv(*, run: IngestRun | None = None, api: ArxivAPI | None = None):
    """Run the saved arXiv queries; papers not seen before arrive as candidates for the curators.

    Papers a curator rejected are never proposed again.
    """
    queries = list(ArxivQuery.objects.filter(is_active=True))
    if run is None:
        run = IngestRun.objects.create_run(kind=IngestRun.Kind.ARXIV_WATCH)
    run.input = "\n".join(q.query for q in queries)
    run.save(update_fields=["input", "updated_at"])
    run.start()
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
            run.finish(outcomes)
    return run


def _call_arxiv(run: IngestRun, api: ArxivAPI | None, call):
    """Run `call(api)`, counting requests. A bad reply fails the run (None); nothing is stored then."""
    api = api or arxiv_api()
    before = api.requests_made
    try:
        return call(api)
    except ArxivBadReply as exc:
        run.fail(f"{exc} Nothing was stored.")
        return None
    finally:
        run.requests_made += api.requests_made - before
        run.save(update_fields=["requests_made", "updated_at"])
