"""Search that helps a volunteer who spelled something differently (issue 24), in a browser at
390, 1280 and 1440 px: "Did you mean" for a typo that found nothing (and never for a query that
found something), a notice when only other forms of a word matched, accents found both ways,
one search box on the results page, and no axe-core violation on any of them."""

import pytest
from playwright.sync_api import expect

from search.services import accents_folded, trigram_available
from tests.browser import checks

pytestmark = pytest.mark.browser


@pytest.fixture
def archive(make_topic, make_post):
    if not (trigram_available() and accents_folded()):
        pytest.skip("this PostgreSQL has no pg_trgm or unaccent")
    society = make_topic("Big Society")
    make_topic("David Cameron")
    make_post("Volunteering in Leeds", body="Volunteers met on Tuesday.", topics=[society])
    make_post("La Société Générale", body="Une banque.")
    make_post("Societe news", body="Unaccented.")


@pytest.mark.parametrize("viewport", ["phone-390", "desktop", "wide"])
def test_search_helps_with_typos_stemming_and_accents(new_page, archive, viewport):
    page = new_page(viewport)
    problems = []

    page.goto("/search/?q=socety")
    suggestions = page.locator(".search-suggestions")
    expect(suggestions.get_by_role("link", name="Big Society")).to_be_visible()
    problems += checks.accessibility(page)

    page.goto("/search/?q=volunteering+leeds")
    expect(page.locator(".search-suggestions")).to_have_count(0)
    expect(page.locator(".search-stemmed")).to_have_count(0)

    page.goto("/search/?q=volunteered")
    expect(page.locator(".search-stemmed")).to_contain_text("“Volunteering”")
    problems += checks.accessibility(page) + checks.horizontal_scroll(page)

    for query in ("societe", "société"):
        page.goto(f"/search/?q={query}&kind=posts")
        titles = page.locator(".hit__title").all_inner_texts()
        assert sorted(titles) == ["La Société Générale", "Societe news"], query

    expect(page.get_by_role("search")).to_have_count(1)
    expect(page.locator("input[type=search]")).to_have_count(1)
    assert problems == []
