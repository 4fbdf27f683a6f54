"""Match my cluster in Chromium: fill the form, see the papers ranked with their reasons; the add-a-row
button works without JavaScript; a bad name shows its message and keeps the form."""

import pytest

from tests.browser.conftest import PHONE, browser_test
from tests.factories import make_paper
from tests.taxonomy.test_matching import add_setup, make_gpu_types

pytestmark = browser_test
TITLES = ".match-list .paper-title a"


@pytest.fixture
def three_papers(db):
    types = make_gpu_types()
    add_setup(
        make_paper(citation_key="twin", title="Twin cluster"),
        [("A100-80GB", 8), ("T4", 12)],
        types,
        interconnect=["10 GbE"],
    )
    add_setup(make_paper(citation_key="big", title="Huge AMD"), [("MI250X", 2048)], types)
    make_paper(citation_key="bare", title="Nothing recorded")


def test_fill_the_form_and_see_ranked_papers_with_reasons(site, three_papers):
    page = site.page
    site.goto("/match/")
    page.fill("#gpu-1", "A100")
    page.fill("#count-1", "8")
    page.fill("#gpu-2", "T4")
    page.fill("#count-2", "12")
    page.select_option("#interconnect", "ethernet")
    with page.expect_navigation():
        page.click("#match-submit")
    assert "gpu=A100&count=8&gpu=T4&count=12" in site.path()
    assert page.locator(TITLES).all_inner_texts() == ["Twin cluster", "Huge AMD", "Nothing recorded"]
    first = page.locator(".match-item").first
    assert "evaluated on 8×A100-80GB + 12×T4" in first.inner_text()
    assert first.locator(".match-reasons li").all_inner_texts()[:3] == [
        "shares A100, T4",
        "same vendor: NVIDIA",
        "20 GPUs like yours",
    ]
    assert page.locator(".match-item.no-setup").inner_text().endswith("No setup recorded")
    assert page.input_value("#gpu-2") == "T4"  # the form keeps the cluster
    site.screenshot("match")
    page.click(f"{TITLES} >> nth=0")
    page.wait_for_url("**/papers/twin/")


def test_add_a_row_and_a_bad_name_without_javascript(open_site, three_papers):
    site = open_site(java_script_enabled=False, viewport=PHONE)
    page = site.page
    site.goto("/match/")
    assert page.locator(".match-row").count() == 4
    page.fill("#gpu-1", "Voodoo5")
    page.fill("#count-1", "2")
    with page.expect_navigation():
        page.click("button[name=rows]")
    assert page.locator(".match-row").count() == 5
    assert "Unknown GPU type(s): Voodoo5" in page.inner_text("[role=alert]")
    assert page.input_value("#gpu-1") == "Voodoo5"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    site.screenshot("match-phone-error")
