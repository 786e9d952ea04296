"""The plans of the list page's and the work page's main queries, on the database the suite runs on.

Each sort order of ``/works/`` must be read by walking the index built for it
(``catalog.sorts``): an ORDER BY that no index matches (a direction, a NULLS placement or a
tie-breaker apart) makes the database read and sort every published work to show 24 of them,
which at 100,000 works cost 118 ms on PostgreSQL against under 1 ms for the index walk. The
score chart, the refresh of a work's score from its votes and the tag counts must be answered
from covering indexes alone.

The catalog here is a few thousand works with fresh statistics (``ANALYZE``, and on PostgreSQL
``VACUUM``, which production's autovacuum runs), enough for the planners to choose as they do
at full size.
"""

import datetime
import random
import re

import pytest
from django.db import connection, transaction
from django.test import Client

from accounts.models import User
from accounts.viewer import Viewer
from catalog import sorts
from catalog.models import AgeRating, DatePrecision, Kind, Tag, TagCategory, Work, WorkTag
from community.models import Review, Status
from community.services import work_refresh_review_count
from lists.models import ListEntry
from lists.votes import work_refresh_score
from tests.pages import pass_age_gate
from tests.query_plans import Statement, plan_of, reads_index_only, sorts_in, statements_of, walks_index

WORKS = 6000
pytestmark = pytest.mark.django_db(transaction=True)  # VACUUM cannot run inside a transaction


def _fresh_statistics() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _catalog() -> Work:
    """Works with the spread of the real catalog (some undated, many unrated, six in ten 18+),
    tags on each, and one work with a few hundred reviews; returns that work."""
    rng = random.Random(7)
    Work.objects.bulk_create(
        Work(
            title=f"Work {rng.randrange(10**6):06d}",
            slug=f"work-{i}",
            kind=Kind.ANIME,
            age_rating=AgeRating.R18 if rng.random() < 0.6 else AgeRating.ALL,
            released_from=None if rng.random() < 0.1 else datetime.date(rng.randint(1985, 2025), 1, 1),
            released_from_precision=DatePrecision.YEAR,
            score_average=None if rng.random() < 0.3 else rng.randint(100, 1000) / 100,
            # Most scored works have a vote or two, as in a big catalog; a few have many.
            vote_count=rng.choice((0, 1, 1, 2, 3, 5, 12, 40)),
            review_count=rng.randint(0, 50),
            is_published=rng.random() > 0.01,
        )
        for i in range(WORKS)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"Tag {i}", slug=f"tag-{i}", category=TagCategory.THEME) for i in range(40))
    work_ids = list(Work.objects.values_list("pk", flat=True))
    WorkTag.objects.bulk_create(
        WorkTag(work_id=work_id, tag=tag, spoiler_level=0) for work_id in work_ids for tag in rng.sample(tags, 5)
    )
    busy = Work.objects.get(pk=work_ids[0])
    authors = User.objects.bulk_create(
        User(username=f"author-{i}", password="!", birth_date=datetime.date(1990, 1, 1)) for i in range(400)
    )
    Review.objects.bulk_create(
        Review(author=author, work_id=work_id, body="x" * 60, status=Status.VISIBLE)
        for author in authors
        for work_id in [busy.pk, *rng.sample(work_ids[1:], 5)]
    )
    # Members' lists: most entries planned without a score, a vote on the rest; one member in
    # ten too new or inactive for their votes to count (lists.votes).
    ListEntry.objects.bulk_create(
        ListEntry(
            user=author,
            work_id=work_id,
            status="completed" if scored else "planned",
            score=rng.randint(1, 10) if scored else None,
            vote_counted=n % 10 != 0,
        )
        for n, author in enumerate(authors)
        for work_id, scored in [(busy.pk, True), *((pk, rng.random() < 0.4) for pk in rng.sample(work_ids[1:], 20))]
    )
    _fresh_statistics()
    return busy


@pytest.fixture
def catalog():
    return _catalog()


def _page_query(client: Client, url: str) -> Statement:
    """The statement that reads the page's 24 works, in the page's order."""
    statements = statements_of(lambda: client.get(url))
    pages = [sql for sql in statements if 'FROM "catalog_work"' in sql and "ORDER BY" in sql and "LIMIT 24" in sql]
    assert len(pages) == 1, statements
    return pages[0]


def test_every_sort_of_the_works_list_walks_its_own_index(catalog):
    adult, visitor = Client(), Client()
    pass_age_gate(adult)
    # Before the gate, by score, by reviews and by members read the expressions that leave a locked work's
    # figures out, over indexes of their own.
    public = {
        "-score": "work_pub_public_score_idx",
        "-reviews": "work_pub_public_reviews_idx",
        "-members": "work_pub_public_members_idx",
    }
    index_names = dict(sorts._INDEX_NAMES)
    problems = []
    for sort in sorts.LABELS:
        for who, client, index in (
            ("adult", adult, index_names[sort]),
            ("visitor", visitor, public.get(sort, index_names[sort])),
        ):
            plan = plan_of(_page_query(client, f"/works/?sort={sort}"))
            if not walks_index(plan, index) or sorts_in(plan):
                problems.append(f"sort={sort} as {who}: expected a walk of {index} without a sort step:\n{plan}")
    assert not problems, "\n\n".join(problems)


def test_the_second_page_walks_the_index_too(catalog):
    client = Client()
    pass_age_gate(client)
    statements = statements_of(lambda: client.get("/works/?sort=-score&page=3"))
    page = [sql for sql in statements if "ORDER BY" in sql and "LIMIT 24 OFFSET 48" in sql]
    assert len(page) == 1, statements
    plan = plan_of(page[0])
    assert walks_index(plan, "work_pub_score_idx") and not sorts_in(plan), plan


def test_the_score_chart_counts_from_its_covering_index(catalog):
    statements = statements_of(lambda: ListEntry.objects.score_distribution(catalog))
    assert len(statements) == 1
    plan = plan_of(statements[0])
    assert reads_index_only(plan, "list_entry_work_score_idx"), plan


def test_the_score_refresh_reads_its_covering_index(catalog):
    """A vote's refresh of its work's average and count: one aggregate over the work's counted
    votes, from the partial index alone, whatever the number of voters."""

    def refresh():
        with transaction.atomic():  # the service runs inside its caller's transaction
            work_refresh_score(work=catalog)

    statements = [sql for sql in statements_of(refresh) if "AVG" in sql.sql.upper()]
    assert len(statements) == 1, statements
    plan = plan_of(statements[0])
    assert reads_index_only(plan, "list_entry_work_score_idx"), plan
    catalog.refresh_from_db()
    assert catalog.vote_count == 360  # 400 voters, one in ten not counted


def test_the_review_count_refresh_reads_an_index_alone(catalog):
    def refresh():
        with transaction.atomic():
            work_refresh_review_count(work=catalog)

    statements = [sql for sql in statements_of(refresh) if "COUNT(" in sql.sql.upper()]
    assert len(statements) == 1, statements
    plan = plan_of(statements[0])
    # Either index of a work's reviews by status will do (review_work_score_idx is gone).
    assert any(reads_index_only(plan, index) for index in ("review_work_newest_idx", "review_work_helpful_idx")), plan


def test_a_filtered_page_walks_the_sort_index_and_probes_each_tag_from_an_index(catalog):
    """A common tag (one work in eight here) is read in the list's order, each work tested by an
    index probe (catalog.tag_filter, the walk shape): no sort of every match."""
    client = Client()
    pass_age_gate(client)
    plan = plan_of(_page_query(client, "/works/?tags=tag-1&exclude_tags=tag-2&sort=-score"))
    assert walks_index(plan, "work_pub_score_idx") and not sorts_in(plan), plan
    assert "worktag" in plan and "Seq Scan on catalog_worktag" not in plan and "SCAN catalog_worktag" not in plan, plan


def test_the_discovery_blocks_read_a_few_index_entries(catalog):
    """Similar works are one work's stored pairs (similarwork_unique_pair); "New this month" walks the
    release-date index from today back; "Recently reviewed" reads the newest reviews first, never every review."""
    from accounts.viewer import ANONYMOUS_VIEWER
    from catalog import discovery
    from catalog.similar import similar_works_rebuild

    similar_works_rebuild()
    _fresh_statistics()
    (similar,) = statements_of(lambda: discovery.similar_works(catalog, ANONYMOUS_VIEWER))
    plan = plan_of(similar)
    # By the unique pair's index (SQLite names it sqlite_autoindex_...), never a scan of the table.
    assert "catalog_similarwork" in plan, plan
    assert "SCAN catalog_similarwork" not in plan and "Seq Scan on catalog_similarwork" not in plan, plan

    (releases,) = statements_of(lambda: list(discovery.new_releases(ANONYMOUS_VIEWER)))
    plan = plan_of(releases)
    assert "work_pub_released_idx" in plan and not sorts_in(plan), plan

    (reviewed,) = statements_of(lambda: list(Review.objects.recently_reviewed_works(ANONYMOUS_VIEWER, 6)))
    plan = plan_of(reviewed)
    assert "community_review_created_at" in plan, plan
    assert "SCAN community_review\n" not in plan + "\n" and "Seq Scan on community_review" not in plan, plan


def test_an_owners_list_reads_the_unpublished_works_from_their_own_index(catalog):
    """The owner sees every entry not of an unpublished work: the few unpublished ones come from
    ``work_unpublished_idx`` (on PostgreSQL from the index alone), not from the table behind the
    is_published index."""
    owner = User.objects.get(username="author-0")
    viewer = Viewer(is_member=True, member_id=owner.pk, passed_age_gate=True)
    entries = ListEntry.objects.for_viewer(viewer, owner_id=owner.pk, list_is_private=False)
    statements = statements_of(lambda: entries.status_counts())
    assert len(statements) == 1
    plan = plan_of(statements[0])
    assert walks_index(plan, "work_unpublished_idx"), plan
    if connection.vendor == "postgresql":
        assert reads_index_only(plan, "work_unpublished_idx"), plan


def _index_definition(name: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        return cursor.fetchone()[0]


def test_top_rated_checks_its_minimum_of_votes_in_the_score_index(catalog):
    """The home page's "Top rated" walks the score order past the works whose high score comes from a
    vote or two; the minimum of votes is checked in the index as it is walked
    (``sorts._CHECKED_IN_THE_INDEX``), not by reading each of those works from the table (129 ms at
    1,000,000 works on PostgreSQL)."""
    from accounts.viewer import ANONYMOUS_VIEWER
    from catalog import discovery

    for index in ("work_pub_score_idx", "work_pub_public_score_idx"):
        assert re.search(r'"?vote_count"?\s*\)\s*(WHERE|$)', _index_definition(index)), _index_definition(index)
    adult = Viewer(passed_age_gate=True)
    for viewer, index in ((adult, "work_pub_score_idx"), (ANONYMOUS_VIEWER, "work_pub_public_score_idx")):
        (statement,) = statements_of(lambda: list(discovery.top_rated(viewer)))  # noqa: B023 (run at once)
        plan = plan_of(statement)
        assert walks_index(plan, index) and not sorts_in(plan), plan
        if connection.vendor == "postgresql":
            assert re.search(r"Index Cond: .*vote_count >= ", plan), plan
            assert not re.search(r"Filter: .*vote_count", plan), plan
