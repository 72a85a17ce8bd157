"""The wiki's pieces of archive pages: a topic shows its entry, a post shows who cites it."""

import pytest

from tests.wiki.conftest import edit, make_page


@pytest.mark.django_db
def test_topic_without_entry_invites_a_volunteer_to_write_one(client, make_topic):
    topic = make_topic("Localism", description="Powers moving to local people.")
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Nobody has written an entry for Localism yet" in html
    assert f'href="/wiki/{topic.slug}/edit/"' in html


@pytest.mark.django_db
def test_topic_page_shows_its_entry_above_its_posts(client, make_topic, make_post, volunteer):
    topic = make_topic("Localism")
    make_post("The Localism Bill arrives", topics=[topic])
    page = make_page(title="Localism", text="The **Localism Act** of 2011.", author=volunteer)
    edit(page, "The **Localism Act** 2011 moved powers to councils.", author=volunteer)
    html = client.get(topic.get_absolute_url()).content.decode()
    entry_at = html.index("<strong>Localism Act</strong> 2011 moved powers")
    assert entry_at < html.index("The Localism Bill arrives")
    assert "of 2011." not in html  # only the current revision is shown
    assert f'href="/wiki/{topic.slug}/history/"' in html


@pytest.mark.django_db
def test_post_page_lists_the_wiki_pages_citing_it(client, make_post, volunteer):
    post = make_post("Big day for Big Society Network")
    make_page(
        title="Town hall tour", text=f"Cancelled, see [[post:{post.slug}]].", author=volunteer
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Cited in" in html
    assert 'href="/wiki/town-hall-tour/"' in html


@pytest.mark.django_db
def test_post_page_without_citations_has_no_cited_in_section(client, make_post):
    post = make_post("Round-up of my recent posts")
    assert "Cited in" not in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_archive_pages_render_without_the_wiki_filling_their_slots(
    client, make_topic, make_post, monkeypatch
):
    # The posts/wiki seam (core.slots): with no filler the slots are empty, the pages still work.
    from core import slots

    monkeypatch.setattr(slots, "_fillers", {})
    topic = make_topic("Localism")
    post = make_post("A post", topics=[topic])
    topic_page = client.get(topic.get_absolute_url())
    post_page = client.get(post.get_absolute_url())
    assert topic_page.status_code == 200 and post_page.status_code == 200
    assert "wiki-entry" not in topic_page.content.decode()
    assert "Write the entry" not in topic_page.content.decode()
