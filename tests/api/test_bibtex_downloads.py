"""The BibTeX downloads are API views like the others: same options, errors, throttle and schema."""

import pytest
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle

from papers.models import Paper

pytestmark = pytest.mark.django_db
ONE = "/api/papers/park2020hetpipe/bibtex"
MANY = "/api/papers/export.bib?category=intra-pipeline"


@pytest.fixture
def with_abstract(seed):
    Paper.objects.filter(citation_key="park2020hetpipe").update(abstract="Virtual workers.")


@pytest.mark.parametrize("url", [ONE, MANY])
@pytest.mark.parametrize("word", ["1", "true", "True", "yes", "on"])
def test_abstract_is_any_yes_word_on_both_endpoints(client, with_abstract, url, word):
    sep = "&" if "?" in url else "?"
    assert "Virtual workers." in client.get(f"{url}{sep}abstract={word}").content.decode()


@pytest.mark.parametrize("url", [ONE, MANY])
@pytest.mark.parametrize("word", ["0", "false", "no", ""])
def test_no_abstract_otherwise(client, with_abstract, url, word):
    sep = "&" if "?" in url else "?"
    assert "Virtual workers." not in client.get(f"{url}{sep}abstract={word}").content.decode()


@pytest.mark.parametrize("url", [ONE, MANY])
def test_a_download_is_a_bib_file(client, seed, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response.content.decode().startswith("@")


@pytest.mark.parametrize(
    ("url", "status", "key"),
    [
        ("/api/papers/nope/bibtex", 404, "detail"),
        (f"{ONE}?prefer=newest", 400, "prefer"),
        ("/api/papers/export.bib?year_min=abc", 400, "year_min"),
        ("/api/papers/export.bib?category=nope", 400, "category"),
        ("/api/papers/export.bib?technique=nope", 400, "technique"),
        ("/api/papers/export.bib?has_code=maybe", 400, "has_code"),
    ],
)
def test_errors_are_json_whatever_the_client_accepts(client, seed, url, status, key):
    response = client.get(url, HTTP_ACCEPT="application/x-bibtex")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert key in response.json()


def test_has_code_accepts_the_same_words_as_everywhere(api, seed):
    with_code = api.get("/api/papers/?has_code=yes").json()["count"]
    assert (
        with_code
        == api.get("/api/papers/?has_code=true").json()["count"]
        == api.get("/api/papers/?has_code=1").json()["count"]
    )
    assert with_code + api.get("/api/papers/?has_code=no").json()["count"] == api.get("/api/papers/").json()["count"]
    assert api.get("/api/papers/?has_code=maybe").status_code == 400


def test_downloads_are_in_the_schema(api):
    paths = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    one, many = paths["/api/papers/{citation_key}/bibtex"]["get"], paths["/api/papers/export.bib"]["get"]
    assert {"abstract", "prefer"} <= {p["name"] for p in one["parameters"]}
    assert {"abstract", "prefer", "q", "category", "has_code"} <= {p["name"] for p in many["parameters"]}


def test_anonymous_downloads_are_throttled(client, seed, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {**AnonRateThrottle.THROTTLE_RATES, "anon": "2/minute"})
    cache.clear()
    statuses = [client.get(url).status_code for url in (ONE, MANY, ONE)]
    assert statuses == [200, 200, 429]
