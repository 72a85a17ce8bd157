"""A post with very many comments pages them: a fixed number of queries and at most
COMMENTS_PER_PAGE comments a page, whatever their number."""

import pytest

from posts.models import Comment
from posts.views import COMMENTS_PER_PAGE

pytestmark = pytest.mark.django_db


def with_comments(make_post, count: int):
    post = make_post("A much discussed post", permalink="http://blog.example/p/1/")
    Comment.objects.bulk_create(
        Comment(post=post, number=n, author=f"Reader {n}", body_html=f"<p>Comment {n}</p>")
        for n in range(1, count + 1)
    )
    return post


@pytest.mark.parametrize("count", [COMMENTS_PER_PAGE + 50, 20 * COMMENTS_PER_PAGE + 7])
def test_a_post_pages_its_comments_in_fixed_queries(
    client, make_post, django_assert_max_num_queries, count
):
    post = with_comments(make_post, count)
    with django_assert_max_num_queries(10):
        first = client.get(f"/posts/{post.slug}/").content.decode()
    assert first.count('class="comment"') + first.count('class="comment comment--reply"') == (
        COMMENTS_PER_PAGE
    )
    assert f'<span class="count">{count}</span>' in first
    assert "Comment 1<" in first and f"Comment {COMMENTS_PER_PAGE + 1}<" not in first
    assert 'aria-label="Pages of comments"' in first
    with django_assert_max_num_queries(10):
        last = client.get(f"/posts/{post.slug}/", {"page": 10**6}).content.decode()
    assert f"Comment {count}<" in last
    assert f'start="{(count - 1) // COMMENTS_PER_PAGE * COMMENTS_PER_PAGE + 1}"' in last


def test_a_page_number_that_is_no_number_shows_the_first_comments(client, make_post):
    post = with_comments(make_post, 3)
    html = client.get(f"/posts/{post.slug}/", {"page": "abc"}).content.decode()
    assert "Comment 1<" in html and "Comment 3<" in html
