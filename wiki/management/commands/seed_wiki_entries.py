"""Seed topic entries from topic descriptions (run after import_seeds); never overwrites."""

from django.core.management.base import BaseCommand

from wiki.services import seed_topic_entries, system_user


class Command(BaseCommand):
    help = "Give topics without a wiki entry a first revision made from their description."

    def add_arguments(self, parser):
        parser.add_argument(
            "--author",
            default="importer",
            help="Name of the system account the revisions are credited to.",
        )

    def handle(self, *args, **options):
        created = seed_topic_entries(author=system_user(options["author"]))
        self.stdout.write(f"Created {created} topic entr{'y' if created == 1 else 'ies'}.")
