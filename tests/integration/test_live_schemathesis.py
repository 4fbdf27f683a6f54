"""The API as deployed answers as documented: schemathesis's CLI against gunicorn and PostgreSQL.

tests/test_api_schema.py calls the app in-process, anonymously, on the seed. This runs the real thing:
two gunicorn workers with production settings (DEBUG=0, persistent connections, facet cache), the
whole catalogue in PostgreSQL, and a staff token, so writes, deletes and imports are generated too.
A few thousand requests in ~30 s; the test database is fresh each run, so whatever they change is fine.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from taxonomy.catalogue import load_catalogue
from tests.integration.support import database_url, postgres_only

pytestmark = postgres_only

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Per operation and phase; the coverage phase adds its own cases (boundaries, missing fields...).
MAX_EXAMPLES = 10
SEED = 1  # the same requests each run; change it to explore others
# Every check except two that judge the schema's strictness rather than the app: schema-valid values the
# app rightly refuses (an unknown category slug is a 400) and schema-invalid ones it harmlessly accepts.
EXCLUDED_CHECKS = "positive_data_acceptance,negative_data_rejection"
SERVER_ENV = {
    "API_ANON_RATE": "1000000/minute",
    # Staff may start arXiv fetches (run in-process without a broker): they fail at once, nothing listens.
    "ARXIV_API_URL": "http://127.0.0.1:1/api/query",
    "ARXIV_DELAY_SECONDS": "0",
    "ARXIV_MAX_RETRIES": "0",
    "ARXIV_TIMEOUT_SECONDS": "2",
}


@pytest.fixture
def catalogue_server(transactional_db, gunicorn, django_user_model):
    load_catalogue()  # committed: the server is other processes
    staff = django_user_model.objects.create_user("fuzzer", is_staff=True)
    token = Token.objects.create(user=staff)
    return gunicorn(database_url(connection.settings_dict), env=SERVER_ENV), token.key


def test_every_operation_answers_as_documented_on_gunicorn_and_postgres(catalogue_server, tmp_path):
    server, token = catalogue_server
    report_path = tmp_path / "schemathesis.json"
    command = [str(SCHEMATHESIS), "run", f"{server.url}/api/schema/", "--checks", "all"]
    command += ["--exclude-checks", EXCLUDED_CHECKS, "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED)]
    command += ["--workers", "2", "--request-timeout", "30", "--header", f"Authorization: Token {token}"]
    command += ["--generation-database", "none", "--no-color", "--output-truncate", "true"]
    command += ["--report", "json", "--report-json-path", str(report_path)]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    output = result.stdout + result.stderr
    assert result.returncode == 0, f"schemathesis failed:\n{output}\n--- gunicorn log ---\n{server.log()[-20000:]}"
    report = json.loads(report_path.read_text())
    assert report["operations"]["tested"] == report["operations"]["total"] >= 20, output
    assert report["test_cases"]["generated"] >= 2000, output
    # Django logs every 5xx, also those the checks never judge (schemathesis's own probes, for one).
    server_errors = [record for record in server.log_records() if record["logger"] == "django.request"]
    assert not [record for record in server_errors if record["level"] == "ERROR"], server_errors[:20]
    print(f"schemathesis: {report['test_cases']['generated']} test cases in {report['running_time']:.0f} s")
