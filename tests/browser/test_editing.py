"""Volunteers in a real browser: signing in through the form, editing a topic's entry with a
preview, history, diff and a moderator's revert; two people editing at once; an anonymous
visitor sent to log in and back; script-bearing Markdown saved and shown as harmless text."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from wiki.permissions import MODERATORS_GROUP
from wiki.services import create_page

pytestmark = pytest.mark.browser

PASSWORD = "browser-pass-9!x"
FIRST_TEXT = "The bill that became the Localism Act 2011."


def heading(page):
    return page.get_by_role("heading", level=1)


def text_box(page):
    # By role: the conflict screen's regions have "text" in their names too.
    return page.get_by_role("textbox", name="Text", exact=True)


def person(username, *, moderator=False):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    if moderator:
        # Browser tests flush the database after each test, taking the migration's group along.
        group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        user.groups.add(group)
    return user


@pytest.fixture
def localism(make_topic, make_post):
    """A topic with a post and an entry of one revision."""
    topic = make_topic("Localism Bill")
    make_post("Councils get new powers under the Localism Bill", topics=[topic])
    create_page(title=topic.name, text=FIRST_TEXT, author=None, summary="first")
    return topic


def log_in_with_the_form(page, username):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_volunteer_signs_in_edits_with_preview_checks_history_and_a_moderator_reverts(
    new_page, live_server, localism
):
    person("alice")
    page = new_page()
    page.goto("/accounts/login/")
    log_in_with_the_form(page, "alice")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="alice")).to_be_visible()

    page.goto(localism.get_absolute_url())
    entry = page.get_by_role("region", name="About Localism Bill")
    expect(entry).to_contain_text(FIRST_TEXT)
    entry.get_by_role("link", name="Edit this entry").click()
    expect(heading(page)).to_have_text("Editing Localism Bill")
    new_text = "The **Localism Act 2011** gave councils a general power of competence."
    text_box(page).fill(new_text)
    page.get_by_label("Edit summary").fill("Say what the act did")

    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview (not saved yet)")
    expect(preview.locator("strong")).to_have_text("Localism Act 2011")
    expect(text_box(page)).to_have_value(new_text)
    page.goto(localism.get_absolute_url())  # previewing saved nothing
    expect(page.get_by_role("region", name="About Localism Bill")).to_contain_text(FIRST_TEXT)
    page.go_back()

    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{live_server.url}{localism.get_absolute_url()}")
    entry = page.get_by_role("region", name="About Localism Bill")
    expect(entry.locator("strong")).to_have_text("Localism Act 2011")
    expect(entry).to_contain_text("Last edited by alice")

    entry.get_by_role("link", name="History").click()
    expect(heading(page)).to_have_text("History of Localism Bill")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(3)  # a header, two saves
    expect(page.get_by_role("table")).to_contain_text("Say what the act did")
    page.get_by_role("button", name="Compare selected revisions").click()
    expect(heading(page)).to_have_text("Changes to Localism Bill")
    expect(page.locator(".diff ins").first).to_be_visible()
    expect(page.locator(".diff")).to_contain_text("general power of competence")
    expect(page.locator(".diff del").first).to_be_visible()
    history_url = page.url.split("/diff/")[0] + "/history/"

    # Reverting is for moderators: a second person, in a browser of their own.
    moderator = new_page(user=person("mona", moderator=True))
    moderator.goto(history_url)
    moderator.locator(f'a[href="/wiki/{localism.slug}/revisions/1/"]').click()
    expect(heading(moderator)).to_contain_text("revision 1")
    moderator.get_by_label("Reason (public, required)").fill("Back to the sourced text")
    moderator.get_by_role("button", name="Revert to this revision").click()
    expect(heading(moderator)).to_have_text("History of Localism Bill")
    expect(moderator.get_by_text("Reverted to revision 1 (now revision 3).")).to_be_visible()

    page.goto(localism.get_absolute_url())
    entry = page.get_by_role("region", name="About Localism Bill")
    expect(entry).to_contain_text(FIRST_TEXT)
    expect(entry.locator("strong")).to_have_count(0)
    expect(entry).to_contain_text("Last edited by mona")


def test_second_of_two_editors_gets_the_conflict_screen_with_their_text_kept(
    new_page, browser_watch, live_server, localism
):
    # The conflict screen answers 409, which Chromium reports in the console.
    browser_watch.allow("console error", r"status of 409 \(Conflict\)")
    alice = new_page(user=person("alice"))
    bob = new_page(user=person("bob"))
    edit_url = f"/wiki/{localism.slug}/edit/"
    alice.goto(edit_url)
    bob.goto(edit_url)

    text_box(alice).fill("Alice's words about the act.")
    alice.get_by_role("button", name="Save").click()
    expect(alice).to_have_url(f"{live_server.url}{localism.get_absolute_url()}")

    text_box(bob).fill("Bob's words about the bill.")
    bob.get_by_role("button", name="Save").click()
    expect(heading(bob)).to_have_text("Edit conflict: Localism Bill")
    expect(bob.get_by_role("alert")).to_contain_text("your text was not saved yet")
    expect(text_box(bob)).to_have_value("Bob's words about the bill.")
    their_change = bob.get_by_role("region", name="Their change")
    expect(their_change).to_contain_text("Revision 2 by alice")
    expect(their_change.get_by_role("insertion").first).to_have_text("Alice's")

    text_box(bob).fill("Alice's words about the act. Bob's words about the bill.")
    bob.get_by_role("button", name="Save").click()
    expect(bob).to_have_url(f"{live_server.url}{localism.get_absolute_url()}")
    expect(bob.get_by_role("region", name="About Localism Bill")).to_contain_text(
        "Alice's words about the act. Bob's words about the bill."
    )


def test_anonymous_visitor_opening_an_edit_link_logs_in_and_lands_on_the_edit_form(
    new_page, live_server, localism
):
    person("carol")
    page = new_page()
    page.goto(localism.get_absolute_url())
    page.get_by_role("link", name="Edit this entry").click()
    expect(page).to_have_url(re.compile(rf"/accounts/login/\?next=/wiki/{localism.slug}/edit/$"))
    expect(page.get_by_text("Please log in to continue.")).to_be_visible()
    log_in_with_the_form(page, "carol")
    expect(page).to_have_url(f"{live_server.url}/wiki/{localism.slug}/edit/")
    expect(heading(page)).to_have_text("Editing Localism Bill")
    expect(text_box(page)).to_have_value(FIRST_TEXT)


HOSTILE_MARKDOWN = """# Hostile page

<script>alert('script element')</script>

<img src=x onerror="alert('img onerror')">

<img src="https://tracker.example/pixel.png" alt="tracker">

[a tempting link](javascript:alert('markdown link'))

<a href="javascript:alert('html link')">another tempting link</a>

<svg onload="alert('svg onload')"><circle r="5"></circle></svg>

<iframe src="https://evil.example/"></iframe>

<form action="https://evil.example/steal"><input name="q"><button>Go</button></form>

<style>body { display: none }</style>

![tracker](https://tracker.example/image.png)

<a href="https://evil.example/" onmouseover="alert('hover')">an outside link</a>

Plain words survive.
"""


def test_script_bearing_markdown_saved_in_the_browser_renders_inert(
    new_page, browser_watch, live_server
):
    # Markdown images may point anywhere (wiki.markup keeps http(s) sources); the site's
    # Content-Security-Policy (img-src 'self') stops the browser fetching them, and says so.
    browser_watch.allow(
        "console error",
        r"^Loading the image 'https://tracker\.example/image\.png' violates|"
        r"^Refused to load the image 'https://tracker\.example/image\.png'",
    )
    page = new_page(user=person("eve"))
    page.goto("/wiki/hostile-page/edit/?title=Hostile page")
    expect(heading(page)).to_have_text("Create a page")
    text_box(page).fill(HOSTILE_MARKDOWN)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("region", name="Preview (not saved yet)")).to_contain_text(
        "Plain words survive."
    )
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{live_server.url}/wiki/hostile-page/")

    text = page.locator(".wiki-text")
    expect(text).to_contain_text("Plain words survive.")
    expect(text.locator("script, svg, iframe, form, input, style, object, embed")).to_have_count(0)
    images = text.locator("img").evaluate_all(
        "imgs => imgs.map(i => ({src: i.src, loaded: i.naturalWidth > 0}))"
    )
    assert images == [{"src": "https://tracker.example/image.png", "loaded": False}]
    for handler in ("onerror", "onload", "onmouseover"):
        expect(text.locator(f"[{handler}]")).to_have_count(0)
    hrefs = text.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    assert not [href for href in hrefs if not href.startswith(("http:", "https:"))], hrefs
    # Follow what is left of each tempting link and hover the outside one: nothing may run.
    for name in ("a tempting link", "another tempting link"):
        link = page.get_by_text(name)
        if link.count():
            link.first.click(no_wait_after=True)
    page.get_by_text("an outside link").hover()
    expect(page).to_have_url(f"{live_server.url}/wiki/hostile-page/")
    # The watch fails this test on any dialog, console error or request to another site.
