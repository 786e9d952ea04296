from django.core.management.base import BaseCommand, CommandError

from tooling.seeds import SEED_DIR, SeedError, load_seeds


class Command(BaseCommand):
    help = "Load the seed catalog and glossary from seeds/*.json. Safe to run again: existing records are kept."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(SEED_DIR), help="Folder holding terms.json, tags.json, works.json.")
        parser.add_argument("--update", action="store_true", help="Rewrite existing seeded records from the files.")

    def handle(self, *args, **options):
        from pathlib import Path

        try:
            report = load_seeds(Path(options["dir"]), update=options["update"])
        except SeedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Seeds loaded: {report}"))
