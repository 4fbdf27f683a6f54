import re

import pytest

from frontend import selection

pytestmark = pytest.mark.django_db


def columns(html: str) -> list[str]:
    return re.findall(r'<th scope="col" class="paper-column" data-key="([^"]+)">', html)


def test_it_shows_the_papers_side_by_side_in_the_order_given(client, seed):
    html = client.get("/compare/?papers=mei2025helix,park2020hetpipe").content.decode()
    assert columns(html) == ["mei2025helix", "park2020hetpipe"]
    assert '<th scope="row">Technique</th>' in html and "Max-flow" in html


def test_each_column_can_be_removed(client, seed):
    html = client.get("/compare/?papers=mei2025helix,park2020hetpipe,li2022amp").content.decode()
    assert '<a class="remove" href="/compare/?papers=mei2025helix,li2022amp"' in html
    one_left = client.get("/compare/?papers=mei2025helix").content.decode()
    assert '<a class="remove" href="/compare/"' in one_left


def test_unknown_keys_are_reported_and_left_out(client, seed):
    html = client.get("/compare/?papers=mei2025helix,nobody2099").content.decode()
    assert columns(html) == ["mei2025helix"] and "Not in the catalogue: nobody2099." in html


def test_exports_are_the_api_texts_as_downloads(client, api, seed):
    keys = "park2020hetpipe,liu2023heterps"
    for page_format, api_format in (("csv", "csv"), ("md", "md")):
        download = client.get(f"/compare/?papers={keys}&format={page_format}")
        assert download["Content-Disposition"] == f'attachment; filename="comparison.{page_format}"'
        assert download.content == api.get(f"/api/compare/?papers={keys}&format={api_format}").content


def test_the_selection_is_kept_in_a_cookie_without_javascript(client, seed):
    response = client.get("/compare/?add=park2020hetpipe")
    assert response.status_code == 302 and response["Location"] == "/compare/?papers=park2020hetpipe"
    response = client.get("/compare/?add=helix")  # words find the best match
    assert response["Location"] == "/compare/?papers=park2020hetpipe,mei2025helix"
    assert client.cookies[selection.COOKIE].value == "park2020hetpipe.mei2025helix"
    assert client.get("/compare/")["Location"] == "/compare/?papers=park2020hetpipe,mei2025helix"
    response = client.get("/compare/?remove=park2020hetpipe")
    assert response["Location"] == "/compare/?papers=mei2025helix"


def test_pages_show_what_is_selected(client, seed):
    client.cookies[selection.COOKIE] = "park2020hetpipe"
    html = client.get("/?q=hetp").content.decode()
    assert 'href="/compare/?remove=park2020hetpipe" data-compare="park2020hetpipe" aria-pressed="true"' in html
    assert '<span class="count" data-compare-count> (1)</span>' in html


def test_a_shared_link_becomes_the_selection(client, seed):
    client.get("/compare/?papers=li2022amp,jia2022whale")
    assert client.cookies[selection.COOKIE].value == "li2022amp.jia2022whale"


def test_an_unmatched_addition_is_reported(client, seed):
    html = client.get("/compare/?add=zzzzqqqq").content.decode()
    assert "No paper matches" in html


def test_empty_comparison_says_how_to_add(client, seed):
    html = client.get("/compare/").content.decode()
    assert "No papers selected yet" in html and '<label for="add">Add a paper</label>' in html


def test_the_page_shows_evaluation_rows_and_points_out_shared_baselines(client, catalogue):
    html = client.get("/compare/?papers=jiang2025hexgen2,mo2025hetis").content.decode()
    assert '<th scope="row">GPU setups</th>' in html and '<th scope="row">Results</th>' in html
    baselines = html[html.index('<th scope="row">Baselines</th>') : html.index('<th scope="row">Results</th>')]
    assert baselines.count('<a href="/papers/jiang2024hexgen/">HexGen</a> <span class="badge"') == 2
    assert "Shared baselines:</strong> HexGen" in html
