"""Atom feeds of the archive, parsed back: entries, order, links, ids, dates, escaping, queries."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from posts.feeds import FEED_POSTS
from tests.posts.conftest import build_archive

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
RECENT = reverse("posts:recent_feed")
BASE = "http://testserver"


def atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def entries(root) -> list[ET.Element]:
    return root.findall(f"{ATOM}entry")


def text(entry, tag) -> str:
    return entry.find(f"{ATOM}{tag}").text


def link(element) -> str:
    return element.find(f"{ATOM}link[@rel='alternate']").get("href")


def test_recent_posts_feed_lists_posts_newest_first_with_absolute_links_as_ids(client, make_post):
    older = make_post("Older news", published=datetime.date(2010, 6, 1))
    newer = make_post("Newer news", published=datetime.date(2011, 2, 3))
    undated = make_post("Undated news")
    root = atom(client.get(RECENT))
    found = entries(root)
    assert [text(e, "title") for e in found] == ["Newer news", "Older news", "Undated news"]
    for entry, post in zip(found, [newer, older, undated], strict=True):
        assert link(entry) == BASE + post.get_absolute_url()
        assert text(entry, "id") == BASE + post.get_absolute_url()
    assert link(root) == BASE + reverse("posts:home")
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == BASE + RECENT


def test_a_post_is_published_on_its_day_and_an_undated_one_shows_no_publication_date(
    client, make_post
):
    dated = make_post("Dated", published=datetime.date(2011, 2, 3))
    undated = make_post("Undated")
    found = {text(e, "title"): e for e in entries(atom(client.get(RECENT)))}
    # Midnight in London, which is UTC in February.
    assert text(found["Dated"], "published") == "2011-02-03T00:00:00+00:00"
    assert datetime.datetime.fromisoformat(text(found["Dated"], "updated")) == dated.updated_at
    # Atom's <published> is optional and the import time is no publication date; <updated>,
    # which every entry must have, is when this copy last changed.
    assert found["Undated"].find(f"{ATOM}published") is None
    assert datetime.datetime.fromisoformat(text(found["Undated"], "updated")) == (
        undated.updated_at
    )


def test_feed_escapes_hostile_titles_and_carries_the_escaped_body_as_html(client, make_post):
    title = '<script>alert("x")</script> & <b>Co</b>'
    post = make_post(title, body="Use <iframe src=x> & see.\n\nSecond <para>.")
    response = client.get(RECENT)
    raw = response.content.decode()
    assert "<script>" not in raw and "<iframe" not in raw
    entry = entries(atom(response))[0]
    # A plain-text title: the reader shows exactly what the archive says, not "&amp;".
    assert text(entry, "title") == title
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == post.body_html
    assert "&lt;iframe src=x&gt;" in content.text


def test_feed_names_each_posts_topics_as_categories(client, make_post, make_topic):
    make_post("Tagged", topics=[make_topic("Localism"), make_topic("Big Society")])
    entry = entries(atom(client.get(RECENT)))[0]
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Big Society", "Localism"]


def test_recent_posts_feed_holds_only_the_newest_posts(client):
    build_archive(FEED_POSTS + 10)
    assert len(entries(atom(client.get(RECENT)))) == FEED_POSTS


def test_topic_feed_lists_only_the_posts_of_its_topic(client, make_post, make_topic):
    localism, other = make_topic("Localism", description="The Localism Bill."), make_topic("Other")
    first = make_post("Bill published", topics=[localism], published=datetime.date(2010, 12, 13))
    second = make_post(
        "Royal assent", topics=[localism, other], published=datetime.date(2011, 11, 15)
    )
    make_post("Unrelated", topics=[other])
    root = atom(client.get(reverse("posts:topic_feed", args=[localism.slug])))
    assert [link(e) for e in entries(root)] == [
        BASE + second.get_absolute_url(),
        BASE + first.get_absolute_url(),
    ]
    assert text(root, "title").startswith("Localism")
    assert text(root, "subtitle") == "The Localism Bill."
    assert link(root) == BASE + localism.get_absolute_url()


def test_topic_feed_of_an_unknown_topic_is_not_found(client):
    assert client.get(reverse("posts:topic_feed", args=["no-such-topic"])).status_code == 404


def test_feed_of_an_empty_archive_is_a_valid_feed_without_entries(client):
    assert entries(atom(client.get(RECENT))) == []


def test_home_and_topic_pages_link_their_feeds_in_the_head(client, make_topic):
    topic = make_topic("Localism")
    home = client.get(reverse("posts:home")).content.decode()
    head = home[: home.index("</head>")]
    assert f'type="application/atom+xml" title="Newest posts (Atom feed)" href="{RECENT}"' in head
    page = client.get(topic.get_absolute_url()).content.decode()
    head = page[: page.index("</head>")]
    feed = reverse("posts:topic_feed", args=[topic.slug])
    assert 'rel="alternate" type="application/atom+xml"' in head
    assert f'href="{feed}"' in head


@pytest.mark.parametrize("size", [20, 200])
def test_post_feeds_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    archive = build_archive(size)
    with django_assert_max_num_queries(2):
        assert entries(atom(client.get(RECENT)))
    # The topic, its posts, and their topics.
    with django_assert_max_num_queries(3):
        url = reverse("posts:topic_feed", args=[archive["topics"][0].slug])
        assert entries(atom(client.get(url)))


def test_feed_dates_are_timezone_aware(client, make_post):
    make_post("Dated", published=datetime.date(2011, 7, 1))
    entry = entries(atom(client.get(RECENT)))[0]
    published = datetime.datetime.fromisoformat(text(entry, "published"))
    assert timezone.is_aware(published)
    assert published.utcoffset() == datetime.timedelta(hours=1)  # British Summer Time
