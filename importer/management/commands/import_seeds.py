"""`manage.py import_seeds [PATH ...]`: import archive files (default: every archive in seeds/).

Thin: picks the files, runs `importer.pipeline.import_archive` on each (one transaction per
file), shows progress and a closing summary, and turns failures into a `CommandError` that names
the file and line. SIGTERM or Ctrl-C cancels the database work and ends with one line
(importer.stop).
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from importer.pipeline import (
    BATCH_SIZE,
    ArchiveError,
    FileResult,
    import_archive,
)
from importer.readers import ReaderError, detect
from importer.readers.xmlstream import PROLOG_BYTES
from importer.stop import ImportStopped, stop_on_signals
from importer.topics import VocabularyError, load_vocabulary
from posts.models import Topic

VOCABULARY_FILE = "topics.toml"
LISTING_SUFFIXES = {".txt", ".text"}
BAR_WIDTH = 30


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


class Command(BaseCommand):
    help = (
        "Import archives: WordPress exports (WXR), RSS and Atom feeds, and archive listings "
        "saved as text (default: every archive in seeds/). "
        "Each file is imported in one transaction; a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="archive files or directories of them (default: settings.SEEDS_DIR)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what would change, then roll everything back",
        )
        parser.add_argument(
            "--keep-going",
            action="store_true",
            help="after a file fails, go on with the other files (the command still fails)",
        )
        parser.add_argument(
            "--topics",
            type=Path,
            default=None,
            help=f"topic vocabulary (default: {VOCABULARY_FILE} in settings.SEEDS_DIR)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="import every file, even one unchanged since its last import",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="posts per write")

    def handle(self, *args, paths, dry_run, keep_going, topics, batch_size, force, **options):
        self.verbosity = options["verbosity"]
        seeds_dir = Path(settings.SEEDS_DIR)
        files = self._archive_files(paths or [seeds_dir])
        if not files:
            raise CommandError("no archive files to import")
        try:
            vocabulary = load_vocabulary(topics or seeds_dir / VOCABULARY_FILE)
        except VocabularyError as exc:
            raise CommandError(str(exc)) from None

        self._current: Path | None = None
        try:
            with stop_on_signals():
                results, failures = self._import_files(
                    files, vocabulary, dry_run, keep_going, batch_size, force
                )
        except ImportStopped as exc:
            where = f": nothing of {self._current.name} was written" if self._current else ""
            if dry_run:
                where = ": nothing was written (dry run)"
            raise CommandError(
                f"import stopped ({exc.signal}){where}", returncode=exc.exit_code
            ) from None
        if failures:
            skipped = len(files) - len(results) - len(failures)
            more = f" ({_plural(skipped, 'file')} not tried; use --keep-going)" if skipped else ""
            raise CommandError(f"import failed: {'; '.join(failures)}{more}")

    def _import_files(self, files, vocabulary, dry_run, keep_going, batch_size, force):
        """Each file in turn: (results, failure messages)."""
        results: list[FileResult] = []
        failures: list[str] = []
        # A dry run wraps everything in one transaction that is rolled back at the end; a real
        # run commits the vocabulary and each file on its own.
        with transaction.atomic() if dry_run else nullcontext():
            topics_before = Topic.objects.count()
            for path in files:
                self._current = path
                try:
                    results.append(self._import_one(path, vocabulary, batch_size, force))
                except (ArchiveError, DatabaseError) as exc:
                    message = (
                        str(exc)
                        if isinstance(exc, ArchiveError)
                        else (f"{path.name}: the database refused the import ({exc})".strip())
                    )
                    failures.append(message)
                    self.stderr.write(f"error: {message}")
                    if not keep_going:
                        break
            self._current = None
            topics_after = Topic.objects.count()
            self._summary(results, failures, topics_after, topics_after - topics_before, dry_run)
            if dry_run:
                transaction.set_rollback(True)
        return results, failures

    # -- choosing files --

    def _archive_files(self, paths: list[Path]) -> list[Path]:
        """Files to import: each file named (its format decided by content), and every archive
        inside a directory named: XML exports and feeds by content, whatever their name, and
        text listings by their .txt name (plain text has no signature to tell a listing from
        notes). Hidden files and the vocabulary are left out."""
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                for child in sorted(path.iterdir()):
                    if child.name.startswith(".") or not child.is_file():
                        continue
                    if child.name == VOCABULARY_FILE:
                        continue
                    reason = self._not_an_archive(child)
                    if reason:
                        self._note(f"skipped {child.name}: {reason}")
                        continue
                    files.append(child)
            elif path.is_file():
                if path.name == VOCABULARY_FILE:
                    raise CommandError(f"{path.name}: not an archive file (the topic vocabulary)")
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or directory")
        return files

    @staticmethod
    def _not_an_archive(path: Path) -> str:
        try:
            with open(path, "rb") as stream:
                head = stream.read(PROLOG_BYTES)
        except OSError as exc:
            return f"cannot read: {exc.strerror or exc}"
        if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
            try:
                detect(head)
            except ReaderError as exc:
                return exc.message
            return ""
        if path.suffix.lower() not in LISTING_SUFFIXES:
            return "not an export, a feed or a text listing (.txt)"
        return ""

    # -- one file --

    def _import_one(self, path: Path, vocabulary, batch_size: int, force: bool) -> FileResult:
        self._last_step = -1
        self._batch_size = batch_size
        progress = self._progress(path.name)
        try:
            result = import_archive(
                path, vocabulary=vocabulary, batch_size=batch_size, progress=progress, force=force
            )
        finally:
            self._end_progress()
        if self.verbosity >= 1 and result.skipped:
            self.stdout.write(
                f"{result.name}: {_plural(result.posts, 'post')} — unchanged since last import, "
                "skipped (use --force to import it again)"
            )
        for note in result.notes:
            self._note(f"{result.name}: {note}")
        if self.verbosity >= 1 and not result.skipped:
            self.stdout.write(
                f"{result.name}: {_plural(result.posts, 'post')} — {result.created:,} created, "
                f"{result.updated:,} updated, {result.unchanged:,} unchanged; "
                f"{_plural(result.duplicates, 'duplicate')} merged"
                + (f"; header {result.header!r}" if result.header and self.verbosity >= 2 else "")
            )
        return result

    def _progress(self, name: str):
        self._bar_open = False
        tty = self.stderr.isatty()

        def show(stage: str, done: int, total: int | None) -> None:
            if self.verbosity < 1:
                return
            if stage.endswith(" bytes"):  # exports and feeds: bytes read of the file
                if tty and total:
                    filled = BAR_WIDTH * done // max(total, 1)
                    bar = "#" * filled + "." * (BAR_WIDTH - filled)
                    verb = "reading" if stage.startswith("scan") else "writing"
                    text = f"{name}: {verb} [{bar}] {done >> 20:,}/{total >> 20:,} MB"
                    self.stderr.write(f"\r{text}\x1b[K", ending="")
                    self._bar_open = True
                return
            if tty:
                if total:
                    filled = BAR_WIDTH * done // max(total, 1)
                    bar = "#" * filled + "." * (BAR_WIDTH - filled)
                    text = f"{name}: [{bar}] {done:,}/{total:,} posts"
                else:
                    text = f"{name}: reading… {done:,} posts"
                self.stderr.write(f"\r{text}\x1b[K", ending="")
                self._bar_open = True
                return
            # Not a terminal: a plain line at every tenth of a long file, none for short ones.
            if stage != "load" or not total or total <= self._batch_size:
                return
            step = 10 * done // total
            if step != self._last_step:
                self._last_step = step
                self.stderr.write(f"{name}: {done:,}/{total:,} posts loaded")

        return show

    def _end_progress(self) -> None:
        if self._bar_open:
            self.stderr.write("\r\x1b[K", ending="")
            self._bar_open = False

    def _note(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stderr.write(f"note: {message}")

    # -- closing line --

    def _summary(self, results, failures, topics_total, topics_new, dry_run) -> None:
        if self.verbosity < 1 and not dry_run:
            return
        files = _plural(len(results), "file")
        if failures:
            files += f" ({len(failures)} failed)"
        line = (
            f"{files}: {sum(r.created for r in results):,} posts created, "
            f"{sum(r.updated for r in results):,} updated, "
            f"{sum(r.unchanged for r in results):,} unchanged, "
            f"{_plural(sum(r.duplicates for r in results), 'duplicate')} merged, "
            f"{_plural(topics_total, 'topic')} ({topics_new:,} new)."
        )
        if dry_run:
            line = f"Dry run, nothing written. Would import {line}"
        else:
            line = f"Imported {line}"
        self.stdout.write(self.style.SUCCESS(line) if not failures else line)
