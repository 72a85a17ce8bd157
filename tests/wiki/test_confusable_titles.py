"""A title that looks like an existing page's (Unicode TR39 skeleton: a Cyrillic "а" in
"Café") is refused with a link to that page, as MediaWiki's AntiSpoof does."""

import pytest

from core.confusables import skeleton
from tests.wiki.conftest import make_page
from wiki.models import Page

CYRILLIC_CAFE = "C\u0430f\u00e9"  # the second letter is CYRILLIC SMALL LETTER A


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Café", CYRILLIC_CAFE),
        ("PayPal", "P\u0430yP\u0430l"),
        ("Office hours", "O\ufb03ce hours"),
        ("CAFE", "\u0421AFE"),  # a Cyrillic capital ES
        ("Big Society", "BIG SOCIETY"),
    ],
)
def test_look_alike_titles_share_a_skeleton(one, other):
    assert skeleton(one) == skeleton(other)


@pytest.mark.parametrize(("one", "other"), [("Café", "Cafe"), ("Big Society", "Bag Society")])
def test_different_looking_titles_do_not(one, other):
    assert skeleton(one) != skeleton(other)


@pytest.mark.django_db
def test_a_look_alike_new_title_is_refused_with_a_link_to_the_page(alice):
    cafe = make_page(title="Café", text="The café on the corner.")
    response = alice.post(
        "/wiki/new-page/edit/",
        {"title": CYRILLIC_CAFE, "text": "A spoof.", "summary": "", "base_revision": 0},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "looks the same as the existing page" in html
    assert f'href="{cafe.get_absolute_url()}"' in html
    assert Page.objects.count() == 1


@pytest.mark.django_db
def test_a_move_to_a_look_alike_title_is_refused(alice):
    make_page(title="Café", text="The café on the corner.")
    other = make_page(title="Tea room", text="Tea.")
    response = alice.post(
        f"/wiki/{other.slug}/move/", {"new_title": CYRILLIC_CAFE, "reason": "Spoof"}
    )
    assert response.status_code == 400
    assert "looks the same as the existing page" in response.content.decode()
    assert Page.objects.get(pk=other.pk).title == "Tea room"
