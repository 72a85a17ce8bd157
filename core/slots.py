"""Slots: named places on one app's pages that another app fills, so the page's app never
imports the filler's.

The seam between the archive and the wiki. `posts` owns the topic and post pages and names two
slots in their templates, `{% slot "topic_entry" topic %}` (the topic's wiki entry, above its
posts) and `{% slot "post_citations" post %}` (the wiki pages citing a post); the wiki fills them
when it is installed (`wiki.apps.WikiConfig.ready` -> `wiki.slots`). Without a filler a slot is
empty and the page still renders: posts never imports wiki (an import-linter contract).

A filler takes the template tag's arguments and returns safe HTML (`render_to_string` does). One
filler a slot: filling a slot again replaces the filler.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString

Filler = Callable[..., SafeString]
_fillers: dict[str, Filler] = {}


def fill(name: str, filler: Filler) -> None:
    _fillers[name] = filler


def render(name: str, *args, **kwargs) -> SafeString:
    """The HTML `name`'s filler gives for these arguments, or "" when nothing fills it."""
    filler = _fillers.get(name)
    return filler(*args, **kwargs) if filler is not None else SafeString("")
