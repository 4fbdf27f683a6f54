"""The admin writes through the same services as the API: recorded deletes, one upload reader."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from papers.models import IngestRun, Paper
from taxonomy.models import ChangeRecord, Placement, SetupGpu

pytestmark = pytest.mark.django_db

HETPIPE = "park2020hetpipe"


def deletions_of(citation_key: str) -> list[tuple[str, str]]:
    records = ChangeRecord.objects.filter(citation_key=citation_key, action=ChangeRecord.Action.DELETED)
    return sorted((record.kind, record.username) for record in records)


def recorded_parts(paper: Paper) -> dict[str, int]:
    """What deleting the paper takes with it, by change kind (a setup takes its GPU rows)."""
    return {
        "placement": paper.placements.count(),
        "value": paper.dimension_values.count(),
        "setup": paper.setups.count(),
        "setup-gpu": SetupGpu.objects.filter(setup__paper=paper).count(),
        "result": paper.results.count(),
        "baseline": paper.baselines.count(),
        "model": paper.evaluated_models.count(),
    }


def expected_deletions(parts: dict[str, int], username: str) -> list[tuple[str, str]]:
    return sorted((kind, username) for kind, count in parts.items() for _ in range(count))


def test_deleting_a_paper_in_the_admin_records_what_it_took_like_the_api(staff_client, seed):
    paper = Paper.objects.get(citation_key=HETPIPE)
    parts = recorded_parts(paper)
    assert parts["placement"] == 2 and parts["value"] > 0 and parts["setup"] > 0  # two categories, evaluated

    response = staff_client.post(f"/admin/papers/paper/{paper.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Paper.objects.filter(citation_key=HETPIPE).exists()
    assert deletions_of(HETPIPE) == expected_deletions(parts, "curator")


def test_deleting_selected_papers_in_the_admin_records_each(staff_client, seed):
    papers = list(Paper.objects.filter(citation_key__in=[HETPIPE, "liu2023heterps"]))
    expected = {p.citation_key: sum(recorded_parts(p).values()) for p in papers}

    response = staff_client.post(
        "/admin/papers/paper/",
        {"action": "delete_selected", "_selected_action": [p.pk for p in papers], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Paper.objects.filter(pk__in=[p.pk for p in papers]).exists()
    assert {key: len(deletions_of(key)) for key in expected} == expected
    assert not Placement.objects.filter(paper__citation_key__in=expected).exists()


def test_the_api_delete_records_the_same(api, seed, django_user_model):
    staff = django_user_model.objects.create_user("api-curator", password="pw", is_staff=True)
    api.force_authenticate(staff)
    parts = recorded_parts(Paper.objects.get(citation_key=HETPIPE))

    assert api.delete(f"/api/papers/{HETPIPE}/").status_code == 204
    assert deletions_of(HETPIPE) == expected_deletions(parts, "api-curator")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("@misc{k1, title = {One}, author = {Doe, Jane}}".encode("utf-16"), "NUL bytes"),
        (b"\x00\x01\x02binary", "NUL bytes"),
    ],
)
def test_an_admin_upload_that_is_not_text_is_a_form_error_and_starts_no_run(staff_client, content, message):
    upload = SimpleUploadedFile("utf16.bib", content)

    response = staff_client.post("/admin/papers/paper/import-bibtex/", {"file": upload})

    assert response.status_code == 200  # the form again, with its error
    assert message in response.content.decode()
    assert not IngestRun.objects.exists()


def test_an_admin_upload_in_latin_1_is_read_as_such(staff_client, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("old.bib", "@misc{k1, title = {Caf\xe9}, author = {M\xfcller, J}}".encode("latin-1"))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/papers/paper/import-bibtex/", {"file": upload})

    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.title == "Café" and paper.ordered_authors[0].family_name == "Müller"


def test_the_api_refuses_the_same_upload_with_400(api, django_user_model):
    api.force_authenticate(django_user_model.objects.create_user("s", password="pw", is_staff=True))
    upload = SimpleUploadedFile("utf16.bib", "@misc{k1, title = {One}}".encode("utf-16"))

    response = api.post("/api/imports/bibtex/", {"file": upload}, format="multipart")

    assert response.status_code == 400
    assert "NUL bytes" in response.json()["file"][0]
    assert not IngestRun.objects.exists()


def test_pasted_text_with_nul_is_refused_too(api, django_user_model):
    api.force_authenticate(django_user_model.objects.create_user("s", password="pw", is_staff=True))

    response = api.post("/api/imports/bibtex/", {"text": "@misc{k1,\x00 title = {One}}"}, format="json")

    assert response.status_code == 400 and response.json()["text"]  # DRF's own check, before ours
    assert not IngestRun.objects.exists()


def test_pasted_text_with_nul_is_a_form_error_in_the_admin(staff_client):
    response = staff_client.post("/admin/papers/paper/import-bibtex/", {"text": "@misc{k1,\x00 title = {One}}"})

    assert response.status_code == 200 and "Null characters are not allowed" in response.content.decode()  # Django's
    assert not IngestRun.objects.exists()
