import pytest

from tests.factories import make_category, make_paper, place

pytestmark = pytest.mark.django_db


def test_tree_is_nested_with_counts_once_per_node(api, seed):
    tree = api.get("/api/categories/").json()
    summary = {
        node["slug"]: (node["paper_count"], {c["slug"]: c["paper_count"] for c in node["children"]}) for node in tree
    }
    assert summary == {
        # HetPipe sits in both children of inter-pipeline but counts once at the parent.
        "inter-pipeline": (5, {"batch-distribution": 3, "decentralized-synchronization": 2}),
        "intra-pipeline": (2, {}),
        "other": (3, {}),
    }
    assert [node["slug"] for node in tree] == ["inter-pipeline", "intra-pipeline", "other"]
    assert "NP-hard" in tree[1]["problem"]


def test_category_detail_lists_its_papers_with_their_notes(api, seed):
    body = api.get("/api/categories/intra-pipeline/").json()
    assert body["name"] == "Intra-pipeline heterogeneity" and body["paper_count"] == 2
    papers = {row["citation_key"]: row for row in body["papers"]["results"]}
    assert set(papers) == {"park2020hetpipe", "liu2023heterps"}
    # Only the note of the placement in this subtree, not HetPipe's other one.
    assert [n["category"] for n in papers["park2020hetpipe"]["notes"]] == ["intra-pipeline"]


def test_parent_category_detail_includes_children_papers(api, seed):
    body = api.get("/api/categories/inter-pipeline/").json()
    assert body["papers"]["count"] == 5
    assert {c["slug"] for c in body["children"]} == {"batch-distribution", "decentralized-synchronization"}


def test_unknown_category_is_a_json_404(api, seed):
    response = api.get("/api/categories/no-such-thing/")
    assert response.status_code == 404 and "detail" in response.json()


def test_tree_and_detail_query_counts_do_not_grow(api, db, django_assert_max_num_queries):
    parent = make_category()
    children = [make_category(parent=parent) for _ in range(5)]
    for n in range(25):
        place(make_paper(), children[n % 5])
    with django_assert_max_num_queries(2):
        tree = api.get("/api/categories/").json()
    assert tree[0]["paper_count"] == 25
    # Three of them for the uncompared pairs: the category's papers, their baselines, their results.
    with django_assert_max_num_queries(11):
        body = api.get(f"/api/categories/{parent.slug}/?page_size=100").json()
    assert body["papers"]["count"] == 25


def test_counts_are_cached_for_the_configured_time(api, seed, settings, django_assert_max_num_queries):
    settings.FACET_CACHE_SECONDS = 60
    first = api.get("/api/categories/").json()
    api.get("/api/papers/")
    with django_assert_max_num_queries(1):  # the categories themselves; counts come from the cache
        assert api.get("/api/categories/").json() == first
    settings.FACET_CACHE_SECONDS = 0
    make_paper(citation_key="extra")
    from papers.models import Paper
    from taxonomy.models import Category, Placement

    Placement.objects.create(paper=Paper.objects.get(citation_key="extra"), category=Category.objects.get(slug="other"))
    assert {n["slug"]: n["paper_count"] for n in api.get("/api/categories/").json()}["other"] == 4
