"""The app as production runs it: gunicorn workers in other processes, DEBUG=0, on a loopback port.

`gunicorn(database_url, env={...})` starts a server, waits until every worker is up and /healthz
answers 200, and stops the whole process group at teardown, whatever the test did.
"""

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from config.celery import app
from tests.integration.support import ROOT, Response, Worker, http_get, reset_broker_pool, stop_process_group

# Production mode as bench/load.sh runs it: plain HTTP on loopback (no TLS proxy in front).
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "SECRET_KEY": "integration-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "WARNING",
    "CELERY_BROKER_URL": "",  # tasks run eagerly in the web process
    "CACHE_URL": "",
}
START_TIMEOUT = 60  # seconds; generous, other suites may share the 2 cores


def child_pids(pid: int) -> set[int]:
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # the name, in parentheses, may hold spaces
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if int(fields[1]) == pid:
            children.add(int(stat.parent.name))
    return children


@dataclass
class Gunicorn:
    process: subprocess.Popen
    url: str
    log_path: Path
    workers: int

    def pids(self) -> set[int]:
        """The master and its workers: a worker killed for a timeout comes back with a new pid."""
        return {self.process.pid, *child_pids(self.process.pid)}

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_records(self) -> list[dict]:
        """The app's log lines (JSON with DEBUG=0); gunicorn's own plain lines are left out."""
        records = []
        for line in self.log().splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        return [record for record in records if isinstance(record, dict)]

    def get(self, path: str, **kwargs) -> Response:
        return http_get(self.url + path, **kwargs)

    def wait_until_ready(self, health: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            if len(self.pids()) == self.workers + 1:
                try:
                    if self.get("/healthz", timeout=10).status == health:
                        return
                except OSError:
                    pass  # not accepting yet, or a slow first request
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer /healthz with {health} within {START_TIMEOUT} s:\n{self.log()}")

    def stop(self) -> None:
        stop_process_group(self.process)  # workers too, even if the master is stuck


@pytest.fixture(scope="session")
def collected_static():
    """Production serves hashed static files from a manifest: without it every page is a 500 (as after a
    deploy that forgot collectstatic). Same command as `make serve`; ~5 s, once per session."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def gunicorn(tmp_path, collected_static):
    """Start gunicorn (production settings) against a database: `gunicorn(url, workers=2, env={...})`.

    It is ready when every worker is up and /healthz answers `health` (200: the database answers).
    """
    servers: list[Gunicorn] = []

    def start(database_url: str, *, workers: int = 2, env: dict[str, str] | None = None, health: int = 200) -> Gunicorn:
        # The port is bound here and handed over (fd://), so no other process can take it meanwhile.
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        port = listener.getsockname()[1]
        log_path = tmp_path / f"gunicorn-{port}.log"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers)]
        command += ["--bind", f"fd://{listener.fileno()}", "--timeout", "30", "--graceful-timeout", "5"]
        command += ["--no-control-socket"]  # its default path is shared by every gunicorn of the user
        with log_path.open("w") as log:
            process = subprocess.Popen(
                command + ["--log-level", "warning"],
                cwd=ROOT,
                env={**os.environ, **PRODUCTION_ENV, "DATABASE_URL": database_url, **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=[listener.fileno()],
                start_new_session=True,
            )
        listener.close()  # gunicorn holds its own copy
        server = Gunicorn(process, f"http://127.0.0.1:{port}", log_path, workers)
        servers.append(server)
        server.wait_until_ready(health)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Start workers with `workers(name, ...)`; all are stopped, and this process made eager again, at the end."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    started = []

    def start(name, **options):
        worker = Worker(name, tmp_path / f"{name}.log", **options)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    app.conf.update(saved)
    reset_broker_pool()
