"""E-mail notifications: written with the change, sent by the worker, never lost."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from community import delivery
from community.delivery import deliver_due, unsubscribe_token
from community.models import EmailMode, Notification, Preference, Watch
from tests.community.conftest import edit_through_the_site, make_user
from wiki.models import Revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def watched(topic, volunteer):
    """alice watches the topic; bob will edit its entry."""
    Watch.objects.create(user=volunteer, topic=topic)
    return topic


def test_an_edit_queues_mail_for_watchers_but_never_for_the_editor(bob, watched, volunteer):
    Watch.objects.create(user=make_user("bob2"), topic=watched)
    edit_through_the_site(bob, watched.slug, "Bob explains the bill.")
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"alice", "bob2"}  # bob now watches it too, but is not told


def test_no_mail_for_ones_own_edit(alice, watched):
    edit_through_the_site(alice, watched.slug, "Alice explains the bill.")
    assert not Notification.objects.exists()


def test_never_writes_no_notification(bob, watched, volunteer):
    Preference.objects.create(user=volunteer, email_mode=EmailMode.NEVER)
    edit_through_the_site(bob, watched.slug, "Bob explains the bill.")
    assert not Notification.objects.exists()


def test_an_edit_that_conflicts_leaves_no_notification(bob, watched, other_volunteer):
    edit_through_the_site(bob, watched.slug, "First.")
    Notification.objects.all().delete()
    response = edit_through_the_site(bob, watched.slug, "Stale.", base=0)
    assert response.status_code == 409
    assert not Notification.objects.exists()


def test_the_worker_sends_each_change_with_unsubscribe_headers(bob, watched, volunteer):
    edit_through_the_site(bob, watched.slug, "Bob explains the bill.")
    out = StringIO()
    call_command("send_notifications", stdout=out)
    assert "Sent 1 notification" in out.getvalue()
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "bob changed Localism Bill" in message.subject
    assert "https://wiki.example.org/wiki/localism-bill/diff/?to=1" in message.body
    unsubscribe = f"https://wiki.example.org/unsubscribe/{unsubscribe_token(volunteer)}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body
    assert Notification.objects.get().sent_at is not None
    call_command("send_notifications", stdout=StringIO())
    assert len(mail.outbox) == 1  # nothing is sent twice


def test_a_daily_digest_gathers_changes_into_one_message_a_day_later(bob, watched, volunteer):
    Preference.objects.create(user=volunteer, email_mode=EmailMode.DAILY)
    edit_through_the_site(bob, watched.slug, "One.")
    edit_through_the_site(bob, watched.slug, "Two.", base=1)
    bob.post(f"/wiki/{watched.slug}/talk/", {"text": "Three.", "action": "post"})
    assert deliver_due().sent == 0
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert deliver_due(now=later).sent == 3
    [message] = mail.outbox
    assert message.subject == "bigsoc: 3 changes on your watchlist"


def test_a_mail_server_that_is_down_delays_mail_and_never_fails_the_edit(bob, watched, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)
    response = edit_through_the_site(bob, watched.slug, "Bob explains the bill.")
    assert response.status_code == 302
    assert Revision.objects.count() == 1
    result = deliver_due()
    assert (result.sent, result.failed) == (0, 1)
    row = Notification.objects.get()
    assert row.sent_at is None and row.attempts == 1 and "down" in row.last_error
    assert row.due_at > timezone.now() + timedelta(seconds=50)  # backoff: a minute
    monkeypatch.undo()
    assert deliver_due(now=row.due_at).sent == 1


def test_backoff_doubles_up_to_six_hours():
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert delivery.backoff(30) == timedelta(hours=6)


class WorkerCrash(BaseException):
    """What a killed worker looks like from inside: not an error the worker could handle."""


def test_a_worker_that_crashes_mid_batch_loses_nothing(watched, volunteer, monkeypatch, bob):
    Watch.objects.create(user=make_user("carol"), topic=watched)
    edit_through_the_site(bob, watched.slug, "Bob explains the bill.")
    assert Notification.objects.count() == 2
    sends = []

    def crash_on_second(self, *args, **kwargs):
        sends.append(self.to)
        if len(sends) == 2:
            raise WorkerCrash()
        return 1

    monkeypatch.setattr(mail.EmailMessage, "send", crash_on_second)
    with pytest.raises(WorkerCrash):
        deliver_due()
    sent = Notification.objects.filter(sent_at__isnull=False)
    due = Notification.objects.due()
    assert sent.count() == 1 and due.count() == 1
    assert due.get().recipient.email == sends[1][0]
    monkeypatch.undo()
    assert deliver_due().sent == 1
    assert not Notification.objects.pending().exists()


def test_opening_the_unsubscribe_link_only_asks_with_one_button(client, volunteer):
    url = f"/unsubscribe/{unsubscribe_token(volunteer)}/"
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop watchlist e-mails?" in html
    assert html.count("<button") == 2  # the header's search button and this one
    assert 'form method="post"' in html
    assert not Preference.objects.exists()  # a mail scanner following the link changes nothing


def test_the_unsubscribe_button_works_logged_out(client, volunteer):
    url = f"/unsubscribe/{unsubscribe_token(volunteer)}/"
    response = client.post(url)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert Preference.objects.get(user=volunteer).email_mode == EmailMode.NEVER


def test_one_click_unsubscribe_by_post_needs_no_csrf_cookie(volunteer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = f"/unsubscribe/{unsubscribe_token(volunteer)}/"
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preference.objects.get(user=volunteer).email_mode == EmailMode.NEVER


def test_a_forged_unsubscribe_link_changes_nothing(client, volunteer):
    token = unsubscribe_token(volunteer)
    response = client.get(f"/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_preferences_page_saves_the_email_mode(alice, volunteer):
    assert alice.get("/accounts/preferences/").status_code == 200
    response = alice.post("/accounts/preferences/", {"email_mode": "daily", "watch_edits": ""})
    assert response.status_code == 302
    preference = Preference.objects.get(user=volunteer)
    assert preference.email_mode == "daily" and not preference.watch_edits
    assert "Saved" in alice.get("/accounts/preferences/").content.decode()


def _settings_in_a_fresh_process(**env) -> str:
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"  # noqa: E501
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "bigsoc.settings", "DEBUG": "1", **env}
    for name in ("EMAIL_HOST", "EMAIL_BACKEND", "EMAIL_FILE_PATH"):
        if name not in env:
            environment.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_email_backend_and_file_path_are_read_from_the_environment(tmp_path):
    folder = str(tmp_path / "mail")
    assert _settings_in_a_fresh_process(EMAIL_FILE_PATH=folder) == (
        f"django.core.mail.backends.filebased.EmailBackend {folder}"
    )
    locmem = "django.core.mail.backends.locmem.EmailBackend"
    assert _settings_in_a_fresh_process(EMAIL_BACKEND=locmem).startswith(locmem)


def test_the_file_backend_collects_the_mail(bob, watched, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    edit_through_the_site(bob, watched.slug, "Bob explains the bill.")
    call_command("send_notifications", stdout=StringIO())
    [written] = list(tmp_path.iterdir())
    text = written.read_text()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in text
    assert "bob changed Localism Bill" in text


def test_the_watch_mode_keeps_delivering_until_stopped(bob, watched, monkeypatch):
    from community.management.commands import send_notifications

    rounds = []

    def sleep(seconds):
        rounds.append(seconds)
        if len(rounds) == 1:  # a change arrives while the worker waits
            edit_through_the_site(bob, watched.slug, "Later words.")
            return
        raise KeyboardInterrupt  # Ctrl-C, or SIGTERM from `make run`'s trap

    monkeypatch.setattr(send_notifications.time, "sleep", sleep)
    out = StringIO()
    call_command("send_notifications", "--watch", "--interval", "0.5", stdout=out)
    assert rounds == [0.5, 0.5]
    assert "Sent 1 notification" in out.getvalue() and "stopped" in out.getvalue()
    assert len(mail.outbox) == 1
