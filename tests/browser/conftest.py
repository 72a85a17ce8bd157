"""Fixtures for real-browser tests: Debian's Chromium driven by Playwright against `live_server`.

- `chromium`: one headless browser for the whole run, launched by path (never downloaded).
- `browser_watch`: records console errors, uncaught page errors, dialogs and requests to any
  origin but the live server's (those are blocked too); the test fails on any not allowed with
  `browser_watch.allow(...)`.
- `new_page(viewport="desktop", user=None)`: a page in a fresh browser context (its own cookies),
  watched, with `base_url` set to the live server, so `page.goto("/topics/")` works. With `user`,
  the context starts logged in as that user. `page` is `new_page()` for the common case.

Browser tests run last in a session: while Playwright's sync API is open it keeps an asyncio
loop running in this thread, and Django refuses ORM calls from a thread with a running loop
unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The variable is set only while the browser is open.
"""

import contextlib
import datetime
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
    "--no-first-run",
    # No calls home: a request the page did not make must not reach the network or the watch.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "wide": {"width": 1440, "height": 900},
    "phone-390": {"width": 390, "height": 844},
    "phone-360": {"width": 360, "height": 740},
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
# Playwright's default is 30 s; a local page that takes more than this is a failure worth seeing.
TIMEOUT_MS = 5_000


def pytest_collection_modifyitems(items):
    """Browser tests after all others: see the module docstring for why."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        reason = (
            f"Chromium not found at {CHROMIUM}. `make test` installs Debian's chromium package "
            "when run as root; otherwise run `sudo apt-get install chromium`."
        )
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if saved is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class BrowserWatch:
    """What the pages of one test did that a healthy page never does."""

    origin: str
    problems: list[tuple[str, str]] = field(default_factory=list)
    allowed: list[tuple[str, re.Pattern]] = field(default_factory=list)
    pages: list = field(default_factory=list)

    KINDS = ("console error", "page error", "dialog", "foreign request")

    def allow(self, kind: str, pattern: str) -> None:
        """Expect problems of `kind` whose text matches `pattern` (a regex), e.g. a 404's log."""
        assert kind in self.KINDS, kind
        self.allowed.append((kind, re.compile(pattern)))

    def attach(self, context) -> None:
        """Record the problems of every page `context` opens; abort foreign requests."""
        context.route(self._is_foreign, self._block)
        context.on("page", self._listen)
        context.on("dialog", self._on_dialog)

    def unexpected(self) -> list[tuple[str, str]]:
        # A round trip to each page first, so events the browser has sent are all delivered.
        for page in self.pages:
            with contextlib.suppress(PlaywrightError):  # a closed or navigating page has no more
                page.evaluate("0")
        return [
            (kind, text)
            for kind, text in self.problems
            if not any(k == kind and p.search(text) for k, p in self.allowed)
        ]

    def _listen(self, page) -> None:
        self.pages.append(page)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(("page error", str(error))))

    def _on_console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url")
            self.problems.append(
                ("console error", f"{message.text} ({where})" if where else message.text)
            )

    def _on_dialog(self, dialog) -> None:
        self.problems.append(("dialog", f"{dialog.type}: {dialog.message}"))
        dialog.dismiss()

    def _is_foreign(self, url: str) -> bool:
        return not url.startswith(("data:", "blob:", "about:")) and origin(url) != self.origin

    def _block(self, route) -> None:
        self.problems.append(("foreign request", route.request.url))
        route.abort("blockedbyclient")


@pytest.fixture
def browser_watch(live_server):
    return BrowserWatch(origin=origin(live_server.url))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # Checked here rather than in a fixture's teardown so a problem fails the test itself.
    result = yield
    watch = item.funcargs.get("browser_watch")
    if watch is not None:
        problems = watch.unexpected()
        if problems:
            listed = "\n".join(f"  {kind}: {text}" for kind, text in problems)
            pytest.fail(
                f"The browser saw what a healthy page never shows:\n{listed}", pytrace=False
            )
    return result


def log_in(context, user, base_url: str) -> None:
    """Give `context` a logged-in session for `user`, without going through a log-in form.

    Flows that test the log-in page itself should fill in the form instead.
    """
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


@pytest.fixture
def new_page(chromium, live_server, transactional_db, browser_watch):
    """`new_page(viewport="desktop", user=None)` → a watched page in a context of its own."""
    contexts = []

    def open_page(viewport: str = "desktop", *, user=None):
        phone = viewport.startswith("phone")
        context = chromium.new_context(
            base_url=live_server.url,
            viewport=VIEWPORTS[viewport],
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        browser_watch.attach(context)
        if user is not None:
            log_in(context, user, live_server.url)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def reading_archive(make_topic, make_post, make_archive):
    """A small archive shaped like the real one: topics sharing posts, a long address in a body,
    a long topic name, an excerpt, an undated post, and enough posts for a second topic page."""
    localism = make_topic(
        "Localism Bill", description="The bill that became the Localism Act 2011."
    )
    trusts = make_topic("Community land trusts")
    network = make_topic("Big Society Network")
    long_name = make_topic("Department for Communities and Local Government consultations")
    powers = make_post(
        "Councils get new powers under the Localism Bill",
        topics=[localism, trusts],
        published=datetime.date(2011, 2, 14),
        archives=[make_archive("bigsociety-2010-12-localism-bill-tag-archive-part-two.txt")],
        body=(
            "The bill gives councils a general power of competence.\n\n"
            "Read it at http://www.communities.gov.uk/publications/localgovernment/"
            "localismbillplainenglishguidetothelocalismbillthatisverylongindeed"
        ),
    )
    pub = make_post(
        "Land trust buys the village pub",
        topics=[trusts, network, long_name],
        published=datetime.date(2011, 2, 1),
        mentions=[powers],
    )
    make_post("Second reading of the Localism Bill", topics=[localism], is_excerpt=True)
    for n in range(22):
        make_post(
            f"Localism Bill roundup {n + 1}",
            topics=[localism],
            published=datetime.date(2011, 1, 1) + datetime.timedelta(days=n),
        )
    return {
        "topics": {"localism": localism, "trusts": trusts, "network": network},
        "posts": {"powers": powers, "pub": pub},
    }
