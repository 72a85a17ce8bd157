"""Keyboard-only walks of reading, searching, editing and signing up: Tab to move, Enter to
follow or send, typing into fields; nothing is clicked. Every stop on the way must show where
focus is (WCAG 2.2 focus appearance: a yellow field and a dark edge, as GOV.UK draws it)."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from wiki.services import create_page

pytestmark = pytest.mark.browser

PASSWORD = "keyboard-pass-9!x"
MAX_TABS = 80
# The focused element (fields by id, the rest by text) and whether its focus can be seen: an
# outline or shadow, or a yellow field.
FOCUSED = r"""() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
                && style.outlineColor !== "rgba(0, 0, 0, 0)") || style.boxShadow !== "none";
  const field = style.backgroundColor === "rgb(255, 210, 63)";
  return {
    // Fields by their id (their text is what was typed), the rest by their text.
    name: ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) && el.id ? el.id
      : (el.getAttribute("aria-label") || el.textContent || "").replace(/\s+/g, " ").trim(),
    tag: el.tagName, id: el.id, visible: ring || field,
    colour: style.color, background: style.backgroundColor,
  };
}"""


def tab_to(page, name: str, *, exact: bool = True) -> dict:
    """Press Tab until the focused element is named `name`; fail if a stop on the way shows no
    focus, or `name` never comes."""
    page.wait_for_load_state("load")  # the page Enter opened has its style sheets
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "BODY":  # Tab went past the last stop
            break
        assert focused["visible"], f"focus is invisible on {focused}"
        seen.append(focused["name"])
        if focused["name"] == name or (not exact and name in focused["name"]):
            return focused
    raise AssertionError(f"Tab never reached {name!r}; it went through {seen}")


def start(page, url: str) -> None:
    page.goto(url)
    page.locator("body").focus()  # as a reader arriving: focus at the top of the page


def heading(page):
    return page.get_by_role("heading", level=1)


@pytest.fixture
def archive(make_topic, make_post):
    localism = make_topic("Localism Bill")
    make_post(
        "Councils get new powers",
        topics=[localism],
        published=datetime.date(2011, 2, 14),
        body="The bill gives councils a general power of competence.",
    )
    make_post("Earlier news of the bill", topics=[localism], published=datetime.date(2011, 1, 3))
    return {"localism": localism}


def test_reader_walks_home_topic_post_and_the_previous_post_by_keyboard(page, archive):
    start(page, "/")
    tab_to(page, "Topics")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Topics")
    tab_to(page, "Localism Bill")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Localism Bill")
    tab_to(page, "Councils get new powers")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Councils get new powers")
    tab_to(page, "Previous post", exact=False)
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Earlier news of the bill")


def test_header_links_show_focus_as_dark_text_on_yellow(page, archive):
    start(page, "/")
    for name in ("Home", "Log in", "Sign up"):
        focused = tab_to(page, name)
        # Not white on yellow (1.4:1): the ink colour on the focus yellow.
        assert focused["background"] == "rgb(255, 210, 63)", focused
        assert focused["colour"] == "rgb(31, 36, 33)", focused


def test_searcher_types_a_query_and_opens_a_result_by_keyboard(page, archive):
    start(page, "/")
    tab_to(page, "site-search-q")  # the search box, named here by its id
    page.keyboard.type("competence")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=competence"))
    tab_to(page, "Councils get new powers")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Councils get new powers")


def test_volunteer_edits_a_topic_entry_by_keyboard(new_page, archive):
    volunteer = get_user_model().objects.create_user("keys", "keys@example.org", PASSWORD)
    create_page(
        title="Localism Bill", text="The bill.", author=volunteer, summary="first", minor=False
    )
    page = new_page(user=volunteer)
    start(page, archive["localism"].get_absolute_url())
    tab_to(page, "Edit this entry")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Editing Localism Bill")
    tab_to(page, "id_text")
    page.keyboard.press("Control+End")
    page.keyboard.type(" It became the Localism Act 2011.")
    page.keyboard.press("Tab")
    page.keyboard.type("Say what it became")
    tab_to(page, "Save")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Localism Bill")
    expect(page.get_by_role("region", name="About Localism Bill")).to_contain_text(
        "It became the Localism Act 2011."
    )


def test_newcomer_signs_up_by_keyboard_and_recovers_from_an_error(page, browser_watch, archive):
    browser_watch.allow("console error", r"status of 400")
    start(page, "/")
    tab_to(page, "Sign up")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Sign up")
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.id") == "id_username"  # the form starts there
    page.keyboard.type("newcomer")
    tab_to(page, "id_password1")
    page.keyboard.type("a-long-pass-phrase-9")
    page.keyboard.press("Tab")
    page.keyboard.type("a-different-phrase-9")
    page.keyboard.press("Enter")
    # The error summary has focus; its link leads to the field at fault.
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator(".error-summary")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(page.url.split("#")[0] + "#id_password2")
    # The form kept nothing of the passwords: back one stop to the first, both again, then send.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "id_password1"
    page.keyboard.type("a-long-pass-phrase-9")
    page.keyboard.press("Tab")
    page.keyboard.type("a-long-pass-phrase-9")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="newcomer")).to_be_visible()
