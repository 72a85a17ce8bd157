"""Dates and old addresses as the old blog showed them, through `import_seeds`, against real
PostgreSQL: the local day and time, the instant for feeds, and every old address a 301."""

import io
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from django.core.management import call_command

from posts.middleware import old_address_lookups
from posts.models import Post

FIXTURES = Path(__file__).parent / "fixtures"
FAR_EAST = FIXTURES / "far-east.wxr.xml"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary_seeds")]


def run(path):
    call_command("import_seeds", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_a_post_shows_the_day_and_time_its_blog_showed_and_keeps_the_instant(client):
    run(FAR_EAST)
    post = Post.objects.get(source_id=5)
    assert post.published.isoformat() == "2013-01-01"  # not the UTC day, 31 December
    assert post.published_time == time(7, 30)
    assert post.published_at == datetime(2012, 12, 31, 23, 30, tzinfo=UTC)
    page = client.get(post.get_absolute_url()).content.decode()
    assert '<time datetime="2013-01-01T07:30">1 January 2013, 07:30</time>' in page
    tehran = Post.objects.get(source_id=6)
    assert tehran.published.isoformat() == "2013-03-21" and tehran.published_time == time(2, 0)


def test_the_feed_dates_each_post_by_its_instant(client):
    run(FAR_EAST)
    feed = client.get("/feeds/posts/").content.decode()
    assert "2012-12-31T23:30:00" in feed or "Mon, 31 Dec 2012 23:30:00" in feed


@pytest.mark.parametrize(
    ("address", "source_id"),
    [
        ("/2013/01/01/after-returning-home/", 5),
        ("/2013/01/01/after-returning-home", 5),
        ("/2013/01/after-returning-home/", 5),
        ("/after-returning-home/", 5),
        ("/?p=5", 5),
        ("/index.php?p=6", 6),
        ("/blog/?p=7", 7),
        ("/archives/6", 6),
        ("/%db%8c%d8%a7%d8%af%d8%af%d8%a7%d8%b4%d8%aa/", 6),
        ("/%DB%8C%D8%A7%D8%AF%D8%AF%D8%A7%D8%B4%D8%AA/", 6),
        ("/یادداشت/", 6),
        ("/2013/04/dagger-†-notes/", 7),
        ("/2013/04/dagger-%E2%80%A0-notes/", 7),
        ("/2013/05/回家/", 8),
        ("/2013/05/%e5%9b%9e%e5%ae%b6/", 8),
        ("/2013/05/%E5%9B%9E%E5%AE%B6/", 8),
        ("/回家/", 8),
        ("/2013/06/it’s-home/", 9),
        ("/2013/06/it%E2%80%99s-home/", 9),
        ("/?p=9", 9),
    ],
)
def test_every_old_address_answers_301_to_the_post(client, address, source_id):
    run(FAR_EAST)
    post = Post.objects.get(source_id=source_id)
    response = client.get(address)
    assert response.status_code == 301, address
    assert response["Location"] == post.get_absolute_url()


def test_an_address_of_no_post_stays_404_and_the_home_page_stays_home(client):
    run(FAR_EAST)
    assert client.get("/2013/01/02/after-returning-home/").status_code == 404
    assert client.get("/archives/99").status_code == 404
    assert client.get("/?p=99").status_code == 200
    assert client.get("/?p=abc").status_code == 200


def test_lookups_for_an_address_are_few_and_most_exact_first():
    lookups = old_address_lookups("/2013/01/01/slug/", {})
    assert len(lookups) == 2 and "old_path__in" in str(lookups[0])
    assert old_address_lookups("/favicon.ico", {})[1:] == []


def test_a_post_lives_at_its_authors_slug_in_any_script(client):
    run(FAR_EAST)
    assert Post.objects.get(source_id=5).slug == "after-returning-home"  # not /posts/post/
    persian = Post.objects.get(source_id=6)
    assert persian.slug == "یادداشت"
    assert client.get(persian.get_absolute_url()).status_code == 200


def test_a_taken_slug_is_told_apart_and_the_first_keeps_it(tmp_path):
    run(FAR_EAST)
    other = tmp_path / "other.xml"
    text = FAR_EAST.read_text(encoding="utf-8").replace("guijia.example.cn", "other.example.org")
    other.write_text(text.replace("<title>回家以后</title>", "<title>Other home</title>"), "utf-8")
    run(other)
    slugs = list(Post.objects.filter(source_id=5).order_by("id").values_list("slug", flat=True))
    assert slugs[0] == "after-returning-home"
    assert slugs[1].startswith("after-returning-home-") and len(slugs) == 2


def test_a_post_page_carries_its_blogs_language_and_each_block_its_direction(client):
    run(FIXTURES / "bodies.wxr.xml")
    post = Post.objects.get(source_id=4)
    page = client.get(post.get_absolute_url()).content.decode()
    assert '<div class="prose" lang="fa-IR">' in page
    assert '<p dir="auto">این یک متن فارسی است.</p>' in page
    assert '<div class="comment__text" dir="auto">' in page


@pytest.mark.parametrize(
    ("fixture", "address", "title"),
    [
        # FeedBurner's proxy <link> is not the blog's: its feedburner:origLink is the address.
        ("feedburner.rss.xml", "/2011/06/12/beans-at-last/", "Beans at last"),
        ("feedburner.rss.xml", "/?p=88", "Beans at last"),
        # An RSS 1.0 item's own <link>, which is also its rdf:about.
        ("rss1.rdf.xml", "/archives/000123.html", "Fête & fair"),
    ],
)
def test_a_feed_items_own_address_answers_301_to_the_post(client, fixture, address, title):
    run(FIXTURES / fixture)
    post = Post.objects.get(title=title)
    response = client.get(address)
    assert response.status_code == 301, address
    assert response["Location"] == post.get_absolute_url()
    assert client.get("/~r/AllotmentLog/~3/AbCdEf/").status_code == 404
