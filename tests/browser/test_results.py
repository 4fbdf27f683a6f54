"""The results ledger in Chromium: it filters without a full reload where the search page does, and works
without JavaScript."""

import pytest

from tests.browser.conftest import PHONE, browser_test
from tests.taxonomy.test_results import build_ledger

pytestmark = browser_test

ROWS = "#ledger .ledger-row"


@pytest.fixture
def ledger(db):
    return build_ledger()


def mark_document(page):
    """A flag that survives in-page updates and disappears with any page load."""
    page.evaluate("window.__samePage = true")


def still_same_document(page) -> bool:
    return page.evaluate("window.__samePage === true")


def row_keys(page) -> list[str]:
    return page.eval_on_selector_all(f"{ROWS} th a", "links => links.map(a => a.getAttribute('href'))")


def test_filters_update_in_place_and_the_address_follows(site, ledger):
    page = site.page
    site.goto("/results/")
    mark_document(page)
    assert page.locator(ROWS).count() == 8

    page.select_option("#lf-metric", "throughput")  # a list applies at once
    page.wait_for_function("location.search === '?metric=throughput'")
    page.wait_for_function(f"document.querySelectorAll('{ROWS}').length === 4")
    assert page.title() == "Results ledger · HeteroGPU Papers"
    assert page.inner_text("#ledger-status") == "4 results found"

    page.fill("#lf-gpu", "A100")  # typed fields apply on Enter
    page.press("#lf-gpu", "Enter")
    page.wait_for_function("location.search === '?metric=throughput&gpu=A100'")
    page.wait_for_function(f"document.querySelectorAll('{ROWS}').length === 3")
    assert set(row_keys(page)) == {"/papers/big2022/", "/papers/mixed2019/"}
    assert "A100" in page.get_attribute("#ledger a[data-export]", "href")  # exports follow the filters
    assert still_same_document(page)
    site.screenshot("results-filtered")

    # Back returns to the previous filters, in place, and the form shows them.
    page.go_back()
    page.wait_for_function("location.search === '?metric=throughput'")
    page.wait_for_function(f"document.querySelectorAll('{ROWS}').length === 4")
    assert page.input_value("#lf-gpu") == "" and still_same_document(page)

    # The address alone reproduces the rows.
    shown = row_keys(page)
    site.goto(site.path())
    assert not still_same_document(page) and row_keys(page) == shown


def test_a_bad_value_is_shown_in_place(site, ledger):
    page = site.page
    site.goto("/results/")
    mark_document(page)
    page.fill("#lf-gpu", "H9000")
    page.click("#ledger-form button[type=submit]")
    page.wait_for_selector("#ledger .errors:has-text('H9000')")
    assert page.locator(ROWS).count() == 8 and still_same_document(page)


def test_the_ledger_works_without_javascript(open_site, ledger):
    site = open_site(java_script_enabled=False)
    page = site.page
    site.goto("/results/")
    page.select_option("#lf-vendor", "AMD")
    page.select_option("#lf-ordering", "-value")
    page.click("#ledger-form button[type=submit]")
    page.wait_for_url("**/results/?*vendor=AMD*")
    assert "ordering=-value" in site.path()
    assert page.locator(ROWS).count() == 2 and set(row_keys(page)) == {"/papers/amd2024/"}
    assert page.locator("#ledger .chart.speedups rect").count() == 1
    site.screenshot("results-no-javascript")


def test_fits_a_phone(open_site, ledger):
    site = open_site(viewport=PHONE)
    site.goto("/results/")
    overflow = site.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    site.screenshot("results-phone")
