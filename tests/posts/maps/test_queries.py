"""The topic map page, a topic's neighbourhood and timeline: SVG parsed back against the data."""

import datetime
import itertools
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.cache import site_changed
from posts.maps import queries as maps
from posts.models import Post, TaggedPost, Topic
from tests.posts.conftest import build_archive

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
MAP = reverse("posts:topic_map")


def svgs(html: str, kind: str) -> list[ET.Element]:
    """Every inline <svg class="kind"> of a page, parsed."""
    found = re.findall(rf'<svg [^>]*class="{kind}".*?</svg>', html, flags=re.S)
    return [ET.fromstring(text) for text in found]


def the_svg(html: str, kind: str) -> ET.Element:
    found = svgs(html, kind)
    if kind == "topicmap":
        # The map page draws one map twice: wide, then laid out for a phone.
        assert len(found) == 2, f"expected a wide and a narrow topic map, found {len(found)}"
        wide, narrow = found
        assert set(nodes(wide)) == set(nodes(narrow))
        assert wide.get("viewBox") != narrow.get("viewBox")
        return wide
    assert len(found) == 1, f"expected one {kind} svg, found {len(found)}"
    return found[0]


def nodes(root) -> dict[str, tuple[float, float]]:
    """href -> centre of its circle."""
    out = {}
    for a in root.iter(f"{SVG}a"):
        circle = a.find(f"{SVG}circle")
        out[a.get("href")] = (float(circle.get("cx")), float(circle.get("cy")))
    return out


def edges(root) -> dict[frozenset[str], float]:
    """{href, href} -> stroke width of the line joining their circles."""
    at = {centre: href for href, centre in nodes(root).items()}
    out = {}
    for line in root.iter(f"{SVG}line"):
        a = at[float(line.get("x1")), float(line.get("y1"))]
        b = at[float(line.get("x2")), float(line.get("y2"))]
        out[frozenset((a, b))] = float(line.get("stroke-width"))
    return out


def shared_in_python() -> Counter:
    """Posts shared per pair of topic ids, counted the slow, obvious way."""
    by_post: dict[int, list[int]] = {}
    for post_id, tag_id in TaggedPost.objects.values_list("content_object_id", "tag_id"):
        by_post.setdefault(post_id, []).append(tag_id)
    counts: Counter = Counter()
    for tags in by_post.values():
        for a, b in itertools.combinations(sorted(tags), 2):
            counts[a, b] += 1
    return counts


@pytest.fixture
def triangle(make_topic, make_post):
    """Localism shares 3 posts with Land trusts and 1 with Pubs; Land trusts and Pubs share 2.
    Quiet shares nothing."""
    t = {
        name: make_topic(name)
        for name in ("Localism", "Land trusts", "Pubs", "Quiet", "Unused topic")
    }
    for _ in range(3):
        make_post(topics=[t["Localism"], t["Land trusts"]])
    make_post(topics=[t["Localism"], t["Pubs"]])
    for _ in range(2):
        make_post(topics=[t["Land trusts"], t["Pubs"]])
    make_post(topics=[t["Quiet"]])
    return t


# --- the queries -----------------------------------------------------------------------------


def test_shared_post_counts_match_the_posts_topics(big_archive):
    ids = [topic.pk for topic in big_archive["topics"]]
    counted = {(a, b): n for a, b, n in maps.shared_post_counts(ids)}
    assert counted == dict(shared_in_python())
    assert counted  # the archive's topics do share posts


def test_shared_post_counts_stay_among_the_chosen_topics(triangle):
    ids = [triangle["Localism"].pk, triangle["Pubs"].pk]
    assert maps.shared_post_counts(ids) == [(min(ids), max(ids), 1)]


def test_posts_per_month_counts_dated_posts_in_one_query(
    make_topic, make_post, django_assert_num_queries
):
    topic = make_topic("Dated")
    for day in (datetime.date(2011, 2, 1), datetime.date(2011, 2, 28), datetime.date(2011, 5, 3)):
        make_post(topics=[topic], published=day)
    make_post(topics=[topic])
    make_post(published=datetime.date(2011, 2, 2))  # another topic's
    with django_assert_num_queries(1):
        months = Post.objects.for_topic(topic).per_month()
    assert months == [(datetime.date(2011, 2, 1), 2), (datetime.date(2011, 5, 1), 1)]


# --- the map page ----------------------------------------------------------------------------


def test_map_has_one_linked_node_per_topic_with_posts_and_one_edge_per_pair_sharing_posts(
    client, triangle
):
    response = client.get(MAP)
    assert response.status_code == 200
    root = the_svg(response.content.decode(), "topicmap")
    url = {name: topic.get_absolute_url() for name, topic in triangle.items()}
    assert set(nodes(root)) == {url["Localism"], url["Land trusts"], url["Pubs"], url["Quiet"]}
    widths = edges(root)
    assert set(widths) == {
        frozenset((url["Localism"], url["Land trusts"])),
        frozenset((url["Land trusts"], url["Pubs"])),
        frozenset((url["Localism"], url["Pubs"])),
    }
    # Three shared posts draw thicker than two, two thicker than one.
    assert (
        widths[frozenset((url["Localism"], url["Land trusts"]))]
        > widths[frozenset((url["Land trusts"], url["Pubs"]))]
        > widths[frozenset((url["Localism"], url["Pubs"]))]
    )


def test_map_nodes_are_sized_by_posts(client, triangle):
    root = the_svg(client.get(MAP).content.decode(), "topicmap")
    radius = {a.get("href"): float(a.find(f"{SVG}circle").get("r")) for a in root.iter(f"{SVG}a")}
    # Land trusts 5 posts, Localism 4, Pubs 3, Quiet 1.
    order = sorted(radius, key=radius.get, reverse=True)
    names = ["Land trusts", "Localism", "Pubs", "Quiet"]
    assert order == [triangle[name].get_absolute_url() for name in names]


def test_map_of_a_larger_archive_matches_its_data(client, big_archive):
    root = the_svg(client.get(MAP).content.decode(), "topicmap")
    by_id = {topic.pk: topic.get_absolute_url() for topic in big_archive["topics"]}
    assert set(nodes(root)) == set(by_id.values())
    # Each topic keeps its strongest links: a drawn line is among the three heaviest of one end.
    shared = shared_in_python()
    strongest = set()
    for topic in by_id:
        mine = sorted(
            ((n, pair) for pair, n in shared.items() if topic in pair), key=lambda x: -x[0]
        )
        cut = mine[2][0] if len(mine) >= 3 else 0
        strongest |= {frozenset((by_id[a], by_id[b])) for n, (a, b) in mine if n >= cut}
    drawn = set(edges(root))
    assert drawn and drawn <= strongest
    assert {url for pair in drawn for url in pair} == set(by_id.values())
    widths = edges(root)
    shared = {pair: n for pair, n in shared.items() if frozenset(by_id[t] for t in pair) in drawn}
    for (a, b), (c, d) in itertools.combinations(shared, 2):
        if shared[a, b] > shared[c, d]:
            assert widths[frozenset((by_id[a], by_id[b]))] > widths[frozenset((by_id[c], by_id[d]))]


def test_map_shows_the_busiest_topics_and_says_when_it_leaves_some_out(client):
    archive = build_archive(120, topic_count=maps.MAP_TOPICS + 4)
    # Four topics with a single post each fall off the map.
    quiet = archive["topics"][-4:]
    TaggedPost.objects.filter(tag__in=quiet).delete()
    TaggedPost.objects.bulk_create(
        TaggedPost(content_object=archive["posts"][n], tag=topic) for n, topic in enumerate(quiet)
    )
    html = client.get(MAP).content.decode()
    drawn = nodes(the_svg(html, "topicmap"))
    assert len(drawn) == maps.MAP_TOPICS
    assert not {topic.get_absolute_url() for topic in quiet} & set(drawn)
    assert re.search(rf"the {maps.MAP_TOPICS} topics with the most posts, out of\s+54 topics", html)


def test_map_of_a_small_archive_does_not_say_it_leaves_topics_out(client, triangle):
    assert "with the most posts, out of" not in client.get(MAP).content.decode()


def test_map_of_an_empty_archive_says_there_is_nothing_to_draw(client):
    html = client.get(MAP).content.decode()
    assert "<svg" not in html
    assert "nothing to draw" in html


def test_map_escapes_hostile_topic_names(client, make_topic, make_post):
    hostile = make_topic('<script>alert("m")</script>', slug="hostile")
    make_post(topics=[hostile, make_topic("Plain")])
    html = client.get(MAP).content.decode()
    assert "<script>" not in html
    root = the_svg(html, "topicmap")
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert any(label.startswith("<script>") for label in labels)  # escaped, parsed back


def test_map_is_routed_before_a_topic_called_map(client, make_topic, make_post):
    make_post(topics=[make_topic("Map", slug="map"), make_topic("Other")])
    html = client.get("/topics/map/").content.decode()
    assert re.search(r"<h1>Topic map</h1>", html)


def test_map_is_linked_from_home_and_the_topic_index(client):
    for url in (reverse("posts:home"), reverse("posts:topic_list")):
        assert f'href="{MAP}"' in client.get(url).content.decode()


def test_map_stylesheet_is_linked_only_by_pages_that_draw(client, triangle):
    sheet = "css/topicmap.css"
    assert sheet in client.get(MAP).content.decode()
    # A topic page draws its timeline only (related topics are a list): the triangle has no dates.
    assert sheet not in client.get(triangle["Localism"].get_absolute_url()).content.decode()
    assert sheet not in client.get(reverse("posts:home")).content.decode()
    assert sheet not in client.get(reverse("posts:topic_list")).content.decode()
    assert sheet not in client.get(triangle["Quiet"].get_absolute_url()).content.decode()


@pytest.mark.parametrize("size", [40, 400])
def test_map_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    build_archive(size, topic_count=maps.MAP_TOPICS + 5)
    # Busiest topics, topics with posts, shared-post counts.
    with django_assert_max_num_queries(3):
        html = client.get(MAP).content.decode()
    assert len(nodes(the_svg(html, "topicmap"))) == maps.MAP_TOPICS


def test_repeated_reads_reuse_the_counts_and_the_drawing(client, triangle, monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 600  # keep figures between writes, as in production
    # A logged-in reader: the page cache stays out of it, so this tests the figures' own cache.
    client.force_login(get_user_model().objects.create_user("reader"))
    first = client.get(MAP).content
    drawn = []
    monkeypatch.setattr(
        maps.topicmap, "render_map_svg", lambda *a, **k: drawn.append(1) or "<svg/>"
    )
    with CaptureQueriesContext(connection) as queries:
        again = client.get(MAP).content
    svg_of = lambda html: ET.tostring(the_svg(html.decode(), "topicmap"))  # noqa: E731
    assert svg_of(again) == svg_of(first)
    assert drawn == []
    assert not any(" JOIN " in q["sql"] and "tag_id <" in q["sql"] for q in queries)


def test_a_new_shared_post_redraws_the_map(client, triangle, make_post):
    url = {name: topic.get_absolute_url() for name, topic in triangle.items()}
    before = edges(the_svg(client.get(MAP).content.decode(), "topicmap"))
    assert frozenset((url["Quiet"], url["Pubs"])) not in before
    make_post(topics=[triangle["Quiet"], triangle["Pubs"]])
    after = edges(the_svg(client.get(MAP).content.decode(), "topicmap"))
    assert frozenset((url["Quiet"], url["Pubs"])) in after


def test_cached_counts_follow_a_removed_link_once_the_write_is_announced(
    triangle, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600  # keep figures between writes, as in production
    ids = [topic.pk for topic in triangle.values()]
    before = maps.cached_shared_post_counts(ids)
    with django_capture_on_commit_callbacks(execute=True):
        TaggedPost.objects.filter(
            tag=triangle["Pubs"], content_object__tagged_items__tag=triangle["Localism"]
        ).delete()
        assert maps.cached_shared_post_counts(ids) == before  # kept until the write is announced
        site_changed()  # what the importer does after changing topics
    after = maps.cached_shared_post_counts(ids)
    assert after != before
    assert after == maps.shared_post_counts(ids)


# --- a topic's neighbourhood and timeline -----------------------------------------------------


def test_topic_page_ranks_related_topics_as_a_list_not_a_drawing(client, triangle):
    html = client.get(triangle["Pubs"].get_absolute_url()).content.decode()
    assert svgs(html, "topicmap") == []
    related = html[html.index('class="related-topics"') :]
    related = related[: related.index("</ol>")]
    url = {name: topic.get_absolute_url() for name, topic in triangle.items()}
    assert f'href="{url["Localism"]}"' in related and f'href="{url["Land trusts"]}"' in related
    assert f'href="{MAP}"' in html


def test_related_topics_keep_the_most_related_twelve(client, make_topic, make_post):
    hub = make_topic("Hub")
    others = [make_topic(f"Spoke {n:02d}") for n in range(15)]
    for n, other in enumerate(others):
        for _ in range(n + 1):
            make_post(topics=[hub, other])
    html = client.get(hub.get_absolute_url()).content.decode()
    related = html[html.index('class="related-topics"') :]
    related = related[: related.index("</ol>")]
    # The twelve that share the most posts, most first: spokes 14 down to 03.
    names = re.findall(r">(Spoke \d\d)</a>", related)
    assert names == [f"Spoke {n:02d}" for n in range(14, 2, -1)]


def test_topic_without_related_topics_says_how_topics_meet(client, triangle):
    html = client.get(triangle["Quiet"].get_absolute_url()).content.decode()
    assert 'class="related-topics"' not in html
    assert "No other topic shares a post" in html


def test_timeline_bars_match_the_posts_per_month(client, make_topic, make_post):
    topic = make_topic("Dated")
    for day, count in ((datetime.date(2011, 1, 10), 3), (datetime.date(2011, 3, 2), 1)):
        for _ in range(count):
            make_post(topics=[topic], published=day)
    make_post(topics=[topic])  # undated
    html = client.get(topic.get_absolute_url()).content.decode()
    root = the_svg(html, "timeline")
    bars = {
        bar.find(f"{SVG}title").text: float(bar.find(f"{SVG}rect[@class='value']").get("height"))
        for bar in root.iter(f"{SVG}g")
        if bar.get("class") == "bar"
    }
    assert list(bars) == ["January 2011: 3 posts", "February 2011: 0 posts", "March 2011: 1 post"]
    january, february, march = bars.values()
    assert february == 0
    assert january == pytest.approx(3 * march, abs=0.2)  # coordinates have one decimal
    assert "1 post has no date and is not shown" in html


def test_timeline_appears_only_when_posts_have_dates(client, make_topic, make_post):
    topic = make_topic("Undated")
    make_post(topics=[topic])
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "<svg" not in html
    assert "topic-timeline" not in html  # no empty box either


@pytest.mark.parametrize("size", [40, 400])
def test_topic_page_with_related_topics_and_timeline_runs_fixed_queries(
    client, django_assert_max_num_queries, size
):
    archive = build_archive(size)
    topic = archive["topics"][0]
    with django_assert_max_num_queries(7):
        html = client.get(topic.get_absolute_url()).content.decode()
    assert len(svgs(html, "timeline")) == 1
    # In this archive each topic shares posts with four others (offsets of 7 and 14).
    related = html[html.index('class="related-topics"') :]
    assert related[: related.index("</ol>")].count("<li>") == len(Topic.objects.related_to(topic))


def test_topic_queries_do_not_change_related_topic_counts(triangle):
    related = Topic.objects.related_to(triangle["Pubs"])
    assert [(t.name, t.shared, t.post_count) for t in related] == [
        ("Land trusts", 2, 5),
        ("Localism", 1, 4),
    ]
