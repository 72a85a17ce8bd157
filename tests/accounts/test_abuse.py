"""Accounts resist abuse: sign-up and password reset are throttled per address and per
account, an e-mail address belongs to one account, and a lock-out says what it locked."""

import pytest
from django.contrib.auth import get_user_model

from tests.wiki.conftest import make_user

pytestmark = pytest.mark.django_db


def sign_up(client, name, email=None, address="10.0.0.1"):
    return client.post(
        "/accounts/signup/",
        {
            "username": name,
            "email": email or f"{name}@example.org",
            "password1": "a-long-pass-9876",
            "password2": "a-long-pass-9876",
        },
        REMOTE_ADDR=address,
    )


def test_sign_ups_from_one_address_are_throttled(client, settings):
    settings.SIGNUP_RATE = "3/3600"
    for n in range(3):
        assert sign_up(client, f"user{n}").status_code == 302
        client.logout()
    refused = sign_up(client, "user3")
    assert refused.status_code == 429
    assert "Too many attempts from this address" in refused.content.decode()
    assert 'value="user3"' in refused.content.decode()  # what was typed is kept
    assert not get_user_model().objects.filter(username="user3").exists()
    assert sign_up(client, "user4", address="10.0.0.2").status_code == 302


def test_an_address_used_by_another_account_is_refused(client):
    make_user("dora")
    response = sign_up(client, "dora2", email="DORA@example.org")
    assert response.status_code == 400
    assert "Another account already uses this e-mail address" in response.content.decode()
    assert not get_user_model().objects.filter(username="dora2").exists()


def test_password_resets_are_throttled_per_account(client, settings, mailoutbox):
    settings.PASSWORD_RESET_RATE = "2/3600"
    make_user("erin")
    for address in ("10.0.0.1", "10.0.0.2"):
        ok = client.post(
            "/accounts/password_reset/", {"email": "erin@example.org"}, REMOTE_ADDR=address
        )
        assert ok.status_code == 302
    refused = client.post(
        "/accounts/password_reset/", {"email": "erin@example.org"}, REMOTE_ADDR="10.0.0.3"
    )
    assert refused.status_code == 429
    assert "Too many attempts from this account" in refused.content.decode()
    assert len(mailoutbox) == 2


def test_password_resets_are_throttled_per_address(client, settings, mailoutbox):
    settings.PASSWORD_RESET_RATE = "2/3600"
    for name in ("fay", "gus", "hal"):
        make_user(name)
    answers = [
        client.post("/accounts/password_reset/", {"email": f"{n}@example.org"}).status_code
        for n in ("fay", "gus", "hal")
    ]
    assert answers == [302, 302, 429]
    assert len(mailoutbox) == 2


def test_a_locked_account_is_named_as_the_account(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("ivy")
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        client.post(
            "/accounts/login/", {"username": "ivy", "password": "wrong"}, REMOTE_ADDR=address
        )
    locked = client.post(
        "/accounts/login/", {"username": "ivy", "password": "pw-x9!k2q"}, REMOTE_ADDR="10.0.0.4"
    )
    assert locked.status_code == 429
    assert "to this account" in locked.content.decode()
    assert "from this address" not in locked.content.decode()


def test_a_locked_address_is_named_as_the_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("jo")
    for name in ("x1", "x2", "x3"):
        client.post(
            "/accounts/login/", {"username": name, "password": "wrong"}, REMOTE_ADDR="10.0.0.9"
        )
    locked = client.post(
        "/accounts/login/", {"username": "jo", "password": "pw-x9!k2q"}, REMOTE_ADDR="10.0.0.9"
    )
    assert locked.status_code == 429
    assert "from this address" in locked.content.decode()
    assert "to this account" not in locked.content.decode()
