"""Reading through /api/v1/: posts, topics, wiki pages, revisions, diffs, talk, recent
changes, the log and search, with cursors, conditional GETs and JSON errors."""

import pytest
from django.urls import reverse

from wiki.services import save_revision

pytestmark = pytest.mark.django_db


def test_posts_list_newest_first_with_topics_and_a_cursor_to_the_next_page(
    client, make_post, make_topic
):
    topic = make_topic("Volunteering")
    for day in range(1, 6):
        make_post(title=f"Post {day}", published=f"2011-03-0{day}", topics=[topic])
    first = client.get("/api/v1/posts/?limit=2").json()
    assert [p["title"] for p in first["results"]] == ["Post 5", "Post 4"]
    assert first["results"][0]["topics"][0]["slug"] == "volunteering"
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert [p["title"] for p in second["results"] + third["results"]] == [
        "Post 3",
        "Post 2",
        "Post 1",
    ]
    assert third["next"] is None


def test_posts_filter_by_topic_author_year_and_month(client, make_post, make_topic):
    topic = make_topic("Localism")
    make_post(title="In topic", published="2012-05-01", topics=[topic], author="Ann")
    make_post(title="Elsewhere", published="2013-06-01", author="Bob")
    assert [p["title"] for p in client.get("/api/v1/posts/?topic=localism").json()["results"]] == [
        "In topic"
    ]
    assert [p["title"] for p in client.get("/api/v1/posts/?author=Bob").json()["results"]] == [
        "Elsewhere"
    ]
    assert [
        p["title"] for p in client.get("/api/v1/posts/?year=2013&month=6").json()["results"]
    ] == ["Elsewhere"]
    assert client.get("/api/v1/posts/?year=2013&month=5").json()["results"] == []


def test_bad_input_is_a_json_error_with_the_right_status(client):
    for url, status in (
        ("/api/v1/posts/?cursor=not-a-cursor", 400),
        ("/api/v1/posts/?limit=5000", 400),
        ("/api/v1/posts/?month=5", 400),
        ("/api/v1/posts/?year=soon", 400),
        ("/api/v1/posts/?topic=nothing-here", 404),
        ("/api/v1/posts/no-such-post/", 404),
        ("/api/v1/search/?q=", 400),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        body = response.json()
        assert set(body) >= {"error", "detail"} and body["detail"], url


def test_one_post_has_its_topics_comments_and_mentions(client, make_post, make_topic):
    topic = make_topic("Localism")
    other = make_post(title="Other")
    post = make_post(title="Main", topics=[topic], mentions=[other])
    post.comments.create(number=1, author="Sam", body_html="<p>Hi</p>")
    post.comments.create(number=2, reply_to=1, author="Jo", body_html="<p>Hello</p>")
    body = client.get(f"/api/v1/posts/{post.slug}/").json()
    assert body["title"] == "Main" and body["topics"][0]["name"] == "Localism"
    assert [(c["author"], c["reply_to"]) for c in body["comments"]] == [("Sam", None), ("Jo", 1)]
    assert body["mentions"][0]["slug"] == other.slug
    assert client.get(f"/api/v1/posts/{other.slug}/").json()["mentioned_by"][0]["title"] == "Main"


def test_one_topic_has_its_entry_related_topics_and_posts(client, make_post, make_topic, make_page):
    topic, other = make_topic("Localism"), make_topic("Councils")
    make_post(title="Both", topics=[topic, other], published="2011-01-01")
    make_page(title="Localism", text="The **entry**.")
    body = client.get("/api/v1/topics/localism/").json()
    assert body["name"] == "Localism" and "<strong>entry</strong>" in body["entry"]["html"]
    assert body["related"][0]["slug"] == "councils" and body["posts_total"] == 1
    assert body["posts"]["results"][0]["title"] == "Both"
    listed = client.get("/api/v1/topics/").json()["results"]
    assert [t["slug"] for t in listed] == ["councils", "localism"]


def test_wiki_page_revisions_one_revision_and_a_diff(client, make_page, volunteer):
    page = make_page(text="one\n")
    save_revision(page=page, text="one\ntwo\n", author=volunteer, summary="more", base_revision=1)
    body = client.get("/api/v1/wiki/volunteering/").json()
    assert body["revision"] == 2 and body["text"] == "one\ntwo\n" and "<p>one" in body["html"]
    history = client.get("/api/v1/wiki/volunteering/revisions/").json()["results"]
    assert [(r["number"], r["parent"], r["author"]) for r in history] == [
        (2, 1, "vol"),
        (1, None, None),
    ]
    assert client.get("/api/v1/wiki/volunteering/revisions/1/").json()["text"] == "one\n"
    diff = client.get("/api/v1/wiki/volunteering/diff/?from=1&to=2").json()["diff"]
    assert "+two" in diff
    assert client.get("/api/v1/wiki/volunteering/diff/?from=1&to=9").status_code == 400
    assert client.get("/api/v1/wiki/volunteering/revisions/9/").status_code == 404


def test_a_moved_page_answers_301_to_its_new_address(client, make_page):
    from wiki.models import PageRedirect

    page = make_page()
    PageRedirect.objects.create(old_slug="old-name", page=page)
    response = client.get("/api/v1/wiki/old-name/")
    assert response.status_code == 301 and response["Location"] == "/api/v1/wiki/volunteering/"


def test_recent_changes_and_the_log_page_by_cursor(client, make_page, volunteer):
    for n in range(3):
        make_page(title=f"Page {n}", author=volunteer)
    first = client.get("/api/v1/recent/?limit=2").json()
    rest = client.get(first["next"]).json()
    assert [c["title"] for c in first["results"] + rest["results"]] == [
        "Page 2",
        "Page 1",
        "Page 0",
    ]
    assert client.get("/api/v1/log/").json() == {"results": [], "next": None}


def test_search_ranks_as_the_site_does(client, make_post):
    make_post(title="Community kitchens", body="Kitchens run by volunteers.")
    body = client.get("/api/v1/search/?q=kitchens").json()
    assert body["total"] >= 1 and body["results"][0]["title"] == "Community kitchens"


def test_reads_answer_304_to_a_client_holding_the_same_answer(client, make_post):
    make_post(title="Cached")
    first = client.get("/api/v1/posts/")
    assert first["ETag"] and first["Last-Modified"]
    again = client.get("/api/v1/posts/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_anonymous_reads_are_kept_in_the_page_cache(client, make_post, page_cache):
    make_post(title="Kept")
    assert client.get("/api/v1/posts/")["X-Page-Cache"] == "miss"
    assert client.get("/api/v1/posts/")["X-Page-Cache"] == "hit"


def test_schema_is_openapi_3_and_docs_run_no_inline_script(client):
    schema = client.get("/api/v1/schema/").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/posts/", "/api/v1/wiki/{slug}/", "/api/v1/search/"} <= set(schema["paths"])
    assert "put" in schema["paths"]["/api/v1/wiki/{slug}/"]
    docs = client.get(reverse("api:docs"))
    html = docs.content.decode()
    assert docs.status_code == 200 and "PUT /api/v1/wiki/{slug}/" in html
    assert "<script" not in html.split("</header>", 1)[-1] and " style=" not in html
    assert "script-src 'self'" in docs["Content-Security-Policy"]


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/nothing/here/")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200
