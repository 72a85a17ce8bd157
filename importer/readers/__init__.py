"""Pure readers: an archive file in, `ArchivePost` records out. No Django, no database.

One record type whatever the format (`records.py`); `detect` picks the reader by the file's
content, never its name: a plain-text listing (`listing`), a WordPress export (`wxr`), or an
RSS 2.0, RSS 1.0 or Atom 1.0 feed (`feed`, Blogger's legacy and Takeout exports included).
What real exporters write and how each shape is read: docs/reading-exports.md.
"""

from importer.readers.detect import FORMATS, ReaderError, detect, open_records
from importer.readers.records import ArchiveComment, ArchivePost, ArchiveSource

__all__ = [
    "FORMATS",
    "ArchiveComment",
    "ArchivePost",
    "ArchiveSource",
    "ReaderError",
    "detect",
    "open_records",
]
