"""Search over wiki pages, alone and mixed with posts: vectors kept current by the wiki's save
service, kinds, topics, snippets from the stored HTML, exact titles and typos."""

import importlib
import re

import pytest
from django.db import connection
from django.urls import reverse

from search.services import SearchParams, search
from tests.wiki.conftest import edit, make_page
from wiki.models import Page
from wiki.services import delete_page, move_page

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def found(q: str, **params) -> list[tuple[str, str]]:
    results = search(SearchParams(q=q, page="1", **params))
    assert results.redirect is None
    return [(hit.kind, hit.title) for hit in results.hits]


def test_wiki_page_is_found_by_a_word_of_its_text():
    page = make_page("Community organisers", "Organisers help **neighbours** act together.")
    [hit] = search(SearchParams(q="neighbour", page="1")).hits
    assert (hit.kind, hit.kind_label, hit.url) == ("wiki", "Wiki page", page.get_absolute_url())
    assert "<mark>neighbours</mark>" in hit.snippet_html


def test_an_edit_a_move_and_a_delete_keep_the_index_current(volunteer):
    page = make_page("Allotments", "About allotments.")
    edit(page, "About beekeeping.")
    assert found("beekeeping") == [("wiki", "Allotments")]
    assert found("allotment") == [("wiki", "Allotments")]  # still in the title
    page.refresh_from_db()
    move_page(page=page, new_title="Bees", author=volunteer, reason="Shorter")
    assert found("bees") == [("wiki", "Bees")]
    assert found("allotment") == []
    delete_page(page=page, actor=volunteer, reason="Off topic")
    assert found("beekeeping") == []


def test_pages_and_posts_rank_together_and_filter_by_kind(make_post):
    make_page("Volunteering", "What volunteering means here.")
    make_post("A diary", body="Some volunteering on Sunday.")
    assert found("volunteering") == [("wiki", "Volunteering"), ("posts", "A diary")]
    assert found("volunteering", kind="wiki") == [("wiki", "Volunteering")]
    assert found("volunteering", kind="posts") == [("posts", "A diary")]


def test_topic_filter_keeps_the_topics_own_entry(make_post, make_topic):
    nesta = make_topic("NESTA")
    make_page("NESTA", "NESTA funds innovation.")  # takes the topic's slug: its entry
    make_page("Other funders", "Unlike NESTA, they fund innovation less.")
    make_post("Innovation news", body="Innovation!", topics=[nesta])
    assert sorted(found("innovation", topic="nesta")) == [
        ("posts", "Innovation news"),
        ("wiki", "NESTA"),
    ]


def test_topic_entry_hit_links_to_the_topic_page(make_topic):
    make_topic("NESTA")
    make_page("NESTA", "NESTA funds innovation.")
    [hit] = search(SearchParams(q="innovation", page="1")).hits
    assert (hit.kind_label, hit.url) == ("Topic summary", "/topics/nesta/")


def test_wiki_snippet_comes_from_the_html_without_tags_and_escaped_once(client):
    make_page("Markup", 'We <b>shout</b> "loudly" & clearly about [[Volunteering]] in *bold* text.')
    html = client.get(SEARCH, {"q": "loudly"}).content.decode()
    snippet = re.search(r'<p class="hit__snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>loudly</mark>" in snippet
    assert "&amp; clearly" in snippet and "&amp;amp;" not in snippet
    # The wiki shows typed HTML as text; the snippet shows it the same way, escaped once.
    assert "shout&lt;/b&gt;" in snippet and "&amp;lt;" not in snippet
    assert "<b>" not in snippet and "<a " not in snippet and "*" not in snippet


def test_exact_page_title_jumps_to_the_page_before_a_post_of_that_name(
    client, make_post, moderator
):
    page = make_page("Big Society Network", "The network.")
    make_post("Big Society Network", key="big society network", body="A post.")
    response = client.get(SEARCH, {"q": "big society NETWORK"})
    assert response.status_code == 302 and response["Location"] == page.get_absolute_url()
    delete_page(page=page, actor=moderator, reason="Duplicate")
    response = client.get(SEARCH, {"q": "big society network"})
    assert response["Location"] == "/posts/big-society-network/"


def test_typo_in_a_page_title_suggests_the_page(client, trigram):
    page = make_page("Neighbourhood Challenge", "A programme.")
    html = client.get(SEARCH, {"q": "neighbourhod chalenge"}).content.decode()
    assert f'<a href="{page.get_absolute_url()}">Neighbourhood Challenge</a>' in html


def test_migration_indexes_pages_saved_before_search_existed():
    page = make_page("Old page", "Written before the search vector.")
    Page.objects.filter(pk=page.pk).update(search_vector=None)
    assert found("written") == []
    fill = importlib.import_module("wiki.migrations.0004_page_search_vector_data").FILL
    with connection.cursor() as cursor:
        cursor.execute(fill)
    assert found("written") == [("wiki", "Old page")]


def test_typo_suggestions_mix_kinds_best_first_and_leave_deleted_pages_out(
    make_post, trigram, moderator
):
    page = make_page("Allotment gardening", "About plots.")
    post = make_post("Allotment gardening news", body="Plots.")
    make_post("Council minutes", body="Nothing alike.")
    delete_page(page=make_page("Allotment gardening rota", "Rota."), actor=moderator, reason="Old")
    # Both titles hold the words alike (word similarity), so they are in order of title.
    results = search(SearchParams(q="alotment gardning", page="1"))
    assert results.total == 0
    assert [(s.kind_label, s.title, s.url) for s in results.suggestions] == [
        ("Wiki page", "Allotment gardening", page.get_absolute_url()),
        ("Post", "Allotment gardening news", post.get_absolute_url()),
    ]
    only_posts = search(SearchParams(q="alotment gardning", kind="posts", page="1"))
    assert [s.title for s in only_posts.suggestions] == ["Allotment gardening news"]
