"""A reader in a real browser: following links from home to a post and on, and hostile archive
text shown as text (no dialog, no script, no request to another site)."""

import random

import pytest
from playwright.sync_api import expect

from tests.geometry import segment_meets_box

pytestmark = pytest.mark.browser


def heading(page):
    return page.get_by_role("heading", level=1)


def test_reader_goes_from_home_to_a_topic_a_post_and_a_related_topic(page, reading_archive):
    page.goto("/")
    expect(heading(page)).to_have_text("The Big Society knowledge shed")
    expect(page.get_by_text("25 posts under 4 topics so far.")).to_be_visible()

    page.get_by_role("region", name="Busiest topics").get_by_role(
        "link", name="Localism Bill", exact=True
    ).click()
    expect(page).to_have_url(reading_archive["topics"]["localism"].get_absolute_url())
    expect(heading(page)).to_have_text("Localism Bill")
    expect(page.get_by_text("The bill that became the Localism Act 2011.")).to_be_visible()
    posts = page.get_by_role("region", name="Posts")
    expect(posts.get_by_role("heading", level=2)).to_have_text("Posts 24")
    expect(page.get_by_role("navigation", name="Pages of posts")).to_contain_text("Page 1 of 2")

    posts.get_by_role("link", name="Councils get new powers under the Localism Bill").click()
    expect(heading(page)).to_have_text("Councils get new powers under the Localism Bill")
    expect(page.get_by_text("Published 14 February 2011")).to_be_visible()
    expect(page.get_by_text("a general power of competence")).to_be_visible()
    mentioned_by = page.get_by_role("region", name="Posts that mention this one")
    expect(mentioned_by.get_by_role("link")).to_have_text(["Land trust buys the village pub"])
    topics = page.get_by_role("region", name="Topics")
    expect(topics.get_by_role("link")).to_have_text(["Community land trusts", "Localism Bill"])

    topics.get_by_role("link", name="Community land trusts").click()
    expect(heading(page)).to_have_text("Community land trusts")
    expect(page.get_by_role("region", name="Posts").get_by_role("heading", level=3)).to_have_text(
        ["Councils get new powers under the Localism Bill", "Land trust buys the village pub"]
    )
    # The list of related topics; the neighbourhood map above it links the same topics.
    related = page.get_by_role("complementary", name="Related topics").get_by_role("list")
    expect(related.get_by_role("link", name="Localism Bill")).to_be_visible()

    related.get_by_role("link", name="Big Society Network").click()
    expect(page).to_have_url(reading_archive["topics"]["network"].get_absolute_url())
    expect(heading(page)).to_have_text("Big Society Network")
    expect(page.get_by_role("region", name="Posts").get_by_role("link").first).to_have_text(
        "Land trust buys the village pub"
    )


def test_reader_opens_the_topic_map_and_follows_a_topic_on_it(page, reading_archive):
    page.goto("/topics/")
    page.get_by_role("link", name="topic map").click()
    expect(heading(page)).to_have_text("Topic map")
    drawing = page.get_by_role("group", name="Topic map")
    expect(drawing.get_by_role("link")).to_have_count(4)
    # By keyboard, as someone without a mouse would: the circles are links in the tab order.
    node = drawing.get_by_role("link", name="Community land trusts")
    node.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(reading_archive["topics"]["trusts"].get_absolute_url())
    expect(heading(page)).to_have_text("Community land trusts")


HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_LINES = [
    "<script>alert(2)</script>",
    '<img src=x onerror="alert(3)">',
    '<img src="https://tracker.example/pixel.png">',
    '<a href="javascript:alert(4)">a tempting link</a>',
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body { display: none }</style>",
]


MAP_TOPICS = [
    "Big Society Network",
    "Big Society",
    "Localism Bill",
    "Community empowerment",
    "Department for Communities",
    "Neighbourhood Challenge",
    "Volunteering",
    "Social action",
    "Knowledge gardening",
    "Government policy",
    "Voluntary sector",
    "Community organisers",
    "Spending cuts",
    "Innovation Hub",
    "Prime Minister",
    "Social enterprise",
    "Open data",
    "Chain Reaction",
    "Local government",
    "David Cameron",
    "Networking",
    "NESTA",
    "Wiki",
    "RSA",
]


@pytest.fixture
def busy_map(make_topic, make_post):
    """24 topics, short and long names, sharing posts the way the seeds do: two hubs that share
    posts with nearly every topic, and pairs of smaller topics."""
    topics = [make_topic(name) for name in MAP_TOPICS]
    rng = random.Random(24)
    for n in range(40):
        tagged = {topics[n % 2], *rng.sample(topics[2:], 2)}
        make_post(f"Busy map post {n}", topics=sorted(tagged, key=lambda t: t.pk))
    return topics


# Per shown map: the labels' boxes and the links' ends in page pixels, and the box in which the
# map can be seen (the drawing, cut by any ancestor that clips, and by the screen's width).
MAP_GEOMETRY = """() => {
  const svg = [...document.querySelectorAll("svg.topicmap")].find(s => s.getClientRects().length);
  let [left, top, right, bottom] = [0, -Infinity, document.documentElement.clientWidth, Infinity];
  for (let e = svg; e; e = e.parentElement) {
    if (e !== svg && getComputedStyle(e).overflowX === "visible") continue;
    const r = e.getBoundingClientRect();
    [left, top, right, bottom] = [Math.max(left, r.left), Math.max(top, r.top),
                                  Math.min(right, r.right), Math.min(bottom, r.bottom)];
  }
  const m = svg.getScreenCTM();
  const at = (x, y) => new DOMPoint(x, y).matrixTransform(m);
  return {
    visible: [left, top, right, bottom],
    labels: [...svg.querySelectorAll("text.label")].map(t => {
      const r = t.getBoundingClientRect();
      return [t.textContent, r.left, r.top, r.right, r.bottom];
    }),
    edges: [...svg.querySelectorAll("line.edge")].map(l => {
      const [a, b] = [at(l.x1.baseVal.value, l.y1.baseVal.value),
                      at(l.x2.baseVal.value, l.y2.baseVal.value)];
      return [a.x, a.y, b.x, b.y];
    }),
  };
}"""


@pytest.mark.parametrize("viewport", ["phone-390", "desktop", "wide"])
def test_every_topic_map_label_shows_whole_and_no_link_crosses_one(new_page, busy_map, viewport):
    page = new_page(viewport)
    page.goto("/topics/map/")
    found = page.evaluate(MAP_GEOMETRY)
    labels, edges = found["labels"], found["edges"]
    assert len(labels) >= 20 and len(edges) >= 20  # a busy map, nearly every topic named
    left, top, right, bottom = found["visible"]
    for name, *box in labels:
        assert left <= box[0] and box[2] <= right and top <= box[1] and box[3] <= bottom, name
    # Glyph boxes reach a little past the ink; half a pixel of that may touch a line.
    crossings = [
        (name, edge)
        for name, lf, t, r, b in labels
        for edge in edges
        if segment_meets_box(*edge, (lf + 0.5, t + 0.5, r - 0.5, b - 0.5))
    ]
    assert crossings == []
    # At 12 px or more on every screen: readable, not a wide map shrunk onto a phone.
    assert min(b - t for _, _, t, _, b in labels) >= 12


def test_script_bearing_archive_text_is_shown_as_text(page, make_topic, make_post):
    # As the importer stores it: body_html holds the archive text escaped, one <p> per paragraph.
    topic = make_topic('<img src=x onerror="alert(5)">Hostile', slug="hostile")
    post = make_post(
        HOSTILE_TITLE, slug="hostile-post", topics=[topic], body="\n\n".join(HOSTILE_LINES)
    )
    hostile_topic = '<img src=x onerror="alert(5)">Hostile'
    for address, names in {
        "/": [HOSTILE_TITLE, hostile_topic],
        "/topics/": [hostile_topic],
        "/topics/?sort=size": [hostile_topic],
        topic.get_absolute_url(): [HOSTILE_TITLE],
    }.items():
        page.goto(address)
        for name in names:
            expect(page.get_by_role("link", name=name, exact=True).first).to_be_visible()
    expect(heading(page)).to_have_text(hostile_topic)

    page.goto(post.get_absolute_url())
    expect(heading(page)).to_have_text(HOSTILE_TITLE)
    assert page.title().startswith(HOSTILE_TITLE)
    for line in HOSTILE_LINES:
        expect(page.get_by_text(line, exact=True)).to_be_visible()
    assert page.locator("script, img, iframe, main style").count() == 0
    expect(page.get_by_role("link", name="a tempting link")).to_have_count(0)
    # The dialog, console and foreign-request watch fails this test if any of it ran.
