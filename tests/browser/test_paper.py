from pathlib import Path

from tests.browser.conftest import browser_test

pytestmark = browser_test

API_BIBTEX = "/api/papers/park2020hetpipe/bibtex"


def test_the_bibtex_download_is_the_text_the_api_gives(site, seed):
    page = site.page
    site.goto("/papers/park2020hetpipe/")
    api_text = page.request.get(site.base + API_BIBTEX).text()
    assert api_text.lstrip().startswith("@")
    with page.expect_download() as info:
        page.click("a:text-is('Download .bib')")
    download = info.value
    assert download.suggested_filename == "park2020hetpipe.bib"
    assert Path(download.path()).read_text(encoding="utf-8") == api_text
    assert page.evaluate("document.getElementById('bibtex-text').textContent") == api_text


def test_copy_puts_the_bibtex_on_the_clipboard(open_site, seed):
    site = open_site()
    site.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.base)
    page = site.page
    site.goto("/papers/park2020hetpipe/")
    page.click("button.copy")
    page.wait_for_selector(".copy-status:text('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == page.evaluate(
        "document.getElementById('bibtex-text').textContent"
    )
    site.screenshot("paper")
