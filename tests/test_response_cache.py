"""Whole anonymous API responses from the cache: hits, misses, who bypasses it, and every door that invalidates it.

Invalidation happens when a write commits, so those tests run in real transactions (transaction=True).
"""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lib.cache import get_or_compute
from papers.ingestion import import_bibtex
from papers.models import Paper
from papers.services import accept_candidates
from taxonomy.backup import export_catalogue, import_catalogue
from taxonomy.catalogue import SEED_PATH, load_catalogue
from taxonomy.models import Category
from tests.factories import make_paper, place
from tests.test_admin import change_form_data

DETAIL = "/api/papers/park2020hetpipe/"
ENDPOINTS = [
    "/api/papers/?page_size=5",
    "/api/papers/?q=pipeline",
    DETAIL,
    "/api/papers/park2020hetpipe/bibtex",
    "/api/papers/export.bib",
    "/api/categories/",
    "/api/categories/intra-pipeline/",
    "/api/compare/?category=intra-pipeline&format=csv",
    "/api/awesome.md",
]


@pytest.fixture
def cached(settings):
    settings.API_CACHE_SECONDS = 600
    settings.FACET_CACHE_SECONDS = 60


@pytest.fixture
def count_queries():
    """get(url): the response and how many queries it took; 0 means it came from the cache."""

    def get(url, client=None, **extra):
        with CaptureQueriesContext(connection) as queries:
            response = (client or Client()).get(url, **extra)
        return response, len(queries)

    return get


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ENDPOINTS)
def test_it_answers_a_repeated_anonymous_get_from_the_cache_byte_for_byte(cached, seed, count_queries, settings, url):
    first, queries = count_queries(url)
    assert first.status_code == 200 and queries > 0
    again, queries = count_queries(url)
    assert queries == 0
    settings.API_CACHE_SECONDS = 0
    fresh, _ = count_queries(url)
    for response in (again, fresh):
        assert response.status_code == first.status_code
        assert list(response.items()) == list(first.items())
        assert response.content == first.content


@pytest.mark.django_db
def test_it_is_off_when_the_setting_is_zero(seed, count_queries, settings):
    settings.API_CACHE_SECONDS = 0
    count_queries(DETAIL)
    assert count_queries(DETAIL)[1] > 0


@pytest.mark.django_db
def test_it_keys_query_strings_and_accept_headers_separately(cached, seed, count_queries):
    two, _ = count_queries("/api/papers/?page_size=2")
    three, queries = count_queries("/api/papers/?page_size=3")
    assert queries > 0 and len(three.json()["results"]) == 3 and len(two.json()["results"]) == 2
    assert count_queries("/api/papers/?page_size=3")[1] == 0
    csv, queries = count_queries("/api/compare/?category=intra-pipeline", HTTP_ACCEPT="text/csv")
    assert queries > 0 and csv["Content-Type"].startswith("text/csv")
    as_json, queries = count_queries("/api/compare/?category=intra-pipeline", HTTP_ACCEPT="application/json")
    assert queries > 0 and as_json["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_it_only_caches_successful_answers(cached, seed, count_queries):
    assert count_queries("/api/papers/nosuchpaper/")[0].status_code == 404
    assert count_queries("/api/papers/nosuchpaper/")[1] > 0
    assert count_queries("/api/papers/?page_size=0")[0].status_code == 400
    assert count_queries("/api/papers/?page_size=0")[1] > 0


@pytest.mark.django_db
def test_it_never_answers_a_write_from_the_cache(cached, seed, count_queries):
    count_queries("/api/papers/")
    assert Client().post("/api/papers/", {}).status_code == 401
    assert Client().options("/api/papers/").json()["name"] == "Paper List"


@pytest.mark.django_db
def test_staff_neither_read_nor_fill_the_cache(cached, seed, count_queries, staff_client, django_user_model):
    count_queries(DETAIL)
    # A change that sends no signal: anonymous readers keep the cached answer until a write commits ...
    Paper.objects.filter(citation_key="park2020hetpipe").update(title="Renamed quietly")
    assert count_queries(DETAIL)[0].json()["title"] != "Renamed quietly"
    # ... but staff, by session or by token, always get a fresh one.
    assert count_queries(DETAIL, client=staff_client)[0].json()["title"] == "Renamed quietly"
    token = Token.objects.create(user=django_user_model.objects.get(username="curator"))
    by_token, queries = count_queries(DETAIL, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert queries > 0 and by_token.json()["title"] == "Renamed quietly"
    # What staff fetched was not stored for anyone else.
    response, queries = count_queries("/api/papers/mei2025helix/", client=staff_client)
    assert response.status_code == 200
    assert count_queries("/api/papers/mei2025helix/")[1] > 0


@pytest.mark.django_db
def test_it_never_stores_or_serves_cookies(cached, seed, count_queries):
    # The browsable API sets a CSRF cookie: that page is not stored, so each visitor gets a token of their own.
    first, _ = count_queries(DETAIL, HTTP_ACCEPT="text/html")
    second, queries = count_queries(DETAIL, HTTP_ACCEPT="text/html")
    assert queries > 0
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # A cached answer carries no cookie, and a request with any cookie is answered fresh.
    count_queries(DETAIL)
    hit, queries = count_queries(DETAIL)
    assert queries == 0 and not hit.cookies and "Set-Cookie" not in hit
    with_cookie = Client()
    with_cookie.cookies["csrftoken"] = "a" * 32
    assert count_queries(DETAIL, client=with_cookie)[1] > 0


@pytest.mark.django_db
def test_cached_hits_do_not_count_against_the_anonymous_throttle(cached, seed):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/minute"}
    try:
        assert [Client().get(DETAIL).status_code for _ in range(5)] == [200] * 5
        statuses = [Client().get(f"/api/papers/?page={n}&page_size=1").status_code for n in range(1, 4)]
        assert statuses == [200, 200, 429]  # misses are throttled: the first detail request counted
    finally:
        AnonRateThrottle.THROTTLE_RATES = original


# --- Invalidation: each door through which public data changes ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_api_write_is_visible_at_once(cached, seed, count_queries, django_user_model):
    count_queries(DETAIL)
    staff = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    writer = APIClient()
    writer.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    assert writer.patch(DETAIL, {"title": "HetPipe, revised"}, format="json").status_code == 200
    assert count_queries(DETAIL)[0].json()["title"] == "HetPipe, revised"


@pytest.mark.django_db(transaction=True)
def test_an_admin_save_is_visible_at_once(cached, seed, count_queries, staff_client):
    count_queries(DETAIL)
    paper = Paper.objects.get(citation_key="park2020hetpipe")
    url = f"/admin/papers/paper/{paper.pk}/change/"
    data = change_form_data(staff_client.get(url))
    data["title"] = "HetPipe (curated)"
    assert staff_client.post(url, data).status_code == 302
    assert count_queries(DETAIL)[0].json()["title"] == "HetPipe (curated)"


@pytest.mark.django_db(transaction=True)
def test_an_accepted_candidate_is_listed_at_once(cached, seed, count_queries, staff_client):
    before = count_queries("/api/papers/")[0].json()["count"]
    candidate = make_paper(citation_key="cand1", status=Paper.Status.CANDIDATE)
    url = "/admin/papers/candidatepaper/"
    data = {"action": "accept", "_selected_action": [candidate.pk], "apply": "1"}
    staff_client.post(url, {**data, "categories": [Category.objects.get(slug="other").pk]})
    assert count_queries("/api/papers/")[0].json()["count"] == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_staff_write_that_sends_no_signal_is_visible_at_once(cached, seed, count_queries, staff_client):
    # Placed beforehand, so accepting saves no placement: only QuerySet.update() flips the status.
    candidate = make_paper(citation_key="cand1", status=Paper.Status.CANDIDATE)
    other = Category.objects.get(slug="other")
    place(candidate, other)
    before = count_queries("/api/papers/")[0].json()["count"]
    data = {"action": "accept", "_selected_action": [candidate.pk], "apply": "1", "categories": [other.pk]}
    staff_client.post("/admin/papers/candidatepaper/", data)
    assert count_queries("/api/papers/")[0].json()["count"] == before + 1


@pytest.mark.django_db(transaction=True)
def test_an_ingestion_run_is_visible_at_once(cached, seed, count_queries):
    before = count_queries("/api/papers/")[0].json()["count"]
    run = import_bibtex(text="@article{new2025gpu, title={Brand New GPU Paper}, author={Doe, Jane}, year={2025}}")
    assert run.created_count == 1
    listing = count_queries("/api/papers/")[0].json()
    assert listing["count"] == before + 1
    assert sum(year["count"] for year in listing["facets"]["year"]) == before + 1  # facets too


@pytest.mark.django_db(transaction=True)
def test_a_placement_moves_the_category_counts_at_once(cached, seed, count_queries):
    def other_count():
        tree = count_queries("/api/categories/")[0].json()
        return {node["slug"]: node["paper_count"] for node in tree}["other"]

    before = other_count()
    place(make_paper(), Category.objects.get(slug="other"))
    assert other_count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_loading_and_restoring_the_catalogue_are_visible_at_once(cached, count_queries):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        load_catalogue(catalogue_paths=[SEED_PATH])
        document = export_catalogue()
        raise Rollback  # an export of the seed, with the database left empty

    assert count_queries("/api/papers/")[0].json()["count"] == 0
    import_catalogue(document)
    assert count_queries("/api/papers/")[0].json()["count"] == 9
    Paper.objects.all().delete()
    assert count_queries("/api/papers/")[0].json()["count"] == 0
    load_catalogue(catalogue_paths=[SEED_PATH])
    assert count_queries("/api/papers/")[0].json()["count"] == 9


def test_counts_missed_by_many_requests_at_once_are_computed_once():
    """After a write every count is stale; concurrent requests must not all run the same aggregates."""
    cache.clear()
    calls = []

    def slow_count():
        calls.append(1)
        time.sleep(0.3)
        return {"papers": 53}

    results = []
    start = threading.Barrier(8)

    def request():
        start.wait()
        results.append(get_or_compute("facets:test", slow_count, 60))

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [{"papers": 53}] * 8
    assert len(calls) == 1
    assert get_or_compute("facets:test", slow_count, 60) == {"papers": 53} and len(calls) == 1


@pytest.fixture
def cache_away(settings):
    """The shared cache's Redis is down (nothing listens on port 1)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.API_CACHE_SECONDS = 600
    settings.FACET_CACHE_SECONDS = 600


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*ENDPOINTS, "/", "/taxonomy/", "/categories/intra-pipeline/"])
def test_everything_is_served_uncached_while_the_cache_is_away(cache_away, seed, url):
    assert Client().get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_writes_succeed_while_the_cache_is_away(cache_away, django_user_model):
    load_catalogue(catalogue_paths=[SEED_PATH])
    staff_api = APIClient()
    staff_api.force_authenticate(django_user_model.objects.create_user("editor", is_staff=True))
    response = staff_api.patch(DETAIL, {"title": "HetPipe, retitled"}, format="json")
    assert response.status_code == 200
    assert Client().get(DETAIL).json()["title"] == "HetPipe, retitled"


@pytest.mark.django_db(transaction=True)
def test_candidates_accepted_outside_a_request_are_listed_at_once(cached, seed, count_queries):
    """The curation services write with QuerySet.update() (no signals): they invalidate themselves."""
    before = count_queries("/api/papers/")[0].json()["count"]
    candidate = make_paper(citation_key="cand2", status=Paper.Status.CANDIDATE)
    count_queries("/api/papers/")
    assert count_queries("/api/papers/")[1] == 0  # cached, without the candidate
    accept_candidates(Paper.objects.filter(pk=candidate.pk))  # as a shell or a command would
    assert count_queries("/api/papers/")[0].json()["count"] == before + 1


@pytest.mark.django_db
def test_large_responses_are_not_stored(cached, seed, count_queries, monkeypatch):
    """Anyone can ask for new URLs: one entry must stay small, however big an export gets."""
    monkeypatch.setattr("config.response_cache.MAX_CACHED_BYTES", 1000)
    url = "/api/papers/export.bib"  # several kB for the seed
    count_queries(url)
    assert count_queries(url)[1] > 0  # built again: not stored
    small = "/api/papers/park2020hetpipe/bibtex"
    count_queries(small)
    assert len(Client().get(small).content) < 1000 and count_queries(small)[1] == 0
