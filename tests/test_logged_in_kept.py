"""What a logged-in reader's pages keep between requests (issue 15), and that it is never stale.

Lookups by slug, the watch button, the volunteer's home panels, the search page and a diff's rows
are kept in the shared cache under the site generation. These tests turn the page cache on and
check both halves: a second request does less work, and the reader's own write (or a visit to
the watchlist, which is not a write) shows on the very next request.
"""

from django.core.cache import caches
from django.core.cache.backends.base import CacheKeyWarning
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from community.models import Watch
from core.cache import GENERATION_KEY, archive_changed
from tests.community.conftest import edit_through_the_site
from tests.wiki.conftest import client_for, edit, make_page, make_user


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_volunteer_home_panels_are_kept_but_show_the_volunteers_own_edit_at_once(
    db, page_cache, commits, make_topic, make_post
):
    make_post("A post", topics=[make_topic("Social action")])
    alice = client_for(make_user("alice"))
    first, first_count = _get(alice, "/")
    assert "Hello, alice" in first and "None yet" in first
    kept, kept_count = _get(alice, "/")
    assert kept_count < first_count
    with commits():
        edit_through_the_site(alice, "social-action", "What social action is.")
    after, _ = _get(alice, "/")
    assert "None yet" not in after.split("Your recent edits")[1]
    assert "Social action" in after.split("Your recent edits")[1]


def test_opening_the_watchlist_clears_the_new_marks_on_the_home_page(db, page_cache, commits):
    volunteer, other = make_user("alice"), make_user("bob")
    page = make_page("Mutual aid", "First words.")
    Watch.objects.create(user=volunteer, page=page)
    with commits():
        edit(page, "Second words.", author=other)
    alice = client_for(volunteer)
    assert "new since your last visit" in _get(alice, "/")[0]
    assert "new since your last visit" in _get(alice, "/")[0]  # kept, still new
    _get(alice, reverse("community:watchlist"))  # a GET: no new generation
    assert "new since your last visit" not in _get(alice, "/")[0]


def test_the_watch_button_is_kept_but_follows_the_volunteers_own_press(db, page_cache, commits):
    page = make_page("Knowledge gardening", "Words.")
    alice = client_for(make_user("alice"))
    first, first_count = _get(alice, page.get_absolute_url())
    assert 'value="watch"' in first
    _, kept_count = _get(alice, page.get_absolute_url())
    assert kept_count < first_count
    with commits():
        alice.post(reverse("community:watch_page", args=[page.slug]), {"action": "watch"})
    assert 'value="unwatch"' in _get(alice, page.get_absolute_url())[0]
    # Another volunteer's button is their own.
    assert 'value="watch"' in _get(client_for(make_user("bob")), page.get_absolute_url())[0]


def test_a_kept_wiki_page_and_its_history_show_an_edit_on_the_next_request(db, page_cache, commits):
    page = make_page("Open data", "The first words.")
    alice = client_for(make_user("alice"))
    assert "The first words." in _get(alice, page.get_absolute_url())[0]
    _get(alice, page.get_absolute_url() + "history/")
    with commits():
        edit(page, "The second words.")
    assert "The second words." in _get(alice, page.get_absolute_url())[0]
    history, _ = _get(alice, page.get_absolute_url() + "history/")
    assert "(#2, current)" in history


def test_a_kept_topic_and_post_answer_404_for_a_missing_slug(db, page_cache, make_post):
    alice = client_for(make_user("alice"))
    assert alice.get("/topics/no-such-topic/").status_code == 404
    assert alice.get("/topics/no-such-topic/").status_code == 404  # kept as missing
    post = make_post("A post")
    assert alice.get(post.get_absolute_url()).status_code == 200
    assert alice.get("/posts/no-such-post/").status_code == 404


def test_search_page_is_kept_until_the_next_write(db, page_cache, commits, make_post):
    make_post("Volunteering in Leeds", body="A report from the north.")
    alice = client_for(make_user("alice"))
    url = reverse("search:results") + "?q=volunteering"
    first, first_count = _get(alice, url)
    assert "Leeds" in first
    _, kept_count = _get(alice, url)
    assert kept_count < first_count
    with commits():
        make_post("Volunteering in York", body="A report from further north.")
        archive_changed()
    assert "York" in _get(alice, url)[0]


def test_site_url_and_site_static_answer_as_url_and_static_do(db):
    html = Template(
        "{% load static site_urls %}{% url 'posts:topic_list' %}|{% site_url 'posts:topic_list' %}"
        "|{% static 'css/site.css' %}|{% site_static 'css/site.css' %}"
    ).render(Context())
    url, memo, static, static_memo = html.split("|")
    assert url == memo == "/topics/"
    assert static == static_memo


def test_site_url_follows_a_changed_script_prefix(db):
    template = Template("{% load site_urls %}{% site_url 'posts:topic_list' %}")
    assert template.render(Context()) == "/topics/"
    try:
        set_script_prefix("/wiki-root/")
        assert template.render(Context()) == "/wiki-root/topics/"
    finally:
        set_script_prefix("/")


def test_an_anonymous_topic_page_is_still_stored_in_the_page_cache(
    client, db, page_cache, make_topic
):
    # The Watch button is drawn for everyone; only a logged-in reader's needs a CSRF token, and
    # a page that used one is never stored.
    topic = make_topic("Mutuals")
    assert client.get(topic.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(topic.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_logged_in_page_asks_the_cache_for_the_generation_once(db, page_cache, monkeypatch):
    page = make_page("Open data", "Words.")
    alice = client_for(make_user("alice"))
    alice.get(page.get_absolute_url() + "history/")  # fills what is kept
    # The tests' memory cache answers get_many() through get(): every read passes here.
    backend = caches["default"]
    asked = []
    get = backend.get
    monkeypatch.setattr(backend, "get", lambda key, *a, **k: asked.append(key) or get(key, *a, **k))
    # The page's lookup (kept under the generation) and its kept fragment both need it.
    assert alice.get(page.get_absolute_url() + "history/").status_code == 200
    assert asked.count(GENERATION_KEY) == 1


def test_a_very_long_slug_makes_a_short_cache_key(db, page_cache, client, recwarn):
    # Slugs come from the address: the kept lookups hash them, so every backend takes the key
    # (the database cache's column holds 255 characters; Django warns past 250).
    slug = "x" * 400
    assert client.get(f"/topics/{slug}/").status_code == 404
    assert client.get(f"/posts/{slug}/").status_code == 404
    assert client.get(f"/wiki/{slug}/history/").status_code == 404
    assert not [w for w in recwarn if issubclass(w.category, CacheKeyWarning)]
