"""A topic's posts per month as a small SVG bar chart.

Pure code: month counts in, SVG text out. Missing months between the first and the last become
zero bars; long ranges are drawn per quarter or per year so bars stay wide enough to see.
"""

from collections.abc import Mapping, Sequence
from datetime import date

from posts.maps import svg

# Fixed English names: calendar.month_name follows the process locale, and output must not.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MAX_BARS = 120
# Widest bar slot: a handful of months draws as a short run of bars, not a few slabs.
MAX_BAND = 24.0
FONT_SIZE = 11
LEFT = 26  # room for the maximum's label
RIGHT = 4
TOP = 8
BOTTOM = 18  # room for the year labels
BAR_FILL = "#3f6fa8"
AXIS_STROKE = "#7b8794"

Counts = Mapping[date, int] | Sequence[tuple[date, int]]


def _months(counts: Counts) -> dict[tuple[int, int], int]:
    """Counts per (year, month), summed for dates in the same month; checks the input."""
    items = counts.items() if isinstance(counts, Mapping) else counts
    months: dict[tuple[int, int], int] = {}
    for item in items:
        try:
            day, count = item
        except (TypeError, ValueError):
            raise ValueError(f"expected (date, count) pairs, got {item!r}") from None
        if not isinstance(day, date):
            raise ValueError(f"expected a date, got {day!r}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"expected a post count of 0 or more for {day}, got {count!r}")
        key = (day.year, day.month)
        months[key] = months.get(key, 0) + count
    return months


def _buckets(months: dict[tuple[int, int], int]) -> tuple[str, list[tuple[int, int, str, int]]]:
    """Every month from first to last (zeros filled in), grouped into quarters or years when
    there would be more than MAX_BARS bars. Returns the unit and (year, first month, name,
    count) per bar."""
    (y0, m0), (y1, m1) = min(months), max(months)
    span = (y1 - y0) * 12 + m1 - m0 + 1
    every = [((y0 * 12 + m0 - 1 + i) // 12, (m0 - 1 + i) % 12 + 1) for i in range(span)]
    if span <= MAX_BARS:
        unit, size = "month", 1
    elif span <= MAX_BARS * 3:
        unit, size = "quarter", 3
    else:
        unit, size = "year", 12
    bars: dict[tuple[int, int], int] = {}
    for year, month in every:
        start = month - (month - 1) % size
        bars[year, start] = bars.get((year, start), 0) + months.get((year, month), 0)
    return unit, [(y, m, _name(unit, y, m), count) for (y, m), count in bars.items()]


def _name(unit: str, year: int, month: int) -> str:
    if unit == "month":
        return f"{MONTHS[month - 1]} {year}"
    if unit == "quarter":
        return f"Q{(month - 1) // 3 + 1} {year}"
    return str(year)


def _plural(count: int) -> str:
    return "1 post" if count == 1 else f"{count} posts"


def render_timeline_svg(
    counts: Counts, *, width: int = 600, height: int = 120, title: str = "Posts per month"
) -> str:
    """Bars of posts per month from first-of-month dates to counts; "" when there is nothing.

    Raises ValueError naming the bad item when a key is not a date or a count is negative,
    or when the size leaves no room for bars.
    """
    if not (width > LEFT + RIGHT and height > TOP + BOTTOM):
        raise ValueError(f"a timeline needs at least {LEFT + RIGHT + 1} x {TOP + BOTTOM + 1}")
    months = _months(counts)
    if not months:
        return ""
    unit, bars = _buckets(months)
    total = sum(count for *_, count in bars)
    top = max(count for *_, count in bars)
    busiest = next(bar for bar in bars if bar[3] == top)
    desc = f"Posts per {unit} from {bars[0][2]} to {bars[-1][2]}: {_plural(total)} in all"
    desc += f"; the busiest {unit} was {busiest[2]} with {_plural(top)}." if top else "."
    if unit != "month":
        desc += f" Shown per {unit} because the range is too long for one bar per month."
    ids = svg.id_prefix("timeline", bars, width, height, title)

    plot_w = width - LEFT - RIGHT
    plot_h = height - TOP - BOTTOM
    band = min(MAX_BAND, plot_w / len(bars))
    gap = min(2.0, band * 0.2) if band >= 3 else 0.0
    base = TOP + plot_h
    right = svg.num(LEFT + band * len(bars))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img"'
        f' aria-labelledby="{ids}-title {ids}-desc">',
        f'<title id="{ids}-title">{svg.text(title)}</title>',
        f'<desc id="{ids}-desc">{svg.text(desc)}</desc>',
        f'<g class="axis" font-size="{FONT_SIZE}">',
        f'<line class="gridline" x1="{LEFT}" y1="{TOP}" x2="{right}" y2="{TOP}"'
        f' stroke="{AXIS_STROKE}" stroke-dasharray="2 3"/>',
        f'<text class="axis-label" x="{LEFT - 4}" y="{svg.num(TOP + FONT_SIZE * 0.35)}"'
        f' text-anchor="end">{top}</text>',
        f'<line class="baseline" x1="{LEFT}" y1="{base}" x2="{right}" y2="{base}"'
        f' stroke="{AXIS_STROKE}"/>',
    ]
    # A year label where each year begins, skipped when it would crowd the previous one; the
    # first bar names its month too when the range starts mid-year.
    free_from = 0.0
    for index, (year, month, _, _) in enumerate(bars):
        x = LEFT + index * band
        if index and month == 1:
            out.append(
                f'<line class="tick" x1="{svg.num(x)}" y1="{base}" x2="{svg.num(x)}"'
                f' y2="{base + 4}" stroke="{AXIS_STROKE}"/>'
            )
        if index and month != 1:
            continue
        label = f"{MONTHS[month - 1][:3]} {year}" if unit == "month" and month != 1 else str(year)
        label_w = svg.text_width(label, FONT_SIZE)
        if x >= free_from and x + label_w <= width:
            out.append(
                f'<text class="year" x="{svg.num(x)}" y="{base + FONT_SIZE + 3}">{label}</text>'
            )
            free_from = x + label_w + 6
    out.append("</g>")
    out.append('<g class="bars">')
    for index, (_, _, name, count) in enumerate(bars):
        x = LEFT + index * band + gap / 2
        h = plot_h * count / top if top else 0.0
        # The transparent full-height rectangle makes short and empty bars easy to hover.
        out.append(
            f'<g class="bar"><title>{svg.text(name)}: {_plural(count)}</title>'
            f'<rect class="hit" x="{svg.num(LEFT + index * band)}" y="{TOP}"'
            f' width="{svg.num(band)}" height="{plot_h}" fill="transparent"/>'
            f'<rect class="value" x="{svg.num(x)}" y="{svg.num(base - h)}"'
            f' width="{svg.num(max(band - gap, 0.5))}" height="{svg.num(h)}"'
            f' fill="{BAR_FILL}"/></g>'
        )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
