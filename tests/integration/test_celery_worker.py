"""A real Celery worker (another process) takes an import submitted through the API, against Redis.

Needs PostgreSQL: the worker must see the rows this test commits, and writes its own. It finds the
test database through DATABASE_URL in its environment, built from this process's connection.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app
from papers.models import IngestRun, Paper

ROOT = Path(__file__).resolve().parents[2]
SEED_BIB = ROOT / "tests" / "data" / "seed.bib"
# A Redis database of its own, so the test never meets a developer's worker or queued tasks.
BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs DATABASE_URL pointing at PostgreSQL (the worker is another process)",
    ),
]


def _redis_or_skip():
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            raise  # CI starts Redis (.ci/run): a missing one is a failure there
        pytest.skip(f"Redis not reachable at {BROKER_URL}: {exc}")
    redis.Redis.from_url(BROKER_URL).flushdb()


def _reset_broker_pool():
    """Forget connections made for the previous broker URL: Celery caches them on the app (as after a fork)."""
    app._pool = None
    app.amqp._producer_pool = None


def _test_database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db, tmp_path):
    _redis_or_skip()
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=BROKER_URL, task_always_eager=False)
    _reset_broker_pool()
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CONN_MAX_AGE": "0",
    }
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"itest-{os.getpid()}@%h"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process, log
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()
    app.conf.update(saved)
    _reset_broker_pool()


def test_a_worker_imports_bibtex_submitted_through_the_api(worker, api, django_user_model):
    process, log = worker
    api.force_authenticate(django_user_model.objects.create_user("curator", is_staff=True))
    response = api.post("/api/imports/bibtex/", {"text": SEED_BIB.read_text(encoding="utf-8")}, format="json")
    assert response.status_code == 202
    run_id = response.json()["id"]

    deadline = time.monotonic() + 60
    state = "queued"
    while time.monotonic() < deadline and state in ("queued", "running") and process.poll() is None:
        time.sleep(0.2)
        state = IngestRun.objects.get(pk=run_id).state
    log.seek(0)
    assert state == "done", f"run is {state}; worker log:\n{log.read()}"

    body = api.get(response.json()["url"]).json()
    assert body["counts"]["created"] == 9 and body["counts"]["failed"] == 0
    assert Paper.objects.public().count() == 9
    assert Paper.objects.get(citation_key="park2020hetpipe").authorships.count() == 8
    assert settings.CELERY_TASK_ALWAYS_EAGER  # this process stayed eager: the worker did the work
