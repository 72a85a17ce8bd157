"""The topic figures the importer keeps (posts.figures): right after an import, after a
re-import that changes posts, after an edit outside the importer; and the page reads them."""

from pathlib import Path

import pytest

from importer.pipeline import import_archive
from importer.topic_book import sync_vocabulary
from importer.topics import load_vocabulary
from posts.figures import refresh_topic_figures, topic_figures, topic_size
from posts.maps import queries as maps
from posts.models import Post, Topic, TopicPair, TopicSize
from posts.pages import RELATED_TOPICS
from tests.posts.conftest import build_archive
from tests.posts.test_views import PAGE_QUERY_LIMITS

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

pytestmark = pytest.mark.django_db

ARCHIVE = (
    "Category Archives: Localism\n\n"
    "Volunteers in the parish\nJune 20, 2010\n\nVolunteers met the parish council.\n"
    "Posted in Volunteering, Parish councils\n\n"
    "A second parish post\nJune 28, 2010\n\nMore on the parish council and social enterprise.\n"
    "Posted in Parish councils\n\n"
    "Undated volunteering\n\nVolunteers and the social enterprise again.\n"
    "Posted in Volunteering\n\n"
    "July news\nJuly 2, 2010\n\nA town hall about co-operatives.\n"
    "Posted in Co-operatives\n"
)


@pytest.fixture
def vocabulary():
    vocab = load_vocabulary(SEEDS / "topics.toml")
    sync_vocabulary(vocab)
    return vocab


def _live(topic: Topic) -> tuple:
    """The figures as the page computes them without kept rows."""
    in_topic = Post.objects.for_topic(topic)
    related = Topic.objects.related_to(topic, limit=RELATED_TOPICS)
    return (
        in_topic.count(),
        [(t.pk, t.shared, t.post_count) for t in related],
        list(in_topic.per_month()),
    )


def _kept(topic: Topic) -> tuple | None:
    if not topic_size(topic)[1]:
        return None
    total, related, months = topic_figures(topic, related=RELATED_TOPICS)
    return total, [(t.pk, t.shared, t.post_count) for t in related], months


def _assert_every_topic_kept_right() -> None:
    topics = list(Topic.objects.all())
    assert topics
    for topic in topics:
        assert _kept(topic) == _live(topic), topic.name


def test_an_import_keeps_every_topics_figures_as_computed_live(tmp_path, vocabulary):
    path = tmp_path / "a.txt"
    path.write_text(ARCHIVE, encoding="utf-8")
    import_archive(path, vocabulary=vocabulary)
    # Every topic has its row, those without posts too (a vocabulary topic no post names).
    assert TopicSize.objects.count() == Topic.objects.count()
    assert TopicSize.objects.filter(posts=0).exists()
    parish = Topic.objects.get(name="Parish councils")
    total, related, months = topic_figures(parish, related=RELATED_TOPICS)
    assert total == 2
    assert [m.isoformat() for m, _ in months] == ["2010-06-01"]
    assert any(t.name == "Volunteering" and t.shared == 1 for t in related)
    _assert_every_topic_kept_right()


def test_a_reimport_that_changes_posts_keeps_the_figures_right(tmp_path, vocabulary):
    path = tmp_path / "a.txt"
    path.write_text(ARCHIVE, encoding="utf-8")
    import_archive(path, vocabulary=vocabulary)
    volunteering = Topic.objects.get(name="Volunteering")
    before = _kept(volunteering)
    # The July post now speaks of volunteers too, and the second parish post loses its date.
    path.write_text(
        ARCHIVE.replace("A town hall about co-operatives.", "Volunteers at a town hall.").replace(
            "A second parish post\nJune 28, 2010\n", "A second parish post\n"
        ),
        encoding="utf-8",
    )
    result = import_archive(path, vocabulary=vocabulary)
    assert result.updated == 2
    after = _kept(volunteering)
    assert after != before and after[0] == before[0] + 1
    _assert_every_topic_kept_right()


def test_pairs_are_kept_both_ways_round_and_only_when_shared(tmp_path, vocabulary):
    path = tmp_path / "a.txt"
    path.write_text(ARCHIVE, encoding="utf-8")
    import_archive(path, vocabulary=vocabulary)
    pairs = {(p.topic_id, p.other_id): p.shared for p in TopicPair.objects.all()}
    assert pairs and all(pairs[(b, a)] == n for (a, b), n in pairs.items())
    assert min(pairs.values()) > 0


def test_the_bitmaps_count_right_across_many_blocks_of_post_ids():
    # 300 posts: several 64-post blocks, topics sharing posts in some blocks and not others.
    build_archive(300, topic_count=11)
    refresh_topic_figures()
    _assert_every_topic_kept_right()


def test_an_edit_outside_the_importer_computes_live_then_keeps_again(
    make_post, make_topic, django_capture_on_commit_callbacks
):
    build_archive(40, topic_count=5)
    refresh_topic_figures()
    topic = Topic.objects.order_by("pk").first()
    total = _kept(topic)[0]
    with django_capture_on_commit_callbacks(execute=True):
        make_post("A post added in the admin", topics=[topic, make_topic("A new topic")])
        # Until the edit commits, nothing kept is trusted: the page computes live.
        assert _kept(topic) is None
        assert _live(topic)[0] == total + 1
    # Once it commits the figures are kept afresh, the new topic with them.
    assert _kept(topic)[0] == total + 1
    _assert_every_topic_kept_right()


def test_topic_page_reads_kept_figures_in_the_same_number_of_queries(
    client, django_assert_max_num_queries
):
    topics = build_archive(240)["topics"]
    live = client.get(topics[0].get_absolute_url())
    refresh_topic_figures()
    with django_assert_max_num_queries(PAGE_QUERY_LIMITS["topic_detail"]):
        kept = client.get(topics[0].get_absolute_url())
    assert kept.context["post_total"] == live.context["post_total"] == 24
    assert [(t.pk, t.shared, t.post_count) for t in kept.context["related_topics"]] == [
        (t.pk, t.shared, t.post_count) for t in live.context["related_topics"]
    ]
    assert kept.context["timeline_svg"] == live.context["timeline_svg"]
    assert kept.context["undated_total"] == live.context["undated_total"]


def test_topic_sizes_and_map_pairs_read_the_kept_rows_and_agree_with_the_live_ones():
    topics = build_archive(200, topic_count=12)["topics"]
    ids = [t.pk for t in topics]
    live_sizes = {t.pk: t.post_count for t in Topic.objects.busiest()}
    live_listing = list(Topic.objects.worth_listing().values_list("pk", flat=True))
    live_pairs = sorted(maps.shared_post_counts(ids))
    refresh_topic_figures()
    assert {t.pk: t.post_count for t in Topic.objects.busiest()} == live_sizes
    assert list(Topic.objects.worth_listing().values_list("pk", flat=True)) == live_listing
    assert sorted(maps.shared_post_counts(ids)) == live_pairs
    # The kept rows are what is read: change one and it shows.
    TopicSize.objects.filter(topic=topics[0]).update(posts=999)
    TopicPair.objects.filter(topic=topics[0]).update(shared=77)
    assert Topic.objects.with_post_counts().get(pk=topics[0].pk).post_count == 999
    assert {n for a, b, n in maps.shared_post_counts(ids) if topics[0].pk in (a, b)} == {77}
    # A topic without a kept row is counted, and then no kept pair is trusted for the map.
    TopicSize.objects.filter(topic=topics[0]).delete()
    assert Topic.objects.with_post_counts().get(pk=topics[0].pk).post_count == live_sizes[ids[0]]
    assert sorted(maps.shared_post_counts(ids)) == live_pairs


def test_a_known_post_tagged_by_another_archive_keeps_the_figures_right(tmp_path, vocabulary):
    # The third file changes no post and creates no topic: it only gives a post one more topic.
    files = {
        "one.txt": "Tag Archives: apples\n\nShared post\n\nText.\n",
        "two.txt": "Tag Archives: pears\n\nAnother post\n\nText.\n",
        "three.txt": "Tag Archives: pears\n\nShared post\n\nText.\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        import_archive(path, vocabulary=vocabulary)
    assert Topic.objects.get(name="pears").tagged_posts.count() == 2
    _assert_every_topic_kept_right()


def test_a_file_that_only_tags_a_known_post_makes_the_archives_pages_stale(
    tmp_path, vocabulary, django_capture_on_commit_callbacks
):
    from core.cache import current_archive_generation

    for name, text in {
        "one.txt": "Tag Archives: apples\n\nShared post\n\nText.\n",
        "two.txt": "Tag Archives: pears\n\nAnother post\n\nText.\n",
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        import_archive(tmp_path / name, vocabulary=vocabulary)
    before = current_archive_generation()
    (tmp_path / "three.txt").write_text("Tag Archives: pears\n\nShared post\n\nText.\n")
    with django_capture_on_commit_callbacks(execute=True):
        result = import_archive(tmp_path / "three.txt", vocabulary=vocabulary)
    assert not (result.created or result.updated or result.topics_created)
    assert current_archive_generation() != before
    # Read again with nothing new: the kept pages stay.
    assert refresh_topic_figures() is False
