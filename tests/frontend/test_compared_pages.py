"""Pages: a paper's "Compared against" and "Compared by", a category's pairs that never compared."""

import re

import pytest

from papers.models import Paper
from taxonomy.baselines import UNCOMPARED_PAIRS_SHOWN
from taxonomy.models import Baseline, Result
from tests.factories import make_category, make_paper, place

pytestmark = pytest.mark.django_db


def baseline(paper, name, target=None, confirmed=True):
    return Baseline.objects.create(paper=paper, name=name, baseline_paper=target, confirmed=confirmed)


def section(html: str, heading_id: str) -> str:
    """The HTML from a heading to the next heading of the same level or above."""
    start = html.index(f'id="{heading_id}"')
    found = re.search(r"<h[123][ >]", html[start:])
    return html[start : start + found.start()] if found else html[start:]


@pytest.fixture
def papers():
    hetpipe = make_paper(citation_key="hetpipe", title="HetPipe", year=2020)
    alpha = make_paper(citation_key="alpha", title="Alpha paper", year=2022)
    beta = make_paper(citation_key="beta", title="Beta paper", year=2023)
    hidden = make_paper(citation_key="hidden", title="Hidden paper", year=2024, status=Paper.Status.CANDIDATE)
    baseline(alpha, "HetPipe (async)", hetpipe)
    baseline(alpha, "Megatron-LM", confirmed=False)
    baseline(alpha, "Hidden", hidden)
    Result.objects.create(paper=beta, metric="throughput", value=2, unit="x", versus="HetPipe", baseline_paper=hetpipe)
    baseline(hidden, "HetPipe", hetpipe)
    return {"hetpipe": hetpipe, "alpha": alpha, "beta": beta}


def test_a_paper_page_links_its_baselines_that_are_public_papers(client, papers):
    html = section(client.get("/papers/alpha/").content.decode(), "compared-against")
    assert '<a href="/papers/hetpipe/">HetPipe (async)</a>' in html
    assert '<li>Megatron-LM <span class="unconfirmed">unconfirmed</span></li>' in html
    assert "<li>Hidden</li>" in html and "/papers/hidden/" not in html  # a candidate's page is a 404


def test_a_paper_page_lists_who_compared_against_it(client, papers):
    html = section(client.get("/papers/hetpipe/").content.decode(), "compared-by")
    # From Alpha's baseline and Beta's result, newest first; not the candidate.
    assert re.findall(r'<a href="/papers/([^/]+)/">', html) == ["beta", "alpha"]
    assert "Hidden" not in html
    empty = section(client.get("/papers/beta/").content.decode(), "compared-by")
    assert "No paper of the catalogue uses it as a baseline yet." in empty


def test_the_paper_page_query_count_does_not_grow(client, papers, django_assert_max_num_queries):
    with django_assert_max_num_queries(15) as before:
        client.get("/papers/hetpipe/")
    for n in range(12):
        citing = make_paper(year=2021)
        baseline(citing, "HetPipe", papers["hetpipe"])
        baseline(papers["hetpipe"], f"System {n}", citing)
    with django_assert_max_num_queries(len(before.captured_queries)):
        html = client.get("/papers/hetpipe/").content.decode()
    assert len(re.findall(r"<li><a href", section(html, "compared-by"))) == 14


@pytest.fixture
def category():
    """Old (2020) and New (2023) both record baselines and never compared; Linked (2022) compared Old."""
    category = make_category(slug="pipes", name="Pipes")
    old = make_paper(citation_key="old", title="Old paper", year=2020)
    new = make_paper(citation_key="new", title="New paper", year=2023)
    linked = make_paper(citation_key="linked", title="Linked paper", year=2022)
    silent = make_paper(citation_key="silent", title="Silent paper", year=2024)  # records no baseline
    baseline(old, "Horovod")
    baseline(new, "Megatron-LM")
    baseline(linked, "Old", old)
    baseline(new, "Linked", linked)
    for paper in (old, new, linked, silent):
        place(paper, category)
    return category


def test_a_category_page_lists_pairs_that_never_compared(client, category):
    html = section(client.get("/categories/pipes/").content.decode(), "uncompared")
    assert "neither lists the other as a baseline" in html  # the rule, in one sentence
    items = re.findall(r"<li>.*?</li>", html, re.S)
    assert len(items) == 1
    assert re.findall(r'<a href="/papers/([^/]+)/">', items[0]) == ["new", "old"]
    assert 'href="/compare/?papers=old,new"' in items[0]


def test_the_pairs_shown_are_capped(client, db):
    category = make_category(slug="many")
    for n in range(12):  # 66 pairs
        paper = make_paper(year=2000 + n)
        baseline(paper, "Horovod")
        place(paper, category)
    html = section(client.get("/categories/many/").content.decode(), "uncompared")
    assert '<span class="n">66</span>' in html
    assert len(re.findall(r"<li>", html)) == UNCOMPARED_PAIRS_SHOWN
    assert f"Only the {UNCOMPARED_PAIRS_SHOWN} most recent are listed." in html


def test_the_category_page_query_count_does_not_grow(client, category, django_assert_max_num_queries):
    with django_assert_max_num_queries(15) as before:
        client.get("/categories/pipes/")
    for n in range(20):
        paper = make_paper(year=2010 + n)
        baseline(paper, "Horovod")
        place(paper, category)
    with django_assert_max_num_queries(len(before.captured_queries)):
        html = client.get("/categories/pipes/").content.decode()
    assert "Never compared against each other" in html
