"""An export's or feed's title longer than a post's title may be is imported shortened, and the
report says so. (A text listing's over-long title line is refused by its parser, line named.)"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from posts.models import Post

FIXTURES = Path(__file__).parent / "fixtures"
LIMIT = Post._meta.get_field("title").max_length

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary_seeds")]


def run(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def long_title(start: str) -> str:
    return start + " and the neighbours" * 40  # 760 characters or so


def export_with_a_long_title(tmp_path: Path) -> tuple[Path, str]:
    title = long_title("The second post")
    path = tmp_path / "long.xml"
    path.write_text(
        (FIXTURES / "blog.wxr.xml")
        .read_text()
        .replace("<title>The second post</title>", f"<title>{title}</title>")
    )
    return path, title


def assert_shortened(title: str, err: str) -> None:
    post = Post.objects.get(title__startswith="The second post")
    assert len(post.title) <= LIMIT and post.title.endswith("…")
    assert title.startswith(post.title[:-1])
    assert f"note: long.xml: 1 title longer than {LIMIT} characters shortened" in err


def test_an_export_title_over_the_limit_is_shortened_with_a_note_on_a_first_import(tmp_path):
    path, title = export_with_a_long_title(tmp_path)
    _, err = run(path)
    assert_shortened(title, err)


def test_an_export_title_over_the_limit_is_shortened_with_a_note_on_a_later_import(tmp_path):
    earlier = tmp_path / "earlier.txt"
    earlier.write_text("An earlier post\n\nThe library opens. read more »\n")
    run(earlier)
    path, title = export_with_a_long_title(tmp_path)
    _, err = run(path)
    assert_shortened(title, err)


def test_a_big_export_prepared_apart_shortens_and_notes_the_same(tmp_path, monkeypatch):
    from importer import record_import

    monkeypatch.setattr(record_import, "PREPARE_APART_BYTES", 0)
    path, title = export_with_a_long_title(tmp_path)
    _, err = run(path)
    assert_shortened(title, err)


def test_titles_within_the_limit_bring_no_note():
    _, err = run(FIXTURES / "blog.wxr.xml")
    assert Post.objects.filter(title="The second post").exists()
    assert "shortened" not in err
