"""The reading side: home, topic list, topic page, post page, error pages, admin, query counts."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.views.defaults import bad_request, permission_denied, server_error

from posts.models import Post, Topic
from posts.pages import first_letter, group_by_letter, topic_page_context
from tests.posts.conftest import build_archive
from tests.wiki.conftest import make_page
from wiki.models import Page

pytestmark = pytest.mark.django_db

HOME = reverse("posts:home")
TOPICS = reverse("posts:topic_list")
POSTS = reverse("posts:post_list")


def h1_count(response) -> int:
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


def position(html: str, text: str) -> int:
    index = html.find(text)
    assert index >= 0, f"{text!r} not on the page"
    return index


# --- home ------------------------------------------------------------------------------------


def test_home_says_what_the_wiki_is_and_invites_volunteers(client):
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "knowledge shed" in html
    assert 'href="/accounts/login/"' in html
    assert "topic summary" in html
    assert h1_count(response) == 1


def test_home_does_not_ask_a_logged_in_volunteer_to_log_in(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("vol", "vol@example.org"))
    html = client.get(HOME).content.decode()
    assert 'id="volunteer-title"' not in html
    assert 'class="button" href="/accounts/login/"' not in html


def test_home_lists_busiest_topics_with_counts_and_leaves_out_empty_ones(
    client, make_post, make_topic
):
    big, small, empty = (
        make_topic("Neighbourhood Challenge"),
        make_topic("NESTA"),
        make_topic("Unused"),
    )
    for _ in range(3):
        make_post(topics=[big])
    make_post(topics=[small, big])
    html = client.get(HOME).content.decode()
    assert position(html, "Neighbourhood Challenge") < position(html, "NESTA")
    busiest = html[html.find("Busiest topics") : html.find("Recent posts")]
    assert re.search(r"Neighbourhood Challenge</a>\s*<span class=\"count\">4<", busiest)
    assert re.search(r"NESTA</a>\s*<span class=\"count\">1<", busiest)
    assert empty.name not in busiest


def test_home_lists_recent_posts_newest_first_with_dates(client, make_post):
    make_post("Older news", published=datetime.date(2010, 6, 1))
    make_post("Newer news", published=datetime.date(2011, 2, 3))
    make_post("Undated news")
    html = client.get(HOME).content.decode()
    assert (
        position(html, "Newer news") < position(html, "Older news") < position(html, "Undated news")
    )
    assert "3 February 2011" in html


def test_home_works_on_an_empty_archive(client):
    response = client.get(HOME)
    assert response.status_code == 200
    assert "No topics yet" in response.content.decode()


# --- topic list ------------------------------------------------------------------------------


def test_topic_list_groups_topics_a_to_z_by_letter_whatever_their_case(
    client, make_topic, make_post
):
    for name in [
        "volunteering",
        "Big Society",
        "big society network",
        "Émile Durkheim",
        "2011 events",
    ]:
        make_post(topics=[make_topic(name)])
    html = client.get(TOPICS).content.decode()
    headings = re.findall(r'<h2 id="letter-[^"]+">([^<]+)</h2>', html)
    assert headings == ["#", "B", "E", "V"]
    assert position(html, ">Big Society<") < position(html, ">big society network<")
    assert position(html, ">big society network<") < position(html, ">volunteering<")


def test_topic_list_shows_post_counts_and_mutes_topics_without_posts(client, make_topic, make_post):
    used, unused = make_topic("Chain Reaction"), make_topic("Innovation Hub")
    make_post(topics=[used])
    make_post(topics=[used])
    # Listed without posts because it has a wiki entry (a topic with neither is not listed).
    Page.objects.filter(pk=make_page("Innovation Hub").pk).update(topic=unused)
    html = client.get(TOPICS).content.decode()
    assert re.search(r"Chain Reaction</a>\s*<span class=\"count\">2 posts</span>", html)
    assert re.search(r'<li class="is-empty">\s*<a href="[^"]+">Innovation Hub</a>', html)
    assert "no posts yet" in html
    assert unused.get_absolute_url() in html


def test_topic_list_sorts_by_size_on_request_and_links_both_ways(client, make_topic, make_post):
    small, large = make_topic("Alpha small"), make_topic("Zulu large")
    make_post(topics=[small, large])
    make_post(topics=[large])
    by_name = client.get(TOPICS).content.decode()
    by_size = client.get(TOPICS, {"sort": "size"}).content.decode()
    assert position(by_name, "Alpha small") < position(by_name, "Zulu large")
    assert position(by_size, "Zulu large") < position(by_size, "Alpha small")
    assert 'href="/topics/?sort=size"' in by_name
    assert 'href="/topics/" aria-current="page">A–Z<' in by_name
    assert 'href="/topics/">A–Z<' in by_size
    assert re.search(r'href="/topics/\?sort=size" aria-current="page"', by_size)


def test_topic_list_treats_an_unknown_sort_as_a_to_z(client, make_topic, make_post):
    make_post(topics=[make_topic("Bravo"), make_topic("alpha")])
    response = client.get(TOPICS, {"sort": "<script>"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in html
    assert position(html, ">alpha<") < position(html, ">Bravo<")


def test_first_letter_folds_accents_and_sends_the_rest_to_hash():
    assert [first_letter(n) for n in ["émile", "Zed", "“Quoted”", "42", " "]] == [
        "E",
        "Z",
        "#",
        "#",
        "#",
    ]


def test_group_by_letter_keeps_the_given_order_within_a_letter():
    topics = [Topic(name=n) for n in ["Bee", "bat", "Apple"]]
    groups = group_by_letter(topics)
    assert [(g.letter, [t.name for t in g.topics]) for g in groups] == [
        ("A", ["Apple"]),
        ("B", ["Bee", "bat"]),
    ]


# --- topic page ------------------------------------------------------------------------------


def test_topic_page_shows_name_description_and_its_posts_only(client, make_topic, make_post):
    topic = make_topic("Innovation Hub", description="Where ideas met funders.", aliases=["iHub"])
    make_post("Steve Moore leads new Innovation Hub", topics=[topic])
    make_post("Unrelated post about gardening")
    response = client.get(topic.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert "<h1>Innovation Hub</h1>" in html
    assert "Where ideas met funders." in html
    assert "iHub" in html
    assert "Steve Moore leads new Innovation Hub" in html
    assert "Unrelated post about gardening" not in html


def test_topic_page_lists_posts_newest_first_with_undated_last(client, make_topic, make_post):
    topic = make_topic("Dates")
    make_post("Middle", topics=[topic], published=datetime.date(2010, 9, 1))
    make_post("Undated", topics=[topic])
    make_post("Newest", topics=[topic], published=datetime.date(2011, 1, 1))
    html = client.get(topic.get_absolute_url()).content.decode()
    assert position(html, ">Newest<") < position(html, ">Middle<") < position(html, ">Undated<")


def test_topic_page_paginates_twenty_posts_a_page(client, make_topic, make_post):
    topic = make_topic("Busy")
    for day in range(45):
        make_post(
            f"Day {day:02d}",
            topics=[topic],
            published=datetime.date(2010, 1, 1) + datetime.timedelta(day),
        )
    first = client.get(topic.get_absolute_url()).content.decode()
    third = client.get(topic.get_absolute_url(), {"page": 3}).content.decode()
    assert first.count('class="post-card"') == 20
    assert ">Day 44<" in first and ">Day 24<" not in first
    assert third.count('class="post-card"') == 5
    assert ">Day 04<" in third and ">Day 00<" in third
    assert "Page 1 of 3" in first
    assert 'rel="next" href="?page=2"' in first
    assert 'rel="prev" href="?page=2"' in third
    assert 'rel="prev"' not in first
    assert 'aria-current="page" href="?page=3"' in third


def test_pagination_links_keep_other_query_parameters(rf):
    template = Template("{% load paging %}{% page_url 1 %}|{% page_url 3 %}")
    request = rf.get("/topics/x/", {"sort": "size", "page": "2"})
    assert template.render(Context({"request": request})) == "?sort=size|?sort=size&amp;page=3"
    bare = rf.get("/topics/x/", {"page": "2"})
    assert template.render(Context({"request": bare})) == "/topics/x/|?page=3"


def test_topic_page_with_one_page_shows_no_pagination(client, make_topic, make_post):
    topic = make_topic("Quiet")
    make_post(topics=[topic])
    assert 'class="pagination"' not in client.get(topic.get_absolute_url()).content.decode()


@pytest.mark.parametrize(("page", "shown"), [("0", 1), ("4", 3), ("abc", 1), ("-1", 1)])
def test_topic_page_number_out_of_range_or_not_a_number_shows_the_nearest_page(
    client, make_topic, make_post, page, shown
):
    # core.pagination: one policy for every list (a page number is a hint, not an address).
    topic = make_topic("Short")
    for _ in range(41):
        make_post(topics=[topic])
    response = client.get(topic.get_absolute_url(), {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == shown


def test_topic_page_shows_related_topics_with_the_number_of_shared_posts(
    client, make_topic, make_post
):
    topic, often, once, never = (
        make_topic(n) for n in ["Nat Wei", "Big Society", "NESTA", "Lonely"]
    )
    make_post(topics=[topic, often, once])
    make_post(topics=[topic, often])
    make_post(topics=[often, never])
    make_post(topics=[never, once])
    related = Topic.objects.related_to(topic)
    assert [(t.name, t.shared) for t in related] == [("Big Society", 2), ("NESTA", 1)]
    html = client.get(topic.get_absolute_url()).content.decode()
    sidebar = html[html.find("Related topics") :]
    # A ranked list, each with the number shared and a bar for its share of the topic's 2 posts.
    row = (
        r"{name}</a>\s*<span class=\"related-topics__shared\">{shared}"
        r"<span class=\"visually-hidden\"> shared posts?</span></span>\s*"
        r"<span class=\"bar\" aria-hidden=\"true\"><span class=\"bar__fill bar__fill--{width}\">"
    )
    assert re.search(row.format(name="Big Society", shared=2, width=20), sidebar)
    assert re.search(row.format(name="NESTA", shared=1, width=10), sidebar)
    assert "Lonely" not in sidebar
    assert position(sidebar, "Big Society") < position(sidebar, "NESTA")


def test_topic_page_context_can_be_reused_by_another_view(make_topic, make_post):
    topic, other = make_topic("Reused"), make_topic("Neighbour")
    post = make_post(topics=[topic, other])
    context = topic_page_context(topic, None)
    assert context["topic"] == topic
    assert list(context["posts"]) == [post]
    assert context["page_obj"].number == 1
    assert context["post_total"] == 1
    assert [t.shared for t in context["related_topics"]] == [1]


def test_unknown_topic_is_not_found_in_the_site_style(client):
    response = client.get("/topics/no-such-topic/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert 'class="site-header"' in html
    assert "css/site.css" in html


# --- post page -------------------------------------------------------------------------------


def test_post_page_shows_title_body_date_topics_and_archive(
    client, make_topic, make_post, make_archive
):
    topic = make_topic("Chain Reaction")
    archive = make_archive(
        "big-society-network.txt", header='Search Results for: "big society network"'
    )
    post = make_post(
        "An amazing day with Chain Reaction",
        body="First paragraph.\n\nSecond paragraph.",
        published=datetime.date(2011, 3, 15),
        topics=[topic],
        archives=[archive],
    )
    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert '<h1><bdi dir="auto">An amazing day with Chain Reaction</bdi></h1>' in html
    assert "<p>First paragraph.</p><p>Second paragraph.</p>" in html
    assert '<time datetime="2011-03-15">15 March 2011</time>' in html
    assert f'href="{topic.get_absolute_url()}"' in html
    assert "big-society-network.txt" not in html  # an internal file name means nothing to readers
    heading = "Search Results for: &quot;big society network&quot;"
    assert f'Kept from <q><bdi dir="auto">{heading}</bdi></q>' in html
    assert "the archive holds only the opening" not in html


def test_post_page_marks_an_excerpt_and_an_unknown_date(client, make_post):
    post = make_post("Teaser only", is_excerpt=True)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "the archive holds only the opening of this post" in html
    assert "The archive does not say when this was published." in html


def test_post_page_links_mentions_in_both_directions(client, make_post):
    target = make_post("Steve Moore leads new Big Society Innovation Place")
    source = make_post("Want to influence? Understand networks.", mentions=[target])
    bystander = make_post("Not linked at all")
    target_html = client.get(target.get_absolute_url()).content.decode()
    source_html = client.get(source.get_absolute_url()).content.decode()
    mentioned_by = target_html[target_html.find("Posts that mention this one") :]
    assert f'href="{source.get_absolute_url()}"' in mentioned_by
    assert "Posts this one mentions" not in target_html
    mentions = source_html[source_html.find("Posts this one mentions") :]
    assert f'href="{target.get_absolute_url()}"' in mentions
    assert "Posts that mention this one" not in source_html
    assert bystander.title not in target_html + source_html


def test_post_page_has_a_breadcrumb_through_its_largest_curated_topic(
    client, make_topic, make_post
):
    big = make_topic("Big Society", source=Topic.Source.PHRASE)
    trusts = make_topic("Community land trusts")
    post = make_post("Land trust buys the pub", topics=[big, trusts])
    make_post("Another", topics=[big])
    html = client.get(post.get_absolute_url()).content.decode()
    crumbs = html[position(html, 'aria-label="Breadcrumb"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert 'href="/"' in crumbs
    assert f'href="{trusts.get_absolute_url()}"' in crumbs
    assert big.get_absolute_url() not in crumbs
    assert 'aria-current="page"><bdi dir="auto">Land trust buys the pub</bdi><' in crumbs


def test_post_page_links_the_posts_before_and_after_it_by_date(client, make_post):
    day = datetime.date(2011, 3, 1)
    older = make_post("The older one", published=day - datetime.timedelta(days=3))
    same_day_before = make_post("Same day, saved first", published=day)
    post = make_post("The middle one", published=day)
    newer = make_post("The newer one", published=day + datetime.timedelta(days=1))
    make_post("Undated one")
    html = client.get(post.get_absolute_url()).content.decode()
    pager = html[position(html, 'class="post-pager"') :]
    assert f'rel="prev" href="{same_day_before.get_absolute_url()}"' in pager
    assert f'rel="next" href="{newer.get_absolute_url()}"' in pager
    html = client.get(older.get_absolute_url()).content.decode()
    assert 'rel="prev"' not in html
    assert f'rel="next" href="{same_day_before.get_absolute_url()}"' in html


def test_an_undated_post_has_no_neighbours_by_date(client, make_post):
    make_post("Dated", published=datetime.date(2011, 1, 1))
    post = make_post("Undated")
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'class="post-pager"' not in html


def test_post_page_names_its_source_as_the_blog_did_and_sets_open_graph_tags(
    client, make_post, make_archive
):
    export = make_archive("export.xml", title="Big Society Network", link="http://bsn.example/")
    post = make_post("Sourced", archives=[make_archive("blog-2011.txt"), export])
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'id="source-title"' in html
    assert "blog-2011.txt" not in html and "export.xml" not in html
    assert 'Kept from <q><bdi dir="auto">Big Society Network</bdi></q>' in html
    assert 'Kept from <q><bdi dir="auto">an imported copy of the blog</bdi></q>' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Sourced">' in html
    description = "A post from the Big Society blog archive: Sourced."
    assert f'<meta name="description" content="{description}">' in html


# --- every post --------------------------------------------------------------------------------


def test_all_posts_lists_every_post_newest_first_with_undated_last(client, make_post):
    make_post("Undated post")
    make_post("Old post", published=datetime.date(2010, 6, 1))
    make_post("New post", published=datetime.date(2011, 2, 1))
    html = client.get(POSTS).content.decode()
    assert position(html, "New post") < position(html, "Old post") < position(html, "Undated post")
    assert "All 3 posts in the archive" in html
    assert "Posts without a date are ones the archive kept without it." in html
    assert h1_count(client.get(POSTS)) == 1


def test_all_posts_browses_by_year_and_month_with_counts(client, make_post):
    make_post("June post", published=datetime.date(2010, 6, 1))
    make_post("Another June post", published=datetime.date(2010, 6, 20))
    make_post("February post", published=datetime.date(2011, 2, 1))
    html = client.get(POSTS).content.decode()
    calendar = html[position(html, 'id="calendar-title"') :]
    assert position(calendar, ">2011<") < position(calendar, ">2010<")
    assert '?year=2010&amp;month=6">June<span class="visually-hidden"> 2010</span></a>' in calendar
    assert re.search(r"June<span[^>]*> 2010</span></a>\s*<span class=\"count\">2<", calendar)

    month = client.get(POSTS, {"year": 2010, "month": 6}).content.decode()
    assert "<h1>Posts from June 2010</h1>" in month
    assert "June post" in month and "February post" not in month
    year = client.get(POSTS, {"year": 2011}).content.decode()
    assert "February post" in year and "June post" not in year


@pytest.mark.parametrize(
    "query", [{"year": "20x1"}, {"month": "2"}, {"year": 2010, "month": 13}, {"year": 1999}]
)
def test_all_posts_refuses_a_date_that_is_not_one_or_has_no_posts(client, make_post, query):
    make_post("June post", published=datetime.date(2010, 6, 1))
    assert client.get(POSTS, query).status_code == 404


def test_all_posts_paginates_twenty_a_page(client, make_post):
    for n in range(21):
        make_post(f"Post {n}", published=datetime.date(2011, 1, 1) + datetime.timedelta(days=n))
    html = client.get(POSTS, {"page": 2}).content.decode()
    assert "Page 2 of 2" in html
    assert html.count('class="post-card"') == 1


def test_all_posts_on_an_empty_archive_says_how_posts_arrive(client):
    html = client.get(POSTS).content.decode()
    assert "The archive is empty." in html
    assert "once an archive is imported" in html


def test_a_card_shows_four_topics_and_counts_the_rest(client, make_topic, make_post):
    topics = [make_topic(f"Theme {n:02d}") for n in range(7)]
    post = make_post("Many topics", topics=topics, published=datetime.date(2011, 1, 1))
    html = client.get(POSTS).content.decode()
    card = html[position(html, 'class="post-card"') :]
    assert card.count('<li><a href="/topics/theme-') == 4
    assert f'href="{post.get_absolute_url()}#topics-title">+3 more' in card
    assert "Theme 04" not in card
    assert "Excerpt" not in card


def test_unknown_post_is_not_found(client):
    response = client.get("/posts/no-such-post/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_titles_and_names_are_escaped_on_every_page(client, make_topic, make_post, make_archive):
    topic = make_topic(
        '<script>alert("t")</script>', slug="script-topic", description="<b>bold</b>"
    )
    archive = make_archive("<i>file</i>.txt")
    post = make_post(
        '<script>alert("p")</script>', slug="script-post", topics=[topic], archives=[archive]
    )
    make_post("Mentioner", mentions=[post])
    pages = [HOME, TOPICS, f"{TOPICS}?sort=size", topic.get_absolute_url(), post.get_absolute_url()]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>" not in html, url
        assert "&lt;script&gt;" in html, url
    topic_html = client.get(topic.get_absolute_url()).content.decode()
    assert "<b>bold</b>" not in topic_html and "&lt;b&gt;bold&lt;/b&gt;" in topic_html
    assert "<i>file</i>" not in client.get(post.get_absolute_url()).content.decode()


# --- error pages -----------------------------------------------------------------------------


def test_server_error_page_renders_without_request_context_or_database(
    rf, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert 'class="site-header"' in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1


def test_bad_request_and_forbidden_pages_use_the_site_style(rf):
    pages = [
        (bad_request(rf.get("/"), Exception()), 400, "couldn’t understand"),
        (permission_denied(rf.get("/"), PermissionDenied()), 403, "can’t do that"),
    ]
    for response, status, words in pages:
        html = response.content.decode()
        assert response.status_code == status
        assert words in html
        assert 'class="site-header"' in html


# --- admin -----------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests")
    client.force_login(user)
    return client


def test_staff_can_search_posts_by_title_and_body(staff_client, make_post):
    make_post("Nat Wei cuts back", body="He cut his volunteer time.")
    make_post("Something else", body="About the Innovation Hub.")
    url = reverse("admin:posts_post_changelist")
    by_title = staff_client.get(url, {"q": "Nat Wei"}).content.decode()
    by_body = staff_client.get(url, {"q": "Innovation Hub"}).content.decode()
    assert "Nat Wei cuts back" in by_title and "Something else" not in by_title
    assert "Something else" in by_body and "Nat Wei cuts back" not in by_body


def test_staff_can_filter_posts_by_topic_and_archive(
    staff_client, make_post, make_topic, make_archive
):
    topic, archive = make_topic("NESTA"), make_archive("nesta.txt")
    make_post("Tagged post", topics=[topic], archives=[archive])
    make_post("Other post")
    url = reverse("admin:posts_post_changelist")
    for query in ({"tags__id__exact": topic.pk}, {"archives__id__exact": archive.pk}):
        html = staff_client.get(url, query).content.decode()
        assert "Tagged post" in html and "Other post" not in html


def test_staff_can_search_topics_by_alias_and_see_post_counts(staff_client, make_topic, make_post):
    nesta = make_topic("NESTA", aliases=["National Endowment for Science"])
    make_topic("Unrelated")
    make_post(topics=[nesta])
    make_post(topics=[nesta])
    html = staff_client.get(
        reverse("admin:posts_topic_changelist"), {"q": "endowment"}
    ).content.decode()
    assert "NESTA" in html and "Unrelated" not in html
    assert re.search(r'<td class="field-post_count">2</td>', html)


def test_staff_post_form_shows_checksum_read_only(staff_client, make_post):
    post = make_post(checksum="a" * 64)
    html = staff_client.get(reverse("admin:posts_post_change", args=[post.pk])).content.decode()
    assert "a" * 64 in html
    assert 'name="checksum"' not in html


def test_staff_archive_list_opens(staff_client, make_archive):
    make_archive("seed.txt")
    response = staff_client.get(reverse("admin:posts_archive_changelist"))
    assert response.status_code == 200
    assert "seed.txt" in response.content.decode()


# --- fixed number of queries -----------------------------------------------------------------

# Queries each page may run (anonymous readers touch no session):
# home — busiest topics, recent posts, their topics, post total, topic total;
# topic list — topics with counts; topic page — topic, post count, one page, its topics, related,
# its wiki entry; post page — post, topics, mentions, mentioned by, wiki pages citing it, archives,
# and its place (breadcrumb topic, the posts before and after it); all posts — posts per month,
# post total, the page of ids, the posts, their topics.
# A topic page's 7: the topic, its wiki entry, the count, the page of posts, their topics,
# related topics, posts per month (related topics are a list now, not a drawing needing more).
# The topic list's second query reads which topics have an entry (the "needs an entry" marks).
PAGE_QUERY_LIMITS = {
    "home": 5,
    "topic_list": 2,
    "topic_detail": 7,
    "post_detail": 9,
    "post_list": 5,
}


def test_home_runs_a_fixed_number_of_queries(client, big_archive, django_assert_max_num_queries):
    with django_assert_max_num_queries(PAGE_QUERY_LIMITS["home"]):
        response = client.get(HOME)
    assert response.content.decode().count('class="post-card"') == 8


@pytest.mark.parametrize("sort", ["az", "size"])
def test_topic_list_runs_two_queries_in_either_order(
    client, big_archive, django_assert_max_num_queries, sort
):
    with django_assert_max_num_queries(PAGE_QUERY_LIMITS["topic_list"]):
        response = client.get(TOPICS, {"sort": sort})
    assert response.content.decode().count("24 posts") == 30


@pytest.mark.parametrize("page", [1, 2])
def test_topic_page_runs_a_fixed_number_of_queries_on_any_page(
    client, big_archive, django_assert_max_num_queries, page
):
    # Every topic holds 24 of the 240 posts: page 2 is the last, deep page.
    topic = big_archive["topics"][0]
    with django_assert_max_num_queries(PAGE_QUERY_LIMITS["topic_detail"]):
        response = client.get(topic.get_absolute_url(), {"page": page})
    assert response.content.decode().count('class="post-card"') == (20 if page == 1 else 4)


def test_deep_page_of_a_large_topic_runs_a_fixed_number_of_queries(
    client, big_archive, make_topic, django_assert_max_num_queries
):
    everything = make_topic("Everything")
    Post.tags.through.objects.bulk_create(
        Post.tags.through(content_object=post, tag=everything) for post in big_archive["posts"]
    )
    with django_assert_max_num_queries(PAGE_QUERY_LIMITS["topic_detail"]):
        response = client.get(everything.get_absolute_url(), {"page": 11})
    html = response.content.decode()
    assert "Page 11 of 12" in html
    assert html.count('class="post-card"') == 20


def test_post_page_runs_a_fixed_number_of_queries(
    client, big_archive, django_assert_max_num_queries
):
    post = big_archive["posts"][10]
    with django_assert_max_num_queries(PAGE_QUERY_LIMITS["post_detail"]):
        response = client.get(post.get_absolute_url())
    html = response.content.decode()
    # Two mentions each way, and the posts before and after it by date.
    assert html.count('href="/posts/archive-post-') == 6


@pytest.mark.parametrize("query", [{}, {"page": 2}, {"year": 2010}, {"year": 2010, "month": 6}])
def test_all_posts_runs_a_fixed_number_of_queries(
    client, big_archive, django_assert_max_num_queries, query
):
    with django_assert_max_num_queries(PAGE_QUERY_LIMITS["post_list"]):
        response = client.get(POSTS, query)
    assert response.status_code == 200
    assert 'class="post-card"' in response.content.decode()


def _queries_per_page(client) -> dict[str, int]:
    topic = Topic.objects.order_by("id").first()
    post = Post.objects.order_by("id").first()
    last_page = Paginator(range(Post.objects.count()), 20).num_pages
    urls = {
        "home": HOME,
        "topics a-z": TOPICS,
        "topics by size": f"{TOPICS}?sort=size",
        "topic": topic.get_absolute_url(),
        "post": post.get_absolute_url(),
        "all posts": POSTS,
        "all posts, last page": f"{POSTS}?page={last_page}",
    }
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    return counts


def test_pages_run_the_same_queries_for_twenty_posts_as_for_two_hundred(client):
    build_archive(20, topic_count=5)
    small = _queries_per_page(client)
    build_archive(200, topic_count=30)
    Post.tags.through.objects.bulk_create(
        Post.tags.through(content_object=post, tag=Topic.objects.order_by("id").first())
        for post in Post.objects.order_by("id")[20:]
    )
    large = _queries_per_page(client)
    assert small == large


def test_all_posts_without_any_date_says_why_there_is_no_calendar(client, make_post):
    make_post("Undated one")
    make_post("Undated two")
    html = client.get("/posts/").content.decode()
    assert "None of the archive’s 2 posts has a date" in html
    assert 'href="/topics/">Browse them by topic</a>' in html


def test_authors_without_any_byline_says_why_and_where_to_go_instead(client, make_post):
    make_post("Anonymous post")
    html = client.get("/authors/").content.decode()
    assert "did not say who wrote each post" in html
    assert 'href="/topics/">by topic</a>' in html and 'href="/posts/">by date</a>' in html
