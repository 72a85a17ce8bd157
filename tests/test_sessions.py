"""The session engine and user backend that read a logged-in request's session and user with
fixed statements: they must still refuse what Django's own refuse."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.wiki.conftest import client_for, make_user

ACCOUNT_LINK = 'href="/users/alice/"'


def test_without_redis_sessions_and_users_are_read_by_the_fast_engine_and_backend(db):
    assert settings.SESSION_ENGINE == "core.sessions"
    alice = client_for(make_user("alice"))
    with CaptureQueriesContext(connection) as captured:
        assert ACCOUNT_LINK in alice.get("/recent/").content.decode()
    sqls = [query["sql"] for query in captured]
    assert any(sql.startswith('SELECT "session_data", "expire_date"') for sql in sqls)
    assert any(sql.startswith('SELECT "id", "password"') for sql in sqls)


def test_an_expired_session_is_anonymous(db):
    alice = client_for(make_user("alice"))
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert ACCOUNT_LINK not in alice.get("/recent/").content.decode()


def test_a_deactivated_or_deleted_user_is_anonymous(db):
    user = make_user("alice")
    alice = client_for(user)
    user.is_active = False
    user.save()
    assert ACCOUNT_LINK not in alice.get("/recent/").content.decode()
    user.is_active = True
    user.save()
    alice = client_for(user)
    user.delete()
    assert ACCOUNT_LINK not in alice.get("/recent/").content.decode()


def test_a_password_changed_elsewhere_ends_the_session(db):
    user = make_user("alice")
    alice = client_for(user)
    assert ACCOUNT_LINK in alice.get("/recent/").content.decode()
    user.set_password("a-new-password-9!")
    user.save()
    assert ACCOUNT_LINK not in alice.get("/recent/").content.decode()


def test_a_forged_session_key_is_anonymous(db):
    client = client_for(make_user("alice"))
    client.cookies[settings.SESSION_COOKIE_NAME] = "x' OR '1'='1"
    assert ACCOUNT_LINK not in client.get("/recent/").content.decode()
