from tests.browser.conftest import browser_test

pytestmark = browser_test

RESULTS = ".paper-list .paper-title a"


def mark_document(page):
    """A flag that survives in-page updates and disappears with any page load."""
    page.evaluate("window.__samePage = true")


def still_same_document(page) -> bool:
    return page.evaluate("window.__samePage === true")


def test_typing_hetp_shows_hetpipe_without_a_page_load(site, seed):
    page = site.page
    site.goto("/")
    mark_document(page)
    page.fill("#q", "")
    page.type("#q", "hetp", delay=40)
    page.wait_for_function("location.search === '?q=hetp'")
    page.wait_for_selector(f"{RESULTS}:has-text('HetPipe')")
    assert page.locator(RESULTS).count() == 1
    assert page.locator(f"{RESULTS} mark").first.inner_text().lower().startswith("hetp")
    assert page.title() == "hetp — Search · HeteroGPU Papers"
    assert still_same_document(page)
    site.screenshot("search-hetp")

    # One history entry for the whole word typed: back returns to the full list.
    page.go_back()
    page.wait_for_function("location.search === ''")
    page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length === 9")
    assert page.input_value("#q") == "" and still_same_document(page)
    page.go_forward()
    page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length === 1")
    assert page.input_value("#q") == "hetp"


def test_a_facet_click_narrows_the_results_and_the_url_follows(site, seed):
    page = site.page
    site.goto("/")
    mark_document(page)
    assert page.locator(RESULTS).count() == 9
    page.click("#f-category-intra-pipeline")
    page.wait_for_function("location.search === '?category=intra-pipeline'")
    page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length === 2")
    assert page.locator("#f-category-intra-pipeline").get_attribute("aria-current") == "true"
    assert page.evaluate("document.activeElement.id") == "f-category-intra-pipeline"  # focus stays put
    page.click("#f-technique-ilp")
    page.wait_for_function("location.search === '?category=intra-pipeline&technique=ilp'")
    page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length === 1")
    assert still_same_document(page)
    site.screenshot("search-facets")

    # The address alone reproduces the results: a bookmark or a shared link shows the same.
    shown = page.locator(RESULTS).all_inner_texts()
    site.goto(site.path())
    assert not still_same_document(page) and page.locator(RESULTS).all_inner_texts() == shown


def test_sort_and_pages_update_in_place(site, catalogue):
    page = site.page
    site.goto("/")
    mark_document(page)
    page.select_option("#ordering", "title")
    page.wait_for_function("location.search === '?ordering=title'")
    first = page.locator(RESULTS).first.inner_text()
    page.click(".pagination a[rel=next]")
    page.wait_for_function("location.search === '?ordering=title&page=2'")
    page.wait_for_function(f"document.querySelector('{RESULTS}').textContent !== {first!r}")
    assert page.evaluate("document.activeElement.id") == "results-heading"
    page.fill("#year_min", "2024")
    page.click(".year-range button")
    page.wait_for_function("location.search === '?ordering=title&year_min=2024'")
    assert still_same_document(page)


def test_search_works_without_javascript(open_site, seed):
    site = open_site(java_script_enabled=False)
    page = site.page
    site.goto("/")
    page.fill("#q", "hetpipe")
    with page.expect_navigation():
        page.click(".search-form button[type=submit]")
    assert site.path() == "/?q=hetpipe"
    assert page.locator(RESULTS).all_inner_texts()[0].startswith("HetPipe")
    with page.expect_navigation():
        page.click("#f-category-intra-pipeline")
    assert site.path() == "/?q=hetpipe&category=intra-pipeline"
    page.select_option("#ordering", "title")
    with page.expect_navigation():
        page.click(".sort button")
    assert "ordering=title" in site.path()
