"""Search through GET /api/papers/?q=..., on PostgreSQL (tsvector, trigram) and SQLite (fallback) alike."""

import pytest

from papers.models import Paper
from papers.search import MAX_QUERY_LENGTH, parse_query
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


def keys(response):
    assert response.status_code == 200, response.content
    return [row["citation_key"] for row in response.json()["results"]]


def test_a_prefix_finds_hetpipe_while_typing(api, seed):
    assert keys(api.get("/api/papers/?q=hetp")) == ["park2020hetpipe"]


@pytest.mark.parametrize("typo, expected", [("hetrogeneous", "park2020hetpipe"), ("Oobleek", "jang2023oobleck")])
def test_a_typo_still_finds_the_paper(api, seed, typo, expected):
    assert expected in keys(api.get(f"/api/papers/?q={typo}"))


def test_a_quoted_phrase_matches_the_words_together(api, seed):
    found = keys(api.get('/api/papers/?q="pipeline templates"'))
    assert found == ["jang2023oobleck"]


def test_a_minus_word_excludes_papers(api, seed):
    with_word = keys(api.get("/api/papers/?q=heterogeneous gpus"))
    without = keys(api.get("/api/papers/?q=heterogeneous gpus -whale"))
    assert "jia2022whale" in with_word and "jia2022whale" not in without
    assert set(without) < set(with_word)


def test_or_matches_either_word(api, seed):
    found = set(keys(api.get("/api/papers/?q=oobleck or whale")))
    assert found == {"jang2023oobleck", "jia2022whale"}


def test_authors_are_searchable(api, seed):
    assert "jang2023oobleck" in keys(api.get("/api/papers/?q=chowdhury"))


def test_title_matches_rank_first(api, db):
    make_paper(citation_key="mentions", title="A study of clusters", abstract="Max-flow max-flow max-flow routing.")
    make_paper(citation_key="titled", title="Max-flow serving", abstract="Routing requests.")
    assert keys(api.get("/api/papers/?q=max-flow"))[:2] == ["titled", "mentions"]


def test_hits_carry_highlighted_snippets(api, seed):
    row = api.get("/api/papers/?q=hetpipe").json()["results"][0]
    assert "<mark>" in row["title_snippet"] and row["rank"] is not None


def test_snippets_escape_html_in_the_stored_text(api, db):
    make_paper(citation_key="xss", title="<script>alert(1)</script> pipelines", abstract="<b>pipelines</b> & more")
    row = api.get("/api/papers/?q=pipelines").json()["results"][0]
    assert "<script>" not in row["title_snippet"] and "&lt;script&gt;" in row["title_snippet"]
    assert "<b>" not in row["snippet"]


def test_search_combines_with_every_filter(api, seed):
    assert keys(api.get("/api/papers/?q=heterogeneous&category=intra-pipeline&technique=ilp")) == ["park2020hetpipe"]
    assert keys(api.get("/api/papers/?q=heterogeneous&workload=inference")) == ["mei2025helix"]
    assert keys(api.get("/api/papers/?q=heterogeneous&year_min=2024&venue=ASPLOS")) == ["mei2025helix"]
    assert "park2020hetpipe" not in keys(api.get("/api/papers/?q=heterogeneous&has_code=true"))
    assert keys(api.get("/api/papers/?q=heterogeneous&author=Jay")) == ["park2020hetpipe"]


def test_term_filters_accept_any_of_several_terms(api, seed):
    found = set(keys(api.get("/api/papers/?technique=ilp,reinforcement-learning")))
    assert found == {"park2020hetpipe", "liu2023heterps"}


def test_unknown_term_is_a_400(api, seed):
    response = api.get("/api/papers/?technique=astrology")
    assert response.status_code == 400 and "technique" in response.json()


@pytest.mark.parametrize(
    "ordering, first",
    [
        ("-year", "mei2025helix"),
        ("year", "park2020hetpipe"),
        ("-citations", "park2020hetpipe"),
        ("title", "xue2024crius"),
    ],
)
def test_orderings(api, seed, ordering, first):
    assert keys(api.get(f"/api/papers/?ordering={ordering}"))[0] == first


def test_unknown_ordering_is_a_400(api, seed):
    assert api.get("/api/papers/?ordering=random").status_code == 400


def test_facets_count_the_current_result_set(api, seed):
    body = api.get("/api/papers/?q=heterogeneous&category=inter-pipeline&page_size=100").json()
    found = {row["citation_key"] for row in body["results"]}
    facets = body["facets"]
    categories = {f["slug"]: f["count"] for f in facets["category"]}
    assert categories["inter-pipeline"] == len(found) == body["count"]
    assert categories["intra-pipeline"] == len(found & {"park2020hetpipe", "liu2023heterps"})
    assert sum(f["count"] for f in facets["year"]) == len(found)
    workloads = {f["slug"]: f["count"] for f in facets["workload"]}
    assert workloads == {"training": len(found)}
    techniques = {f["slug"]: f["count"] for f in facets["technique"]}
    expected = Paper.objects.filter(citation_key__in=found, dimension_values__term__slug="batch-redistribution")
    assert techniques.get("batch-redistribution", 0) == expected.count()


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        '""""',
        "-",
        "'; DROP TABLE papers_paper; --",
        "a & b | !c:* <-> (d",
        "\x00hetpipe\x00",
        "😀🚀 gpu",
        "x" * 10_000,
        "or or or",
        "%_%",
    ],
)
def test_hostile_input_answers_200_or_400_never_500(api, seed, hostile):
    response = api.get("/api/papers/", {"q": hostile})
    assert response.status_code in (200, 400)
    assert Paper.objects.count() == 9


def test_an_overlong_query_is_a_400_with_a_message(api, seed):
    response = api.get("/api/papers/", {"q": "x" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400 and "q" in response.json()


def test_the_parser_reads_websearch_syntax():
    parsed = parse_query('"pipeline templates" -oobleck hetp')
    assert parsed.alternatives == [["pipeline templates", "hetp"]]
    assert parsed.excluded == ["oobleck"] and parsed.prefix == "hetp"
    assert parse_query("a or b").alternatives == [["a"], ["b"]]
    assert parse_query("hetpipe ").prefix == ""


def test_search_query_count_is_bounded(api, seed, django_assert_max_num_queries):
    # 16 on PostgreSQL: the GPU-model and vendor/flag facets read the GPU types, one grouped count and one
    # aggregate (the papers-with-code count joined that aggregate).
    with django_assert_max_num_queries(16):
        assert api.get("/api/papers/?q=heterogeneous&technique=ilp").status_code == 200
