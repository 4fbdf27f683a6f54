import re

import pytest

from papers.models import Paper
from tests.frontend.conftest import paper_keys

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_every_public_paper_without_a_query(client, seed):
    html = page(client, "/")
    assert len(paper_keys(html)) == 9
    assert "<title>Search · HeteroGPU Papers</title>" in html


def test_it_has_one_labelled_search_box(client, seed):
    html = page(client, "/?q=hetpipe")
    assert html.count('type="search"') == 1
    assert '<label for="q">' in html and 'id="q" name="q" value="hetpipe"' in html


def test_it_highlights_matches_in_titles(client, seed):
    html = page(client, "/?q=hetp")
    assert paper_keys(html) == ["park2020hetpipe"]
    assert "<mark>HetP" in html  # the SQLite fallback marks "HetP", PostgreSQL the whole word
    assert "<title>hetp — Search · HeteroGPU Papers</title>" in html


def test_the_partial_is_the_results_fragment_with_title_and_status(client, seed):
    html = page(client, "/?q=hetp&partial=1")
    assert "<html" not in html and "<header" not in html
    assert 'data-title="hetp — Search · HeteroGPU Papers"' in html and 'data-status="1 paper found"' in html
    assert paper_keys(html) == ["park2020hetpipe"]
    # Links in the fragment never carry partial=1 into the address bar.
    assert "partial" not in html


def test_category_facet_counts_and_narrows(client, seed):
    html = page(client, "/")
    link = re.search(r'id="f-category-intra-pipeline" href="([^"]+)".*?<span class="n">(\d+)</span>', html, re.S)
    assert link.group(2) == "2"
    narrowed = page(client, link.group(1).replace("&amp;", "&"))
    assert sorted(paper_keys(narrowed)) == ["liu2023heterps", "park2020hetpipe"]
    # The selected facet links back to the unfiltered list.
    assert re.search(r'id="f-category-intra-pipeline" href="/" class="selected"', narrowed)


def test_facets_keep_the_query_and_other_filters(client, seed):
    html = page(client, "/?q=pipeline&workload=training")
    link = re.search(r'id="f-category-intra-pipeline" href="([^"]+)"', html).group(1)
    assert link == "/?q=pipeline&amp;workload=training&amp;category=intra-pipeline"


def test_technique_facet_toggles_terms_in_a_comma_list(client, seed):
    html = page(client, "/?technique=ilp")
    assert "park2020hetpipe" in paper_keys(html)
    assert re.search(r'id="f-technique-ilp" href="/" class="selected"', html)


def test_has_code_and_year_facets(client, seed):
    html = page(client, "/?has_code=true")
    with_code = set(Paper.objects.exclude(code_url="").values_list("citation_key", flat=True))
    assert with_code and set(paper_keys(html)) == with_code
    assert 'id="f-has-code" href="/" class="selected"' in html
    years = page(client, "/?year_min=2020&year_max=2020")
    assert paper_keys(years) == ["park2020hetpipe"]
    assert re.search(r'id="f-year-2020" href="/" class="selected"', years)


def test_active_filters_can_be_removed_one_by_one(client, seed):
    html = page(client, "/?q=pipeline&category=inter-pipeline&year_min=2022")
    assert '<a href="/?q=pipeline&amp;year_min=2022"><span class="visually-hidden">Remove filter </span>' in html
    assert "Category: Inter-pipeline heterogeneity" in html and "From 2022" in html


def test_sort_options_include_relevance_only_with_a_query(client, seed):
    assert 'value="relevance"' not in page(client, "/")
    assert '<option value="relevance" selected>' in page(client, "/?q=pipeline")
    by_title = list(Paper.objects.order_by("title").values_list("citation_key", flat=True))
    assert paper_keys(page(client, "/?ordering=title")) == by_title


def test_bad_parameters_are_reported_and_ignored(client, seed):
    html = page(client, "/?year_min=soon&technique=telepathy&category=nowhere")
    assert len(paper_keys(html)) == 9
    assert "Part of this search was ignored" in html
    assert "From year" in html and "telepathy" in html and "nowhere" in html


def test_an_overlong_query_is_an_error_not_a_crash(client, seed):
    html = page(client, "/?q=" + "x" * 400)
    assert "at most 300 characters" in html


def test_pages_of_twenty_with_links(client, catalogue):
    total = Paper.objects.public().count()
    first = page(client, "/")
    assert len(paper_keys(first)) == 20 and f"{total} papers" in first
    assert '<a href="/?page=2" rel="next">' in first
    second = page(client, "/?page=2")
    assert '<ol class="paper-list" start="21">' in second
    assert set(paper_keys(first)).isdisjoint(paper_keys(second))
    last = page(client, "/?page=99")  # past the end: the last page
    assert len(paper_keys(last)) == total % 20 or 20


def test_each_result_can_be_added_to_the_comparison(client, seed):
    html = page(client, "/?q=hetp")
    assert 'href="/compare/?add=park2020hetpipe" data-compare="park2020hetpipe"' in html


def test_links_to_api_docs_and_awesome_list(client, seed):
    html = page(client, "/")
    assert 'href="/api/docs/"' in html and 'href="/api/awesome.md"' in html
