"""Per-key invalidation (core.cache): a write makes stale only the pages that show what it
changed, so the rest of the site stays cached and keeps answering 304."""

import pytest
from django.core.management import call_command

from core.cache import ALL, RECENT, page_key_name, post_key_name, topic_key_name
from posts.models import Post
from tests.wiki.conftest import client_for, edit, make_page, make_user


def _hit(client, url) -> bool:
    return client.get(url)["X-Page-Cache"] == "hit"


@pytest.fixture
def two_pages(db, page_cache):
    return make_page("Allotments", "Growing together."), make_page("Libraries", "Reading rooms.")


def test_an_edit_keeps_untouched_pages_cached_and_answering_304(client, two_pages, commits):
    allotments, libraries = two_pages
    first = client.get(libraries.get_absolute_url())
    client.get(allotments.get_absolute_url())
    with commits():
        edit(allotments, "Growing food together.")
    assert _hit(client, libraries.get_absolute_url())
    for header in ({"If-None-Match": first["ETag"]}, {"If-Modified-Since": first["Last-Modified"]}):
        assert client.get(libraries.get_absolute_url(), headers=header).status_code == 304
    assert not _hit(client, allotments.get_absolute_url())


def test_an_edit_makes_the_recent_lists_stale(client, two_pages, commits):
    allotments, _ = two_pages
    for url in ("/recent/", "/wiki/", "/feeds/changes/"):
        client.get(url)
    with commits():
        edit(allotments, "Growing food together.", summary="food")
    for url in ("/recent/", "/wiki/", "/feeds/changes/"):
        assert not _hit(client, url), url


def test_a_new_page_makes_stale_the_pages_whose_links_to_it_change_colour(
    client, db, page_cache, commits
):
    with commits():
        linking = make_page("Parish councils", "See [[Village halls]].")
        other = make_page("Food banks", "No links here.")
    client.get(linking.get_absolute_url())
    client.get(other.get_absolute_url())
    with commits():
        make_page("Village halls", "Where the parish meets.")
    response = client.get(linking.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "/wiki/village-halls/edit/" not in response.content.decode()
    assert _hit(client, other.get_absolute_url())


def test_a_new_link_makes_the_targets_what_links_here_stale(client, two_pages, commits):
    allotments, libraries = two_pages
    links = libraries.get_absolute_url() + "links/"
    client.get(links)
    with commits():
        edit(allotments, "Seeds are lent at [[Libraries]].")
    response = client.get(links)
    assert response["X-Page-Cache"] == "miss"
    assert "Allotments" in response.content.decode()


def test_a_topic_entry_edit_makes_its_topic_page_stale_and_not_other_topics(
    client, db, page_cache, commits, make_post, make_topic
):
    localism, housing = make_topic("Localism"), make_topic("Housing")
    make_post("A post about localism", topics=[localism])
    make_post("A post about housing", topics=[housing])
    with commits():
        entry = make_page("Localism", "Power to places.")
    client.get(localism.get_absolute_url())
    client.get(housing.get_absolute_url())
    with commits():
        edit(entry, "Power to people and places.")
    response = client.get(localism.get_absolute_url())
    assert "Power to people and places." in response.content.decode()
    assert _hit(client, housing.get_absolute_url())


def test_a_watch_toggle_or_a_preference_save_makes_nothing_stale(
    client, two_pages, commits, make_topic
):
    allotments, libraries = two_pages
    topic = make_topic("Localism")
    urls = ["/", "/recent/", "/wiki/", "/topics/", topic.get_absolute_url()]
    urls += [allotments.get_absolute_url(), libraries.get_absolute_url()]
    for url in urls:
        client.get(url)
    alice = client_for(make_user("alice"))
    with commits():
        watched = alice.post(allotments.get_absolute_url() + "watch/", {"action": "watch"})
        alice.post(topic.get_absolute_url() + "watch/", {"action": "watch"})
        saved = alice.post("/accounts/preferences/", {"email_mode": "never", "watch_edits": ""})
    assert (watched.status_code, saved.status_code) == (302, 302)
    for url in urls:
        assert _hit(client, url), url
    # Her own page shows the change at once.
    assert 'value="unwatch"' in alice.get(allotments.get_absolute_url()).content.decode()


def test_an_import_makes_stale_the_posts_it_changed_and_not_the_others(
    client, transactional_db, page_cache, tmp_path
):
    # Committed for real: the importer tells its changed posts by its own transaction's start.
    archive = tmp_path / "two.txt"
    first = "Mutual aid\n\nNeighbours helping. read more »\n"
    second = "Time banks\n\nAn hour for an hour. read more »\n"
    archive.write_text(first + "\n" + second)
    call_command("import_seeds", str(archive), verbosity=0)
    aid, banks = (Post.objects.get(title=t) for t in ("Mutual aid", "Time banks"))
    client.get(aid.get_absolute_url())
    client.get(banks.get_absolute_url())
    archive.write_text(first + "\n" + second.replace("An hour", "One hour"))
    call_command("import_seeds", str(archive), verbosity=0)
    response = client.get(banks.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "One hour for an hour." in response.content.decode()
    assert _hit(client, aid.get_absolute_url())


def test_anonymous_pages_name_their_keys_for_a_cdn(client, two_pages, make_topic, make_post):
    allotments, _ = two_pages
    topic = make_topic("Localism")
    post = make_post("A post about localism", topics=[topic])
    for url, key in (
        (allotments.get_absolute_url(), page_key_name(allotments.pk)),
        (topic.get_absolute_url(), topic_key_name(topic.pk)),
        (post.get_absolute_url(), post_key_name(post.pk)),
        ("/recent/", RECENT),
    ):
        for response in (client.get(url), client.get(url)):  # a miss, then a hit
            keys = response["Surrogate-Key"].split()
            assert key in keys and ALL in keys, url
            assert response["xkey"] == response["Surrogate-Key"]


def test_without_a_cdn_no_shared_cache_may_keep_a_page(client, two_pages):
    allotments, _ = two_pages
    assert "no-cache" in client.get(allotments.get_absolute_url())["Cache-Control"]


def test_with_a_cdn_configured_anonymous_pages_say_public_s_maxage(client, two_pages, page_cache):
    page_cache.CDN_PURGE_URL = "http://127.0.0.1:9/"
    page_cache.CDN_SECONDS = 600
    allotments, _ = two_pages
    for response in (client.get(allotments.get_absolute_url()),) * 2:
        words = {w.strip() for w in response["Cache-Control"].split(",")}
        assert {"public", "max-age=0", "s-maxage=600"} <= words
    alice = client_for(make_user("alice"))
    assert "public" not in alice.get(allotments.get_absolute_url()).get("Cache-Control", "")


def test_a_citing_edit_makes_the_cited_post_stale_and_not_other_posts(
    client, db, page_cache, commits, make_post
):
    cited, other = make_post("Town hall tour"), make_post("Budget day")
    with commits():
        page = make_page("Tours", "Nothing cited yet.")
    client.get(cited.get_absolute_url())
    client.get(other.get_absolute_url())
    with commits():
        edit(page, f"See [[post:{cited.slug}]].")
    response = client.get(cited.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Tours" in response.content.decode()
    assert _hit(client, other.get_absolute_url())


def test_a_moved_page_makes_stale_the_posts_it_cites_and_the_pages_it_links_to(
    client, db, page_cache, commits, make_post, django_user_model
):
    from wiki.services import move_page

    post = make_post("Town hall tour")
    with commits():
        target = make_page("Village halls", "Where the parish meets.")
        page = make_page("Tours", f"See [[post:{post.slug}]] and [[Village halls]].")
    urls = (post.get_absolute_url(), target.get_absolute_url() + "links/")
    for url in urls:
        client.get(url)
    with commits():
        mover = django_user_model.objects.create_user("mover")
        move_page(page=page, new_title="Guided tours", author=mover, reason="A clearer name")
    for url in urls:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "Guided tours" in response.content.decode(), url
