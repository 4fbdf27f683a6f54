"""Thin Celery tasks onto papers.ingestion: ids in, one service call, backoff on transient arXiv failures.

Task names are a public interface (beat schedule, queued messages): don't rename them casually.
Each task is idempotent: a run already finished is left alone, and a second run of the same input
finds every paper unchanged.
"""

import datetime
import logging
import time

from celery import shared_task
from django.conf import settings
from kombu.exceptions import OperationalError

from papers import ingestion
from papers.ingest.arxiv import ArxivUnavailable
from papers.models import IngestRun

logger = logging.getLogger(__name__)

# A hung run must free its worker. 10 minutes is far above the slowest expected run: 10,000 BibTeX
# entries take ~5 s; 2,000 arXiv ids take 10 requests, 30 s with arXiv's 3 s pause.
TIME_LIMIT = 600
TASK_OPTIONS = {"acks_late": True, "time_limit": TIME_LIMIT, "soft_time_limit": TIME_LIMIT - 30}


@shared_task(bind=True, name="papers.fetch_arxiv", **TASK_OPTIONS)
def fetch_arxiv(self, ids: list[str], run_id: int | None = None) -> int | None:
    """Fetch arXiv metadata for `ids` (any form people paste) into the catalogue."""
    run = _run(run_id, IngestRun.Kind.ARXIV_FETCH, input="\n".join(ids))
    if run is None:
        return None
    _with_backoff(self, run, lambda: ingestion.fetch_arxiv(ids=ids, run=run), {"ids": ids, "run_id": run.pk})
    return run.pk


@shared_task(name="papers.import_bibtex", **TASK_OPTIONS)
def import_bibtex(run_id: int) -> int | None:
    """Import the BibTeX text stored in the run."""
    run = _run(run_id, IngestRun.Kind.BIBTEX_IMPORT)
    if run is None:
        return None
    ingestion.import_bibtex(run=run)
    return run.pk


@shared_task(bind=True, name="papers.watch_arxiv", **TASK_OPTIONS)
def watch_arxiv(self, run_id: int | None = None) -> int | None:
    """Run the saved arXiv queries (beat: daily); new papers arrive as candidates."""
    run = _run(run_id, IngestRun.Kind.ARXIV_WATCH)
    if run is None:
        return None
    _with_backoff(self, run, lambda: ingestion.watch_arxiv(run=run), {"run_id": run.pk})
    return run.pk


def _run(run_id: int | None, kind: str, input: str = "") -> IngestRun | None:
    """The run to work on: a new one, or the given one unless it is gone or already finished."""
    if run_id is None:
        return ingestion.create_run(kind=kind, input=input)
    run = IngestRun.objects.filter(pk=run_id, kind=kind).first()
    if run is None:
        logger.warning("%s run %s is gone; nothing to do.", kind, run_id)
        return None
    if run.is_finished:
        logger.info("%s already finished; nothing to do.", run)
        return None
    return run


def backoff_seconds(retries: int, retry_after: float | None = None) -> float:
    """Exponential backoff (base, 2x base, 4x base, ... capped), or arXiv's Retry-After if longer."""
    countdown = min(settings.ARXIV_RETRY_BACKOFF_MAX_SECONDS, settings.ARXIV_RETRY_BACKOFF_SECONDS * 2**retries)
    return max(countdown, retry_after or 0)


def _with_backoff(task, run: IngestRun, call, retry_kwargs: dict) -> None:
    """Call the service; on a transient arXiv failure retry later with backoff, or fail the run at the end."""
    retries = task.request.retries
    while True:
        try:
            call()
            return
        except ArxivUnavailable as exc:
            if retries >= settings.ARXIV_MAX_RETRIES:
                ingestion.fail_run(run, f"arXiv unavailable after {retries + 1} attempts: {exc} Nothing was stored.")
                return
            countdown = backoff_seconds(retries, exc.retry_after)
            ingestion.note_retry(run, str(exc), countdown)
            if not task.request.is_eager:
                raise task.retry(
                    kwargs=retry_kwargs, countdown=countdown, max_retries=settings.ARXIV_MAX_RETRIES, exc=exc
                ) from exc
            # In-process (a command, or no broker): Celery's eager retry would only re-raise with
            # task_eager_propagates, so wait and try again here.
            time.sleep(countdown)
            retries += 1


# --- dispatch, for the doors (admin, API, commands) -----------------------------------------------------------
# A run still "running" this long after it started has lost its worker: TIME_LIMIT kills any task sooner.
STALE_AFTER = datetime.timedelta(seconds=TIME_LIMIT + 300)


@shared_task(name="papers.fail_stale_runs")
def fail_stale_runs() -> int:
    """Periodic sweeper: runs whose worker died are marked failed, never left "running" forever."""
    count = ingestion.fail_stale_runs(older_than=STALE_AFTER)
    if count:
        logger.warning("marked %s stale ingest runs failed", count)
    return count


class QueueUnavailable(Exception):
    """The broker did not take the task: the run is marked failed and the caller should say 503."""

    def __init__(self, message: str, run: IngestRun):
        super().__init__(message)
        self.run = run


def _enqueue(task, run: IngestRun, **kwargs) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        task.delay_on_commit(run_id=run.pk, **kwargs)
        return
    try:
        # No publish retries: a curator waiting on a form should hear at once that the queue is away.
        task.apply_async(kwargs={"run_id": run.pk, **kwargs}, retry=False)
    except (OperationalError, OSError) as exc:
        message = f"The task queue is unavailable ({exc.__class__.__name__}); nothing was imported, try again."
        ingestion.fail_run(run, message)
        logger.warning("could not enqueue %s for run %s: %s", task.name, run.pk, exc)
        raise QueueUnavailable(message, run) from exc


def queue_arxiv_fetch(ids: list[str], *, user=None) -> IngestRun:
    run = ingestion.create_run(kind=IngestRun.Kind.ARXIV_FETCH, input="\n".join(ids), user=user)
    _enqueue(fetch_arxiv, run, ids=list(ids))
    return run


def queue_bibtex_import(text: str, *, input_name: str = "", user=None) -> IngestRun:
    run = ingestion.create_run(kind=IngestRun.Kind.BIBTEX_IMPORT, input=text, input_name=input_name, user=user)
    _enqueue(import_bibtex, run)
    return run


def queue_arxiv_watch(*, user=None) -> IngestRun:
    run = ingestion.create_run(kind=IngestRun.Kind.ARXIV_WATCH, user=user)
    _enqueue(watch_arxiv, run)
    return run
