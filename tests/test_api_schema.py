"""The API describes itself: every generated request gets a documented answer, never a 5xx.

Schemathesis generates requests from /api/schema/ and calls the app in-process (WSGI), checking
status codes, content types and bodies against the schema.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.throttling import AnonRateThrottle

EXAMPLES_PER_OPERATION = 100
# No 5xx, and status codes, content types, headers and bodies as the schema says. Not checked: that
# every schema-valid value is accepted (an unknown category slug is schema-valid and rightly a 400).
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.ignored_auth,
]


@pytest.fixture
def keep_test_connection():
    # Like Django's test client: the WSGI app must not close the connection holding the test transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_answers_as_documented(seed, monkeypatch, keep_test_connection):
    from config.wsgi import application

    # Thousands of anonymous requests would otherwise meet the throttle (tested on its own).
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": None})
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case):
            case.call_and_validate(checks=CHECKS)

        answers_as_documented()


def test_schema_and_docs_are_served(client, db):
    schema_response = client.get("/api/schema/?format=json")
    assert schema_response.status_code == 200
    paths = schema_response.json()["paths"]
    assert {"/api/papers/", "/api/compare/", "/api/categories/", "/api/changes/"} <= set(paths)
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()
