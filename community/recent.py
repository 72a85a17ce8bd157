"""Talk comments among the wiki's recent changes: one page of edits and comments, newest first.

The two tables are merged in the database (`UNION ALL` of (kind, id, time)), so paging stays
right however the two interleave; the page's rows are then read with one query per kind. Four
queries in all, whatever the page number.
"""

from __future__ import annotations

from django.db.models import CharField, Value

from community.models import TalkComment
from core.pagination import paginate

# The first is the default.
SHOW_CHOICES = {"all": "Edits and talk", "edits": "Edits only", "talk": "Talk only"}


def recent_page(changes, *, show: str, user_filter: str, page_number, per_page: int):
    """wiki.seams' `recent_page`: `show` is "all" or "talk" ("edits" never reaches here)."""
    if show == "talk":
        changes = changes.none()
    return mixed_page(changes, talk_comments(user_filter), page_number, per_page)


def talk_comments(user_filter: str = ""):
    comments = TalkComment.objects.filter(hidden_by__isnull=True)
    if user_filter:
        comments = comments.filter(author__username=user_filter)
    return comments


def mixed_page(revisions, comments, page_number, per_page: int):
    """A page (core.pagination) over `revisions` (wiki's change list) and `comments`, newest first;
    each talk comment carries `is_talk = True` for the template."""
    keys = (
        revisions.order_by()
        .annotate(kind=Value("edit", output_field=CharField()))
        .values_list("kind", "pk", "created_at")
        .union(
            comments.order_by()
            .annotate(kind=Value("talk", output_field=CharField()))
            .values_list("kind", "pk", "created_at"),
            all=True,
        )
        .order_by("-created_at", "-pk")
    )
    page = paginate(keys, page_number, per_page)
    wanted = list(page.object_list)
    edits = revisions.in_bulk([pk for kind, pk, _ in wanted if kind == "edit"])
    talk = TalkComment.objects.for_listing().in_bulk(
        [pk for kind, pk, _ in wanted if kind == "talk"]
    )
    rows = []
    for kind, pk, _ in wanted:
        if kind == "edit":
            rows.append(edits[pk])
        else:
            comment = talk[pk]
            comment.is_talk = True
            rows.append(comment)
    page.object_list = rows
    return page
