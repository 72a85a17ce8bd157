"""Generate a synthetic blog archive in the seed's format, deterministically.

    python -m bench.generate --posts 20000 --out /tmp/archive.txt [--seed 1] [--edit-percent 1]
    python -m bench.generate --format wxr --posts 20000 --out /tmp/archive.xml
    python -m bench.generate --format wxr --size-mb 1024 --out /tmp/big.xml

`--format wxr` writes the same posts (same seed, same titles and paragraphs) as a WordPress
export (WXR 1.2): each with a date, author, categories (one with a parent), tags, a comment and,
for some, a link to an earlier post by its permalink; `--size-mb` writes posts until the file
reaches that size (the 1 GB memory row).

The prose is built from a vocabulary of the archive's own names and phrases, so topic matching,
recurring phrases and mentions behave as on real data. It includes the seed's quirks: a header
line, teasers ("read more »", sometimes on a line of their own), typographic duplicates of earlier
posts, indented numbered lists, single-newline paragraphs, and a last post without a teaser.
`--edit-percent` changes the body of that share of posts (for the "1% edited" import figure) while
keeping every title, so the same seed and count give the same posts.
"""

import argparse
import random
import sys
from collections.abc import Iterator
from typing import TextIO

NAMES = [
    "Big Society",
    "Big Society Network",
    "Our Society",
    "Chain Reaction",
    "Nat Wei",
    "Steve Moore",
    "NESTA",
    "Neighbourhood Challenge",
    "Innovation Hub",
    "knowledge gardening",
    "volunteering",
    "social enterprise",
    "community organisers",
    "social media",
    "Twitter",
    "the wiki",
    "social reporting",
    "NCVO",
    "RSA",
    "Third Sector",
    "local government",
    "community empowerment",
    "David Cameron",
    "East London",
    "Canary Wharf",
    "Social by Social",
    "Kevin Harris",
    "Big Society in the North",
    "the voluntary sector",
    "open data",
]
SUBJECTS = [
    "people",
    "communities",
    "volunteers",
    "councils",
    "charities",
    "networks",
    "neighbours",
    "organisers",
    "funders",
    "bloggers",
    "activists",
    "local groups",
    "co-ops",
    "mutuals",
]
VERBS = [
    "gather around",
    "argue about",
    "build on",
    "make sense of",
    "write about",
    "fund",
    "join up",
    "question",
    "celebrate",
    "map",
    "reinvent",
    "listen to",
    "connect through",
]
OBJECTS = [
    "the idea",
    "local assets",
    "a shared story",
    "the conversations",
    "new money",
    "the opportunities",
    "public services",
    "their own stories",
    "the next meeting",
    "a knowledge shed",
    "online spaces",
    "the jargon",
    "the town hall tour",
    "spending cuts",
]
OPENERS = [
    "Yesterday",
    "This morning",
    "Last week",
    "In the evening",
    "Over the past few days",
    "As I wrote earlier",
    "Meanwhile",
    "At the end of the day",
    "For the record",
]
TITLE_PATTERNS = [
    "{name} and {subject}: {verb} {object}",
    "Why {subject} {verb} {object}",
    "{name} – {verb} {object}?",
    "Can {subject} {verb} {name}?",
    "Notes on {name}, {subject} and {object}.",
    "What {name} means for {subject}",
]
TEASERS = [" read more »", " read more »", " read more »"]
TYPOGRAPHIC = str.maketrans({"'": "’", '"': "”", "-": "–"})


def sentence(rng: random.Random) -> str:
    opener = rng.choice(OPENERS)
    return (
        f"{opener} {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
        f"with {rng.choice(NAMES)}, and {rng.choice(SUBJECTS)} {rng.choice(VERBS)} "
        f"{rng.choice(NAMES)}."
    )


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def titles(rng: random.Random, count: int) -> Iterator[str]:
    seen: set[str] = set()
    while len(seen) < count:
        title = rng.choice(TITLE_PATTERNS).format(
            name=rng.choice(NAMES),
            subject=rng.choice(SUBJECTS),
            verb=rng.choice(VERBS),
            object=rng.choice(OBJECTS),
        )
        title = title[0].upper() + title[1:]
        if title in seen:
            title = f"{title} (part {len(seen)})"
        seen.add(title)
        yield title


def post_lines(rng: random.Random, title: str, earlier: list[str], edited: bool) -> list[str]:
    """One post: title, blank, paragraphs (blank- or single-newline separated), teaser."""
    paras = [paragraph(rng) for _ in range(rng.randint(2, 6))]
    if earlier and rng.random() < 0.15:
        paras[0] += f" I wrote about this in {rng.choice(earlier)} last month."
    if edited:
        paras[-1] += " Updated: the organisers have since changed the date."
    lines = [title, ""]
    single_newlines = rng.random() < 0.4
    for i, text in enumerate(paras):
        lines.append(text)
        if i < len(paras) - 1 and not single_newlines:
            lines.append("")
    if rng.random() < 0.05:
        lines += [
            "",
            *(
                f"  {n}. {rng.choice(VERBS).capitalize()} {rng.choice(OBJECTS)}"
                for n in range(1, rng.randint(3, 6))
            ),
            "",
        ]
        lines.append(f"… and {paragraph(rng)}")
    if rng.random() < 0.1:
        lines.append("read more »")
    else:
        lines[-1] += rng.choice(TEASERS)
    return lines


def generate(out: TextIO, posts: int, seed: int = 1, edit_percent: float = 0.0) -> None:
    rng = random.Random(seed)
    # Edits draw from their own generator so the same seed gives the same posts either way.
    edit_rng = random.Random(seed + 1)
    out.write('Search Results for: "big society network"\n\n')
    earlier: list[str] = []
    for n, title in enumerate(titles(rng, posts)):
        edited = edit_rng.random() * 100 < edit_percent
        lines = post_lines(rng, title, earlier, edited)
        if n == posts - 1:
            lines[-1] = lines[-1].replace(" read more »", "").replace("read more »", "")
        out.write("\n".join(lines) + "\n\n")
        if rng.random() < 0.005:  # a typographic twin of this post, as in the seed
            twin = [title.translate(TYPOGRAPHIC), *lines[1:]]
            out.write("\n".join(twin) + "\n\n")
        if len(earlier) < 500:
            earlier.append(title)
        elif rng.random() < 0.01:
            earlier[rng.randrange(500)] = title


WXR_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Big Society Network (generated)</title>
<link>http://bsn.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login><![CDATA[editor]]></wp:author_login>
 <wp:author_display_name><![CDATA[The Editor]]></wp:author_display_name></wp:author>
<wp:category><wp:category_nicename>society</wp:category_nicename>
 <wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Society]]></wp:cat_name></wp:category>
<wp:category><wp:category_nicename>big-society</wp:category_nicename>
 <wp:category_parent>society</wp:category_parent><wp:cat_name><![CDATA[Big Society]]></wp:cat_name>
</wp:category>
"""


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def generate_wxr(
    out: TextIO, posts: int, seed: int = 1, edit_percent: float = 0.0, size_mb: int = 0
) -> None:
    """The posts `generate` writes, as a WXR export (see the module docstring)."""
    import datetime
    import re

    # The same draws as `generate`, so the same seed gives the same posts; the export's own
    # extras (links, tags, comments) draw from a generator of their own.
    rng = random.Random(seed)
    edit_rng = random.Random(seed + 1)
    extra_rng = random.Random(seed + 2)
    out.write(WXR_HEAD)
    limit = size_mb << 20
    written = len(WXR_HEAD)
    start = datetime.datetime(2010, 5, 1, 9, 0)
    earlier: list[str] = []
    links: dict[str, str] = {}
    count = posts if not size_mb else 10**9
    for n, title in enumerate(titles(rng, count)):
        edited = edit_rng.random() * 100 < edit_percent
        lines = post_lines(rng, title, earlier, edited)
        body = re.sub(r"\s*read more »", "", "\n".join(lines[2:]))
        slug = f"post-{n + 1}"
        when = start + datetime.timedelta(hours=7 * n)
        link = links[title] = f"http://bsn.example/{when:%Y/%m/%d}/{slug}/"
        if earlier and extra_rng.random() < 0.2:
            other = extra_rng.choice(earlier)
            body += f'\n\nSee also <a href="{links[other]}">{other}</a>.'
        name = extra_rng.choice(NAMES)
        item = (
            f"<item><title>{_cdata(title)}</title><link>{link}</link>"
            f"<dc:creator>{_cdata('editor')}</dc:creator>"
            f'<guid isPermaLink="false">http://bsn.example/?p={n + 1}</guid>'
            f"<content:encoded>{_cdata(body)}</content:encoded>"
            f"<wp:post_id>{n + 1}</wp:post_id>"
            f"<wp:post_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>"
            f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
            "<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>"
            '<category domain="category" nicename="big-society"><![CDATA[Big Society]]></category>'
            f'<category domain="post_tag" nicename="t"><![CDATA[{name}]]></category>'
            "<wp:comment><wp:comment_id>1</wp:comment_id>"
            "<wp:comment_author><![CDATA[A reader]]></wp:comment_author>"
            "<wp:comment_author_email>reader@example.org</wp:comment_author_email>"
            f"<wp:comment_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
            f"<wp:comment_content>{_cdata(paragraph(extra_rng))}</wp:comment_content>"
            "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>"
            "</wp:comment></item>\n"
        )
        out.write(item)
        written += len(item.encode())
        rng.random()  # `generate`'s draw for a typographic twin (an export holds none)
        if len(earlier) < 500:
            earlier.append(title)
        elif rng.random() < 0.01:
            earlier[rng.randrange(500)] = title
        if size_mb and written >= limit:
            break
    out.write("</channel>\n</rss>\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edit-percent", type=float, default=0.0)
    parser.add_argument("--out", default="-")
    parser.add_argument("--format", choices=["text", "wxr"], default="text")
    parser.add_argument("--size-mb", type=int, default=0, help="wxr: write posts until this size")
    args = parser.parse_args(argv)

    def write(out: TextIO) -> None:
        if args.format == "wxr":
            generate_wxr(out, args.posts, args.seed, args.edit_percent, args.size_mb)
        else:
            generate(out, args.posts, args.seed, args.edit_percent)

    if args.out == "-":
        write(sys.stdout)
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            write(out)


if __name__ == "__main__":
    main()
