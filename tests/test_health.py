"""The health check and the friendly page shown while the database is out of reach."""

import pytest
import redis
from django.db import OperationalError
from django.test import Client
from django.urls import include, path


def _database_gone(request):
    raise OperationalError("connection to server on socket failed: No such file or directory")


def _redis_gone(request):
    raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def _bug(request):
    raise ValueError("a programming error")


# The site's own URLs stay mounted: the error pages link back into the site.
urlpatterns = [
    path("gone/", _database_gone),
    path("redis-gone/", _redis_gone),
    path("bug/", _bug),
    path("", include("bigsoc.urls")),
]
handler500 = "core.views.server_error"


@pytest.mark.django_db
def test_healthz_reports_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_503_when_database_unreachable():
    from django.db import connections

    # Point the connection at a port nobody listens on: a real failed connect, no mock.
    default = connections["default"]
    saved = default.settings_dict
    default.close()
    default.settings_dict = {**saved, "HOST": "127.0.0.1", "PORT": "1", "NAME": "nowhere"}
    try:
        response = Client().get("/healthz")
    finally:
        default.close()
        default.settings_dict = saved
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.urls("tests.test_health")
def test_database_outage_shows_friendly_503_not_traceback():
    response = Client(raise_request_exception=False).get("/gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Back in a moment" in body
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.mark.urls("tests.test_health")
def test_programming_error_shows_site_500_page_not_traceback():
    response = Client(raise_request_exception=False).get("/bug/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Traceback" not in body and "ValueError" not in body
    assert "<h1" in body


@pytest.mark.urls("tests.test_health")
def test_redis_outage_shows_the_same_friendly_503():
    response = Client(raise_request_exception=False).get("/redis-gone/")
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()
