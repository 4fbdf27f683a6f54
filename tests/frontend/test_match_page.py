"""The /match/ page: the form (rows, datalist, add a row without JavaScript), ranked results with reasons,
errors shown with the form still there, and the same order as the API."""

import re

import pytest

from tests.factories import make_paper
from tests.taxonomy.test_matching import add_setup, make_gpu_types

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue_of_three():
    types = make_gpu_types()
    near = make_paper(citation_key="near", title="Near twin")
    add_setup(near, [("A100-80GB", 8), ("V100", 16)], types, interconnect=["10 GbE"])
    far = make_paper(citation_key="far", title="Far away")
    add_setup(far, [("MI250X", 1024)], types)
    make_paper(citation_key="bare", title="Nothing recorded")


def keys(html: str) -> list[str]:
    return re.findall(r'<h3 class="paper-title"><a href="/papers/([^/]+)/">', html)


def test_form_rows_rank_papers_with_their_reasons(client, catalogue_of_three):
    response = client.get(
        "/match/", {"gpu": ["A100", "V100", ""], "count": ["8", "16", ""], "interconnect": "ethernet"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert keys(html) == ["near", "far", "bare"]
    assert "evaluated on 8×A100-80GB + 16×V100: shares A100, V100;" in html
    assert '<li class="chip">24 GPUs like yours</li>' in html
    assert "No setup recorded" in html
    assert 'href="/api/match/?gpus=A100:8,V100:16&amp;interconnect=ethernet"' in html


def test_the_api_spelling_works_on_the_page_and_fills_the_rows(client, catalogue_of_three):
    html = client.get("/match/?gpus=V100:16,A100:8").content.decode()
    assert keys(html) == ["near", "far", "bare"]
    assert (
        'name="gpu" list="gpu-names" value="V100"' in html
        and 'name="count" min="1" max="100000" inputmode="numeric" value="16"' in html
    )


def test_a_first_visit_shows_four_empty_rows_and_the_accepted_names(client, catalogue_of_three):
    html = client.get("/match/").content.decode()
    assert html.count('class="match-row"') == 4 and keys(html) == []
    assert '<option value="A100">' in html and '<option value="MI250X">' in html  # families and types
    assert 'name="rows" value="5"' in html


def test_add_a_row_reloads_with_one_more_row_keeping_what_was_typed(client, catalogue_of_three):
    html = client.get("/match/", {"gpu": ["T4", "", "", ""], "count": ["2", "", "", ""], "rows": "5"}).content.decode()
    assert html.count('class="match-row"') == 5 and 'value="T4"' in html
    assert 'name="rows" value="6"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"gpus": "Voodoo5:2"}, "Unknown GPU type(s): Voodoo5. Accepted:"),
        ({"gpu": "A100", "count": "0"}, "the count must be a whole number from 1 to 100000"),
        ({"gpu": "A100", "count": ""}, "is not NAME:COUNT"),
        ({"gpus": "T4:1", "workload": "mining"}, "Unknown workload"),
        ({"gpus": "T4:1", "page": "x"}, "page: Must be a whole number"),
    ],
)
def test_bad_input_is_a_400_page_with_the_message_and_the_form(client, catalogue_of_three, query, message):
    response = client.get("/match/", query)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'id="match-form"' in html and keys(html) == []


def test_the_query_count_does_not_grow_with_the_catalogue(client, django_assert_max_num_queries):
    types = make_gpu_types()

    def grow(n, start):
        for i in range(start, start + n):
            add_setup(make_paper(citation_key=f"m{i}"), [("T4", i + 1), ("L4", 2)], types, interconnect=["PCIe"])
            make_paper(citation_key=f"b{i}")

    counts = []
    for n, start in ((3, 0), (10, 3)):  # page 1 holds papers with and without setups both times
        grow(n, start)
        with django_assert_max_num_queries(14) as captured:
            assert client.get("/match/", {"gpus": "T4:8", "page": "1"}).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
