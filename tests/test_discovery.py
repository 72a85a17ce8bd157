"""How crawlers find the site: sitemap.xml, robots.txt and each page's canonical link."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from posts.models import Post
from tests.posts.conftest import build_archive
from tests.wiki.conftest import make_page, make_user
from wiki.models import Page
from wiki.services import delete_page

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://testserver"


def sitemap(client) -> dict[str, str | None]:
    """loc -> lastmod of every URL in /sitemap.xml, which must parse as XML."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    found = {}
    for url in root.findall(f"{SITEMAP}url"):
        lastmod = url.find(f"{SITEMAP}lastmod")
        found[url.find(f"{SITEMAP}loc").text] = lastmod.text if lastmod is not None else None
    return found


def canonical(client, url, params=None) -> list[str]:
    html = client.get(url, params).content.decode()
    return re.findall(r'<link rel="canonical" href="([^"]*)">', html)


# --- sitemap ---------------------------------------------------------------------------------


def test_sitemap_lists_topics_posts_and_live_pages_with_their_dates(client, make_topic, make_post):
    topic = make_topic("Localism")
    post = make_post("Councils get new powers", topics=[topic])
    Post.objects.filter(pk=post.pk).update(
        updated_at=datetime.datetime(2011, 3, 4, tzinfo=datetime.UTC)
    )
    page = make_page("Community organisers")
    Page.objects.filter(pk=page.pk).update(
        updated_at=datetime.datetime(2012, 5, 6, tzinfo=datetime.UTC)
    )
    found = sitemap(client)
    assert found[BASE + topic.get_absolute_url()] == "2011-03-04"
    assert found[BASE + post.get_absolute_url()] == "2011-03-04"
    assert found[BASE + page.get_absolute_url()] == "2012-05-06"
    assert len(found) == 3


def test_sitemap_and_topic_index_list_only_topics_with_posts_or_an_entry(
    client, make_topic, make_post
):
    with_posts, with_entry = make_topic("Localism"), make_topic("Timebanking")
    empty = make_topic("Innovation Hub")  # a vocabulary topic no archive used
    make_post("Councils get new powers", topics=[with_posts])
    Page.objects.filter(pk=make_page("Timebanking").pk).update(topic=with_entry)
    found = sitemap(client)
    index = client.get(reverse("posts:topic_list")).content.decode()
    by_size = client.get(reverse("posts:topic_list"), {"sort": "size"}).content.decode()
    for topic in (with_posts, with_entry):
        assert BASE + topic.get_absolute_url() in found
        assert f'href="{topic.get_absolute_url()}"' in index
        assert f'href="{topic.get_absolute_url()}"' in by_size
    assert BASE + empty.get_absolute_url() not in found
    assert f'href="{empty.get_absolute_url()}"' not in index
    assert f'href="{empty.get_absolute_url()}"' not in by_size


def test_sitemap_leaves_out_deleted_pages(client):
    kept = make_page("Kept page")
    gone = make_page("Gone page")
    delete_page(page=gone, actor=make_user("mona", moderator=True), reason="Spam")
    found = sitemap(client)
    assert BASE + kept.get_absolute_url() in found
    assert BASE + reverse("wiki:page", args=[gone.slug]) not in found


def test_a_topic_entry_is_listed_once_as_its_topic_dated_by_its_latest_edit(
    client, make_topic, make_post
):
    topic = make_topic("Localism")
    post = make_post(topics=[topic])
    Post.objects.filter(pk=post.pk).update(
        updated_at=datetime.datetime(2011, 3, 4, tzinfo=datetime.UTC)
    )
    entry = make_page("Localism", text="The bill and the act.")
    assert entry.topic_id == topic.pk
    Page.objects.filter(pk=entry.pk).update(
        updated_at=datetime.datetime(2013, 1, 2, tzinfo=datetime.UTC)
    )
    found = sitemap(client)
    assert found[BASE + topic.get_absolute_url()] == "2013-01-02"
    assert BASE + reverse("wiki:page", args=[entry.slug]) not in found
    assert list(found).count(BASE + topic.get_absolute_url()) == 1


def test_a_topic_with_an_entry_and_no_posts_is_dated_by_its_entry(client, make_topic):
    topic = make_topic("Empty")
    edited = datetime.datetime(2012, 5, 6, tzinfo=datetime.UTC)
    Page.objects.filter(pk=make_page("Empty").pk).update(topic=topic, updated_at=edited)
    assert sitemap(client) == {BASE + topic.get_absolute_url(): "2012-05-06"}


@pytest.mark.parametrize("size", [20, 200])
def test_sitemap_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    build_archive(size)
    for n in range(size // 20):
        make_page(f"Wiki page {n}")
    # A count and a page of rows for each of the three sections.
    with django_assert_max_num_queries(6):
        found = sitemap(client)
    assert len(found) == size + 30 + size // 20


# --- robots.txt ------------------------------------------------------------------------------


def test_robots_txt_allows_reading_and_keeps_crawlers_out_of_tools(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().strip().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    for path in ("/accounts/", "/admin/", "/wiki/*/edit/", "/wiki/*/history/", "/wiki/*/diff/"):
        assert f"Disallow: {path}" in lines
    assert lines[-1] == "Sitemap: http://testserver/sitemap.xml"
    assert not any(line.startswith("{") or "comment" in line for line in lines)


def test_robots_txt_names_the_sitemap_on_the_host_it_was_asked_on(client, settings):
    settings.ALLOWED_HOSTS = ["bigsoc.example.org"]
    response = client.get("/robots.txt", headers={"host": "bigsoc.example.org"}, secure=True)
    assert "Sitemap: https://bigsoc.example.org/sitemap.xml" in response.content.decode()


# --- canonical links -------------------------------------------------------------------------


def test_every_page_names_its_canonical_address_without_the_query_string(
    client, make_topic, make_post
):
    topic = make_topic("Localism")
    post = make_post(topics=[topic])
    page = make_page("Community organisers")
    assert canonical(client, "/") == [f"{BASE}/"]
    assert canonical(client, "/topics/?sort=size&utm_source=x") == [f"{BASE}/topics/"]
    assert canonical(client, post.get_absolute_url() + "?ref=feed") == [
        BASE + post.get_absolute_url()
    ]
    assert canonical(client, page.get_absolute_url()) == [BASE + page.get_absolute_url()]
    assert canonical(client, reverse("posts:topic_map")) == [BASE + reverse("posts:topic_map")]


def test_canonical_address_keeps_a_page_number_beyond_the_first(client, make_topic, make_post):
    topic = make_topic("Busy")
    for _ in range(25):
        make_post(topics=[topic])
    url = topic.get_absolute_url()
    assert canonical(client, url + "?page=2&sort=x") == [f"{BASE}{url}?page=2"]
    assert canonical(client, url + "?page=1") == [BASE + url]


@pytest.mark.parametrize("value", ["0", "-2", "2x", "²", "9" * 5000, '"><script>'])
def test_canonical_address_drops_page_values_that_are_not_page_numbers(client, value):
    assert canonical(client, "/wiki/", {"page": value}) == [f"{BASE}/wiki/"]


def test_canonical_address_of_a_non_ascii_slug_is_percent_encoded(client, make_topic):
    topic = make_topic("Émile", slug="émile")
    assert canonical(client, topic.get_absolute_url()) == [f"{BASE}/topics/%C3%A9mile/"]


def test_pages_rendered_without_a_request_have_no_canonical_link():
    assert 'rel="canonical"' not in render_to_string("500.html")


def test_canonical_link_is_in_the_head(client):
    html = client.get("/").content.decode()
    assert html.index('rel="canonical"') < html.index("</head>")


# --- /favicon.ico ----------------------------------------------------------------------------


def test_favicon_ico_answers_with_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<svg") or b"<svg" in response.content[:200]
    assert "max-age=86400" in response["Cache-Control"]
