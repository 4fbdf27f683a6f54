import json

from tests.browser.conftest import ARTIFACTS, PHONE, browser_test

pytestmark = browser_test

HOME_BUDGET = 100 * 1024
MAIN_PAGES = {
    "home": "/",
    "taxonomy": "/taxonomy/",
    "category": "/categories/inter-pipeline/",
    "paper": "/papers/park2020hetpipe/",
    "compare": "/compare/?papers=park2020hetpipe,mei2025helix,jang2023oobleck",
}


def test_the_404_page(site, seed):
    response = site.goto("/no/such/page/")
    assert response.status == 404
    assert site.page.title() == "Page not found · HeteroGPU Papers"
    assert site.page.locator("h1").inner_text() == "Page not found"
    assert site.page.locator("a:text-is('Search the papers')").count() == 1
    site.screenshot("404")


def test_phone_width_is_one_column_without_horizontal_scroll(open_site, catalogue):
    site = open_site(viewport=PHONE, is_mobile=True, has_touch=True)
    page = site.page
    for name, path in MAIN_PAGES.items():
        site.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {PHONE['width']}px"
        site.screenshot(f"phone-{name}")
    site.goto("/")
    facets, results = page.locator(".facets").bounding_box(), page.locator(".results").bounding_box()
    assert facets["y"] >= results["y"] + results["height"] - 1  # filters below the results, not beside them
    assert facets["width"] == results["width"]


def test_home_page_budget_and_no_other_host(site, catalogue):
    sizes = []
    site.page.on("requestfinished", lambda request: sizes.append((request.url, request.sizes())))
    site.goto("/")
    site.page.wait_for_load_state("networkidle")
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for _, s in sizes)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "home-transfer.json").write_text(
        json.dumps({"total_bytes": total, "requests": [{"url": u, **s} for u, s in sizes]}, indent=2)
    )
    assert {url.rsplit("/", 1)[-1] for url, _ in sizes} >= {"", "site.css", "site.js", "search.js"}
    assert total <= HOME_BUDGET, f"home page transferred {total} bytes"
    # The site fixture also fails the test on any request to another host.


def test_slash_focuses_search_and_focus_is_visible(site, seed):
    page = site.page
    for path, box in (("/", "q"), ("/papers/park2020hetpipe/", "site-q"), ("/taxonomy/", "site-q")):
        site.goto(path)
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.id") == box
        assert page.input_value(f"#{box}") == ""  # the "/" itself is not typed
    site.goto("/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_dark_mode_follows_the_system_setting(open_site, seed):
    light = open_site(color_scheme="light")
    dark = open_site(color_scheme="dark")
    backgrounds = {}
    for name, site in (("light", light), ("dark", dark)):
        site.goto("/taxonomy/")
        backgrounds[name] = site.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert backgrounds == {"light": "rgb(255, 255, 255)", "dark": "rgb(17, 20, 24)"}
    dark.screenshot("dark-taxonomy")


def test_screenshots_of_each_main_page(site, catalogue):
    titles = {}
    for name, path in MAIN_PAGES.items():
        site.goto(path)
        titles[name] = site.page.title()
        site.screenshot(name)
    assert titles["taxonomy"] == "Taxonomy · HeteroGPU Papers"
    assert titles["category"] == "Inter-pipeline heterogeneity · HeteroGPU Papers"
    assert titles["paper"].startswith("HetPipe: Enabling Large DNN Training")
    assert titles["compare"] == "Compare 3 papers · HeteroGPU Papers"
