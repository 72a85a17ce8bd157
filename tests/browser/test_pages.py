"""Every main page in a browser at desktop and phone sizes: no sideways scrolling, a title, one
h1, labelled fields, a working skip link. Screenshots of each land in screenshots/."""

import pytest

from tests.browser import checks
from tests.browser.conftest import VIEWPORTS

pytestmark = pytest.mark.browser

PAGES = [
    "home",
    "topics-a-z",
    "topics-by-size",
    "topic-map",
    "topic",
    "topic-page-2",
    "post",
    "not-found",
    "search",
    "search-empty",
    "search-nothing",
]


def address(name, archive):
    return {
        "home": "/",
        "topics-a-z": "/topics/",
        "topics-by-size": "/topics/?sort=size",
        "topic-map": "/topics/map/",
        "topic": archive["topics"]["localism"].get_absolute_url(),
        "topic-page-2": archive["topics"]["localism"].get_absolute_url() + "?page=2",
        "post": archive["posts"]["powers"].get_absolute_url(),
        "not-found": "/no-such-page/",
        "search": "/search/?q=localism+council&kind=posts",
        "search-empty": "/search/",
        "search-nothing": "/search/?q=zzzz+qqqq",
    }[name]


@pytest.mark.parametrize("name", PAGES)
def test_main_page_is_sound_at_desktop_and_phone_sizes(
    new_page, browser_watch, reading_archive, screenshots_dir, name
):
    # One test per page with every size inside it: the archive is built once, not once a size.
    expected_status = 404 if name == "not-found" else 200
    if name == "not-found":
        # Chromium logs the 404 of the page itself; the page shown is still the site's own.
        browser_watch.allow(
            "console error", r"status of 404 \(Not Found\) \(http://[^/]+/no-such-page/\)"
        )
    problems = []
    for viewport in VIEWPORTS:
        page = new_page(viewport)
        assert page.goto(address(name, reading_archive)).status == expected_status
        page.screenshot(
            path=screenshots_dir / f"{name}-{viewport}.png", full_page=True, scale="css"
        )
        found = (
            checks.horizontal_scroll(page)
            + checks.title_and_heading(page)
            + checks.unlabelled_fields(page)
            + checks.skip_link(page)
        )
        problems += [f"{viewport}: {problem}" for problem in found]
    assert problems == []
