"""The topic map's layout and SVG, parsed back and checked against the data (no database)."""

import math
import random
import time
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import combinations

import pytest

from posts.maps import svg
from posts.maps.topicmap import (
    Edge,
    Node,
    _graph,
    layout,
    neighbourhood,
    render_map_svg,
    strongest_links,
)
from tests.geometry import segment_meets_box

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
ALLOWED_TAGS = {
    f"{SVG}{tag}" for tag in ("svg", "title", "desc", "g", "line", "a", "circle", "text", "rect")
}


def make_graph(n=50, m=400, seed=7):
    """A deterministic random graph: n topics with 1-200 posts and m distinct links."""
    rng = random.Random(seed)
    nodes = [
        Node(f"topic-{i:02d}", f"Topic {i}", rng.randint(1, 200), f"/topics/topic-{i:02d}/")
        for i in range(n)
    ]
    pairs = set()
    while len(pairs) < min(m, n * (n - 1) // 2):
        a, b = sorted(rng.sample(range(n), 2))
        pairs.add((a, b))
    edges = [Edge(f"topic-{a:02d}", f"topic-{b:02d}", rng.randint(1, 30)) for a, b in sorted(pairs)]
    return nodes, edges


def parse(svg_text):
    return ET.fromstring(svg_text)


def links(root):
    """href -> (link element, circle, label text element)."""
    out = {}
    for a in root.iter(f"{SVG}a"):
        out[a.get("href")] = (a, a.find("svg:circle", NS), a.find("svg:text", NS))
    return out


def centres(root):
    """(cx, cy) -> href, to identify the nodes a line joins."""
    return {
        (float(c.get("cx")), float(c.get("cy"))): href for href, (_, c, _) in links(root).items()
    }


def view_box(root):
    return [float(v) for v in root.get("viewBox").split()]


def test_every_node_is_one_link_with_its_circle_and_label():
    nodes, edges = make_graph()
    root = parse(render_map_svg(nodes, edges))
    found = links(root)
    assert len(list(root.iter(f"{SVG}a"))) == len(nodes)
    assert set(found) == {node.url for node in nodes}
    for node in nodes:
        a, circle, label = found[node.url]
        assert "node" in a.get("class").split()
        assert circle is not None
        if label is None:  # left out because it would overlap another label
            continue
        assert label.text == node.label
        assert label.get("class") == "label"
        assert (
            int(label.get("font-size", root.find(".//svg:g[@class='nodes']", NS).get("font-size")))
            >= 11
        )
        assert a.find("svg:title", NS).text == f"{node.label}: {node.weight} posts"


def test_every_line_joins_two_topics_that_share_posts():
    # A hairball: a line that would cross a label is left out, so fewer lines than links.
    nodes, edges = make_graph()
    root = parse(render_map_svg(nodes, edges))
    url = {node.key: node.url for node in nodes}
    at = centres(root)
    lines = root.findall(".//svg:line", NS)
    assert 0 < len(lines) <= len(edges)
    drawn = set()
    for line in lines:
        ends = (
            at[float(line.get("x1")), float(line.get("y1"))],
            at[float(line.get("x2")), float(line.get("y2"))],
        )
        drawn.add(frozenset(ends))
    assert drawn <= {frozenset((url[e.a], url[e.b])) for e in edges}


def test_every_link_of_a_sparse_map_is_drawn_as_one_line():
    nodes, edges = make_graph(n=5, m=4, seed=3)
    root = parse(render_map_svg(nodes, edges))
    url = {node.key: node.url for node in nodes}
    assert edges_of(root) == {frozenset((url[e.a], url[e.b])) for e in edges}


@pytest.mark.parametrize(("width", "height"), [(960, 680), (360, 840), (288, 360)])
def test_no_line_crosses_a_label(width, height):
    nodes, edges = make_graph(n=35, m=300, seed=5)
    root = parse(render_map_svg(nodes, edges, width=width, height=height, links_per_topic=3))
    labels = [label_box(t) for t in root.iter(f"{SVG}text")]
    lines = [
        [float(line.get(k)) for k in ("x1", "y1", "x2", "y2")] for line in root.iter(f"{SVG}line")
    ]
    assert len(labels) >= 20 and len(lines) >= 20
    assert [(b, s) for b in labels for s in lines if segment_meets_box(*s, b)] == []


def test_edges_are_drawn_under_the_label_boxes_and_the_nodes():
    nodes, edges = make_graph(n=6, m=8)
    root = parse(render_map_svg(nodes, edges))
    groups = [g.get("class") for g in root.findall("svg:g", NS)]
    assert groups == ["edges", "label-boxes", "nodes"]


def test_every_label_sits_on_a_box_that_covers_it_so_no_line_crosses_a_name():
    nodes, edges = make_graph(n=30, m=120)
    root = parse(render_map_svg(nodes, edges))
    boxes = [
        tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))
        for r in root.find("svg:g[@class='label-boxes']", NS)
    ]
    labels = root.findall(".//svg:text[@class='label']", NS)
    assert labels and len(boxes) == len(labels)
    for text in labels:
        x, y = float(text.get("x")), float(text.get("y"))
        assert any(bx <= x <= bx + bw and by <= y <= by + bh for bx, by, bw, bh in boxes)


def test_links_to_unknown_topics_self_links_and_repeats_are_dropped():
    nodes = [Node("a", "A", 3, "/a/"), Node("b", "B", 2, "/b/"), Node("c", "C", 1, "/c/")]
    edges = [
        Edge("a", "b", 2),
        Edge("b", "a", 2),  # the same pair again, reversed
        Edge("a", "ghost", 5),
        Edge("c", "c", 4),
        Edge("b", "c", 0),
    ]
    root = parse(render_map_svg(nodes, edges))
    assert len(root.findall(".//svg:line", NS)) == 1
    assert set(layout(nodes, edges, width=400, height=300)) == {"a", "b", "c"}


def test_circle_area_is_proportional_to_posts_above_the_minimum_size():
    nodes, edges = make_graph()
    found = links(parse(render_map_svg(nodes, edges)))
    by_weight = sorted(nodes, key=lambda node: node.weight)
    radii = [float(found[node.url][1].get("r")) for node in by_weight]
    assert radii == sorted(radii)
    assert radii[-1] > 3 * radii[0]
    # Area over posts is the same for every circle not held at the minimum radius.
    ratios = [r * r / node.weight for r, node in zip(radii, by_weight, strict=True) if r > 6]
    assert len(ratios) > 10
    assert max(ratios) / min(ratios) == pytest.approx(1, abs=0.05)


def test_lines_are_thicker_for_more_shared_posts():
    nodes, edges = make_graph(n=20, m=60)
    root = parse(render_map_svg(nodes, edges))
    width_by_posts = {}
    for line in root.findall(".//svg:line", NS):
        shared = int(line.find("svg:title", NS).text.rsplit(": ", 1)[1].split()[0])
        width_by_posts.setdefault(shared, set()).add(float(line.get("stroke-width")))
    assert all(len(widths) == 1 for widths in width_by_posts.values())
    ordered = [width_by_posts[k].pop() for k in sorted(width_by_posts)]
    assert ordered == sorted(ordered)
    assert len(set(ordered)) == len(ordered)


def test_same_graph_in_any_order_gives_identical_svg_and_positions():
    nodes, edges = make_graph()
    rng = random.Random(7)
    shuffled_nodes = rng.sample(nodes, len(nodes))
    shuffled_edges = [Edge(e.b, e.a, e.weight) if rng.random() < 0.5 else e for e in edges]
    rng.shuffle(shuffled_edges)
    assert render_map_svg(shuffled_nodes, shuffled_edges) == render_map_svg(nodes, edges)
    assert layout(shuffled_nodes, shuffled_edges, width=960, height=640) == layout(
        nodes, edges, width=960, height=640
    )


@pytest.mark.parametrize(("n", "m"), [(1, 0), (2, 1), (3, 0), (13, 30), (50, 400), (60, 40)])
def test_every_node_circle_lies_inside_the_view_box(n, m):
    nodes, edges = make_graph(n=n, m=m)
    root = parse(render_map_svg(nodes, edges, width=640, height=420))
    x0, y0, w, h = view_box(root)
    circles = root.findall(".//svg:circle", NS)
    assert len(circles) == n
    for c in circles:
        cx, cy, r = (float(c.get(k)) for k in ("cx", "cy", "r"))
        assert x0 <= cx - r and cx + r <= x0 + w
        assert y0 <= cy - r and cy + r <= y0 + h


def test_node_circles_of_a_50_topic_map_do_not_overlap():
    nodes, edges = make_graph()
    root = parse(render_map_svg(nodes, edges))
    circles = [
        tuple(float(c.get(k)) for k in ("cx", "cy", "r")) for c in root.findall(".//svg:circle", NS)
    ]
    for (x1, y1, r1), (x2, y2, r2) in combinations(circles, 2):
        assert math.dist((x1, y1), (x2, y2)) >= 0.95 * (r1 + r2)


def label_box(text, font_size=12):
    """Estimated box of a label from its anchor, as the renderer estimates it."""
    x, y = float(text.get("x")), float(text.get("y"))
    width = svg.text_width(text.text, font_size)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor")]
    return left, y - 0.8 * font_size, left + width, y + 0.2 * font_size


def test_labels_of_a_50_topic_map_stay_clear_of_each_other():
    nodes, edges = make_graph()
    root = parse(render_map_svg(nodes, edges))
    x0, y0, w, h = view_box(root)
    boxes = [label_box(t) for t in root.iter(f"{SVG}text")]
    # A label that would overlap is left out; nearly all of them find a clear place.
    assert len(boxes) >= 45
    clashes = [
        (a, b)
        for a, b in combinations(boxes, 2)
        if min(a[2], b[2]) - max(a[0], b[0]) > 2 and min(a[3], b[3]) - max(a[1], b[1]) > 2
    ]
    assert clashes == []
    eps = 0.05  # anchors are written with one decimal
    for left, top, right, bottom in boxes:
        assert x0 - eps <= left and right <= x0 + w + eps
        assert y0 - eps <= top and bottom <= y0 + h + eps


def edges_of(root) -> set[frozenset]:
    """The pairs of topic links each line joins."""
    at = centres(root)
    return {
        frozenset(
            (
                at[float(line.get("x1")), float(line.get("y1"))],
                at[float(line.get("x2")), float(line.get("y2"))],
            )
        )
        for line in root.iter(f"{SVG}line")
    }


def test_whole_map_keeps_only_each_topics_strongest_links():
    nodes, edges = make_graph()
    url = {node.key: node.url for node in nodes}
    graph = strongest_links(_graph(nodes, edges), 2)
    strongest = {frozenset((graph.nodes[i].url, graph.nodes[j].url)) for i, j, _ in graph.edges}
    kept = edges_of(parse(render_map_svg(nodes, edges, links_per_topic=2)))
    assert kept and kept <= strongest < {frozenset((url[e.a], url[e.b])) for e in edges}
    # Each topic keeps a strongest link or two, unless they would cross labels.
    degree = Counter(u for pair in strongest for u in pair)
    assert set(degree) == set(url.values())
    assert len(kept) >= len(strongest) // 2


def test_layout_of_50_topics_and_400_links_is_quick():
    nodes, edges = make_graph()
    best = math.inf
    for _ in range(3):
        start = time.process_time()
        layout(nodes, edges, width=960, height=640)
        best = min(best, time.process_time() - start)
    # Measured at 20-25 ms of CPU on a busy 2-core machine. The bound is loose so a loaded CI
    # runner does not fail it, yet a slower algorithm or an unbounded convergence loop would.
    assert best < 0.25


def test_layout_copes_with_no_one_two_and_unconnected_topics():
    assert layout([], [], width=300, height=200) == {}
    one = layout([Node("a", "A", 1, "/a/")], [], width=300, height=200)
    assert list(one) == ["a"]
    x, y = one["a"]
    assert 0 < x < 300 and 0 < y < 200
    two = layout([Node("a", "A", 1, "/a/"), Node("b", "B", 9, "/b/")], [], width=300, height=200)
    assert two["a"] != two["b"]
    nodes, _ = make_graph(n=12, m=0)
    spread = layout(nodes, [], width=600, height=400)
    assert len(set(spread.values())) == 12


def test_empty_map_is_a_valid_svg_with_its_title():
    root = parse(render_map_svg([], []))
    assert root.find("svg:title", NS).text == "Topic map"
    assert root.find(".//svg:a", NS) is None


def test_hostile_labels_and_links_cannot_inject_markup():
    hostile = [
        Node("x1", "<script>alert(1)</script>", 5, "/t/x1/"),
        Node("x2", '"& <b onload="x">', 4, '" onmouseover="alert(1)'),
        Node("x3", "]]><svg onload=alert(1)>", 3, "javascript:alert(1)"),
        Node("x4", "tab\x00null\x08bytes", 2, " JaVa\tScRiPt:alert(1)"),
        Node("x5", "Fine & dandy", 1, "https://example.org/?a=1&b=2"),
    ]
    edges = [Edge("x1", "x2", 3), Edge("x3", "x4", 1)]
    text = render_map_svg(hostile, edges, title="<title>Map</title>", highlight="x1")
    root = parse(text)
    assert {el.tag for el in root.iter()} <= ALLOWED_TAGS
    for el in root.iter():
        assert not any(name.lower().startswith("on") for name in el.attrib)
        assert "style" not in el.attrib
    names = {a.find("svg:title", NS).text.rsplit(": ", 1)[0] for a in root.iter(f"{SVG}a")}
    assert names == {node.label for node in hostile} - {"tab\x00null\x08bytes"} | {"tabnullbytes"}
    labels = {t.text for t in root.iter(f"{SVG}text")}
    assert '"& <b onload="x">' in labels
    hrefs = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert sorted(hrefs) == sorted(
        ['" onmouseover="alert(1)', "#", "#", "https://example.org/?a=1&b=2", "/t/x1/"]
    )
    assert root.find("svg:title", NS).text == "<title>Map</title>"


def test_svg_is_styled_by_classes_not_inline_styles():
    nodes, edges = make_graph(n=10, m=20)
    text = render_map_svg(nodes, edges, highlight="topic-03")
    root = parse(text)
    assert root.find(".//svg:style", NS) is None
    assert all("style" not in el.attrib for el in root.iter())
    assert {line.get("class").split()[0] for line in root.iter(f"{SVG}line")} == {"edge"}


def test_highlight_marks_the_centre_node_and_its_links_and_puts_it_in_the_middle():
    nodes, edges = make_graph(n=13, m=30)
    root = parse(render_map_svg(nodes, edges, width=640, height=420, highlight="topic-04"))
    marked = [a for a in root.iter(f"{SVG}a") if "highlight" in a.get("class").split()]
    assert [a.get("href") for a in marked] == ["/topics/topic-04/"]
    circle = marked[0].find("svg:circle", NS)
    assert abs(float(circle.get("cx")) - 320) < 40 and abs(float(circle.get("cy")) - 210) < 40
    touching = {e for e in edges if "topic-04" in (e.a, e.b)}
    lit = [ln for ln in root.iter(f"{SVG}line") if "highlight" in ln.get("class").split()]
    assert len(lit) == len(touching) > 0


def test_long_labels_are_cut_with_an_ellipsis_and_named_in_full_in_the_title():
    name = "The unusually long topic name about community ownership of pubs"
    root = parse(render_map_svg([Node("pubs", name, 3, "/t/pubs/")], []))
    a = root.find(".//svg:a", NS)
    label = a.find("svg:text", NS).text
    assert label.endswith("…") and len(label) < len(name)
    assert name.startswith(label[:-1])
    assert a.find("svg:title", NS).text == f"{name}: 3 posts"


def test_map_is_labelled_for_assistive_technology():
    nodes, edges = make_graph(n=5, m=4)
    root = parse(render_map_svg(nodes, edges, title="Topics of the archive"))
    # A group, not an image: an image's children are hidden from screen readers, links included.
    assert root.get("role") == "group"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS).text == "Topics of the archive"
    assert "5 topics" in root.find(f"svg:desc[@id='{desc_id}']", NS).text
    assert root.get("viewBox") == "0 0 960 640"


def test_different_maps_get_different_ids():
    a = parse(render_map_svg(*make_graph(n=5, m=4)))
    b = parse(render_map_svg(*make_graph(n=6, m=4)))
    assert a.get("aria-labelledby") != b.get("aria-labelledby")


def test_neighbourhood_keeps_the_centre_and_its_strongest_neighbours():
    nodes = [Node(k, k.upper(), w, f"/{k}/") for k, w in [("c", 9), ("a", 1), ("b", 5), ("d", 3)]]
    nodes.append(Node("far", "Far", 50, "/far/"))
    edges = [
        Edge("c", "a", 4),
        Edge("b", "c", 4),  # ties with a on shared posts; b has more posts, so b first
        Edge("c", "d", 1),
        Edge("a", "b", 2),
        Edge("a", "d", 7),
        Edge("b", "far", 9),  # far is not linked to the centre
    ]
    chosen, kept = neighbourhood("c", nodes, edges, limit=2)
    assert [n.key for n in chosen] == ["c", "b", "a"]
    assert {(e.a, e.b, e.weight) for e in kept} == {("a", "c", 4), ("b", "c", 4), ("a", "b", 2)}


def test_neighbourhood_of_an_unknown_or_isolated_topic():
    nodes, edges = make_graph(n=10, m=15)
    assert neighbourhood("nope", nodes, edges) == ([], [])
    lonely = Node("lonely", "Lonely", 1, "/lonely/")
    assert neighbourhood("lonely", [*nodes, lonely], edges) == ([lonely], [])
    chosen, kept = neighbourhood("topic-01", nodes, edges, limit=0)
    assert [n.key for n in chosen] == ["topic-01"] and kept == []


def test_neighbourhood_of_a_50_topic_map_has_at_most_limit_neighbours():
    nodes, edges = make_graph()
    chosen, kept = neighbourhood("topic-07", nodes, edges, limit=12)
    assert len(chosen) == 13 and chosen[0].key == "topic-07"
    keys = {n.key for n in chosen}
    assert all(e.a in keys and e.b in keys for e in kept)
    centre_links = sorted((e.weight for e in edges if "topic-07" in (e.a, e.b)), reverse=True)
    kept_centre = sorted((e.weight for e in kept if "topic-07" in (e.a, e.b)), reverse=True)
    assert kept_centre == centre_links[:12]


@pytest.mark.parametrize(("width", "height"), [(0, 640), (960, -1)])
def test_a_map_without_area_is_refused_with_a_clear_message(width, height):
    with pytest.raises(ValueError, match="positive width and height"):
        render_map_svg(*make_graph(n=3, m=2), width=width, height=height)
    with pytest.raises(ValueError, match="positive width and height"):
        layout(*make_graph(n=3, m=2), width=width, height=height)


@pytest.mark.parametrize("seed", [1, 7, 23])
def test_no_label_reaches_past_the_edge_of_the_drawing(seed):
    # Long names on many topics push labels to the edges, where a phone's screen ends.
    nodes, edges = make_graph(n=40, m=160, seed=seed)
    nodes = [Node(n.key, f"{n.label} with a long name", n.weight, n.url) for n in nodes]
    root = parse(render_map_svg(nodes, edges))
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    for rect in root.find("svg:g[@class='label-boxes']", NS):
        x, y = float(rect.get("x")), float(rect.get("y"))
        w, h = float(rect.get("width")), float(rect.get("height"))
        pad = 1.5  # the box reaches this far past the label's own extent
        assert -pad <= x and x + w <= width + pad, rect.attrib
        assert -pad <= y and y + h <= height + pad, rect.attrib


@pytest.mark.parametrize(("width", "height"), [(960, 680), (360, 840)])
def test_no_label_covers_a_circle_even_its_own_when_slid_off_an_edge(width, height):
    # Long names near a narrow drawing's edges are slid inside, which could bring them onto a
    # circle, their own included.
    nodes, edges = make_graph(n=35, m=120, seed=11)
    nodes = [Node(n.key, f"{n.label} with a long name", n.weight, n.url) for n in nodes]
    root = parse(render_map_svg(nodes, edges, width=width, height=height))
    circles = [[float(c.get(k)) for k in ("cx", "cy", "r")] for c in root.iter(f"{SVG}circle")]
    covered = []
    for text in root.iter(f"{SVG}text"):
        left, top, right, bottom = label_box(text)
        for x, y, r in circles:
            # Overlap of the label's box and the circle's, with the renderer's 2-unit tolerance.
            if (
                min(right, x + r) - max(left, x - r) > 2
                and min(bottom, y + r) - max(top, y - r) > 2
            ):
                covered.append((text.text, (x, y)))
    assert covered == []
