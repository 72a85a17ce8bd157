"""The topic map: topics as a network drawn as a server-rendered SVG.

Pure code — plain data in, SVG text out, no database. A view turns topics into `Node`s (sized by
posts) and topic pairs into `Edge`s (weighted by shared posts), then calls `render_map_svg`, or
`neighbourhood` first for a topic page. The layout (posts/maps/forcelayout.py) is a force simulation
started from fixed positions, so the same data always gives the same picture.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from posts.maps import forcelayout, svg

FONT_SIZE = 12
LABEL_CHARS = 24
R_MIN = 5.0
R_MAX_CAP = 40.0
# Gap between a circle and its label, and the padding kept around each node's footprint.
LABEL_GAP = 3.0
PAD = 3.0
# The whole map keeps, for each topic, only its strongest links (a link stays when it is among
# the strongest of either end): every topic keeps a link or two, the hairball goes.
LINKS_PER_TOPIC = 3
STROKE_MIN = 0.75
STROKE_MAX = 6.0
NODE_FILL = "#3f6fa8"
EDGE_STROKE = "#7b8794"

Position = tuple[float, float]


@dataclass(frozen=True)
class Node:
    key: str  # stable id, e.g. the topic slug
    label: str  # topic name, shown and escaped
    weight: int  # number of posts
    url: str  # link target (the topic page)


@dataclass(frozen=True)
class Edge:
    a: str  # node keys
    b: str
    weight: int  # posts shared


@dataclass(frozen=True)
class _Graph:
    """Nodes sorted by key (one per key) and edges merged per pair, as index triples."""

    nodes: tuple[Node, ...]
    edges: tuple[tuple[int, int, int], ...]  # (i, j, weight) with i < j


def _graph(nodes: Iterable[Node], edges: Iterable[Edge]) -> _Graph:
    # Sorting first makes everything after independent of the caller's order. A repeated key
    # keeps its heaviest node; an edge given twice (a-b and b-a) keeps its larger weight.
    unique: dict[str, Node] = {}
    for node in sorted(nodes, key=lambda n: (n.key, -n.weight, n.label, n.url)):
        unique.setdefault(node.key, node)
    ordered = tuple(unique[k] for k in sorted(unique))
    index = {node.key: i for i, node in enumerate(ordered)}
    merged: dict[tuple[int, int], int] = {}
    for edge in edges:
        i, j = index.get(edge.a), index.get(edge.b)
        if i is None or j is None or i == j or edge.weight <= 0:
            continue
        pair = (min(i, j), max(i, j))
        merged[pair] = max(merged.get(pair, 0), edge.weight)
    return _Graph(ordered, tuple((i, j, w) for (i, j), w in sorted(merged.items())))


def _radii(nodes: Sequence[Node], width: int, height: int) -> list[float]:
    """Circle radii: area proportional to posts, largest sized to the space per node."""
    if not nodes:
        return []
    r_max = min(R_MAX_CAP, max(14.0, 0.25 * math.sqrt(width * height / len(nodes))))
    top = max(max(node.weight for node in nodes), 1)
    return [max(R_MIN, r_max * math.sqrt(max(node.weight, 0) / top)) for node in nodes]


def _label(node: Node) -> str:
    return svg.truncate(node.label, LABEL_CHARS)


def _footprints(nodes: Sequence[Node], radii: Sequence[float]):
    """Per node: half width, extent above and extent below the centre, for the circle plus a
    label underneath — the space the layout keeps free so labels need not collide."""
    half, above, below = [], [], []
    for node, r in zip(nodes, radii, strict=True):
        half.append(max(r, svg.text_width(_label(node), FONT_SIZE) / 2) + PAD)
        above.append(r + PAD)
        below.append(r + LABEL_GAP + FONT_SIZE + PAD)
    return half, above, below


def _check_size(width: int, height: int) -> None:
    if not (width > 0 and height > 0):
        raise ValueError(f"a map needs a positive width and height, got {width} x {height}")


def _layout(
    graph: _Graph, width: int, height: int, center: str | None
) -> tuple[list[float], list[float]]:
    nodes = graph.nodes
    radii = _radii(nodes, width, height)
    half, above, below = _footprints(nodes, radii)
    # Each node's centre stays where its circle and its label below fit in the drawing; a label
    # wider than the drawing still keeps its circle inside.
    bounds = []
    for h, a, b, r in zip(half, above, below, radii, strict=True):
        lo_x, hi_x = (h, width - h) if 2 * h <= width else (r, width - r)
        lo_y, hi_y = (a, height - b) if a + b <= height else (r, height - r)
        bounds.append((lo_x, max(lo_x, hi_x), lo_y, max(lo_y, hi_y)))
    if len(nodes) == 1:
        lo_x, hi_x, lo_y, hi_y = bounds[0]
        return [(lo_x + hi_x) / 2], [(lo_y + hi_y) / 2]
    keys = [node.key for node in nodes]
    pinned = keys.index(center) if center in keys else None
    order = sorted(range(len(nodes)), key=lambda i: (i != pinned, -nodes[i].weight, keys[i]))
    start = forcelayout.spiral(order, width, height)
    moved = forcelayout.simulate(start, graph.edges, width, height, pinned)
    xs, ys = forcelayout.fit(moved, bounds, width, height, pinned)
    forcelayout.separate(xs, ys, half, above, below, bounds, pinned)
    return xs, ys


def layout(
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    *,
    width: int,
    height: int,
    center: str | None = None,
) -> dict[str, Position]:
    """Centre of each node's circle, keyed by node key, inside a `width` x `height` drawing.

    Same nodes and edges in any order give the same positions. Edges naming unknown nodes are
    ignored. `center` (a node key) pins that node to the middle, for a neighbourhood view.
    """
    _check_size(width, height)
    graph = _graph(nodes, edges)
    if not graph.nodes:
        return {}
    xs, ys = _layout(graph, width, height, center)
    return {
        node.key: (round(x, 2), round(y, 2)) for node, x, y in zip(graph.nodes, xs, ys, strict=True)
    }


def strongest_links(graph: _Graph, per_node: int) -> _Graph:
    """The graph with only each node's `per_node` heaviest edges (ties: the other end's key);
    an edge stays when it is among the strongest of either end."""
    keys = [node.key for node in graph.nodes]
    by_node: dict[int, list[tuple[int, int, int]]] = {}
    for edge in graph.edges:
        by_node.setdefault(edge[0], []).append(edge)
        by_node.setdefault(edge[1], []).append(edge)
    kept = set()
    for i, edges in by_node.items():
        edges.sort(key=lambda e: (-e[2], keys[e[1] if e[0] == i else e[0]]))
        kept.update(edges[:per_node])
    return _Graph(graph.nodes, tuple(edge for edge in graph.edges if edge in kept))


def _stroke_width(weight: int, top: int) -> float:
    return STROKE_MIN + (STROKE_MAX - STROKE_MIN) * math.sqrt(weight / top)


def _candidates(x: float, y: float, r: float, w: float):
    """Spots for a label of width `w` beside a circle, in order of preference: below, above,
    right, left, then the four corners; then the same half a line farther out (a spot any
    farther leaves a name between circles, and no telling whose it is). Each is (box left,
    top, right, bottom), anchor x and text-anchor."""
    return _spots(x, y, r, w, LABEL_GAP) + _spots(x, y, r, w, LABEL_GAP + FONT_SIZE / 2)


def _spots(x: float, y: float, r: float, w: float, g: float):
    f = FONT_SIZE
    # A corner spot touches the circle at 45 degrees.
    d = (r + g) * math.sqrt(0.5)
    return [
        ((x - w / 2, y + r + g, x + w / 2, y + r + g + f), x, "middle"),
        ((x - w / 2, y - r - g - f, x + w / 2, y - r - g), x, "middle"),
        ((x + r + g, y - f / 2, x + r + g + w, y + f / 2), x + r + g, "start"),
        ((x - r - g - w, y - f / 2, x - r - g, y + f / 2), x - r - g, "end"),
        ((x + d, y + d, x + d + w, y + d + f), x + d, "start"),
        ((x - d - w, y + d, x - d, y + d + f), x - d, "end"),
        ((x + d, y - d - f, x + d + w, y - d), x + d, "start"),
        ((x - d - w, y - d - f, x - d, y - d), x - d, "end"),
    ]


def _crossed(box, segments) -> list[int]:
    """Indexes of the `segments` (x1, y1, x2, y2) that pass through `box`, grown by the pad of
    the box drawn under a label."""
    p = LABEL_BOX_PAD
    grown = (box[0] - p, box[1] - p, box[2] + p, box[3] + p)
    return [k for k, seg in enumerate(segments) if _segment_meets_box(seg, grown)]


def _segment_meets_box(seg, box) -> bool:
    """Whether the segment touches the box (Liang-Barsky clipping)."""
    x1, y1, x2, y2 = seg
    left, top, right, bottom = box
    dx, dy = x2 - x1, y2 - y1
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, x1 - left), (dx, right - x1), (-dy, y1 - top), (dy, bottom - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        u = q / p
        if p < 0:
            lo = max(lo, u)
        else:
            hi = min(hi, u)
        if lo > hi:
            return False
    return True


# A label spot that a link runs through costs this much per shared post of the link, against
# 0.5 per step down the order of preference: a spot no link crosses always wins.
CROSSING_COST = 100.0


def _place_labels(graph: _Graph, xs, ys, radii, width: int, height: int):
    """Choose for each label a spot beside its circle (below, above, right, left or a corner)
    that overlaps no label already placed and no circle, crossed by the fewest links; heaviest
    topics choose first. A label without such a spot is left out (its topic keeps its circle,
    its tooltip and its place in the list under the map): labels never overlap.

    Returns the labels by node index and the indexes into `graph.edges` of the links that run
    through a label: the caller leaves those out, so no line crosses a name. A hub's links
    leave in every direction; a few weak ones give way to its name."""
    n = len(graph.nodes)
    circles = [
        (xs[i] - radii[i], ys[i] - radii[i], xs[i] + radii[i], ys[i] + radii[i]) for i in range(n)
    ]
    segments = [(xs[i], ys[i], xs[j], ys[j]) for i, j, _ in graph.edges]
    weights = [w for _, _, w in graph.edges]
    placed: list[tuple[float, float, float, float]] = []
    cut: set[int] = set()
    result: dict[int, tuple[float, float, str]] = {}
    order = sorted(range(n), key=lambda i: (-graph.nodes[i].weight, graph.nodes[i].key))
    for i in order:
        w = svg.text_width(_label(graph.nodes[i]), FONT_SIZE)
        best = None
        for rank, (box, ax, anchor) in enumerate(_candidates(xs[i], ys[i], radii[i], w)):
            # Slid inside the drawing where it reaches past an edge: a name is never cut off.
            dx = max(0.0, -box[0]) - max(0.0, box[2] - width)
            dy = max(0.0, -box[1]) - max(0.0, box[3] - height)
            box = (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
            # Every circle, its own too: a label slid off the drawing's edge may reach it.
            if _clashes(box, placed) or _clashes(box, circles):
                continue
            crossed = [k for k in _crossed(box, segments) if k not in cut]
            score = rank * 0.5 + CROSSING_COST * sum(weights[k] for k in crossed)
            if best is None or score < best[0]:
                best = (score, box, ax + dx, anchor, crossed)
        if best is None:
            continue
        _, box, ax, anchor, crossed = best
        placed.append(box)
        cut.update(crossed)
        # Baseline about 0.8 em below the box top puts the glyphs inside the box.
        result[i] = (ax, box[1] + FONT_SIZE * 0.8, anchor, box)
    return result, cut


# The box under a label reaches this far past the text's estimated box; the page's colour.
LABEL_BOX_PAD = 1.5
LABEL_BOX_FILL = "#fbf9f4"

# Labels may touch by this much (glyph boxes are estimates; ascenders leave room at the top).
CLASH_TOLERANCE = 2.0


def _clashes(box, boxes) -> bool:
    """Whether `box` overlaps any of `boxes` by more than the tolerance both ways."""
    left, top, right, bottom = box
    return any(
        min(right, r) - max(left, lf) > CLASH_TOLERANCE
        and min(bottom, b) - max(top, t) > CLASH_TOLERANCE
        for lf, t, r, b in boxes
    )


def _overlap(box, boxes) -> float:
    """Total area `box` shares with `boxes` (each as left, top, right, bottom)."""
    left, top, right, bottom = box
    return sum(
        (min(right, r) - max(left, lf)) * (min(bottom, b) - max(top, t))
        for lf, t, r, b in boxes
        if lf < right and r > left and t < bottom and b > top
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def render_map_svg(
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    *,
    width: int = 960,
    height: int = 640,
    highlight: str | None = None,
    title: str = "Topic map",
    links_per_topic: int | None = None,
) -> str:
    """The map as a standalone inline <svg>: circles sized by posts, lines by shared posts, each
    node a link. Styled by class (node, edge, label, highlight) from static/css/topicmap.css.

    `links_per_topic` keeps only each topic's strongest links (`strongest_links`). Without a
    `highlight`, the topic with the most posts is pinned to the middle, so a phone that shows the
    middle of the map first (topicmap.css) opens on the biggest topics."""
    _check_size(width, height)
    graph = _graph(nodes, edges)
    if links_per_topic is not None:
        graph = strongest_links(graph, links_per_topic)
    ids = svg.id_prefix("topicmap", graph, width, height, highlight, title)
    n = len(graph.nodes)
    keys = [node.key for node in graph.nodes]
    heaviest = sorted(graph.nodes, key=lambda node: (-node.weight, node.key))[:3]
    centre = graph.nodes[keys.index(highlight)] if highlight in keys else None
    if n:
        pinned = highlight if highlight in keys else heaviest[0].key
        xs, ys = _layout(graph, width, height, pinned)
        radii = _radii(graph.nodes, width, height)
        labels, cut = _place_labels(graph, xs, ys, radii, width, height)
        drawn = [edge for k, edge in enumerate(graph.edges) if k not in cut]
    else:
        drawn = []
    desc = (
        f"A network of {_plural(n, 'topic')} and {_plural(len(drawn), 'link')}. "
        "Each circle is a topic, larger for more posts, and links to its page; a line joins "
        "two topics that share posts, thicker for more."
    )
    if centre:
        desc += f" Centred on {centre.label}."
    if heaviest:
        desc += " Most posts: " + ", ".join(f"{t.label} ({t.weight})" for t in heaviest) + "."
    # role="group", not "img": an img's children are presentational, which would hide the topic
    # links from screen readers; a labelled group keeps the title and the links.
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="topicmap" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="group"'
        f' aria-labelledby="{ids}-title {ids}-desc">',
        f'<title id="{ids}-title">{svg.text(title)}</title>',
        f'<desc id="{ids}-desc">{svg.text(desc)}</desc>',
    ]
    if n == 0:
        out.append("</svg>")
        return "\n".join(out)
    top = max((w for _, _, w in graph.edges), default=1)
    out.append('<g class="edges">')
    # Strong links last, so they are drawn over the weak ones they cross.
    for i, j, w in sorted(drawn, key=lambda e: (e[2], keys[e[0]], keys[e[1]])):
        a, b = graph.nodes[i], graph.nodes[j]
        cls = "edge highlight" if highlight in (a.key, b.key) else "edge"
        out.append(
            f'<line class="{cls}" x1="{svg.num(xs[i])}" y1="{svg.num(ys[i])}"'
            f' x2="{svg.num(xs[j])}" y2="{svg.num(ys[j])}" stroke="{EDGE_STROKE}"'
            f' stroke-width="{_stroke_width(w, top):.2f}"'
            f' stroke-opacity="{0.12 + 0.68 * math.sqrt(w / top):.2f}">'
            f"<title>{svg.text(a.label)} – {svg.text(b.label)}: "
            f"{_plural(w, 'shared post')}</title></line>"
        )
    out.append("</g>")
    # A box of the page's colour under each label, above the links: no line runs through a
    # name (a halo round the glyphs alone let lines show between and across the letters).
    out.append('<g class="label-boxes" aria-hidden="true">')
    for *_, (left, top, right, bottom) in labels.values():
        out.append(
            f'<rect x="{svg.num(left - LABEL_BOX_PAD)}" y="{svg.num(top - LABEL_BOX_PAD)}"'
            f' width="{svg.num(right - left + 2 * LABEL_BOX_PAD)}"'
            f' height="{svg.num(bottom - top + 2 * LABEL_BOX_PAD)}"'
            f' rx="2" fill="{LABEL_BOX_FILL}"/>'
        )
    out.append("</g>")
    out.append(f'<g class="nodes" font-size="{FONT_SIZE}">')
    # Large circles first, so small ones stay visible where they touch.
    for i in sorted(range(n), key=lambda i: (-graph.nodes[i].weight, keys[i])):
        node = graph.nodes[i]
        cls = "node highlight" if node.key == highlight else "node"
        label = ""
        if i in labels:
            lx, ly, anchor, _box = labels[i]
            label = (
                f'<text class="label" x="{svg.num(lx)}" y="{svg.num(ly)}"'
                f' text-anchor="{anchor}">{svg.text(_label(node))}</text>'
            )
        out.append(
            f'<a class="{cls}" href="{svg.safe_href(node.url)}">'
            f"<title>{svg.text(node.label)}: {_plural(node.weight, 'post')}</title>"
            f'<circle cx="{svg.num(xs[i])}" cy="{svg.num(ys[i])}" r="{svg.num(radii[i])}"'
            f' fill="{NODE_FILL}"/>{label}</a>'
        )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def neighbourhood(
    center: str, nodes: Sequence[Node], edges: Sequence[Edge], *, limit: int = 12
) -> tuple[list[Node], list[Edge]]:
    """The centre node, its `limit` most strongly linked neighbours (most shared posts, then
    most posts, then key) and every edge among them. An unknown centre gives nothing."""
    graph = _graph(nodes, edges)
    keys = [node.key for node in graph.nodes]
    if center not in keys:
        return [], []
    c = keys.index(center)
    links = [(w, j if i == c else i) for i, j, w in graph.edges if c in (i, j)]
    links.sort(key=lambda link: (-link[0], -graph.nodes[link[1]].weight, keys[link[1]]))
    chosen = [c] + [other for _, other in links[: max(limit, 0)]]
    members = set(chosen)
    kept_edges = [
        Edge(keys[i], keys[j], w) for i, j, w in graph.edges if i in members and j in members
    ]
    return [graph.nodes[i] for i in chosen], kept_edges
