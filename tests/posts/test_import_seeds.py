"""`manage.py import_seeds`: one call_command test per behaviour."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from posts.models import Archive, Post, Topic

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def seeds_dir(tmp_path, settings):
    """A seeds folder like the real one, with the real archive and vocabulary."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEEDS / "big-society-network.txt", folder)
    shutil.copy(SEEDS / "topics.toml", folder)
    settings.SEEDS_DIR = folder
    return folder


def test_default_run_imports_every_seed_and_prints_a_summary(seeds_dir):
    out, _ = run()
    assert Post.objects.count() == 9
    assert "big-society-network.txt: 9 posts" in out
    last = out.strip().splitlines()[-1]
    topics = Topic.objects.count()
    assert last == (
        "Imported 1 file: 9 posts created, 0 updated, 0 unchanged, 1 duplicate merged, "
        f"{topics} topics ({topics} new)."
    )


def test_second_run_reports_everything_unchanged(seeds_dir):
    run()
    stamps = dict(Post.objects.values_list("pk", "updated_at"))
    out, _ = run()
    assert "0 posts created, 0 updated, 9 unchanged, 1 duplicate merged" in out
    assert dict(Post.objects.values_list("pk", "updated_at")) == stamps


def test_second_run_says_the_file_is_unchanged_and_force_imports_it_again(seeds_dir):
    run()
    out, _ = run()
    assert "big-society-network.txt: 9 posts — unchanged since last import, skipped" in out
    out, _ = run("--force")
    assert "unchanged since last import" not in out
    assert "0 posts created, 0 updated, 9 unchanged, 1 duplicate merged" in out


def test_dry_run_records_nothing_so_the_real_run_imports(seeds_dir):
    run("--dry-run")
    out, _ = run()
    assert "9 posts created" in out
    out, _ = run("--dry-run")
    assert "unchanged since last import" in out
    assert "Would import 1 file: 0 posts created, 0 updated, 9 unchanged" in out


def test_dry_run_reports_but_writes_nothing(seeds_dir):
    out, _ = run("--dry-run")
    assert "Dry run, nothing written. Would import 1 file: 9 posts created" in out
    assert Post.objects.count() == 0
    assert Topic.objects.count() == 0
    assert Archive.objects.count() == 0


def test_broken_file_fails_naming_file_and_line_and_stops(seeds_dir):
    (seeds_dir / "a-broken.txt").write_text("One\n\nBody. read more »\n\nLonely\n")
    with pytest.raises(CommandError, match=r"a-broken.txt, line 5: .*no body") as exc:
        run()
    assert "not tried; use --keep-going" in str(exc.value)
    assert Post.objects.count() == 0  # the seed, after the broken file, was never tried


def test_keep_going_imports_the_other_files_and_still_fails(seeds_dir):
    (seeds_dir / "a-broken.txt").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(CommandError, match="a-broken.txt") as exc:
        run("--keep-going")
    assert "not tried" not in str(exc.value)
    assert Post.objects.count() == 9
    assert not Archive.objects.filter(name="a-broken.txt").exists()


def test_directory_with_non_archive_files_skips_them_with_a_note(seeds_dir):
    (seeds_dir / "README.md").write_text("# notes")
    (seeds_dir / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    (seeds_dir / ".hidden.txt").write_text("whatever")
    out, err = run(seeds_dir)
    assert Post.objects.count() == 9
    assert "skipped README.md" in err and "skipped cover.png" in err
    assert "topics.toml" not in err and ".hidden" not in err


def test_explicit_non_archive_file_is_an_error(seeds_dir):
    with pytest.raises(CommandError, match="topics.toml: not an archive file"):
        run(seeds_dir / "topics.toml")


def test_missing_path_is_an_error(seeds_dir):
    with pytest.raises(CommandError, match="no such file or directory"):
        run(seeds_dir / "nope.txt")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary content"),
        ("undefined.txt", b"T\n\nCaf\x81\n", "line 3: neither UTF-8 nor Windows-1252"),
        ("mixed.txt", "T\n\nCaf\u00e9 \u2019".encode() + b"\x92\n", "mixes UTF-8"),
        ("header-only.txt", b'Search Results for: "x"\n', "no posts found"),
        ("huge-line.txt", b"x" * (5 * 1024 * 1024), "line 1: line is longer than"),
    ],
)
def test_bad_input_gives_a_clear_error_and_writes_nothing(
    tmp_path, seeds_dir, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as exc:
        run(path)
    assert name in str(exc.value)
    assert "Traceback" not in str(exc.value)
    assert Post.objects.count() == 0 and Archive.objects.count() == 0


def test_crlf_and_bom_archive_imports_like_a_plain_one(tmp_path, seeds_dir):
    text = (SEEDS / "big-society-network.txt").read_text(encoding="utf-8")
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    run(path)
    assert Post.objects.count() == 9
    assert Archive.objects.get(name="windows.txt").header.startswith("Search Results for")


def test_long_archive_shows_plain_progress_lines_when_not_a_terminal(tmp_path, seeds_dir):
    path = tmp_path / "long.txt"
    path.write_text("".join(f"Post number {i}\n\nBody {i}. read more »\n\n" for i in range(30)))
    _, err = run(path, "--batch-size", "10")
    assert Post.objects.count() == 30
    assert "\r" not in err
    assert "long.txt: 30/30 posts loaded" in err


def test_long_archive_shows_a_progress_bar_on_a_terminal(tmp_path, seeds_dir):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    path = tmp_path / "long.txt"
    path.write_text("".join(f"Post number {i}\n\nBody {i}. read more »\n\n" for i in range(30)))
    err = Terminal()
    call_command("import_seeds", str(path), "--batch-size", "10", stdout=io.StringIO(), stderr=err)
    assert "\rlong.txt: [" in err.getvalue() and "30/30 posts" in err.getvalue()


def test_verbosity_zero_prints_nothing(seeds_dir):
    out, err = run(verbosity=0)
    assert (out, err) == ("", "")
    assert Post.objects.count() == 9


def test_broken_vocabulary_is_a_command_error(seeds_dir):
    (seeds_dir / "topics.toml").write_text("[[topic]\n")
    with pytest.raises(CommandError, match="topics.toml: not valid TOML"):
        run()
