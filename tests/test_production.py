"""Production settings, the health endpoint and response headers."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-for-this-test-only-0123456789abcdef",
    "ALLOWED_HOSTS": "papers.example.org",
}


def manage(*args, env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env={**full_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0 and f"{missing} must be set" in result.stderr


def test_check_deploy_reports_nothing():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured"}


def test_healthz_answers_503_with_the_reason_when_the_broker_is_away(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["problems"][0].startswith("broker:")


def test_responses_carry_a_content_security_policy(client):
    policy = client.get("/api/categories/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_api_docs_load_no_script_from_another_host(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger" in page.lower() and "https://" not in page.split("<body")[0]


def test_a_nul_byte_in_the_query_is_a_400_not_a_database_error(client):
    response = client.get("/api/papers/", {"q": "het\x00pipe"})
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
