"""The volunteer's way in: the home page, the topic index's marks, saved and conflict messages."""

import pytest

from community.models import Watch
from tests.community.conftest import edit_through_the_site, make_page

pytestmark = pytest.mark.django_db


def test_the_home_page_greets_a_volunteer_with_their_panels(
    alice, bob, volunteer, make_topic, make_post
):
    busy = make_topic("Social action")
    make_post("A post", topics=[busy])
    make_post("Another", topics=[busy])
    written = make_topic("Free schools")
    make_post("Third", topics=[written])
    edit_through_the_site(bob, written.slug, "Free schools, explained.")
    Watch.objects.create(user=volunteer, topic=written)
    edit_through_the_site(bob, written.slug, "Free schools, explained again.", base=1)
    page = make_page(title="My page", text="x", author=volunteer)
    html = alice.get("/").content.decode()
    assert "Hello, alice" in html
    waiting = html.split("Topics waiting for a summary")[1].split("</section>")[0]
    assert "Social action" in waiting and "Free schools" not in waiting
    assert f'href="/wiki/{busy.slug}/edit/"' in waiting and "Write" in waiting
    assert "edited by bob" in html
    assert page.title in html.split("Your recent edits")[1]


def test_the_home_page_for_a_reader_has_no_volunteer_panels(client):
    assert "Topics waiting for a summary" not in client.get("/").content.decode()


@pytest.mark.parametrize("size", [2, 12])
def test_the_volunteers_home_page_runs_a_fixed_number_of_queries(
    alice, volunteer, make_topic, make_post, size, django_assert_max_num_queries
):
    for n in range(size):
        topic = make_topic(f"Topic {n}")
        make_post(f"Post {n}", topics=[topic])
        Watch.objects.create(user=volunteer, topic=topic)
        make_page(title=f"Page {n}", text="x", author=volunteer)
    # A cold cache: the busiest topics are ranked once here, then kept until the archive changes.
    with django_assert_max_num_queries(16):
        assert alice.get("/").status_code == 200


def test_the_topic_index_marks_topics_that_need_an_entry(alice, make_topic, make_post):
    waiting = make_topic("Social action")
    written = make_topic("Free schools")
    make_post("A post", topics=[waiting, written])
    edit_through_the_site(alice, written.slug, "Free schools, explained.")
    html = alice.get("/topics/").content.decode()
    social = html.split("Social action")[1].split("</li>")[0]
    free = html.split("Free schools")[1].split("</li>")[0]
    assert "needs an entry" in social and "needs an entry" not in free


def test_a_save_says_saved(alice, topic):
    response = edit_through_the_site(alice, topic.slug, "Words.")
    assert "Saved." in alice.get(response["Location"]).content.decode()


def test_a_conflict_says_what_to_do(alice, bob, topic):
    edit_through_the_site(alice, topic.slug, "First.")
    response = edit_through_the_site(bob, topic.slug, "Mine.", base=0)
    assert response.status_code == 409
    assert "Merge in their change, then save again" in response.content.decode()


def test_the_wiki_never_imports_community():
    # community uses the wiki; the wiki reaches community only through wiki.seams.
    from pathlib import Path

    wiki = Path(__file__).resolve().parents[2] / "wiki"
    importing = [
        path.name
        for path in wiki.rglob("*.py")
        if "from community" in path.read_text() or "import community" in path.read_text()
    ]
    assert importing == []
