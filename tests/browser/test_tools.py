"""The browser test tools: the checks and the watch notice broken pages (static HTML, no server),
and `new_page(user=…)` opens a logged-in context."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import checks
from tests.browser.conftest import VIEWPORTS, BrowserWatch

pytestmark = pytest.mark.browser

HEAD = '<meta name="viewport" content="width=device-width, initial-scale=1">'
SOUND = f"""<!doctype html><html lang="en"><head>{HEAD}<title>Sound</title>
<style>.skip {{ position: absolute; top: -10rem }} .skip:focus {{ top: 0 }}</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<main id="main" tabindex="-1"><h1>Sound page</h1>
<form><label for="q">Search</label><input id="q" name="q">
<span id="sort-label">Sort</span><select aria-labelledby="sort-label"><option>A</option></select>
<textarea aria-label="Summary"></textarea><input type="hidden" name="token">
<button>Go</button></form></main></body></html>"""
BROKEN = f"""<!doctype html><html lang="en"><head>{HEAD}<title> </title></head>
<body><h1>One</h1><h1>Two</h1><div style="width: 2000px">Too wide</div>
<form><input name="q" placeholder="Search"><select></select>
<textarea aria-labelledby="missing"></textarea><label>Empty</label></form>
<main id="main">Main</main></body></html>"""


@pytest.fixture
def static_page(chromium):
    context = chromium.new_context(viewport=VIEWPORTS["phone-360"], is_mobile=True)
    yield context.new_page()
    context.close()


def all_problems(page):
    return (
        checks.horizontal_scroll(page)
        + checks.title_and_heading(page)
        + checks.unlabelled_fields(page)
        + checks.dangling_references(page)
        + checks.skip_link(page)
    )


def test_checks_pass_a_sound_page(static_page):
    static_page.set_content(SOUND)
    assert all_problems(static_page) == []


def test_skip_link_check_starts_from_the_top_on_a_page_that_autofocuses_a_field(static_page):
    # A log-in form focuses its first field; the skip link is still the first Tab stop.
    static_page.set_content(SOUND.replace('<input id="q" name="q">', '<input id="q" autofocus>'))
    assert static_page.evaluate("document.activeElement.id") == "q"
    assert checks.skip_link(static_page) == []


def test_checks_report_every_fault_of_a_broken_page(static_page):
    static_page.set_content(BROKEN)
    assert checks.horizontal_scroll(static_page)
    assert checks.title_and_heading(static_page) == [
        "has an empty <title>",
        "has 2 <h1> elements, not one",
    ]
    assert len(checks.unlabelled_fields(static_page)) == 3
    assert checks.dangling_references(static_page) == [
        'points at a missing id: aria-labelledby="missing"'
    ]
    assert checks.skip_link(static_page) == ["has no skip link to #main as its first Tab stop"]


def test_accessibility_check_passes_a_sound_page_and_reports_axe_violations(static_page):
    static_page.set_content(SOUND)
    assert checks.accessibility(static_page) == []
    static_page.set_content(BROKEN)
    found = checks.accessibility(static_page)
    # The unlabelled field and the empty select are critical for axe-core.
    assert any(problem.startswith("axe critical label:") for problem in found), found
    assert any("select-name" in problem for problem in found), found


def test_skip_link_check_notices_a_link_that_stays_hidden_or_goes_nowhere(static_page):
    # The target has no tabindex, so following the link cannot focus it.
    static_page.set_content(
        SOUND.replace(".skip:focus { top: 0 }", "").replace(' tabindex="-1"', "")
    )
    problems = checks.skip_link(static_page)
    assert len(problems) == 2
    assert "out of sight" in problems[0]
    assert "does not move focus" in problems[1]


def test_watch_records_dialogs_errors_and_foreign_requests(chromium):
    watch = BrowserWatch(origin="http://127.0.0.1:9")
    context = chromium.new_context()
    watch.attach(context)
    page = context.new_page()
    page.set_content(
        "<script>console.error('boom')</script>"
        '<img src="https://tracker.example/pixel.png">'
        "<script>alert('hello')</script>"
        "<script>throw new Error('broken script')</script>"
    )
    watch.allow("dialog", "hello")
    unexpected = watch.unexpected()
    context.close()
    kinds = {kind for kind, _ in unexpected}
    assert kinds == {"console error", "page error", "foreign request"}
    assert ("foreign request", "https://tracker.example/pixel.png") in unexpected
    assert ("dialog", "alert: hello") in watch.problems


def test_page_opened_for_a_user_is_logged_in_and_others_are_not(new_page, django_user_model):
    # The admin is the one logged-in page the project has before the wiki's own. No password:
    # hashing one costs a second, and new_page(user=…) does not need it.
    editor = django_user_model.objects.create_superuser("editor", "editor@example.org", None)
    page = new_page(user=editor)
    page.goto("/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Site administration")
    stranger = new_page()
    stranger.goto("/admin/")
    expect(stranger).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
