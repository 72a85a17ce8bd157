"""Sanitising has a budget: HTML that would cost the parser minutes (deep nesting, tens of
thousands of links) is kept as plain text, the import names the post and goes on."""

import pytest

from core.sanitise import (
    MAX_IMPORT_DEPTH,
    MAX_IMPORT_TAGS,
    flatten_to_text,
    over_budget,
    sanitise_within_budget,
)
from importer.pipeline import import_archive
from posts.models import Post
from tests.posts.hostile import item, write_export

NESTED = "<div>" * 5_000 + "deep words" + "</div>" * 5_000  # 1.4 s of parsing
LINKS = (
    "<p>"
    + " ".join(
        f'<a href="https://x.example/{i}">link <em>{i}</em></a>' for i in range(MAX_IMPORT_TAGS)
    )
    + "</p>"
)


def test_deep_nesting_and_many_tags_are_over_the_budget():
    assert "nested" in over_budget(NESTED)
    assert "tags" in over_budget(LINKS)
    assert over_budget("<div>" * MAX_IMPORT_DEPTH + "x" + "</div>" * MAX_IMPORT_DEPTH) is None
    # Paragraphs and list items left open do not deepen the tree.
    assert over_budget("<p>one " * 1_000) is None


def test_flattened_html_is_escaped_text_in_paragraphs():
    flat = flatten_to_text("<div><p>One &amp; <b>two</b></p><p>&lt;script&gt;x\x00</p></div>")
    assert flat == "<p>One &amp; two</p>\n<p>&lt;script&gt;x</p>"


def test_the_wrapper_flattens_only_over_the_budget():
    assert sanitise_within_budget("<p><b>bold</b></p>") == ("<p><b>bold</b></p>", None)
    html, why = sanitise_within_budget(NESTED)
    assert html == "<p>deep words</p>" and "nested" in why


@pytest.mark.django_db
def test_an_import_keeps_a_post_over_the_budget_as_text_and_goes_on(tmp_path, vocabulary_seeds):
    path = write_export(
        tmp_path,
        [
            item(1, "Nested to death", html=NESTED),
            item(2, "Linked to death", html=LINKS),
            item(3, "An ordinary post", html="<p>Fine <em>words</em>.</p>"),
        ],
    )
    result = import_archive(path, vocabulary=[])
    assert Post.objects.count() == 3
    assert Post.objects.get(title="Nested to death").body_html == '<p dir="auto">deep words</p>'
    assert "<a " not in Post.objects.get(title="Linked to death").body_html
    assert "<em>words</em>" in Post.objects.get(title="An ordinary post").body_html
    assert any("Nested to death" in note and "nested" in note for note in result.notes)
    assert any("Linked to death" in note and "tags" in note for note in result.notes)


@pytest.mark.django_db
def test_a_later_import_notes_a_post_over_the_budget_too(tmp_path, vocabulary_seeds):
    first = write_export(tmp_path, [item(3, "An ordinary post")], name="first.wxr.xml")
    import_archive(first, vocabulary=[])
    later = write_export(tmp_path, [item(1, "Nested to death", html=NESTED)], name="later.wxr.xml")
    result = import_archive(later, vocabulary=[])
    assert Post.objects.get(title="Nested to death").body_html == '<p dir="auto">deep words</p>'
    assert any("Nested to death" in note for note in result.notes)
