"""Every main page in a browser at desktop and phone sizes: no sideways scrolling, a title, one
h1, labelled fields, a working skip link. Screenshots of each land in screenshots/."""

import pytest
from django.contrib.auth import get_user_model

from tests.browser import checks
from tests.browser.conftest import VIEWPORTS
from wiki.services import create_page, save_revision

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
    "search-topics",
    "edit-form",
    "history",
    "diff",
    "recent-changes",
    "login",
    "signup",
]
# Pages only a logged-in volunteer sees.
VOLUNTEER_PAGES = {"edit-form"}


def address(name, archive):
    localism = archive["topics"]["localism"]
    return {
        "home": "/",
        "topics-a-z": "/topics/",
        "topics-by-size": "/topics/?sort=size",
        "topic-map": "/topics/map/",
        "topic": localism.get_absolute_url(),
        "topic-page-2": localism.get_absolute_url() + "?page=2",
        "post": archive["posts"]["powers"].get_absolute_url(),
        "not-found": "/no-such-page/",
        "edit-form": f"/wiki/{localism.slug}/edit/",
        "history": f"/wiki/{localism.slug}/history/",
        "diff": f"/wiki/{localism.slug}/diff/?from=1&to=2",
        "recent-changes": "/recent/",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "search": "/search/?q=localism+council&kind=posts",
        "search-empty": "/search/",
        "search-nothing": "/search/?q=zzzz+qqqq",
        # every kind: matching topics sit above the posts and pages
        "search-topics": "/search/?q=localism",
    }[name]


@pytest.fixture
def wiki_archive(reading_archive):
    """The reading archive, with a two-revision entry for Localism Bill and its author."""
    volunteer = get_user_model().objects.create_user("pagecheck", "pagecheck@example.org")
    topic = reading_archive["topics"]["localism"]
    revision = create_page(
        title=topic.name,
        text="## What it did\n\nThe bill became the [[Localism Act]] in 2011.",
        author=volunteer,
        summary="first words",
    )
    save_revision(
        page=revision.page,
        text="## What it did\n\nThe bill became the [[Localism Act]] in November 2011, "
        "with a general power of competence for councils and a very long word: "
        "neighbourhoodplanningreferendumsandcommunityrighttochallengeprovisions.",
        author=volunteer,
        summary="added the month and the powers",
        base_revision=revision.number,
    )
    return {**reading_archive, "volunteer": volunteer}


@pytest.mark.parametrize("name", PAGES)
def test_main_page_is_sound_at_desktop_and_phone_sizes(
    new_page, browser_watch, wiki_archive, screenshots_dir, name
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
        user = wiki_archive["volunteer"] if name in VOLUNTEER_PAGES else None
        page = new_page(viewport, user=user)
        assert page.goto(address(name, wiki_archive)).status == expected_status
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
