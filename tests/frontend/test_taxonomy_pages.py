import re

import pytest

from tests.frontend.conftest import paper_keys

pytestmark = pytest.mark.django_db


def test_taxonomy_shows_the_tree_with_counts_and_problems(client, seed):
    html = client.get("/taxonomy/").content.decode()
    assert "<title>Taxonomy · HeteroGPU Papers</title>" in html
    assert re.search(
        r'href="/categories/inter-pipeline/">Inter-pipeline heterogeneity</a> <span class="n">5 papers', html
    )
    assert re.search(
        r'href="/categories/intra-pipeline/">Intra-pipeline heterogeneity</a> <span class="n">2 papers', html
    )
    assert "<strong>Problem:</strong> Layer assignment" in html
    # Batch distribution is drawn inside Inter-pipeline.
    inter = html.index("/categories/inter-pipeline/")
    assert inter < html.index("/categories/batch-distribution/") < html.index("/categories/intra-pipeline/")


def test_taxonomy_draws_both_charts_as_inline_svg(client, seed):
    html = client.get("/taxonomy/").content.decode()
    assert html.count('<svg class="chart"') == 2
    assert "<title>2020, Inter-pipeline heterogeneity: 1</title>" in html  # HetPipe, counted once
    assert "<title>Intra-pipeline heterogeneity, ILP: 1 paper</title>" in html


def test_category_lists_its_papers_with_placement_notes(client, seed):
    html = client.get("/categories/intra-pipeline/").content.decode()
    assert "<title>Intra-pipeline heterogeneity · HeteroGPU Papers</title>" in html
    assert paper_keys(html) == ["park2020hetpipe", "liu2023heterps"]
    assert "§7 partitions layers across the heterogeneous GPUs" in html
    # HetPipe's other placement (decentralized synchronization) belongs to another category's page.
    assert "Wave Synchronous Parallel, a bounded-staleness scheme, rather than a global barrier" not in html


def test_parent_category_includes_sub_categories_and_names_them(client, seed):
    html = client.get("/categories/inter-pipeline/").content.decode()
    assert sorted(paper_keys(html)) == sorted(
        ["jang2023oobleck", "jia2022whale", "li2022amp", "yuan2022decentralized", "park2020hetpipe"]
    )
    assert '<a class="chip" href="/categories/batch-distribution/">Batch distribution</a>' in html


def test_category_shows_the_comparison_table_of_its_papers(client, seed):
    html = client.get("/categories/intra-pipeline/").content.decode()
    table = html[html.index('<table class="comparison">') : html.index("</table>")]
    assert '<th scope="col">Technique</th>' in table
    assert "Reinforcement learning" in table and '<span class="evidence">§7</span>' in table
    assert 'href="/compare/?papers=park2020hetpipe,liu2023heterps&amp;format=csv"' in html


def test_a_sub_category_shows_its_breadcrumbs(client, seed):
    html = client.get("/categories/batch-distribution/").content.decode()
    assert '<li><a href="/categories/inter-pipeline/">Inter-pipeline heterogeneity</a></li>' in html


def test_unknown_category_is_the_404_page(client, seed, settings):
    settings.DEBUG = False
    response = client.get("/categories/nowhere/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()
