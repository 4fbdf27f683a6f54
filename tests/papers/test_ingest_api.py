"""/api/imports/: staff start imports (202 + the run's URL) and read their outcomes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from papers.models import IngestRun, Paper
from tests.data.fake_arxiv import serve_for_tests

pytestmark = pytest.mark.django_db

BIB = "@misc{k1, title = {One}, author = {Doe, Jane}, year = 2024}\n@misc{k2, author = {Doe, Jane}}\n"


@pytest.fixture
def arxiv(settings):
    yield from serve_for_tests(settings)


@pytest.fixture
def staff(api, django_user_model):
    user = django_user_model.objects.create_user("curator", is_staff=True)
    api.force_authenticate(user)
    return api


def test_posting_bibtex_text_answers_202_with_the_runs_url(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/api/imports/bibtex/", {"text": BIB}, format="json")
    assert response.status_code == 202
    run = IngestRun.objects.get()
    assert response.json() == {
        "id": run.pk,
        "url": f"http://testserver/api/imports/{run.pk}/",
        "kind": "bibtex_import",
        "state": "queued",
        "waiting_for_queue": False,
    }
    assert response["Location"] == response.json()["url"]
    body = staff.get(response.json()["url"]).json()
    assert (body["state"], body["counts"]) == (
        "done",
        {"created": 1, "updated": 0, "unchanged": 0, "duplicate": 0, "failed": 1},
    )
    assert body["messages"][1] == {"entry": "k2", "outcome": "failed", "paper": "", "message": "No title.", "line": 2}
    assert run.requested_by.username == "curator"


def test_posting_a_bib_file(staff, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("seed.bib", BIB.encode(), content_type="application/x-bibtex")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/api/imports/bibtex/", {"file": upload}, format="multipart")
    assert response.status_code == 202
    run = IngestRun.objects.get()
    assert (run.input_name, run.created_count) == ("seed.bib", 1)


def test_a_latin1_file_is_read(staff, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("old.bib", "@misc{k, title = {Réseaux}, author = {Doe, J.}}".encode("latin-1"))
    with django_capture_on_commit_callbacks(execute=True):
        staff.post("/api/imports/bibtex/", {"file": upload}, format="multipart")
    assert Paper.objects.get().title == "Réseaux"


def test_an_upload_over_10_mb_is_refused_with_a_clear_error(staff):
    big = SimpleUploadedFile("big.bib", b"%" * (10 * 1024 * 1024 + 1))
    response = staff.post("/api/imports/bibtex/", {"file": big}, format="multipart")
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The BibTeX is 10.5 MB; the limit is 10 MB.")
    response = staff.post("/api/imports/bibtex/", {"text": "%" * (10 * 1024 * 1024 + 1)}, format="json")
    assert response.status_code == 413
    response = staff.post("/api/imports/bibtex/", {"text": "%" * (21 * 1024 * 1024)}, format="json")
    assert response.status_code == 413 and "The request is over" in response.json()["detail"]
    assert not IngestRun.objects.exists()


def test_it_needs_a_file_or_text(staff):
    response = staff.post("/api/imports/bibtex/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Send either a BibTeX file or BibTeX text."]}


def test_posting_arxiv_ids(staff, arxiv, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/api/imports/arxiv/", {"ids": ["arXiv:2005.14038", "2406.01566v1"]}, format="json")
    assert response.status_code == 202
    body = staff.get(response.json()["url"]).json()
    assert body["state"] == "done" and body["counts"]["created"] == 2 and body["requests_made"] == 1


def test_malformed_arxiv_ids_are_refused(staff):
    response = staff.post("/api/imports/arxiv/", {"ids": ["2005.14038", "nope"]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"ids": ["Not an arXiv identifier: 'nope'"]}


@pytest.mark.parametrize("url", ["/api/imports/bibtex/", "/api/imports/arxiv/"])
def test_anonymous_and_non_staff_users_cannot_import(api, django_user_model, url):
    assert api.post(url, {"text": BIB, "ids": ["2005.14038"]}, format="json").status_code == 401
    api.force_authenticate(django_user_model.objects.create_user("reader"))
    assert api.post(url, {"text": BIB, "ids": ["2005.14038"]}, format="json").status_code == 403
    assert not IngestRun.objects.exists()


def test_a_staff_token_works(api, django_user_model, django_capture_on_commit_callbacks):
    token = Token.objects.create(user=django_user_model.objects.create_user("bot", is_staff=True))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/imports/bibtex/", {"text": BIB}, format="json").status_code == 202


def test_runs_are_staff_only(api, staff):
    run = IngestRun.objects.create(kind=IngestRun.Kind.BIBTEX_IMPORT)
    assert staff.get(f"/api/imports/{run.pk}/").status_code == 200
    unknown = staff.get(f"/api/imports/{run.pk + 1}/")
    assert unknown.status_code == 404 and unknown.json() == {"detail": "No IngestRun matches the given query."}
    staff.force_authenticate(None)
    assert api.get(f"/api/imports/{run.pk}/").status_code == 401
    # Anonymous: the same 401 for a run that exists and one that does not.
    anonymous = api.get(f"/api/imports/{run.pk + 1}/")
    assert anonymous.status_code == 401 and anonymous.json() == {
        "detail": "Authentication credentials were not provided."
    }
