"""Drill: an app server reading from a real streaming replica (core.replicas).

A throwaway PostgreSQL primary and a replica made from it with `pg_basebackup`, replaying five
seconds behind (`recovery_min_apply_delay = 5s`). Anonymous reads reach the replica (counted in
its statement log) and see the old text for those seconds; the volunteer who saved sees their
edit at once (read from the primary until the replica has replayed their WAL position), then
reads from the replica again; a replica stopped while a reader loads pages loses no request.
"""

import time

import pytest

from tests.drills.postgres import ThrowawayPostgres
from tests.drills.replica import StreamingReplica
from tests.drills.servers import Reader, Visitor, drill_env, manage

pytestmark = pytest.mark.drill

PASSWORD = "drill-pass-9!x"
SEED = (
    "from django.contrib.auth import get_user_model; from wiki.services import create_page; "
    f"get_user_model().objects.create_user('vera', 'vera@example.org', '{PASSWORD}'); "
    "create_page(title='Village hall', text='The hall opens on Saturdays.', author=None)"
)
PAGE = "/wiki/village-hall/"
PAGE_TABLE = '"wiki_page"'


@pytest.fixture
def primary_and_replica():
    primary = ThrowawayPostgres()
    replica = None
    try:
        # A throwaway cluster: no need to wait for the disk while migrating.
        primary.start("-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off")
        primary.create_database("bigsoc")
        env = drill_env(primary.url("bigsoc"))
        manage("migrate", "--noinput", "-v0", env=env)
        manage("createcachetable", env=env)
        manage("shell", "-c", SEED, env=env)
        replica = StreamingReplica(primary, apply_delay="5s")
        replica.start()
        yield primary, replica
    finally:
        if replica is not None and (replica.data / "postmaster.pid").exists():
            primary._run("pg_ctl", "-D", str(replica.data), "-m", "immediate", "stop", check=False)
        primary.remove()


def test_reads_reach_the_replica_a_volunteer_sees_their_edit_and_a_stopped_replica_loses_nothing(
    primary_and_replica, start_server, report
):
    primary, replica = primary_and_replica
    server = start_server(
        primary.url("bigsoc"),
        workers=1,
        threads=4,
        DATABASE_REPLICA_URLS=replica.url("bigsoc"),
        REPLICA_MAX_LAG_SECONDS="30",  # five seconds behind is still worth reading from
        PAGE_CACHE_SECONDS="0",  # every read reaches a database
    )
    reader = Visitor(server)
    before = replica.reads_of(PAGE_TABLE)
    for _ in range(10):
        assert "The hall opens on Saturdays." in reader.get(PAGE).text
    anonymous_reads = replica.reads_of(PAGE_TABLE) - before
    assert anonymous_reads >= 10, server.log() + replica.statements()[-3000:]

    volunteer = Visitor(server)
    assert volunteer.log_in("vera", PASSWORD).status == 302
    form = volunteer.get(f"{PAGE}edit/")
    saved = volunteer.post(
        f"{PAGE}edit/",
        {"text": "The hall opens every day.", "base_revision": form.form_value("base_revision"),
         "summary": "drill", "action": "save"},
    )  # fmt: skip
    assert saved.status == 302, saved.text[:500]
    saved_at = time.monotonic()
    assert "bigsoc_lsn" in volunteer.cookies
    # The volunteer sees the edit at once; the replica, five seconds behind, does not have it
    # yet, and anonymous readers (reading from it) still see the old text.
    assert "The hall opens every day." in volunteer.get(PAGE).text
    assert "The hall opens on Saturdays." in reader.get(PAGE).text
    assert time.monotonic() - saved_at < 5

    # Once the replica has replayed the edit, the volunteer reads from it again.
    deadline = time.monotonic() + 20
    while "The hall opens every day." not in reader.get(PAGE).text:
        assert time.monotonic() < deadline, "the replica never replayed the edit"
        time.sleep(0.5)
    report(f"replica caught up {time.monotonic() - saved_at:.1f} s after the save")
    time.sleep(1.2)  # the server's next look at its replicas
    before = replica.reads_of(PAGE_TABLE)
    assert "The hall opens every day." in volunteer.get(PAGE).text
    assert replica.reads_of(PAGE_TABLE) > before

    # The replica stops while a reader keeps loading the page: every answer is a 200.
    loading = Reader(server, PAGE, pause=0.02)
    loading.start()
    time.sleep(1)
    replica.stop()
    time.sleep(3)
    loading.done.set()
    loading.join(15)
    assert loading.failures == []
    assert set(loading.statuses) == {200}, loading.statuses
    assert "The hall opens every day." in reader.get(PAGE).text
    report(
        f"{anonymous_reads} replica reads for 10 anonymous pages; "
        f"{sum(loading.statuses.values())} pages loaded around the replica's stop, all 200"
    )
