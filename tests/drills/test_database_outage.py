"""Drill: PostgreSQL stops while the site serves, then starts again.

gunicorn (DEBUG off) serves the site from a throwaway PostgreSQL the test owns. While the server
is stopped (`pg_ctl stop -m fast`) every request gets the friendly 503 page, never a traceback,
and the health check says 503; an edit sent meanwhile is refused, not lost in silence. Once
PostgreSQL is back the same worker processes serve pages again, and the edit saves when sent
again. A visitor keeps loading pages throughout: every answer is a 200 or a 503.
"""

import re
import time

import pytest

from tests.drills.postgres import ThrowawayPostgres
from tests.drills.servers import Reader, Visitor, drill_env, manage

pytestmark = pytest.mark.drill

PASSWORD = "drill-pass-9!x"
CREATE_VOLUNTEER = (
    "from django.contrib.auth import get_user_model; "
    f"get_user_model().objects.create_user('vera', 'vera@example.org', '{PASSWORD}')"
)
RECOVERY_SECONDS = 30


@pytest.fixture
def throwaway_postgres():
    server = ThrowawayPostgres()
    try:
        server.start()
        server.create_database("bigsoc")
        yield server
    finally:
        server.remove()


def assert_friendly_503(response, path):
    assert response.status == 503, f"{path}: {response.status}\n{response.text[:800]}"
    assert "Back in a moment" in response.text, response.text[:800]
    assert "Traceback" not in response.text and "OperationalError" not in response.text
    assert response.header("Retry-After") == "30"


def test_site_answers_503_while_postgresql_is_down_and_recovers_without_a_restart(
    throwaway_postgres, start_server, report
):
    url = throwaway_postgres.url("bigsoc")
    env = drill_env(url)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("createcachetable", env=env)
    manage("import_seeds", "-v0", env=env)
    manage("shell", "-c", CREATE_VOLUNTEER, env=env)
    server = start_server(url, workers=2)
    home = Visitor(server).get("/")
    post = re.search(r'href="(/posts/[^"/]+/)"', home.text).group(1)
    # A topic page (not the topic map, which home links too).
    topic = re.search(r'href="(/topics/(?!map/)[^"/?]+/)"', home.text).group(1)
    # Pages that read the database; the log-in form needs none and keeps working.
    pages = ["/", "/topics/", topic, post, "/wiki/", "/recent/"]
    assert {path: Visitor(server).get(path).status for path in pages} == dict.fromkeys(pages, 200)

    volunteer = Visitor(server)
    assert volunteer.log_in("vera", PASSWORD).status == 302
    edit_form = volunteer.get(f"{topic.replace('/topics/', '/wiki/')}edit/")
    assert edit_form.status == 200
    edit = {
        "title": edit_form.form_value("title") or "",
        "text": "Written while the database was away.",
        "base_revision": edit_form.form_value("base_revision"),
        "action": "save",
    }
    edit_address = f"{topic.replace('/topics/', '/wiki/')}edit/"
    workers = server.worker_pids()
    reader = Reader(server)
    reader.start()

    throwaway_postgres.stop()
    stopped = time.monotonic()
    for path in pages:
        assert_friendly_503(Visitor(server).get(path), path)
    health = Visitor(server).get("/healthz")
    assert health.status == 503 and '"database": "unreachable"' in health.text
    assert_friendly_503(volunteer.post(edit_address, edit), edit_address)
    assert Visitor(server).get("/accounts/login/").status == 200
    assert_friendly_503(Visitor(server).log_in("vera", PASSWORD), "log-in")
    time.sleep(2)  # the reader meets the outage too
    outage = time.monotonic() - stopped

    throwaway_postgres.start()
    started = time.monotonic()
    while Visitor(server).get("/healthz").status != 200:
        assert time.monotonic() - started < RECOVERY_SECONDS, "the site did not recover"
        time.sleep(0.2)
    recovered_in = time.monotonic() - started
    time.sleep(1)
    reader.done.set()
    reader.join(timeout=15)

    assert {path: Visitor(server).get(path).status for path in pages} == dict.fromkeys(pages, 200)
    saved = volunteer.post(edit_address, edit)  # the same form, sent again
    assert saved.status == 302, saved.text[:800]
    assert "Written while the database was away." in Visitor(server).get(topic).text
    assert server.worker_pids() == workers, "the workers were restarted"
    assert reader.failures == []
    assert set(reader.statuses) <= {200, 503} and reader.statuses[503] > 0, reader.statuses
    report(
        f"down {outage:.1f} s: every page 503 with the friendly text; back {recovered_in:.1f} s "
        f"after PostgreSQL started, same workers; the reader saw {dict(reader.statuses)}"
    )
