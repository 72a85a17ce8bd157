"""No request answers 5xx: every URL pattern, walked with real and garbage path segments,
garbage query strings and form fields, in every HTTP method, by a moderator (who reaches the
deepest branches) and by a reader."""

import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from community.models import Review
from posts.models import Post, Topic
from tests.wiki.conftest import make_page, make_user

pytestmark = pytest.mark.django_db

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
GARBAGE_SEGMENTS = {
    "str": ["%E2%80%AEevil", "x" * 300, "%0D%0Ajane", "..%2F..", "a'b\"c<d>"],
    "int": ["0", "99999999999999999999", "007"],
    "path": ["a/b/..%2Fc", "jane%0Adoe", "x" * 300],
}
# Each a request of its own: a repeated key hides all but its last value.
GARBAGE_QUERIES = [
    "?year=9999",
    "?year=9999&month=12",
    "?year=0000&month=0",
    "?year=2011&month=13",
    "?page=-1&q=%E2%80%AE&show=abc&diff=1.5",
    "?page=99999999999999999999&old=abc&new=-3&from=abc",
    "?sort=%00x",
]
GARBAGE_FORM = {
    "review": "abc",
    "action": "reviewed",
    "text": "x" * 10,
    "title": "\u202egnp.exe",
    "summary": "",
    "base_revision": "abc",
    "number": "abc",
    "reason": "",
    "duration": "forever and a day",
    "thread": "1.5",
    "next": "//evil.example",
    "new_title": "",
    "protected": "maybe",
    "email_mode": "abc",
    "username": "",
    "email": "not-an-address",
    "password1": "x",
    "password2": "y",
}


def patterns(entries=None, prefix=""):
    """(route, converters) for every URL pattern outside the admin."""
    for entry in get_resolver().url_patterns if entries is None else entries:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern.converters


ROUTES = sorted({route for route, _ in patterns()})


def garbage(kind: str, index: int) -> str:
    values = GARBAGE_SEGMENTS.get(kind, GARBAGE_SEGMENTS["path"])
    return values[index % len(values)]


def addresses(route: str, real: dict[str, str]) -> list[str]:
    """The route with real values in its segments, then with each kind of garbage."""
    parts = re.findall(r"<(?:(\w+):)?(\w+)>", route)

    def fill(choose):
        address = route
        for kind, name in parts:
            kind = kind or "str"
            address = re.sub(rf"<(?:\w+:)?{name}>", choose(kind, name), address, count=1)
        return "/" + address

    found = [fill(lambda kind, name: real.get(name, garbage(kind, 0)))]
    if parts:
        for index in range(max(len(v) for v in GARBAGE_SEGMENTS.values())):
            found.append(fill(lambda kind, name, i=index: garbage(kind, i)))
    return found


@pytest.fixture
def site(db):
    """A page with two revisions, a topic, a post, an open review and a moderator."""
    mona = make_user("mona", moderator=True)
    volunteer = make_user("vera")
    page = make_page(title="Localism", text="First words.", author=volunteer)
    topic = Topic.objects.create(name="Localism Bill", slug="localism-bill")
    post = Post.objects.create(
        title="A post",
        slug="a-post",
        key="a post",
        body="Words.",
        body_html="<p>Words.</p>",
        checksum="0" * 64,
        author="Jane Doe",
    )
    post.tags.add(topic)
    return {
        "mona": mona,
        "real": {
            "slug": page.slug,
            "number": "1",
            "pk": str(Review.objects.values_list("pk", flat=True).first() or 1),
            "username": "vera",
            "name": "Jane Doe",
            "token": "abc",
            "uidb64": "MQ",
        },
        "topic_slug": topic.slug,
        "post_slug": post.slug,
    }


def requests(method: str):
    """(query, form) pairs: every garbage query on GET, every odd number in a form on POST."""
    if method == "GET":
        return [(query, {}) for query in GARBAGE_QUERIES]
    if method == "POST":
        return [
            (GARBAGE_QUERIES[4], GARBAGE_FORM | {"review": n, "number": n, "thread": n})
            for n in ("abc", "1.5", "", "-1", "99999999999999999999")
        ]
    return [(GARBAGE_QUERIES[4], GARBAGE_FORM)]


def answers(client: Client, method: str, address: str, query: str, form: dict) -> int:
    response = client.generic(
        method,
        address + query,
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )
    return response.status_code


def test_the_walk_covers_every_kind_of_page():
    assert {"posts/<str:slug>/", "review/", "wiki/<str:slug>/revert/<int:number>/"} <= set(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_no_request_to_the_route_answers_5xx(site, settings, route):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    real = dict(site["real"])
    if route.startswith("topics/"):
        real["slug"] = site["topic_slug"]
    elif route.startswith("posts/"):
        real["slug"] = site["post_slug"]
    moderator = Client(raise_request_exception=False)
    moderator.force_login(site["mona"])
    reader = Client(raise_request_exception=False)
    failures = []
    for address in addresses(route, real):
        for method in METHODS:
            for query, form in requests(method):
                for who, client in (("moderator", moderator), ("reader", reader)):
                    status = answers(client, method, address, query, form)
                    if status >= 500:
                        failures.append(f"{who} {method} {address}{query} {form} → {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("year", ["9999", "0000", "9999&month=12"])
def test_a_year_outside_the_calendar_is_not_found(client, year):
    response = client.get(f"/posts/?year={year}")
    assert response.status_code == 404


@pytest.mark.parametrize("number", ["abc", "1.5", ""])
def test_a_review_number_that_is_no_number_is_a_bad_request(site, number):
    client = Client()
    client.force_login(site["mona"])
    response = client.post("/review/", {"review": number, "action": "reviewed"})
    assert response.status_code == 400
    assert "couldn’t understand" in response.content.decode()
