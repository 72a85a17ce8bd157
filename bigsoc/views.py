"""Site-wide views that belong to no app: the health check and the server-error handler."""

import sys

import redis
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache

# Errors that mean "PostgreSQL or Redis (cache, sessions) is out of reach", not "our code is
# wrong".
UNAVAILABLE = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)


@never_cache
def healthz(request):
    """For load balancers: 200 when PostgreSQL answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    """handler500: a friendly 503 while the database is down, the site's 500 page otherwise.

    Django calls this inside its exception handler, so sys.exc_info() holds the error. Neither
    template touches the database or the request context, so both render with PostgreSQL gone.
    """
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
