"""The Django side of the benchmark, run by bench/run.py in processes of their own.

    python -m bench.site prepare OUT.json   # wiki page with 300 revisions, a volunteer, the URLs
    python -m bench.site queries IN.json    # SQL queries per page and mode, with the test client

`prepare` writes what the load test needs: the pages to load (largest topic's first and a deep
page, a post, the wiki page, its history and a diff, search queries when search exists) and the
session cookie of a logged-in volunteer. `queries` counts each page's SQL with
`CaptureQueriesContext`, anonymous (page cache off, so the view's own queries count) and logged in.
"""

import json
import os
import sys
from urllib.parse import urlencode

WIKI_REVISIONS = 300
USERNAME = "bench-volunteer"
# Rare and common words of the generated archive (bench/generate.py), always the same twenty.
SEARCH_QUERIES = [
    "big society",
    "volunteering",
    "community organisers",
    "social enterprise",
    "people",
    "local government",
    "the idea",
    "open data",
    "Nat Wei",
    "Canary Wharf",
    "mutuals",
    "knowledge shed",
    "jargon",
    "spending cuts",
    "Kevin Harris",
    "town hall tour",
    "reinvent public services",
    "organisers have since changed the date",
    "co-ops",
    "Neighbourhood Challenge",
]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigsoc.settings")
    import django

    django.setup()


def _revision_text(number: int, post_slugs: list[str]) -> str:
    """A page of a few kilobytes that grows a little with every revision, with links."""
    cites = " ".join(f"[[post:{slug}]]" for slug in post_slugs[:5])
    sections = [
        f"## Part {n}\n\nVolunteers wrote this part in revision {n}. It links to [[Big Society]], "
        f"[[Community organisers]] and [[Open data]], and cites {cites}.\n\n"
        f"- one point made in revision {n}\n- another point\n"
        for n in range(1, 8 + number // 30)
    ]
    return f"# Bench page\n\nRevision {number} of a page volunteers keep editing.\n\n" + "\n".join(
        sections
    )


def prepare(out_path: str) -> None:
    _setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from posts.models import Post, Topic
    from posts.pages import POSTS_PER_PAGE
    from wiki.models import Page
    from wiki.services import create_page, save_revision

    user = get_user_model().objects.filter(username=USERNAME).first()
    if user is None:
        user = get_user_model().objects.create_user(USERNAME, password=os.urandom(16).hex())
    topic = Topic.objects.busiest().first()
    if topic is None:
        sys.exit("bench.site: no topic has posts; did the import run?")
    post = Post.objects.for_topic(topic).newest_first().first()
    slugs = list(Post.objects.order_by("id").values_list("slug", flat=True)[:5])

    page = Page.objects.filter(slug="bench-page").first()
    if page is None or page.current_revision.number < WIKI_REVISIONS:
        # No author: the edit rate limit does not apply.
        page = create_page(
            title="Bench page", text=_revision_text(1, slugs), author=None, summary="revision 1"
        ).page
        for number in range(2, WIKI_REVISIONS + 1):
            page.refresh_from_db()
            save_revision(
                page=page,
                text=_revision_text(number, slugs),
                author=None,
                summary=f"revision {number}",
                base_revision=page.current_revision.number,
            )

    client = Client()
    client.force_login(user)
    pages = Topic.objects.filter(pk=topic.pk).with_post_counts().get().post_count
    deep = max(1, (pages + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE * 3 // 4)
    wiki = page.get_absolute_url()
    rows = [
        ("home", ["/"]),
        ("topic index", ["/topics/"]),
        ("largest topic, page 1", [topic.get_absolute_url()]),
        (f"largest topic, page {deep}", [f"{topic.get_absolute_url()}?page={deep}"]),
        ("post", [post.get_absolute_url()]),
        (f"wiki page ({WIKI_REVISIONS} revisions)", [wiki]),
        ("wiki history", [f"{wiki}history/"]),
        ("wiki diff", [f"{wiki}diff/?from={WIKI_REVISIONS - 10}&to={WIKI_REVISIONS}"]),
    ]
    # The JSON API (issue 23): anonymous, and with a personal access token (a read token; the
    # answers are the same for everyone, so both are served from the page cache when kept).
    from api.tokens import create_token

    _, token = create_token(user=user, name="bench", scope="read")
    rows += [
        ("api: post", [f"/api/v1/posts/{post.slug}/"]),
        ("api: posts of the largest topic", [f"/api/v1/posts/?topic={topic.slug}"]),
        (f"api: wiki page ({WIKI_REVISIONS} revisions)", [f"/api/v1/wiki/{page.slug}/"]),
    ]
    search = None
    for name in ("search:results", "search", "search:search"):  # main names it search:results
        try:
            search = reverse(name)
            break
        except NoReverseMatch:
            continue
    if search:
        rows.append(
            ("search (20 queries)", [f"{search}?{urlencode({'q': q})}" for q in SEARCH_QUERIES])
        )
    with open(out_path, "w") as out:
        json.dump(
            {
                "rows": rows,
                "session": client.cookies["sessionid"].value,
                "token": token,
                "topic": topic.name,
                "topic_posts": pages,
                "search": bool(search),
            },
            out,
        )


def api_row(name: str) -> bool:
    """A row of the JSON API: read anonymously and with a token, not with a session."""
    return name.startswith("api:")


def queries(in_path: str) -> None:
    _setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with open(in_path) as f:
        plan = json.load(f)
    anonymous, volunteer = Client(), Client()
    volunteer.cookies["sessionid"] = plan["session"]
    bot = Client(HTTP_AUTHORIZATION=f"Bearer {plan.get('token', '')}")
    counts = {}
    for name, urls in plan["rows"]:
        modes = (
            ("anonymous", anonymous),
            ("token", bot) if api_row(name) else ("logged in", volunteer),
        )
        for mode, client in modes:
            found = set()
            for url in urls:
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url)
                if response.status_code != 200:
                    sys.exit(f"bench.site: {url} ({mode}) answered {response.status_code}")
                found.add(len(captured))
            counts[f"{name}|{mode}"] = "/".join(str(n) for n in sorted(found))
    json.dump(counts, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("prepare", "queries"):
        sys.exit(__doc__)
    {"prepare": prepare, "queries": queries}[sys.argv[1]](sys.argv[2])
