"""Count the votes of accounts that have aged in and stop counting those of deactivated ones.

Run daily (cron), and after changing NTRDB_VOTE_MIN_ACCOUNT_DAYS or NTRDB_VOTE_MIN_LIST_ENTRIES:
a work's score only moves when a vote changes, and the passing of time is no vote (lists.votes).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.models import Work
from lists import votes


class Command(BaseCommand):
    help = "Apply the rule on which votes count to every member and refresh the work scores it moves."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-works",
            action="store_true",
            help="Also recompute every work's score and vote count from its votes (after a restore or a bulk load).",
        )

    def handle(self, *args, all_works=False, **options):
        members, works = votes.votes_refresh()
        self.stdout.write(f"{members} member(s) brought in line with the rule, {works} work score(s) refreshed.")
        if all_works:
            work_ids = Work.objects.values_list("pk", flat=True).order_by("pk")
            for work_id in work_ids.iterator():
                with transaction.atomic():  # one work at a time: no vote waits on the whole run
                    votes.works_refresh_score([work_id])
            self.stdout.write(f"Every work's score recomputed ({work_ids.count()}).")
