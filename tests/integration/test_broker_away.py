"""The broker goes away while the web app runs: imports are saved and wait for it, reads keep working.

That they run once it is back, with real processes, is tests/integration/test_worker_faults.py."""

import pytest
from rest_framework.test import APIClient

from config.celery import app
from papers import tasks
from papers.models import IngestRun

pytestmark = pytest.mark.django_db

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def broker_away(settings):
    previous = (app.conf.broker_url, app.conf.task_always_eager)  # before the settings change under it
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = NOWHERE
    app.conf.update(broker_url=NOWHERE, task_always_eager=False)
    _fresh_pool()
    yield
    app.conf.update(broker_url=previous[0], task_always_eager=previous[1])
    _fresh_pool()


def _fresh_pool():
    # Celery keeps one producer pool per app, bound to the broker URL it first saw.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def staff_api(django_user_model):
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user("editor", is_staff=True))
    return client


def test_imports_are_saved_and_wait_for_the_queue(staff_api, seed, broker_away):
    response = staff_api.post("/api/imports/arxiv/", {"ids": ["2005.14038"]}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "queued" and body["waiting_for_queue"] is True
    assert "starts as soon as the queue is back" in body["detail"]
    run = IngestRun.objects.get()
    assert run.input == "2005.14038" and run.task_id == "" and run.enqueued_at is None
    assert staff_api.get(body["url"]).json()["waiting_for_queue"] is True

    bib = "@misc{x2025, title={A Paper}, author={Doe, Jane}, year={2025}}"
    response = staff_api.post("/api/imports/bibtex/", {"text": bib}, format="json")
    assert response.status_code == 202 and response.json()["waiting_for_queue"] is True


def test_recovery_leaves_waiting_runs_waiting_while_the_broker_is_away(staff_api, seed, broker_away):
    staff_api.post("/api/imports/arxiv/", {"ids": ["2005.14038"]}, format="json")
    assert tasks.recover_ingest_runs() == 0
    assert IngestRun.objects.get().waiting_for_queue


def test_the_admin_says_the_run_waits(staff_client, seed, broker_away):
    response = staff_client.post("/admin/papers/paper/add-arxiv/", {"ids": "2005.14038"}, follow=True)
    assert response.status_code == 200
    assert "the task queue is unavailable; the run is saved" in response.content.decode()


def test_reads_keep_working_while_the_broker_is_away(api, seed, broker_away):
    assert api.get("/api/papers/?q=hetpipe").status_code == 200
    assert api.get("/api/categories/").status_code == 200


def test_healthz_names_the_broker(client, seed, broker_away):
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["problems"][0].startswith("broker:")
