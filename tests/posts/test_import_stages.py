"""The pieces a listing's and an export's import share: slug candidates, mentions, summaries."""

from array import array
from pathlib import Path

import pytest
from django.db import connection

from importer.errors import Loaded, file_result
from importer.plan.slugs import claim_slug, post_slug_base, slug_candidates
from importer.write import mentions as mentions_module
from importer.write.mentions import insert_mentions
from posts.models import Post


def test_every_slug_a_claim_can_give_is_among_the_candidates_the_plan_checks():
    base = post_slug_base("a fete")
    taken: set[str] = set()
    claimed = [claim_slug(base, "a fete", taken) for _ in range(3)]
    assert claimed == list(slug_candidates(base, "a fete"))
    assert claimed[0] == "a-fete" and len(set(claimed)) == 3


@pytest.mark.django_db
def test_mentions_from_flat_arrays_are_written_in_chunks_and_kept_once(monkeypatch):
    monkeypatch.setattr(mentions_module, "MENTION_CHUNK", 2)
    a, b, c = (Post.objects.create(title=t, slug=t, key=t, body=t) for t in "abc")
    with connection.cursor() as cursor:
        insert_mentions(cursor, array("Q", [a.pk, a.pk, b.pk]), array("Q", [b.pk, c.pk, c.pk]))
        insert_mentions(cursor, [a.pk], [b.pk])  # already there: kept, not doubled
    assert sorted(a.mentions.values_list("key", flat=True)) == ["b", "c"]
    assert list(b.mentions.values_list("key", flat=True)) == ["c"]


def test_a_files_summary_takes_its_counts_from_the_load():
    loaded = Loaded(created=3, updated=2, unchanged=1, mentions=4)
    result = file_result(
        Path("dir/a.txt"), header="H", posts=6, duplicates=1, loaded=loaded, topics_created=5
    )
    assert (result.name, result.header, result.posts, result.duplicates) == ("a.txt", "H", 6, 1)
    assert (result.created, result.updated, result.unchanged, result.mentions) == (3, 2, 1, 4)
    assert result.topics_created == 5 and not result.skipped and result.notes == []
