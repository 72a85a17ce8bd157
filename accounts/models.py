"""What accounts keep beside Django's user: the address each account proved it reads."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class VerifiedEmail(models.Model):
    """The e-mail address an account opened a verification link at. Mail goes to an account's
    address only while it is this one: a changed address is unverified until its own link."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verified_email"
    )
    email = models.EmailField(max_length=254)
    verified_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.email} of {self.user_id}"
