"""Browser tests: Debian's headless Chromium driven by Playwright's sync API against live_server.

Never downloads a browser: without /usr/bin/chromium (apt-get install chromium) or the playwright
package every test here is skipped with the reason, or fails with it in CI (tests.support.requirements).
Screenshots go to test-artifacts/browser/.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.support.requirements import require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

try:
    from playwright import sync_api
except ImportError:  # a checkout without the dev requirements
    sync_api = None

if not os.path.exists(CHROMIUM):
    MISSING = f"no browser at {CHROMIUM} (apt-get install -y --no-install-recommends chromium)"
elif sync_api is None:
    MISSING = "the playwright package is not installed (pip install playwright==1.65.2; no `playwright install`)"
else:
    MISSING = ""
# Every browser test module: pytestmark = browser_test
browser_test = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session", autouse=True)
def _browser_installed():
    """Every test here needs the browser: checked before anything else is set up (live server, database)."""
    require(not MISSING, MISSING)


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls (fixtures,
    # the flush after each transactional test) are still synchronous, so Django may allow them.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


class Site:
    """A browser context on the live server that refuses and records requests to any other host."""

    def __init__(self, browser, live_server, **options):
        self.base = live_server.url
        self.host = urlsplit(live_server.url).netloc
        self.foreign: list[str] = []
        # bypass_csp: the test's own wait_for_function/evaluate need eval; the site itself needs none.
        self.context = browser.new_context(**{"viewport": DESKTOP, "bypass_csp": True, **options})
        self.context.route("**/*", self._only_this_host)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _only_this_host(self, route):
        if urlsplit(route.request.url).netloc == self.host:
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def goto(self, path: str):
        return self.page.goto(self.base + path)

    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self):
        self.context.close()


@pytest.fixture
def site(browser, live_server):
    site = Site(browser, live_server)
    yield site
    site.close()
    assert site.foreign == [], f"requests to other hosts: {site.foreign}"
    assert site.errors == [], f"JavaScript errors: {site.errors}"


@pytest.fixture
def open_site(browser, live_server):
    """Sites with other options (phone width, dark mode, no JavaScript), checked like `site`."""
    opened = []

    def open_(**options):
        opened.append(Site(browser, live_server, **options))
        return opened[-1]

    yield open_
    for site in opened:
        site.close()
        assert site.foreign == [], f"requests to other hosts: {site.foreign}"
        assert site.errors == [], f"JavaScript errors: {site.errors}"


@pytest.fixture
def catalogue(db):
    from taxonomy.catalogue import load_catalogue

    return load_catalogue()
