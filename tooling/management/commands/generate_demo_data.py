from django.core.management.base import BaseCommand, CommandError

from tooling.demo_data import DemoSize, generate, has_non_demo_data


class Command(BaseCommand):
    help = "Fill the database with deterministic synthetic works, tags, members and reviews."

    def add_arguments(self, parser):
        parser.add_argument("--works", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--tags", type=int, default=500)
        parser.add_argument("--members", type=int, default=None, help="Default: works / 5.")
        parser.add_argument("--reviews", type=int, default=None, help="Default: works x 3.")
        parser.add_argument(
            "--allow-existing-data",
            action="store_true",
            help="Run even though the database holds works or members that are not demo data.",
        )

    def handle(self, *args, **options):
        if options["works"] < 1 or options["tags"] < 10:
            raise CommandError("--works must be at least 1 and --tags at least 10.")
        if has_non_demo_data() and not options["allow_existing_data"]:
            raise CommandError(
                "This database holds real (non-demo) works or members. Use an empty database "
                "(e.g. NTRDB_SQLITE_PATH=demo.sqlite3) or pass --allow-existing-data."
            )
        size = DemoSize(
            works=options["works"], tags=options["tags"], members=options["members"], reviews=options["reviews"]
        )
        counts = generate(size, seed=options["seed"], stream=self.stderr)
        self.stdout.write(self.style.SUCCESS("Demo data: " + ", ".join(f"{n:,} {k}" for k, n in counts.items())))
