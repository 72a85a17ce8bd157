"""A Blogger export's posts, kept on disk until their comments are read. Pure: no Django.

Blogger's exports (legacy and Takeout) write comments as entries of their own, after their
post (the legacy export writes every post, then every comment), so a post cannot be yielded
when it is read. Held in memory, a 50 MB export's posts took 60 MB; here each post and
comment is pickled to an anonymous temporary file as it is read, and memory holds only where
each one is (8 bytes a post, a few dozen a comment). Once the file is read to its end, the
posts are read back in file order, each with its comments.
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import fields, replace

from importer.readers.records import ArchiveComment, ArchivePost

# Records are pickled as tuples of their fields: a slotted dataclass pickles through
# `dataclasses.fields` each time, which made pickling most of the reading's extra time.
_POST = tuple(f.name for f in fields(ArchivePost))
_COMMENT = tuple(f.name for f in fields(ArchiveComment))


class AwaitingComments:
    """`keep_post(post)` and `keep_comment(post_id, comment)` while reading; then `posts()`."""

    def __init__(self) -> None:
        self._file = None
        self._posts = array("q")  # where each post starts in the file
        self._comments: dict[str, array] = {}  # a post's guid -> where its comments start

    def _write(self, item) -> int:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="bigsoc-blogger-")  # noqa: SIM115
        where = self._file.tell()
        pickle.dump(item, self._file, pickle.HIGHEST_PROTOCOL)
        return where

    def keep_post(self, post: ArchivePost) -> None:
        self._posts.append(self._write(tuple(getattr(post, name) for name in _POST)))

    def keep_comment(self, post_id: str, comment: ArchiveComment) -> None:
        where = self._write(tuple(getattr(comment, name) for name in _COMMENT))
        self._comments.setdefault(post_id, array("q")).append(where)

    def posts(self) -> Iterator[ArchivePost]:
        """The posts kept, in file order, each with its comments; the file is gone after."""
        if self._file is None:
            return
        try:
            self._file.flush()
            for where in self._posts:
                post = ArchivePost(*self._read(where))
                found = self._comments.pop(post.guid, None)
                if found:
                    post = _with_comments(post, (ArchiveComment(*self._read(w)) for w in found))
                yield post
        finally:
            self.close()

    def _read(self, where: int):
        self._file.seek(where)
        return pickle.load(self._file)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _with_comments(post: ArchivePost, comments) -> ArchivePost:
    """`post` with its comments, oldest first; a reply to a comment that is not kept (not live,
    or not this post's) is a top-level comment."""
    comments = list(comments)
    ids = {c.id for c in comments}
    found = sorted(comments, key=lambda c: c.published.timestamp() if c.published else 0.0)
    kept = [c if c.parent in ids else replace(c, parent="") for c in found]
    return replace(post, comments=tuple(kept))
