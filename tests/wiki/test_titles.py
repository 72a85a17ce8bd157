"""The title path (issue 14): a new page never writes into another, any script makes a page of its
own, lengths are checked after normalisation, a move lands on the new address, and a fuzz run
of random Unicode titles through create, move and create again."""

import random
import unicodedata
from urllib.parse import unquote

import pytest

from core.text import fold, title_slug
from tests.wiki.conftest import make_page
from wiki.models import Page, Revision

pytestmark = pytest.mark.django_db

NEW = "/wiki/new-page/edit/"


def create(client, title, text="My own new text, kept whatever happens."):
    return client.post(NEW, {"title": title, "text": text, "base_revision": "0", "action": "save"})


# --- Creating a page never writes into another page -----------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "CAFÉ",  # case
        "cafe",  # accents
        "Café!",  # punctuation
        "Café.",  # punctuation
        "  Café \t ",  # whitespace
        "Cafe\u0301",  # a combining accent instead of the precomposed letter
        "\uff23\uff41\uff46\u00e9",  # full-width letters (Unicode compatibility forms)
        "Caf\u00e9\u200b",  # an invisible zero-width space
    ],
)
def test_a_title_matching_another_page_is_told_before_saving_and_the_text_is_kept(alice, title):
    cafe = make_page(title="Café", text="About the café.")
    revisions = Revision.objects.count()
    response = create(alice, title)
    html = response.content.decode()
    assert response.status_code == 400
    assert "A page called “Café” already exists — edit it, or choose another title" in html
    assert "My own new text, kept whatever happens." in html
    assert [t.name for t in response.templates][0] == "wiki/page_edit.html"  # no conflict screen
    # Pressing Save again on what was shown still writes nothing anywhere.
    again = create(alice, title)
    assert again.status_code == 400
    assert Revision.objects.count() == revisions and Page.objects.count() == 1
    cafe.refresh_from_db()
    assert cafe.current_revision.text == "About the café."


def test_moving_onto_another_pages_title_up_to_case_and_accents_is_refused(alice):
    make_page(title="Café", text="About the café.")
    page = make_page(title="Tea rooms", text="t")
    response = alice.post(
        f"/wiki/{page.slug}/move/", {"new_title": "CAFE", "reason": "a clearer title"}
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    page.refresh_from_db()
    assert page.title == "Tea rooms" and page.revisions.count() == 1


def test_a_page_may_be_moved_to_its_own_title_written_differently(alice):
    page = make_page(title="Tea rooms", text="t")
    response = alice.post(
        f"/wiki/{page.slug}/move/", {"new_title": "Tea Rooms", "reason": "a clearer title"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title == "Tea Rooms" and page.slug == "tea-rooms"


# --- Any script ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Москва", "москва"),
        ("القاهرة الكبرى", "القاهرة-الكبرى"),
        ("Αθήνα", "αθήνα"),
        ("北京市", "北京市"),
        ("हिन्दी भाषा", "हिन्दी-भाषा"),
        ("Tōkyō 東京", "tokyo-東京"),
    ],
)
def test_a_title_in_any_script_makes_a_page_at_its_own_address(alice, title, slug):
    response = create(alice, title)
    assert response.status_code == 302
    assert unquote(response["Location"]) == f"/wiki/{slug}/"
    page = alice.get(response["Location"])
    assert page.status_code == 200
    assert f"<h1>{title}</h1>" in page.content.decode()
    assert Page.objects.get(slug=slug).title == title


def test_a_link_to_a_title_in_another_script_finds_its_page(alice):
    make_page(title="Москва", text="Столица.")
    page = make_page(title="Cities", text="See [[москва]].")
    assert 'class="wikilink"' in page.html and "missing" not in page.html


# --- Lengths after normalisation --------------------------------------------------------------


@pytest.mark.parametrize("title", ["ß" * 200, "\ufb03" * 100, "a\u2026" * 90])
def test_a_title_that_grows_too_long_when_normalised_is_a_400_with_the_text_kept(alice, title):
    assert len(title) <= 255 < max(len(fold(title)), len(title_slug(title)))
    response = create(alice, title)
    assert response.status_code == 400
    html = response.content.decode()
    assert "too long" in html and "My own new text, kept whatever happens." in html
    assert Page.objects.count() == 0


@pytest.mark.parametrize("title", ["ß" * 200, "\ufb03" * 100])
def test_moving_to_a_title_that_grows_too_long_is_a_400(alice, title):
    page = make_page(title="Short", text="t")
    response = alice.post(
        f"/wiki/{page.slug}/move/", {"new_title": title, "reason": "a clearer title"}
    )
    assert response.status_code == 400
    assert "too long" in response.content.decode()
    page.refresh_from_db()
    assert page.title == "Short"


# --- Moving lands on the new address ----------------------------------------------------------


def test_moving_a_page_redirects_straight_to_its_new_address(alice):
    page = make_page(title="Town halls", text="t")
    response = alice.post(
        f"/wiki/{page.slug}/move/", {"new_title": "Village halls", "reason": "a clearer title"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/wiki/village-halls/"


# --- Fuzz: random Unicode titles through create, move and create again -----------------------

_ALPHABETS = [
    "abcdefghij ABCDEFG",
    "абвгдежзий АБВГД",
    "αβγδεζηθ ΑΒΓΔ",
    "東京北京市上海",
    "القاهرةالكبرى",
    "हिन्दीभाषा",
    "éèêëçñøåæœßÉÇ",
    "\u0301\u0308\u0327",  # combining marks
    "\u00ad\u200b\u200d\u200e\u2060\ufeff",  # invisible format characters
    "\ufb01\ufb03\uff21\uff41\u2460\u00bd",  # compatibility forms
    "’‘“”–—…«»!?.,;:'\"()&%$@^~-_",
    " \t\u00a0\u2009\u3000",
    "#<>{}[]|/\\",
    "😀🙂🏳️‍🌈",
]


def _random_title(rng: random.Random) -> str:
    length = rng.choice([1, 2, 5, 12, 40, 120, 200, 255])
    return "".join(rng.choice(rng.choice(_ALPHABETS)) for _ in range(length))


def _written_pages() -> dict[int, tuple[str, int]]:
    return {
        pk: (title, n)
        for pk, title, n in Page.objects.values_list("pk", "title", "current_revision__number")
    }


def test_random_unicode_titles_never_500_and_never_write_a_page_that_was_not_meant(alice, settings):
    settings.WIKI_EDIT_RATE = "10000/600"
    rng = random.Random(14)
    for round_number in range(60):
        title = _random_title(rng)
        before = _written_pages()
        response = create(alice, title, text=f"Text of round {round_number}.")
        assert response.status_code in (302, 400), (title, response.status_code)
        after = _written_pages()
        if response.status_code == 302:
            # Exactly one new page, with one revision, under the title as typed (normalised).
            [new] = set(after) - set(before)
            assert {pk: after[pk] for pk in before} == before
            page = Page.objects.get(pk=new)
            assert page.title == " ".join(title.split()) or page.topic_id
            assert page.current_revision.text == f"Text of round {round_number}."
            assert unquote(response["Location"]) == f"/wiki/{page.slug}/"
            assert alice.get(response["Location"]).status_code == 200
            # The same title again is told, and writes nothing.
            again = create(alice, title, text="A second try.")
            assert again.status_code == 400 and _written_pages() == after
            # Move it to another random title: a redirect, or told why not; never a 500.
            target = _random_title(rng)
            moved = alice.post(
                f"/wiki/{page.slug}/move/", {"new_title": target, "reason": "a clearer title"}
            )
            assert moved.status_code in (302, 400), (target, moved.status_code)
            if moved.status_code == 302:
                page.refresh_from_db()
                assert page.title == " ".join(target.split())
                assert unquote(moved["Location"]) == f"/wiki/{page.slug}/"
            others = {pk: v for pk, v in _written_pages().items() if pk != new}
            assert others == {pk: v for pk, v in after.items() if pk != new}
        else:
            assert after == before
            assert "Text of round" in response.content.decode()


def test_every_fuzz_alphabet_is_what_it_says():
    # The fuzz alphabets hold what they are meant to: format characters and combining marks.
    assert all(unicodedata.category(c) == "Cf" for c in _ALPHABETS[8])
    assert all(unicodedata.category(c) == "Mn" for c in _ALPHABETS[7])
