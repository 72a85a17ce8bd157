"""Watching pages and topics, and the preferences that go with it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from community.models import EmailMode, Preference, Watch
from community.targets import Target


def preference_for(user) -> Preference:
    """The volunteer's preferences (the defaults when none were saved; not written)."""
    found = Preference.objects.filter(user=user).first()
    return found if found is not None else Preference(user=user, email_mode=EmailMode.EACH)


def is_watching(user, target: Target) -> bool:
    if not user.is_authenticated:
        return False
    return Watch.objects.filter(user=user, **target.filter()).exists()


def watch(user, target: Target) -> None:
    try:
        with transaction.atomic():
            Watch.objects.get_or_create(user=user, **target.filter())
    except IntegrityError:
        pass  # watched a moment ago by a second click: the result is the same


def unwatch(user, target: Target) -> None:
    Watch.objects.filter(user=user, **target.filter()).delete()


def watch_if_wanted(user, target: Target) -> None:
    """After an edit or a comment: watch the target unless the volunteer turned that off."""
    if user is not None and preference_for(user).watch_edits:
        watch(user, target)


def watchers(target: Target):
    """The active accounts watching `target`, with their preference row when they have one."""
    ids = Watch.objects.filter(**target.filter()).values("user_id")
    people = get_user_model().objects.filter(pk__in=ids, is_active=True)
    return people.select_related("community_preference")
