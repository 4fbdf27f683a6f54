import pytest

from tests.factories import make_category, make_paper, place

pytestmark = pytest.mark.django_db


def keys(response):
    return {row["citation_key"] for row in response.json()["results"]}


def test_list_is_paginated_with_page_size(api, seed):
    response = api.get("/api/papers/?page_size=4")
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 9 and len(body["results"]) == 4 and body["next"]
    assert len(api.get("/api/papers/?page_size=4&page=3").json()["results"]) == 1


def test_list_rows_carry_ordered_authors_and_categories(api, seed):
    rows = {row["citation_key"]: row for row in api.get("/api/papers/").json()["results"]}
    hetpipe = rows["park2020hetpipe"]
    assert hetpipe["authors"][:2] == ["Jay H. Park", "Gyeongchan Yun"]
    assert set(hetpipe["categories"]) == {"decentralized-synchronization", "intra-pipeline"}
    assert hetpipe["api_url"].endswith("/api/papers/park2020hetpipe/")


def test_category_filter_returns_exactly_hetpipe_and_heterps_for_intra_pipeline(api, seed):
    assert keys(api.get("/api/papers/?category=intra-pipeline")) == {"park2020hetpipe", "liu2023heterps"}


def test_category_filter_includes_sub_categories_once_each(api, seed):
    response = api.get("/api/papers/?category=inter-pipeline")
    assert keys(response) == {
        "jang2023oobleck",
        "jia2022whale",
        "li2022amp",
        "yuan2022decentralized",
        "park2020hetpipe",
    }
    assert response.json()["count"] == 5


def test_year_range_filter(api, seed):
    assert keys(api.get("/api/papers/?year_min=2024&year_max=2024")) == {"xue2024crius", "xu2024hethub"}
    assert keys(api.get("/api/papers/?year_max=2020")) == {"park2020hetpipe"}


def test_author_filter_matches_any_author_by_name_parts(api, seed):
    assert keys(api.get("/api/papers/?author=Chowdhury")) == {"jang2023oobleck"}
    assert keys(api.get("/api/papers/?author=jay park")) == {"park2020hetpipe"}


def test_venue_filter_matches_short_or_full_name(api, seed):
    assert keys(api.get("/api/papers/?venue=USENIX ATC")) == {"park2020hetpipe", "jia2022whale"}
    assert keys(api.get("/api/papers/?venue=Future Generation")) == {"liu2023heterps"}


def test_filters_combine(api, seed):
    assert keys(api.get("/api/papers/?category=batch-distribution&venue=NeurIPS")) == {"li2022amp"}


def test_detail_shows_everything_about_hetpipe(api, seed):
    response = api.get("/api/papers/park2020hetpipe/")
    body = response.json()
    assert response.status_code == 200
    assert [a["family_name"] for a in body["authors"]] == ["Park", "Yun", "Yi", "Nguyen", "Lee", "Choi", "Noh", "Choi"]
    assert body["identifiers"] == {"doi": None, "arxiv_id": "2005.14038", "arxiv_version": None}
    assert body["links"]["arxiv"] == "https://arxiv.org/abs/2005.14038"
    notes = {p["category"]: p["note"] for p in body["placements"]}
    assert set(notes) == {"decentralized-synchronization", "intra-pipeline"}
    assert "§7" in notes["intra-pipeline"] and "Wave Synchronous Parallel" in notes["decentralized-synchronization"]
    techniques = {v["term"] for v in body["dimension_values"] if v["dimension"] == "technique"}
    assert techniques == {"bounded-staleness", "ilp", "layer-partitioning"}  # the last from the seed list's §7


def test_unknown_citation_key_is_a_json_404(api, seed):
    response = api.get("/api/papers/nobody2099/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()


def test_unknown_api_url_is_a_json_404(api, db):
    response = api.get("/api/nothing-here/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    "query, field",
    [
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=ten", "page_size"),
        ("page=abc", "page"),
        ("year_min=twenty", "year_min"),
        ("year_max=2020x", "year_max"),
        ("category=no-such-category", "category"),
    ],
)
def test_bad_parameters_answer_400_with_a_message(api, seed, query, field):
    response = api.get(f"/api/papers/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_page_past_the_end_is_404(api, seed):
    assert api.get("/api/papers/?page=99").status_code == 404


def test_candidates_and_rejected_papers_are_not_listed(api, db):
    make_paper(citation_key="visible")
    make_paper(citation_key="waiting", status="candidate")
    make_paper(citation_key="refused", status="rejected")
    assert keys(api.get("/api/papers/")) == {"visible"}
    assert api.get("/api/papers/waiting/").status_code == 404


def test_writes_are_refused_anonymously(api, seed):
    response = api.post("/api/papers/", {"title": "x"})
    # 401, not 403: the first authentication class (token) names its scheme in WWW-Authenticate.
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_list_query_count_does_not_grow_with_rows(api, db, django_assert_max_num_queries):
    category = make_category()
    for n in range(30):
        place(make_paper(authors=[f"Author{n}, A.", f"Other{n}, B."]), category, note="n")
    # count, page, authors, placements, then the facets (tree, categories, years, terms, dimensions).
    with django_assert_max_num_queries(12):
        response = api.get("/api/papers/?page_size=30")
    assert len(response.json()["results"]) == 30
    with django_assert_max_num_queries(13):
        api.get(f"/api/papers/?category={category.slug}&author=author")


def test_detail_query_count_is_bounded(api, seed, django_assert_num_queries):
    # paper with its evaluation summary, authors, placements, values, setups, their GPU rows, results, baselines,
    # models, and the papers that use it as a baseline (compared_by)
    with django_assert_num_queries(10):
        assert api.get("/api/papers/park2020hetpipe/").status_code == 200
