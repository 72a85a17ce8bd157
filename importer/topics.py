"""Which topics a post is about, and which other posts it names. Pure: no Django, no database.

Topics come from the curated vocabulary (`seeds/topics.toml`), the archive header, the archive's
category lines and recurring named phrases. Matching works on folded word tokens (`tokens()`), so
it is case-insensitive, on word boundaries, and treats typographic variants alike.

`PhraseMatcher` finds many phrases in one pass over a text: phrases are indexed by their first
two tokens, so the cost per word does not grow with the number of phrases (100,000 post titles
cost about the same as 30 topic names).

Short or ambiguous vocabulary phrases match only as written (`GuardedPhrase`): one holding an
acronym ("RSA", "NCVO", "TEDx": a word of two or more capitals) only where the text writes the
acronym in those capitals; an alias holding a figure, or of five letters or fewer written with a
capital ("No 10"), only exactly as written; and a topic's one-word alias that is also a common
word ("cuts") only in a text that holds one of the topic's `context` words or phrases. An
author's category or tag keeps its own name; it reaches a vocabulary topic only where it is one
of that topic's aliases as written (`AliasIndex`).
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, filterfalse
from operator import itemgetter
from pathlib import Path

from core.text import fold, fold_chars

_WORD = re.compile(r"\w+")
TOPIC_NAME_MAX = 100  # Topic.name is 100 characters wide

# A title must be this many words before a mention of it counts: "Volunteering" as a title would
# otherwise link every post that uses the word.
MENTION_MIN_TOKENS = 3


# Every ASCII character that `_WORD` does not match, as a space. On ASCII text, `\w` is exactly
# [A-Za-z0-9_], so lower-casing, turning these into spaces and splitting gives what
# `_WORD.findall` gives, about three times faster: both steps run over the string in C without
# a regex engine. Most archive text is ASCII, or becomes ASCII once `fold_chars` has made its
# quotes and dashes plain.
_ASCII_NON_WORD = str.maketrans({chr(c): " " for c in range(128) if not _WORD.match(chr(c))})


class Tokens(list):
    """Folded word tokens that remember the text they came from, so a phrase that must match as
    written (`GuardedPhrase`) can look at the capitals the tokens folded away."""

    __slots__ = ("text",)


def tokens(text: str) -> Tokens:
    """Folded word tokens; punctuation and typographic variants drop out."""
    source = text
    if not text.isascii():
        text = fold_chars(text).casefold()
        if not text.isascii():
            found = Tokens(_WORD.findall(text))
            found.text = source
            return found
    found = Tokens(text.lower().translate(_ASCII_NON_WORD).split())
    found.text = source
    return found


class VocabularyError(ValueError):
    pass


# A word of two or more capitals: an acronym ("RSA", "NCVO", "TEDx"), matched only as written.
_ACRONYM = re.compile(r"\w*?[A-Z]\w*?[A-Z]\w*")


def _is_acronym(word: str) -> bool:
    return _ACRONYM.fullmatch(word) is not None


class GuardedPhrase(str):
    """A vocabulary phrase that names its topic only under conditions: `written`, a pattern its
    acronyms must be found by in the text as the vocabulary writes them ("RSA", never "rsa");
    `context`, folded word runs of which the text must hold one ("cuts" beside "budget")."""

    written: re.Pattern | None
    context: tuple[tuple[str, ...], ...]
    exact: bool  # every word as written, not only its acronyms
    words: tuple[str, ...]  # its folded tokens

    def __new__(cls, value: str, context: Iterable[tuple[str, ...]] = (), *, exact: bool = False):
        phrase = super().__new__(cls, value)
        phrase.words = tuple(tokens(value))
        phrase.context = tuple(context)
        phrase.exact = exact
        phrase._context_words = frozenset(c[0] for c in phrase.context if len(c) == 1)
        phrase._context_runs = tuple(c for c in phrase.context if len(c) > 1)
        words = _WORD.findall(value)
        if exact or any(map(_is_acronym, words)):
            # Acronyms (every word, when `exact`) as written, the other words in any case;
            # between words, anything that is not a word character (as `tokens` splits). A
            # pattern that starts with a literal has the "no word character before" test after
            # it, so the regex engine can look for the literal in C instead of trying a
            # lookbehind at every character.
            def as_written(w: str) -> bool:
                return exact or _is_acronym(w)

            parts = [re.escape(w) if as_written(w) else f"(?i:{re.escape(w)})" for w in words]
            if as_written(words[0]):
                parts[0] += rf"(?<!\w[\s\S]{{{len(words[0])}}})"
            else:
                parts[0] = r"(?<!\w)" + parts[0]
            phrase.written = re.compile(r"\W+".join(parts) + r"(?!\w)")
        else:
            phrase.written = None
        return phrase

    def __reduce__(self):
        return (_guarded_phrase, (str(self), self.context, self.exact))

    def found_in(self, toks: tuple[str, ...], text: str | None) -> bool:
        """Whether this phrase names its topic in `toks`, the folded tokens of `text`. Without
        the text, a phrase that must match as written does not match."""
        if len(self.words) > 1 and not _holds(toks, self.words):
            return False
        if self.written is not None:
            if text is None:
                return False
            if not self.written.search(text) and (
                text.isascii() or not self.written.search(fold_chars(text))
            ):
                return False
        if self.context:
            return not self._context_words.isdisjoint(toks) or any(
                _holds(toks, run) for run in self._context_runs
            )
        return True

    def names(self, name: str) -> bool:
        """Whether an author's category or tag `name` is this phrase as the vocabulary writes
        it: the same words, acronyms in their capitals. A common word that needs its context
        never names a topic on its own."""
        if self.context or tuple(tokens(name)) != self.words:
            return False
        return self.written is None or self.written.search(fold_chars(name)) is not None


def _guarded_phrase(value: str, context, exact: bool) -> GuardedPhrase:
    """Unpickling a `GuardedPhrase` (pickle passes no keyword arguments)."""
    return GuardedPhrase(value, context, exact=exact)


def _holds(toks: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Whether `words` occur in `toks` one after another."""
    first, n = words[0], len(words)
    i = -1
    while True:
        try:
            i = toks.index(first, i + 1)
        except ValueError:
            return False
        if toks[i : i + n] == words:
            return True


@dataclass(frozen=True)
class VocabularyTopic:
    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    # Words or phrases one of which must be in a post for a one-word alias to count.
    context: tuple[str, ...] = ()

    @property
    def phrases(self) -> tuple[str, ...]:
        """Its name and aliases, each a `GuardedPhrase` where it matches only as written."""
        context = tuple(tuple(tokens(c)) for c in self.context)
        return (
            _guarded(self.name, (), alias=False),
            *(_guarded(alias, context, alias=True) for alias in self.aliases),
        )


# An alias this short ("No 10", "May") written with a capital, or any alias holding a figure,
# is a name only as the vocabulary writes it: "no 10 minutes" is not Downing Street.
SHORT_ALIAS_LETTERS = 5


def _is_short_name(alias: str) -> bool:
    if any(c.isdigit() for c in alias):
        return True
    letters = [c for c in alias if c.isalpha()]
    return len(letters) <= SHORT_ALIAS_LETTERS and any(c.isupper() for c in letters)


def _guarded(phrase: str, context: tuple[tuple[str, ...], ...], *, alias: bool) -> str:
    context = context if len(tokens(phrase)) == 1 else ()
    exact = alias and _is_short_name(phrase)
    if context or exact or any(map(_is_acronym, _WORD.findall(phrase))):
        return GuardedPhrase(phrase, context, exact=exact)
    return phrase


class AliasIndex:
    """Which vocabulary topic an author's category or tag is an alias of, as written ("Tweet"
    of Twitter, "NCVO" of Voluntary sector, not "ncvo"). The category keeps its own topic; this
    only connects it to the vocabulary's."""

    def __init__(self, vocabulary: Iterable[VocabularyTopic]):
        self._by_key: dict[str, list[tuple[str, str]]] = {}
        for topic in vocabulary:
            for alias in topic.phrases[1:]:
                self._by_key.setdefault(topic_key(alias), []).append((alias, topic.name))

    def topic_of(self, name: str) -> str | None:
        """The name of the vocabulary topic `name` is an alias of, or None."""
        for alias, topic in self._by_key.get(topic_key(name), ()):
            if not isinstance(alias, GuardedPhrase) or alias.names(name):
                return topic
        return None


def load_vocabulary(path: Path) -> list[VocabularyTopic]:
    """Read `topics.toml`: a list of `[[topic]]` tables with name, aliases and description."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise VocabularyError(
            f"{path}: cannot read the topic vocabulary ({exc.strerror})"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise VocabularyError(f"{path}: not valid TOML ({exc})") from None
    topics: list[VocabularyTopic] = []
    seen: dict[str, str] = {}
    entries = data.get("topic", [])
    if not isinstance(entries, list):
        raise VocabularyError(f"{path}: expected [[topic]] tables")
    for i, entry in enumerate(entries, start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise VocabularyError(f"{path}: topic #{i} has no name")
        name = name.strip()
        aliases = entry.get("aliases", [])
        description = entry.get("description", "")
        context = entry.get("context", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise VocabularyError(f"{path}: topic {name!r}: aliases must be a list of strings")
        if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
            raise VocabularyError(f"{path}: topic {name!r}: context must be a list of strings")
        if not isinstance(description, str):
            raise VocabularyError(f"{path}: topic {name!r}: description must be a string")
        if len(name) > TOPIC_NAME_MAX:
            raise VocabularyError(f"{path}: topic {name!r} is longer than {TOPIC_NAME_MAX}")
        for phrase in (name, *aliases):
            key = " ".join(tokens(phrase))
            if not key:
                raise VocabularyError(f"{path}: topic {name!r}: {phrase!r} has no words")
            if seen.get(key, name) != name:
                raise VocabularyError(f"{path}: {phrase!r} names both {seen[key]!r} and {name!r}")
            seen[key] = name
        topics.append(
            VocabularyTopic(
                name=name,
                description=description.strip(),
                aliases=tuple(a.strip() for a in aliases),
                context=tuple(c.strip() for c in context if c.strip()),
            )
        )
    if not topics:
        raise VocabularyError(f"{path}: no [[topic]] entries")
    return topics


class PhraseMatcher:
    """Find which of many phrases occur, as whole words, in a token list.

    One-word phrases are kept by their word. Longer ones live in a trie under their first two
    words: a node is a dict from the next word to the next node, with `_END` naming the targets
    of phrases that end there. Where only one phrase continues below a word, the rest of it is
    kept whole as a `(remaining words, target)` leaf rather than a chain of one-entry dicts, so
    100,000 titles cost a few tens of thousands of nodes, not one dict per word. A leaf holds
    its one target as it is, and a list only once a second phrase ends there too.

    `find` picks out the positions where a phrase may start in C (a set intersection for single
    words, `map` over word pairs), so Python code runs only where a phrase may begin, and there
    walks the trie only as far as the text follows it. With 100,000 titles indexed an eighth of
    all word pairs start one, and a Python loop over every word was most of an import's
    matching time.
    """

    _END = ""  # never a token: tokens are runs of word characters

    def __init__(self):
        self._words: dict[str, list[Hashable]] = {}
        # Phrases that match only under conditions, by their first word (`GuardedPhrase`).
        self._guarded: dict[str, list[tuple[Hashable, GuardedPhrase]]] = {}
        self._heads: dict[tuple[str, str], dict] = {}
        self.size = 0

    def add(self, phrase: str | Iterable[str], target: Hashable) -> bool:
        toks = tokens(phrase) if isinstance(phrase, str) else phrase
        toks = tuple(map(sys.intern, toks))
        if not toks:
            return False
        self.size += 1
        if isinstance(phrase, GuardedPhrase):
            self._guarded.setdefault(toks[0], []).append((target, phrase))
            return True
        if len(toks) == 1:
            self._words.setdefault(toks[0], []).append(target)
            return True
        node = self._heads.setdefault(toks[:2], {})
        rest = toks[2:]
        while rest:
            word, rest = rest[0], rest[1:]
            child = node.get(word)
            if child is None:
                node[word] = (rest, target)  # one target: no list (a 1 GB export's titles)
                return True
            if type(child) is tuple:
                tail, targets = child
                if tail == rest:
                    if type(targets) is list:
                        targets.append(target)
                    else:
                        node[word] = (tail, [targets, target])
                    return True
                # A second phrase passes here: the leaf becomes a node, its tail one word shorter.
                if type(targets) is not list:
                    targets = [targets]
                child = node[word] = (
                    {tail[0]: (tail[1:], targets)} if tail else {self._END: targets}
                )
            node = child
        node.setdefault(self._END, []).append(target)
        return True

    def find(self, toks: list[str]) -> set[Hashable]:
        """The targets of the phrases in `toks`; a phrase that must match as written needs
        `toks` to be `Tokens`, which know their text."""
        # The hot loop of an import: written out flat (no generator, locals bound) on purpose.
        found: set[Hashable] = set()
        text = getattr(toks, "text", None)
        toks = tuple(toks)  # slices of a tuple compare with the tuples in the leaves
        n = len(toks)
        words, end_mark = self._words, self._END
        if words:
            # A dict view & an iterable checks each item against the dict, all in C.
            for word in words.keys() & toks:
                found.update(words[word])
        if self._guarded:
            # Rare words ("cuts", "RSA"): their conditions are checked only where they occur.
            for word in self._guarded.keys() & toks:
                for target, phrase in self._guarded[word]:
                    if target not in found and phrase.found_in(toks, text):
                        found.add(target)
        # (position, node) for every pair of words that starts a phrase, picked out in C.
        pairs = zip(toks, toks[1:], strict=False)
        for i, node in filter(itemgetter(1), enumerate(map(self._heads.get, pairs))):
            j = i + 2
            while True:
                hit = node.get(end_mark)
                if hit:
                    found.update(hit)
                if j == n:
                    break
                node = node.get(toks[j])
                if node is None:
                    break
                j += 1
                if type(node) is tuple:
                    tail, targets = node
                    if toks[j : j + len(tail)] == tail:
                        if type(targets) is list:
                            found.update(targets)
                        else:
                            found.add(targets)
                    break
        return found

    def spans(self, toks: list[str]) -> list[tuple[int, int]]:
        """Token ranges [start, end) covered by any phrase, for masking them out."""
        return [(start, end) for start, end, _ in self._matches(toks)]

    def _matches(self, toks: list[str]) -> Iterator[tuple[int, int, Hashable]]:
        # Not hot (the miner calls it once per distinct run of names): kept simple.
        toks = tuple(toks)
        for i, word in enumerate(toks):
            for target in self._words.get(word, ()):
                yield i, i + 1, target
            for target, phrase in self._guarded.get(word, ()):
                end = i + len(phrase.words)
                if toks[i:end] == phrase.words:
                    yield i, end, target
            node = self._heads.get(toks[i : i + 2])
            j = i + 2
            while node is not None:
                if type(node) is tuple:
                    tail, targets = node
                    if toks[j : j + len(tail)] == tail:
                        for target in targets if type(targets) is list else (targets,):
                            yield i, j + len(tail), target
                    break
                for target in node.get(self._END, ()):
                    yield i, j, target
                node = node.get(toks[j]) if j < len(toks) else None
                j += 1


def vocabulary_matcher(vocabulary: Iterable[VocabularyTopic]) -> PhraseMatcher:
    matcher = PhraseMatcher()
    for topic in vocabulary:
        for phrase in topic.phrases:
            matcher.add(phrase, topic.name)
    return matcher


def title_tokens(title: str) -> list[str] | None:
    """Tokens to look for when other posts mention this title, or None if it is too short."""
    toks = tokens(title)
    return toks if len(toks) >= MENTION_MIN_TOKENS else None


# --- Recurring named phrases ------------------------------------------------------------------

# Capitalised words that start sentences or are too common to name anything.
_STOP_TEXT = """
    a an and as at but by for from he her his i if in into it its me my no not of on or our she so
    that the their then there these they this those to us was we were what when where which who
    why will with yes you your here how all also after before because every some many most more
    much one two three first last next new yesterday today tomorrow morning evening
    mr mrs ms dr lord sir st
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
# Small words allowed inside a name ("Department of Health", "Social by Social"), never at its
# ends. Not "and": it would join two names ("London and Twitter") into one.
CONNECTORS = frozenset({"of", "for", "by", "the"})
# A capitalised word (ASCII and Latin-1 capitals), and runs of two or more of them joined by
# spaces and connectors. A lone capital (most of them start a sentence) is never a phrase, so the
# regex skips it rather than handing it to Python. The lookbehind, "not after a word character
# or apostrophe", is written after the first capital rather than before it so that the pattern
# starts with a character set: the regex engine then jumps from capital to capital in C instead
# of trying the lookbehind at every character of the text.
_NAME_TAIL = r"\w*(?:['’]\w+)*"
_NAME = rf"[A-ZÀ-ÖØ-Þ]{_NAME_TAIL}"
_NAME_RUN = re.compile(
    rf"[A-ZÀ-ÖØ-Þ](?<![\w'’].){_NAME_TAIL}(?:[ \u00a0]+(?:(?:of|for|by|the)[ \u00a0]+)*{_NAME})+"
)
_POSSESSIVE = re.compile(r"['’]s$")
PHRASE_MIN_POSTS = 2
PHRASE_MAX_WORDS = 4
# A big archive has thousands of phrases found in two posts; the topic index keeps the commonest.
PHRASE_MAX_TOPICS = 200
PHRASE_MAX_CANDIDATES = 500_000
RUN_MEMO_MAX = 200_000


def _name_runs(text: str) -> Iterator[list[str]]:
    """Runs of two or more capitalised words (connectors inside), as written; "’s" dropped."""
    for found in _NAME_RUN.findall(text):
        yield from _words_of_run(found)


def _words_of_run(found: str) -> Iterator[list[str]]:
    """The names in one match of `_NAME_RUN`: split at contractions, trailing connectors off."""
    run: list[str] = []
    for word in found.split():
        if word.endswith(("s", "S")):
            word = _POSSESSIVE.sub("", word)
        if "'" in word or "’" in word:  # a contraction such as "I’ve" is not a name
            if run:
                yield run
            run = []
        else:
            run.append(word)
    while run and run[-1] in CONNECTORS:
        run.pop()
    if run:
        yield run


class PhraseMiner:
    """Count capitalised multi-word names per post; keep those found in two or more posts.

    Spans already covered by `exclude` (the vocabulary) are masked first, so "Big Society Big
    Plan" yields "Big Plan" and vocabulary names never come back as phrases. The names of the
    people who wrote or commented (`feed(..., people=)`, `add_people`) are never phrases: a
    byline or a commenter's name ("Hua Liang") is not what the posts are about. Nor is code:
    callers feed a post's own words (importer.prepare.records.mining_text).
    """

    def __init__(self, exclude: PhraseMatcher | None = None):
        self._exclude = exclude
        self._counts: Counter[tuple[str, ...]] = Counter()
        self._surface: dict[tuple[str, ...], str] = {}
        # The same runs of names come back post after post ("Big Society Network", "Nat Wei"):
        # each distinct match of `_NAME_RUN` is split, folded, masked and cut into phrases once.
        self._match_keys: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._people: set[str] = set()  # as written; folded once, in `phrases`

    def feed(self, text: str, people: Iterable[str] = ()) -> None:
        """Count the names in one post's own words; `people` are its author's and
        commenters' names, never kept as phrases."""
        self.add_people(people)
        matches = _NAME_RUN.findall(text)
        memo = self._match_keys
        if len(memo) + len(matches) > RUN_MEMO_MAX:
            memo.clear()  # bounded memory; cleared before, so every match below stays in it
        for found in filterfalse(memo.__contains__, matches):
            keys = []
            for words in _words_of_run(found):
                if len(words) >= 2:
                    keys.extend(self._run_phrases(words))
            memo[found] = tuple(keys)
        # Each phrase counts once per post, however often the post names it.
        self._counts.update(set(chain.from_iterable(map(memo.__getitem__, matches))))
        if len(self._counts) > PHRASE_MAX_CANDIDATES:
            self._prune()

    def add_people(self, people: Iterable[str]) -> None:
        """Names that are never phrases: bylines, commenters, a listing's author archive."""
        if len(self._people) < PEOPLE_MAX:
            self._people.update(people)

    def _run_phrases(self, words: list[str]) -> tuple[tuple[str, ...], ...]:
        """The candidate phrases (folded) inside one run of names; notes how each is written."""
        folded = [w.casefold() if w.isascii() else fold(w) for w in words]
        masked = [False] * len(words)
        if self._exclude is not None:
            for start, end in self._exclude.spans(folded):
                for j in range(start, end):
                    masked[j] = True
        keys = []
        for i in range(len(words)):
            for j in range(i + 2, min(i + PHRASE_MAX_WORDS, len(words)) + 1):
                if any(masked[i:j]):
                    break
                key = tuple(folded[i:j])
                if key[0] in STOP_WORDS or key[-1] in STOP_WORDS:
                    continue
                if key[0] in CONNECTORS or key[-1] in CONNECTORS:
                    continue
                keys.append(key)
                self._surface.setdefault(key, " ".join(words[i:j]))
        return tuple(dict.fromkeys(keys))

    def _prune(self) -> None:
        # Bounded memory on huge archives: forget names seen once so far. Deterministic for a
        # given file; a name whose two posts lie far apart in a huge file may be missed.
        for key in [k for k, c in self._counts.items() if c < PHRASE_MIN_POSTS]:
            del self._counts[key]
            self._surface.pop(key, None)
        self._match_keys.clear()  # its runs would no longer note how a forgotten name is written

    def phrases(self) -> list[str]:
        """Recurring phrases, commonest first; a phrase inside a longer one found in as many
        posts is dropped ("Society Network" when "Big Society Network" is always there)."""
        kept = {k: c for k, c in self._counts.items() if c >= PHRASE_MIN_POSTS}
        # For every phrase, the most posts any longer phrase containing it was found in.
        in_longer: dict[tuple[str, ...], int] = {}
        for key, count in kept.items():
            for n in range(2, len(key)):
                for i in range(len(key) - n + 1):
                    sub = key[i : i + n]
                    if in_longer.get(sub, 0) < count:
                        in_longer[sub] = count
        people = set(map(_person_key, self._people))
        result = []
        for key, count in kept.items():
            surface = self._surface[key]
            if _person_key(surface) in people:
                continue
            if in_longer.get(key, 0) < count and len(surface) <= TOPIC_NAME_MAX:
                result.append((-count, surface.casefold(), surface))
        result.sort()
        return [surface for _, _, surface in result[:PHRASE_MAX_TOPICS]]


PEOPLE_MAX = 200_000  # names of authors and commenters kept out of phrases (bounded memory)


def _person_key(name: str) -> tuple[str, ...]:
    """A name's folded words, punctuation ignored: a byline's "T. Parse" is the text's "T Parse"."""
    return tuple(tokens(name))


def topic_key(name: str) -> str:
    """How topic names and aliases are compared: folded words, punctuation ignored."""
    return " ".join(tokens(name))
