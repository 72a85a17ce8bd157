"""Personal access tokens are made and revoked on the preferences page, shown once."""

import pytest

from api.models import AccessToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, volunteer):
    client.force_login(volunteer)
    return client


def test_preferences_page_lists_tokens_with_a_form_to_make_one(logged_in, volunteer):
    AccessToken.objects.create(
        user=volunteer, name="old bot", token_hash="x" * 64, prefix="bsk_abcdef"
    )
    html = logged_in.get("/accounts/preferences/").content.decode()
    assert "API tokens" in html and "old bot" in html and "bsk_abcdef" in html
    assert 'action="/accounts/tokens/new/"' in html


def test_a_new_token_is_shown_once_and_works(logged_in, send):
    response = logged_in.post("/accounts/tokens/new/", {"name": "link fixer", "scope": "write"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret in response.content.decode() and response["Cache-Control"].startswith("max-age=0")
    assert secret not in logged_in.get("/accounts/preferences/").content.decode()
    stored = AccessToken.objects.get()
    assert stored.scope == "write" and stored.name == "link fixer"
    page = send("POST", "/api/v1/wiki/", {"title": "From a bot", "text": "Hi."}, token=secret)
    assert page.status_code == 201


def test_a_token_needs_a_name_and_a_scope(logged_in):
    response = logged_in.post("/accounts/tokens/new/", {"name": " ", "scope": "write"}, follow=True)
    assert "Give the token a name" in response.content.decode()
    logged_in.post("/accounts/tokens/new/", {"name": "x", "scope": "admin"})
    assert not AccessToken.objects.exists()


def test_revoking_stops_the_token_and_only_its_owner_can(
    logged_in, send, write_token, django_user_model, client
):
    token = AccessToken.objects.get()
    other = django_user_model.objects.create_user("other", password="x-o-9")
    client.force_login(other)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert AccessToken.objects.active().exists()
    client.force_login(token.user)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert not AccessToken.objects.active().exists()
    assert send("POST", "/api/v1/wiki/volunteering/watch/", token=write_token).status_code == 401
