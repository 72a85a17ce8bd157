"""An edit over the length limit keeps its text: the form says it is too long and the editor
still holds it, however the browser encodes it."""

from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.wiki.conftest import make_page

pytestmark = pytest.mark.django_db


def test_an_edit_over_the_limit_is_refused_with_its_text_kept(alice):
    page = make_page(title="Localism", text="First words.")
    # 300,000 four-byte characters: 3.6 MB as a browser sends the form, past Django's default
    # request limit (2.5 MiB), yet only half again the form's own limit.
    text = "\N{GRINNING FACE}" * 250_000 + "the end of a long paste"
    body = urlencode({"text": text, "summary": "", "base_revision": page.current_revision.number})
    assert len(body) > 2.5 * 1024 * 1024
    response = alice.post(
        f"/wiki/{page.slug}/edit/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 200000 characters" in html or "at most 200,000 characters" in html
    assert "the end of a long paste" in html
    assert page.revisions.count() == 1


def test_the_request_limit_leaves_room_for_the_longest_text_the_form_takes():
    longest_form = 200_000 * 12 + 10_000  # every character 4 bytes of UTF-8, percent-encoded
    assert 2 * longest_form <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
