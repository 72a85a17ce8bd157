"""The CDN purge outbox (core.purges): a purge per key, queued with the write, sent by the
worker to a real HTTP server, kept and retried when the CDN does not answer."""

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from core.cache import KEY_PREFIX, RECENT, SITE, page_key_name
from core.models import Purge
from core.purges import send_due
from tests.wiki.conftest import edit, make_page


@contextmanager
def _cdn(delay: float = 0):
    """A real HTTP server standing in for Varnish or Fastly: it records what it is asked, and
    answers after `delay` seconds."""
    heard = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            time.sleep(delay)
            heard.append((self.command, self.path, self.headers))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_PURGE = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", heard
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def page(db, page_cache):
    return make_page("Allotments", "Growing together.")


def test_without_a_cdn_a_write_queues_no_purge(page, commits):
    with commits():
        edit(page, "Growing food together.")
    assert not Purge.objects.exists()


def test_an_edit_purges_each_key_from_the_saving_process_once_committed(page, commits, page_cache):
    with _cdn() as (url, heard):
        page_cache.CDN_PURGE_URL = url + "/"
        with commits():
            edit(page, "Growing food together.")
    keys = {h["xkey-purge"] for method, _, h in heard if method == "PURGE"}
    assert {page_key_name(page.pk), RECENT, SITE} <= keys
    assert len(heard) == len(keys)
    assert not Purge.objects.exists()  # nothing left for the worker


def test_a_slow_cdn_costs_a_save_at_most_the_wait_and_the_worker_sends_the_rest(
    page, commits, page_cache
):
    with _cdn(delay=2) as (url, heard):
        page_cache.CDN_PURGE_URL = url + "/"
        page_cache.CDN_PURGE_WAIT_MS = 200
        started = time.monotonic()
        with commits():
            edit(page, "Growing food together.")
        assert time.monotonic() - started < 1.5
    assert Purge.objects.exists()  # the CDN did not answer in time: still queued


def test_without_waiting_the_worker_forgets_the_keys_then_purges_varnish(page, commits, page_cache):
    with _cdn() as (url, heard):
        page_cache.CDN_PURGE_URL = url + "/"
        page_cache.CDN_PURGE_WAIT_MS = 0
        with commits():
            edit(page, "Growing food together.")
        keys = set(Purge.objects.values_list("key", flat=True))
        assert {page_key_name(page.pk), RECENT, SITE} <= keys
        name = KEY_PREFIX + page_key_name(page.pk)
        version = cache.get(name)
        call_command("send_notifications", verbosity=0)
        assert cache.get(name) > version
    assert {h["xkey-purge"] for method, _, h in heard if method == "PURGE"} == keys
    assert len(heard) == len(keys)
    assert not Purge.objects.exists()


def test_fastly_is_purged_per_surrogate_key_with_its_token(page, commits, page_cache):
    with _cdn() as (url, heard):
        page_cache.CDN_PURGE_URL = url + "/service/abc/purge"
        page_cache.CDN_PURGE_KIND = "fastly"
        page_cache.CDN_PURGE_WAIT_MS = 0
        page_cache.CDN_PURGE_TOKEN = "secret-token"
        with commits():
            edit(page, "Growing food together.")
        assert send_due().failed == 0
    paths = {path for method, path, _ in heard if method == "POST"}
    assert f"/service/abc/purge/{page_key_name(page.pk)}" in paths
    assert {h["Fastly-Key"] for _, _, h in heard} == {"secret-token"}


def test_a_rolled_back_write_queues_no_purge(page, page_cache):
    page_cache.CDN_PURGE_URL = "http://127.0.0.1:9/"
    with transaction.atomic():
        edit(page, "Never saved.")
        transaction.set_rollback(True)
    assert not Purge.objects.exists()


def test_a_cdn_that_does_not_answer_keeps_the_purges_for_later(page, commits, page_cache):
    with _cdn() as (url, _):
        pass  # the server is gone: nothing listens on its port now
    page_cache.CDN_PURGE_URL = url + "/"
    with commits():
        edit(page, "Growing food together.")
    queued = Purge.objects.count()
    result = send_due()
    assert (result.sent, result.failed) == (0, queued)
    assert Purge.objects.filter(attempts=1).count() == queued
    assert send_due().failed == 0  # not due again yet: nothing tried
