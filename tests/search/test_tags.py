"""The search page's two lists, written by search_tags rather than template loops: the same
markup the loops wrote, every value escaped. Pure: no database."""

from datetime import date

from django.template import Context, Template
from django.utils.safestring import mark_safe

from search.kinds import Hit
from search.templatetags.search_tags import hit_items, shown_date, topic_options


def hit(**given) -> Hit:
    fields = {
        "kind": "posts",
        "kind_label": "Post",
        "url": "/posts/a/",
        "title": "A",
        "title_html": mark_safe("<mark>A</mark>"),
        "snippet_html": mark_safe("the <mark>a</mark> …"),
        "date": date(2010, 3, 5),
    }
    return Hit(**(fields | given))


def test_a_hit_is_its_linked_title_kind_date_and_snippet():
    assert hit_items([hit()]) == (
        '<li class="hit"><article>'
        '<h2 class="hit__title"><a href="/posts/a/"><bdi dir="auto"><mark>A</mark></bdi></a></h2>'
        '<p class="hit__meta"><span class="hit__kind">Post</span>'
        ' <span><time datetime="2010-03-05">5 March 2010</time></span></p>'
        '<p class="hit__snippet">the <mark>a</mark> …</p></article></li>'
    )


def test_a_wiki_hit_says_what_its_date_is_and_a_hit_may_lack_date_and_snippet():
    edited = hit_items([hit(kind_label="Wiki page", date_label="edited", date=date(2012, 5, 6))])
    assert '<span>edited <time datetime="2012-05-06">6 May 2012</time></span>' in edited
    bare = hit_items([hit(date=None, snippet_html=mark_safe(""))])
    assert "<time" not in bare and "hit__snippet" not in bare


def test_hit_values_are_escaped_unless_already_safe_html():
    shown = hit_items([hit(url='/x?a=1&b="2"', kind_label="<b>", title_html="<i>raw</i>")])
    assert 'href="/x?a=1&amp;b=&quot;2&quot;"' in shown
    assert "&lt;b&gt;" in shown and "&lt;i&gt;raw&lt;/i&gt;" in shown


def test_shown_date_is_what_the_date_filter_writes():
    template = Template('{{ day|date:"j F Y" }}')
    for day in (date(2010, 3, 5), date(2011, 12, 31), date(999, 1, 1)):
        assert shown_date(day) == template.render(Context({"day": day}))


def test_topic_options_mark_the_chosen_one_and_escape_names():
    shown = topic_options([("a", "Arts & <crafts>"), ("b", "B")], "b")
    assert shown == (
        '<option value="a">Arts &amp; &lt;crafts&gt;</option><option value="b" selected>B</option>'
    )
