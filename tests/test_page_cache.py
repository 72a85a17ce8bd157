"""The shared page cache (core/cache.py): hits, invalidation, privacy and conditional GET."""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import parse_http_date

from core.cache import (
    GENERATION_KEY,
    KEY_PREFIX,
    current_generation,
    page_key_name,
    site_changed,
)
from posts.models import Topic
from tests.wiki.conftest import client_for, edit, make_page, make_user

CACHE_TABLE = "bigsoc_cache_test"


@pytest.fixture
def reading_page(db, page_cache):
    return make_page("Knowledge gardening", "The first words of the page.")


def test_anonymous_reader_is_served_the_stored_page_the_second_time(client, reading_page):
    first = client.get(reading_page.get_absolute_url())
    second = client.get(reading_page.get_absolute_url())
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert "The first words of the page." in second.content.decode()
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_saved_edit_shows_on_the_very_next_request(client, reading_page, commits):
    client.get(reading_page.get_absolute_url())
    with commits():
        edit(reading_page, "The second words of the page.")
    response = client.get(reading_page.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "The second words of the page." in response.content.decode()


def test_page_is_keyed_by_query_string(client, reading_page):
    history = reading_page.get_absolute_url() + "history/"
    client.get(history)
    assert client.get(history + "?page=1")["X-Page-Cache"] == "miss"
    assert client.get(history + "?page=1")["X-Page-Cache"] == "hit"


def test_a_new_release_never_serves_pages_the_old_code_rendered(client, reading_page, settings):
    # A deploy changes templates and views without touching any dependency key.
    client.get(reading_page.get_absolute_url())
    settings.RELEASE = "next-release"
    response = client.get(reading_page.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert client.get(reading_page.get_absolute_url())["X-Page-Cache"] == "hit"


def test_logged_in_volunteer_never_gets_a_cached_page(client, reading_page):
    client.get(reading_page.get_absolute_url())
    alice = client_for(make_user("alice"))
    for _ in range(2):
        response = alice.get(reading_page.get_absolute_url())
        assert "X-Page-Cache" not in response
        assert "alice" in response.content.decode()
    # Nor does what she was served reach anonymous readers.
    assert "alice" not in client.get(reading_page.get_absolute_url()).content.decode()


def test_cached_pages_never_carry_a_cookie_or_a_csrf_token(client, reading_page):
    urls = ["/", "/topics/", "/recent/", "/wiki/", reading_page.get_absolute_url()]
    for url in urls:
        client.get(url)
        hit = Client().get(url)
        assert hit["X-Page-Cache"] == "hit", url
        assert not hit.cookies, url
        assert "csrfmiddlewaretoken" not in hit.content.decode(), url


def test_pages_with_a_form_token_are_never_stored(client, db, page_cache):
    tokens = set()
    for _ in range(2):
        response = Client().get("/accounts/login/")
        assert "X-Page-Cache" not in response
        assert "csrftoken" in response.cookies
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)[1])
    assert len(tokens) == 2


def test_reader_with_a_session_or_messages_cookie_is_not_served_from_cache(client, reading_page):
    url = reading_page.get_absolute_url()
    client.get(url)
    for name in ("sessionid", "messages"):
        other = Client()
        other.cookies[name] = "something"
        assert "X-Page-Cache" not in other.get(url)


def test_unchanged_page_answers_304_to_its_etag_and_date(client, reading_page):
    url = reading_page.get_absolute_url()
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]
    by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag.content == b""


def test_edited_page_answers_200_to_an_old_etag_or_date(client, reading_page, commits):
    url = reading_page.get_absolute_url()
    first = client.get(url)
    with commits():
        edit(reading_page, "Changed within the same second.")
    for header in ({"If-None-Match": first["ETag"]}, {"If-Modified-Since": first["Last-Modified"]}):
        response = client.get(url, headers=header)
        assert response.status_code == 200
        assert "Changed within the same second." in response.content.decode()


def test_a_write_rolled_back_bumps_nothing(db, page_cache):
    before = current_generation()
    with transaction.atomic():
        site_changed()
        transaction.set_rollback(True)
    assert cache.get(GENERATION_KEY) == before


def test_each_generation_is_later_than_the_one_before(db, page_cache, commits):
    before = current_generation()
    with commits():
        site_changed()
    assert cache.get(GENERATION_KEY) > before


def test_many_saves_in_a_row_never_date_a_page_in_the_future(client, reading_page, commits):
    # A generation that started a new second would date pages ahead of the clock after many saves.
    generations = []
    for number in range(300):
        with commits():
            edit(reading_page, f"Save number {number}.")
        generations.append(cache.get(GENERATION_KEY))
    response = client.get(reading_page.get_absolute_url())
    assert "Save number 299." in response.content.decode()
    assert parse_http_date(response["Last-Modified"]) <= time.time()
    assert generations == sorted(set(generations))
    for _ in range(2_000):
        with commits():
            site_changed()
    assert cache.get(GENERATION_KEY) <= time.time_ns()
    response = client.get(reading_page.get_absolute_url())
    assert parse_http_date(response["Last-Modified"]) <= time.time()


def test_a_lost_dependency_key_matches_no_stored_page(client, reading_page):
    url = reading_page.get_absolute_url()
    client.get(url)
    cache.delete(KEY_PREFIX + page_key_name(reading_page.pk))
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_an_import_that_changed_posts_shows_on_the_next_request(
    client, db, page_cache, tmp_path, commits
):
    archive = tmp_path / "fresh.txt"
    archive.write_text("A freshly imported post\n\nIts only paragraph. read more »\n")
    client.get("/")
    with commits():
        call_command("import_seeds", str(archive), verbosity=0)
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "A freshly imported post" in response.content.decode()
    client.get("/")
    with commits():
        call_command("import_seeds", str(archive), verbosity=0)  # nothing changed this time
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_any_successful_post_by_a_logged_in_person_bumps_the_generation(reading_page, commits):
    alice = client_for(make_user("alice"))
    before = current_generation()
    with commits():
        response = alice.post(
            reading_page.get_absolute_url() + "edit/",
            {"text": "Only a preview.", "base_revision": 1, "action": "preview"},
        )
    assert response.status_code == 200
    assert current_generation() != before


# --- Two servers, one cache ---------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def _server():
    """A WSGI server with its own Django handler in its own thread (own DB and cache connections),
    like a second gunicorn worker."""
    server = make_server("127.0.0.1", 0, WSGIHandler(), WSGIServer, _QuietHandler)

    def serve():
        try:
            server.serve_forever(poll_interval=0.05)
        finally:
            connections.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def _get(opener, url):
    with opener.open(url, timeout=10) as response:
        return response.headers, response.read().decode()


@pytest.fixture
def database_cache(transactional_db, page_cache):
    # The database cache: the two servers share it through PostgreSQL, not through memory.
    page_cache.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        }
    }
    call_command("createcachetable", verbosity=0)
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {CACHE_TABLE}")
    page_cache.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_edit_through_one_server_shows_on_the_other_at_once(database_cache):
    page = make_page("Shared cache", "Text before the edit.")
    session = Client()
    session.force_login(make_user("alice"))
    url = page.get_absolute_url()
    with _server() as one, _server() as other:
        reader = urllib.request.build_opener()
        _get(reader, other + url)
        headers, body = _get(reader, other + url)
        assert headers["X-Page-Cache"] == "hit"
        assert "Text before the edit." in body

        jar = http.cookiejar.CookieJar()
        volunteer = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        volunteer.addheaders = [("Cookie", f"sessionid={session.cookies['sessionid'].value}")]
        _, form = _get(volunteer, one + url + "edit/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        fields = {"csrfmiddlewaretoken": token, "text": "Text after the edit.", "base_revision": 1}
        csrf = next(c.value for c in jar if c.name == "csrftoken")
        volunteer.addheaders = [
            ("Cookie", f"sessionid={session.cookies['sessionid'].value}; csrftoken={csrf}")
        ]
        saved = volunteer.open(
            one + url + "edit/", data=urllib.parse.urlencode(fields).encode(), timeout=10
        )
        assert saved.status == 200  # after the redirect to the page

        headers, body = _get(reader, other + url)
        assert headers["X-Page-Cache"] == "miss"
        assert "Text after the edit." in body


def test_archive_figures_are_kept_until_the_next_write(db, page_cache, commits, make_post):
    make_post("The first post")
    alice = client_for(make_user("alice"))  # logged in: no page cache, only the figures
    with CaptureQueriesContext(connection) as first:
        assert "1 post " in alice.get("/").content.decode()
    with CaptureQueriesContext(connection) as second:
        alice.get("/")
    assert len(second) < len(first)
    with commits():
        make_post("The second post")
        site_changed()
    assert "2 posts " in alice.get("/").content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_history_rows_are_kept_for_volunteers_until_the_next_edit(reading_page, commits):
    alice = client_for(make_user("alice"))  # logged in: no page cache, only the fragment
    url = reading_page.get_absolute_url() + "history/"
    first, first_count = _queries(alice, url)
    assert "first version" in first
    _, second_count = _queries(alice, url)
    assert second_count < first_count
    with commits():
        edit(reading_page, "The second words of the page.", summary="a second look")
    after, _ = _queries(alice, url)
    assert "a second look" in after
    assert "(#2, current)" in after and "(#1, current)" not in after


def test_links_under_a_post_are_kept_for_volunteers_until_the_next_write(
    db, page_cache, commits, make_post, make_topic
):
    post = make_post("A post about mutuals", topics=[make_topic("Mutuals")])
    alice = client_for(make_user("alice"))
    first, first_count = _queries(alice, post.get_absolute_url())
    assert "Mutuals" in first and "Cited in" not in first
    _, second_count = _queries(alice, post.get_absolute_url())
    assert second_count < first_count
    with commits():
        make_page("Mutual aid", f"See [[post:{post.slug}]].")
    after, _ = _queries(alice, post.get_absolute_url())
    assert "Cited in" in after and "Mutual aid" in after


def test_topic_figures_are_kept_for_volunteers_until_the_next_write(
    db, page_cache, commits, make_post, make_topic
):
    topic = make_topic("Mutuals")
    make_post("The first post", topics=[topic])
    alice = client_for(make_user("alice"))
    first, first_count = _queries(alice, topic.get_absolute_url())
    assert 'Posts <span class="count">1</span>' in first
    _, second_count = _queries(alice, topic.get_absolute_url())
    assert second_count < first_count
    with commits():
        make_post("The second post", topics=[topic])
        site_changed()
    after, _ = _queries(alice, topic.get_absolute_url())
    assert 'Posts <span class="count">2</span>' in after and "The second post" in after


def test_a_wiki_edit_keeps_the_archive_figures_and_an_archive_edit_does_not(
    db, page_cache, commits, make_post, make_topic
):
    # At 100,000 posts the largest topic's figures take seconds: a wiki edit, which changes
    # none of them, must not throw them away; a change to the archive (here through the ORM,
    # as the admin does) must.
    topic = make_topic("Mutuals")
    make_post("The first post", topics=[topic])
    alice = client_for(make_user("alice"))
    _queries(alice, topic.get_absolute_url())
    with commits():
        make_page("Somewhere else", "A wiki edit that names no post.")
    after_wiki_edit, wiki_count = _queries(alice, topic.get_absolute_url())
    assert 'Posts <span class="count">1</span>' in after_wiki_edit
    with commits():
        make_post("The second post", topics=[topic])  # no explicit call: the signals bump
    after_archive_edit, archive_count = _queries(alice, topic.get_absolute_url())
    assert 'Posts <span class="count">2</span>' in after_archive_edit
    assert wiki_count < archive_count  # the figures were computed again only the second time


def test_topic_index_is_kept_for_volunteers_until_the_archive_changes(
    db, page_cache, commits, make_post, make_topic
):
    topic = make_topic("Mutuals")
    make_post("The first post", topics=[topic])
    alice = client_for(make_user("alice"))
    first = alice.get("/topics/").content.decode()
    assert "1 post<" in first
    with commits():
        make_page("Somewhere else", "A wiki edit.")
        # A rename in plain SQL sends no signal: the index is kept until the archive changes.
        Topic.objects.filter(pk=topic.pk).update(name="Mutual aid")
    assert "Mutuals" in alice.get("/topics/").content.decode()
    with commits():
        make_post("The second post", topics=[topic])  # saved through the ORM: signals bump
    after = alice.get("/topics/").content.decode()
    assert "Mutual aid" in after and "2 posts<" in after


def test_wiki_page_is_kept_for_volunteers_until_the_next_edit(reading_page, commits):
    alice = client_for(make_user("alice"))
    url = reading_page.get_absolute_url()
    first, first_count = _queries(alice, url)
    _, second_count = _queries(alice, url)
    assert second_count < first_count
    with commits():
        make_page("Linking in", "See [[Knowledge gardening]].")
    linked, _ = _queries(alice, url)
    assert "Linking in" in linked  # "what links here" is drawn again
    with commits():
        edit(reading_page, "The second words of the page.")
    after, _ = _queries(alice, url)
    assert "The second words of the page." in after and "The first words" not in after


def test_topic_entry_edit_shows_to_volunteers_on_the_next_request(
    db, page_cache, commits, make_post, make_topic
):
    topic = make_topic("Localism")
    make_post("A post about localism", topics=[topic])
    with commits():
        entry = make_page("Localism", "Power to places.")
    alice = client_for(make_user("alice"))
    assert "Power to places." in _queries(alice, topic.get_absolute_url())[0]
    with commits():
        edit(entry, "Power to people and places.")
    assert "Power to people and places." in _queries(alice, topic.get_absolute_url())[0]


@pytest.mark.django_db
def test_a_cache_out_of_reach_is_passed_by_and_pages_that_need_no_data_still_answer(settings):
    # A real Redis client pointed at a port nobody listens on: every cache call fails.
    settings.PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    memory = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    try:
        response = Client(raise_request_exception=False).get("/accounts/login/")
    finally:
        settings.CACHES = memory  # the shared fixtures clear the cache after the test
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
    assert "X-Page-Cache" not in response


@pytest.fixture
def default_database_cache(transactional_db, page_cache):
    # The cache a machine without REDIS_URL gets, its size and culling included, on a test table.
    page_cache.CACHES = {"default": {**page_cache.DATABASE_CACHE, "LOCATION": CACHE_TABLE}}
    call_command("createcachetable", verbosity=0)
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {CACHE_TABLE}")
    page_cache.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_without_redis_a_working_set_of_many_pages_stays_cached(client, default_database_cache):
    # Django's default of 300 entries culled a third at each overflow: pages never stayed.
    page = make_page("Working set", "A page read under many addresses.")
    urls = [f"{page.get_absolute_url()}?reader={number}" for number in range(700)]
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "miss"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {CACHE_TABLE}")
        assert cursor.fetchone()[0] > 700
    assert [client.get(url)["X-Page-Cache"] for url in urls] == ["hit"] * len(urls)


def test_fragments_read_no_generation_when_the_page_cache_is_off(rf, settings):
    from core.cache import fragments

    settings.PAGE_CACHE_SECONDS = 0
    assert fragments(rf.get("/")) == {
        "generation": 0,
        "archive_generation": 0,
        "page_cache_seconds": 0,
    }
    settings.PAGE_CACHE_SECONDS = 600
    kept = fragments(rf.get("/"))
    assert kept["page_cache_seconds"] == 600
    assert kept["generation"] == current_generation()
