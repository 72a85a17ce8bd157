"""The login-throttling authentication backend (django-axes), fitted to this project."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes for every login that comes with a request.

    Authentication without a request (the test client's `login()`, a shell) has no address or
    form to throttle; axes would raise there, so this backend steps aside and lets the next one
    decide. Every web login (Django's LoginView) passes the request and is throttled.
    """

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_address(request) -> str:
    """The address a request came from, for login throttling (AXES_CLIENT_IP_CALLABLE).

    Behind a load balancer every request arrives from the balancer's address; throttling by it
    would lock everyone out after a few failures. With PROXY_COUNT proxies in front, each of
    which appends the address it saw to X-Forwarded-For, the client is the PROXY_COUNT-th entry
    from the right. Entries further left are written by the client and cannot be trusted.
    """
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR", "")
    if settings.PROXY_COUNT <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < settings.PROXY_COUNT:
        return remote
    return forwarded[-settings.PROXY_COUNT]


def user_by_id(user_id):
    """The user with this primary key, or None: one plain SELECT of the user's columns.

    Every logged-in request loads its user; through the ORM that query is compiled anew each
    time, which costs more than running it (figures: docs/performance.md).
    """
    user_model = get_user_model()
    meta = user_model._meta
    try:
        pk = meta.pk.to_python(user_id)
    except ValidationError:
        return None
    fields = meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    return user_model.from_db(connection.alias, [field.attname for field in fields], row)


class UserBackend(ModelBackend):
    """Django's ModelBackend, with the user of each request read by `user_by_id`.

    Passwords, permissions and the session's password check are ModelBackend's own. A session
    that names ModelBackend (not in AUTHENTICATION_BACKENDS) logs in again once.
    """

    def get_user(self, user_id):
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
