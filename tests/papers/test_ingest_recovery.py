"""Runs no task will pick up (broker away at submission, worker killed, message lost) are dispatched again."""

import datetime

import pytest
from django.utils import timezone

from papers import tasks
from papers.models import IngestRun, Paper

pytestmark = pytest.mark.django_db

BIB = "@misc{doe2025x, title={A Paper on Heterogeneous Clusters}, author={Doe, Jane}, year={2025}}"
STALE = datetime.timedelta(minutes=15)


def run_in(state, *, touched_minutes_ago=0, attempts=0, restarts=0, enqueued=True, next_attempt_in=None) -> IngestRun:
    run = IngestRun.objects.create_run(kind=IngestRun.Kind.BIBTEX_IMPORT, input=BIB)
    now = timezone.now()
    IngestRun.objects.filter(pk=run.pk).update(
        state=state,
        attempts=attempts,
        restarts=restarts,
        task_id="first-message" if enqueued else "",
        enqueued_at=now - datetime.timedelta(minutes=touched_minutes_ago) if enqueued else None,
        updated_at=now - datetime.timedelta(minutes=touched_minutes_ago),
        started_at=now if state != IngestRun.State.QUEUED else None,
        finished_at=now if state in (IngestRun.State.DONE, IngestRun.State.FAILED) else None,
        next_attempt_at=now + datetime.timedelta(minutes=next_attempt_in) if next_attempt_in is not None else None,
    )
    run.refresh_from_db()
    return run


def test_runs_no_task_will_pick_up_are_reset_for_dispatch():
    killed = run_in(IngestRun.State.RUNNING, touched_minutes_ago=60, attempts=1)
    lost_message = run_in(IngestRun.State.QUEUED, touched_minutes_ago=120)
    never_sent = run_in(IngestRun.State.QUEUED, enqueued=False)
    overdue_retry = run_in(IngestRun.State.RUNNING, touched_minutes_ago=90, attempts=4, next_attempt_in=-30)
    working = run_in(IngestRun.State.RUNNING, touched_minutes_ago=1, attempts=1)
    in_line = run_in(IngestRun.State.QUEUED, touched_minutes_ago=1)
    behind_a_long_queue = run_in(IngestRun.State.QUEUED, touched_minutes_ago=30)
    backing_off = run_in(IngestRun.State.RUNNING, touched_minutes_ago=60, attempts=1, next_attempt_in=10)
    done = run_in(IngestRun.State.DONE, touched_minutes_ago=60, attempts=1)

    runs = IngestRun.objects.runs_to_dispatch(stale_after=STALE, max_restarts=2)

    assert [run.pk for run in runs] == [killed.pk, lost_message.pk, never_sent.pk, overdue_retry.pk]
    for run in runs:
        assert (run.state, run.task_id, run.enqueued_at, run.next_attempt_at) == ("queued", "", None, None)
        assert run.waiting_for_queue
    assert [run.restarts for run in runs] == [1, 1, 0, 1]  # arXiv retries (attempts) do not count
    for untouched in (working, in_line, behind_a_long_queue, backing_off, done):
        before = untouched.updated_at
        untouched.refresh_from_db()
        assert untouched.updated_at == before and untouched.task_id == "first-message"


def test_a_run_that_keeps_killing_its_worker_fails_after_max_restarts():
    poison = run_in(IngestRun.State.RUNNING, touched_minutes_ago=60, attempts=3, restarts=2)
    assert IngestRun.objects.runs_to_dispatch(stale_after=STALE, max_restarts=2) == []
    poison.refresh_from_db()
    assert poison.state == IngestRun.State.FAILED and poison.finished_at
    assert "stopped mid-run 3 times" in poison.error


def test_the_recovery_task_runs_what_it_finds(django_capture_on_commit_callbacks):
    killed = run_in(IngestRun.State.RUNNING, touched_minutes_ago=60, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recover_ingest_runs.delay().get() == 1  # eager here: dispatch runs it after commit
    killed.refresh_from_db()
    assert killed.state == IngestRun.State.DONE and killed.attempts == 2
    assert Paper.objects.filter(citation_key="doe2025x").count() == 1


def test_a_message_for_a_run_waiting_for_dispatch_is_ignored():
    """E.g. an old message still queued when the recovery task reset its run: the next dispatch owns it."""
    run = run_in(IngestRun.State.QUEUED, enqueued=False)
    assert tasks.import_bibtex.apply(kwargs={"run_id": run.pk}, task_id="an-old-message").get() is None
    run.refresh_from_db()
    assert run.state == IngestRun.State.QUEUED and run.attempts == 0


def test_a_message_that_no_longer_owns_its_run_is_ignored():
    run = run_in(IngestRun.State.QUEUED)  # owned by "first-message"
    assert tasks.import_bibtex.apply(kwargs={"run_id": run.pk}, task_id="a-stale-copy").get() is None
    run.refresh_from_db()
    assert run.state == IngestRun.State.QUEUED and run.attempts == 0

    assert tasks.import_bibtex.apply(kwargs={"run_id": run.pk}, task_id="first-message").get() == run.pk
    run.refresh_from_db()
    assert run.state == IngestRun.State.DONE and run.counts["created"] == 1


def test_a_redelivered_message_starts_its_run_over():
    """acks_late: the message of a killed worker comes back to another worker, which redoes the run."""
    run = run_in(IngestRun.State.RUNNING, touched_minutes_ago=1, attempts=1)
    assert tasks.import_bibtex.apply(kwargs={"run_id": run.pk}, task_id="first-message").get() == run.pk
    run.refresh_from_db()
    assert run.state == IngestRun.State.DONE and run.attempts == 2


def test_recovery_runs_on_the_beat_schedule(settings):
    entries = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["papers.recover_ingest_runs"] == settings.INGEST_RECOVERY_SECONDS


def test_runs_a_command_or_service_does_itself_are_not_dispatched_while_they_work():
    in_process = IngestRun.objects.create_run(
        kind=IngestRun.Kind.BIBTEX_IMPORT, input=BIB
    )  # a command, before it starts
    for_a_worker = IngestRun.objects.create_run(kind=IngestRun.Kind.BIBTEX_IMPORT, input=BIB, owner="")
    assert [run.pk for run in IngestRun.objects.runs_to_dispatch(stale_after=STALE, max_restarts=2)] == [
        for_a_worker.pk
    ]
    in_process.refresh_from_db()
    assert in_process.task_id == "in-process" and not in_process.waiting_for_queue


def test_commands_run_their_run_through_its_task_in_process(settings):
    run = tasks.run_in_process(IngestRun.Kind.ARXIV_WATCH)  # no saved query: nothing to fetch
    assert run.state == IngestRun.State.DONE and run.task_id.startswith("in-process-")
