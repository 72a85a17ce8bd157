"""The importer's spool: posts from the first pass come back whole, and only those asked for."""

import tempfile
from datetime import date

from importer.prepare import spool
from importer.readers.listing import record
from importer.readers.listing_parser import Block, ParsedPost
from importer.readers.records import ArchivePost


def post(n: int, **kw) -> ArchivePost:
    return record(
        ParsedPost(
            title=f"Post {n} — “quoted”",
            blocks=(Block("p", (f"Body {n}.",), 1), Block("ol", ("one", "two"), 3)),
            line=10 * n,
            **kw,
        )
    )


def test_posts_come_back_whole_in_order_and_skipped_ones_are_stepped_over():
    written = [
        post(0),
        post(1, is_excerpt=True, published=date(2010, 7, 19), categories=("Big Society",)),
        post(2, captions=("A photo",)),
        post(3),
    ]
    with tempfile.TemporaryFile() as f:
        for p in written:
            spool.write(f, p)
        f.seek(0)
        assert list(spool.read(f, {1, 3})) == [written[1], written[3]]
        f.seek(0)
        assert list(spool.read(f, range(4))) == written
        f.seek(0)
        assert list(spool.read(f, set())) == []
