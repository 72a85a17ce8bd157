"""Which dependency keys (core.cache) a wiki change touches: what `wiki.services` announces.

An edit changes its own page (and every view of it: history, links, diffs), the recent lists,
its topic's page when it is a topic's entry, the posts it cites or stopped citing (their
"cited by" lists), and the pages it started or stopped linking to (their "what links here").
A page that appears, disappears or moves also changes the colour of the links to it: the pages
linking to it are named too. Nothing else is: the 2,000 other pages stay cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from core.cache import ARCHIVE, RECENT, page_key_name, post_key_name, topic_key_name
from wiki.models import Citation, Page, PageLink, PageRedirect


@dataclass(frozen=True)
class Before:
    """What a page linked to and cited before a change (read inside the change's transaction)."""

    targets: frozenset[str]
    cited: frozenset[int]


def before(page: Page, *, new: bool = False) -> Before:
    if new:
        return Before(frozenset(), frozenset())
    return Before(
        frozenset(PageLink.objects.filter(from_page=page).values_list("target_key", flat=True)),
        frozenset(Citation.objects.filter(page=page).values_list("post_id", flat=True)),
    )


def page_keys(page: Page) -> set[str]:
    """The page itself, the recent lists, and its topic's page when it is a topic's entry (the
    topic index shows which topics have one)."""
    keys = {page_key_name(page.pk), RECENT}
    if page.topic_id:
        keys |= {topic_key_name(page.topic_id), ARCHIVE}
    return keys


def shown_elsewhere_keys(page: Page) -> set[str]:
    """Where the page's title shows besides its own views, for a change of title or of whether
    it is shown at all (a move, a deletion): the posts it cites ("cited by") and the pages it
    links to ("linked from")."""
    cited = Citation.objects.filter(page=page).values_list("post_id", flat=True)
    targets = PageLink.objects.filter(from_page=page).values("target_key")
    linked = Page.objects.filter(key__in=targets).values_list("pk", flat=True)
    return {post_key_name(pk) for pk in cited} | {page_key_name(pk) for pk in linked}


def revision_keys(
    page: Page, was: Before, now: Before | None = None, found: dict[str, Page] | None = None
) -> set[str]:
    """After a new revision's link tables were rebuilt: `page_keys`, the posts cited before or
    now, and the pages whose incoming links changed. `now`: what the rebuild wrote, when the
    caller has it (else it is read back). `found`: the pages the new text's links were looked up
    by key (wiki.links.LinkResolver.pages_by_key), every page holding such a key; when the
    changed keys are all among those, no query is needed (a new page's, for one)."""
    now = now or before(page)
    keys = page_keys(page) | {post_key_name(pk) for pk in was.cited | now.cited}
    changed = was.targets ^ now.targets
    # A key cut to its column's 255 characters was not looked up as it is stored.
    if found is not None and changed <= now.targets and all(len(k) < 255 for k in changed):
        return keys | {page_key_name(found[k].pk) for k in changed if k in found}
    if changed:
        targets = Page.objects.filter(key__in=changed).values_list("pk", flat=True)
        keys |= {page_key_name(pk) for pk in targets}
    return keys


def linking_keys(page: Page, *, also_keys: tuple[str, ...] = ()) -> set[str]:
    """The pages whose links to `page` change colour when it appears, disappears or moves."""
    links = PageLink.objects.filter(
        Q(target_slug=page.slug)
        | Q(target_key=page.key)
        | Q(target_key__in=also_keys)
        | Q(target_slug__in=PageRedirect.objects.filter(page=page).values("old_slug"))
    ).exclude(from_page=page)
    return {page_key_name(pk) for pk in links.values_list("from_page", flat=True).distinct()}
