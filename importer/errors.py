"""What an archive's import reports: its progress, its result, or the error that wrote nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# progress(stage, done, total): stage "scan" (total unknown, None) or "load" in posts; "scan
# bytes" in bytes of the file read, "load bytes" the share of the posts written as bytes of the
# file (exports and feeds, whose progress is shown in bytes). Every load reports through
# `load_progress`.
Progress = Callable[[str, int, int | None], None]


def load_progress(progress: Progress, total: int, size: int | None = None) -> Callable[[int], None]:
    """`report(written)`, how every route's load tells `progress` how many of its `total` posts
    are written (not only queued: the writer counts them, `Writer.mark`): in posts, or for a
    file whose progress is shown in bytes (an export or feed, `size` bytes) as the same share
    of its bytes."""
    if size is None:
        return lambda written: progress("load", written, total)
    return lambda written: progress("load bytes", size * written // max(total, 1), size)


class ArchiveError(Exception):
    """An archive file could not be imported; nothing from it was written."""

    def __init__(
        self,
        path: Path,
        message: str,
        line: int | None = None,
        column: int | None = None,
        *,
        not_utf8: bool = False,
    ):
        self.path, self.message, self.line, self.column = Path(path), message, line, column
        self.not_utf8 = not_utf8  # a text listing whose bytes are not UTF-8
        where = f"{self.path.name}, line {line}" if line else self.path.name
        if line and column:
            where += f", column {column}"
        super().__init__(f"{where}: {message}")


@dataclass
class FileResult:
    name: str
    header: str = ""
    posts: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    topics_created: int = 0
    mentions: int = 0
    skipped: bool = False  # unchanged since its last import: not read, nothing written
    notes: list[str] = field(default_factory=list)  # e.g. "decoded as Windows-1252"


@dataclass(frozen=True)
class Loaded:
    """What a file's load stage wrote: a listing's (importer.listing_import) or an export's
    (importer.record_import)."""

    created: int
    updated: int
    unchanged: int
    mentions: int
    notes: tuple[str, ...] = ()  # what the reader should know of single posts (kept as text …)


def file_result(
    path: Path, *, header: str, posts: int, duplicates: int, loaded: Loaded, topics_created: int
) -> FileResult:
    """The summary of a file's import, from what its stages found, the same for every format."""
    return FileResult(
        name=path.name,
        header=header,
        posts=posts,
        duplicates=duplicates,
        created=loaded.created,
        updated=loaded.updated,
        unchanged=loaded.unchanged,
        mentions=loaded.mentions,
        topics_created=topics_created,
    )
