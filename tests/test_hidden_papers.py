"""Candidates (found by the arXiv watch, not yet accepted) and rejected papers are on no public surface."""

import pytest

from taxonomy.models import Category
from tests.factories import make_paper, place

pytestmark = pytest.mark.django_db

MARK = "Zyxwvutsrq"  # a word no real paper has


@pytest.fixture
def hidden(seed):
    category = Category.objects.get(slug="intra-pipeline")
    papers = [
        make_paper(citation_key="waitingcandidate", title=f"{MARK} candidate layer assignment", status="candidate"),
        make_paper(citation_key="refusedpaper", title=f"{MARK} rejected layer assignment", status="rejected"),
    ]
    for paper in papers:
        place(paper, category, note=f"{MARK} note")
    return papers


PUBLIC_PAGES = [
    "/",
    f"/?q={MARK}",
    "/taxonomy/",
    "/categories/intra-pipeline/",
    "/compare/?papers=park2020hetpipe,waitingcandidate,refusedpaper",
    "/api/papers/?page_size=100",
    f"/api/papers/?q={MARK}",
    "/api/papers/?category=intra-pipeline",
    "/api/categories/",
    "/api/categories/intra-pipeline/",
    "/api/compare/?category=intra-pipeline",
    "/api/compare/?category=intra-pipeline&format=csv",
    "/api/compare/?category=intra-pipeline&format=md",
    "/api/compare/?category=intra-pipeline&format=latex",
    "/api/papers/export.bib",
    "/api/papers/export.bib?category=intra-pipeline",
    "/api/awesome.md",
    "/api/changes/",
    "/feeds/papers.atom",
    "/feeds/intra-pipeline.atom",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_hidden_papers_appear_on_no_public_page(client, hidden, url):
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    for text in (f"{MARK} candidate", f"{MARK} rejected", f"{MARK} note"):
        assert text not in body
    if url.startswith("/compare/"):  # the keys asked for are named back as unknown, nothing more
        assert "Not in the catalogue: waitingcandidate, refusedpaper." in body
    else:
        assert "waitingcandidate" not in body and "refusedpaper" not in body


@pytest.mark.parametrize(
    "url",
    [
        "/papers/{key}/",
        "/papers/{key}/bibtex",
        "/api/papers/{key}/",
        "/api/papers/{key}/bibtex",
    ],
)
@pytest.mark.parametrize("key", ["waitingcandidate", "refusedpaper"])
def test_hidden_papers_have_no_public_page_of_their_own(client, hidden, url, key):
    assert client.get(url.format(key=key)).status_code == 404


def test_category_counts_leave_hidden_papers_out(api, hidden):
    tree = api.get("/api/categories/").json()
    intra = next(n for root in tree for n in [root, *root.get("children", [])] if n["slug"] == "intra-pipeline")
    assert intra["paper_count"] == 2  # HetPipe and HeterPS only
