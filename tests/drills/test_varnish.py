"""Drill: Debian's Varnish 7 with xkey (deploy/varnish.vcl) in front of two gunicorn app
servers sharing PostgreSQL and Redis, purged per key by the worker (send_notifications).

An edit shows through Varnish on the very next request; an untouched page stays a Varnish hit;
with Varnish down the app servers still serve.
"""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.drills.conftest import make_person
from tests.drills.servers import Visitor, drill_env, free_port
from tests.drills.varnish import Varnish, missing
from tests.processes import ROOT
from wiki.services import create_page

pytestmark = pytest.mark.drill

PASSWORD = "drill-pass-9!x"


@pytest.fixture
def varnish_site(start_server, test_database_url, redis_url, tmp_path):
    reason = missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Varnish's port first: the app servers' worker purges it.
    port = free_port()
    env = {"REDIS_URL": redis_url, "CDN_PURGE_URL": f"http://127.0.0.1:{port}/"}
    servers = [start_server(test_database_url, workers=1, threads=4, **env) for _ in "ab"]
    varnish = Varnish(servers, port=port)
    worker = None
    try:
        varnish.start()
        with open(tmp_path / "worker.log", "ab") as log:
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "send_notifications", "--watch", "--interval=5"],
                cwd=ROOT,
                env=drill_env(test_database_url, **env),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        time.sleep(1.5)  # the worker is listening for purges
        yield varnish, servers
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=15)
        varnish.remove()


def test_an_edit_shows_through_varnish_at_once_and_untouched_pages_stay_hits(varnish_site, report):
    varnish, (a, b) = varnish_site
    hall = create_page(title="Village hall", text="The hall opens on Saturdays.", author=None).page
    library = create_page(title="Library", text="Books on Tuesdays.", author=None).page
    reader = Visitor(varnish)
    for page in (hall, library):
        first = reader.get(f"/wiki/{page.slug}/")
        assert (first.status, first.header("X-Cache")) == (200, "MISS"), first.text[:300]
        again = reader.get(f"/wiki/{page.slug}/")
        assert again.header("X-Cache") == "HIT"
        assert not again.header("xkey") and not again.header("Surrogate-Key")
    hits_before = varnish.counter("MAIN.cache_hit")

    make_person("vera", PASSWORD)
    volunteer = Visitor(varnish)  # through Varnish too: with a session it passes to the apps
    assert volunteer.log_in("vera", PASSWORD).status == 302
    form = volunteer.get(f"/wiki/{hall.slug}/edit/")
    started = time.monotonic()
    saved = volunteer.post(
        f"/wiki/{hall.slug}/edit/",
        {"text": "The hall opens every day.", "base_revision": form.form_value("base_revision"),
         "summary": "drill", "action": "save"},
    )  # fmt: skip
    assert saved.status == 302, saved.text[:500]
    save_seconds = time.monotonic() - started

    after = reader.get(f"/wiki/{hall.slug}/")
    assert "The hall opens every day." in after.text
    assert after.header("X-Cache") == "MISS"
    untouched = reader.get(f"/wiki/{library.slug}/")
    assert untouched.header("X-Cache") == "HIT"
    # On a hit Varnish names two transactions: this one and the one that fetched the object.
    assert len(untouched.header("X-Varnish").split()) == 2
    assert "Books on Tuesdays." in untouched.text
    assert varnish.counter("MAIN.cache_hit") > hits_before
    report(f"save through Varnish {save_seconds * 1000:.0f} ms; edit seen on the next request")

    # Varnish down: each app server still serves the site itself.
    varnish.stop()
    for server in (a, b):
        for page, words in ((hall, "The hall opens every day."), (library, "Books on Tuesdays.")):
            direct = Visitor(server).get(f"/wiki/{page.slug}/")
            assert direct.status == 200 and words in direct.text
