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
