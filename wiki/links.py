"""Wiki links: resolving them to pages, topics and posts, the link tables, and keeping
readers' HTML right when a link's target appears or disappears.

A revision's HTML is rendered once, when it is saved, and never changes. Whether a link shows as
"missing" depends on other pages, though: when a page is created, deleted, restored or moved,
the pages linking to it are rendered again into `Page.html` (the readers' copy of the current
text), so their links stop (or start) being shown as missing. Reads still never render.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape

from core.prepared import prepared_cursor
from core.text import fold, title_slug
from posts.addresses import post_url, topic_url
from posts.models import Post, Topic
from wiki.budget import RenderRefused
from wiki.markup import Rendered, ResolvedLink, WikiLink, link_opening_tag, render_markdown
from wiki.models import Citation, Page, PageLink, PageRedirect

# The targets of a text's page links, in one hand-written statement: pages by key or slug, pages
# reached through an old slug, topics by slug or name. It runs on every save and every page a
# new title brings up to date; through the ORM the three queries cost more Python to build than
# PostgreSQL takes to answer them. Only the columns a link needs: never a target's HTML or vector.
_PAGE_COLUMNS = "p.id, p.title, p.slug, p.key, p.topic_id, p.is_deleted"
_TARGETS_SQL = f"""
SELECT 'page', {_PAGE_COLUMNS}, NULL FROM {Page._meta.db_table} p
 WHERE p.key = ANY(%(keys)s) OR p.slug = ANY(%(slugs)s)
UNION ALL
SELECT 'redirect', {_PAGE_COLUMNS}, r.old_slug FROM {PageRedirect._meta.db_table} r
 JOIN {Page._meta.db_table} p ON p.id = r.page_id WHERE r.old_slug = ANY(%(slugs)s)
UNION ALL
SELECT 'topic', t.id, t.name, t.slug, NULL, NULL, NULL, NULL FROM {Topic._meta.db_table} t
 WHERE t.slug = ANY(%(slugs)s) OR lower(t.name) = ANY(%(names)s)
"""


@dataclass
class LinkResolver:
    """Resolves the wiki links of one text with a fixed handful of queries: the renderer hands
    it every link at once (`prefetch`), then asks about each."""

    pages_by_slug: dict[str, Page] = field(default_factory=dict)
    pages_by_key: dict[str, Page] = field(default_factory=dict)
    redirects: dict[str, Page] = field(default_factory=dict)
    topics_by_slug: dict[str, Topic] = field(default_factory=dict)
    topics_by_key: dict[str, Topic] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)

    def prefetch(self, links: Sequence[WikiLink]) -> None:
        """Look up every target of `links`: at most two queries (page links, post links), none
        without links."""
        page_targets = [link.target for link in links if link.kind == "page"]
        post_slugs = {link.target for link in links if link.kind == "post"}
        if page_targets:
            params = {
                "keys": sorted({fold(t) for t in page_targets}),
                "slugs": sorted({title_slug(t) for t in page_targets} - {""}),
                "names": sorted({t.lower() for t in page_targets}),
            }
            with prepared_cursor() as cursor:
                cursor.execute(_TARGETS_SQL, params)
                rows = cursor.fetchall()
            for kind, pk, title, slug, key, topic_id, is_deleted, old_slug in rows:
                if kind == "topic":
                    topic = Topic(pk=pk, name=title, slug=slug)
                    self.topics_by_slug[slug] = topic
                    self.topics_by_key[fold(title)] = topic
                    continue
                page = Page(
                    pk=pk, title=title, slug=slug, key=key, topic_id=topic_id, is_deleted=is_deleted
                )
                if kind == "redirect":
                    self.redirects[old_slug] = page
                else:
                    self.pages_by_slug.setdefault(slug, page)
                    self.pages_by_key.setdefault(key, page)
        if post_slugs:
            cited = Post.objects.filter(slug__in=post_slugs).only("slug", "title")
            self.posts = {p.slug: p for p in cited}

    def page_for(self, target: str) -> Page | None:
        slug = title_slug(target)
        return (
            self.pages_by_slug.get(slug)
            or self.pages_by_key.get(fold(target))
            or self.redirects.get(slug)
        )

    def __call__(self, link: WikiLink) -> ResolvedLink:
        if link.kind == "post":
            post = self.posts.get(link.target)
            if post is None:
                return ResolvedLink(url=post_url(link.target), exists=False)
            return ResolvedLink(url=post_url(post.slug), exists=True, title=post.title)
        page = self.page_for(link.target)
        if page is not None and not page.is_deleted:
            return ResolvedLink(url=page.get_absolute_url(), exists=True, title=page.title)
        topic = self.topics_by_slug.get(title_slug(link.target)) or self.topics_by_key.get(
            fold(link.target)
        )
        if topic is not None:
            return ResolvedLink(url=topic_url(topic.slug), exists=True, title=topic.name)
        return ResolvedLink(url=missing_page_url(link.target), exists=False)


def render_text(text: str, *, new_page: Page | None = None) -> tuple[Rendered, LinkResolver]:
    """Page text rendered in one pass, its links resolved in one batch. The resolver comes back
    too: it holds what the links reached, for `rebuild_link_tables`. `new_page`: a page about to
    be written with this text as its first, not in the database yet; links to it exist."""
    resolver = LinkResolver()
    if new_page is not None:
        resolver.pages_by_slug[new_page.slug] = new_page
        resolver.pages_by_key[new_page.key] = new_page
    return render_markdown(text, resolve=resolver), resolver


def missing_page_url(title: str) -> str:
    slug = title_slug(title)
    if not slug:
        return reverse("wiki:index")
    return reverse("wiki:edit", args=[slug]) + "?" + urlencode({"title": title})


# A page's link rows in one prepared statement from three arrays: every save writes them, and
# `bulk_create` cost more Python to build (a model and its SQL a link) than the insert costs.
_INSERT_LINKS_SQL = f"""
INSERT INTO {PageLink._meta.db_table} (from_page_id, kind, target_title, target_key, target_slug)
SELECT %s::bigint, 'page', v.title, v.key, v.slug
  FROM unnest(%s::text[], %s::text[], %s::text[]) AS v(title, key, slug)
"""


def rebuild_link_tables(
    page: Page, links: list[WikiLink], resolver: LinkResolver, *, new: bool = False
) -> tuple[frozenset[str], frozenset[int]]:
    """The page's PageLink and Citation rows, as its current text has them (`resolver` holds
    the posts it cites). `new`: the page had no text before, so it has no rows to delete.
    Returns what was written, the target keys and the cited posts' ids, so the caller need not
    read the rows back (wiki.invalidation)."""
    if not new:
        PageLink.objects.filter(from_page=page).delete()
        Citation.objects.filter(page=page).delete()
    page_links: dict[str, tuple[str, str]] = {}  # slug: (title, key)
    cited: set[int] = set()
    for link in links:
        if link.kind == "post":
            post = resolver.posts.get(link.target)
            if post is not None:
                cited.add(post.pk)
            continue
        slug = title_slug(link.target)[:255]
        if slug and slug not in page_links:
            page_links[slug] = (link.target[:255], fold(link.target)[:255])
    if page_links:
        with prepared_cursor() as cursor:
            cursor.execute(
                _INSERT_LINKS_SQL,
                [page.pk, *(list(column) for column in zip(*page_links.values(), strict=True)),
                 list(page_links)],
            )  # fmt: skip
    if cited:
        Citation.objects.bulk_create(Citation(page=page, post_id=pk) for pk in cited)
    return frozenset(key for _, key in page_links.values()), frozenset(cited)


def refresh_pages_linking_to(page: Page, *, also_keys: tuple[str, ...] = ()) -> int:
    """Render again the current text of live pages whose links reach `page` (by its title, slug,
    old slugs, or any of `also_keys`, e.g. a moved page's old title), storing it in Page.html.

    Runs inside the caller's transaction. Returns how many pages were rendered again.
    """
    links = PageLink.objects.filter(
        Q(target_slug=page.slug)
        | Q(target_key=page.key)
        | Q(target_key__in=also_keys)
        | Q(target_slug__in=PageRedirect.objects.filter(page=page).values("old_slug"))
    )
    linking = (
        Page.objects.live()
        .filter(pk__in=links.values("from_page"))
        .exclude(pk=page.pk)
        .select_related("current_revision")
    )
    count = 0
    for other in linking:
        count += _render_again(other)
    return count


def _render_again(page: Page) -> int:
    """Render `page`'s current text into Page.html again; 1 when it was, else 0."""
    if page.current_revision is None:
        return 0
    try:
        rendered, _ = render_text(page.current_revision.text)
    except RenderRefused:
        return 0  # saved before today's render budget: its stored HTML stays as it was
    Page.objects.filter(pk=page.pk).update(html=rendered.html, toc_html=rendered.toc_html)
    return 1


def _store_html(pages: list[tuple[int, str]]) -> None:
    """Page.html of each (pk, html) in one UPDATE from two arrays: `bulk_update`'s CASE of a
    branch per page costs more to build in Python than the update costs PostgreSQL."""
    if not pages:
        return
    table = connection.ops.quote_name(Page._meta.db_table)
    with prepared_cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET html = v.html FROM unnest(%s::bigint[], %s::text[]) "
            f"AS v(id, html) WHERE {table}.id = v.id",
            [[pk for pk, _ in pages], [html for _, html in pages]],
        )


# Hand-written, as _TARGETS_SQL is: it runs on every creation, and its ORM form (a join and an OR)
# cost more Python to build than PostgreSQL takes to answer it. Deleted pages come too (without
# their HTML): they are no one's to patch, but their cached views name the new page's link.
_LINKING_SQL = f"""
SELECT l.from_page_id, l.target_title, CASE WHEN p.is_deleted THEN NULL ELSE p.html END
  FROM {PageLink._meta.db_table} l JOIN {Page._meta.db_table} p ON p.id = l.from_page_id
 WHERE (l.target_slug = %(slug)s OR l.target_key = %(key)s) AND l.from_page_id <> %(page)s
"""


def show_links_to_new_page(page: Page) -> set[int]:
    """`page` was just created: the pages whose links to its title were shown as missing link to
    it now. Returns the ids of every page linking to it, deleted ones too: the pages whose
    views change (as `wiki.invalidation.linking_keys` would find them for a new page, which
    has no old slugs yet).

    Only the links' opening tags change (href, class, tooltip), so each linking page's stored
    HTML is patched in place instead of rendered again (rendering is most of what creating a
    page costs). A page left with a missing link to this address after the patch (a spelling
    its link table did not keep), or with nothing to patch (its link reached a topic or a
    redirect), is rendered again whole.
    """
    # One query: the linking pages' stored HTML comes with their links' titles.
    with prepared_cursor() as cursor:
        cursor.execute(_LINKING_SQL, {"slug": page.slug, "key": page.key, "page": page.pk})
        rows = cursor.fetchall()
    linking: dict[int, tuple[str, set[str]]] = {}
    for from_page, title, html in rows:
        linking.setdefault(from_page, (html, set()))[1].add(title)
    linked_from = set(linking)
    linking = {pk: found for pk, found in linking.items() if found[0] is not None}
    if not linking:
        return linked_from
    found = ResolvedLink(url=page.get_absolute_url(), exists=True, title=page.title)
    new_tag = link_opening_tag(found)
    still_missing = 'href="' + escape(reverse("wiki:edit", args=[page.slug])) + "?"
    missing_tags: dict[str, str] = {}  # pages linking to a title mostly spell it alike
    patched, whole = [], []
    for pk, (stored, titles) in linking.items():
        html = stored
        for title in titles:
            if title not in missing_tags:
                missing = ResolvedLink(url=missing_page_url(title), exists=False)
                missing_tags[title] = link_opening_tag(missing)
            html = html.replace(missing_tags[title], new_tag)
        if html == stored or still_missing in html:
            whole.append(pk)
        else:
            patched.append((pk, html))
    _store_html(patched)
    if whole:  # usually none: then even building the query's SQL would be wasted
        for other in Page.objects.filter(pk__in=whole).select_related("current_revision"):
            _render_again(other)
    return linked_from
