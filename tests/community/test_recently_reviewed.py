"""The home page's "Recently reviewed": the works with the newest published reviews the viewer may read."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import AgeRating
from community.models import Review, Status
from tests.builders import make_member, make_review, make_tag, make_work
from tests.pages import html, login, pass_age_gate

pytestmark = pytest.mark.django_db


def block(response) -> str:
    page = html(response)
    if 'id="recently-reviewed-title"' not in page:
        return ""
    return page.split('id="recently-reviewed-title"', 1)[1].split("</section>", 1)[0]


def reviewed(title: str, *, minutes_ago: int, **fields):
    work = make_work(title, **fields)
    review = make_review(make_member(), work)
    Review.objects.filter(pk=review.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    return work, review


def test_the_most_recently_reviewed_first(client):
    reviewed("Older review", minutes_ago=30)
    work, _ = reviewed("Newer review", minutes_ago=5)
    reviewed("Oldest review", minutes_ago=90)
    shown = block(client.get("/"))
    assert shown.index("Newer review") < shown.index("Older review") < shown.index("Oldest review")
    # A second review of the oldest brings it to the front, shown once.
    make_review(make_member(), work)
    shown = block(client.get("/"))
    assert shown.count(">Newer review</a>") == 1 and shown.index("Newer review") < shown.index("Older review")


def test_no_block_without_reviews(client):
    make_work("Unreviewed")
    assert block(client.get("/")) == ""


@pytest.mark.parametrize("status", [Status.HIDDEN, Status.REMOVED, Status.PENDING])
def test_a_review_that_is_not_published_does_not_count(client, status):
    _, review = reviewed("Moderated", minutes_ago=1)
    Review.objects.filter(pk=review.pk).update(status=status)
    assert "Moderated" not in block(client.get("/"))


def test_an_18_plus_work_only_after_the_gate(client):
    reviewed("Adult reviewed", minutes_ago=1, age_rating=AgeRating.R18)
    reviewed("Safe reviewed", minutes_ago=2)
    # Its card would be locked, and say that it has reviews, which a locked card keeps back.
    assert "Adult reviewed" not in block(client.get("/"))
    pass_age_gate(client)
    assert "Adult reviewed" in block(client.get("/"))


def test_not_a_work_with_the_viewers_hidden_tags_nor_an_unpublished_one(client):
    avoided = make_tag("Avoided")
    reviewed("Avoided work", minutes_ago=1, tags=[avoided])
    work, _ = reviewed("Withdrawn", minutes_ago=2)
    work.is_published = False
    work.save()
    member = make_member()
    member.hidden_tags.add(avoided)
    shown = block(login(member).get("/"))
    assert "Avoided work" not in shown and "Withdrawn" not in shown
    assert "Avoided work" in block(client.get("/"))


@pytest.mark.parametrize("n", [1, 8])
def test_the_home_page_with_every_block_full_is_pinned(client, n, django_assert_max_num_queries):
    for i in range(n):
        reviewed(f"Reviewed {i}", minutes_ago=i + 1, released_from=timezone.localdate())
    client.get("/")
    # The welcome, featured (empty), newest additions (2), New this month (2), Recently reviewed (2).
    with django_assert_max_num_queries(9):
        response = client.get("/")
    assert block(response).count('<article class="work-card') == min(n, 6)
