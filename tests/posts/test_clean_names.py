"""Names from archives are clean: a line break or control character in a byline, a category
or a tag is made a space on import, and no such name makes a page answer 500."""

import pytest

from accounts.models import VerifiedEmail
from community.delivery import deliver_due
from community.models import Notification
from core.text import clean_name
from importer.pipeline import import_archive
from posts.models import Post, Topic
from tests.posts.hostile import item, write_export
from tests.wiki.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Jane\nDoe", "Jane Doe"),
        ("Jane\r\n  Doe\t", "Jane Doe"),
        ("Bell\x07 and\x00 NUL\x85", "Bell and NUL"),
        ("Plain name", "Plain name"),
        ("\n", ""),
    ],
)
def test_clean_name_makes_control_characters_spaces(raw, clean):
    assert clean_name(raw) == clean


def test_an_export_s_names_with_line_breaks_are_imported_clean(tmp_path, vocabulary_seeds):
    path = write_export(
        tmp_path,
        [item(1, "Broken names", author="Jane\nDoe", tags=["Local\r\nism"], cats=["Bell\x0b"])],
    )
    import_archive(path, vocabulary=[])
    post = Post.objects.get()
    assert post.author == "Jane Doe"
    assert {"Local ism", "Bell"} <= set(Topic.objects.values_list("name", flat=True))


def test_a_byline_with_a_line_break_never_makes_a_page_500(client, make_post):
    post = make_post("A post", author="Jane\nDoe")
    assert client.get("/authors/").status_code == 200
    page = client.get(f"/posts/{post.slug}/")
    assert page.status_code == 200
    author = client.get("/authors/Jane%0ADoe/")
    assert author.status_code == 200
    assert "A post" in author.content.decode()


def test_a_notification_that_can_never_be_sent_is_marked_failed_once(caplog):
    person = make_user("jane")
    broken = "jane@example.org\r\nBcc: x@y.z"
    type(person).objects.filter(pk=person.pk).update(email=broken)
    VerifiedEmail.objects.filter(user=person).update(email=broken)
    Notification.objects.create(recipient=person, subject="Topic", body="b", url="/")
    first = deliver_due()
    assert first.failed == 1 and first.sent == 0
    row = Notification.objects.get()
    assert row.failed_at is not None and row.attempts == 0
    assert "can never be sent" in caplog.text
    assert deliver_due().failed == 0  # not tried again


def test_a_subject_with_a_line_break_is_sent_on_one_line(mailoutbox):
    person = make_user("jane")
    Notification.objects.create(recipient=person, subject="Local\r\nism changed", body="b", url="/")
    assert deliver_due().sent == 1
    assert mailoutbox[0].subject == "Local ism changed"
