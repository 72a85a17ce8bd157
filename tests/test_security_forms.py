"""Security checks of what the site accepts by POST, with Django's test client.

- Every URL the site serves refuses a POST without a CSRF token. The URLs are enumerated from
  the resolver, so a view added without a line in `SAMPLE_ARGUMENTS` fails the test.
- Log-in, sign-up and log-out never redirect off-site, whatever `next` says.
- Password reset answers the same for a known and an unknown address.
- Hostile and oversized form fields (edit form, log-in, sign-up, password reset, move) give a
  4xx or a normal page, never a 500.
"""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode

from community.delivery import unsubscribe_token
from wiki.models import Page
from wiki.permissions import MODERATORS_GROUP
from wiki.services import create_page, save_revision

PASSWORD = "pw-x9!k2q-long"
# Django's admin is Django's own, every view of it behind csrf_protect; tested upstream. The
# JSON API takes writes only with a bearer token, never the session cookie, so a forged
# cross-site request has nothing to ride on (tests/api/test_writes.py proves a session alone
# cannot write through it).
SKIPPED_NAMESPACES = {"admin", "api"}


def every_url_pattern(patterns=None, namespace=""):
    """(name, pattern) of every URL the site serves, outside SKIPPED_NAMESPACES."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from every_url_pattern(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, entry


@pytest.fixture
def site(django_user_model):
    """A moderator, a page with two revisions, and the URL arguments that reach them."""
    moderator = django_user_model.objects.create_user("mona", "mona@example.org", PASSWORD)
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    moderator.groups.add(group)
    first = create_page(title="Village hall", text="One.", author=moderator)
    save_revision(
        page=first.page,
        text="Two.",
        author=moderator,
        base_revision=1,
    )
    return {"moderator": moderator, "slug": first.page.slug}


def sample_arguments(site) -> dict[str, dict]:
    """URL arguments for every named URL; a new URL must be added here to pass."""
    moderator, slug = site["moderator"], site["slug"]
    page = {"slug": slug}
    return {
        "healthz": {},
        "robots_txt": {},
        "favicon": {},
        "sitemap": {},
        "search:results": {},
        "signup": {},
        "login": {},
        "logout": {},
        "password_change": {},
        "password_change_done": {},
        "password_reset": {},
        "password_reset_done": {},
        "password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(moderator.pk)),
            "token": default_token_generator.make_token(moderator),
        },
        "password_reset_complete": {},
        "resend_verification": {},
        "verify_email": {"token": "a-token"},
        "wiki:index": {},
        "wiki:wanted": {},
        "wiki:page": page,
        "wiki:edit": page,
        "wiki:history": page,
        "wiki:revision": {**page, "number": 1},
        "wiki:links": page,
        "wiki:diff": page,
        "wiki:revert": {**page, "number": 1},
        "wiki:move": page,
        "wiki:protect": page,
        "wiki:delete": page,
        "wiki:restore": page,
        "wiki:recent": {},
        "wiki:user": {"username": moderator.username},
        "wiki:changes_feed": {},
        "posts:home": {},
        "posts:topic_list": {},
        "posts:topic_map": {},
        "posts:topic_detail": {"slug": "localism-bill"},
        "posts:topic_feed": {"slug": "localism-bill"},
        "posts:recent_feed": {},
        "posts:post_list": {},
        "posts:post_detail": {"slug": "a-post"},
        "posts:author_list": {},
        "posts:author_detail": {"name": "Jo Bloggs"},
        "community:watchlist": {},
        "community:watch_page": page,
        "community:watch_topic": {"slug": "localism-bill"},
        "community:talk": page,
        "community:comment_edit": {"pk": 1},
        "community:comment_hide": {"pk": 1},
        "community:log": {},
        "community:log_feed": {},
        "community:review": {},
        "community:block": {"username": moderator.username},
        "community:preferences": {},
        "community:unsubscribe": {"token": unsubscribe_token(moderator)},
        "api_token_create": {},
        "api_token_revoke": {"pk": 1},
        "api_not_found": {"rest": "nothing/here/"},
    }


@pytest.mark.django_db
def test_every_url_refuses_a_post_without_a_csrf_token(site, caplog):
    patterns = list(every_url_pattern())
    assert [pattern for name, pattern in patterns if name is None] == [], "unnamed URL patterns"
    arguments = sample_arguments(site)
    names = {name for name, _ in patterns}
    assert names - arguments.keys() == set(), "URLs missing from SAMPLE_ARGUMENTS"
    assert arguments.keys() - names == set(), "SAMPLE_ARGUMENTS names URLs that are gone"
    exempt = [name for name, p in patterns if getattr(p.callback, "csrf_exempt", False)]
    # The one exception: mail clients' one-click unsubscribe (RFC 8058) POSTs without cookies;
    # the signed token in its address does the CSRF token's work (community.views.unsubscribe).
    assert exempt == ["community:unsubscribe"]
    names.discard("community:unsubscribe")

    client = Client(enforce_csrf_checks=True)
    client.force_login(site["moderator"])
    accepted = {}
    for name in sorted(names):
        url = reverse(name, kwargs=arguments[name])
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
            response = client.post(url, {"text": "x", "base_revision": "2", "protected": "1"})
        refused_for_csrf = response.status_code == 403 and any(
            record.name == "django.security.csrf" for record in caplog.records
        )
        if not refused_for_csrf:
            accepted[name] = response.status_code
    assert accepted == {}
    # Nothing was written on the way.
    assert get_user_model().objects.get(username="mona").is_active
    client.get(reverse("wiki:page", kwargs={"slug": site["slug"]}))


OFF_SITE = [
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http:evil.example",
    "https:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver@evil.example/",
]


def assert_stays_on_site(response):
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert url_has_allowed_host_and_scheme(location, {"testserver"}, require_https=False)
    assert "evil.example" not in location and "script" not in location.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", OFF_SITE)
def test_log_in_never_redirects_off_site(django_user_model, next_url):
    django_user_model.objects.create_user("vera", "vera@example.org", PASSWORD)
    client = Client()
    page = client.get("/accounts/login/", {"next": next_url})
    assert page.status_code == 200
    assert 'href="//evil' not in page.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "vera", "password": PASSWORD, "next": next_url}
    )
    assert_stays_on_site(response)
    # Log-out with the same `next` does not leave the site either.
    assert_stays_on_site(client.post("/accounts/logout/", {"next": next_url}))


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", OFF_SITE)
def test_sign_up_never_redirects_off_site(next_url):
    response = Client().post(
        f"/accounts/signup/?next={next_url}",
        {
            "username": "newcomer",
            "email": "newcomer@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": next_url,
        },
    )
    assert_stays_on_site(response)


@pytest.mark.django_db
def test_log_in_still_follows_a_next_on_this_site(django_user_model):
    # The guard above must not throw away good addresses.
    django_user_model.objects.create_user("vera", "vera@example.org", PASSWORD)
    response = Client().post(
        "/accounts/login/",
        {"username": "vera", "password": PASSWORD, "next": "/wiki/village-hall/edit/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/wiki/village-hall/edit/"


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_known_and_unknown_addresses(django_user_model):
    django_user_model.objects.create_user("ivan", "ivan@example.org", PASSWORD)
    answers = {}
    for address in ["ivan@example.org", "nobody@example.org"]:
        client = Client()
        posted = client.post("/accounts/password_reset/", {"email": address})
        shown = client.get(posted["Location"])
        answers[address] = (posted.status_code, posted["Location"], shown.content)
    assert answers["ivan@example.org"] == answers["nobody@example.org"]
    assert answers["ivan@example.org"][0] == 302
    # Only the known address got an email: the two answers hide a real difference.
    assert [message.to for message in mail.outbox] == [["ivan@example.org"]]


# --- Hostile form fields ---------------------------------------------------------------------

BIG = 2 * 1024 * 1024
HOSTILE_FIELD_VALUES = {
    "sql": "' OR 1=1 --",
    "nul": "a\x00b",
    "only-nul": "\x00",
    "long-title": "t" * 10_000,
    "two-megabytes": "x" * BIG,
    "markup": '"><script>alert(1)</script>',
    "unicode": "\u202e\U0001d518\ufeff",
    "empty": "",
}
BAD_REVISION_NUMBERS = ["abc", "1.5", "-1", "9" * 40, "1e3", "", "\x00", "' OR 1=1 --", "2 "]
NEVER = range(500, 600)


@pytest.fixture
def volunteer_client(site, django_user_model):
    user = django_user_model.objects.create_user("alice", "alice@example.org", PASSWORD)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def statuses(client, url, base: dict, fields, values) -> dict:
    return {
        (field, label): client.post(url, {**base, field: value}).status_code
        for field in fields
        for label, value in values.items()
    }


@pytest.mark.django_db
def test_hostile_edit_form_fields_give_a_4xx_or_a_page(site, volunteer_client):
    existing = f"/wiki/{site['slug']}/edit/"
    new = "/wiki/brand-new-page/edit/"
    base = {"title": "Brand new page", "text": "Words.", "summary": "", "base_revision": "2"}
    answers = statuses(
        volunteer_client,
        existing,
        {**base, "action": "save"},
        ["text", "summary", "base_revision", "action"],
        HOSTILE_FIELD_VALUES,
    )
    answers |= statuses(
        volunteer_client,
        new,
        {**base, "base_revision": "0", "action": "save"},
        ["title", "text"],
        HOSTILE_FIELD_VALUES,
    )
    answers |= statuses(
        volunteer_client,
        existing,
        {**base, "action": "preview"},
        ["text"],
        HOSTILE_FIELD_VALUES,
    )
    answers |= {
        ("base_revision", value): volunteer_client.post(
            existing, {**base, "base_revision": value, "action": "save"}
        ).status_code
        for value in BAD_REVISION_NUMBERS
    }
    assert not {key: s for key, s in answers.items() if s in NEVER}
    # The oversized text is refused, not stored; a bad revision number is a form error.
    assert answers[("text", "two-megabytes")] == 400
    assert answers[("title", "long-title")] == 400
    assert answers[("base_revision", "abc")] == 400
    assert answers[("base_revision", "9" * 40)] in {400, 409}


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_a_400(site, volunteer_client, settings):
    too_big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = volunteer_client.post(
        f"/wiki/{site['slug']}/edit/", {"text": too_big, "base_revision": "2", "action": "save"}
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_hostile_account_form_fields_give_a_4xx_or_a_page(site, django_user_model, settings):
    # Lockout after five failures is itself a 429, which is fine; raise the limit so every
    # value reaches the form.
    settings.AXES_FAILURE_LIMIT = 10_000
    client = Client(raise_request_exception=False)
    answers = statuses(
        client,
        "/accounts/login/",
        {"username": "mona", "password": "wrong"},
        ["username", "password", "next"],
        HOSTILE_FIELD_VALUES,
    )
    answers |= statuses(
        client,
        "/accounts/signup/",
        {"username": "n", "email": "n@example.org", "password1": PASSWORD, "password2": PASSWORD},
        ["username", "email", "password1", "next"],
        HOSTILE_FIELD_VALUES,
    )
    answers |= statuses(
        client, "/accounts/password_reset/", {"email": "a@example.org"}, ["email"],
        HOSTILE_FIELD_VALUES,
    )  # fmt: skip
    logged_in = Client(raise_request_exception=False)
    logged_in.force_login(site["moderator"])
    page = Page.objects.get(slug=site["slug"])
    for label, value in HOSTILE_FIELD_VALUES.items():
        page.refresh_from_db()  # a value that is a fine title moves the page
        url = f"/wiki/{page.slug}/move/"
        answers[("new_title", label)] = logged_in.post(url, {"new_title": value}).status_code
    assert not {key: s for key, s in answers.items() if s in NEVER}
    usernames = set(django_user_model.objects.values_list("username", flat=True))
    assert usernames <= {"mona", "n"}  # "n" signs up when only `next` is hostile


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["0", "9" * 25, "4294967296"])
def test_out_of_range_revision_numbers_in_addresses_give_a_404(site, number):
    client = Client(raise_request_exception=False)
    client.force_login(site["moderator"])
    slug = site["slug"]
    assert client.get(f"/wiki/{slug}/revisions/{number}/").status_code == 404
    assert client.post(f"/wiki/{slug}/revert/{number}/").status_code == 404
    assert client.get(f"/wiki/{slug}/diff/?from=1&to={number}").status_code in {200, 400}


# --- Throttling behind a load balancer -------------------------------------------------------

BALANCER = "10.0.0.2"


def log_in_through_the_balancer(visitor_address, username, password):
    client = Client(REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=visitor_address)
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
@pytest.mark.parametrize(("proxy_count", "vera_can_log_in"), [(1, True), (0, False)])
def test_behind_a_load_balancer_failed_log_ins_count_per_visitor(
    settings, django_user_model, proxy_count, vera_can_log_in
):
    settings.PROXY_COUNT = proxy_count
    settings.AXES_FAILURE_LIMIT = 3
    django_user_model.objects.create_user("vera", "vera@example.org", PASSWORD)
    statuses = [
        log_in_through_the_balancer("203.0.113.9", "admin", "guess").status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    # A visitor at another address, through the same balancer: with PROXY_COUNT set she is
    # herself; without it she shares the balancer's address, and its lockout, with the guesser.
    vera = log_in_through_the_balancer("198.51.100.7", "vera", PASSWORD)
    assert (vera.status_code == 302) is vera_can_log_in
    # The guesser cannot slip out by writing an address of their own in front.
    forged = log_in_through_the_balancer("192.0.2.1, 203.0.113.9", "admin", "guess")
    assert forged.status_code == 429
