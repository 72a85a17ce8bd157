"""Loading archives into PostgreSQL: idempotence, updates in place, rollback, topics, mentions."""

from pathlib import Path

import pytest
from django.db import DataError, connection

from importer import listing_import as listing_module
from importer import pipeline as load_module
from importer.pipeline import ArchiveError, import_archive
from importer.plan import listing as listing_plan
from importer.plan.slugs import post_slug_base
from importer.topic_book import sync_vocabulary
from importer.topics import VocabularyTopic, load_vocabulary
from importer.write import first_import as first_import_module
from posts.models import Archive, Post, TaggedPost, Topic

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED = SEEDS / "big-society-network.txt"

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocabulary():
    vocab = load_vocabulary(SEEDS / "topics.toml")
    sync_vocabulary(vocab)
    return vocab


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path, vocabulary, **kw):
    return import_archive(path, vocabulary=vocabulary, **kw)


def test_seed_loads_nine_posts_with_exact_titles(vocabulary):
    result = load(SEED, vocabulary)
    assert (result.posts, result.created, result.duplicates) == (9, 9, 1)
    assert Post.objects.count() == 9
    assert Post.objects.filter(
        title="An amazing day with Chain Reaction: no moans, many assets, a community march. "
        "That’s big society – or Our Society"
    ).exists()
    assert not Post.objects.filter(title__contains="That's").exists()


def test_seed_posts_record_their_archive_and_rendered_body(vocabulary):
    load(SEED, vocabulary)
    archive = Archive.objects.get(name="big-society-network.txt")
    assert archive.header == 'Search Results for: "big society network"'
    assert archive.posts.count() == 9
    post = Post.objects.get(title__startswith="Networking Big Society")
    assert post.is_excerpt
    assert "<ol><li>Give communities more powers</li>" in post.body_html
    assert "read more" not in post.body and "read more" not in post.body_html


def test_seed_gives_at_least_twenty_topics_with_posts(vocabulary):
    load(SEED, vocabulary)
    used = Topic.objects.with_post_counts().filter(post_count__gt=0)
    assert used.count() >= 20
    assert all(p.tags.exists() for p in Post.objects.all())


def test_header_topic_tags_every_post_of_the_archive(vocabulary):
    load(SEED, vocabulary)
    network = Topic.objects.get(name="Big Society Network")
    assert network.source == Topic.Source.VOCABULARY  # the header matched a vocabulary name
    assert Post.objects.for_topic(network).count() == 9


def test_recurring_phrases_become_phrase_topics(vocabulary):
    load(SEED, vocabulary)
    phrase = Topic.objects.get(name="Big Plan")
    assert phrase.source == Topic.Source.PHRASE
    assert Post.objects.for_topic(phrase).count() == 2


def test_post_naming_another_title_mentions_it(vocabulary):
    load(SEED, vocabulary)
    evolving = Post.objects.get(title__startswith="Evolving Big Society")
    networking = Post.objects.get(title__startswith="Networking Big Society")
    assert list(evolving.mentions.all()) == [networking]
    assert list(networking.mentioned_by.all()) == [evolving]


@pytest.mark.parametrize("force", [False, True], ids=["skipped", "forced"])
def test_second_run_changes_nothing(vocabulary, force):
    first = load(SEED, vocabulary)
    before = {p.pk: (p.slug, p.updated_at, p.checksum) for p in Post.objects.all()}
    counts = (Post.objects.count(), Topic.objects.count(), TaggedPost.objects.count())
    result = load(SEED, vocabulary, force=force)
    assert result.skipped is not force
    assert (result.created, result.updated, result.unchanged) == (0, 0, 9)
    assert (result.posts, result.duplicates) == (first.posts, first.duplicates)
    assert {p.pk: (p.slug, p.updated_at, p.checksum) for p in Post.objects.all()} == before
    assert (Post.objects.count(), Topic.objects.count(), TaggedPost.objects.count()) == counts


def test_changed_post_is_updated_in_place(tmp_path, vocabulary):
    path = write(tmp_path, "a.txt", "One post\n\nFirst text. read more »\n\nTwo\n\nOther.\n")
    load(path, vocabulary)
    post = Post.objects.get(title="One post")
    path.write_text("One post\n\nSecond text about volunteers. read more »\n\nTwo\n\nOther.\n")
    result = load(path, vocabulary)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    again = Post.objects.get(title="One post")
    assert (again.pk, again.slug) == (post.pk, post.slug)
    assert again.body == "Second text about volunteers."
    assert again.updated_at > post.updated_at
    assert again.tags.filter(name="Volunteering").exists()
    assert Post.objects.count() == 2


def test_typographic_twin_updates_the_title_of_the_same_post(tmp_path, vocabulary):
    path = write(tmp_path, "a.txt", "That's it - done\n\nBody.\n")
    load(path, vocabulary)
    path.write_text("That’s it – done\n\nBody.\n")
    load(path, vocabulary)
    assert list(Post.objects.values_list("title", flat=True)) == ["That’s it – done"]


def test_typographic_twin_wins_within_a_file_whatever_the_order(tmp_path, vocabulary):
    path = write(
        tmp_path, "a.txt", "Its a 'test'\n\nPlain. read more »\n\nIts a ‘test’\n\nCurly.\n"
    )
    result = load(path, vocabulary)
    assert result.duplicates == 1
    post = Post.objects.get()
    assert (post.title, post.body) == ("Its a ‘test’", "Curly.")


def test_slug_collision_with_another_title_gets_a_hashed_suffix(tmp_path, vocabulary):
    path = write(tmp_path, "a.txt", "Hello, world\n\nOne. read more »\n\nHello world!\n\nTwo.\n")
    load(path, vocabulary)
    slugs = sorted(Post.objects.values_list("slug", flat=True))
    assert slugs[0] == "hello-world"
    assert slugs[1].startswith("hello-world-") and len(slugs[1]) == len("hello-world-") + 8
    load(path, vocabulary)
    assert sorted(Post.objects.values_list("slug", flat=True)) == slugs


def test_broken_file_changes_nothing_even_when_it_fails_late(tmp_path, vocabulary):
    good = "".join(f"Post {i}\n\nBody {i}. read more »\n\n" for i in range(50))
    path = write(tmp_path, "late.txt", good + "Lonely title at the end\n")
    with pytest.raises(ArchiveError) as exc:
        load(path, vocabulary, batch_size=10)
    assert exc.value.line == 201
    assert "late.txt, line 201" in str(exc.value)
    assert Post.objects.count() == 0
    assert not Archive.objects.filter(name="late.txt").exists()


def test_broken_new_version_leaves_the_old_posts_as_they_were(tmp_path, vocabulary):
    path = write(tmp_path, "a.txt", "One\n\nOld text.\n")
    load(path, vocabulary)
    path.write_bytes("One\n\nNew text. read more »\n\nTwo\n\nBad ".encode() + b"\x81\n")
    with pytest.raises(ArchiveError, match="neither UTF-8 nor Windows-1252"):
        load(path, vocabulary)
    assert list(Post.objects.values_list("body", flat=True)) == ["Old text."]


def test_interrupted_load_rolls_back_batches_already_written(tmp_path, vocabulary):
    path = write(tmp_path, "a.txt", "".join(f"P{i} x\n\nBody. read more »\n\n" for i in range(5)))

    def interrupt(stage, done, total):
        if stage == "load" and done >= 2:
            assert Post.objects.count() >= 2  # the first batch really was written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load(path, vocabulary, batch_size=2, progress=interrupt)
    assert Post.objects.count() == 0
    assert TaggedPost.objects.count() == 0


def test_failed_write_in_the_writer_thread_rolls_back_everything(tmp_path, vocabulary, monkeypatch):
    # The load pass writes in a thread of its own; an error there must surface as Django's
    # error in the caller and leave nothing behind, even batches written before it.
    path = write(tmp_path, "a.txt", "".join(f"P{i} x\n\nBody. read more »\n\n" for i in range(6)))
    real_copy_job, calls = listing_module.copy_job, []

    def failing_third_copy(*args):
        calls.append(args)
        if len(calls) == 3:
            return lambda cursor: cursor.execute("SELECT 1 / 0")
        return real_copy_job(*args)

    monkeypatch.setattr(listing_module, "copy_job", failing_third_copy)
    with pytest.raises(DataError):
        load(path, vocabulary, batch_size=2)
    assert Post.objects.count() == 0
    assert TaggedPost.objects.count() == 0


def _foreign_keys():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid::regclass::text LIKE 'posts_%%' ORDER BY 1, 2"
        )
        return cursor.fetchall()


def test_first_import_puts_back_every_foreign_key_it_set_aside(tmp_path, vocabulary, monkeypatch):
    # Into an empty database the import drops the tag, archive and mention tables' foreign keys
    # and adds them back (one check of every row); they must come back exactly as they were.
    before = _foreign_keys()
    assert any("taggedpost" in table for table, _, _ in before)
    put_aside = []
    real = first_import_module.foreign_keys_checked_at_the_end

    def spy(bulk):
        put_aside.append(bulk)
        return real(bulk)

    monkeypatch.setattr(first_import_module, "foreign_keys_checked_at_the_end", spy)
    load(SEED, vocabulary)
    assert put_aside == [True]
    assert _foreign_keys() == before
    assert TaggedPost.objects.exists()
    load(write(tmp_path, "b.txt", "Another post here\n\nBody. read more »\n"), vocabulary)
    assert put_aside == [True, False]  # not once the site has posts
    assert _foreign_keys() == before


def _indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes"
            " WHERE tablename LIKE 'posts_%%' ORDER BY 1, 2"
        )
        return cursor.fetchall()


def test_first_import_builds_back_every_index_it_set_aside(tmp_path, vocabulary):
    # Into an empty database the import drops the search, listing and tag indexes and builds
    # them once at the end; they must come back exactly as they were, and be used.
    before = _indexes()
    assert any(name == "post_search_vector" for _, name, _ in before)
    load(SEED, vocabulary)
    assert _indexes() == before
    load(write(tmp_path, "b.txt", "Zebrafinch sightings\n\nBody. read more »\n"), vocabulary)
    assert _indexes() == before
    assert Post.objects.filter(search_vector="zebrafinch").count() == 1


def _estimated_posts() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'posts_post'")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # ANALYZE runs once the file's transaction commits
def test_big_import_refreshes_the_planners_statistics(tmp_path, vocabulary, monkeypatch):
    monkeypatch.setattr(load_module, "ANALYZE_BASE", 3)  # and 10% of the posts held before

    def posts(name, count):
        body = "".join(f"{name}{i} x\n\nBody. read more »\n\n" for i in range(count))
        return write(tmp_path, f"{name}.txt", body)

    load(posts("P", 4), vocabulary)  # 4 > 3 + 0
    assert _estimated_posts() == 4
    load(posts("Q", 6), vocabulary)  # 6 > 3 + 0.4
    assert _estimated_posts() == 10
    load(posts("R", 4), vocabulary)  # 4 is not > 3 + 1: left to autovacuum
    assert _estimated_posts() == 10


def test_category_lines_and_dates_are_stored(tmp_path, vocabulary):
    path = write(
        tmp_path,
        "c.txt",
        "Category Archives: Localism\n\nA post\nJune 20, 2010\n\nText.\nread more »\n"
        "Posted in Volunteering, Parish councils\n",
    )
    load(path, vocabulary)
    post = Post.objects.get()
    assert str(post.published) == "2010-06-20"
    names = {t.name: t.source for t in post.tags.all()}
    assert names["Volunteering"] == Topic.Source.VOCABULARY  # a category naming a vocabulary topic
    assert names["Parish councils"] == Topic.Source.CATEGORY
    # The header phrase is an alias of a vocabulary topic, so the post gets that topic.
    assert names["Community empowerment"] == Topic.Source.VOCABULARY
    assert not Topic.objects.filter(name="Localism").exists()


def test_unknown_header_phrase_becomes_an_archive_topic(tmp_path, vocabulary):
    path = write(tmp_path, "t.txt", "Tag Archives: allotments\n\nA post\n\nText.\n")
    load(path, vocabulary)
    topic = Topic.objects.get(name="allotments")
    assert topic.source == Topic.Source.ARCHIVE
    assert Post.objects.for_topic(topic).count() == 1


def test_a_post_in_two_archives_records_both(tmp_path, vocabulary):
    one = write(tmp_path, "one.txt", "Tag Archives: apples\n\nShared post\n\nText.\n")
    two = write(tmp_path, "two.txt", "Tag Archives: pears\n\nShared post\n\nText.\n")
    load(one, vocabulary)
    load(two, vocabulary)
    load(one, vocabulary)
    post = Post.objects.get()
    assert sorted(a.name for a in post.archives.all()) == ["one.txt", "two.txt"]
    assert {"apples", "pears"} <= set(post.tags.values_list("name", flat=True))


def test_mentions_link_across_archives_in_either_order(tmp_path, vocabulary):
    first = write(tmp_path, "1.txt", "Notes on the day\n\nSee A Guide To Gardens for more.\n")
    second = write(tmp_path, "2.txt", "A guide to gardens\n\nHow to garden.\n")
    load(first, vocabulary)
    load(second, vocabulary)
    guide = Post.objects.get(title="A guide to gardens")
    assert [p.title for p in guide.mentioned_by.all()] == ["Notes on the day"]


def test_vocabulary_sync_creates_every_topic_and_updates_descriptions():
    sync_vocabulary([VocabularyTopic("Allotments", "Growing food.", ("allotment",))])
    sync_vocabulary([VocabularyTopic("Allotments", "Growing food locally.", ())])
    topic = Topic.objects.get(name="Allotments")
    assert (topic.description, topic.aliases) == ("Growing food locally.", [])
    assert Topic.objects.count() == 1


def test_unchanged_file_is_skipped_without_reading_its_posts(vocabulary):
    load(SEED, vocabulary)
    # A skipped file is not parsed, so a post removed behind the importer's back stays removed.
    Post.objects.order_by("pk").first().delete()
    result = load(SEED, vocabulary)
    assert result.skipped
    assert Post.objects.count() == 8
    assert not load(SEED, vocabulary, force=True).skipped
    assert Post.objects.count() == 9


def test_changed_file_defeats_the_skip(tmp_path, vocabulary):
    path = write(tmp_path, "a.txt", "One post\n\nFirst text.\n")
    load(path, vocabulary)
    path.write_text("One post\n\nSecond text.\n")
    result = load(path, vocabulary)
    assert not result.skipped
    assert (result.updated, result.unchanged) == (1, 0)


def test_changed_vocabulary_defeats_the_skip(tmp_path, vocabulary):
    path = write(tmp_path, "a.txt", "One post\n\nThe allotment society met today.\n")
    load(path, vocabulary)
    widened = [*vocabulary, VocabularyTopic("Allotments", aliases=("allotment",))]
    sync_vocabulary(widened)
    result = load(path, widened)
    assert not result.skipped
    assert Post.objects.get().tags.filter(name="Allotments").exists()
    assert load(path, widened).skipped


def test_file_that_failed_is_imported_again_not_skipped(tmp_path, vocabulary):
    path = write(tmp_path, "a.txt", "One\n\nOld text.\n")
    load(path, vocabulary)
    good = path.read_bytes()
    path.write_text("One\n\nNew text. read more »\n\nLonely\n")
    for _ in range(2):  # the failure recorded nothing, so the second try fails the same way
        with pytest.raises(ArchiveError, match="line 5"):
            load(path, vocabulary)
    path.write_bytes(good)  # back to what the last completed import saw
    assert load(path, vocabulary).skipped
    assert list(Post.objects.values_list("body", flat=True)) == ["Old text."]


def test_edit_retags_the_changed_post_and_leaves_the_others_tags(tmp_path, vocabulary):
    path = write(
        tmp_path, "a.txt", "First post\n\nAbout volunteers. read more »\n\nSecond post\n\nQuiet.\n"
    )
    load(path, vocabulary)
    second = Post.objects.get(title="Second post")
    tags = set(second.tags.values_list("pk", flat=True))
    path.write_text("First post\n\nAbout nothing. read more »\n\nSecond post\n\nQuiet.\n")
    result = load(path, vocabulary)
    assert (result.updated, result.unchanged) == (1, 1)
    assert not Post.objects.get(title="First post").tags.filter(name="Volunteering").exists()
    assert set(second.tags.values_list("pk", flat=True)) == tags


def test_phrase_that_an_edit_makes_recur_tags_the_unchanged_posts_too(tmp_path, vocabulary):
    text = "One post\n\nWe met Marlow Fenwick there. read more »\n\nTwo post\n\n{}\n"
    path = write(tmp_path, "a.txt", text.format("Nothing new."))
    load(path, vocabulary)
    assert not Topic.objects.filter(name="Marlow Fenwick").exists()  # named in one post only
    path.write_text(text.format("And Marlow Fenwick again."))
    result = load(path, vocabulary)
    assert result.unchanged == 1
    phrase = Topic.objects.get(name="Marlow Fenwick")
    assert Post.objects.for_topic(phrase).count() == 2


def test_title_new_in_an_edited_file_is_mentioned_by_its_unchanged_posts(tmp_path, vocabulary):
    old = "Notes on the day\n\nSee A Guide To Gardens for more. read more »\n"
    path = write(tmp_path, "a.txt", old)
    load(path, vocabulary)
    path.write_text(old + "\nA guide to gardens\n\nHow to garden.\n")
    result = load(path, vocabulary)
    assert (result.created, result.unchanged) == (1, 1)
    guide = Post.objects.get(title="A guide to gardens")
    assert [p.title for p in guide.mentioned_by.all()] == ["Notes on the day"]


def test_unchanged_post_new_to_an_archive_gets_that_archives_header_topic(tmp_path, vocabulary):
    one = write(tmp_path, "one.txt", "Tag Archives: apples\n\nOwn post\n\nMine. read more »\n")
    two = write(tmp_path, "two.txt", "Tag Archives: pears\n\nShared post\n\nText.\n")
    load(one, vocabulary)
    load(two, vocabulary)
    one.write_text(
        "Tag Archives: apples\n\nOwn post\n\nMine. read more »\n\nShared post\n\nText.\n"
    )
    result = load(one, vocabulary)
    assert (result.created, result.unchanged) == (0, 2)
    shared = Post.objects.get(title="Shared post")
    assert {"apples", "pears"} <= set(shared.tags.values_list("name", flat=True))
    assert sorted(a.name for a in shared.archives.all()) == ["one.txt", "two.txt"]


@pytest.mark.parametrize(
    "key",
    [
        "the big society network",
        "  spaces\tand\nnewlines  ",
        "punctuation: it's -- here! (really) & more_under_scores",
        "---leading and trailing---",
        "_underscores_",
        "café déjà vu",
        "ﬁ ligature and ß",
        "!!!",
        "x" * 120,
        "a" * 79 + " b",
    ],
)
def test_post_slug_base_is_djangos_slugify_cut_to_length(key):
    from django.utils.text import slugify

    assert post_slug_base(key) == (slugify(key)[:80].strip("-") or "post")


# --- Parsing in a process of its own (big files) ------------------------------------------------


@pytest.fixture
def parse_apart(monkeypatch):
    # Every file counts as big, so the importer parses it in a child process.
    monkeypatch.setattr(listing_plan, "PARSE_APART_BYTES", 0)
    monkeypatch.setattr("importer.prepare.listing.CHUNK_POSTS", 2)  # several chunks even here


def _imported() -> list[tuple]:
    return sorted(
        (
            p.key,
            p.slug,
            p.title,
            p.body_html,
            p.published,
            p.checksum,
            tuple(sorted(p.tags.names())),
        )
        for p in Post.objects.all()
    )


def test_a_file_parsed_apart_imports_exactly_as_one_parsed_here(vocabulary, monkeypatch):
    result_here = load(SEED, vocabulary)
    here = _imported()
    Post.objects.all().delete()
    Archive.objects.all().delete()
    monkeypatch.setattr(listing_plan, "PARSE_APART_BYTES", 0)
    result_apart = load(SEED, vocabulary)
    assert _imported() == here
    assert (result_apart.posts, result_apart.duplicates) == (
        result_here.posts,
        result_here.duplicates,
    )
    assert Archive.objects.get().checksum == load_module.file_checksum(SEED)


def test_a_parse_error_in_the_child_names_the_file_and_line(tmp_path, vocabulary, parse_apart):
    good = "".join(f"Post {i}\n\nBody {i}. read more »\n\n" for i in range(50))
    path = write(tmp_path, "late.txt", good + "Lonely title at the end\n")
    with pytest.raises(ArchiveError) as exc:
        load(path, vocabulary)
    assert "late.txt, line 201" in str(exc.value)
    assert Post.objects.count() == 0


def test_a_file_the_child_cannot_read_is_a_clear_error(tmp_path, vocabulary, parse_apart):
    path = tmp_path / "bad.txt"
    path.write_bytes("One\n\nNew text. read more »\n\nTwo\n\nBad ".encode() + b"\x81\n")
    with pytest.raises(ArchiveError, match="bad.txt, line 7: neither UTF-8 nor Windows-1252"):
        load(path, vocabulary)
    assert Post.objects.count() == 0
