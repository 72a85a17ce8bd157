"""Verifying an account's e-mail address: a signed link mailed on sign-up, opened to prove the
address is read. Until then no notification is mailed to it (community.delivery asks
`verified_recipients`).

The link carries the account and the address, signed with the site's key and good for
VERIFY_DAYS: it needs no table of tokens, and a link for an address the account no longer has
verifies nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import VerifiedEmail

SALT = "accounts.verify-email"
VERIFY_DAYS = 3


def verification_url(user) -> str:
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=SALT, compress=True)
    return settings.SITE_URL.rstrip("/") + reverse("verify_email", args=[token])


def send_verification(user) -> None:
    """Mail `user` the link that verifies their current address (none when they gave none)."""
    if not user.email:
        return
    send_mail(
        subject="bigsoc: please confirm your e-mail address",
        message=(
            f"Hello {user.username},\n\nPlease open this link to confirm that this address is "
            f"yours. Until you do, bigsoc sends no notifications to it.\n\n"
            f"{verification_url(user)}\n\nThe link works for {VERIFY_DAYS} days. If you did not "
            "sign up to bigsoc, ignore this message.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def verify(token: str):
    """The account whose current address the link verifies, now verified; None for a link that
    is forged, expired, or for an address the account no longer has."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=VERIFY_DAYS))
    except signing.BadSignature:  # SignatureExpired included
        return None
    user = get_user_model().objects.filter(pk=data.get("user")).first()
    if user is None or not user.email or user.email != data.get("email"):
        return None
    VerifiedEmail.objects.update_or_create(
        user=user, defaults={"email": user.email, "verified_at": timezone.now()}
    )
    return user


def is_verified(user) -> bool:
    return VerifiedEmail.objects.filter(user=user, email=user.email).exclude(email="").exists()


def verified_recipients() -> Q:
    """A condition on a model's `recipient` (a user): their current address is verified."""
    return Q(recipient__verified_email__email=F("recipient__email"))
