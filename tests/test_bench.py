"""The benchmark's hooks into the site, and its pure helpers (the run itself is `make bench`)."""

import importlib
import json
import random
import threading

import pytest
from django.urls import clear_url_caches

from bench import run, wikipages
from bench.run import combine, cpu_model, parse_candidates
from bench.wikipages import page_text
from bench.wrk import Load
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


def test_a_rows_runs_combine_into_their_mean_and_spread():
    loads = [Load(1900, 4.0, 8.0, 12.0, 0), Load(2100, 6.0, 10.0, 14.0, 1)]
    mean, spread = combine(loads)
    assert (mean.rate, mean.p50, mean.p95, mean.p99, mean.errors) == (2000, 5.0, 9.0, 13.0, 1)
    assert spread == "1,900–2,100 (±5%)"


def test_the_report_names_the_processor():
    assert cpu_model()


def test_a_bench_wiki_page_has_about_600_words_and_links_to_other_pages():
    text = page_text(7, 2000, random.Random(1))
    assert 550 <= len(text.split()) <= 700
    assert text.count("[[Bench wiki page ") == 6


def test_without_bench_render_the_report_says_the_row_is_missing(monkeypatch):
    monkeypatch.setattr(run.importlib.util, "find_spec", lambda name: None)
    report = run.Report()
    run.render_rows({}, report)
    assert report.rows == [] and "render budget" in report.notes[0]


def test_the_wiki_pages_row_creates_its_pages_through_the_service(db, capsys):
    from wiki.models import Page

    wikipages.main(["--pages", "4"])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["pages"] == 4 and result["rate"] > 0
    assert Page.objects.filter(title__startswith="Bench wiki page ").count() == 4


def test_generated_wxr_export_holds_the_same_posts_as_the_text_archive():
    import io

    from bench.generate import generate, generate_wxr
    from importer.readers import detect, open_records
    from importer.readers.listing_parser import fold, parse_text

    text, xml = io.StringIO(), io.StringIO()
    generate(text, 50, seed=3)
    generate_wxr(xml, 50, seed=3)
    data = xml.getvalue().encode()
    assert detect(data) == "wxr"
    posts = list(open_records(io.BytesIO(data), "wxr"))
    _, listed = parse_text(text.getvalue())
    # The text archive adds typographic twins of a few posts; their keys are the same.
    assert [fold(p.title) for p in posts] == list(dict.fromkeys(p.key for p in listed))
    assert all(p.comments and p.categories == ("Society", "Big Society") for p in posts)


def test_the_ceiling_is_a_bare_django_project_answering_six_kilobytes_without_a_database():
    import subprocess
    import sys

    from bench.run import ROOT

    script = (
        "import json, django; django.setup()\n"
        "from django.conf import settings; from django.test import Client\n"
        "r = Client().get('/bench/ceiling/')\n"
        "print(json.dumps([r.status_code, len(r.content), r.headers.get('X-Content-Type-Options'),"
        " settings.MIDDLEWARE, settings.DATABASES]))\n"
    )
    env = {"DJANGO_SETTINGS_MODULE": "bench.ceiling.settings", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    status, size, nosniff, middleware, databases = json.loads(out.stdout)
    assert (status, size, nosniff) == (200, 6144, "nosniff")
    assert [m.rsplit(".", 1)[-1] for m in middleware] == [
        "SecurityMiddleware",
        "WhiteNoiseMiddleware",
    ]
    assert databases["default"]["ENGINE"] == "django.db.backends.dummy"


def test_django_wiki_and_bigsoc_create_the_same_generated_pages():
    from bench.djangowiki import PREFIX, generated_pages

    pages = generated_pages(5, seed=1)
    rng = random.Random(1)
    assert [text for _, _, text in pages] == [page_text(n, 5, rng, PREFIX) for n in range(5)]
    assert [title for _, title, _ in pages] == [f"{PREFIX} {n}" for n in range(5)]
    assert len({slug for slug, _, _ in pages}) == 5


def test_only_takes_some_groups_of_rows_and_refuses_an_unknown_one():
    assert run.parse_only("activity, api") == {"activity", "api"}
    assert run.parse_only("") == set(run.GROUPS)
    with pytest.raises(SystemExit, match="not apis"):
        run.parse_only("activity,apis")


def test_the_activity_writer_saves_edits_and_toggles_watches_over_http(live_server, client):
    from django.contrib.auth import get_user_model

    from bench.activity import Volunteer, page_paths, write_until_stopped
    from community.models import Watch
    from wiki.models import Page
    from wiki.services import create_page

    text = "# Bench wiki page 0\n\nA 'quoted' <b>"
    create_page(title="Bench wiki page 0", text=text, author=None)
    user = get_user_model().objects.create_user("bench-writer", password="unused-password")
    client.force_login(user)
    session = client.cookies["sessionid"].value
    paths = page_paths(1)

    Volunteer(live_server.url, session, paths, "edit").write()
    page = Page.objects.get()
    assert page.current_revision.number == 2
    assert page.current_revision.text.startswith(text)  # the form's text, unescaped
    watching = Watch.objects.filter(user=user, page=page).exists()  # an edit may watch the page
    Volunteer(live_server.url, session, paths, "watch").write()
    assert Watch.objects.filter(user=user, page=page).exists() is not watching

    stop = threading.Event()

    class StopsAfterOneWrite(Volunteer):
        def write(self):
            super().write()
            stop.set()

    result = write_until_stopped(
        StopsAfterOneWrite(live_server.url, session, paths, "watch"), 50, stop
    )
    assert (result["writes"], result["failures"]) == (1, 0)


def test_a_write_that_does_not_land_is_a_failure(live_server, db):
    from bench.activity import Volunteer, WriteFailed, page_paths
    from wiki.services import create_page

    create_page(title="Bench wiki page 0", text="Text.", author=None)
    stranger = Volunteer(live_server.url, "no-such-session", page_paths(1), "edit")
    with pytest.raises(WriteFailed, match="answered 302"):  # sent to the log-in page
        stranger.write()
