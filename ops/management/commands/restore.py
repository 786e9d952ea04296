from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from ops.backups import restore_backup


class Command(BaseCommand):
    help = "Load a file written by `manage.py backup` into the database, which must be empty unless --replace."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="A backups/ntrdb-*.sqlite3 or backups/ntrdb-*.dump file.")
        parser.add_argument("--replace", action="store_true", help="Overwrite a database that already holds data.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        restore_backup(connections[options["database"]], options["backup"], replace=options["replace"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {options['backup']}. Run `manage.py migrate` if the code is newer than the backup."
            )
        )
