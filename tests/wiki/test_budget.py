"""Bounded work per request (issue 14): the render budget, and one budget of writes per person
shared by save, preview, move and moderation. Speed itself is measured by bench/render.py."""

import pytest
from django.utils.html import escape

from tests.wiki.conftest import make_page
from wiki import budget
from wiki.budget import RenderRefused
from wiki.markup import render_markdown
from wiki.models import Page, Revision

pytestmark = pytest.mark.django_db

# The audit's worst inputs: each took 5 to 17 s of CPU to save before the budget.
COSTLY = {
    "emphasis pairs": ("*_" * 100_000, "emphasis or code marks"),
    "nested quotes": ("> " * 90_000, "nests quotes 90000 deep"),
    "wiki links": (" ".join(f"[[Page {n}]]" for n in range(12_000)), "12,000 wiki links"),
}


@pytest.mark.parametrize("name", COSTLY)
def test_the_costliest_known_texts_are_refused_before_rendering(name):
    text, message = COSTLY[name]
    with pytest.raises(RenderRefused, match=message):
        render_markdown(text)


@pytest.mark.parametrize("name", COSTLY)
@pytest.mark.parametrize("action", ["save", "preview"])
def test_saving_or_previewing_a_costly_text_is_a_400_that_saves_nothing(alice, name, action):
    text, message = COSTLY[name]
    page = make_page(text="Short and sweet.")
    response = alice.post(
        f"/wiki/{page.slug}/edit/", {"text": text, "base_revision": "1", "action": action}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert escape(text[:2000]) in html  # the text is kept in the editor
    assert Revision.objects.filter(page=page).count() == 1


def test_shapes_just_inside_the_rules_still_render():
    quotes = "\n".join("> " * budget.MAX_QUOTE_DEPTH + "deep" for _ in range(3))
    assert "deep" in render_markdown(quotes).html
    marks = "*_" * (budget.MAX_MARKS_PER_BLOCK // 2)
    assert render_markdown(marks).html.startswith("<p>")
    links = " ".join(f"[[Page {n}]]" for n in range(budget.MAX_WIKI_LINKS))
    assert len(render_markdown(links).links) == budget.MAX_WIKI_LINKS


def test_a_text_over_the_cpu_budget_is_stopped_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(budget, "RENDER_CPU_SECONDS", 0.0)
    with pytest.raises(RenderRefused, match="takes more than 0 s to render"):
        render_markdown("Some *emphasis* and a [[Link]].")


def test_too_many_elements_for_the_sanitiser_are_refused(monkeypatch):
    monkeypatch.setattr(budget, "MAX_ELEMENTS", 10)
    with pytest.raises(RenderRefused, match="HTML elements"):
        render_markdown("\n\n".join(f"Paragraph {n}" for n in range(20)))


# --- One budget of writes ---------------------------------------------------------------------


def test_previews_and_moves_spend_from_the_same_budget_as_saves(alice, settings):
    settings.WIKI_EDIT_RATE = "3/600"
    page = make_page(title="Village hall", text="v1")
    edit_url = f"/wiki/{page.slug}/edit/"
    for _ in range(2):
        preview = alice.post(edit_url, {"text": "draft", "base_revision": "1", "action": "preview"})
        assert preview.status_code == 200
    moved = alice.post(
        f"/wiki/{page.slug}/move/", {"new_title": "Village halls", "reason": "a clearer title"}
    )
    assert moved.status_code == 302
    page.refresh_from_db()
    response = alice.post(
        f"/wiki/{page.slug}/edit/", {"text": "v2 kept", "base_revision": "2", "action": "save"}
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "which is our limit" in html and "v2 kept" in html
    assert page.revisions.count() == 2  # the first version and the move
    again = alice.post(
        f"/wiki/{page.slug}/move/", {"new_title": "Halls", "reason": "a clearer title"}
    )
    assert again.status_code == 429


def test_preview_past_the_budget_is_refused_with_the_text_kept(alice, settings):
    settings.WIKI_EDIT_RATE = "1/600"
    page = make_page(text="v1")
    url = f"/wiki/{page.slug}/edit/"
    assert (
        alice.post(url, {"text": "a", "base_revision": "1", "action": "preview"}).status_code == 200
    )
    response = alice.post(url, {"text": "b kept", "base_revision": "1", "action": "preview"})
    assert response.status_code == 429 and "b kept" in response.content.decode()


def test_moderation_spends_from_the_same_budget(mona, settings):
    settings.WIKI_EDIT_RATE = "1/600"
    page = make_page(text="v1")
    mona.post(f"/wiki/{page.slug}/protect/", {"protected": "1", "reason": "vandalism"})
    response = mona.post(f"/wiki/{page.slug}/delete/", {"reason": "spam"}, follow=True)
    assert "which is our limit" in response.content.decode()
    assert not Page.objects.get(pk=page.pk).is_deleted


def test_talk_comments_spend_from_the_same_budget(alice, settings):
    settings.WIKI_EDIT_RATE = "2/600"
    page = make_page(text="v1")
    edit = alice.post(
        f"/wiki/{page.slug}/edit/", {"text": "v2", "base_revision": "1", "action": "save"}
    )
    assert edit.status_code == 302
    talk = f"/wiki/{page.slug}/talk/"
    first = alice.post(talk, {"action": "post", "title": "Sources", "text": "Which report?"})
    assert first.status_code == 302
    second = alice.post(talk, {"action": "post", "title": "More", "text": "And this, kept."})
    assert second.status_code == 429
    assert "which is our limit" in second.content.decode()
    assert "And this, kept." in second.content.decode()
