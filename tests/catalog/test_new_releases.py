"""The home page's "New this month": works first released in the last 30 days, through the policy."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import AgeRating, DatePrecision
from tests.builders import make_member, make_tag, make_work
from tests.pages import html, login


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def block(response) -> str:
    page = html(response)
    if 'id="new-releases-title"' not in page:
        return ""
    return page.split('id="new-releases-title"', 1)[1].split("</section>", 1)[0]


def test_works_out_in_the_last_30_days_newest_first(db, client):
    make_work("Last week", released_from=days_ago(7))
    make_work("Yesterday", released_from=days_ago(1))
    make_work("Last season", released_from=days_ago(45))
    make_work("Next week", released_from=days_ago(-7))  # not out yet
    make_work("Undated")
    shown = block(client.get("/"))
    assert shown.index("Yesterday") < shown.index("Last week")
    for title in ("Last season", "Next week", "Undated"):
        assert title not in shown


def test_a_month_precise_release_counts_a_year_precise_one_does_not(db, client):
    today = timezone.localdate()
    make_work("This month", released_from=today.replace(day=1), released_from_precision=DatePrecision.MONTH)
    make_work("Some time this year", released_from=today.replace(day=1), released_from_precision=DatePrecision.YEAR)
    shown = block(client.get("/"))
    assert "This month" in shown and "Some time this year" not in shown


def test_no_block_when_nothing_came_out(db, client):
    make_work("Old", released_from=datetime.date(2001, 5, 1))
    assert block(client.get("/")) == ""


def test_the_policy_holds(db, client):
    avoided = make_tag("Avoided")
    make_work("Draft", released_from=days_ago(2), published=False)
    make_work("Adult", released_from=days_ago(2), age_rating=AgeRating.R18, synopsis="Secret-synopsis")
    make_work("Avoided work", released_from=days_ago(2), tags=[avoided])
    shown = block(client.get("/"))
    assert "Draft" not in shown
    assert "Adult" in shown and "work-card--locked" in shown and "Secret-synopsis" not in shown
    member = make_member(show_adult_works=False)
    member.hidden_tags.add(avoided)
    shown = block(login(member).get("/"))
    assert "Adult" not in shown and "Avoided work" not in shown


@pytest.mark.parametrize("n", [1, 6, 12])
def test_at_most_six_in_the_same_queries(db, client, n, django_assert_max_num_queries):
    for i in range(n):
        make_work(f"Fresh {i:02d}", released_from=days_ago(i % 20), index=False)
    client.get("/")
    # The home page with this block full, recently reviewed empty: its five blocks' works (featured,
    # newest, new this month, top rated, most popular), the recently reviewed, every card's tags at
    # once, and the glossary teaser's two.
    with django_assert_max_num_queries(9):
        response = client.get("/")
    assert block(response).count('<article class="work-card') == min(n, 6)
