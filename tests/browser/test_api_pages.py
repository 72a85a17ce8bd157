"""The API's two pages in a real browser: a volunteer makes a token on the preferences page and
sees it once, and the API documentation reads without a script, under the strict CSP (the watch
fails the test on any console error, which a CSP refusal would be)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from api.models import AccessToken
from tests.browser import checks

pytestmark = pytest.mark.browser


def test_a_volunteer_makes_a_token_and_reads_the_api_docs(new_page):
    volunteer = get_user_model().objects.create_user("tess", "tess@example.org", "pw-9!xq")
    page = new_page(user=volunteer)
    page.goto("/accounts/preferences/")
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    page.get_by_label("Name of a new token").fill("link fixer")
    page.get_by_label("read and write").check()
    page.get_by_role("button", name="Make a token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    secret = page.get_by_label("Token").input_value()
    assert secret.startswith("bsk_") and AccessToken.objects.get().scope == "write"
    assert checks.title_and_heading(page) == [] and checks.unlabelled_fields(page) == []
    assert checks.accessibility(page) == []

    page.goto("/accounts/preferences/")
    expect(page.locator(".api-token-list strong")).to_have_text("link fixer")
    assert secret not in page.content()
    page.get_by_role("link", name="JSON API").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("bigsoc API")
    expect(page.get_by_text("PUT /api/v1/wiki/{slug}/")).to_be_visible()
    assert checks.title_and_heading(page) == [] and checks.accessibility(page) == []
    page.goto("/accounts/preferences/")
    page.get_by_role("button", name="Revoke link fixer").click()
    expect(page.get_by_text("Revoked: the token no longer works.")).to_be_visible()
