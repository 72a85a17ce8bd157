"""Page contexts for the reading side, kept apart from the views so other views can reuse them.

A topic page is shown by `posts.views.topic_detail` and, later, by the wiki's view of the same topic
with its summary above the posts; both build their context with `topic_page_context`.
"""

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Case, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.http import Http404
from django.utils.functional import SimpleLazyObject

from core.cache import for_archive
from core.pagination import paginate
from posts import figures as kept_figures
from posts.maps import queries as maps
from posts.models import Post, Topic

POSTS_PER_PAGE = 20
RELATED_TOPICS = 12
# Topics whose names do not start with a letter are grouped under this heading.
OTHER_LETTER = "#"


@dataclass
class LetterGroup:
    """Topics whose names start with one letter, for the A–Z list."""

    letter: str
    topics: list[Topic] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return "letter-other" if self.letter == OTHER_LETTER else f"letter-{self.letter}"


def first_letter(name: str) -> str:
    """The A–Z heading for a name: accents dropped ("Émile" → "E"), non-letters → "#"."""
    stripped = name.strip()
    if not stripped:
        return OTHER_LETTER
    base = unicodedata.normalize("NFKD", stripped[0])[0].upper()
    return base if "A" <= base <= "Z" else OTHER_LETTER


def group_by_letter(topics: Iterable[Topic]) -> list[LetterGroup]:
    """Topics (already in A–Z order) grouped by first letter, "#" first as in an index."""
    groups: dict[str, LetterGroup] = {}
    for topic in topics:
        letter = first_letter(topic.name)
        groups.setdefault(letter, LetterGroup(letter)).topics.append(topic)
    return sorted(groups.values(), key=lambda g: (g.letter != OTHER_LETTER, g.letter))


def topic_figures(topic: Topic) -> dict:
    """What a topic page shows about the whole topic, whichever page of its posts: its size,
    related topics (a ranked list), and its posts per month as a picture ("" when none).

    Three queries either way: the rows the importer keeps (posts.figures), or, when they are not
    current, the same figures computed from the posts."""
    total, related, months = kept_figures.topic_figures(topic, related=RELATED_TOPICS)
    return {
        "post_total": total,
        "related_topics": related,
        "timeline_svg": maps.timeline_svg(topic, months),
        # The timeline shows dated posts only; the page says how many it leaves out.
        "undated_total": total - sum(posts for _, posts in months),
    }


def topic_page_context(topic: Topic, page_number: str | int | None) -> dict:
    """Everything `posts/topic_detail.html` needs: the topic, one page of posts, related topics
    and its posts per month as a picture ("" when empty).

    The topic's figures are aggregates over the whole archive, the same for every reader: they
    are kept until the archive changes (`for_archive`), the picture included, in one entry, so a
    page costs one cache round trip for them and draws nothing. The page is chosen on ids alone, so
    PostgreSQL sorts (published, id) pairs, not the openings of every post in the topic.
    """
    figures = for_archive(f"topic-figures:{topic.pk}", lambda: topic_figures(topic))
    in_topic = Post.objects.for_topic(topic)
    page = paginate(
        in_topic.newest_first().values("pk"),
        page_number,
        POSTS_PER_PAGE,
        count=figures["post_total"],
    )
    ids = page.object_list
    # Drawn only inside the page's kept fragment: on a hit neither query is even built (building
    # the listing queryset alone costs a logged-in topic page real CPU).
    page.object_list = SimpleLazyObject(
        lambda: list(Post.objects.filter(pk__in=ids).for_listing().newest_first())
    )
    return {"topic": topic, "page_obj": page, "posts": page.object_list, **figures}


# --- every post, by date -----------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    first_day: datetime.date
    posts: int

    @property
    def number(self) -> int:
        return self.first_day.month


@dataclass
class Year:
    year: int
    months: list[Month] = field(default_factory=list)

    @property
    def posts(self) -> int:
        return sum(month.posts for month in self.months)


def group_by_year(months: Iterable[tuple[datetime.date, int]]) -> list[Year]:
    """(first day of month, posts) pairs, oldest first → years newest first, each with its
    months newest first, as the list of posts reads."""
    years: dict[int, Year] = {}
    for first_day, posts in months:
        years.setdefault(first_day.year, Year(first_day.year)).months.append(
            Month(first_day, posts)
        )
    for year in years.values():
        year.months.reverse()
    return sorted(years.values(), key=lambda y: -y.year)


@dataclass(frozen=True)
class Period:
    """The part of the archive `/posts/` shows: everything, one year, or one month of a year."""

    year: int | None = None
    month: int | None = None

    @classmethod
    def from_query(cls, query) -> "Period":
        """`?year=2011` or `?year=2011&month=2`; anything else that is not a real year and month
        is a 404 (an address that shows nothing should not look like an empty archive)."""
        year, month = query.get("year", ""), query.get("month", "")
        if not year:
            if month:
                raise Http404("A month needs a year.")
            return cls()
        # 9999 has no year after it for the period's end (datetime stops there).
        if not (year.isascii() and year.isdigit() and len(year) == 4 and 0 < int(year) < 9999):
            raise Http404("That year is not a year.")
        if month and not (month.isascii() and month.isdigit() and 1 <= int(month) <= 12):
            raise Http404("That month is not a month.")
        return cls(int(year), int(month) if month else None)

    @property
    def start(self) -> datetime.date | None:
        return datetime.date(self.year, self.month or 1, 1) if self.year else None

    @property
    def end(self) -> datetime.date | None:
        """The first day after the period."""
        if not self.year:
            return None
        if self.month and self.month < 12:
            return datetime.date(self.year, self.month + 1, 1)
        return datetime.date(self.year + 1, 1, 1)

    def count(self, years: list[Year], total: int) -> int:
        """Posts in the period, from the counts already known (no query)."""
        if not self.year:
            return total
        for year in years:
            if year.year == self.year:
                if not self.month:
                    return year.posts
                return sum(m.posts for m in year.months if m.number == self.month)
        return 0


def post_calendar() -> dict:
    """Every post's place in time, the same for every reader: months with posts grouped by year,
    the total, and how many posts have no date (kept until the archive changes)."""
    months = Post.objects.all().per_month()
    total = Post.objects.count()
    return {
        "years": group_by_year(months),
        "post_total": total,
        "undated_total": total - sum(posts for _, posts in months),
    }


def post_list_context(query) -> dict:
    """What `posts/post_list.html` needs: the period asked for (`?year=`, `&month=`), one page of
    its posts newest first (undated last), and the calendar to browse by year and month.

    Four queries with the calendar cached: the page of ids, the posts, their topics (and two
    more, once per archive change, for the calendar). The page's count comes from the calendar.
    """
    calendar = for_archive("post-calendar", post_calendar)
    period = Period.from_query(query)
    posts = Post.objects.all()
    if period.year:
        posts = posts.filter(published__gte=period.start, published__lt=period.end)
    count = period.count(calendar["years"], calendar["post_total"])
    if period.year and not count:
        raise Http404("The archive has no posts from then.")
    page = paginate(
        posts.newest_first().values("pk"), query.get("page"), POSTS_PER_PAGE, count=count
    )
    ids = page.object_list
    # Drawn only inside the page's kept fragment: on a hit neither query is even built (building
    # the listing queryset alone costs a logged-in topic page real CPU).
    page.object_list = SimpleLazyObject(
        lambda: list(Post.objects.filter(pk__in=ids).for_listing().newest_first())
    )
    return {
        **calendar,
        "period": period,
        "period_total": count,
        "page_obj": page,
        "posts": page.object_list,
    }


# --- a post's place: its main topic and its neighbours by date ---------------------------------


@dataclass(frozen=True)
class PostPlace:
    """Where a post sits, for its breadcrumb and its previous/next links."""

    topic: Topic | None
    older: Post | None
    newer: Post | None


def _neighbour(post: Post, newer: bool) -> Post | None:
    # A row comparison walks the (published, id) index from the post in one step either way,
    # where "published < d OR (published = d AND id < n)" may scan from the newest end.
    table = connection.ops.quote_name(Post._meta.db_table)
    sign = ">" if newer else "<"
    after = RawSQL(
        f"({table}.published, {table}.id) {sign} (%s, %s)",
        [post.published, post.pk],
        output_field=BooleanField(),
    )
    order = ["published", "id"] if newer else ["-published", "-id"]
    return Post.objects.filter(after).only("title", "slug", "published").order_by(*order).first()


def post_place(post: Post) -> PostPlace:
    """The topic the breadcrumb names (the post's largest curated topic, else its largest topic)
    and the posts just before and after it by date: three queries, none for an undated post's
    neighbours (an undated post has no place in time)."""
    topic = (
        Topic.objects.filter(tagged_posts__content_object=post)
        .with_post_counts()
        .order_by(
            Case(When(source=Topic.Source.VOCABULARY, then=0), default=1),
            "-post_count",
            Lower("name"),
        )
        .only("name", "slug")
        .first()
    )
    if post.published is None:
        return PostPlace(topic, None, None)
    return PostPlace(topic, _neighbour(post, newer=False), _neighbour(post, newer=True))
