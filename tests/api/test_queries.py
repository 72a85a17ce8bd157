"""One post or one wiki page through the API runs a fixed number of SQL queries at any size."""

import pytest

from wiki.services import save_revision

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [1, 30])
def test_one_post_runs_a_fixed_number_of_queries(
    client, make_post, make_topic, size, django_assert_max_num_queries
):
    topics = [make_topic(f"Topic {n}") for n in range(size)]
    others = [make_post(title=f"Other {n}") for n in range(size)]
    post = make_post(title="Main", topics=topics, mentions=others)
    for n in range(size):
        post.comments.create(number=n + 1, author=f"Reader {n}", body_html="<p>Hi</p>")
    # The post, its topics, mentions both ways, archives, comments.
    with django_assert_max_num_queries(6):
        assert client.get(f"/api/v1/posts/{post.slug}/").status_code == 200


@pytest.mark.parametrize("size", [1, 30])
def test_one_wiki_page_runs_a_fixed_number_of_queries(
    client, make_page, volunteer, size, django_assert_max_num_queries
):
    page = make_page(text="r1")
    for n in range(size):
        save_revision(page=page, text=f"r{n + 2}", author=volunteer, base_revision=n + 1)
    with django_assert_max_num_queries(1):
        assert client.get("/api/v1/wiki/volunteering/").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/wiki/volunteering/revisions/").status_code == 200


@pytest.mark.parametrize("size", [1, 30])
def test_a_list_of_posts_runs_a_fixed_number_of_queries(
    client, make_post, make_topic, size, django_assert_max_num_queries
):
    topic = make_topic("Localism")
    for n in range(size):
        make_post(title=f"Post {n}", topics=[topic])
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/posts/").status_code == 200
