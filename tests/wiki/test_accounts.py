"""Accounts: log in and out, sign-up (and switching it off), login throttling, headers."""

import pytest

from tests.wiki.conftest import make_page, make_user
from wiki.models import Page

pytestmark = pytest.mark.django_db


def test_login_form_has_the_contract_fields(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert html.count("<h1") == 1


def test_volunteer_logs_in_and_returns_to_the_edit_form(client):
    make_user("carol")
    page = make_page()
    response = client.post(
        "/accounts/login/",
        {"username": "carol", "password": "pw-x9!k2q", "next": f"/wiki/{page.slug}/edit/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/wiki/{page.slug}/edit/"
    assert client.get(f"/wiki/{page.slug}/edit/").status_code == 200


def test_logout_is_a_post_and_the_header_offers_it(alice):
    html = alice.get("/wiki/").content.decode()
    assert 'action="/accounts/logout/"' in html and "alice" in html
    assert alice.post("/accounts/logout/").status_code == 302
    assert "Log in" in alice.get("/wiki/").content.decode()


def test_header_links_recent_changes_and_log_in(client):
    html = client.get("/wiki/").content.decode()
    assert 'href="/recent/"' in html
    assert "Log in" in html and 'href="/accounts/signup/"' in html


def test_new_volunteer_signs_up_and_is_logged_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "dora",
            "email": "dora@example.org",
            "password1": "a-long-pass-9876",
            "password2": "a-long-pass-9876",
        },
    )
    assert response.status_code == 302
    assert client.get("/wiki/x/edit/").status_code == 200


def test_sign_up_can_be_switched_off(client, settings):
    settings.SIGNUP_ENABLED = False
    page = client.get("/accounts/signup/")
    assert page.status_code == 403
    assert "Sign-up is closed" in page.content.decode()
    response = client.post(
        "/accounts/signup/",
        {"username": "eve", "password1": "a-long-pass-9876", "password2": "a-long-pass-9876"},
    )
    assert response.status_code == 403
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="eve").exists()


def test_repeated_failed_logins_lock_the_account_with_a_clear_message(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("frank")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "frank", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "frank", "password": "pw-x9!k2q"})
    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed log-ins" in html
    assert html.count("<h1") == 1
    assert "_auth_user_id" not in client.session


def test_failed_logins_from_one_address_lock_that_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("gina")
    for name in ("x1", "x2", "x3"):
        client.post(
            "/accounts/login/", {"username": name, "password": "wrong"}, REMOTE_ADDR="10.0.0.9"
        )
    locked = client.post(
        "/accounts/login/", {"username": "gina", "password": "pw-x9!k2q"}, REMOTE_ADDR="10.0.0.9"
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        "/accounts/login/", {"username": "gina", "password": "pw-x9!k2q"}, REMOTE_ADDR="10.0.0.10"
    )
    assert elsewhere.status_code == 302


def test_html_pages_carry_a_content_security_policy(client):
    page = make_page()
    for url in (f"/wiki/{page.slug}/", "/accounts/login/", "/recent/"):
        csp = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "object-src 'none'" in csp
        assert "unsafe-inline" not in csp


def test_every_wiki_page_has_exactly_one_h1(alice, mona):
    page = make_page(text="x")
    Page.objects.filter(pk=page.pk)
    urls = [
        "/wiki/",
        "/wiki/wanted/",
        "/recent/",
        "/users/alice/",
        f"/wiki/{page.slug}/",
        f"/wiki/{page.slug}/edit/",
        f"/wiki/{page.slug}/history/",
        f"/wiki/{page.slug}/revisions/1/",
        f"/wiki/{page.slug}/diff/",
        f"/wiki/{page.slug}/move/",
        "/wiki/new-thing/edit/",
        "/accounts/signup/",
        "/accounts/password_reset/",
        "/accounts/password_change/",
    ]
    for url in urls:
        response = alice.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url


def test_test_client_login_still_works_with_login_throttling(client):
    make_user("hana")
    assert client.login(username="hana", password="pw-x9!k2q")
    assert not client.login(username="hana", password="wrong")


def test_password_reset_sends_an_email(client):
    from django.core import mail

    make_user("ivan")
    response = client.post("/accounts/password_reset/", {"email": "ivan@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body
