"""Reading side of the archive: thin views over Post and Topic querysets.

Each page runs a fixed number of SQL queries whatever the size of the archive (counts are
annotated, related rows prefetched); tests/posts/test_views.py holds them to it.
"""

from django.core.paginator import Page
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from core.cache import (
    ARCHIVE,
    depends_on,
    for_archive,
    for_generation,
    named_key,
    post_key_name,
    topic_key_name,
)
from core.pagination import paginate
from posts.authors import author_list_context, author_page_context
from posts.maps import queries as maps
from posts.models import Comment, Post, Topic, load_links
from posts.pages import group_by_letter, post_list_context, post_place, topic_page_context

HOME_TOPICS = 12
HOME_POSTS = 8
COMMENTS_PER_PAGE = 100

# `?sort=` values of the topic list, with the label of the link that switches to each.
TOPIC_SORTS = {"az": "A–Z", "size": "Most posts"}


def _home_figures() -> dict:
    return {
        "busiest_topics": list(Topic.objects.busiest()[:HOME_TOPICS]),
        "post_total": Post.objects.count(),
        "topic_total": Topic.objects.count(),
    }


def home(request):
    depends_on(ARCHIVE)
    # Counting the archive costs the same for every reader: kept until the archive changes.
    return render(
        request,
        "posts/home.html",
        {
            **for_archive("home", _home_figures),
            "recent_posts": Post.objects.for_listing().newest_first()[:HOME_POSTS],
        },
    )


def topic_list(request):
    depends_on(ARCHIVE)
    sort = request.GET.get("sort", "az")
    if sort not in TOPIC_SORTS:
        sort = "az"  # an unknown sort is not worth an error page: show the default

    # The queryset is built only when the figures are computed: building it (two annotations
    # and a filter) would cost a logged-in request real CPU when the figures are kept.
    def topics():
        return Topic.objects.worth_listing().with_post_counts()

    if sort == "size":
        context = for_archive(
            "topics-by-size",
            lambda: {"topics": list(topics().largest_first()), "letter_groups": None},
        )
    else:
        context = for_archive(
            "topics-a-z",
            lambda: {"topics": None, "letter_groups": group_by_letter(topics().a_to_z())},
        )
    return render(request, "posts/topic_list.html", {**context, "sort": sort, "sorts": TOPIC_SORTS})


def topic_map(request):
    depends_on(ARCHIVE)
    return render(request, "posts/topic_map.html", {"map": maps.topic_map()})


# A topic or post page starts by looking its row up by slug. Compiling that ORM query was the
# largest single cost of a logged-in topic or post page (cProfile at 20,000 posts); kept until
# the next write (an import, or an admin's change: both set a new generation), it is one cache
# round trip. A missing slug is kept as None and answers 404 all the same.


def _topic(slug: str) -> Topic:
    topic = for_generation(
        named_key("topic", slug), lambda: Topic.objects.filter(slug=slug).first()
    )
    if topic is None:
        raise Http404("No such topic")
    depends_on(topic_key_name(topic.pk))
    return topic


def _post_and_comments(slug: str, page_number: str | None) -> tuple[Post, Page]:
    """The post (kept until the next write) and one page of its comments."""

    def load():
        # The comments' numbers run 1…n (the importer numbers them): the last is their count,
        # read from the unique (post, number) index in the post's own query.
        last = Comment.objects.filter(post=OuterRef("pk")).order_by("-number").values("number")
        post = (
            Post.objects.for_page()
            .prefetch_related("archives")
            .annotate(comment_total=Subquery(last[:1]))
            .filter(slug=slug)
            .first()
        )
        if post is None:
            return None
        return post, (post.comment_total or 0) if post.permalink or post.guid else 0

    found = for_generation(named_key("post", slug), load)
    if found is None:
        raise Http404("No such post")
    post, total = found
    depends_on(post_key_name(post.pk))
    page = paginate(range(total), page_number, COMMENTS_PER_PAGE)
    # A range of numbers, not an OFFSET: the last page of 200,000 costs what the first does.
    page.object_list = (
        list(post.comments.filter(number__range=(page.start_index(), page.end_index())))
        if total
        else []
    )
    return post, page


def topic_detail(request, slug):
    topic = _topic(slug)
    return render(
        request, "posts/topic_detail.html", topic_page_context(topic, request.GET.get("page"))
    )


def post_list(request):
    depends_on(ARCHIVE)
    return render(request, "posts/post_list.html", post_list_context(request.GET))


def post_detail(request, slug):
    post, comments = _post_and_comments(slug, request.GET.get("page"))
    # The links under the post are the same for every reader and kept until the next write
    # (cached fragments): their four queries run only when a fragment is drawn.
    linked = SimpleLazyObject(lambda: load_links(post))
    # Its breadcrumb topic and neighbours by date, likewise: three queries when drawn.
    place = SimpleLazyObject(lambda: post_place(post))
    return render(
        request,
        "posts/post_detail.html",
        {"post": post, "linked": linked, "place": place, "comments": comments},
    )


def author_list(request):
    depends_on(ARCHIVE)
    return render(request, "posts/author_list.html", author_list_context(request.GET))


def author_detail(request, name):
    depends_on(ARCHIVE)
    return render(request, "posts/author_detail.html", author_page_context(name, request.GET))
