"""The wiki's fillers for the slots on the archive's pages (see core.slots): one query each."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from wiki.services import citations_for_post, entry_for_topic


def topic_entry(topic) -> SafeString:
    """The topic's wiki entry, or an invitation to write it."""
    return render_to_string(
        "wiki/includes/entry.html", {"topic": topic, "entry": entry_for_topic(topic)}
    )


def post_citations(post) -> SafeString:
    """The live wiki pages citing `post`; nothing when there are none."""
    return render_to_string("wiki/includes/cited_in.html", {"citations": citations_for_post(post)})
