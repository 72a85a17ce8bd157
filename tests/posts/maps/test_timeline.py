"""The posts-per-month timeline SVG, parsed back and checked against the counts (no database)."""

import random
import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest

from posts.maps.timeline import render_timeline_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def bars(svg_text):
    """(tooltip, bar height) for each bar, left to right."""
    root = ET.fromstring(svg_text)
    out = []
    for bar in root.iterfind(".//svg:g[@class='bar']", NS):
        value = bar.find("svg:rect[@class='value']", NS)
        out.append((bar.find("svg:title", NS).text, float(value.get("height"))))
    return out


def test_missing_months_between_first_and_last_become_zero_bars():
    counts = {date(2010, 11, 1): 2, date(2011, 2, 1): 5}
    assert [tip for tip, _ in bars(render_timeline_svg(counts))] == [
        "November 2010: 2 posts",
        "December 2010: 0 posts",
        "January 2011: 0 posts",
        "February 2011: 5 posts",
    ]


def test_bar_heights_follow_the_counts():
    counts = {date(2011, m, 1): c for m, c in zip(range(1, 7), [3, 0, 6, 1, 6, 2], strict=True)}
    heights = [h for _, h in bars(render_timeline_svg(counts))]
    assert heights[1] == 0
    assert heights[2] == heights[4] == max(heights)
    assert heights[0] == pytest.approx(heights[2] / 2, abs=0.1)
    assert heights[3] < heights[5] < heights[0]


def test_each_bar_has_a_tooltip_with_month_and_count():
    tips = [tip for tip, _ in bars(render_timeline_svg([(date(2011, 3, 1), 4)]))]
    assert tips == ["March 2011: 4 posts"]
    assert bars(render_timeline_svg({date(2010, 7, 1): 1}))[0][0] == "July 2010: 1 post"


def test_empty_counts_draw_nothing():
    assert render_timeline_svg({}) == ""
    assert render_timeline_svg([]) == ""


def test_dates_in_the_same_month_are_added_together():
    counts = [(date(2011, 3, 1), 2), (date(2011, 3, 17), 3), (datetime(2011, 4, 2, 9, 30), 1)]
    assert [tip for tip, _ in bars(render_timeline_svg(counts))] == [
        "March 2011: 5 posts",
        "April 2011: 1 post",
    ]


def test_same_counts_in_any_order_give_identical_svg():
    rng = random.Random(7)
    items = [(date(2009 + i // 12, i % 12 + 1, 1), rng.randint(0, 30)) for i in range(40)]
    shuffled = rng.sample(items, len(items))
    assert render_timeline_svg(shuffled) == render_timeline_svg(dict(items))


def test_years_are_labelled_on_the_axis():
    counts = {date(2010, 3, 1): 1, date(2012, 5, 1): 1}
    root = ET.fromstring(render_timeline_svg(counts))
    years = [t.text for t in root.iterfind(".//svg:text[@class='year']", NS)]
    assert years == ["Mar 2010", "2011", "2012"]


def test_long_ranges_are_drawn_per_quarter_and_the_description_says_so():
    counts = {date(2000 + i // 12, i % 12 + 1, 1): 1 for i in range(150)}
    text = render_timeline_svg(counts)
    root = ET.fromstring(text)
    drawn = bars(text)
    assert len(drawn) == 50
    assert drawn[0][0] == "Q1 2000: 3 posts"
    assert sum(int(tip.split(": ")[1].split()[0]) for tip, _ in drawn) == 150
    assert "per quarter" in root.find("svg:desc", NS).text


def test_very_long_ranges_are_drawn_per_year():
    counts = {date(1900, 6, 1): 2, date(2010, 1, 1): 3}
    text = render_timeline_svg(counts)
    drawn = bars(text)
    assert len(drawn) == 111
    assert drawn[0][0] == "1900: 2 posts" and drawn[-1][0] == "2010: 3 posts"
    assert "per year" in ET.fromstring(text).find("svg:desc", NS).text


def test_a_single_month_draws_one_bar_within_the_view_box():
    text = render_timeline_svg({date(2011, 3, 1): 4}, width=300, height=80)
    root = ET.fromstring(text)
    assert root.get("viewBox") == "0 0 300 80"
    rects = list(root.iter(f"{SVG}rect"))
    assert rects
    for rect in rects:
        x, y = float(rect.get("x")), float(rect.get("y"))
        assert x >= 0 and x + float(rect.get("width")) <= 300
        assert y >= 0 and y + float(rect.get("height")) <= 80


def test_months_without_posts_still_draw_a_chart():
    drawn = bars(render_timeline_svg({date(2011, 1, 1): 0, date(2011, 2, 1): 0}))
    assert drawn == [("January 2011: 0 posts", 0.0), ("February 2011: 0 posts", 0.0)]


def test_timeline_is_an_image_with_title_and_description():
    text = render_timeline_svg({date(2011, 3, 1): 4, date(2011, 5, 1): 9}, title="<Posts> & more")
    root = ET.fromstring(text)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS).text == "<Posts> & more"
    desc = root.find(f"svg:desc[@id='{desc_id}']", NS).text
    assert "March 2011 to May 2011" in desc and "13 posts" in desc and "May 2011" in desc
    assert all("style" not in el.attrib for el in root.iter())


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({date(2011, 3, 1): -1}, "0 or more"),
        ({"2011-03": 4}, "expected a date"),
        ([(date(2011, 3, 1),)], "(date, count) pairs"),
        ({date(2011, 3, 1): 2.5}, "0 or more"),
    ],
)
def test_bad_counts_give_a_clear_error(counts, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        render_timeline_svg(counts)


def test_a_timeline_too_small_for_bars_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="a timeline needs at least"):
        render_timeline_svg({date(2011, 3, 1): 4}, width=20, height=120)
