"""A post with very many topics costs the topic figures linear work, and its import says so."""

import pytest

from importer.pipeline import import_archive
from posts.figures import PAIR_TOPICS, refresh_topic_figures
from posts.models import Topic, TopicPair, TopicSize
from tests.posts.hostile import item, write_export

pytestmark = pytest.mark.django_db

CROWDED = PAIR_TOPICS + 60


def _export(tmp_path):
    tags = [f"Crowd {n:03d}" for n in range(CROWDED)]
    return write_export(
        tmp_path,
        [
            item(1, "A post with every tag", tags=tags),
            item(2, "A modest post", tags=["Crowd 000", "Crowd 159"]),
        ],
    )


def test_a_crowded_post_adds_pairs_for_its_first_topics_only(tmp_path, vocabulary_seeds):
    result = import_archive(_export(tmp_path), vocabulary=[])
    crowd = Topic.objects.filter(name__startswith="Crowd")
    assert crowd.count() == CROWDED
    # Every topic keeps its true size; pairs come from the first PAIR_TOPICS topics (both ways
    # round) plus the modest post's one pair.
    assert TopicSize.objects.filter(topic__in=crowd, posts__gte=1).count() == CROWDED
    assert TopicPair.objects.count() <= PAIR_TOPICS * (PAIR_TOPICS - 1) + 2
    modest = TopicPair.objects.get(topic__name="Crowd 000", other__name="Crowd 159")
    assert modest.shared == 1
    assert any("A post with every tag" in note and str(CROWDED) in note for note in result.notes)


def test_the_cap_holds_for_topics_added_outside_the_importer(tmp_path, vocabulary_seeds):
    import_archive(_export(tmp_path), vocabulary=[])
    refresh_topic_figures()
    pairs_per_topic = TopicPair.objects.filter(topic__name="Crowd 001").count()
    assert pairs_per_topic == PAIR_TOPICS - 1
