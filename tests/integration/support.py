"""Helpers for the integration tests: real Celery workers, HTTP, ports and the pytest PostgreSQL database.

Each worker is another process: it sees only committed rows, and finds the test database through
DATABASE_URL in its environment, built from this process's connection.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.db import connection

from config.celery import app
from tests.support.requirements import require

ROOT = Path(__file__).resolve().parents[2]
# A Redis database of its own, so the tests never meet a developer's worker or queued tasks.
BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
postgres_only = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="needs DATABASE_URL pointing at PostgreSQL (servers run as other processes)"
    ),
]


def redis_or_skip(url: str = BROKER_URL) -> None:
    """An empty Redis database at `url`, or a skip (a failure in CI, which starts Redis)."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        problem = ""
    except redis.RedisError as exc:
        problem = f"Redis not reachable at {url}: {exc}"
    require(not problem, problem)
    redis.Redis.from_url(url).flushdb()


def use_broker(url: str) -> None:
    """Make this (test) process publish to `url` instead of running tasks eagerly."""
    app.conf.update(broker_url=url, task_always_eager=False)
    reset_broker_pool()


def reset_broker_pool() -> None:
    """Forget connections made for the previous broker URL: Celery caches them on the app (as after a fork)."""
    app._pool = None
    app.amqp._producer_pool = None


def test_database_url() -> str:
    """The pytest database, as DATABASE_URL for another process."""
    return database_url(connection.settings_dict)


test_database_url.__test__ = False  # a helper, not a test


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for another process, e.g. from django.db.connection.settings_dict (the test database)."""
    credentials = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def http_get(url: str, *, timeout: float = 10, headers: dict[str, str] | None = None) -> Response:
    """GET without raising on 4xx/5xx (connection errors and timeouts do raise)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Response(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Response(error.code, dict(error.headers), error.read())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Worker:
    """`celery worker --pool=solo` (one task at a time) in its own process, logging to a file."""

    def __init__(self, name: str, log_path: Path, *, broker_url: str = BROKER_URL, beat: bool = False, env=None):
        self.log_path = log_path
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}-{os.getpid()}@%h"]
        if beat:
            command += ["--beat", "--schedule", str(log_path.with_suffix(".beat"))]
        environment = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": broker_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CONN_MAX_AGE": "0",
            "ARXIV_DELAY_SECONDS": "0",
            **(env or {}),
        }
        self._log = open(log_path, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log():
                return
            assert self.alive, f"worker exited:\n{self.log()}"
            time.sleep(0.2)
        raise AssertionError(f"worker not ready after {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a lost machine would: no cleanup, no ack."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        stop_process_group(self.process)
        self._log.close()


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM the process and its children (started with start_new_session), SIGKILL what outlives 15 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # a child left behind by its parent


def wait_for(predicate, *, timeout: float, message, interval: float = 0.2):
    """Poll `predicate` until it returns something truthy; fail with `message()` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(interval)
    raise AssertionError(message())
