"""An export's plan lives in scratch tables (importer.plan.scratch), not in memory: links,
mentions, duplicates and re-imports still come out right, against real PostgreSQL."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from importer.prepare.records import Ordinals
from posts.models import Post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary_seeds")]

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Scratch Diary</title><link>http://diary.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>http://diary.example</wp:base_site_url>
"""


def item(wp_id: int, title: str, body: str, day: str = "2012-05-0{n}") -> str:
    day = day.format(n=wp_id % 9 + 1)
    slug = title.lower().replace(" ", "-")
    y, m, d = day.split("-")
    return f"""<item><title>{title}</title>
<link>http://diary.example/{y}/{m}/{d}/{slug}/</link>
<guid isPermaLink="false">http://diary.example/?p={wp_id}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_id>{wp_id}</wp:post_id><wp:post_date_gmt>{day} 10:00:00</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type></item>
"""


def export(path: Path, *items: str) -> Path:
    path.write_text(HEAD + "".join(items) + "</channel></rss>\n", encoding="utf-8")
    return path


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command("import_seeds", *map(str, args), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def diary(tmp_path: Path) -> Path:
    return export(
        tmp_path / "diary.xml",
        item(1, "Parish council budget vote", "<p>The first copy, replaced below.</p>"),
        item(
            2,
            "Allotments at last",
            '<p>After the <a href="http://diary.example/?p=3">library post</a> and '
            '<a href="/2012/05/02/parish-council-budget-vote/">the vote</a>, '
            "the parish council budget vote came up again.</p>",
        ),
        item(3, "Library stays open", "<p>Good news for readers.</p>"),
        item(1, "Parish council budget vote", "<p>The vote: yes. See allotments at last.</p>"),
    )


def test_links_by_address_id_and_date_path_are_rewritten_and_titles_count_as_mentions(tmp_path):
    out = run(diary(tmp_path))
    assert "3 posts created" in out and "1 duplicate merged" in out
    vote = Post.objects.get(title="Parish council budget vote")
    allotments = Post.objects.get(title="Allotments at last")
    library = Post.objects.get(title="Library stays open")
    assert vote.body.startswith("The vote: yes")  # the last copy in the file wins
    assert f'href="/posts/{library.slug}/"' in allotments.body_html
    assert f'href="/posts/{vote.slug}/"' in allotments.body_html
    assert set(allotments.mentions.all()) == {vote, library}
    assert list(vote.mentions.all()) == [allotments]  # named by its title only


def test_a_second_export_links_to_posts_the_first_brought_in_and_reimport_changes_nothing(
    tmp_path,
):
    run(diary(tmp_path))
    stamps = dict(Post.objects.values_list("pk", "updated_at"))
    assert "0 created, 0 updated, 3 unchanged" in run(diary(tmp_path), force=True)
    assert dict(Post.objects.values_list("pk", "updated_at")) == stamps
    later = export(
        tmp_path / "later.xml",
        item(
            7,
            "Library stays open",  # the same title, another post: a key of its own
            '<p>Unlike <a href="http://diary.example/?p=3">the old news</a>, '
            "allotments at last were dug.</p>",
        ),
    )
    assert "1 created" in run(later)
    old, new = Post.objects.filter(title="Library stays open").order_by("pk")
    assert new.key != old.key and new.slug != old.slug
    assert f'href="/posts/{old.slug}/"' in new.body_html
    assert set(new.mentions.values_list("title", flat=True)) == {
        "Library stays open",
        "Allotments at last",
    }


def test_a_big_export_prepared_apart_gives_the_same_links_and_mentions(tmp_path, monkeypatch):
    from importer import record_import

    monkeypatch.setattr(record_import, "PREPARE_APART_BYTES", 0)
    run(diary(tmp_path))
    allotments = Post.objects.get(title="Allotments at last")
    assert allotments.mentions.count() == 2
    assert allotments.body_html.count('href="/posts/') == 2


def test_the_scratch_connection_is_closed_after_an_import(tmp_path):
    def sessions() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            return cursor.fetchone()[0]

    before = sessions()
    run(diary(tmp_path))
    assert sessions() == before


def test_ordinals_hold_places_as_bits():
    wanted = Ordinals(20)
    for ordinal in (0, 7, 8, 19, 7):
        wanted.add(ordinal)
    assert len(wanted) == 4 and wanted
    assert [o for o in range(25) if o in wanted] == [0, 7, 8, 19]
    assert not Ordinals(5)
