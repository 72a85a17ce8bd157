"""Search tests reuse the archive helpers of the posts tests."""

import pytest

from search.services import accents_folded, trigram_available
from tests.posts.conftest import big_archive, make_post, make_topic  # noqa: F401 (fixtures)
from tests.wiki.conftest import _memory_cache, moderator, volunteer  # noqa: F401 (fixtures)


@pytest.fixture
def trigram(db):
    """Skip unless this PostgreSQL has pg_trgm (the machine's and the embedded one both have it)."""
    if not trigram_available():
        pytest.skip(
            "pg_trgm is not installed in this PostgreSQL, so typo tolerance is off; run without "
            "DATABASE_URL (the embedded PostgreSQL 18 has it) to test it"
        )


@pytest.fixture
def unaccent(db):
    """Skip unless search folds accents (the server has unaccent: the machine's PostgreSQL and
    the embedded PostgreSQL 18 do, the old pgserver not)."""
    if not accents_folded():
        pytest.skip("unaccent is not installed in this PostgreSQL, so accents are not folded")
