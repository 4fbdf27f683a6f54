"""Writing through the API: staff only (session with CSRF, or token), JSON field errors, recorded changes."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from papers.models import Paper
from taxonomy.models import ChangeRecord, Placement

pytestmark = pytest.mark.django_db

NEW_PAPER = {
    "citation_key": "doe2025hetero",
    "title": "A New Heterogeneous Training System",
    "authors": ["Doe, Jane", "Roe, Richard"],
    "year": 2025,
    "venue_short": "TestConf 2025",
    "entry_type": "inproceedings",
    "doi": "https://doi.org/10.1000/XYZ.1",
    "arxiv_id": "arXiv:2501.00001v2",
}


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("editor", password="pw", is_staff=True)


@pytest.fixture
def staff_api(staff):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    return client


def test_staff_creates_a_paper_with_ordered_authors_and_normalised_ids(staff_api, seed):
    response = staff_api.post("/api/papers/", NEW_PAPER, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [a["family_name"] for a in body["authors"]] == ["Doe", "Roe"]
    assert body["identifiers"] == {"doi": "10.1000/XYZ.1", "arxiv_id": "2501.00001", "arxiv_version": 2}
    paper = Paper.objects.get(citation_key="doe2025hetero")
    assert paper.field_sources["title"] == "curator"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"doi": "10.1145/3669940.3707215"}, "doi"),  # Helix's DOI
        ({"doi": "10.1145/3669940.3707215".upper()}, "doi"),
        ({"arxiv_id": "2005.14038v3"}, "arxiv_id"),  # HetPipe's
        ({"citation_key": "park2020hetpipe"}, "citation_key"),
        ({"doi": "not-a-doi"}, "doi"),
        ({"year": "soon"}, "year"),
        ({"year": 20}, "year"),
        ({"title": ""}, "title"),
        ({"authors": []}, "authors"),
        ({"url": "javascript:alert(1)"}, "url"),
    ],
)
def test_invalid_papers_get_json_field_errors_and_nothing_is_stored(staff_api, seed, change, field):
    response = staff_api.post("/api/papers/", {**NEW_PAPER, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Paper.objects.count() == 9


def test_staff_updates_and_deletes_a_paper(staff_api, seed):
    response = staff_api.patch("/api/papers/li2022amp/", {"title": "AMP, curated"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "AMP, curated"
    assert Paper.objects.get(citation_key="li2022amp").field_sources["title"] == "curator"
    assert staff_api.delete("/api/papers/li2022amp/").status_code == 204
    assert not Paper.objects.filter(citation_key="li2022amp").exists()
    deleted = ChangeRecord.objects.filter(citation_key="li2022amp", action="deleted")
    assert deleted.filter(kind="placement").count() == 1 and deleted.filter(kind="value").exists()


def test_placements_are_written_and_every_change_recorded(staff_api, staff, seed):
    created = staff_api.post(
        "/api/placements/", {"paper": "mei2025helix", "category": "intra-pipeline", "note": "§4 max-flow"}
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert staff_api.patch(f"/api/placements/{pk}/", {"note": "§4.2 max-flow placement"}).status_code == 200
    assert staff_api.delete(f"/api/placements/{pk}/").status_code == 204

    changes = staff_api.get("/api/changes/").json()["results"]
    assert [c["action"] for c in changes[:3]] == ["deleted", "updated", "created"]
    updated = changes[1]
    assert updated["user"] == staff.username and updated["paper"] == "mei2025helix"
    assert updated["before"]["note"] == "§4 max-flow" and updated["after"]["note"] == "§4.2 max-flow placement"


def test_a_duplicate_placement_is_a_400(staff_api, seed):
    response = staff_api.post("/api/placements/", {"paper": "park2020hetpipe", "category": "intra-pipeline"})
    assert response.status_code == 400
    assert Placement.objects.filter(paper__citation_key="park2020hetpipe").count() == 2


def test_dimension_values_are_written_with_terms_of_their_dimension(staff_api, seed):
    ok = staff_api.post(
        "/api/values/",
        {"paper": "mei2025helix", "dimension": "technique", "term": "ilp", "evidence": "§5"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["term"] == "ilp"
    assert "ilp" in {v["term"] for v in staff_api.get("/api/papers/mei2025helix/").json()["dimension_values"]}
    wrong = staff_api.post("/api/values/", {"paper": "mei2025helix", "dimension": "workload", "term": "ilp"})
    assert wrong.status_code == 400 and "term" in wrong.json()
    again = staff_api.post("/api/values/", {"paper": "mei2025helix", "dimension": "technique", "term": "ilp"})
    assert again.status_code == 400
    assert ChangeRecord.objects.filter(kind="value", action="created").count() == 1


@pytest.mark.parametrize(
    "method, url, data",
    [
        ("post", "/api/papers/", NEW_PAPER),
        ("patch", "/api/papers/li2022amp/", {"title": "x"}),
        ("delete", "/api/papers/li2022amp/", None),
        ("post", "/api/placements/", {"paper": "li2022amp", "category": "other"}),
        ("post", "/api/values/", {"paper": "li2022amp", "dimension": "technique", "term": "ilp"}),
    ],
)
def test_anonymous_and_non_staff_writes_are_refused(api, seed, django_user_model, method, url, data):
    assert getattr(api, method)(url, data, format="json").status_code == 401
    user = django_user_model.objects.create_user("reader", password="pw")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert getattr(api, method)(url, data, format="json").status_code == 403
    assert Paper.objects.get(citation_key="li2022amp").title.startswith("AMP")


def test_session_writes_need_the_csrf_token(seed, staff):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.patch("/api/papers/li2022amp/", {"title": "x"}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_anonymous_requests_are_throttled_with_retry_after(api, seed, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/minute"}
    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = rates
    try:
        from django.core.cache import cache

        cache.clear()
        statuses = [api.get("/api/categories/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert int(api.get("/api/categories/")["Retry-After"]) > 0
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
        cache.clear()


def _write_operations() -> list[tuple[str, str]]:
    """Every write the API schema documents, as (method, path template)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    ]


def test_a_non_staff_token_gets_403_on_every_write_the_schema_documents(api, seed, django_user_model):
    from taxonomy.models import DimensionValue, Placement

    operations = _write_operations()
    assert len(operations) >= 14  # papers, placements, values (4 each) and the two imports
    ids = {
        "papers": "li2022amp",
        "placements": Placement.objects.first().pk,
        "values": DimensionValue.objects.first().pk,
    }
    user = django_user_model.objects.create_user("reader", password="pw")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    before = (Paper.objects.count(), Placement.objects.count(), DimensionValue.objects.count())
    for method, template in operations:
        resource = template.split("/")[2]
        url = template.replace("{citation_key}", "{id}").replace("{id}", str(ids.get(resource)))
        response = getattr(api, method)(url, {"title": "x", "ids": ["2005.14038"], "text": "@misc{a,title={A}}"})
        assert response.status_code == 403, f"{method.upper()} {url}: {response.status_code}"
    assert (Paper.objects.count(), Placement.objects.count(), DimensionValue.objects.count()) == before
    assert not Paper.objects.filter(title="x").exists()
