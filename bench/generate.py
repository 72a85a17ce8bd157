"""Generate a synthetic blog archive in the seed's format, deterministically.

    python -m bench.generate --posts 20000 --out /tmp/archive.txt [--seed 1] [--edit-percent 1]

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edit-percent", type=float, default=0.0)
    parser.add_argument("--out", default="-")
    args = parser.parse_args(argv)
    if args.out == "-":
        generate(sys.stdout, args.posts, args.seed, args.edit_percent)
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            generate(out, args.posts, args.seed, args.edit_percent)


if __name__ == "__main__":
    main()
