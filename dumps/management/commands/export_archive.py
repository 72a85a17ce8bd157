"""`manage.py export_archive FILE|-`: every post as a WordPress export (WXR 1.2), streamed.

Thin: arguments, the output, progress on a terminal; the writing is `dumps.wxr.write_wxr`.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from dumps.output import Progress, open_output, parse_since
from dumps.wxr import posts_to_export, write_wxr


class Command(BaseCommand):
    help = (
        "Write every post of the archive, with its topics and comments, as a WordPress export "
        "(WXR 1.2) that WordPress and bigsoc's import_seeds can read. FILE '-' is standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the export; '-' for standard output")
        parser.add_argument(
            "--since", help="only posts added or changed since this date (2024-01-31)"
        )
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="this site's address, for each post's link here (default: SITE_URL)",
        )

    def handle(self, *args, file, since, site_url, **options):
        since_at = parse_since(since)
        progress = Progress(self.stderr, 0, "posts")
        if progress.shown:
            progress.total = posts_to_export(since_at).count()
        with open_output(file, self.stdout) as stream:
            count = write_wxr(stream, site_url=site_url, since=since_at, step=progress.step)
        progress.finish()
        if file != "-" and options["verbosity"]:
            self.stdout.write(f"Wrote {count:,} posts to {file}.")
