"""The benchmark's hooks into the site, and its pure helpers (the run itself is `make bench`)."""

import importlib

from django.urls import clear_url_caches

from bench.run import parse_candidates
from bigsoc import urls


def test_ceiling_view_does_not_exist_in_a_normal_site(client, db):
    assert client.get("/bench/ceiling/").status_code == 404


def test_ceiling_view_answers_six_kilobytes_when_the_bench_turns_it_on(client, db, settings):
    settings.BENCH_CEILING = True
    try:
        importlib.reload(urls)
        clear_url_caches()
        response = client.get("/bench/ceiling/")
        assert response.status_code == 200
        assert len(response.content) == 6144
    finally:
        settings.BENCH_CEILING = False
        importlib.reload(urls)
        clear_url_caches()


def test_worker_candidates_read_counts_and_threads():
    assert parse_candidates("2, 3,2x4") == [(2, 1), (3, 1), (2, 4)]


def test_render_rows_time_every_worst_input_and_the_hostile_ones_are_refused():
    from bench.render import render_rows, table, worst_inputs

    rows = render_rows()
    assert [row.name for row in rows] == list(worst_inputs())
    assert all(row.outcome.startswith("refused") for row in rows[:3])
    assert rows[-1].outcome == "rendered"
    assert table(rows).count("\n") == len(rows) + 1
