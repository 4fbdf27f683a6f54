"""The broker goes away while the web app runs: writes that enqueue answer 503, reads keep working."""

import pytest
from rest_framework.test import APIClient

from config.celery import app
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


def test_imports_answer_503_and_the_run_says_why(staff_api, seed, broker_away):
    response = staff_api.post("/api/imports/arxiv/", {"ids": ["2005.14038"]}, format="json")
    assert response.status_code == 503
    assert "task queue is unavailable" in response.json()["detail"] and response["Retry-After"]
    run = IngestRun.objects.get()
    assert run.state == IngestRun.State.FAILED and "unavailable" in run.error

    bib = "@misc{x2025, title={A Paper}, author={Doe, Jane}, year={2025}}"
    assert staff_api.post("/api/imports/bibtex/", {"text": bib}, format="json").status_code == 503


def test_reads_keep_working_while_the_broker_is_away(api, seed, broker_away):
    assert api.get("/api/papers/?q=hetpipe").status_code == 200
    assert api.get("/api/categories/").status_code == 200


def test_healthz_names_the_broker(client, seed, broker_away):
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["problems"][0].startswith("broker:")
