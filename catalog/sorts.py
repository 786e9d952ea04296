"""The works list's sort orders, and the index that serves each one.

Each sort's ORDER BY and its index are built from the same terms here, so they cannot drift
apart: a sort whose index does not match it term for term (direction, NULLS placement,
tie-breaker) makes PostgreSQL sort every published work to show one page.
tests/catalog/test_query_plans.py reads the plans on both databases.
"""

from django.db.models import Expression, F, Q

from catalog import visibility
from core.indexes import SortIndex

LABELS = {
    "title": "Title A–Z",
    "-year": "Year, newest first",
    "year": "Year, oldest first",
    "-score": "Score, highest first",
    "-reviews": "Most reviewed",
    "-members": "Most popular",
    "newest": "Recently added",
}
DEFAULT = "title"

PUBLISHED = Q(is_published=True)


def _orderings(score: F | Expression, reviews: F | Expression, members: F | Expression) -> dict[str, tuple]:
    # Every order ends on the primary key, so paging never shows a work twice or skips one.
    return {
        "title": (F("title").asc(), F("id").asc()),
        "-year": (F("released_from").desc(nulls_last=True), F("title").asc(), F("id").asc()),
        "year": (F("released_from").asc(nulls_last=True), F("title").asc(), F("id").asc()),
        "-score": (score.desc(nulls_last=True), F("id").asc()),
        "-reviews": (reviews.desc(nulls_last=True), F("id").asc()),
        "-members": (members.desc(nulls_last=True), F("id").asc()),
        "newest": (F("created_at").desc(), F("id").desc()),
    }


def orderings_for(viewer) -> dict[str, tuple]:
    """Each sort's ORDER BY for this viewer: by score and by reviews, a locked work's figures are
    not consulted (``visibility.score_for_sorting``)."""
    return _orderings(
        visibility.score_for_sorting(viewer),
        visibility.review_count_for_sorting(viewer),
        visibility.list_count_for_sorting(viewer),
    )


def newest_first() -> tuple:
    return _plain()["newest"]


def _plain() -> dict[str, tuple]:
    """The orderings over the stored figures, as a viewer past the gate reads them."""
    return _orderings(F("score_average"), F("review_count"), F("list_count"))


_INDEX_NAMES = {
    "title": "work_pub_title_idx",
    "-year": "work_pub_released_idx",
    "year": "work_pub_released_asc_idx",
    "-score": "work_pub_score_idx",
    "-reviews": "work_pub_reviews_idx",
    "-members": "work_pub_members_idx",
    "newest": "work_pub_created_idx",
}
_PUBLIC_INDEX_NAMES = {
    "-score": "work_pub_public_score_idx",
    "-reviews": "work_pub_public_reviews_idx",
    "-members": "work_pub_public_members_idx",
}


# Columns after a sort's terms, so that a filter on them is checked in the index as it is walked.
# The home page's "Top rated" (catalog.discovery.top_rated) walks the score order for works with
# NTRDB_TOP_RATED_MIN_VOTES votes; the best scores are mostly works with one or two votes, and at
# 1,000,000 works it passed over 82,000 of them, each read from the table (129 ms on PostgreSQL;
# with vote_count in the index, 1.6 ms). A trailing column leaves the order, and the index walk of
# the "Score, highest first" list, as they were; any minimum is served, which a partial index
# written for one minimum would not do.
_CHECKED_IN_THE_INDEX = {"-score": (F("vote_count"),)}


def work_sort_indexes() -> list[SortIndex]:
    """One index per sort over published works, and one per sort that differs before the age gate.

    Partial rather than (is_published, ...) composite: SQLite matches the bare boolean test
    Django writes to a partial index's condition, but not to a composite index's first column.
    """
    passed = _plain()
    public = _orderings(visibility.public_score(), visibility.public_review_count(), visibility.public_list_count())
    return [
        SortIndex(*orderings[sort], *_CHECKED_IN_THE_INDEX.get(sort, ()), condition=PUBLISHED, name=name)
        for orderings, names in ((passed, _INDEX_NAMES), (public, _PUBLIC_INDEX_NAMES))
        for sort, name in names.items()
    ]
