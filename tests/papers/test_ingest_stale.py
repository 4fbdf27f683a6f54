import datetime

import pytest
from django.utils import timezone

from papers import tasks
from papers.ingestion import create_run
from papers.models import IngestRun

pytestmark = pytest.mark.django_db


def started(minutes_ago: int, state=IngestRun.State.RUNNING) -> IngestRun:
    run = create_run(kind=IngestRun.Kind.BIBTEX_IMPORT, input="@misc{x, title={X}}")
    at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    finished = at if state == IngestRun.State.DONE else None
    IngestRun.objects.filter(pk=run.pk).update(state=state, started_at=at, finished_at=finished)
    return run


def test_a_run_whose_worker_died_is_marked_failed_not_left_running():
    dead, alive, done = started(60), started(1), started(60, state=IngestRun.State.DONE)
    assert tasks.fail_stale_runs.delay().get() == 1
    dead.refresh_from_db(), alive.refresh_from_db(), done.refresh_from_db()
    assert dead.state == IngestRun.State.FAILED and "stopped mid-run" in dead.error
    assert alive.state == IngestRun.State.RUNNING and done.state == IngestRun.State.DONE


def test_the_sweeper_runs_on_the_beat_schedule(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "papers.fail_stale_runs" in schedule
