"""The login-throttling authentication backend (django-axes), fitted to this project."""

from axes.backends import AxesStandaloneBackend


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
