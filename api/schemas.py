"""What the API's answers and requests look like: the OpenAPI schema is made from these."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema


class Error(Schema):
    error: str
    detail: str


class TopicRef(Schema):
    slug: str
    name: str
    url: str


class PostRef(Schema):
    slug: str
    title: str
    url: str


class PostSummary(Schema):
    slug: str
    title: str
    url: str
    published: date | None
    author: str
    opening: str
    topics: list[TopicRef]


class Comment(Schema):
    number: int
    reply_to: int | None
    author: str
    published: datetime | None
    body_html: str


class Post(Schema):
    slug: str
    title: str
    url: str
    published: date | None
    author: str
    permalink: str
    protected: bool
    body_html: str
    topics: list[TopicRef]
    comments: list[Comment]
    mentions: list[PostRef]
    mentioned_by: list[PostRef]


class PostPage(Schema):
    results: list[PostSummary]
    next: str | None


class TopicSummary(Schema):
    slug: str
    name: str
    url: str
    description: str
    posts: int


class TopicPage(Schema):
    results: list[TopicSummary]
    next: str | None


class RelatedTopic(Schema):
    slug: str
    name: str
    url: str
    shared: int


class Entry(Schema):
    revision: int | None
    html: str


class Topic(Schema):
    slug: str
    name: str
    url: str
    description: str
    aliases: list[str]
    posts_total: int
    entry: Entry | None
    related: list[RelatedTopic]
    posts: PostPage


class WikiPage(Schema):
    slug: str
    title: str
    url: str
    topic: str | None
    protected: bool
    revision: int
    updated_at: datetime
    author: str | None
    text: str
    html: str


class RevisionSummary(Schema):
    number: int
    created_at: datetime
    author: str | None
    summary: str
    minor: bool
    size: int
    parent: int | None


class Revision(RevisionSummary):
    text: str
    html: str


class RevisionPage(Schema):
    results: list[RevisionSummary]
    next: str | None


class Diff(Schema):
    from_revision: int
    to_revision: int
    diff: str


class Change(Schema):
    slug: str
    title: str
    revision: int
    created_at: datetime
    author: str | None
    summary: str
    size: int
    minor: bool


class ChangePage(Schema):
    results: list[Change]
    next: str | None


class LogEntry(Schema):
    kind: str
    actor: str
    target: str
    target_url: str
    reason: str
    detail: str
    created_at: datetime


class LogPage(Schema):
    results: list[LogEntry]
    next: str | None


class Hit(Schema):
    kind: str
    title: str
    url: str
    snippet_html: str
    date: date | None


class SearchResults(Schema):
    q: str
    exact_title: str | None
    total: int
    more: bool
    results: list[Hit]


class TalkComment(Schema):
    id: int
    author: str
    created_at: datetime
    edited_at: datetime | None
    hidden: bool
    html: str


class TalkThread(Schema):
    id: int
    title: str
    author: str
    created_at: datetime
    comments: list[TalkComment]


class Talk(Schema):
    slug: str
    title: str
    threads: list[TalkThread]


# --- Requests ------------------------------------------------------------------------------


class EditIn(Schema):
    text: str
    summary: str = ""
    base_revision: int | None = None
    title: str = ""  # only when the PUT creates a page


class CreateIn(Schema):
    title: str
    text: str
    summary: str = ""


class Saved(Schema):
    saved: bool
    created: bool
    revision: int
    page: WikiPage


class Conflict(Error):
    base_revision: int
    current_revision: int
    current_text: str
    your_text: str


class TalkIn(Schema):
    text: str
    title: str = ""
    thread: int | None = None


class Watching(Schema):
    slug: str
    watching: bool
