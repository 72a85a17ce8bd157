"""`manage.py import_wiki FILE`: a MediaWiki XML dump (as export_wiki writes it) into a site
without wiki pages. Thin: arguments, progress, summary; the loading is `dumps.wikiload`."""

import sys

from django.core.management.base import BaseCommand, CommandError

from dumps.output import Progress
from dumps.wikidump import DumpError
from dumps.wikiload import LoadError, load_dump


class Command(BaseCommand):
    help = (
        "Read a MediaWiki XML dump (export-0.11) into a site without wiki pages: every revision, "
        "its author (matched by username or created inactive), moves as redirects, talk pages. "
        "One transaction: a dump that fails changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the dump to read; '-' for standard input")

    def handle(self, *args, file, **options):
        progress = Progress(self.stderr, 0, "pages", every=100)
        try:
            if file == "-":
                loaded = load_dump(sys.stdin.buffer, step=progress.step)
            else:
                with open(file, "rb") as stream:
                    loaded = load_dump(stream, step=progress.step)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from error
        except (DumpError, LoadError) as error:
            raise CommandError(f"{file}: {error}") from error
        finally:
            progress.finish()
        self.stdout.write(
            f"Imported {loaded.pages:,} pages with {loaded.revisions:,} revisions, "
            f"{loaded.redirects:,} redirects and {loaded.comments:,} talk comments; "
            f"{loaded.people_created:,} contributors created (inactive)."
        )
        if loaded.unchanged:
            self.stdout.write(
                f"{loaded.unchanged:,} of them repeat the text before them (a move, a protection)."
            )
        if loaded.skipped:
            shown = ", ".join(loaded.skipped[:10])
            self.stdout.write(f"Skipped {len(loaded.skipped):,} pages: {shown}")
