"""An e-mail address gets notifications only once verified: a link is mailed on sign-up, and
opening it is what lets the watchlist's mail through."""

import re

import pytest
from django.contrib.auth import get_user_model

from accounts.models import VerifiedEmail
from accounts.verification import is_verified, verification_url
from community.delivery import deliver_due
from community.models import Notification

pytestmark = pytest.mark.django_db


def sign_up(client):
    return client.post(
        "/accounts/signup/",
        {
            "username": "nina",
            "email": "nina@example.org",
            "password1": "a-long-pass-9876",
            "password2": "a-long-pass-9876",
        },
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/verify/\S+/", message.body).group(0)


def test_sign_up_mails_a_link_and_no_notification_goes_out_before_it_is_opened(
    client, mailoutbox, settings
):
    settings.SITE_URL = "http://testserver"
    assert sign_up(client).status_code == 302
    nina = get_user_model().objects.get(username="nina")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nina@example.org"]
    Notification.objects.create(recipient=nina, subject="A change", body="b", url="/")
    assert deliver_due().sent == 0
    assert len(mailoutbox) == 1

    page = client.get(link_in(mailoutbox[0]).removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "Your e-mail address is confirmed" in page.content.decode()
    assert is_verified(nina)
    assert deliver_due().sent == 1
    assert mailoutbox[-1].subject == "A change"


def test_a_changed_address_is_unverified_until_its_own_link(client, mailoutbox, settings):
    settings.SITE_URL = "http://testserver"
    sign_up(client)
    nina = get_user_model().objects.get(username="nina")
    old_link = link_in(mailoutbox[0]).removeprefix("http://testserver")
    nina.email = "nina@elsewhere.example"
    nina.save()
    assert client.get(old_link).status_code == 400
    assert not VerifiedEmail.objects.filter(user=nina).exists()
    assert client.get(verification_url(nina).removeprefix("http://testserver")).status_code == 200
    nina.refresh_from_db()
    assert is_verified(nina)


def test_a_forged_link_verifies_nothing(client):
    page = client.get("/accounts/verify/not-a-token/")
    assert page.status_code == 400
    assert "That link does not work" in page.content.decode()


def test_a_new_link_can_be_asked_for_a_few_times(client, mailoutbox, settings):
    settings.PASSWORD_RESET_RATE = "2/3600"
    sign_up(client)
    answers = [client.post("/accounts/verify/").status_code for _ in range(3)]
    assert answers == [302, 302, 302]
    assert len(mailoutbox) == 3  # the sign-up's and two more; the third ask was refused
