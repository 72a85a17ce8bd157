"""A reader in a real browser: following links from home to a post and on, and hostile archive
text shown as text (no dialog, no script, no request to another site)."""

import pytest
from playwright.sync_api import expect

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


def test_topic_map_opens_on_its_middle_on_a_phone_with_the_biggest_topic_in_view(
    new_page, reading_archive
):
    page = new_page("phone-390")
    page.goto("/topics/map/")
    scroller = page.locator(".topicmap-scroll")
    left, width, shown = scroller.evaluate("e => [e.scrollLeft, e.scrollWidth, e.clientWidth]")
    assert width > shown  # the map is wider than the phone
    assert abs(left + shown / 2 - width / 2) < 2  # and opens on its middle
    biggest = page.locator("svg.topicmap a", has_text="Localism Bill").locator("circle")
    box, frame = biggest.bounding_box(), scroller.bounding_box()
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    # The reader can still slide to either edge.
    scroller.evaluate("e => e.scrollTo({left: 0, behavior: 'instant'})")
    assert scroller.evaluate("e => e.scrollLeft") == 0


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
