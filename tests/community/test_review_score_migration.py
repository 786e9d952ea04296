"""The migration of reviews' scores into members' lists (community 0007-0009), forwards and back,
on rows shaped as the site held them: reviews in every moderation state, authors whose list
already held the work (with and without a score), 18+ works, new and deactivated accounts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from community.models import Review
from lists.models import ListEntry
from lists.services import entry_remove, entry_save

BEFORE = [
    ("community", "0006_curators_without_search_index"),
    ("lists", "0002_votes_counted"),
    ("catalog", "0017_work_vote_count"),
]
REVIEWED_ON = timezone.now() - datetime.timedelta(days=400)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _old_site(apps) -> dict:
    """Rows as they were before the migration: Review.score required."""
    User = apps.get_model("accounts", "User")
    Work = apps.get_model("catalog", "Work")
    Review = apps.get_model("community", "Review")
    ListEntry = apps.get_model("lists", "ListEntry")
    ListSettings = apps.get_model("lists", "ListSettings")
    long_ago = timezone.now() - datetime.timedelta(days=365)

    def member(name, *, joined=long_ago, active=True):
        return User.objects.create(
            username=name, password="!", birth_date=datetime.date(1990, 1, 1), date_joined=joined, is_active=active
        )

    m = {
        "ann": member("ann"),
        "new": member("new", joined=timezone.now() - datetime.timedelta(days=1)),
        "cho": member("cho"),
        "dai": member("dai"),
        "eri": member("eri"),
        "gone": member("gone", active=False),
    }
    w = {
        "anime": Work.objects.create(title="Anime", slug="anime", kind="anime", episodes=12, is_published=True),
        "manga": Work.objects.create(title="Manga", slug="manga", kind="manga", volumes=None, is_published=True),
        "vn": Work.objects.create(title="VN", slug="vn", kind="visual_novel", age_rating="r18", is_published=True),
    }
    # Already on the list: Cho dropped the anime and scored it 9; Dai has the manga on hold, unscored.
    ListEntry.objects.create(user=m["cho"], work=w["anime"], status="dropped", progress=3, score=9)
    ListEntry.objects.create(user=m["dai"], work=w["manga"], status="on_hold")
    ListSettings.objects.create(user=m["eri"], is_private=False, adult_entries_private=False)
    for author, work, score, status in [
        ("ann", "anime", 8, "visible"),
        ("ann", "manga", 6, "removed"),
        ("ann", "vn", 7, "visible"),
        ("new", "anime", 2, "visible"),
        ("cho", "anime", 3, "pending"),
        ("dai", "manga", 5, "hidden"),
        ("eri", "vn", 10, "visible"),
        ("gone", "anime", 1, "visible"),
    ]:
        Review.objects.create(author=m[author], work=w[work], score=score, status=status, body="x" * 60)
    Review.objects.update(created_at=REVIEWED_ON, updated_at=REVIEWED_ON)
    return {"members": {k: v.pk for k, v in m.items()}, "works": {k: v.pk for k, v in w.items()}}


def _entry(ids, member, work) -> ListEntry:
    return ListEntry.objects.get(user_id=ids["members"][member], work_id=ids["works"][work])


def _work(ids, name):
    from catalog.models import Work

    return Work.objects.get(pk=ids["works"][name])


@pytest.mark.django_db(transaction=True)
def test_review_scores_become_list_scores_and_come_back(settings):
    settings.NTRDB_VOTE_MIN_ACCOUNT_DAYS, settings.NTRDB_VOTE_MIN_LIST_ENTRIES = 7, 0
    try:
        ids = _old_site(_migrate(BEFORE))
        _migrate(_latest())

        # Every review's score is on its author's list; none lost, none overwritten.
        assert ListEntry.objects.count() == 8
        ann = _entry(ids, "ann", "anime")
        assert (ann.status, ann.progress, ann.score, ann.is_private) == ("completed", 12, 8, False)
        assert ann.created_at == REVIEWED_ON
        assert (_entry(ids, "ann", "manga").progress, _entry(ids, "ann", "manga").score) == (0, 6)
        assert _entry(ids, "ann", "vn").is_private  # an 18+ work: private, the default
        assert not _entry(ids, "eri", "vn").is_private  # Eri chose otherwise
        cho, dai = _entry(ids, "cho", "anime"), _entry(ids, "dai", "manga")
        assert (cho.status, cho.progress, cho.score) == ("dropped", 3, 9)  # the list's own score stays
        assert (dai.status, dai.score) == ("on_hold", 5)  # the status stays, the empty score is filled
        assert not _entry(ids, "new", "anime").vote_counted and not _entry(ids, "gone", "anime").vote_counted

        # Scores are the votes that count: whatever the review's moderation, not the new or the inactive.
        figures = {name: (_work(ids, name).score_average, _work(ids, name).vote_count) for name in ids["works"]}
        assert figures == {
            "anime": (Decimal("8.50"), 2),  # Ann 8, Cho 9
            "manga": (Decimal("5.50"), 2),  # Ann 6 (a removed review), Dai 5 (a hidden one)
            "vn": (Decimal("8.50"), 2),
        }
        # Popularity counts every entry, counted vote or not, new ones included.
        listed = {name: _work(ids, name).list_count for name in ids["works"]}
        assert listed == {name: ListEntry.objects.filter(work_id=ids["works"][name]).count() for name in ids["works"]}
        assert sum(listed.values()) == 8
        scores = dict(
            Review.objects.with_author_score()
            .filter(work_id=ids["works"]["anime"])
            .values_list("author__username", "author_score")
        )
        assert scores == {"ann": 8, "new": 2, "cho": 9, "gone": 1}

        # Afterwards Ann clears her score of the anime and Dai takes the manga off the list.
        from accounts.models import User
        from catalog.models import Work

        entry_save(member=User.objects.get(username="ann"), work=Work.objects.get(slug="anime"), score=None)
        entry_remove(member=User.objects.get(username="dai"), work=Work.objects.get(slug="manga"))
        entry_save(member=User.objects.get(username="eri"), work=Work.objects.get(slug="vn"), score=4)

        old = _migrate(BEFORE)
        OldReview, OldWork = old.get_model("community", "Review"), old.get_model("catalog", "Work")
        back = {(r.author.username, r.work.slug): r.score for r in OldReview.objects.select_related("author", "work")}
        assert back == {
            ("ann", "anime"): 9,  # no score now: the work's score, rounded (Cho's 9 alone counts)
            ("ann", "manga"): 6,
            ("ann", "vn"): 7,
            ("new", "anime"): 2,
            ("cho", "anime"): 9,  # the list's word
            ("dai", "manga"): 6,  # no entry now: the work's score (Ann's 6)
            ("eri", "vn"): 4,  # changed on the list since: the newer word
            ("gone", "anime"): 1,
        }
        # And the works' scores are the reviews' again, published and held-back ones.
        anime = OldWork.objects.get(slug="anime")
        assert (anime.score_average, anime.review_count) == (Decimal("5.25"), 4)  # 9, 2, 9 (pending), 1
        manga = OldWork.objects.get(slug="manga")
        assert (manga.score_average, manga.review_count) == (None, 0)  # one review removed, one hidden
        assert ListEntry.objects.count() == 7  # the lists keep what they hold
    finally:
        _migrate(_latest())
