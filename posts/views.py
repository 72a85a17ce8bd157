"""Reading side of the archive: thin views over Post and Topic querysets.

Each page runs a fixed number of SQL queries whatever the size of the archive (counts are
annotated, related rows prefetched); tests/posts/test_views.py holds them to it.
"""

from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from core.cache import for_archive
from posts.authors import author_list_context, author_page_context
from posts.maps import queries as maps
from posts.models import Post, Topic, load_links
from posts.pages import group_by_letter, post_list_context, post_place, topic_page_context

HOME_TOPICS = 12
HOME_POSTS = 8

# `?sort=` values of the topic list, with the label of the link that switches to each.
TOPIC_SORTS = {"az": "A–Z", "size": "Most posts"}


def _home_figures() -> dict:
    return {
        "busiest_topics": list(Topic.objects.busiest()[:HOME_TOPICS]),
        "post_total": Post.objects.count(),
        "topic_total": Topic.objects.count(),
    }


def home(request):
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
    sort = request.GET.get("sort", "az")
    if sort not in TOPIC_SORTS:
        sort = "az"  # an unknown sort is not worth an error page: show the default
    topics = Topic.objects.worth_listing().with_post_counts()
    if sort == "size":
        context = for_archive(
            "topics-by-size",
            lambda: {"topics": list(topics.largest_first()), "letter_groups": None},
        )
    else:
        context = for_archive(
            "topics-a-z",
            lambda: {"topics": None, "letter_groups": group_by_letter(topics.a_to_z())},
        )
    return render(request, "posts/topic_list.html", {**context, "sort": sort, "sorts": TOPIC_SORTS})


def topic_map(request):
    return render(request, "posts/topic_map.html", {"map": maps.topic_map()})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    return render(
        request, "posts/topic_detail.html", topic_page_context(topic, request.GET.get("page"))
    )


def post_list(request):
    return render(request, "posts/post_list.html", post_list_context(request.GET))


def post_detail(request, slug):
    post = get_object_or_404(Post.objects.for_page().prefetch_related("archives"), slug=slug)
    comments = list(post.comments.all()) if post.permalink or post.guid else []
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
    return render(request, "posts/author_list.html", author_list_context(request.GET))


def author_detail(request, name):
    return render(request, "posts/author_detail.html", author_page_context(name, request.GET))
