"""The author index and an author's page: bylines as the archive gave them, nothing more."""

import datetime

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_author_index_lists_bylines_a_to_z_with_their_post_counts(client, make_post):
    for title, author in [("One", "zoë"), ("Two", "Ann"), ("Three", "Ann"), ("Four", "")]:
        make_post(title, author=author)
    html = client.get(reverse("posts:author_list")).content.decode()
    assert html.index(">Ann<") < html.index(">zoë<")
    assert "2 posts" in html and "1 post<" in html
    assert "2 authors wrote" in html


def test_an_authors_page_lists_only_their_posts_newest_first(client, make_post):
    make_post("Older", author="Jo Bloggs", published=datetime.date(2010, 5, 1))
    make_post("Newer", author="Jo Bloggs", published=datetime.date(2011, 1, 2))
    make_post("Someone else's", author="Sam")
    response = client.get(reverse("posts:author_detail", args=["Jo Bloggs"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(">Newer<") < html.index(">Older<")
    assert "Someone else" not in html and "2 posts in the archive" in html


def test_an_unknown_or_empty_author_is_not_found(client, make_post):
    make_post("Anonymous", author="")
    assert client.get("/authors/Nobody/").status_code == 404
    assert client.get("/authors/%20/").status_code == 404


def test_unusual_bylines_round_trip_through_the_url_and_are_escaped_and_isolated(client, make_post):
    names = ["AC/DC fan", "مدونة", "<script>alert(1)</script>"]
    for number, name in enumerate(names):
        make_post(f"Post {number}", author=name)
    for name in names:
        url = reverse("posts:author_detail", args=[name])
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert 'Posts by <bdi dir="auto">' in html
    index = client.get(reverse("posts:author_list")).content.decode()
    assert "<script>alert" not in index and "&lt;script&gt;" in index


def test_the_byline_on_a_post_links_to_the_authors_page(client, make_post):
    post = make_post("A post", author="Jo Bloggs")
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'href="{reverse("posts:author_detail", args=["Jo Bloggs"])}" rel="author"' in html


@pytest.mark.parametrize("count", [3, 45])
def test_an_authors_page_runs_a_fixed_number_of_queries(
    client, make_post, django_assert_max_num_queries, count
):
    for number in range(count):
        make_post(f"Post {number}", author="Prolific")
    # The bylines (kept until the archive changes), the page of ids, the posts, their topics.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("posts:author_detail", args=["Prolific"]), {"page": 2})
    assert response.content.decode().count('class="post-card"') == (3 if count == 3 else 20)
