"""The watchlist: what changed on the pages and topics a volunteer watches.

For each watched target it reports the latest edit, the latest talk comment and, for a topic,
the archive posts imported into it since the watch began, each a row marked "new" when it came
after the volunteer's previous visit (and was not their own doing). New posts are read straight
from the archive (`Post.created_at`), so the importer needs no hook into community.

A fixed number of queries whatever the watchlist's size: watches (2), topic entries (1), latest
comments (1), new posts (1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.urls import reverse

from community.models import TalkComment, Watch
from posts.models import TaggedPost, Topic
from wiki.models import Page

MAX_WATCHES = 500


@dataclass
class Row:
    title: str
    url: str
    when: datetime
    kind: str  # "edit", "talk" or "posts"
    who: str = ""
    summary: str = ""
    diff_url: str = ""
    link_url: str = ""
    count: int = 0
    is_new: bool = False


def _pages(user) -> list[Page]:
    watches = (
        Watch.objects.filter(user=user, page__isnull=False, page__is_deleted=False)
        .select_related("page", "page__current_revision", "page__current_revision__author")
        .defer(
            "page__html",
            "page__toc_html",
            "page__search_vector",
            "page__current_revision__text",
            "page__current_revision__html",
            "page__current_revision__toc_html",
        )
        .order_by("-id")[:MAX_WATCHES]
    )
    return [watch.page for watch in watches]


def _topics(user) -> list[Topic]:
    watches = Watch.objects.filter(user=user, topic__isnull=False).select_related("topic")
    return [watch.topic for watch in watches.order_by("-id")[:MAX_WATCHES]]


def _edit_row(title: str, url: str, page: Page) -> Row | None:
    revision = page.current_revision
    if revision is None:
        return None
    return Row(
        title=title,
        url=url,
        when=revision.created_at,
        kind="edit",
        who=revision.author.username if revision.author else "system",
        summary=revision.summary,
        diff_url=reverse("wiki:diff", args=[page.slug]) + f"?to={revision.number}",
    )


def watchlist_rows(user, *, seen_at: datetime | None = None) -> list[Row]:
    """The rows of `user`'s watchlist, newest first; `is_new` against `seen_at`."""
    pages = _pages(user)
    topics = _topics(user)
    topic_ids = [topic.pk for topic in topics]
    entries = {
        page.topic_id: page
        for page in Page.objects.live()
        .filter(topic_id__in=topic_ids)
        .select_related("current_revision", "current_revision__author")
        .only(
            "slug",
            "topic_id",
            "current_revision__number",
            "current_revision__created_at",
            "current_revision__summary",
            "current_revision__author__username",
        )
    }
    rows: list[Row] = []
    for page in pages:
        rows.append(_edit_row(page.title, page.get_absolute_url(), page))
    for topic in topics:
        if topic.pk in entries:
            rows.append(_edit_row(topic.name, topic.get_absolute_url(), entries[topic.pk]))

    titles = {("page", p.pk): (p.title, p.slug) for p in pages}
    titles.update({("topic", t.pk): (t.name, t.slug) for t in topics})
    latest_comments = (
        TalkComment.objects.filter(
            Q(thread__page_id__in=[p.pk for p in pages]) | Q(thread__topic_id__in=topic_ids),
            hidden_by__isnull=True,
        )
        .select_related("author", "thread")
        .only("created_at", "author__username", "thread__page_id", "thread__topic_id")
        .order_by("thread__page_id", "thread__topic_id", "-created_at")
        .distinct("thread__page_id", "thread__topic_id")
    )
    for comment in latest_comments:
        thread = comment.thread
        key = ("page", thread.page_id) if thread.page_id else ("topic", thread.topic_id)
        title, slug = titles[key]
        talk = reverse("community:talk", args=[slug])
        rows.append(
            Row(
                title=title,
                url=talk,
                when=comment.created_at,
                kind="talk",
                who=comment.author.username,
                link_url=f"{talk}#c{comment.pk}",
            )
        )

    since_watch = Watch.objects.filter(user=user, topic_id=OuterRef("tag_id")).values("created_at")
    new_posts = (
        TaggedPost.objects.filter(tag_id__in=topic_ids)
        .filter(content_object__created_at__gt=Subquery(since_watch[:1]))
        .order_by()
        .values("tag_id")
        .annotate(posts=Count("*"), latest=Max("content_object__created_at"))
    )
    topic_by_id = {topic.pk: topic for topic in topics}
    for found in new_posts:
        topic = topic_by_id[found["tag_id"]]
        rows.append(
            Row(
                title=topic.name,
                url=topic.get_absolute_url(),
                when=found["latest"],
                kind="posts",
                count=found["posts"],
                who="the archive importer",
            )
        )

    rows = [row for row in rows if row is not None]
    for row in rows:
        row.is_new = (seen_at is None or row.when > seen_at) and row.who != user.username
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows
