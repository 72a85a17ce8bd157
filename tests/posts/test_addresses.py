"""Post and topic addresses come from posts, for the rows and for a slug alone."""

from django.urls import set_script_prefix

from posts.addresses import post_url, topic_url
from posts.models import Post, Topic


def test_a_topic_and_a_post_are_addressed_by_their_slug():
    assert topic_url("localism") == "/topics/localism/"
    assert post_url("a-fete") == "/posts/a-fete/"
    assert Topic(slug="localism").get_absolute_url() == topic_url("localism")
    assert Post(slug="a-fete").get_absolute_url() == post_url("a-fete")


def test_a_slug_with_letters_beyond_ascii_is_quoted():
    assert topic_url("café") == "/topics/caf%C3%A9/"
    assert post_url("café") == "/posts/caf%C3%A9/"


def test_addresses_follow_a_site_mounted_under_a_path():
    topic_url("localism")  # remembered for the root
    try:
        set_script_prefix("/wiki-root/")
        assert topic_url("localism") == "/wiki-root/topics/localism/"
        assert post_url("a-fete") == "/wiki-root/posts/a-fete/"
    finally:
        set_script_prefix("/")
