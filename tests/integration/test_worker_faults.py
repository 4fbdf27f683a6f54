"""Faults with real processes: the broker away and back, a worker killed mid-import, two workers at once.

Each test runs Celery workers as other processes against the pytest PostgreSQL database and a real Redis.
"""

import shutil
import subprocess
import time

import pytest
import redis
from django.db import connection

from papers import tasks
from papers.models import Author, Authorship, IngestRun, Paper
from tests.data.fake_arxiv import FakeArxiv
from tests.integration.support import (
    BROKER_URL,
    ROOT,
    free_port,
    postgres_only,
    redis_or_skip,
    use_broker,
    wait_for,
)
from tests.support.requirements import require

SEED_BIB = (ROOT / "tests" / "data" / "seed.bib").read_text(encoding="utf-8")

pytestmark = postgres_only


def letters(n: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "ba": distinct words for distinct numbers."""
    word = ""
    while True:
        n, digit = divmod(n, 26)
        word = chr(ord("a") + digit) + word
        if n == 0:
            return word


def synthetic_bib(count: int) -> str:
    """`count` distinct papers; their authors repeat across papers (as real co-authors do)."""
    return "".join(
        f"@inproceedings{{synth{n},\n  title = {{Balancing Pipelines on Heterogeneous GPUs, Part {n}}},\n"
        f"  author = {{{letters(n % 997).title()}, Alice and {letters(n % 331).title()}son, Bob}},\n"
        f"  booktitle = {{Proceedings of a Synthetic Workshop}},\n  year = {{{2000 + n % 25}}},\n}}\n"
        for n in range(count)
    )


@pytest.fixture
def staff(api, django_user_model):
    api.force_authenticate(django_user_model.objects.create_user("curator", is_staff=True))
    return api


def wait_until_finished(run_ids, workers, timeout=120):
    def finished():
        return all(run.is_finished for run in IngestRun.objects.filter(pk__in=run_ids))

    wait_for(finished, timeout=timeout, message=lambda: "runs not finished:\n" + logs(workers))


def logs(workers) -> str:
    return "\n".join(f"--- {w.log_path.name} (alive: {w.alive})\n{w.log()[-6000:]}" for w in workers)


def assert_no_duplicates():
    with connection.cursor() as cursor:
        for table, columns in [
            ("papers_paper", "lower(title), year"),
            ("papers_author", "family_name, given_name"),
            ("papers_authorship", "paper_id, author_id"),
        ]:
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} GROUP BY {columns} HAVING count(*) > 1) d")
            assert cursor.fetchone()[0] == 0, f"duplicate rows in {table}"


# --- the broker goes away and comes back ---------------------------------------------------------------------
class RedisServer:
    """A Redis of this test's own, on a free port, that the test can stop and start again."""

    def __init__(self, workdir):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        wait_for(self._answers(client), timeout=10, message=lambda: "redis-server did not start")

    @staticmethod
    def _answers(client):
        def ping():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        return ping

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    require(shutil.which("redis-server"), "redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def test_imports_submitted_while_the_broker_is_down_run_once_it_is_back(workers, private_redis, staff, api):
    worker = workers("beat", broker_url=private_redis.url, beat=True, env={"INGEST_RECOVERY_SECONDS": "1"})
    worker.wait_ready()
    use_broker(private_redis.url)
    private_redis.stop()

    response = staff.post("/api/imports/bibtex/", {"text": SEED_BIB}, format="json")
    assert response.status_code == 202 and response.json()["waiting_for_queue"] is True
    run_id = response.json()["id"]
    assert api.get("/api/papers/").status_code == 200  # reads go on

    time.sleep(2)  # the worker and beat notice the broker is gone
    private_redis.start()  # same port, empty: the broker restarted without its data

    wait_until_finished([run_id], [worker], timeout=120)
    run = IngestRun.objects.get(pk=run_id)
    assert run.state == "done" and run.counts["created"] == 9, logs([worker])
    assert worker.alive, "the same worker carried on: it reconnected by itself"
    assert Paper.objects.count() == 9


# --- a worker is killed in the middle of an import -------------------------------------------------------------
def _import_holds_the_write_lock() -> bool:
    """Whether an import is inside its write transaction (papers.ingestion._serialize_imports)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND granted", [0x48475055]
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_import_leaves_no_partial_paper_and_the_run_starts_over(workers, staff):
    redis_or_skip()
    use_broker(BROKER_URL)
    doomed = workers("doomed")
    doomed.wait_ready()
    count = 12_000
    response = staff.post("/api/imports/bibtex/", {"text": synthetic_bib(count)}, format="json")
    run_id = response.json()["id"]

    wait_for(_import_holds_the_write_lock, timeout=120, interval=0.05, message=lambda: logs([doomed]))
    time.sleep(0.5)  # rows are being written
    doomed.kill()

    # PostgreSQL rolls the dead worker's transaction back when its connection drops.
    wait_for(lambda: not _import_holds_the_write_lock(), timeout=30, message=lambda: "the lock outlived the worker")
    run = IngestRun.objects.get(pk=run_id)
    assert (run.state, run.attempts) == ("running", 1), "killed while running"
    assert Paper.objects.count() == 0 and Author.objects.count() == 0, "nothing half-written is left"

    survivor = workers("survivor")
    survivor.wait_ready()
    # What beat does every INGEST_RECOVERY_SECONDS, with the staleness bound at 0 instead of 15 minutes.
    tasks.recover_ingest_runs.apply_async(kwargs={"stale_after_seconds": 0})

    wait_until_finished([run_id], [doomed, survivor], timeout=180)
    run.refresh_from_db()
    assert run.state == "done" and run.attempts == 2, logs([survivor])
    assert run.counts["created"] == count
    assert Paper.objects.count() == count and Authorship.objects.count() == 2 * count
    assert Author.objects.count() == 997 + 331
    assert_no_duplicates()


# --- two workers import the same input at once -----------------------------------------------------------------
def test_two_workers_importing_the_same_input_at_once_store_each_paper_once(workers, staff):
    redis_or_skip()
    use_broker(BROKER_URL)
    bib = SEED_BIB + synthetic_bib(3000)
    arxiv_ids = [f"2401.{n:05d}" for n in range(1, 301)]
    with FakeArxiv(synthesize=True) as arxiv:
        env = {"ARXIV_API_URL": arxiv.url}
        first, second = workers("first", env=env), workers("second", env=env)
        first.wait_ready(), second.wait_ready()

        run_ids = [
            staff.post("/api/imports/bibtex/", {"text": bib}, format="json").json()["id"],
            staff.post("/api/imports/bibtex/", {"text": bib}, format="json").json()["id"],
            staff.post("/api/imports/arxiv/", {"ids": arxiv_ids}, format="json").json()["id"],
            staff.post("/api/imports/arxiv/", {"ids": arxiv_ids}, format="json").json()["id"],
        ]
        wait_until_finished(run_ids, [first, second], timeout=180)

    bib_a, bib_b, arxiv_a, arxiv_b = (IngestRun.objects.get(pk=pk) for pk in run_ids)
    for run in (bib_a, bib_b, arxiv_a, arxiv_b):
        assert run.state == "done", f"{run}: {run.error}\n{logs([first, second])}"
    assert bib_a.started_at < bib_b.finished_at and bib_b.started_at < bib_a.finished_at, "the imports overlapped"
    # One of each pair created every paper; the other found them all stored.
    assert sorted([bib_a.counts["created"], bib_b.counts["created"]]) == [0, 3009]
    assert sorted([bib_a.counts["unchanged"], bib_b.counts["unchanged"]]) == [0, 3009]
    assert sorted([arxiv_a.counts["created"], arxiv_b.counts["created"]]) == [0, 300]
    assert Paper.objects.count() == 3009 + 300
    assert Paper.objects.filter(arxiv_id__startswith="2401.").count() == 300
    assert Author.objects.filter(family_name="Author", given_name="Test").count() == 1
    assert_no_duplicates()
