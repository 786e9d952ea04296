from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from ops.backups import create_backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database into backups/ (SQLite backup API, or pg_dump for PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=settings.BASE_DIR / "backups", help="Default: backups/")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        path = create_backup(connections[options["database"]], options["directory"])
        size = path.stat().st_size / 1024 / 1024
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path} ({size:.1f} MiB)"))
