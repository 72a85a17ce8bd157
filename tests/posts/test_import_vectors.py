"""A first import's search vectors, computed by helper backends (importer.write.vectors): the
same vectors the database's trigger gives, and the trigger back on afterwards, or after a
failure."""

from pathlib import Path

import pytest
from django.db import connection

from importer.pipeline import ArchiveError, import_archive
from importer.topics import load_vocabulary
from importer.write import vectors
from posts.models import Post

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

pytestmark = pytest.mark.django_db


def _vocabulary():
    return load_vocabulary(SEEDS / "topics.toml")


def _differing() -> int:
    """Posts whose stored vector is not what `post_search_vector` makes of their text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM posts_post"
            " WHERE search_vector IS DISTINCT FROM post_search_vector(title, body)"
        )
        return cursor.fetchone()[0]


def _triggers() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger"
            " WHERE tgrelid = 'posts_post'::regclass AND NOT tgisinternal"
        )
        return dict(cursor.fetchall())


ON = {"post_search_vector_insert": "O", "post_search_vector_update": "O"}


@pytest.mark.parametrize("archive", [SEEDS / "big-society-network.txt", FIXTURES / "blog.wxr.xml"])
def test_a_first_import_stores_the_vectors_the_trigger_would(archive, monkeypatch):
    computed = []
    real = vectors.computing

    def spy(model, fields, rows):
        pending = real(model, fields, rows)
        computed.append(pending is not None)
        return pending

    monkeypatch.setattr(vectors, "computing", spy)
    result = import_archive(archive, vocabulary=_vocabulary())
    assert result.created > 0
    assert any(computed), "the posts' vectors came from the helper backends"
    assert Post.objects.filter(search_vector__isnull=True).count() == 0
    assert _differing() == 0
    assert _triggers() == ON
    assert vectors._active is None


def test_posts_written_later_get_their_vector_from_the_trigger(make_post):
    post = make_post("Beekeeping notes", body="About allotments.")
    post.refresh_from_db()
    assert post.search_vector
    Post.objects.filter(pk=post.pk).update(body="About orchards.")
    assert _differing() == 0


def test_a_failed_first_import_leaves_the_trigger_on(tmp_path, monkeypatch):
    started = []

    class Counted(vectors.Vectors):
        def __init__(self):
            started.append(_triggers()["post_search_vector_insert"])
            super().__init__()

    monkeypatch.setattr(vectors, "Vectors", Counted)
    # An export cut off half-way: it fails while its first posts are being written.
    whole = (FIXTURES / "blog.wxr.xml").read_bytes()
    path = tmp_path / "broken.wxr.xml"
    path.write_bytes(whole[: whole.rindex(b"<item>") + 40])
    with pytest.raises(ArchiveError):
        import_archive(path, vocabulary=_vocabulary())
    assert started == ["D"]  # the helpers ran, with the insert trigger off
    assert _triggers() == ON
    assert vectors._active is None
