"""The page django-axes shows once log-ins are paused (AXES_LOCKOUT_CALLABLE): it names what
was locked, this account (failures against one username, from anywhere) or this address
(failures from one network address, whatever the usernames)."""

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def locked_what(username: str, limit: int) -> str:
    """ "account" when the username has had `limit` failures, else "address"."""
    if username:
        failures = AccessAttempt.objects.filter(username=username).aggregate(
            total=Sum("failures_since_start")
        )["total"]
        if (failures or 0) >= limit:
            return "account"
    return "address"


def lockout_response(request, original_response=None, credentials=None):
    username = get_client_username(request, credentials) or ""
    limit = get_failure_limit(request, credentials)
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {
            "locked": locked_what(username, limit),
            "username": username,
            "cooloff_timedelta": get_cool_off(request),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
