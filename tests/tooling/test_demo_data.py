"""The demo data the benchmark measures: list entries shaped as members' lists are, and reviews
that agree with their authors' lists."""

import datetime
import io
from collections import Counter

import pytest
from django.db.models import Count

from accounts.models import User
from catalog.models import AgeRating, Kind
from community.models import Review
from lists.choices import Status
from lists.models import ListEntry
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
    entries = {(e.user_id, e.work_id): e.score for e in ListEntry.objects.all()}
    for review in Review.objects.all():
        assert entries[(review.author_id, review.work_id)] == review.score


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
