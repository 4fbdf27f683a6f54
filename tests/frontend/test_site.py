import pytest

pytestmark = pytest.mark.django_db


def test_unknown_page_is_the_sites_404_page(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "<title>Page not found · HeteroGPU Papers</title>" in html and "<code>/no/such/page/</code>" in html


def test_unknown_api_path_stays_json(client, db, settings):
    settings.DEBUG = False
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_favicon_is_an_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"


@pytest.mark.parametrize("url", ["/", "/taxonomy/", "/categories/other/", "/papers/mei2025helix/", "/compare/"])
def test_every_page_has_the_frame(client, seed, url):
    html = client.get(url).content.decode()
    assert '<html lang="en">' in html and 'name="viewport"' in html and '<a class="skip" href="#main">' in html
    assert 'rel="icon"' in html and "/static/frontend/css/site.css" in html
    assert 'href="/api/docs/"' in html and 'href="/api/awesome.md"' in html
    assert 'type="search"' in html  # "/" has a box to focus on every page
