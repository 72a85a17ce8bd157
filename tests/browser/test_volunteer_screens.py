"""The volunteer's screens as they look (issue 24): controls beside their labels, a status panel
after every action, a one-row header on a laptop and a tidy menu on a phone, tabs that stay in
sight, one Talk link, a secondary Watch button. Each test looks at real boxes in Chromium."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from wiki.services import create_page

pytestmark = pytest.mark.browser

PASSWORD = "screens-pass-9!x"


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", "alice@example.org", PASSWORD)


@pytest.fixture
def halls(alice):
    return create_page(title="Village halls", text="Halls that councils let.", author=alice).page


def _centre_y(box):
    return box["y"] + box["height"] / 2


def test_each_preference_control_sits_beside_its_label(new_page, alice):
    page = new_page("phone-390", user=alice)
    page.goto("/accounts/preferences/")
    # The e-mail choices, the watch box, and the new API token's scope further down.
    controls = (
        ".preferences-form input[type=radio], #id_watch_edits, .api-token-form input[type=radio]"
    )
    found = page.locator(controls).all()
    assert len(found) == 6
    for control in found:
        label = page.locator(f"label[for={control.get_attribute('id')}]")
        control_box, label_box = control.bounding_box(), label.bounding_box()
        assert label_box["x"] > control_box["x"] + control_box["width"] - 1
        assert abs(_centre_y(label_box) - _centre_y(control_box)) < control_box["height"]


def test_saving_preferences_says_so_in_a_status_panel(new_page, alice):
    page = new_page(user=alice)
    page.goto("/accounts/preferences/")
    page.get_by_label("One daily digest").check()
    page.get_by_role("button", name="Save preferences").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Saved: your preferences are changed.")
    # A panel above the heading, not a bulleted list.
    assert status.locator("li").count() == 0
    # to_have_css waits for the redirected page's stylesheet, which an evaluate could outrun.
    expect(status.locator(":scope > *").first).to_have_css("border-left-width", "5px")


def test_logging_out_and_signing_up_each_say_what_happened(new_page, alice):
    page = new_page(user=alice)
    page.goto("/")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_have_text("You are logged out.")
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password", exact=True).fill("a-long-pass-9!x")
    page.get_by_label("Password confirmation").fill("a-long-pass-9!x")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, newcomer")


@pytest.mark.parametrize("viewport", ["desktop", "wide"])
def test_the_logged_in_header_is_one_row_on_a_laptop(new_page, alice, viewport):
    page = new_page(viewport, user=alice)
    page.goto("/")
    brand = page.locator(".brand").bounding_box()
    for part in (".site-nav", ".site-search", ".site-account"):
        box = page.locator(part).bounding_box()
        assert box["y"] < brand["y"] + brand["height"], f"{part} dropped under the logo"
    # The box shows its whole placeholder ("Search the archive"), not "Search the archi".
    room = page.locator("#site-search-q").evaluate(
        """el => {
          const style = getComputedStyle(el);
          const ctx = document.createElement("canvas").getContext("2d");
          ctx.font = `${style.fontSize} ${style.fontFamily}`;
          const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
          const inner = el.clientWidth - padding;
          return inner - ctx.measureText(el.placeholder).width;
        }"""
    )
    assert room >= 0


def test_on_a_phone_no_section_wraps_alone_onto_a_ragged_line(new_page, alice):
    page = new_page("phone-390", user=alice)
    page.goto("/")
    nav = page.locator(".site-nav ul").bounding_box()
    links = page.locator(".site-nav a").all()
    for link in links:
        box = link.bounding_box()
        # Each row is filled edge to edge: a lone "Watchlist" spans the whole width.
        assert box["x"] + box["width"] <= nav["x"] + nav["width"] + 1
        assert link.evaluate("el => el.scrollWidth <= el.clientWidth"), link.inner_text()
    rows = {}
    for link in links:
        box = link.bounding_box()
        rows.setdefault(round(box["y"]), []).append(box)
    for boxes in rows.values():
        right = max(b["x"] + b["width"] for b in boxes)
        assert right > nav["x"] + nav["width"] - 2, "a row of the menu stops short"


def test_on_a_phone_every_wiki_tab_is_in_sight(new_page, alice, halls):
    page = new_page("phone-390", user=alice)
    page.goto(halls.get_absolute_url())
    tabs = page.locator(".page-tools a")
    assert tabs.count() == 6  # Read, Edit, History, Talk, What links here, Move
    for tab in tabs.all():
        box = tab.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, tab.inner_text()
        assert tab.is_visible()


def test_a_wiki_page_has_one_talk_link_and_a_secondary_watch_button(new_page, alice, halls):
    from community.models import Watch

    Watch.objects.filter(user=alice).delete()  # she wrote it, and so watches it: start unwatched
    page = new_page(user=alice)
    page.goto(halls.get_absolute_url())
    expect(page.locator("main").get_by_role("link", name="Talk", exact=True)).to_have_count(1)
    page.get_by_role("button", name="Watch", exact=True).click()
    unwatch = page.get_by_role("button", name="Unwatch")
    expect(unwatch).to_be_visible()
    # Drawn as a secondary button: the page's background, not the filled green of Save.
    expect(unwatch).to_have_css("background-color", "rgb(255, 255, 255)")


@pytest.fixture
def blocked(db, alice):
    from community.models import Block

    vandal = get_user_model().objects.create_user("vandal", "vandal@example.org", PASSWORD)
    Block.objects.create(user=vandal, by=alice, reason="Spam links")
    return vandal


def test_a_blocked_person_sees_no_edit_tab_nor_talk_form(new_page, blocked, halls, make_topic):
    page = new_page(user=blocked)
    page.goto(halls.get_absolute_url())
    expect(page.get_by_text("Your account is blocked")).to_be_visible()
    expect(page.locator(".page-tools").get_by_role("link", name="Edit")).to_have_count(0)
    topic = make_topic("Localism Bill")
    page.goto(topic.get_absolute_url())
    expect(page.locator(".page-tools").get_by_role("link", name="Write")).to_be_hidden()
    page.goto(f"/wiki/{halls.slug}/talk/")
    expect(page.get_by_role("button", name="Post comment")).to_have_count(0)
    expect(page.get_by_label("Comment", exact=True)).to_have_count(0)


def test_opening_the_editor_while_blocked_does_not_say_nothing_was_saved(
    new_page, browser_watch, blocked, halls
):
    browser_watch.allow("console error", r"status of 403")
    page = new_page(user=blocked)
    page.goto(f"/wiki/{halls.slug}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your account is blocked from editing"
    )
    expect(page.get_by_text("Nothing was saved")).to_have_count(0)


def test_the_block_forms_error_summary_names_its_fields(new_page, browser_watch, blocked, alice):
    from django.contrib.auth.models import Group

    from wiki.permissions import MODERATORS_GROUP

    browser_watch.allow("console error", r"status of 400")
    alice.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    page = new_page(user=alice)
    page.goto("/users/vandal/block/")
    page.get_by_label("Duration").fill("a fortnight")
    page.get_by_role("button", name="Replace the block").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Reason (shown in the public log): this field is required.")
    expect(summary).to_contain_text("Duration: “a fortnight” is not a duration")
    expect(page.get_by_role("link", name="Cancel")).to_have_attribute("href", "/users/vandal/")


def test_the_sign_up_error_summary_names_the_field(new_page, browser_watch):
    browser_watch.allow("console error", r"status of 400")
    page = new_page()
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".error-summary")).to_contain_text("Username: this field is required.")


def test_a_volunteer_restores_an_old_version_from_its_revision_page(new_page, alice, halls):
    from wiki.services import save_revision

    save_revision(page=halls, text="BUY CHEAP WATCHES", author=alice, base_revision=1)
    page = new_page(user=alice)
    page.goto(f"/wiki/{halls.slug}/revisions/1/")
    page.get_by_role("link", name="Edit this version").click()
    expect(page.get_by_text("You are editing an old version: revision 1")).to_be_visible()
    expect(page.get_by_role("textbox", name="Text", exact=True)).to_have_value(
        "Halls that councils let."
    )
    page.get_by_label("Edit summary").fill("Restored revision 1: spam")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".wiki-text")).to_have_text("Halls that councils let.")
    expect(page.get_by_role("status")).to_contain_text("Saved")


PLACES = {
    "page": ("/wiki/village-halls/", ["Home", "Wiki", "Village halls"]),
    "edit": ("/wiki/village-halls/edit/", ["Home", "Wiki", "Village halls", "Edit"]),
    "history": ("/wiki/village-halls/history/", ["Home", "Wiki", "Village halls", "History"]),
    "diff": ("/wiki/village-halls/diff/?from=1&to=1", ["Home", "Wiki", "Village halls", "Changes"]),
    "revision": (
        "/wiki/village-halls/revisions/1/",
        ["Home", "Wiki", "Village halls", "Revision 1"],
    ),
    "links": ("/wiki/village-halls/links/", ["Home", "Wiki", "Village halls", "What links here"]),
    "move": ("/wiki/village-halls/move/", ["Home", "Wiki", "Village halls", "Move"]),
    "talk": ("/wiki/village-halls/talk/", ["Home", "Wiki", "Village halls", "Talk"]),
    "search": ("/search/?q=halls", ["Home", "Search"]),
    "recent": ("/recent/", ["Home", "Recent changes"]),
    "watchlist": ("/watchlist/", ["Home", "Watchlist"]),
    "preferences": ("/accounts/preferences/", ["Home", "alice", "Preferences"]),
    "log": ("/log/", ["Home", "Moderation log"]),
    "review": ("/review/", ["Home", "Review queue"]),
}


def test_every_volunteer_page_with_a_place_has_breadcrumbs(new_page, browser_watch, alice, halls):
    from django.contrib.auth.models import Group

    from wiki.permissions import MODERATORS_GROUP

    alice.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    browser_watch.allow("console error", r"status of 400")  # from=1&to=1 is refused politely
    page = new_page(user=alice)
    for name, (path, crumbs) in PLACES.items():
        page.goto(path)
        trail = page.get_by_role("navigation", name="Breadcrumb").get_by_role("listitem")
        assert trail.all_inner_texts() == crumbs, name


@pytest.mark.parametrize(
    "path, back",
    [
        ("/wiki/village-halls/edit/", "/wiki/village-halls/"),
        ("/wiki/a-new-page/edit/", "/wiki/"),
        ("/wiki/village-halls/move/", "/wiki/village-halls/"),
        ("/wiki/village-halls/talk/", "/wiki/village-halls/"),
        ("/accounts/preferences/", "/watchlist/"),
    ],
)
def test_every_form_has_a_cancel_link_back(new_page, alice, halls, path, back):
    page = new_page("phone-390", user=alice)
    page.goto(path)
    cancel = page.get_by_role("link", name="Cancel")
    expect(cancel).to_have_attribute("href", back)


@pytest.mark.parametrize(
    "path, sentence",
    [
        ("/log/", "Nothing logged."),
        ("/log/?user=nobody", "Nothing logged with these filters."),
        ("/watchlist/", "Nothing yet."),
        ("/", "None yet"),
    ],
)
def test_empty_states_are_sentences_not_numbered_items(new_page, alice, path, sentence):
    page = new_page(user=alice)
    page.goto(path)
    empty = page.locator(".empty-state", has_text=sentence)
    expect(empty).to_be_visible()
    assert empty.evaluate("el => el.closest('li, ol, ul') === null")


def test_the_review_queue_shows_the_changed_lines_side_by_side(new_page, alice, halls):
    from django.contrib.auth.models import Group

    from community.models import Review
    from wiki.permissions import MODERATORS_GROUP
    from wiki.services import save_revision

    newbie = get_user_model().objects.create_user("newbie", "n@example.org", PASSWORD)
    # A new volunteer's edit: the service puts it in the review queue itself.
    revision = save_revision(
        page=halls, text="Halls that councils rent.", author=newbie, base_revision=1
    )
    assert Review.objects.filter(revision=revision).exists()
    Review.objects.exclude(revision=revision).delete()  # alice's own first text, queued too
    alice.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    page = new_page("wide", user=alice)
    page.goto("/review/")
    expect(page.get_by_role("heading", name="Change 1 of 1")).to_be_visible()
    old, new = page.locator(".diff-row--change .diff-cell").all()[:2]
    assert old.bounding_box()["x"] < new.bounding_box()["x"]  # side by side on a wide screen
    expect(old.locator("del")).to_have_text("let.")
    expect(new.locator("ins")).to_have_text("rent.")


def test_favicon_ico_answers_in_a_browser(new_page):
    page = new_page()
    page.goto("/")
    response = page.request.get("/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] == "image/svg+xml"


def test_a_post_names_its_archive_as_the_blog_did_never_by_file_name(
    new_page, make_post, make_archive
):
    archive = make_archive(
        "big-society-network.txt", header='Search Results for: "big society network"'
    )
    post = make_post("An amazing day", archives=[archive])
    page = new_page("phone-390")
    page.goto(post.get_absolute_url())
    source = page.locator(".post-source")
    expect(source).to_contain_text('Kept from Search Results for: "big society network"')
    expect(source.locator("q")).to_have_text('Search Results for: "big society network"')
    expect(source).not_to_contain_text(".txt")


def test_needs_an_entry_badges_sit_evenly_under_each_topic(new_page, alice, make_topic, make_post):
    for name in ("Big Plan", "Big Society Network", "Community empowerment", "Knowledge gardening"):
        make_post(f"About {name}", topics=[make_topic(name)])
    page = new_page("desktop", user=alice)
    page.goto("/topics/")
    offsets = set()
    for entry in page.locator(".topic-index li").all():
        name, badge = (
            entry.locator("a").bounding_box(),
            entry.locator(".needs-entry").bounding_box(),
        )
        offsets.add((round(badge["x"] - name["x"]), round(badge["y"] - name["y"])))
    assert len(offsets) == 1, offsets  # the same place under every name, short or long
