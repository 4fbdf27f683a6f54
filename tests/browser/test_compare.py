from pathlib import Path

from tests.browser.conftest import browser_test

pytestmark = browser_test

COLUMNS = "th.paper-column"


def test_adding_two_papers_to_compare_shows_both_columns(site, seed):
    page = site.page
    site.goto("/")
    page.click("[data-compare='park2020hetpipe']")
    page.click("[data-compare='mei2025helix']")
    assert page.get_attribute("[data-compare='park2020hetpipe']", "aria-pressed") == "true"
    assert page.inner_text("#compare-link") == "Compare (2)"
    assert site.path() == "/"  # adding does not leave the results

    page.click("#compare-link")
    page.wait_for_url("**/compare/?papers=park2020hetpipe,mei2025helix")
    keys = [page.get_attribute(f"{COLUMNS} >> nth={n}", "data-key") for n in range(page.locator(COLUMNS).count())]
    assert keys == ["park2020hetpipe", "mei2025helix"]
    assert page.locator("th[scope=row]:has-text('Technique')").count() == 1
    site.screenshot("compare")

    page.click(f"{COLUMNS}[data-key='park2020hetpipe'] a.remove")
    page.wait_for_url("**/compare/?papers=mei2025helix")
    assert page.locator(COLUMNS).count() == 1
    assert page.inner_text("#compare-link") == "Compare (1)"


def test_the_selection_follows_from_a_paper_page_and_survives_the_back_button(site, seed):
    page = site.page
    site.goto("/papers/li2022amp/")
    page.click("[data-compare='li2022amp']")
    site.goto("/compare/?papers=li2022amp,jia2022whale")  # a shared link replaces the selection
    page.go_back()
    page.wait_for_url("**/papers/li2022amp/")
    page.wait_for_function("document.getElementById('compare-link').textContent === 'Compare (2)'")
    assert page.get_attribute("[data-compare='li2022amp']", "aria-pressed") == "true"


def test_exports_download_from_the_compare_page(site, seed):
    page = site.page
    site.goto("/compare/?papers=park2020hetpipe,liu2023heterps")
    for label, suffix in (("CSV", "csv"), ("Markdown", "md"), ("BibTeX", "bib")):
        with page.expect_download() as info:
            page.click(f".exports a:text-is('{label}')")
        download = info.value
        assert download.suggested_filename == f"comparison.{suffix}"
        assert "park2020hetpipe" in Path(download.path()).read_text(encoding="utf-8")
