"""The API's "compared against" / "compared by" on a paper, and GET /api/baselines/."""

import pytest

from papers.models import Paper
from taxonomy.models import Baseline, Result
from tests.factories import make_category, make_paper, place

pytestmark = pytest.mark.django_db


def baseline(paper, name, target=None, confirmed=True):
    return Baseline.objects.create(paper=paper, name=name, baseline_paper=target, confirmed=confirmed)


@pytest.fixture
def papers():
    hetpipe = make_paper(citation_key="hetpipe", title="HetPipe", year=2020)
    alpha = make_paper(citation_key="alpha", title="Alpha", year=2022)
    beta = make_paper(citation_key="beta", title="Beta", year=2023)
    hidden = make_paper(citation_key="hidden", title="Hidden", year=2024, status=Paper.Status.CANDIDATE)
    baseline(alpha, "HetPipe", hetpipe)
    baseline(alpha, "Megatron-LM", confirmed=False)
    baseline(alpha, "Hidden", hidden)
    Result.objects.create(paper=beta, metric="throughput", value=2, unit="x", versus="HetPipe", baseline_paper=hetpipe)
    baseline(beta, "megatron-LM")
    baseline(hidden, "HetPipe", hetpipe)
    return {"hetpipe": hetpipe, "alpha": alpha, "beta": beta}


def test_paper_detail_lists_what_it_compared_against(api, papers):
    body = api.get("/api/papers/alpha/").json()
    assert body["compared_against"] == [
        {"name": "HetPipe", "paper": "hetpipe", "url": "http://testserver/api/papers/hetpipe/", "confirmed": True},
        {"name": "Megatron-LM", "paper": None, "url": None, "confirmed": False},
        {"name": "Hidden", "paper": None, "url": None, "confirmed": True},  # a candidate is not linked
    ]
    assert body["compared_by"] == []


def test_paper_detail_lists_who_compared_against_it(api, papers):
    body = api.get("/api/papers/hetpipe/").json()
    assert body["compared_against"] == []
    # From the other papers' baselines and results, newest first; the candidate's baseline is not public.
    assert body["compared_by"] == [
        {"key": "beta", "title": "Beta", "year": 2023, "url": "http://testserver/api/papers/beta/"},
        {"key": "alpha", "title": "Alpha", "year": 2022, "url": "http://testserver/api/papers/alpha/"},
    ]


def test_detail_query_count_does_not_grow_with_comparisons(api, papers, django_assert_max_num_queries):
    # The reads of a paper's detail (nine with GPU rows to read, here none) and one for compared_by.
    with django_assert_max_num_queries(10) as before:
        assert len(api.get("/api/papers/hetpipe/").json()["compared_by"]) == 2
    for n in range(15):
        citing = make_paper(year=2021)
        baseline(citing, "HetPipe", papers["hetpipe"])
        baseline(papers["hetpipe"], f"System {n}", citing)
    with django_assert_max_num_queries(len(before.captured_queries)):
        body = api.get("/api/papers/hetpipe/").json()
    assert len(body["compared_by"]) == 17 and len(body["compared_against"]) == 15


def test_baseline_usage(api, papers):
    body = api.get("/api/baselines/").json()
    assert body["count"] == 3
    first, second, third = body["results"]
    assert first == {
        "name": "HetPipe",
        "linked": True,
        "paper": {"key": "hetpipe", "title": "HetPipe", "year": 2020, "url": "http://testserver/api/papers/hetpipe/"},
        "count": 2,
        "papers": [
            {"key": "beta", "title": "Beta", "year": 2023, "url": "http://testserver/api/papers/beta/"},
            {"key": "alpha", "title": "Alpha", "year": 2022, "url": "http://testserver/api/papers/alpha/"},
        ],
    }
    # Two spellings, one system; unlinked.
    assert (second["name"], second["linked"], second["paper"], second["count"]) == ("Megatron-LM", False, None, 2)
    assert (third["name"], third["count"]) == ("Hidden", 1)


def test_baseline_usage_filters_and_pages(api, papers):
    names = lambda query: [u["name"] for u in api.get(f"/api/baselines/?{query}").json()["results"]]  # noqa: E731
    assert names("min_uses=2") == ["HetPipe", "Megatron-LM"]
    assert names("linked=true") == ["HetPipe"]
    assert names("linked=false&min_uses=2") == ["Megatron-LM"]
    assert names("min_uses=1000") == []
    page = api.get("/api/baselines/?page_size=2&page=2").json()
    assert page["count"] == 3 and [u["name"] for u in page["results"]] == ["Hidden"]


@pytest.mark.parametrize(
    "query,param",
    [
        ("min_uses=0", "min_uses"),
        ("min_uses=1001", "min_uses"),
        ("min_uses=two", "min_uses"),
        ("min_uses=-1", "min_uses"),
        ("linked=maybe", "linked"),
        ("page_size=0", "page_size"),
        ("page=0", "page"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(api, papers, query, param):
    response = api.get(f"/api/baselines/?{query}")
    assert response.status_code == 400 and list(response.json()) == [param]


def test_a_page_past_the_end_is_a_404(api, papers):
    assert api.get("/api/baselines/?page=9").status_code == 404


def test_baseline_usage_query_count_does_not_grow(api, papers, django_assert_num_queries):
    with django_assert_num_queries(2):
        api.get("/api/baselines/")
    for n in range(40):
        citing = make_paper()
        baseline(citing, f"System {n % 9}")
        baseline(citing, "HetPipe", papers["hetpipe"])
    with django_assert_num_queries(2):
        body = api.get("/api/baselines/?page_size=100").json()
    assert body["count"] == 12 and body["results"][0]["count"] == 42


def test_the_schema_documents_the_parameters_with_their_bounds(api, db):
    schema = api.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/baselines/"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["min_uses"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert parameters["linked"] == {"type": "string", "enum": ["true", "false"]}
    assert parameters["page_size"]["minimum"] == 1 and parameters["page_size"]["maximum"] == 100
    assert parameters["page"]["minimum"] == 1
    detail = schema["components"]["schemas"]["PaperDetail"]["properties"]
    assert {"compared_against", "compared_by"} <= detail.keys()


def test_category_detail_lists_the_pairs_that_never_compared(api, db, django_assert_max_num_queries):
    category = make_category(slug="pipes")
    old = make_paper(citation_key="old", title="Old", year=2020)
    new = make_paper(citation_key="new", title="New", year=2023)
    linked = make_paper(citation_key="linked", title="Linked", year=2022)
    baseline(old, "Horovod")
    baseline(new, "Megatron-LM")
    baseline(linked, "Old", old)  # compared against Old
    for paper in (old, new, linked, make_paper(year=2024)):  # the last records no baseline
        place(paper, category)
    with django_assert_max_num_queries(11) as before:
        pairs = api.get("/api/categories/pipes/").json()["uncompared_pairs"]
    assert "neither lists the other as a baseline" in pairs["rule"]
    assert pairs["count"] == 2
    assert [(p["earlier"]["key"], p["later"]["key"], p["years_apart"]) for p in pairs["pairs"]] == [
        ("linked", "new", 1),
        ("old", "new", 3),
    ]
    for n in range(20):
        paper = make_paper(year=2000 + n)
        baseline(paper, "Horovod")
        place(paper, category)
    with django_assert_max_num_queries(len(before.captured_queries)):
        pairs = api.get("/api/categories/pipes/").json()["uncompared_pairs"]
    assert pairs["count"] > 30 and len(pairs["pairs"]) == 30
