"""Search tests reuse the archive helpers of the posts tests."""

import pytest

from search.services import trigram_available
from tests.posts.conftest import big_archive, make_post, make_topic  # noqa: F401 (fixtures)
from tests.wiki.conftest import _memory_cache, volunteer  # noqa: F401 (fixtures)


@pytest.fixture
def trigram(db):
    """Skip unless this PostgreSQL has pg_trgm (the machine's and the embedded one both have it)."""
    if not trigram_available():
        pytest.skip(
            "pg_trgm is not installed in this PostgreSQL, so typo tolerance is off; run without "
            "DATABASE_URL (the embedded PostgreSQL 18 has it) to test it"
        )
