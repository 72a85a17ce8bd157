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


def test_generated_wxr_export_holds_the_same_posts_as_the_text_archive():
    import io

    from bench.generate import generate, generate_wxr
    from posts.importer.parse import fold, parse_text
    from posts.importer.readers import detect, open_records

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
