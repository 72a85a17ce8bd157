"""Plane geometry the topic map's tests check drawings with, written apart from the drawing
code (posts.maps.topicmap) so that it does not check itself."""


def segment_meets_box(x1, y1, x2, y2, box) -> bool:
    """Whether the segment passes through the box (left, top, right, bottom): clipped against
    each side in turn (Liang-Barsky)."""
    left, top, right, bottom = box
    lo, hi = 0.0, 1.0
    for p, q in (
        (x1 - x2, x1 - left),
        (x2 - x1, right - x1),
        (y1 - y2, y1 - top),
        (y2 - y1, bottom - y1),
    ):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            lo = max(lo, q / p)
        else:
            hi = min(hi, q / p)
    return lo <= hi
