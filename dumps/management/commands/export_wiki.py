"""`manage.py export_wiki FILE|-`: every wiki page with its full history as a MediaWiki XML
dump (export-0.11). Thin: arguments, output, progress; the writing is `dumps.mediawiki`."""

from django.conf import settings
from django.core.management.base import BaseCommand

from dumps.mediawiki import pages_to_export, write_dump
from dumps.output import Progress, open_output, parse_since


class Command(BaseCommand):
    help = (
        "Write every wiki page with its full history, the redirects of moved pages and the talk "
        "pages as a MediaWiki XML dump (export-0.11). FILE '-' is standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the dump; '-' for standard output")
        parser.add_argument(
            "--since", help="only revisions, moves and comments since this date (2024-01-31)"
        )
        parser.add_argument(
            "--site-url", default=settings.SITE_URL, help="this site's address (default: SITE_URL)"
        )

    def handle(self, *args, file, since, site_url, **options):
        since_at = parse_since(since)
        progress = Progress(self.stderr, 0, "pages", every=100)
        if progress.shown:
            progress.total = pages_to_export(since_at).count()
        with open_output(file, self.stdout) as stream:
            count = write_dump(stream, site_url=site_url, since=since_at, step=progress.step)
        progress.finish()
        if file != "-" and options["verbosity"]:
            self.stdout.write(f"Wrote {count:,} pages to {file}.")
