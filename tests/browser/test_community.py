"""The volunteers' round in a real browser: A watches a topic, B edits its entry and replies on
its talk page, A sees both on the watchlist and the worker writes A's e-mail to a file. Then
every new community page is checked (one h1, labelled fields, no sideways scroll) and
photographed at desktop and phone sizes into screenshots/."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import VerifiedEmail
from community.models import Block, LogEntry, Review, TalkComment
from tests.browser import checks
from tests.browser.conftest import VIEWPORTS
from wiki.permissions import MODERATORS_GROUP

pytestmark = pytest.mark.browser


def person(username, *, moderator=False):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-9!xq")
    # As if they had opened the link mailed on sign-up: their watchlist mail is sent.
    VerifiedEmail.objects.create(user=user, email=user.email)
    if moderator:
        group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        user.groups.add(group)
    return user


@pytest.fixture
def localism(make_topic, make_post):
    topic = make_topic("Localism Bill", description="The bill that became the Localism Act.")
    make_post("Councils get new powers under the Localism Bill", topics=[topic])
    return topic


def test_a_watcher_sees_an_edit_and_a_reply_and_finds_the_email(
    new_page, localism, settings, tmp_path, screenshots_dir
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    a = new_page(user=person("anna"))
    a.goto(localism.get_absolute_url())
    a.get_by_role("button", name="Watch").click()
    expect(a.get_by_text("You are watching Localism Bill")).to_be_visible()
    expect(a.get_by_role("button", name="Unwatch")).to_be_visible()

    b = new_page(user=person("ben"))
    b.goto(f"/wiki/{localism.slug}/edit/")
    b.get_by_role("textbox", name="Text", exact=True).fill("The bill gave councils new powers.")
    b.get_by_label("Edit summary").fill("first summary")
    b.get_by_role("button", name="Save").click()
    expect(b.get_by_text("Saved.")).to_be_visible()
    b.get_by_role("link", name="Talk", exact=True).click()
    expect(b.get_by_role("heading", level=1)).to_have_text("Talk: Localism Bill")
    b.get_by_label("Subject (for a new thread)").fill("Which powers?")
    b.get_by_label("Comment", exact=True).fill("Should we list the **general power**?")
    b.get_by_role("button", name="Post comment").click()
    comment = TalkComment.objects.get()
    expect(b.locator(f"#c{comment.pk} strong")).to_have_text("general power")

    a.goto("/watchlist/")
    rows = a.locator(".watchlist li")
    expect(rows.filter(has_text="edited by ben")).to_have_count(1)
    expect(rows.filter(has_text="new comment by ben")).to_have_count(1)
    expect(a.get_by_text("new since your last visit")).to_have_count(2)
    a.screenshot(path=screenshots_dir / "watchlist-desktop.png", full_page=True, scale="css")
    a.get_by_role("link", name="diff").click()
    expect(a.locator(".diff-rows ins").first).to_be_visible()

    call_command("send_notifications", verbosity=0)
    mails = "\n".join(path.read_text() for path in tmp_path.iterdir())
    assert "To: anna@example.org" in mails
    assert "ben changed Localism Bill" in mails
    assert "ben wrote on the talk page of Localism Bill" in mails
    assert "List-Unsubscribe:" in mails
    assert "ben@example.org" not in mails  # nobody is told about their own change
    link = re.search(r"/unsubscribe/[^/\s]+/", mails)[0]
    anonymous = new_page()
    anonymous.goto(link)
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Stop watchlist e-mails?")
    anonymous.get_by_role("button", name="Unsubscribe anna").click()
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")


@pytest.fixture
def community_pages(localism):
    """Something on each new page: a thread, a log entry, a block, a review, a watch."""
    mona = person("mona", moderator=True)
    newbie = person("newbie")
    from wiki.services import create_page, save_revision

    first = create_page(title=localism.name, text="First.", author=mona)
    second = save_revision(
        page=first.page, text="First, and more words.", author=newbie, base_revision=1
    )
    assert Review.objects.filter(revision=second).exists()  # the service queued a newbie's edit
    create_page(
        title="Village halls", text="Halls that [[Localism Bill|councils]] let.", author=mona
    )
    from community.talk import post_comment
    from community.targets import Target

    post_comment(target=Target(topic=localism), author=newbie, text="A *question*.", title="Q")
    LogEntry.objects.create(kind="protect", actor=mona, target=localism.name, reason="Edit war")
    Block.objects.create(user=person("vandal"), by=mona, reason="Spam links")
    return {"mona": mona, "newbie": newbie, "slug": localism.slug}


PAGES = {
    "watchlist": ("/watchlist/", "newbie"),
    "talk": ("/wiki/{slug}/talk/", "newbie"),
    "log": ("/log/", None),
    "review": ("/review/", "mona"),
    "block": ("/users/vandal/block/", "mona"),
    "preferences": ("/accounts/preferences/", "newbie"),
    "home-volunteer": ("/", "newbie"),
    "blocked": ("/wiki/{slug}/edit/", "vandal"),
    "topic-volunteer": ("/topics/{slug}/", "newbie"),
    "recent-with-talk": ("/recent/", None),
    "page-volunteer": ("/wiki/village-halls/", "newbie"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_community_page_is_sound_at_desktop_and_phone_sizes(
    new_page, community_pages, screenshots_dir, browser_watch, name
):
    path, username = PAGES[name]
    path = path.format(slug=community_pages["slug"])
    user = get_user_model().objects.get(username=username) if username else None
    if name == "blocked":
        browser_watch.allow("console error", r"status of 403")
    problems = []
    for viewport in VIEWPORTS:
        page = new_page(viewport, user=user)
        page.goto(path)
        page.screenshot(
            path=screenshots_dir / f"community-{name}-{viewport}.png", full_page=True, scale="css"
        )
        found = (
            checks.horizontal_scroll(page)
            + checks.title_and_heading(page)
            + checks.unlabelled_fields(page)
            + checks.dangling_references(page)
            + checks.accessibility(page)
        )
        problems += [f"{viewport}: {problem}" for problem in found]
    assert problems == []
