"""Drill: two app servers on different ports, one PostgreSQL, one Redis (database 7).

What a load balancer needs from stateless app servers: an edit saved through one is what the
other serves next; a log-in made on one is good on the other (sessions are `cached_db`: Redis in
front of PostgreSQL); failed log-ins count across both (django-axes keeps them in PostgreSQL);
eight saves racing through both servers give one winner and seven conflict screens.
"""

import html
import threading

import pytest
from django.conf import settings

from tests.drills.conftest import make_person
from tests.drills.servers import Visitor
from wiki.models import Page, Revision
from wiki.services import create_page

pytestmark = pytest.mark.drill

PASSWORD = "drill-pass-9!x"


@pytest.fixture
def two_servers(start_server, test_database_url, redis_url):
    return (
        start_server(test_database_url, workers=1, REDIS_URL=redis_url),
        start_server(test_database_url, workers=1, REDIS_URL=redis_url),
    )


@pytest.fixture
def village_hall(transactional_db):
    return create_page(title="Village hall", text="The hall opens on Saturdays.", author=None).page


def edit(visitor: Visitor, page: Page, text: str):
    form = visitor.get(f"/wiki/{page.slug}/edit/")
    assert form.status == 200, form.text[:500]
    return visitor.post(
        f"/wiki/{page.slug}/edit/",
        {
            "text": text,
            "summary": "drill",
            "base_revision": form.form_value("base_revision"),
            "action": "save",
        },
    )


def test_log_in_on_one_server_works_on_the_other_and_edits_show_on_both_at_once(
    two_servers, village_hall
):
    a, b = two_servers
    make_person("vera", PASSWORD)
    at_a = Visitor(a)
    response = at_a.log_in("vera", PASSWORD, next_url=f"/wiki/{village_hall.slug}/edit/")
    assert response.status == 302, response.text[:500]
    assert response.header("Location") == f"/wiki/{village_hall.slug}/edit/"
    session = response.headers.get_all("Set-Cookie")
    assert any(
        c.startswith(f"{settings.SESSION_COOKIE_NAME}=") and "HttpOnly" in c and "SameSite=Lax" in c
        for c in session
    ), session

    at_b = at_a.at(b)  # the same cookies, the other server
    assert "Log out" in at_b.get("/").text
    saved = edit(at_a, village_hall, "The hall opens on Saturdays and Sundays.")
    assert saved.status == 302, saved.text[:500]
    page_on_b = Visitor(b).get(f"/wiki/{village_hall.slug}/")
    assert page_on_b.status == 200
    assert "The hall opens on Saturdays and Sundays." in page_on_b.text

    saved = edit(at_b, village_hall, "The hall opens every day.")
    assert saved.status == 302, saved.text[:500]
    assert "The hall opens every day." in Visitor(a).get(f"/wiki/{village_hall.slug}/").text
    history = Visitor(a).get(f"/wiki/{village_hall.slug}/history/").text
    assert history.count('name="to"') == 3

    # Logging out on B ends the session on A too.
    assert at_b.post("/accounts/logout/", {}).status == 302
    at_a.cookies.update(at_b.cookies)
    assert at_a.get(f"/wiki/{village_hall.slug}/edit/").status == 302


def test_failed_log_ins_count_across_both_servers(two_servers, settings):
    a, b = two_servers
    make_person("wendy", PASSWORD)
    limit = settings.AXES_FAILURE_LIMIT
    attempts = [Visitor(a if n % 2 == 0 else b) for n in range(limit)]
    statuses = [v.log_in("wendy", "wrong-password").status for v in attempts]
    # Every failure but the last shows the form again; the last, whichever server took it,
    # locks the account out, although neither server alone saw `limit` failures.
    assert statuses[:-1] == [200] * (limit - 1)
    assert statuses[-1] == 429
    # The right password is refused now on both servers.
    for server in (a, b):
        locked = Visitor(server).log_in("wendy", PASSWORD)
        assert locked.status == 429
        assert settings.SESSION_COOKIE_NAME not in Visitor(server).cookies


def test_eight_saves_racing_through_both_servers_give_one_save_and_seven_conflict_screens(
    two_servers, village_hall
):
    a, b = two_servers
    visitors = []
    for n in range(8):
        make_person(f"racer{n}", PASSWORD)
        visitor = Visitor(a if n % 2 == 0 else b)
        assert visitor.log_in(f"racer{n}", PASSWORD).status == 302
        visitors.append(visitor)
    barrier = threading.Barrier(len(visitors))
    answers = {}

    def save(n, visitor):
        barrier.wait(timeout=30)
        answers[n] = visitor.post(
            f"/wiki/{village_hall.slug}/edit/",
            {"text": f"Racer {n} was here.", "base_revision": "1", "action": "save"},
        )

    threads = [threading.Thread(target=save, args=pair) for pair in enumerate(visitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(answer.status for answer in answers.values())
    assert statuses == [302] + [409] * 7, statuses
    for n, answer in answers.items():
        if answer.status == 409:
            assert "Edit conflict" in answer.text
            assert answer.textarea() == f"Racer {n} was here."  # their words are kept
            assert html.unescape(answer.form_value("base_revision")) == "2"
    revisions = Revision.objects.filter(page=village_hall).order_by("number")
    assert [r.number for r in revisions] == [1, 2]
    winner = next(n for n, answer in answers.items() if answer.status == 302)
    assert revisions[1].text == f"Racer {winner} was here."
