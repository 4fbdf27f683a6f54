"""PostgreSQL restarts under load: requests fail fast with a 503 and recover without restarting the app.

A private PostgreSQL cluster (initdb in a temporary directory, its own port and socket directory) so the
shared server is never touched; gunicorn (production settings, persistent connections) in front of it;
a few client threads asking for pages throughout a fast-mode restart.
"""

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from tests.integration.support import ROOT, http_get, postgres_only
from tests.support.requirements import require

pytestmark = postgres_only

PG_BINDIR = Path(
    os.environ.get("PG_BINDIR")
    or max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), default="/nonexistent")
)
DATABASE = "heterogpu"
MESSAGE = "The database is unavailable; try again shortly."
PATHS = ["/api/papers/", "/api/papers/?q=pipeline", "/api/categories/", "/", "/healthz"]
CLIENTS = 4
DOWN_SECONDS = 4
FAIL_FAST_SECONDS = 3  # far below gunicorn's 30 s worker timeout
RECOVERY_SECONDS = 5


@dataclass
class Cluster:
    """A PostgreSQL cluster of our own in a temporary directory, run as the `postgres` OS user (initdb
    refuses root). Its socket directory is that directory too."""

    base: Path
    port: int

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*as_postgres, str(PG_BINDIR / program), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            log = self.base / "postgres.log"
            pytest.fail(f"{command} failed:\n{result.stdout}{result.stderr}\n{log.read_text() if log.exists() else ''}")
        return result

    def create(self) -> None:
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.base, postgres.pw_uid, postgres.pw_gid)
        locale = ["--encoding=UTF8", "--locale=C.UTF-8", "--text-search-config=english"]  # as the shared server
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync", *locale)
        self.start()
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
        conn.cursor().execute(f"CREATE DATABASE {DATABASE}")
        conn.close()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self.run(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data),
            "-l",
            str(self.base / "postgres.log"),
            "-o",
            options,
        )

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", str(self.data))

    def destroy(self) -> None:
        pid_file = self.data / "postmaster.pid"
        stopped = (
            not pid_file.exists()
            or self.run("pg_ctl", "stop", "-m", "immediate", "-D", str(self.data), check=False).returncode == 0
        )
        if not stopped:
            with contextlib.suppress(OSError, ValueError, IndexError):
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        shutil.rmtree(self.base, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_postgres():
    require((PG_BINDIR / "initdb").exists(), f"no PostgreSQL server binaries in {PG_BINDIR} (set PG_BINDIR)")
    require(os.geteuid() != 0 or shutil.which("runuser"), "no runuser: as root, initdb must run as `postgres`")
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="heterogpu-pg-")), _free_port())
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.destroy()


def manage(*args: str, database_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@dataclass
class Answer:
    path: str
    started: float
    finished: float
    status: int | None  # None: no HTTP answer at all (refused, reset, timed out)
    body: bytes
    retry_after: str | None

    @property
    def seconds(self) -> float:
        return self.finished - self.started


class Clients:
    """Threads asking for PATHS in turn, as fast as answers come, recording every answer."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.answers: list[Answer] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(CLIENTS)]

    def _run(self, offset: int) -> None:
        n = offset
        while not self.stopping.is_set():
            path = PATHS[n % len(PATHS)]
            n += 1
            started = time.monotonic()
            try:
                response = http_get(self.base_url + path, timeout=40)
                status, body, retry_after = response.status, response.body, response.headers.get("Retry-After")
            except OSError as exc:
                status, body, retry_after = None, repr(exc).encode(), None
            self.answers.append(Answer(path, started, time.monotonic(), status, body, retry_after))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def between(self, start: float, end: float) -> list[Answer]:
        return [a for a in list(self.answers) if a.started >= start and a.finished <= end]


def test_requests_fail_fast_while_postgres_restarts_and_recover_in_the_same_workers(private_postgres, gunicorn):
    manage("migrate", "--noinput", database_url=private_postgres.url)
    manage("load_catalogue", database_url=private_postgres.url)
    # Default CONN_MAX_AGE (60 s): every worker holds a connection the restart breaks.
    server = gunicorn(private_postgres.url, env={"API_ANON_RATE": "1000000/minute", "CONN_MAX_AGE": "60"})
    processes = server.pids()

    with Clients(server.url) as clients:
        time.sleep(2)
        before = time.monotonic()
        private_postgres.stop("fast")
        down = time.monotonic()
        time.sleep(DOWN_SECONDS)
        restarting = time.monotonic()
        private_postgres.start()
        up = time.monotonic()
        time.sleep(RECOVERY_SECONDS + 2)
    answers = clients.answers
    log = f"\n--- gunicorn log ---\n{server.log()[-5000:]}"

    # Before: served. Throughout: an HTTP answer every time, 200 or 503, never a hang or a 500.
    assert {a.status for a in clients.between(0, before)} == {200}, log
    unexpected = [a for a in answers if a.status not in (200, 503)]
    assert not unexpected, f"{unexpected[:5]}{log}"
    slowest = max(answers, key=lambda a: a.seconds)
    assert slowest.seconds < 10, f"{slowest}{log}"

    # While down: every answer a quick 503 saying why, with Retry-After.
    while_down = clients.between(down, restarting)
    assert len(while_down) >= 10, while_down
    for answer in while_down:
        assert answer.status == 503 and answer.seconds < FAIL_FAST_SECONDS, f"{answer}{log}"
        if answer.path == "/healthz":
            assert json.loads(answer.body)["problems"][0].startswith("database: OperationalError"), answer
        else:
            assert json.loads(answer.body) == {"detail": MESSAGE} and int(answer.retry_after) > 0, answer

    # Back: served again within seconds, by the same master and workers (none restarted, none timed out).
    after = [a for a in answers if a.started >= up]
    recovered = max((a.finished for a in after if a.status != 200), default=up) - up
    assert recovered < RECOVERY_SECONDS, f"still failing {recovered:.1f} s after the restart{log}"
    assert {a.status for a in clients.between(up + RECOVERY_SECONDS, float("inf"))} == {200}, log
    assert server.pids() == processes, log
    assert "WORKER TIMEOUT" not in server.log(), log

    times_down = [a.seconds for a in while_down]
    print(
        f"\n{len(answers)} requests; down {restarting - down:.1f} s: {len(while_down)} answers 503 in "
        f"median {statistics.median(times_down) * 1000:.0f} ms, max {max(times_down) * 1000:.0f} ms; "
        f"all 200 again {recovered:.2f} s after PostgreSQL was up (start took {up - restarting:.1f} s)"
    )


def test_a_database_server_that_never_answers_costs_a_request_the_connect_timeout(gunicorn):
    # A hung or unreachable host, not a refused port: without connect_timeout each request would hold its
    # worker until gunicorn's 30 s timeout killed it.
    with socket.socket() as silent:  # the kernel accepts connections; nothing ever says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        url = f"postgres://postgres@127.0.0.1:{silent.getsockname()[1]}/{DATABASE}"
        server = gunicorn(url, env={"DATABASE_CONNECT_TIMEOUT": "2"}, health=503)
        started = time.monotonic()
        response = server.get("/api/categories/", timeout=40)
        elapsed = time.monotonic() - started
    assert response.status == 503 and response.json() == {"detail": MESSAGE}
    assert elapsed < 2 + FAIL_FAST_SECONDS, elapsed
    assert "timeout expired" in server.log()
