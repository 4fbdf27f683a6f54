"""A real Celery worker (another process) takes an import submitted through the API, against Redis."""

import pytest
from django.conf import settings

from config.celery import app
from papers.models import IngestRun, Paper
from tests.integration.support import (
    BROKER_URL,
    ROOT,
    Worker,
    postgres_only,
    redis_or_skip,
    reset_broker_pool,
    use_broker,
    wait_for,
)

SEED_BIB = ROOT / "tests" / "data" / "seed.bib"

pytestmark = postgres_only


@pytest.fixture
def worker(transactional_db, tmp_path):
    redis_or_skip()
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    use_broker(BROKER_URL)
    worker = Worker("itest", tmp_path / "worker.log")
    yield worker
    worker.stop()
    app.conf.update(saved)
    reset_broker_pool()


def test_a_worker_imports_bibtex_submitted_through_the_api(worker, api, django_user_model):
    api.force_authenticate(django_user_model.objects.create_user("curator", is_staff=True))
    response = api.post("/api/imports/bibtex/", {"text": SEED_BIB.read_text(encoding="utf-8")}, format="json")
    assert response.status_code == 202 and response.json()["waiting_for_queue"] is False
    run_id = response.json()["id"]

    wait_for(
        lambda: IngestRun.objects.get(pk=run_id).is_finished or not worker.alive,
        timeout=60,
        message=lambda: f"run not finished; worker log:\n{worker.log()}",
    )
    assert IngestRun.objects.get(pk=run_id).state == "done", worker.log()

    body = api.get(response.json()["url"]).json()
    assert body["counts"]["created"] == 9 and body["counts"]["failed"] == 0
    assert Paper.objects.public().count() == 9
    assert Paper.objects.get(citation_key="park2020hetpipe").authorships.count() == 8
    assert settings.CELERY_TASK_ALWAYS_EAGER  # this process stayed eager: the worker did the work
