"""The planning stage: which post of the database each record of a file is, and the ids, keys
and slugs (`slugs`) of the new ones, read from the database before the writing starts.

`records` plans an export or feed in scratch tables (`scratch`); `listing` plans a text listing
from the titles its scan kept. Both hand the load one `Plan`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from importer.topics import PhraseMatcher


@dataclass
class Plan:
    """What the load needs from the database, read once before it starts, so that the load
    itself only writes (through the writer) and never waits for the database."""

    # A category's or tag's name -> its topic, then the vocabulary topic its name is an alias of.
    topic_ids: dict[str, tuple[int, ...]]
    # Titles (to their posts) and topic phrases (to their topics): one pass over a post's words
    # finds both.
    matcher: PhraseMatcher = field(default_factory=PhraseMatcher)
    # A listing's posts, by folded title (an export's plan rows wait in scratch tables instead):
    existing: dict[str, tuple[int, str]] = field(default_factory=dict)  # key -> (pk, checksum)
    quiet: set[str] = field(default_factory=set)  # matched only against news (plan.listing)
    # (key, reserved pk, slug) of each post to create, in load order: the load takes them one
    # by one, so they are not held in a second dict keyed by title.
    new_posts: Iterator[tuple[str, int, str]] = field(default_factory=lambda: iter(()))
    written: dict[str, int] = field(default_factory=dict)  # key -> pk the first import's scan wrote
