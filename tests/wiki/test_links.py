"""Wiki links, backlinks, wanted pages, citations, topic entries and moving pages."""

import markdown
import pytest
from django.template.loader import render_to_string

from posts.models import Post, Topic
from tests.wiki.conftest import edit, make_page, make_user
from wiki.links import LinkResolver
from wiki.models import Citation, PageLink, PageRedirect
from wiki.services import citations_for_post, create_page, entry_for_topic, move_page

pytestmark = pytest.mark.django_db


def make_topic(name="Localism", slug="localism"):
    return Topic.objects.create(name=name, slug=slug)


def make_post(**over):
    fields = {
        "title": "Big Society launch",
        "slug": "big-society-launch",
        "key": "big society launch",
        "body": "b",
        "body_html": "<p>b</p>",
        "checksum": "0",
    }
    return Post.objects.create(**{**fields, **over})


def test_link_to_existing_page_is_ordinary_and_missing_link_opens_create_form():
    make_page(title="Town halls", text="t")
    page = make_page(title="Meetings", text="See [[Town halls]] and [[Village fetes|fetes]].")
    html = page.current_revision.html
    assert 'href="/wiki/town-halls/"' in html
    assert 'href="/wiki/village-fetes/edit/?title=Village+fetes"' in html
    assert "missing" in html.split("village-fetes")[0].rsplit("<a", 1)[1]


def test_link_by_topic_name_goes_to_the_topic_page():
    make_topic()
    page = make_page(title="Meetings", text="About [[localism]].")
    assert 'href="/topics/localism/"' in page.current_revision.html


def test_what_links_here_lists_linking_pages(client):
    target = make_page(title="Town halls", text="t")
    make_page(title="Meetings", text="See [[Town halls]].")
    make_page(title="Events", text="At [[town halls|a hall]].")
    make_page(title="Unrelated", text="Nothing.")
    html = client.get(f"/wiki/{target.slug}/").content.decode()
    section = html.split('id="backlinks-heading"')[1]
    assert "Meetings" in section and "Events" in section
    assert "Unrelated" not in section


def test_backlinks_are_rebuilt_on_save():
    target = make_page(title="Town halls", text="t")
    linking = make_page(title="Meetings", text="See [[Town halls]].")
    assert list(type(target).objects.linking_to(target)) == [linking]
    edit(linking, "No link any more.")
    assert list(type(target).objects.linking_to(target)) == []


def test_wanted_pages_are_missing_pages_most_linked_first(client):
    make_page(title="A", text="[[Village fetes]] [[Parish councils]]")
    make_page(title="B", text="[[Parish councils]]")
    make_page(title="C", text="[[Parish councils]] [[Village fetes]] [[A]]")
    make_page(title="D", text="[[Bake sales]]")
    html = client.get("/wiki/wanted/").content.decode()
    assert html.index("Parish councils") < html.index("Village fetes") < html.index("Bake sales")
    assert "3 links" in html and "2 links" in html and "1 link<" in html
    assert ">A<" not in html  # A exists


def test_a_wanted_page_stops_being_wanted_once_written(client):
    make_page(title="A", text="[[Village fetes]]")
    assert "Village fetes" in client.get("/wiki/wanted/").content.decode()
    make_page(title="Village fetes", text="Now written.")
    assert "Village fetes" not in client.get("/wiki/wanted/").content.decode()


def test_post_citations_are_recorded_and_listed_on_the_post():
    post = make_post()
    page = make_page(title="Launch", text="As [[post:big-society-launch|the launch post]] says.")
    make_page(title="Other", text="[[post:no-such-post]]")
    assert 'href="/posts/big-society-launch/"' in page.current_revision.html
    assert Citation.objects.count() == 1
    assert citations_for_post(post) == [page]
    html = render_to_string("wiki/includes/cited_in.html", {"citations": [page]})
    assert "Cited in" in html and 'href="/wiki/launch/"' in html
    assert render_to_string("wiki/includes/cited_in.html", {"citations": []}).strip() == ""


def test_citations_for_post_is_one_query(django_assert_num_queries):
    post = make_post()
    for n in range(5):
        make_page(title=f"Page {n}", text="[[post:big-society-launch]]")
    with django_assert_num_queries(1):
        assert len(citations_for_post(post)) == 5


def test_editing_a_topic_slug_creates_the_topic_entry(alice):
    topic = make_topic()
    form = alice.get("/wiki/localism/edit/").content.decode()
    assert "Write the entry for Localism" in form
    response = alice.post(
        "/wiki/localism/edit/",
        {"title": "Localism", "text": "Power to places.", "base_revision": "0", "action": "save"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/topics/localism/"
    entry = entry_for_topic(topic)
    assert entry.slug == "localism" and entry.topic == topic
    assert alice.get("/wiki/localism/")["Location"] == "/topics/localism/"
    assert alice.get("/wiki/localism/history/").status_code == 200


def test_entry_for_topic_is_one_query(django_assert_num_queries):
    topic = make_topic()
    create_page(title="Localism", text="Entry text", author=None)
    topic = Topic.objects.get(pk=topic.pk)
    with django_assert_num_queries(1):
        entry = entry_for_topic(topic)
        # What the entry include shows: the page's HTML and who last edited it, when.
        assert entry.html == "<p>Entry text</p>"
        assert entry.current_revision.number == 1 and entry.current_revision.author is None


def test_entry_include_shows_entry_or_invites_one(volunteer):
    topic = make_topic()
    invitation = render_to_string("wiki/includes/entry.html", {"topic": topic, "entry": None})
    assert "Write the entry" in invitation and 'href="/wiki/localism/edit/"' in invitation
    create_page(title="Localism", text="Entry text", author=volunteer)
    html = render_to_string(
        "wiki/includes/entry.html", {"topic": topic, "entry": entry_for_topic(topic)}
    )
    assert "<p>Entry text</p>" in html
    assert 'href="/wiki/localism/edit/"' in html and 'href="/wiki/localism/history/"' in html
    assert "alice" in html


def test_moving_a_page_redirects_the_old_slug_and_keeps_links_working(alice, volunteer, client):
    page = make_page(title="Town halls", text="t")
    linking = make_page(title="Meetings", text="See [[Town halls]].")
    response = alice.post(
        f"/wiki/{page.slug}/move/", {"new_title": "Community halls", "reason": "Clearer title"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.slug == "community-halls"
    assert PageRedirect.objects.get(old_slug="town-halls").page == page
    assert client.get("/wiki/town-halls/")["Location"] == "/wiki/community-halls/"
    assert client.get("/wiki/town-halls/history/")["Location"] == "/wiki/community-halls/history/"
    # The old link still reaches the page, and counts as a backlink.
    assert (
        "Meetings"
        in client.get("/wiki/community-halls/").content.decode().split('id="backlinks-heading"')[1]
    )
    edit(linking, "Still [[Town halls]].")
    linking.refresh_from_db()
    assert 'href="/wiki/community-halls/"' in linking.current_revision.html
    assert "Moved" in page.current_revision.summary


def test_moving_onto_an_existing_page_is_refused_with_a_message(alice):
    page = make_page(title="Town halls", text="t")
    make_page(title="Halls", text="h")
    response = alice.post(f"/wiki/{page.slug}/move/", {"new_title": "Halls", "reason": "Shorter"})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_a_topic_entry_cannot_be_moved():
    make_topic()
    page = create_page(title="Localism", text="e", author=None).page
    with pytest.raises(ValueError, match="cannot be moved"):
        move_page(page=page, new_title="Other", author=None, reason="Tidy")


def test_page_links_are_one_row_per_target():
    page = make_page(title="A", text="[[B]] [[b]] [[B|again]]")
    assert PageLink.objects.filter(from_page=page).count() == 1


def test_seeding_entries_never_overwrites_a_volunteers_text(volunteer):
    from io import StringIO

    from django.core.management import call_command

    written = Topic.objects.create(name="Localism", slug="localism", description="Imported A")
    fresh = Topic.objects.create(name="Giving", slug="giving", description="Imported B")
    Topic.objects.create(name="Empty", slug="empty")
    create_page(title="Localism", text="Volunteer text", author=volunteer)
    out = StringIO()
    call_command("seed_wiki_entries", stdout=out)
    call_command("seed_wiki_entries", stdout=out)
    assert "Created 1 topic entry." in out.getvalue()
    assert "Created 0 topic entries." in out.getvalue()
    assert entry_for_topic(written).current_revision.text == "Volunteer text"
    seeded = entry_for_topic(fresh).current_revision
    assert seeded.text == "Imported B"
    assert seeded.author.username == "importer" and not seeded.author.has_usable_password()


def test_what_links_here_has_its_own_page_for_topic_entries(client):
    make_topic()
    create_page(title="Localism", text="Entry", author=None)
    make_page(title="Meetings", text="About [[Localism]].")
    response = client.get("/wiki/localism/links/")
    assert response.status_code == 200
    assert "Meetings" in response.content.decode()


def test_creating_at_a_topic_slug_always_makes_the_topic_entry(alice):
    topic = make_topic()
    alice.post(
        "/wiki/localism/edit/",
        {"title": "Something else", "text": "Entry", "base_revision": "0", "action": "save"},
    )
    assert entry_for_topic(topic).title == "Localism"


def _link_class(html: str, href_fragment: str) -> str:
    """The class attribute of the <a> whose href contains `href_fragment`."""
    anchor = html.split(href_fragment)[0].rsplit("<a", 1)[1]
    return anchor.split('class="', 1)[1].split('"', 1)[0]


def test_missing_link_becomes_ordinary_for_readers_once_its_page_is_written(client):
    meetings = make_page(title="Meetings", text="See [[Village fetes|fetes]].")
    assert _link_class(client.get("/wiki/meetings/").content.decode(), "village-fetes") == (
        "wikilink missing"
    )
    make_page(title="Village fetes", text="Cake and bunting.")
    html = client.get("/wiki/meetings/").content.decode()
    assert 'href="/wiki/village-fetes/"' in html
    assert _link_class(html, 'href="/wiki/village-fetes/"') == "wikilink"
    # The revision keeps the HTML it was saved with; only the readers' copy was refreshed.
    meetings.refresh_from_db()
    assert "missing" in meetings.current_revision.html
    assert meetings.current_revision.number == 1


def test_deleting_a_page_marks_links_to_it_missing_and_restoring_undoes_it(client, moderator):
    from wiki.services import delete_page, restore_page

    fetes = make_page(title="Village fetes", text="Cake.")
    make_page(title="Meetings", text="See [[Village fetes]].")
    delete_page(page=fetes, actor=moderator, reason="Spam")
    html = client.get("/wiki/meetings/").content.decode()
    assert _link_class(html, "village-fetes") == "wikilink missing"
    restore_page(page=fetes, actor=moderator, reason="Not spam")
    html = client.get("/wiki/meetings/").content.decode()
    assert _link_class(html, 'href="/wiki/village-fetes/"') == "wikilink"


def test_moving_a_page_to_a_wanted_title_fixes_links_to_that_title(client, volunteer):
    make_page(title="Meetings", text="See [[Town hall tour]].")
    draft = make_page(title="Tour draft", text="The tour was called off.")
    move_page(page=draft, new_title="Town hall tour", author=volunteer, reason="Named")
    html = client.get("/wiki/meetings/").content.decode()
    assert _link_class(html, 'href="/wiki/town-hall-tour/"') == "wikilink"


def test_a_save_renders_its_text_in_one_markdown_pass_and_looks_links_up_once(monkeypatch):
    passes, lookups = [], []
    convert, prefetch = markdown.Markdown.convert, LinkResolver.prefetch
    monkeypatch.setattr(
        markdown.Markdown, "convert", lambda md, s: passes.append(1) or convert(md, s)
    )
    monkeypatch.setattr(
        LinkResolver, "prefetch", lambda r, links: lookups.append(len(links)) or prefetch(r, links)
    )
    page = make_page(title="Links", text="[[A]] [[B]] [[post:x]] [[a|again]]")
    assert passes == [1] and lookups == [3]
    edit(page, "[[C]] and [[D]]")
    assert passes == [1, 1] and lookups == [3, 2]


@pytest.mark.parametrize(
    "title",
    [
        "Village hall",
        "Fish & chips “night”",
        "Москва",
        'Caf\u00e9’s "culture"?',
        "A  spaced   title",
    ],
)
def test_creating_a_page_patches_links_to_it_exactly_as_rendering_again_would(title, monkeypatch):
    from wiki import links

    linking = make_page(
        title="Linking", text=f"See [[{title}]], [[{title.upper()}|shouting]] and [[Other]]."
    )
    assert linking.html.count("wikilink missing") == 3
    rendered_again = []
    monkeypatch.setattr(links, "_render_again", lambda page: rendered_again.append(page) or 1)
    create_page(title=title, text="Here at last.", author=None)
    assert rendered_again == []  # patched in place, not rendered again
    linking.refresh_from_db()
    assert linking.html == links.render_text(linking.current_revision.text)[0].html
    assert linking.html.count("wikilink missing") == 1  # [[Other]] is still missing


def _queries_to_create(title: str, text: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        create_page(title=title, text=text, author=None)
    return len(queries)


def test_creating_a_page_costs_the_same_queries_however_many_links_it_has():
    make_topic()
    make_post()
    for n in range(6):
        make_page(title=f"Linked {n}", text=f"Links to [[New {n}]].")
    move_page(
        page=make_page(title="Old name"),
        new_title="New name",
        author=make_user("mover", moderator=True),
        reason="Clearer",
    )
    one = _queries_to_create("New 0", "Only [[Linked 0]].")
    links = " ".join(f"[[Linked {n}]] [[Missing {n}]]" for n in range(6))
    many = _queries_to_create(
        "New 1", f"{links} [[Old name]] [[Localism]] [[post:big-society-launch]] [[post:nope]]"
    )
    # Two more for the post links (their posts, the citations); the page links' targets, the
    # page's own links and the pages linking to it are each one statement, whatever their number.
    assert many == one + 2
    # The title's look-ups (topic, taken, old redirect), the link targets, the page with its
    # revision, the link rows, the pages linking to the title (their HTML and, in the same
    # statement, the keys made stale), the patched pages' HTML and the watchers; the keys of
    # the pages it links to come from the link look-up, not read back. Two more: inside the
    # test's transaction, create_page's own is a savepoint and its release.
    assert one <= 9


def test_a_new_page_and_an_edit_store_the_search_words_of_page_search_vector():
    from django.db import transaction

    from wiki.models import Page, page_search_vector

    page = make_page(title="Search words", text="# Localism\n\nCo-ops *gather*.")
    edit(page, "Councils [[listen]] now.")
    for pk in (page.pk, make_page(title="Another", text="Plain words.").pk):
        stored = Page.objects.get(pk=pk)
        with transaction.atomic():
            Page.objects.filter(pk=pk).update(
                search_vector=page_search_vector(stored.title, stored.html)
            )
            assert Page.objects.get(pk=pk).search_vector == stored.search_vector
            transaction.set_rollback(True)


def test_a_new_page_linking_to_itself_shows_the_link_as_existing():
    revision = create_page(
        title="Self reference", text="See [[Self reference]] and [[self-reference]].", author=None
    )
    assert "missing" not in revision.html
    assert revision.html.count('href="/wiki/self-reference/"') == 2
    assert revision.page.current_revision_id == revision.pk
    assert revision.size == len(revision.text)
