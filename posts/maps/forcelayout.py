"""Force-directed placement for the topic map: fixed start positions, a Fruchterman-Reingold
simulation, scaling into the drawing, and a pass that pushes overlapping boxes apart.

Pure geometry over point indexes (no SVG, no database). Cost grows with the square of the
number of points, so maps should stay below ~100 topics.
"""

import math
from collections.abc import Sequence

ITERATIONS = 35
# Tuned by looking at rendered maps of 10-60 topics: spring length as a fraction of the ideal
# spacing, and the pull towards the centre that keeps loosely linked topics close.
SPRING = 0.75
GRAVITY = 0.06
OVERLAP_SWEEPS = 40
# The most simulated positions are stretched to fill the drawing; more spreads tiny maps thin.
FIT_MAX_SCALE = 1.2


def spiral(order: Sequence[int], width: int, height: int) -> list[complex]:
    """Start positions on a sunflower spiral, `order[0]` in the middle: fixed, evenly spread,
    and with the heaviest topics (listed first) where a force layout puts hubs anyway, so few
    steps are needed."""
    spacing = math.sqrt(width * height / max(len(order), 1)) * 0.5
    golden = math.pi * (3 - math.sqrt(5))
    pos = [0j] * len(order)
    for rank, i in enumerate(order):
        radius = spacing * math.sqrt(rank + 0.5)
        angle = rank * golden
        pos[i] = complex(radius * math.cos(angle) * width / height, radius * math.sin(angle))
    return pos


def _repulsion(conj: list[complex], i: int) -> complex:
    """Sum over the other points of d/|d|² (d pointing away from them), written as 1/conj(d):
    the same vector in one complex division, the cheapest form in pure Python."""
    ci = conj[i]
    others = conj[:i] + conj[i + 1 :]
    try:
        return sum([1 / (ci - cq) for cq in others])
    except ZeroDivisionError:
        # Two points on the same spot push each other nowhere; separate() splits them later.
        return sum([1 / (ci - cq) for cq in others if cq != ci])


def simulate(
    start: list[complex],
    edges: Sequence[tuple[int, int, int]],
    width: int,
    height: int,
    pinned: int | None = None,
) -> list[complex]:
    """Fruchterman-Reingold with gravity instead of walls, in a frame centred on 0, for a fixed
    number of steps (no convergence test, so the time is predictable). `edges` are (i, j,
    weight) index triples. A pinned point stays at 0 and the others settle around it."""
    n = len(start)
    pos = list(start)
    if pinned is not None:
        pos[pinned] = 0j
    k = SPRING * math.sqrt(width * height / n)
    k2 = k * k
    top = max((w for _, _, w in edges), default=1)
    # Weak links pull weakly, so a map with many incidental links still shows its strong ones.
    springs = [(i, j, w / top / k) for i, j, w in edges]
    temperature = width / 8
    cooling = temperature / ITERATIONS
    for _ in range(ITERATIONS):
        conj = [p.conjugate() for p in pos]
        disp = [_repulsion(conj, i) * k2 - pos[i] * GRAVITY for i in range(n)]
        for i, j, strength in springs:
            d = pos[i] - pos[j]
            f = d * (abs(d) * strength)
            disp[i] -= f
            disp[j] += f
        if pinned is not None:
            disp[pinned] = 0j
        for i in range(n):
            step = abs(disp[i])
            if step > 0:
                pos[i] += disp[i] * (min(step, temperature) / step)
        temperature -= cooling
    return pos


def fit(
    pos: list[complex], bounds, width: int, height: int, pinned: int | None
) -> tuple[list[float], list[float]]:
    """Scale simulated positions into the drawing, centred (on the pinned point if any), as
    large as every point's own (left, right, top, bottom) bounds allow: a long label near an
    edge limits the stretch. Returns x and y lists."""
    xs = [p.real for p in pos]
    ys = [p.imag for p in pos]
    mid_x = 0.0 if pinned is not None else (min(xs) + max(xs)) / 2
    mid_y = 0.0 if pinned is not None else (min(ys) + max(ys)) / 2
    return (
        _fit_axis(xs, [(b[0], b[1]) for b in bounds], mid_x, width / 2),
        _fit_axis(ys, [(b[2], b[3]) for b in bounds], mid_y, height / 2),
    )


def _fit_axis(
    values: list[float], limits: list[tuple[float, float]], mid: float, centre: float
) -> list[float]:
    scale = FIT_MAX_SCALE
    for v, (lo, hi) in zip(values, limits, strict=True):
        offset = v - mid
        if offset > 1e-9:
            scale = min(scale, max(hi - centre, 0) / offset)
        elif offset < -1e-9:
            scale = min(scale, max(centre - lo, 0) / -offset)
    return [centre + (v - mid) * scale for v in values]


def separate(xs, ys, half, above, below, bounds, pinned: int | None = None) -> None:
    """Push apart points whose boxes overlap, along the axis that needs the smaller move, then
    keep every point inside its bounds; repeat until nothing overlaps or sweeps run out. A box
    reaches `half[i]` left and right of its point, `above[i]` up and `below[i]` down. The
    `pinned` point never moves: the other point of an overlapping pair moves the whole way."""
    n = len(xs)
    widest = max(half)
    for _ in range(OVERLAP_SWEEPS):
        moved = False
        # Sweep in x order and stop scanning once boxes can no longer meet horizontally.
        order = sorted(range(n), key=lambda i: (xs[i], i))
        for a, i in enumerate(order):
            reach = half[i] + widest
            for j in order[a + 1 :]:
                dx = xs[j] - xs[i]
                if dx >= reach:
                    break
                ox = half[i] + half[j] - dx
                if ox <= 0:
                    continue
                dy = ys[j] - ys[i]
                oy = (below[i] + above[j] - dy) if dy >= 0 else (below[j] + above[i] + dy)
                if oy <= 0:
                    continue
                moved = True
                # Shares of the move: half each, or all of it for the point that is not pinned.
                share_i = 0.0 if i == pinned else 1.0 if j == pinned else 0.5
                share_j = 1.0 - share_i
                # Wide labels make x moves expensive; compare overlaps relative to box size.
                if ox / (half[i] + half[j]) < oy / (above[i] + below[i] + above[j] + below[j]):
                    xs[i] -= (ox + 0.2) * share_i
                    xs[j] += (ox + 0.2) * share_j
                else:
                    shift = (oy + 0.2) * (1 if dy >= 0 else -1)
                    ys[i] -= shift * share_i
                    ys[j] += shift * share_j
        for i, (lo_x, hi_x, lo_y, hi_y) in enumerate(bounds):
            xs[i] = min(hi_x, max(lo_x, xs[i]))
            ys[i] = min(hi_y, max(lo_y, ys[i]))
        if not moved:
            return
