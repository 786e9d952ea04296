"""Reviews' scores become their authors' list scores (votes), and works' scores the mean of the votes.

Forwards, for every review, whatever its moderation state (a score is the member's rating, not
the text, and none is lost):

- an author whose list already holds the work keeps that entry as it is (its status, and its
  score if it has one: the list is the newer word); an entry without a score takes the review's;
- otherwise the work is added to the author's list as completed (who reviews a work has most
  likely finished it; progress at the full count when the catalog knows it, as completing does),
  dated as the review was, private if the work is 18+ and the author's settings say so (the
  default), with the review's score.

Then every entry is flagged with whether its member's votes count (lists.votes: an active account
at least NTRDB_VOTE_MIN_ACCOUNT_DAYS old listing at least NTRDB_VOTE_MIN_LIST_ENTRIES works) and
every work's score and vote count are computed from the votes that count.

Backwards, each review takes its author's list score again. A review whose author has no score
now (cleared since, or the entry removed) still needs one, as the score was required then; it
takes the work's score rounded to a whole number (5 for a work without one), the value that moves
the restored average least, rather than being deleted. The list entries stay (the lists app
still holds them), and works' scores are computed from reviews again, as they were.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import migrations
from django.db.models import Avg, Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

BATCH = 2000
GATED_RATING = "r18"
# A review's score counted in its work's score when it was published or held back by reports.
COUNTED_STATUSES = ["visible", "pending"]


def _rounded(average):
    return None if average is None else Decimal(str(average)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _store_averages(Work, db, rows, *, count_field):
    """Set each work's score_average and ``count_field`` from (work id, average, count) rows; other works get none."""
    Work.objects.using(db).update(score_average=None, **{count_field: 0})
    batch = []
    for work_id, average, count in rows:
        batch.append(Work(pk=work_id, score_average=_rounded(average), **{count_field: count}))
        if len(batch) >= BATCH:
            Work.objects.using(db).bulk_update(batch, ["score_average", count_field])
            batch = []
    Work.objects.using(db).bulk_update(batch, ["score_average", count_field])


def scores_to_lists(apps, schema_editor):
    Review = apps.get_model("community", "Review")
    ListEntry = apps.get_model("lists", "ListEntry")
    ListSettings = apps.get_model("lists", "ListSettings")
    Work = apps.get_model("catalog", "Work")
    User = apps.get_model("accounts", "User")
    db = schema_editor.connection.alias
    quote = schema_editor.quote_name

    # Entries without a score take their author's review's.
    review_score = Review.objects.using(db).filter(
        author_id=OuterRef("user_id"), work_id=OuterRef("work_id"), score__isnull=False
    )
    ListEntry.objects.using(db).filter(score__isnull=True).filter(Exists(review_score)).update(
        score=Subquery(review_score.values("score")[:1])
    )

    # Works reviewed but not listed join the list, in one statement whatever the number of reviews.
    entry, review, work, list_settings = (
        quote(model._meta.db_table) for model in (ListEntry, Review, Work, ListSettings)
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {entry} (user_id, work_id, status, progress, score, started_on, started_precision,
                                 finished_on, finished_precision, notes, is_private, vote_counted,
                                 created_at, updated_at)
            SELECT r.author_id, r.work_id, 'completed',
                   CASE WHEN w.kind = 'anime' THEN COALESCE(w.episodes, 0)
                        WHEN w.kind = 'manga' THEN COALESCE(w.volumes, 0)
                        ELSE 0 END,
                   r.score, NULL, 'day', NULL, 'day', '',
                   CASE WHEN w.age_rating = %s THEN COALESCE(s.adult_entries_private, %s) ELSE %s END,
                   %s, r.created_at, r.updated_at
            FROM {review} r
            JOIN {work} w ON w.id = r.work_id
            LEFT JOIN {list_settings} s ON s.user_id = r.author_id
            WHERE r.score IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM {entry} e WHERE e.user_id = r.author_id AND e.work_id = r.work_id)
            """,
            [GATED_RATING, True, False, False],
        )

    # Whose votes count (lists.votes, the rule as the settings say now).
    eligible = User.objects.using(db).filter(
        is_active=True, date_joined__lte=timezone.now() - timedelta(days=settings.NTRDB_VOTE_MIN_ACCOUNT_DAYS)
    )
    minimum = settings.NTRDB_VOTE_MIN_LIST_ENTRIES
    if minimum:
        eligible = eligible.annotate(listed=Count("list_entries")).filter(listed__gte=minimum)
    entries = ListEntry.objects.using(db)
    entries.update(vote_counted=False)
    entries.filter(user__in=eligible.values("pk")).update(vote_counted=True)

    votes = (
        entries.filter(vote_counted=True, score__isnull=False)
        .order_by()
        .values("work_id")
        .annotate(avg=Avg("score"), n=Count("*"))
        .values_list("work_id", "avg", "n")
    )
    _store_averages(Work, db, votes.iterator(), count_field="vote_count")

    # Each work's popularity (catalog 0018): the members with it on their list, new entries included.
    listed = entries.filter(work_id=OuterRef("pk")).order_by().values("work_id").annotate(n=Count("*")).values("n")
    Work.objects.using(db).update(list_count=Coalesce(Subquery(listed), 0))


def scores_to_reviews(apps, schema_editor):
    Review = apps.get_model("community", "Review")
    ListEntry = apps.get_model("lists", "ListEntry")
    Work = apps.get_model("catalog", "Work")
    db = schema_editor.connection.alias

    list_score = ListEntry.objects.using(db).filter(
        user_id=OuterRef("author_id"), work_id=OuterRef("work_id"), score__isnull=False
    )
    Review.objects.using(db).update(score=Subquery(list_score.values("score")[:1]))
    # Authors without a score now: the work's score, rounded (the score was required then).
    unscored = Review.objects.using(db).filter(score__isnull=True)
    work_scores = dict(
        Work.objects.using(db).filter(pk__in=unscored.values("work_id")).values_list("pk", "score_average")
    )
    for work_id, average in work_scores.items():
        stand_in = 5 if average is None else int(Decimal(average).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        unscored.filter(work_id=work_id).update(score=min(max(stand_in, 1), 10))

    reviews = (
        Review.objects.using(db)
        .filter(status__in=COUNTED_STATUSES)
        .order_by()
        .values("work_id")
        .annotate(avg=Avg("score"), n=Count("*"))
        .values_list("work_id", "avg", "n")
    )
    _store_averages(Work, db, reviews.iterator(), count_field="review_count")


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0007_review_score_optional"),
        ("lists", "0002_votes_counted"),
        ("catalog", "0018_work_list_count"),
        ("accounts", "0005_user_pending_email"),
    ]

    operations = [migrations.RunPython(scores_to_lists, scores_to_reviews)]
