"""Bidirectional controls in archive titles are isolated (<bdi>) wherever a title is shown,
and stripped from the document <title>, where no markup can isolate them."""

import re

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

RLO = "\u202e"
TITLE = f"Evil {RLO}gnp.exe"


@pytest.fixture
def posts(make_post, make_topic):
    topic = make_topic(f"Topic {RLO}cipot")
    common = {"author": "Jane", "topics": [topic], "body": "Evil words."}
    older = make_post("An older post", published="2011-03-01", **common)
    evil = make_post(TITLE, published="2011-03-02", **common)
    newer = make_post("A newer post", published="2011-03-03", **common)
    cache.clear()
    return older, evil, newer, topic


def assert_isolated(html: str, text: str) -> None:
    escaped = text  # no character of the title is escaped by Django
    shown = [m.start() for m in re.finditer(re.escape(escaped), html)]
    assert shown, "the title is on the page"
    for start in shown:
        before = html[:start]
        assert before.endswith('<bdi dir="auto">') or before.rstrip().endswith(
            '<bdi dir="auto">'
        ), html[start - 80 : start + 40]


def test_a_title_is_isolated_in_lists_search_neighbours_and_author_pages(client, posts):
    older, evil, newer, topic = posts
    for address in [
        "/posts/",
        f"/topics/{topic.slug}/",
        "/authors/Jane/",
        f"/posts/{older.slug}/",
        f"/posts/{newer.slug}/",
    ]:
        html = client.get(address).content.decode()
        body = html.split("</head>", 1)[1]
        assert_isolated(body, TITLE)
    # A search hit's title carries <mark>s: its whole title is isolated.
    html = client.get("/search/?q=evil").content.decode()
    assert re.search(r'<bdi dir="auto"><mark>Evil</mark> ‮gnp\.exe</bdi>', html), html


def test_the_document_title_drops_bidi_controls(client, posts):
    _, evil, _, topic = posts
    for address in [f"/posts/{evil.slug}/", f"/topics/{topic.slug}/"]:
        html = client.get(address).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert RLO not in title
        assert "gnp.exe" in title or "cipot" in title
        for meta in re.findall(r'<meta (?:name|property)="[^"]*" content="[^"]*">', html):
            assert RLO not in meta
