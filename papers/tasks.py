"""Thin Celery tasks onto papers.ingestion: ids in, one service call, backoff on transient arXiv failures.

Task names are a public interface (beat schedule, queued messages): don't rename them casually.
Each task is idempotent: a run already finished is left alone, and a second run of the same input
finds every paper unchanged. Without a broker (tasks run eagerly, maybe inside a web request) a
transient arXiv failure fails the run at once: no retry waits in the caller's process.
"""

import datetime
import logging
import time
import uuid
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from papers import ingestion
from papers.ingestion.arxiv import ArxivUnavailable
from papers.models import IN_PROCESS, IngestRun

logger = logging.getLogger(__name__)

# A hung run must free its worker. 10 minutes is far above the slowest expected run: 10,000 BibTeX
# entries take ~5 s; 2,000 arXiv ids take 10 requests, 30 s with arXiv's 3 s pause.
TIME_LIMIT = 600
TASK_OPTIONS = {"acks_late": True, "time_limit": TIME_LIMIT, "soft_time_limit": TIME_LIMIT - 30}


@shared_task(bind=True, name="papers.fetch_arxiv", **TASK_OPTIONS)
def fetch_arxiv(self, ids: list[str], run_id: int | None = None) -> int | None:
    """Fetch arXiv metadata for `ids` (any form people paste) into the catalogue."""
    run = _run(run_id, IngestRun.Kind.ARXIV_FETCH, input="\n".join(ids), task_id=self.request.id)
    if run is None:
        return None
    _with_backoff(self, run, lambda: ingestion.fetch_arxiv(ids=ids, run=run), {"ids": ids, "run_id": run.pk})
    return run.pk


@shared_task(bind=True, name="papers.import_bibtex", **TASK_OPTIONS)
def import_bibtex(self, run_id: int) -> int | None:
    """Import the BibTeX text stored in the run."""
    run = _run(run_id, IngestRun.Kind.BIBTEX_IMPORT, task_id=self.request.id)
    if run is None:
        return None
    ingestion.import_bibtex(run=run)
    return run.pk


@shared_task(bind=True, name="papers.watch_arxiv", **TASK_OPTIONS)
def watch_arxiv(self, run_id: int | None = None) -> int | None:
    """Run the saved arXiv queries (beat: daily); new papers arrive as candidates."""
    run = _run(run_id, IngestRun.Kind.ARXIV_WATCH, task_id=self.request.id)
    if run is None:
        return None
    _with_backoff(self, run, lambda: ingestion.watch_arxiv(run=run), {"run_id": run.pk})
    return run.pk


def _run(run_id: int | None, kind: str, input: str = "", task_id: str | None = None) -> IngestRun | None:
    """The run to work on: a new one, or the given one unless it is gone, finished or another message's."""
    if run_id is None:  # started by beat: this message owns a new run
        return IngestRun.objects.create_run(kind=kind, input=input, owner=task_id or IN_PROCESS)
    run = IngestRun.objects.filter(pk=run_id, kind=kind).first()
    if run is None:
        logger.warning("%s run %s is gone; nothing to do.", kind, run_id)
        return None
    if run.is_finished:
        logger.info("%s already finished; nothing to do.", run)
        return None
    if task_id and run.task_id != task_id:
        # Not this message's run: dispatched again since (another message owns it), or waiting for a
        # dispatch (no owner yet; the recovery task will send it).
        logger.info("%s belongs to task %r; message %s is stale.", run, run.task_id, task_id)
        return None
    if run.state == IngestRun.State.RUNNING and run.next_attempt_at is None:
        logger.warning("%s: its message came back (the worker was lost); starting it over.", run)
    return run


def backoff_seconds(retries: int, retry_after: float | None = None) -> float:
    """Exponential backoff (base, 2x base, 4x base, ... capped), or arXiv's Retry-After if longer."""
    countdown = min(settings.ARXIV_RETRY_BACKOFF_MAX_SECONDS, settings.ARXIV_RETRY_BACKOFF_SECONDS * 2**retries)
    return max(countdown, retry_after or 0)


def _with_backoff(task, run: IngestRun, call, retry_kwargs: dict) -> None:
    """Call the service; on a transient arXiv failure retry later with backoff, or fail the run at the end.

    Without a broker the run fails at once instead: the caller may be a web request, and a retry loop
    would hold it for up to the whole backoff (~15 minutes). The curator runs it again later.
    """
    retries = task.request.retries
    while True:
        try:
            call()
            return
        except ArxivUnavailable as exc:
            if task.app.conf.task_always_eager:
                run.fail(f"arXiv is unavailable: {exc} Nothing was stored; try again later.")
                return
            if retries >= settings.ARXIV_MAX_RETRIES:
                run.fail(f"arXiv unavailable after {retries + 1} attempts: {exc} Nothing was stored.")
                return
            countdown = backoff_seconds(retries, exc.retry_after)
            run.note_retry(str(exc), countdown)
            if not task.request.is_eager:
                raise task.retry(
                    kwargs=retry_kwargs, countdown=countdown, max_retries=settings.ARXIV_MAX_RETRIES, exc=exc
                ) from exc
            # A command with a broker runs its task here, in its own process: Celery's eager retry would
            # only re-raise with task_eager_propagates, so wait and try again here.
            time.sleep(countdown)
            retries += 1


# --- dispatch, for the doors (admin, API, commands) and the recovery task --------------------------------------
@shared_task(name="papers.recover_ingest_runs")
def recover_ingest_runs(stale_after_seconds: float | None = None) -> int:
    """Periodic (beat): hand the broker every run no task will pick up; returns how many were sent.

    Runs submitted while the broker was away start once it is back (this task itself only runs then),
    and runs whose worker was killed start over instead of staying "running" forever.
    """
    stale_after = stale_after_seconds if stale_after_seconds is not None else settings.INGEST_STALE_AFTER_SECONDS
    runs = IngestRun.objects.runs_to_dispatch(
        stale_after=datetime.timedelta(seconds=stale_after), max_restarts=settings.INGEST_MAX_RESTARTS
    )
    sent = sum(dispatch(run) for run in runs)
    if runs:
        logger.warning("recovered %s ingest runs; %s handed to the broker", len(runs), sent)
    return sent


def _task_for(run: IngestRun) -> tuple:
    if run.kind == IngestRun.Kind.ARXIV_FETCH:
        return fetch_arxiv, {"ids": run.input.splitlines()}
    if run.kind == IngestRun.Kind.BIBTEX_IMPORT:
        return import_bibtex, {}
    return watch_arxiv, {}


def dispatch(run: IngestRun) -> bool:
    """Hand the run to the broker (in-process after commit when there is none).

    False when the broker is away: the run stays queued, saved with its input, and the recovery task
    dispatches it when the broker is back. The run is claimed (task_id) before publishing, so two
    dispatchers never send it twice, and a message that is not the run's current one is ignored.
    Call it outside a transaction (the API views and admin pages run in autocommit): a worker must find
    the run committed.
    """
    task, kwargs = _task_for(run)
    task_id = str(uuid.uuid4())
    claimed = IngestRun.objects.filter(pk=run.pk, task_id="").update(
        task_id=task_id, enqueued_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:
        return True  # another dispatcher sent it meanwhile
    send = partial(task.apply_async, kwargs={"run_id": run.pk, **kwargs}, task_id=task_id)
    if task.app.conf.task_always_eager:
        transaction.on_commit(send)  # in-process: after the caller's transaction, as a worker would see it
    else:
        try:
            # No connection or publish retries (kombu would retry the connection for 6 s): a curator
            # waiting on a form should hear at once that the queue is away.
            with task.app.connection_for_write(transport_options={"max_retries": 0}) as connection:
                send(retry=False, connection=connection)
        except (OperationalError, OSError) as exc:
            IngestRun.objects.filter(pk=run.pk, task_id=task_id).update(task_id="", enqueued_at=None)
            logger.warning("could not enqueue %s for run %s: %s", task.name, run.pk, exc)
            run.refresh_from_db()
            return False
    run.refresh_from_db()
    return True


def run_in_process(kind: str, *, input: str = "") -> IngestRun:
    """Create a run and do it here and now, through its task (commands: the same retries and backoff as
    on a worker). Owned by this process, so the recovery task leaves it alone unless the process dies."""
    task_id = f"{IN_PROCESS}-{uuid.uuid4()}"
    run = IngestRun.objects.create_run(kind=kind, input=input, owner=task_id)
    task, kwargs = _task_for(run)
    task.apply(kwargs={"run_id": run.pk, **kwargs}, task_id=task_id)
    run.refresh_from_db()
    return run


def queue_arxiv_fetch(ids: list[str], *, user=None) -> IngestRun:
    run = IngestRun.objects.create_run(kind=IngestRun.Kind.ARXIV_FETCH, input="\n".join(ids), user=user, owner="")
    dispatch(run)
    return run


def queue_bibtex_import(text: str, *, input_name: str = "", user=None) -> IngestRun:
    run = IngestRun.objects.create_run(
        kind=IngestRun.Kind.BIBTEX_IMPORT, input=text, input_name=input_name, user=user, owner=""
    )
    dispatch(run)
    return run


def queue_arxiv_watch(*, user=None) -> IngestRun:
    run = IngestRun.objects.create_run(kind=IngestRun.Kind.ARXIV_WATCH, user=user, owner="")
    dispatch(run)
    return run
