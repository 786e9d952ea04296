"""The work and term pages render in a fixed number of queries whatever the number of reviews or comments.

With no rows at all, Django skips the query for an empty page slice (and for the helpful marks of an
empty page), so an empty page may use fewer queries; from one row up the count must not move.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import AgeRating, Work
from community.models import Comment, Review
from lists.models import ListEntry
from tests.builders import make_member, make_tag, tag_work
from tests.pages import login
from tests.query_counts import add_reviews, make_authors

pytestmark = pytest.mark.django_db

# Pinned budgets (measured): a change here must be deliberate. A member's page costs one query for the
# header's unread notification count (community.context_processors), one for the score on their
# list that their review form starts from (a work they have not reviewed: a review carries that score),
# read with their list entry and its form (lists.models.own_entry, once for both).
# The work page's "Similar works" costs one query here, finding none (two with cards:
# tests/catalog/test_similar_works.py).
WORK_PAGE_MAX = {"anonymous": 7, "member": 14}
TERM_PAGE_MAX = {"anonymous": 9, "member": 13}


def add_threads(term, n: int) -> None:
    authors = make_authors(max(n, 1), f"com{term.pk}-")
    tops = Comment.objects.bulk_create([Comment(author=authors[i], term=term, body=f"Comment {i}") for i in range(n)])
    replies = [
        Comment(author=authors[(i + k + 1) % len(authors)], term=term, parent=top, depth=1, body=f"Reply {k} to {i}")
        for i, top in enumerate(tops)
        for k in range(i % 4)  # 0-3 replies per thread
    ]
    Comment.objects.bulk_create(replies)


def count_queries(client, url, params=None) -> int:
    client.get(url, params)  # warm up: session, content types, template caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def viewers(db):
    member = make_member("reader")
    member.hidden_tags.add(make_tag("Deal breaker"))
    return {"anonymous": Client(), "member": login(member)}


@pytest.fixture
def tagged_work(safe_work):
    for n in range(5):
        tag_work(safe_work, make_tag(), spoiler_level=n % 3, note=f"note {n}")
    return safe_work


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_work_page_query_count_is_constant(who, viewers, tagged_work, django_assert_max_num_queries):
    client = viewers[who]
    url = tagged_work.get_absolute_url()
    counts = {}
    done = 0
    for n in (0, 1, 10, 200):
        add_reviews(tagged_work, n - done) if n > done else None
        done = n
        counts[n] = count_queries(client, url)
    assert Review.objects.filter(work=tagged_work).count() == 200
    assert counts[1] == counts[10] == counts[200], counts
    assert counts[0] <= counts[10], counts
    # Other sort orders and a later page cost the same.
    assert count_queries(client, url, {"reviews": "helpful"}) == counts[200]
    assert count_queries(client, url, {"reviews": "newest", "reviews_page": "5"}) == counts[200]
    with django_assert_max_num_queries(WORK_PAGE_MAX[who]):
        client.get(url)


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_term_page_query_count_is_constant(who, viewers, netorare_term, django_assert_max_num_queries):
    client = viewers[who]
    url = netorare_term.get_absolute_url()
    counts = {}
    done = 0
    for n in (0, 1, 10, 100):
        add_threads(netorare_term, n - done) if n > done else None
        done = n
        counts[n] = count_queries(client, url)
    assert Comment.objects.filter(term=netorare_term, depth=0).count() == 100
    assert Comment.objects.filter(term=netorare_term, depth=1).exists()
    assert counts[10] == counts[100], counts
    assert counts[0] <= counts[10], counts
    assert count_queries(client, url, {"comments_page": "3"}) == counts[100]
    with django_assert_max_num_queries(TERM_PAGE_MAX[who]):
        client.get(url)


def test_work_page_with_many_reviews_shows_one_page(viewers, safe_work):
    add_reviews(safe_work, 200)
    html = viewers["anonymous"].get(safe_work.get_absolute_url()).content.decode()
    assert html.count('<article class="review"') == 20
    assert "Page 1 of" in html


# A member's public page: the member, their reviews, how many of their reviews the age check keeps
# back (not asked for a viewer past the gate), their comments; a signed-in viewer adds the session,
# user, hidden tags and the header's unread count. The profile: no gate count, but the form's tags.
# The list adds three to the member page (its settings, its statistics in one grouped query, the top
# tags of its completed works: lists.stats) and one to the profile (the list settings).
MEMBER_PAGE_MAX = {"anonymous": 7, "member": 10}
PROFILE_PAGE_MAX = 9


def add_member_posts(author, n: int) -> None:
    """n more reviews by ``author``, every other one of an 18+ work (which the gate keeps back from visitors)."""
    start = Review.objects.filter(author=author).count()
    works = Work.objects.bulk_create(
        Work(
            title=f"Work {author.pk}-{i}",
            slug=f"w-{author.pk}-{i}",
            is_published=True,
            age_rating=AgeRating.R18 if i % 2 else AgeRating.ALL,
        )
        for i in range(start, start + n)
    )
    Review.objects.bulk_create(
        Review(author=author, work=work, body="A review long enough to pass the minimum length of fifty.")
        for work in works
    )
    # Each carries its author's list score (one subquery per row, no query more).
    ListEntry.objects.bulk_create(ListEntry(user=author, work=work, score=5, vote_counted=True) for work in works)


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_member_page_query_count_is_constant(who, viewers, django_assert_max_num_queries):
    """The public member page, with the count of reviews the age check keeps back, whatever the number of reviews."""
    author = make_member("writer")
    client = viewers[who]
    url = reverse("accounts:member-detail", args=[author.username])
    counts = {}
    done = 0
    for n in (2, 10, 60):
        add_member_posts(author, n - done)
        done = n
        counts[n] = count_queries(client, url)
    assert counts[2] == counts[10] == counts[60], counts
    with django_assert_max_num_queries(MEMBER_PAGE_MAX[who]):
        client.get(url)


def test_profile_query_count_is_constant(django_assert_max_num_queries):
    author = make_member("writer")
    client = login(author)
    counts = {}
    done = 0
    for n in (2, 10, 60):
        add_member_posts(author, n - done)
        done = n
        counts[n] = count_queries(client, reverse("accounts:profile"))
    assert counts[2] == counts[10] == counts[60], counts
    with django_assert_max_num_queries(PROFILE_PAGE_MAX):
        client.get(reverse("accounts:profile"))
