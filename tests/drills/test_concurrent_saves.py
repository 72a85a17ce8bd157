"""Drill: eight volunteers save the same page from the same revision at the same moment.

Each save runs in a thread of its own, with its own database connection, released together by a
barrier. Exactly one save wins; the other seven get `EditConflict` and write nothing; the history
holds every revision once. Revision numbers are unique because the database says so: a duplicate
inserted behind the code's back is refused.
"""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from tests.drills.conftest import make_person
from wiki.models import Revision
from wiki.services import EditConflict, create_page, save_revision

pytestmark = pytest.mark.drill

SAVERS = 8
ROUNDS = 3


def save_all_at_once(page, authors, base_revision: int) -> dict[str, object]:
    """Each author saves their own text from `base_revision`; what each save returned or raised."""
    barrier = threading.Barrier(len(authors))
    outcomes: dict[str, object] = {}

    def save(author):
        try:
            barrier.wait(timeout=10)
            outcomes[author.username] = save_revision(
                page=page,
                text=f"Written by {author.username} from revision {base_revision}.",
                author=author,
                summary=f"{author.username}'s edit",
                base_revision=base_revision,
            )
        except Exception as error:  # every outcome is judged by the test, not lost in a thread
            outcomes[author.username] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=save, args=(author,)) for author in authors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_eight_concurrent_saves_from_one_revision_give_one_winner_and_seven_conflicts(
    transactional_db,
):
    authors = [make_person(f"saver{n}", "not-used-9x!") for n in range(SAVERS)]
    page = create_page(title="Village hall", text="First words.", author=authors[0]).page
    for round_number in range(1, ROUNDS + 1):
        outcomes = save_all_at_once(page, authors, base_revision=round_number)
        winners = {name: r for name, r in outcomes.items() if isinstance(r, Revision)}
        conflicts = [r for r in outcomes.values() if isinstance(r, EditConflict)]
        others = [r for r in outcomes.values() if not isinstance(r, Revision | EditConflict)]
        assert others == [] and len(outcomes) == SAVERS, outcomes
        assert len(winners) == 1, f"round {round_number}: {sorted(winners)} all won"
        assert len(conflicts) == SAVERS - 1
        (winner_name, winner), *_ = winners.items()
        assert winner.number == round_number + 1
        # Each loser was told which revision beat it: the winner's.
        assert {c.current_revision.pk for c in conflicts} == {winner.pk}

        history = list(page.revisions.order_by("number").values_list("number", "text"))
        assert [number for number, _ in history] == list(range(1, round_number + 2))
        assert history[-1][1] == f"Written by {winner_name} from revision {round_number}."
        page.refresh_from_db()
        assert page.current_revision_id == winner.pk


def test_database_refuses_a_second_revision_with_the_same_number(transactional_db):
    page = create_page(title="Allotments", text="Plots.", author=None).page
    first = page.current_revision
    # Straight SQL, past every check in Python: only the database's constraint can refuse it.
    columns = "page_id, number, text, html, toc_html, author_id, summary, minor, created_at, size"
    with (
        pytest.raises(IntegrityError, match="unique_revision_number"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"INSERT INTO wiki_revision ({columns}) "
            f"SELECT {columns} FROM wiki_revision WHERE id = %s",
            [first.pk],
        )
    assert list(page.revisions.values_list("number", flat=True)) == [1]
