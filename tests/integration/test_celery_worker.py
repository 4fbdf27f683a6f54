"""A real Celery worker (another process) takes an import submitted through the API, against Redis."""

import pytest
from rest_framework.test import APIClient

from papers import tasks
from papers.models import IngestRun, Paper
from tests.integration.support import (
    BROKER_URL,
    ROOT,
    postgres_only,
    redis_or_skip,
    use_broker,
    wait_for,
)

SEED_BIB = ROOT / "tests" / "data" / "seed.bib"

pytestmark = postgres_only


@pytest.fixture
def broker():
    redis_or_skip()
    use_broker(BROKER_URL)


def test_a_worker_imports_bibtex_submitted_through_the_api(workers, broker, api, django_user_model):
    worker = workers("itest")
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


def test_a_workers_import_refreshes_the_shared_response_cache(workers, broker, settings):
    """The web process caches anonymous responses in Redis; the worker's finished run makes them stale."""
    shared_cache = "redis://127.0.0.1:6379/14"
    redis_or_skip(shared_cache)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": shared_cache}}
    settings.API_CACHE_SECONDS = 600

    anonymous = APIClient()
    assert anonymous.get("/api/papers/").json()["count"] == 0  # now cached
    # Queued directly, not through the API: a staff write request would itself invalidate the cache.
    run_id = tasks.queue_bibtex_import(SEED_BIB.read_text(encoding="utf-8")).pk
    assert anonymous.get("/api/papers/").json()["count"] == 0  # still the cached answer
    worker = workers("itest-cache", env={"CACHE_URL": shared_cache})  # it must share the cache
    wait_for(
        lambda: IngestRun.objects.get(pk=run_id).is_finished or not worker.alive,
        timeout=60,
        message=lambda: f"run not finished; worker log:\n{worker.log()}",
    )
    assert anonymous.get("/api/papers/").json()["count"] == 9
