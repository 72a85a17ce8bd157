"""The archive parser, without a database: the real seed, other WordPress layouts, bad input."""

import hashlib
import io
import random
from datetime import date
from pathlib import Path

import pytest

from importer.readers import listing_lines as line_reading
from importer.readers.listing_parser import (
    _TEASER,
    MAX_LINE_CHARS,
    MAX_TITLE_CHARS,
    ArchiveParser,
    LineReader,
    ParseError,
    parse_date,
    parse_meta,
    parse_text,
    strip_teaser,
)

SEED = Path(__file__).resolve().parents[2] / "seeds" / "big-society-network.txt"

SEED_TITLES = [
    "An amazing day with Chain Reaction: no moans, many assets, a community march. "
    "That’s big society – or Our Society",
    "An amazing day with Chain Reaction: no moans, many assets, a community march. "
    "That's big society – or Our Society",
    "Want to influence? Understand networks.",
    "Steve Moore leads new Big Society Innovation Platform",
    "Round-up of my recent posts on Big Society",
    "Where do we gather on Big Society – besides London and Twitter?",
    "Big day for Big Society Network",
    "An innovation hub may help make sense of Big Society",
    "Evolving Big Society – summary and next ideas",
    "Networking Big Society – or maybe some knowledge gardening",
]


def read_bytes(data: bytes):
    reader = LineReader(io.BytesIO(data))
    parser = ArchiveParser(reader)
    return parser, list(parser)


@pytest.fixture(scope="module")
def seed():
    with open(SEED, "rb") as f:
        reader = LineReader(f)
        parser = ArchiveParser(reader)
        posts = list(parser)
    return parser, posts


def by_title(posts, start):
    return next(p for p in posts if p.title.startswith(start))


# --- The real seed ----------------------------------------------------------------------------


def test_seed_yields_ten_records_in_order_with_exact_titles(seed):
    _, posts = seed
    assert [p.title for p in posts] == SEED_TITLES


def test_seed_twin_titles_fold_to_one_key_so_nine_posts_remain(seed):
    _, posts = seed
    assert posts[0].key == posts[1].key
    assert len({p.key for p in posts}) == 9


def test_seed_header_is_the_search_phrase(seed):
    parser, _ = seed
    assert parser.header.kind == "search"
    assert parser.header.phrase == "big society network"
    assert parser.header.text == 'Search Results for: "big society network"'


def test_seed_posts_lose_their_teaser_and_are_marked_excerpts(seed):
    _, posts = seed
    assert all(p.is_excerpt for p in posts)
    assert not any("read more" in p.body for p in posts)
    assert by_title(posts, "Want to influence").paragraphs[-1].endswith("They list the top twenty.")


def test_seed_teaser_alone_on_its_line_is_removed_too(seed):
    _, posts = seed
    hub = by_title(posts, "An innovation hub")
    assert hub.paragraphs[-1].endswith("with a launch date in October.")


def test_seed_keeps_paragraphs_split_by_single_newlines(seed):
    _, posts = seed
    steve = by_title(posts, "Steve Moore leads")
    assert len(steve.paragraphs) == 4
    assert steve.paragraphs[1].startswith("Steve isn’t a man for the formal press release")


def test_seed_keeps_paragraphs_split_by_blank_lines(seed):
    _, posts = seed
    chain = posts[0]
    assert len(chain.paragraphs) == 3
    assert chain.paragraphs[0].startswith("I spent yesterday on the 30th floor")


def test_seed_numbered_list_stays_a_list(seed):
    _, posts = seed
    networking = by_title(posts, "Networking Big Society")
    assert [b.kind for b in networking.blocks] == ["p", "ol", "p", "p"]
    assert networking.list_items == [
        "Give communities more powers",
        "Encourage people to take an active role in their communities",
        "Transfer power from central to local government",
        "Support co-ops, mutuals, charities and social enterprises",
        "Publish government data.",
    ]
    assert "1. Give communities more powers\n2. Encourage" in networking.body


def test_seed_picture_captions_are_neither_posts_nor_body(seed):
    _, posts = seed
    hub = by_title(posts, "An innovation hub")
    assert hub.captions == (
        "Innovation Hub process",
        "Innovation Hub process",
        "Larger image here and pdf",
    )
    assert "Innovation Hub process" not in hub.body
    assert "Larger image" not in hub.body
    assert not any(p.title.startswith(("Innovation Hub", "Larger image")) for p in posts)


def test_seed_keeps_footnote_marks_and_typography(seed):
    _, posts = seed
    day = by_title(posts, "Big day for")
    assert "Big Society Network.**" in day.body
    assert "“town hall tour”" in day.body


def test_seed_post_records_its_starting_line(seed):
    _, posts = seed
    assert posts[0].line == 3
    assert by_title(posts, "Networking Big Society").line == 82


# --- Other WordPress layouts -------------------------------------------------------------------


def test_tag_archive_header_is_read():
    header, posts = parse_text("Tag Archives: volunteering\n\nA title\n\nBody text. read more »\n")
    assert (header.kind, header.phrase) == ("tag", "volunteering")
    assert [p.title for p in posts] == ["A title"]


def test_category_archive_header_is_read():
    header, _ = parse_text("Category Archives: Local action\n\nTitle\n\nBody.\n")
    assert (header.kind, header.phrase) == ("category", "Local action")


def test_archive_without_header_starts_with_a_title():
    header, posts = parse_text("First post\n\nIts body. read more »\n\nSecond post\n\nMore.\n")
    assert header is None
    assert [p.title for p in posts] == ["First post", "Second post"]


def test_continue_reading_teaser_ends_a_post():
    _, posts = parse_text(
        "One\n\nA paragraph. Continue reading →\n\n"
        "Two\n\nAnother. Continue reading Two →\n\nThree\n\nLast one.\n"
    )
    assert [p.title for p in posts] == ["One", "Two", "Three"]
    assert [p.is_excerpt for p in posts] == [True, True, False]
    assert posts[0].paragraphs == ["A paragraph."]
    assert posts[1].paragraphs == ["Another."]


def test_last_post_without_teaser_is_a_whole_post():
    _, posts = parse_text("One\n\nBody one. read more »\n\nTwo\n\nBody two, complete.\nEnd.\n")
    assert posts[-1].title == "Two"
    assert posts[-1].is_excerpt is False
    assert posts[-1].paragraphs == ["Body two, complete.", "End."]


def test_date_line_under_title_becomes_the_published_date():
    _, posts = parse_text("A post\n\nJune 20, 2010\n\nThe body. read more »\n")
    assert posts[0].published == date(2010, 6, 20)
    assert posts[0].paragraphs == ["The body."]


def test_posted_in_and_filed_under_lines_become_categories_not_body():
    text = (
        "One\nJune 20, 2010\nFiled under: Localism\n\nBody one. read more »\n"
        "Posted in Big Society, Volunteering | Tagged: NCVO, wiki | Leave a comment\n\n"
        "Two\n\n20 July 2010\n\nBody two.\nPosted in Uncategorized\n"
    )
    _, posts = parse_text(text)
    assert [p.title for p in posts] == ["One", "Two"]
    assert posts[0].categories == ("Localism", "Big Society", "Volunteering", "NCVO", "wiki")
    assert posts[0].paragraphs == ["Body one."]
    assert posts[1].published == date(2010, 7, 20)
    assert posts[1].categories == ()
    assert posts[1].paragraphs == ["Body two."]


def test_posts_without_teasers_are_split_at_a_footer_line():
    _, posts = parse_text("One\n\nBody one.\nPosted in News\n\nTwo\n\nBody two.\n")
    assert [p.title for p in posts] == ["One", "Two"]
    assert posts[0].categories == ("News",)


def test_a_standalone_line_above_a_date_is_the_next_title():
    _, posts = parse_text(
        "One\n\nJune 1, 2010\n\nBody one.\n\nSecond paragraph.\n\n"
        "Two\n\nJune 2, 2010\n\nBody two.\n"
    )
    assert [p.title for p in posts] == ["One", "Two"]
    assert posts[1].published == date(2010, 6, 2)


def test_prose_starting_with_posted_in_stays_body():
    assert parse_meta("Posted in 2009, this article argued that the state was far too big.") is None
    _, posts = parse_text("T\n\nPosted in haste, this note is short. read more »\n")
    assert posts[0].paragraphs == ["Posted in haste, this note is short."]


def test_dates_in_common_wordpress_forms_are_read():
    assert parse_date("June 20, 2010") == date(2010, 6, 20)
    assert parse_date("Posted on Sunday, June 20th, 2010 by dave") == date(2010, 6, 20)
    assert parse_date("2010-06-20") == date(2010, 6, 20)
    assert parse_date("February 30, 2010") is None
    assert parse_date("In June 2010 we met") is None


def test_bulleted_lists_are_lists():
    _, posts = parse_text("T\n\nIntro:\n- one\n- two\n\nAfter. read more »\n")
    assert [b.kind for b in posts[0].blocks] == ["p", "ul", "p"]
    assert posts[0].list_items == ["one", "two"]


def test_crlf_line_endings_read_like_lf():
    data = "Tag Archives: x\r\n\r\nTitle one\r\n\r\nBody.\r\nread more »\r\n".encode()
    parser, posts = read_bytes(data)
    assert parser.header.phrase == "x"
    assert posts[0].title == "Title one"
    assert posts[0].paragraphs == ["Body."]


def test_utf8_bom_is_dropped():
    parser, posts = read_bytes("\ufeffTag Archives: x\n\nTitle\n\nBody.\n".encode())
    assert parser.header.text == "Tag Archives: x"
    assert posts[0].title == "Title"


def test_reader_checksum_is_of_the_bytes():
    _, _ = read_bytes(b"T\n\nBody.\n")
    one = LineReader(io.BytesIO(b"T\n\nBody.\n"))
    two = LineReader(io.BytesIO(b"T\n\nBody!\n"))
    list(one), list(two)
    assert one.checksum != two.checksum and len(one.checksum) == 64


# --- Bad input --------------------------------------------------------------------------------


def test_empty_file_is_refused():
    with pytest.raises(ParseError, match="empty"):
        read_bytes(b"")
    with pytest.raises(ParseError, match="empty"):
        read_bytes(b"\n  \n\n")


def test_binary_file_is_refused_naming_the_line():
    with pytest.raises(ParseError, match="binary") as exc:
        read_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    assert exc.value.line is not None


def test_bytes_that_are_not_utf8_are_refused_with_the_line():
    with pytest.raises(ParseError, match="not valid UTF-8") as exc:
        read_bytes("Title\n\nCaf\u00e9 body.\n".encode("latin-1"))
    assert exc.value.line == 3
    assert str(exc.value).startswith("line 3:")


def test_header_without_posts_is_refused():
    with pytest.raises(ParseError, match="no posts"):
        parse_text('Search Results for: "nothing"\n\n')


def test_title_without_body_is_refused():
    with pytest.raises(ParseError, match="title but no body") as exc:
        parse_text("One\n\nBody. read more »\n\nLonely title\n")
    assert exc.value.line == 5


def test_title_followed_only_by_a_teaser_is_refused():
    with pytest.raises(ParseError, match="no body"):
        parse_text("One\n\nread more »\n")


def test_five_megabyte_single_line_is_refused_with_its_line_number():
    data = b"x" * (5 * 1024 * 1024)
    with pytest.raises(ParseError, match="longer than") as exc:
        read_bytes(data)
    assert exc.value.line == 1


def test_over_long_line_in_a_str_source_is_refused_too():
    with pytest.raises(ParseError, match="longer than"):
        list(ArchiveParser(["Title", "", "y" * (MAX_LINE_CHARS + 10)]))


def test_paragraph_where_a_title_should_be_is_refused_with_a_hint():
    with pytest.raises(ParseError, match="teaser link") as exc:
        parse_text("One\n\nBody. read more »\n\n" + "word " * 200 + "\n\nBody.\n")
    assert exc.value.line == 5


def test_nul_byte_in_otherwise_valid_text_is_refused_as_binary():
    with pytest.raises(ParseError, match="binary") as exc:
        read_bytes(b"Title\n\nab\x00cd\n")
    assert exc.value.line == 3


def test_teaser_is_found_where_a_plain_search_of_the_line_end_finds_it():
    # `strip_teaser` splits the regex search in two for speed (a match at the start, else the
    # first after a space); it must cut every line exactly where `_TEASER.search` would.
    def reference(line):
        tail = line[-(MAX_TITLE_CHARS + 40) :]
        m = _TEASER.search(tail)
        if not m:
            return line, False
        return line[: max(0, len(line) - len(tail)) + m.start()].rstrip(), True

    samples = [
        "read more",
        "  Read More  ",
        "read more »",
        "Some text. Read more »",
        "Some text.Read more »",
        "Some text. read more\u00a0…",
        "Some text (more…)",
        "Some text(more...)",
        "Continue reading →",
        "Text. Continue reading The Big Society Network →",
        "Continue reading A → B →",
        "x" * 600 + " read more »",
        "x" * 537 + " read more",
        "x" * 540 + "read more »",
        "x" * 539 + " read more »",
        "\tread more »\t",
        "read more\n»",
        "We read more and more",
        "Read more about it →",
    ]
    pieces = [" ", "\u00a0", "\t", "read more", "Continue reading", "»", "→", "…", "(more…)", "x."]
    rng = random.Random(3)
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(2000)]
    for line in samples:
        assert strip_teaser(line) == reference(line), repr(line)


def _lines_one_by_one(data: bytes):
    """What `LineReader` gives, read the plain way: each line checked on its own. Returns the
    lines and the checksum, or the error's message and line."""
    stream, lines, h = io.BytesIO(data), [], hashlib.sha256()
    limit, line_no = line_reading.MAX_LINE_BYTES, 0
    while raw := stream.readline(limit + 1):
        line_no += 1
        if len(raw) > limit:
            return "long", line_no
        h.update(raw)
        if b"\x00" in raw:
            return "nul", line_no
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return ("binary" if b"\x00" in stream.read(8192) else "utf-8"), line_no
        if line_no == 1:
            text = text.removeprefix("\ufeff")
        lines.extend(text.rstrip("\r\n").split("\r"))
    return lines, h.hexdigest()


def _lines_read(data: bytes, chunk_bytes: int):
    reader = LineReader(io.BytesIO(data))
    reader.chunk_bytes = chunk_bytes
    try:
        return list(reader), reader.checksum
    except ParseError as exc:
        kinds = {"longer": "long", "NUL": "nul", "binary;": "binary", "UTF-8": "utf-8"}
        return next(k for word, k in kinds.items() if word in exc.message), exc.line


def test_line_reader_reads_chunks_as_it_would_read_line_by_line(monkeypatch):
    # Small limits and chunks put every edge (a CRLF, a BOM, a bad byte, a NUL, an over-long
    # line) on and across chunk boundaries.
    monkeypatch.setattr(line_reading, "MAX_LINE_BYTES", 24)
    monkeypatch.setattr(line_reading, "MAX_LINE_CHARS", 6)
    pieces = [b"ab", b"Caf\xc3\xa9", b"\xe2\x80\x99", b"\n", b"\n", b"\r\n", b"\r", b"  ", b"x" * 5]
    rare = [b"\x00", b"\xff", b"\xc3", b"y" * 30, b"\xef\xbb\xbf"]
    rng = random.Random(9)
    samples = [b"", b"\n", b"\xef\xbb\xbfT\n\nB", b"no newline", ("é" * 7).encode()]
    for _ in range(1500):
        parts = [rng.choice(pieces) for _ in range(rng.randint(1, 25))]
        if rng.random() < 0.3:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(rare))
        samples.append(b"".join(parts))
    for data in samples:
        expected = _lines_one_by_one(data)
        for chunk_bytes in (1, 3, 7, 64, 1 << 20):
            assert _lines_read(data, chunk_bytes) == expected, (data, chunk_bytes)
