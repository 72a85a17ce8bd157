"""Drill: a soak. SOAK_SECONDS (default 60) of mixed reads and edits at 64 connections.

Two gunicorn servers (two workers of four threads each) share the test database and Redis, as
behind a load balancer; 64 clients on loopback, each with its own kept-alive connection, load
pages and, one in four, edit wiki pages (open the editor, save from the revision shown: a save or
an edit conflict). No answer may be a 5xx or anything but 200, 302 or 409, and the workers'
resident memory, sampled every few seconds, must level off rather than grow without bound.
"""

import os
import random
import statistics
import threading
import time
from collections import Counter

import pytest

from posts.models import Post, Topic
from tests.drills.conftest import make_person
from tests.drills.servers import Visitor, drill_env, manage
from wiki.services import create_page

pytestmark = pytest.mark.drill

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
CONNECTIONS = 64
EDITORS_EVERY = 4  # one client in four is a logged-in volunteer who also edits
SAMPLE_EVERY = 5.0
WIKI_PAGES = 8
PASSWORD = "drill-pass-9!x"
# Memory a worker may gain after warming up (the first quarter of the soak): generous, since
# only unbounded growth is a fault; a leak of even a few KB a request passes this in minutes.
GROWTH_ALLOWED_MB = 64
EXPECTED = {200, 302, 409}


class Client(threading.Thread):
    def __init__(self, number, visitor, reads, wiki_pages, deadline, edits):
        super().__init__(daemon=True)
        self.random = random.Random(number)
        self.visitor = visitor
        self.reads = reads
        self.wiki_pages = wiki_pages
        self.deadline = deadline
        self.edits = edits
        self.statuses = Counter()
        self.by_kind = Counter()
        self.latencies = []
        self.failures = []

    def run(self):
        while time.monotonic() < self.deadline:
            try:
                if self.edits and self.random.random() < 0.5:
                    self.edit()
                else:
                    self.timed("read", "GET", self.random.choice(self.reads))
            except Exception as error:  # every failure is counted and reported, none is lost
                self.failures.append(repr(error))
                self.visitor.close()
        self.visitor.close()

    def timed(self, kind, method, path, form=None):
        started = time.monotonic()
        if method == "GET":
            response = self.visitor.get(path)
        else:
            response = self.visitor.post(path, form)
        self.latencies.append(time.monotonic() - started)
        self.statuses[response.status] += 1
        self.by_kind[f"{kind} {response.status}"] += 1
        return response

    def edit(self):
        slug = self.random.choice(self.wiki_pages)
        form = self.timed("editor", "GET", f"/wiki/{slug}/edit/")
        if form.status != 200:
            return
        self.timed(
            "save",
            "POST",
            f"/wiki/{slug}/edit/",
            {
                "text": f"Soak edit {self.random.random():.12f}\n\n{(form.textarea() or '')[:400]}",
                "summary": "soak",
                "base_revision": form.form_value("base_revision"),
                "action": "save",
            },
        )


class MemorySampler(threading.Thread):
    """Resident memory of every worker of `servers`, every SAMPLE_EVERY seconds."""

    def __init__(self, servers):
        super().__init__(daemon=True)
        self.servers = servers
        self.samples: list[tuple[float, dict[int, float]]] = []
        self.done = threading.Event()

    def run(self):
        started = time.monotonic()
        while True:
            sizes = {}
            for server in self.servers:
                sizes.update(server.rss_mb())
            self.samples.append((time.monotonic() - started, sizes))
            if self.done.wait(SAMPLE_EVERY):
                return


@pytest.fixture
def soak_site(start_server, test_database_url, redis_url):
    manage("import_seeds", "-v0", env=drill_env(test_database_url))
    slugs = []
    for n in range(WIKI_PAGES):
        page = create_page(title=f"Soak page {n}", text=f"Page {n}.", author=None).page
        slugs.append(page.slug)
    topics = list(Topic.objects.filter(tagged_posts__isnull=False).distinct().values_list("slug"))
    posts = list(Post.objects.values_list("slug", flat=True)[:20])
    reads = [
        "/",
        "/topics/",
        "/topics/?sort=size",
        "/wiki/",
        "/recent/",
        "/healthz",
        *(f"/topics/{slug}/" for (slug,) in topics[:10]),
        *(f"/posts/{slug}/" for slug in posts),
        *(f"/wiki/{slug}/" for slug in slugs),
        *(f"/wiki/{slug}/history/" for slug in slugs),
        *(f"/wiki/{slug}/diff/" for slug in slugs),
    ]
    servers = [
        start_server(
            test_database_url,
            workers=2,
            threads=4,
            REDIS_URL=redis_url,
            WIKI_EDIT_RATE="1000000/60",  # the soak edits far faster than any volunteer
        )
        for _ in range(2)
    ]
    return servers, reads, slugs


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def test_soak_of_mixed_reads_and_edits_gives_no_5xx_and_memory_levels_off(soak_site, report):
    servers, reads, wiki_pages = soak_site
    sessions = []
    for n in range(2):
        make_person(f"soaker{n}", PASSWORD)
        visitor = Visitor(servers[n])
        assert visitor.log_in(f"soaker{n}", PASSWORD).status == 302
        sessions.append(visitor.cookies)

    sampler = MemorySampler(servers)
    sampler.start()
    deadline = time.monotonic() + SOAK_SECONDS
    clients = []
    for n in range(CONNECTIONS):
        editor = n % EDITORS_EVERY == 0
        cookies = dict(sessions[n % len(sessions)]) if editor else None
        visitor = Visitor(servers[n % len(servers)], cookies, timeout=60)
        clients.append(Client(n, visitor, reads, wiki_pages, deadline, edits=editor))
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=SOAK_SECONDS + 120)
    sampler.done.set()
    sampler.join()

    statuses = sum((c.statuses for c in clients), Counter())
    kinds = sum((c.by_kind for c in clients), Counter())
    failures = [f for c in clients for f in c.failures]
    latencies = [t for c in clients for t in c.latencies]
    requests = sum(statuses.values())
    first_after_warm_up = next(s for t, s in sampler.samples if t >= SOAK_SECONDS / 4)
    last = sampler.samples[-1][1]
    growth = {pid: last[pid] - first_after_warm_up[pid] for pid in last}
    rss_lines = [
        f"  t={t:5.1f}s " + " ".join(f"{sizes[pid]:6.1f}" for pid in sorted(sizes))
        for t, sizes in sampler.samples
    ]
    report(
        f"{SOAK_SECONDS:.0f} s at {CONNECTIONS} connections: {requests:,} requests "
        f"({requests / SOAK_SECONDS:.0f}/s), statuses {dict(sorted(statuses.items()))}, "
        f"{len(failures)} failures; latency median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; "
        f"by kind {dict(sorted(kinds.items()))}\n"
        f"  worker RSS MB (pids {sorted(last)}):\n" + "\n".join(rss_lines) + "\n"
        f"  growth after warm-up MB: { {pid: round(mb, 1) for pid, mb in growth.items()} }"
    )

    assert failures == [], failures[:10]
    assert not [s for s in statuses if s >= 500], statuses
    assert set(statuses) <= EXPECTED, statuses
    assert requests >= SOAK_SECONDS * 10, f"only {requests} requests: the load did not run"
    assert kinds["save 302"] > 0, kinds
    assert sorted(last) == sorted(first_after_warm_up), "a worker was restarted during the soak"
    assert max(growth.values()) < GROWTH_ALLOWED_MB, growth
