"""Every kind of page in a browser at 1280, 390 and 360 px, including error and empty states:
no sideways scrolling, a title, one h1, labelled fields, a working skip link, and no serious or
critical axe-core violation. Screenshots of each land in screenshots/."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser import checks
from tests.browser.conftest import VIEWPORTS
from wiki.services import create_page, save_revision

pytestmark = pytest.mark.browser

PASSWORD = "pagecheck-pass-9!x"


@dataclass(frozen=True)
class Kind:
    """A kind of page: where it is, who looks, what they do there first, what status it has."""

    address: Callable[[dict], str]
    status: int = 200
    volunteer: bool = False
    then: Callable | None = None  # (page) -> None: fills in and sends a form, say


def _failed_login(page):
    page.get_by_label("Username").fill("pagecheck")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("There is a problem").wait_for()


def _failed_signup(page):
    page.get_by_label("Username").fill("new-volunteer")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password confirmation").fill("different")
    page.get_by_role("button", name="Create my account").click()
    page.get_by_text("There is a problem").wait_for()


def _empty_edit(page):
    page.get_by_role("button", name="Save").click()
    page.get_by_text("There is a problem").wait_for()


def _topic(archive, key="localism"):
    return archive["topics"][key]


KINDS = {
    "home": Kind(lambda a: "/"),
    "topics-a-z": Kind(lambda a: "/topics/"),
    "topics-by-size": Kind(lambda a: "/topics/?sort=size"),
    "topic-map": Kind(lambda a: "/topics/map/"),
    "topic": Kind(lambda a: _topic(a).get_absolute_url()),
    "topic-page-2": Kind(lambda a: _topic(a).get_absolute_url() + "?page=2"),
    "topic-without-entry": Kind(lambda a: _topic(a, "trusts").get_absolute_url()),
    "posts": Kind(lambda a: "/posts/"),
    "posts-month": Kind(lambda a: "/posts/?year=2011&month=2"),
    "post": Kind(lambda a: a["posts"]["powers"].get_absolute_url()),
    "post-undated-excerpt": Kind(lambda a: a["posts"]["teaser"].get_absolute_url()),
    "not-found": Kind(lambda a: "/no-such-page/", status=404),
    "search": Kind(lambda a: "/search/?q=localism+council&kind=posts"),
    "search-empty": Kind(lambda a: "/search/"),
    "search-nothing": Kind(lambda a: "/search/?q=zzzz+qqqq"),
    # every kind: matching topics sit above the posts and pages
    "search-topics": Kind(lambda a: "/search/?q=localism"),
    "wiki-page": Kind(lambda a: "/wiki/volunteering-guide/"),
    "wiki-missing": Kind(lambda a: "/wiki/localism-act/", status=404),
    "wiki-index": Kind(lambda a: "/wiki/"),
    "edit-form": Kind(lambda a: f"/wiki/{_topic(a).slug}/edit/", volunteer=True),
    "create-form-errors": Kind(
        lambda a: "/wiki/a-new-page/edit/", volunteer=True, then=_empty_edit
    ),
    "history": Kind(lambda a: f"/wiki/{_topic(a).slug}/history/"),
    "revision": Kind(lambda a: f"/wiki/{_topic(a).slug}/revisions/1/"),
    "diff": Kind(lambda a: f"/wiki/{_topic(a).slug}/diff/?from=1&to=2"),
    "diff-error": Kind(lambda a: f"/wiki/{_topic(a).slug}/diff/?from=1&to=9", status=400),
    "links": Kind(lambda a: f"/wiki/{_topic(a).slug}/links/"),
    "recent-changes": Kind(lambda a: "/recent/"),
    "recent-changes-none": Kind(lambda a: "/recent/?user=nobody"),
    "contributions": Kind(lambda a: "/users/pagecheck/"),
    "login": Kind(lambda a: "/accounts/login/"),
    "login-errors": Kind(lambda a: "/accounts/login/", then=_failed_login),
    "signup": Kind(lambda a: "/accounts/signup/"),
    "signup-errors": Kind(lambda a: "/accounts/signup/", then=_failed_signup),
}


@pytest.fixture
def wiki_archive(reading_archive, make_post):
    """The reading archive, with a two-revision entry for Localism Bill, a plain wiki page,
    an undated excerpt, and their author."""
    volunteer = get_user_model().objects.create_user("pagecheck", "pagecheck@example.org", PASSWORD)
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
    create_page(
        title="Volunteering guide",
        text="## Where to start\n\nRead [[Localism Bill]].\n\n## Who to ask\n\nAsk.\n\n"
        "## What to write\n\nA fair summary.",
        author=volunteer,
        summary="a guide",
    )
    teaser = make_post("A teaser without a date", is_excerpt=True)
    return {
        **reading_archive,
        "posts": {**reading_archive["posts"], "teaser": teaser},
        "volunteer": volunteer,
    }


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_kind_of_page_is_sound_and_accessible(
    new_page, browser_watch, wiki_archive, screenshots_dir, viewport
):
    # One test per size with every kind inside it: the archive is built three times, not a
    # hundred, and one browser page per person walks all the kinds (the suite stays quick).
    # Chromium logs the error status of a page itself; the page shown is still the site's own.
    browser_watch.allow("console error", r"status of 4\d\d")
    reader = new_page(viewport)
    volunteer = new_page(viewport, user=wiki_archive["volunteer"])
    problems = []
    for name, kind in KINDS.items():
        page = volunteer if kind.volunteer else reader
        response = page.goto(kind.address(wiki_archive))
        if response.status != kind.status:
            problems.append(f"{name}: status {response.status}, not {kind.status}")
        if kind.then:
            kind.then(page)
        page.screenshot(
            path=screenshots_dir / f"{name}-{viewport}.png", full_page=True, scale="css"
        )
        found = (
            checks.horizontal_scroll(page)
            + checks.title_and_heading(page)
            + checks.unlabelled_fields(page)
            + checks.dangling_references(page)
            + checks.accessibility(page)
            + checks.skip_link(page)
        )
        problems += [f"{name}: {problem}" for problem in found]
    assert problems == []


def test_error_summary_is_focused_and_links_to_its_fields(new_page, browser_watch, wiki_archive):
    browser_watch.allow("console error", r"status of 400")
    page = new_page("phone-360")
    page.goto("/accounts/signup/")
    _failed_signup(page)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()  # autofocus runs a frame after the page is shown
    links = summary.get_by_role("link")
    assert links.count() >= 1
    # Each error's link moves to its field, which is marked invalid and says why.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    target = links.first.get_attribute("href")
    assert re.fullmatch(r"#id_\w+", target)
    assert page.locator(target).get_attribute("aria-invalid") == "true"
    described = page.locator(target).get_attribute("aria-describedby").split()
    assert any(page.locator(f"#{id_}").inner_text().startswith("Error:") for id_ in described)
