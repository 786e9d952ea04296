"""The demo data the benchmark measures: list entries shaped as members' lists are, and reviews
that agree with their authors' lists."""

import datetime
import io
from collections import Counter

import pytest
from django.db.models import Count

from accounts.models import User
from catalog.models import AgeRating, Kind, Work
from community.models import Review
from lists.choices import Status
from lists.models import ListEntry
from lists.votes import votes_refresh, works_refresh_score
from tooling.demo_data import DemoSize, generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return generate(
        DemoSize(works=400, tags=60, members=80, reviews=300, list_entries=6000), seed=3, stream=io.StringIO()
    )


def test_the_counts_asked_for_are_made(demo):
    assert demo["list_entries"] == ListEntry.objects.count() > 3000
    assert demo["reviews"] == Review.objects.count() == 300


def test_every_review_carries_its_authors_list_score(demo):
    assert not Review.objects.with_author_score().filter(author_score__isnull=True).exists()


@pytest.fixture
def vote_rule(settings):
    # A minimum some demo members miss (their lists are 25 works or more here).
    settings.NTRDB_VOTE_MIN_ACCOUNT_DAYS, settings.NTRDB_VOTE_MIN_LIST_ENTRIES = 7, 40


def test_the_works_scores_are_their_counted_votes(vote_rule, demo):
    """The figures written in bulk are those lists.votes would keep: a refresh changes nothing."""
    figures = list(Work.objects.order_by("pk").values_list("score_average", "vote_count", "review_count"))
    assert any(votes for _, votes, _ in figures)
    assert ListEntry.objects.filter(vote_counted=False).exists()  # members listing too few works
    assert ListEntry.objects.filter(vote_counted=True).exists()
    assert votes_refresh() == (0, 0)
    works_refresh_score(Work.objects.values_list("pk", flat=True))
    assert list(Work.objects.order_by("pk").values_list("score_average", "vote_count", "review_count")) == figures


def test_lists_keep_the_rules_members_meet(demo):
    today = datetime.date.today()
    minors = User.objects.filter(birth_date__gt=today.replace(year=today.year - 18))
    assert not ListEntry.objects.filter(user__in=minors, work__age_rating=AgeRating.R18).exists()
    assert not ListEntry.objects.filter(work__is_published=False).exists()
    assert not ListEntry.objects.filter(score__isnull=False, status=Status.PLANNED).exists()
    for entry in ListEntry.objects.select_related("work").filter(work__kind=Kind.ANIME, work__episodes__isnull=False):
        assert entry.progress <= entry.work.episodes
        if entry.status == Status.COMPLETED:
            assert entry.progress == entry.work.episodes


def test_one_member_has_the_longest_list_and_completed_is_the_commonest_status(demo):
    lengths = list(ListEntry.objects.values("user").annotate(n=Count("*")).order_by("-n").values_list("n", flat=True))
    assert lengths[0] > lengths[1]
    assert Counter(ListEntry.objects.values_list("status", flat=True)).most_common(1)[0][0] == Status.COMPLETED
    scores = Counter(ListEntry.objects.votes().values_list("score", flat=True))
    assert sum(n for s, n in scores.items() if s >= 7) > sum(n for s, n in scores.items() if s <= 4)


def test_each_works_popularity_is_the_members_listing_it(demo):
    listed = dict(ListEntry.objects.values("work").annotate(n=Count("*")).values_list("work", "n"))
    for work_id, list_count in Work.objects.values_list("pk", "list_count"):
        assert list_count == listed.get(work_id, 0)
