"""Creating and editing pages: the contract form, preview, conflicts, rate limit, CSRF."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.wiki.conftest import client_for, edit, make_page, make_user
from wiki.models import Page, Revision

pytestmark = pytest.mark.django_db


def form_fields(html: str) -> dict[str, str]:
    """The named inputs of the edit form with their values (textarea included)."""
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    textarea = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', html, re.S)
    fields["text"] = textarea.group(1).strip() if textarea else None
    return fields


def test_create_form_has_the_contract_fields(alice):
    response = alice.get("/wiki/how-to-join-in/edit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post"' in html
    assert re.search(r'<textarea[^>]*name="text"', html)
    assert re.search(r'<input[^>]*name="summary"', html)
    assert re.search(r'<input[^>]*name="title"', html)
    assert re.search(r'<input type="hidden" name="base_revision"', html)
    assert 'name="action" value="save"' in html
    assert 'name="action" value="preview"' in html
    # A first version is never a minor edit: the box appears only when editing.
    assert 'name="minor"' not in html


def test_edit_form_offers_minor_edit_but_no_title(alice, volunteer):
    alice.post(
        "/wiki/how-to-join-in/edit/",
        {"title": "How to join in", "text": "Come.", "summary": "", "base_revision": 0},
    )
    html = alice.get("/wiki/how-to-join-in/edit/").content.decode()
    assert re.search(r'<input type="checkbox" name="minor"', html)
    assert 'name="title"' not in html


def test_topic_entry_form_asks_no_title_the_topic_names_it(alice, make_topic):
    topic = make_topic("Localism Bill")
    html = alice.get(f"/wiki/{topic.slug}/edit/").content.decode()
    assert 'name="title"' not in html
    assert 'name="minor"' not in html
    response = alice.post(
        f"/wiki/{topic.slug}/edit/", {"text": "The bill.", "summary": "", "base_revision": 0}
    )
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()


def test_form_with_errors_starts_with_a_summary_linked_to_each_field(alice):
    response = alice.post(
        "/wiki/how-to-join-in/edit/", {"title": "", "text": "", "base_revision": 0}
    )
    html = response.content.decode()
    assert response.status_code == 400
    summary = html[html.index('class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert "There is a problem" in summary
    assert 'href="#id_title"' in summary and 'href="#id_text"' in summary
    assert position_of(html, 'class="error-summary"') < position_of(html, 'name="title"')
    assert re.search(r'<textarea[^>]*aria-invalid="true"', html)
    assert re.search(r'<textarea[^>]*aria-describedby="id_text-hint id_text-error"', html)
    assert 'id="id_text-error"' in html


def position_of(html: str, text: str) -> int:
    index = html.find(text)
    assert index >= 0, text
    return index


def test_volunteer_creates_a_page_and_is_redirected_to_it(alice, volunteer):
    response = alice.post(
        "/wiki/how-to-join-in/edit/",
        {
            "title": "How to join in",
            "text": "Come to a meeting.",
            "summary": "start",
            "base_revision": "0",
            "action": "save",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/wiki/how-to-join-in/"
    page = Page.objects.get(slug="how-to-join-in")
    assert page.current_revision.author == volunteer
    assert page.current_revision.number == 1
    assert "Come to a meeting." in alice.get("/wiki/how-to-join-in/").content.decode()


def test_edit_form_of_existing_page_has_no_title_and_carries_current_revision(alice):
    page = make_page()
    edit(page, "Second text")
    fields = form_fields(alice.get(f"/wiki/{page.slug}/edit/").content.decode())
    assert "title" not in fields
    assert fields["base_revision"] == "2"
    assert fields["text"] == "Second text"


def test_saving_an_edit_adds_a_revision_and_keeps_the_old_one(alice):
    page = make_page(text="Old words")
    response = alice.post(
        f"/wiki/{page.slug}/edit/",
        {
            "text": "New words",
            "summary": "reword",
            "minor": "on",
            "base_revision": "1",
            "action": "save",
        },
    )
    assert response.status_code == 302
    texts = list(page.revisions.order_by("number").values_list("text", "minor"))
    assert texts == [("Old words", False), ("New words", True)]


def test_preview_renders_without_saving(alice):
    page = make_page(text="Old words")
    response = alice.post(
        f"/wiki/{page.slug}/edit/",
        {"text": "Previewed words", "summary": "", "base_revision": "1", "action": "preview"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview (not saved yet)" in html
    assert "<p>Previewed words</p>" in html
    assert page.revisions.count() == 1


def test_empty_text_is_refused_with_a_message(alice):
    page = make_page()
    response = alice.post(
        f"/wiki/{page.slug}/edit/", {"text": "", "base_revision": "1", "action": "save"}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_title_without_letters_is_refused_with_a_message(alice):
    response = alice.post(
        "/wiki/x/edit/", {"title": "???", "text": "t", "base_revision": "0", "action": "save"}
    )
    assert response.status_code == 400
    assert "at least one letter or digit" in response.content.decode()
    assert not Page.objects.exists()


def test_two_volunteers_editing_at_once_lose_nothing(volunteer, other_volunteer):
    page = make_page(text="Organisers meet on Mondays.")
    alice, bob = client_for(volunteer), client_for(other_volunteer)
    url = f"/wiki/{page.slug}/edit/"
    alice_form = form_fields(alice.get(url).content.decode())
    bob_form = form_fields(bob.get(url).content.decode())
    assert alice_form["base_revision"] == bob_form["base_revision"] == "1"

    saved = alice.post(
        url,
        {
            "text": "Organisers meet on Tuesdays.",
            "summary": "day",
            "base_revision": alice_form["base_revision"],
            "action": "save",
        },
    )
    assert saved.status_code == 302

    bobs_text = "Organisers meet on Mondays in the library."
    conflict = bob.post(
        url,
        {
            "text": bobs_text,
            "summary": "where",
            "base_revision": bob_form["base_revision"],
            "action": "save",
        },
    )
    html = conflict.content.decode()
    assert conflict.status_code == 409
    assert "Edit conflict" in html
    # Bob's own text is kept in the box, with the new base revision to merge against.
    merge = form_fields(html)
    assert merge["text"] == bobs_text
    assert merge["base_revision"] == "2"
    # Alice's change is shown, and the diff between the current text and Bob's.
    assert "<del>Mondays.</del><ins>Tuesdays.</ins>" in html
    assert "<del>Tuesdays.</del><ins>Mondays in the library.</ins>" in html
    # Nothing was overwritten.
    page.refresh_from_db()
    assert page.current_revision.text == "Organisers meet on Tuesdays."
    assert page.revisions.count() == 2

    merged = bob.post(
        url,
        {
            "text": "Organisers meet on Tuesdays in the library.",
            "summary": "merge",
            "base_revision": merge["base_revision"],
            "action": "save",
        },
    )
    assert merged.status_code == 302
    page.refresh_from_db()
    assert page.current_revision.number == 3
    assert page.current_revision.text == "Organisers meet on Tuesdays in the library."
    assert page.current_revision.author == other_volunteer


def test_two_volunteers_creating_the_same_page_get_a_conflict_not_an_overwrite(alice, bob):
    alice.post(
        "/wiki/events/edit/",
        {"title": "Events", "text": "Alice's list", "base_revision": "0", "action": "save"},
    )
    response = bob.post(
        "/wiki/events/edit/",
        {"title": "Events", "text": "Bob's list", "base_revision": "0", "action": "save"},
    )
    assert response.status_code == 409
    assert "Bob&#x27;s list" in response.content.decode()
    assert Page.objects.get(slug="events").current_revision.text == "Alice's list"


def test_saving_unchanged_text_adds_no_revision(alice):
    page = make_page(text="Same")
    alice.post(f"/wiki/{page.slug}/edit/", {"text": "Same", "base_revision": "1", "action": "save"})
    assert page.revisions.count() == 1


def test_edit_rate_limit_shows_a_message_and_keeps_the_text(alice, settings):
    settings.WIKI_EDIT_RATE = "2/600"
    page = make_page(text="v0")
    for number in (1, 2):
        response = alice.post(
            f"/wiki/{page.slug}/edit/",
            {"text": f"v{number}", "base_revision": str(number), "action": "save"},
        )
        assert response.status_code == 302
    response = alice.post(
        f"/wiki/{page.slug}/edit/", {"text": "v3 kept", "base_revision": "3", "action": "save"}
    )
    html = response.content.decode()
    assert response.status_code == 429
    assert "which is our limit" in html
    assert "v3 kept" in html
    assert page.revisions.count() == 3


def test_post_without_csrf_token_is_refused(volunteer):
    page = make_page(text="Safe")
    client = Client(enforce_csrf_checks=True)
    client.force_login(volunteer)
    response = client.post(
        f"/wiki/{page.slug}/edit/", {"text": "Forged", "base_revision": "1", "action": "save"}
    )
    assert response.status_code == 403
    assert page.revisions.count() == 1


def test_post_with_csrf_token_is_accepted(volunteer):
    page = make_page(text="Safe")
    client = Client(enforce_csrf_checks=True)
    client.force_login(volunteer)
    html = client.get(f"/wiki/{page.slug}/edit/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(
        f"/wiki/{page.slug}/edit/",
        {"csrfmiddlewaretoken": token, "text": "Real", "base_revision": "1", "action": "save"},
    )
    assert response.status_code == 302


def test_titles_summaries_and_usernames_are_escaped(db):
    evil = make_user("<img src=x onerror=alert(1)>")
    page = make_page(
        title="<script>alert('t')</script> Page",
        text="x",
        author=evil,
        summary="<b onclick=alert(2)>sum</b>",
    )
    client = client_for(evil)
    for url in (
        f"/wiki/{page.slug}/",
        f"/wiki/{page.slug}/history/",
        "/recent/",
        f"/wiki/{page.slug}/revisions/1/",
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "<b onclick" not in html, url
        assert "&lt;script&gt;alert" in html or "&lt;b onclick" in html, url


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "[[Page|<script>alert(1)</script>]]",
    ],
)
def test_saved_hostile_markdown_is_stored_sanitised(hostile, volunteer):
    page = make_page(text=hostile, author=volunteer)
    tags = live_tags(Revision.objects.get(page=page).html)
    assert all(tag not in {"script", "style", "iframe"} for tag, _ in tags)
    for _, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith(("javascript:", "data:"))


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def live_tags(html: str) -> list:
    """The elements a browser would build from `html` (escaped text is not a tag)."""
    collector = _TagCollector()
    collector.feed(html)
    return collector.tags


def test_recent_changes_when_empty_says_how_many_topics_wait_and_where_to_start(
    client, make_topic, make_post
):
    quiet = make_topic("Quiet topic")
    busy = make_topic("Busy topic")
    make_topic("Empty topic")  # no posts: not waiting for anything
    make_post(topics=[quiet, busy])
    make_post(topics=[busy])
    html = client.get("/recent/").content.decode()
    assert "No changes yet — 2 topics are waiting for a summary." in html
    assert f'Start with <a href="/wiki/{busy.slug}/edit/">Busy topic</a>' in html
    filtered = client.get("/recent/", {"user": "nobody"}).content.decode()
    assert "No changes match this filter." in filtered
