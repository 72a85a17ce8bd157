"""Bodies as the reader saw them, through `import_seeds` to the post page, against real
PostgreSQL: players as cards under the site's strict CSP, galleries as grids of figures."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from posts.models import Post

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary_seeds")]


def page_of(client, fixture: str, title: str):
    call_command("import_seeds", str(FIXTURES / fixture), stdout=io.StringIO())
    return client.get(Post.objects.get(title=title).get_absolute_url())


def test_a_post_with_players_shows_cards_and_the_csp_loads_no_third_party_frame(client):
    response = page_of(client, "bodies.wxr.xml", "Players")
    page = response.content.decode()
    assert page.count('<div class="media-card">') == 7
    assert "<iframe" not in page and "<object" not in page and "<embed" not in page
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-src" not in csp  # frames fall back to default-src: this site only


def test_a_gallery_whose_images_follow_its_post_is_a_grid_on_the_post_page(client):
    page = page_of(client, "gallery.wxr.xml", "Later").content.decode()
    grid = page.split('<div class="gallery">')[1].split("</div>")[0]
    assert grid.count("<figure>") == 2
    assert 'href="http://garden.example.org/wp-content/uploads/path.jpg"' in grid
    assert '<figcaption dir="auto">The pond</figcaption>' in grid
