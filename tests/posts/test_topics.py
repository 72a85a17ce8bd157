"""Topic matching and phrase mining, without a database."""

import pickle
import random
import re
from pathlib import Path

import pytest

from core.text import fold_chars
from importer.readers.listing_parser import ArchiveParser, LineReader
from importer.topics import (
    _NAME_RUN,
    PHRASE_MAX_TOPICS,
    AliasIndex,
    PhraseMatcher,
    PhraseMiner,
    VocabularyError,
    VocabularyTopic,
    load_vocabulary,
    tokens,
    vocabulary_matcher,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary(SEEDS / "topics.toml")


@pytest.fixture(scope="module")
def seed_posts():
    with open(SEEDS / "big-society-network.txt", "rb") as f:
        posts = list(ArchiveParser(LineReader(f)))
    return {p.key: p for p in posts}.values()  # one record per title


def topics_of(matcher, post):
    return matcher.find(tokens(post.title + "\n" + post.body))


def test_vocabulary_has_the_topics_the_archive_needs(vocabulary):
    names = {t.name for t in vocabulary}
    assert len(vocabulary) >= 22
    assert {
        "Big Society",
        "Big Society Network",
        "Our Society",
        "Chain Reaction",
        "Nat Wei",
        "Steve Moore",
        "NESTA",
        "Neighbourhood Challenge",
        "Innovation Hub",
        "Knowledge gardening",
        "Volunteering",
        "Social enterprise",
        "Community organisers",
        "Twitter",
        "Wiki",
        "Social reporting",
        "Voluntary sector",
        "RSA",
        "Third Sector",
        "David Cameron",
    } <= names
    assert all(t.description for t in vocabulary)


def test_matching_ignores_case_and_typography():
    matcher = PhraseMatcher()
    matcher.add("That’s big society", "t")
    assert matcher.find(tokens("THAT'S Big\u00a0Society!")) == {"t"}


def test_matching_is_on_word_boundaries():
    matcher = PhraseMatcher()
    matcher.add("RSA", "rsa")
    matcher.add("wiki", "wiki")
    assert matcher.find(tokens("Versailles, Wikipedia and the wikis")) == set()
    assert matcher.find(tokens("the RSA hosted a wiki")) == {"rsa", "wiki"}


def test_hashtag_alias_matches_the_bare_word(vocabulary):
    matcher = vocabulary_matcher(vocabulary)
    assert "Big Society" in matcher.find(tokens("“#bigsociety is about much more”"))


def test_longer_phrases_match_whole(vocabulary):
    matcher = PhraseMatcher()
    matcher.add("a b c d e", 1)
    matcher.add("a b", 2)
    assert matcher.find(tokens("x a b c d e")) == {1, 2}
    assert matcher.find(tokens("x a b c d")) == {2}


def test_every_seed_post_gets_vocabulary_topics(vocabulary, seed_posts):
    matcher = vocabulary_matcher(vocabulary)
    for post in seed_posts:
        assert topics_of(matcher, post), post.title


def test_seed_posts_get_the_topics_they_are_about(vocabulary, seed_posts):
    matcher = vocabulary_matcher(vocabulary)
    found = {p.title: topics_of(matcher, p) for p in seed_posts}
    chain = next(t for t in found if t.startswith("An amazing day"))
    assert {"Chain Reaction", "Nat Wei", "Our Society", "Volunteering"} <= found[chain]
    assert {"NESTA", "Neighbourhood Challenge", "RSA", "Voluntary sector", "Twitter"} <= found[
        "Where do we gather on Big Society – besides London and Twitter?"
    ]
    assert {"Knowledge gardening", "Social enterprise"} <= found[
        "Networking Big Society – or maybe some knowledge gardening"
    ]
    assert "Steve Moore" in found["Steve Moore leads new Big Society Innovation Platform"]


def test_recurring_phrases_of_the_seed_leave_out_vocabulary_names(vocabulary, seed_posts):
    miner = PhraseMiner(exclude=vocabulary_matcher(vocabulary))
    for post in seed_posts:
        miner.feed(post.body)
    phrases = miner.phrases()
    assert {"Big Plan", "Big Process", "Prime Minister"} <= set(phrases)
    assert "Big Society" not in phrases and "Society Network" not in phrases


def test_phrases_need_two_posts_and_skip_sentence_starts():
    miner = PhraseMiner()
    miner.feed("Yesterday Kevin Harris met The Young Foundation. In London it rained.")
    miner.feed("Then Kevin Harris wrote. In London again.")
    miner.feed("Only here: Canary Wharf.")
    phrases = miner.phrases()
    assert phrases == ["Kevin Harris"]


def test_phrases_are_deterministic_and_capped():
    texts = [f"Alpha Beta{i // 2} met Gamma Delta." for i in range(2 * (PHRASE_MAX_TOPICS + 50))]
    first, second = PhraseMiner(), PhraseMiner()
    for text in texts:
        first.feed(text)
    for text in texts:
        second.feed(text)
    assert first.phrases() == second.phrases()
    assert len(first.phrases()) == PHRASE_MAX_TOPICS
    assert first.phrases()[0] == "Gamma Delta"  # found in every post, so it comes first


def test_phrase_inside_a_longer_one_as_common_is_dropped():
    miner = PhraseMiner()
    miner.feed("We met the Social Enterprise Coalition.")
    miner.feed("Then the Social Enterprise Coalition replied.")
    assert miner.phrases() == ["Social Enterprise Coalition"]


def test_broken_vocabulary_gives_a_clear_error(tmp_path):
    bad = tmp_path / "topics.toml"
    bad.write_text('[[topic]]\nname = "A"\naliases = "not a list"\n')
    with pytest.raises(VocabularyError, match="aliases must be a list"):
        load_vocabulary(bad)
    bad.write_text("[[topic]\n")
    with pytest.raises(VocabularyError, match="not valid TOML"):
        load_vocabulary(bad)
    bad.write_text(
        '[[topic]]\nname = "A"\naliases = ["x"]\n[[topic]]\nname = "B"\naliases = ["X"]\n'
    )
    with pytest.raises(VocabularyError, match="names both"):
        load_vocabulary(bad)
    with pytest.raises(VocabularyError, match="cannot read"):
        load_vocabulary(tmp_path / "missing.toml")


def _brute_force_matches(phrases, toks):
    """Every (start, end, target) where a phrase's tokens occur: the definition `find` and
    `spans` must agree with, however the index is laid out."""
    return {
        (i, i + len(words), target)
        for words, target in phrases
        for i in range(len(toks) - len(words) + 1)
        if tuple(toks[i : i + len(words)]) == words
    }


def test_matcher_agrees_with_brute_force_on_overlapping_phrases():
    # Phrases that share first words, end inside each other, repeat with other targets and
    # differ only in their last word: every way a trie's nodes and leaves can meet.
    rng = random.Random(5)
    alphabet = ["a", "b", "c", "d", "e"]
    for _ in range(300):
        phrases = []
        for n in range(rng.randint(1, 12)):
            words = tuple(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
            phrases.append((words, rng.choice([n, f"t{n}", "shared"])))
        matcher = PhraseMatcher()
        for words, target in phrases:
            matcher.add(words, target)
        for _ in range(5):
            toks = [rng.choice(alphabet) for _ in range(rng.randint(0, 20))]
            expected = _brute_force_matches(phrases, toks)
            assert matcher.find(toks) == {target for _, _, target in expected}
            assert set(matcher.spans(toks)) == {(start, end) for start, end, _ in expected}


def test_tokens_on_tricky_text_are_the_folded_word_runs():
    # `tokens` takes a fast path for ASCII; it must give exactly what the regex gives on the
    # folded text, whatever mix of scripts, quotes, dashes, digits and odd spaces comes in.
    def reference(text):
        return re.findall(r"\w+", fold_chars(text).casefold())

    samples = [
        "That’s the Big Society’s “big idea” — isn’t it?",
        "co-op, co‑op and co–op; snake_case_word __init__ x_1",
        "Straße, İstanbul, ǅemal, ﬁnance, Ⅻ, x², ١٢٣ and 3½",
        "Café naïve résumé\u00a0NBSP\u202fthin\u2009space zero\u200bwidth \ufeffBOM",
        "tabs\tand\x0bvertical\x1cfile\x1fseparators\r\nand\x85next-line",
        "“#bigsociety” @nat_wei http://example.org/a-b?c=d&e=f … (more…)",
        "",
        "   ",
        "ASCII only: MiXeD CaSe, 'quotes', \"double\", 10.5% and $3",
    ]
    assert tokens("Don’t STOP—believin’") == ["don", "t", "stop", "believin"]
    assert tokens("snake_case x²") == ["snake_case", "x2"]
    alphabet = "aZ_9 -’'\u2014\u00a0\u200bßİﬁ²é\t.\u2026\u2010Ж"
    rng = random.Random(7)
    samples += ["".join(rng.choice(alphabet) for _ in range(40)) for _ in range(500)]
    for text in samples:
        assert tokens(text) == reference(text), text


def test_name_runs_are_the_multi_word_matches_of_the_plain_pattern():
    # `_NAME_RUN` is written for speed (two or more names; lookbehind after the first capital).
    # It must find exactly the multi-word runs of the plain pattern: a capitalised word not
    # after a word character or apostrophe, then more joined by spaces and connectors.
    name = r"[A-ZÀ-ÖØ-Þ]\w*(?:['’]\w+)*"
    plain = re.compile(rf"(?<![\w'’]){name}(?:[ \u00a0]+(?:(?:of|for|by|the)[ \u00a0]+)*{name})*")

    def reference(text):
        return [m for m in plain.findall(text) if " " in m or "\u00a0" in m]

    samples = [
        "Big Society Network met Nat Wei. In London it rained; The Young Foundation wrote.",
        "Department of the Environment, Secretary of State for Health and Social by Social.",
        "O’Neil’s Big Society’s plan: I’ve seen Kevin Harris' notes. 'Big Plan' and “Big Plan”.",
        "Big\u00a0Society, Ørsted Énergie and ÀÖ Þing; 3Big Society x_Big Society Big",
        "Big Society of",
        "Of The Big",
        "A",
        "",
        "Big  Society   Network of  the  RSA",
    ]
    alphabet = ["Big", "Society", "of", "the", "’s", "I’ve", " ", "\u00a0", ". ", "x", "Ø", "'"]
    rng = random.Random(11)
    samples += ["".join(rng.choice(alphabet) for _ in range(30)) for _ in range(500)]
    for text in samples:
        assert _NAME_RUN.findall(text) == reference(text), text


def test_a_common_word_alias_names_its_topic_only_beside_a_context_word(tmp_path):
    from importer.topics import PhraseMatcher, load_vocabulary, tokens

    path = tmp_path / "topics.toml"
    path.write_text(
        '[[topic]]\nname = "Spending cuts"\naliases = ["cuts", "austerity cuts"]\n'
        'context = ["budget", "public sector"]\ndescription = "x"\n',
        encoding="utf-8",
    )
    matcher = PhraseMatcher()
    for phrase in load_vocabulary(path)[0].phrases:
        matcher.add(phrase, "cuts-topic")
    assert matcher.find(tokens("She cuts the ribbon at the fete.")) == set()
    assert matcher.find(tokens("The budget cuts hit the library.")) == {"cuts-topic"}
    assert matcher.find(tokens("Public sector cuts again.")) == {"cuts-topic"}
    assert matcher.find(tokens("More austerity cuts.")) == {"cuts-topic"}  # as written in full
    assert matcher.find(tokens("Spending cuts.")) == {"cuts-topic"}
    assert matcher.find(tokens("She cuts the ribbon in public.")) == set()  # a phrase, whole


def test_an_acronym_names_its_topic_only_as_written(vocabulary):
    matcher = vocabulary_matcher(vocabulary)
    assert "RSA" in matcher.find(tokens("The RSA hosted it; RSA-style debates"))
    assert "RSA" not in matcher.find(tokens("an rsa key from www.rsa.com, or Rsa"))
    assert "Events" in matcher.find(tokens("Athens TEDx tomorrow"))
    assert "Events" not in matcher.find(tokens("a tedx talk"))
    assert "Voluntary sector" not in matcher.find(tokens("ncvo"))
    # Tokens without their text cannot tell capitals apart: the acronym does not match.
    assert "RSA" not in matcher.find(list(tokens("The RSA")))


def test_an_authors_category_reaches_a_vocabulary_topic_only_by_an_alias_as_written(vocabulary):
    aliases = AliasIndex(vocabulary)
    assert aliases.topic_of("Tweet") == aliases.topic_of("tweets") == "Twitter"
    assert aliases.topic_of("Blog") == "Blogging"
    assert aliases.topic_of("NCVO") == aliases.topic_of("#NCVO") == "Voluntary sector"
    assert aliases.topic_of("Canary Wharf") == "London"
    assert aliases.topic_of("ncvo") is None and aliases.topic_of("Ncvo") is None
    assert aliases.topic_of("Cuts") is None  # a common word, and no context words around it
    assert aliases.topic_of("Blog posts") is None  # the whole name, not a word of it
    assert aliases.topic_of("Twitter") is None  # a vocabulary name is found by name


def test_a_person_is_never_a_phrase_however_the_byline_punctuates_the_name():
    miner = PhraseMiner()
    for _ in range(3):
        miner.feed("T Parse and Mo Farid met at the Riverside Food Bank.", ["T. Parse", "Mo Farid"])
    assert miner.phrases() == ["Riverside Food Bank"]


def test_a_short_alias_written_with_a_capital_or_a_figure_matches_only_as_written_after_pickling():
    topic = VocabularyTopic(name="Downing Street", aliases=("No 10", "May", "blog"))
    matcher = pickle.loads(pickle.dumps(vocabulary_matcher([topic])))
    found = {
        text: bool(matcher.find(tokens(text)))
        for text in ("No 10 said so.", "no 10 minutes", "NO 10", "It may rain.", "May spoke.")
    }
    assert found == {
        "No 10 said so.": True, "no 10 minutes": False, "NO 10": False,
        "It may rain.": False, "May spoke.": True,
    }  # fmt: skip
    # A lower-case short alias is an ordinary word: any case, a sentence may start with it.
    assert matcher.find(tokens("Blog posts")) == {"Downing Street"}
