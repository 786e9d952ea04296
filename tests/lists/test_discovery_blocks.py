"""The home page's "Top rated" (a minimum of counted votes) and "Most popular" (members listing a
work), and the "For you" page: what each shows, to whom, in a fixed number of queries."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.similar import similar_works_rebuild
from lists.services import entry_save
from tests.builders import make_member, make_tag, make_work
from tests.pages import html, login, pass_age_gate

pytestmark = pytest.mark.django_db

_TITLE = re.compile(r'<h3 class="work-card__title"><a href="[^"]*">(.*?)</a>')


def block(response, title_id: str) -> list[str]:
    page = html(response)
    if f'id="{title_id}"' not in page:
        return []
    return _TITLE.findall(page.split(f'id="{title_id}"', 1)[1].split("</section>", 1)[0])


@pytest.fixture
def voted(settings):
    settings.NTRDB_TOP_RATED_MIN_VOTES = 3
    members = [make_member(f"voter{i}") for i in range(4)]
    works = {
        "consensus": make_work("Consensus Pick"),
        "lonely": make_work("Lonely Ten"),
        "adult": make_work("Adult Favourite", age_rating="r18"),
    }
    for member in members[:3]:
        entry_save(member=member, work=works["consensus"], score=8)
        entry_save(member=member, work=works["adult"], score=9)
    entry_save(member=members[3], work=works["lonely"], score=10)  # one vote is not a consensus
    entry_save(member=members[3], work=works["adult"])  # listed by four, voted by three
    return works


def test_top_rated_needs_the_minimum_of_votes_and_hides_locked_works_before_the_gate(voted):
    assert block(Client().get("/"), "top-rated-title") == ["Consensus Pick"]
    adult = Client()
    pass_age_gate(adult)
    assert block(adult.get("/"), "top-rated-title") == ["Adult Favourite", "Consensus Pick"]


def test_most_popular_counts_members_and_says_nothing_of_a_locked_work_before_the_gate(voted):
    assert block(Client().get("/"), "most-popular-title") == ["Consensus Pick", "Lonely Ten"]
    adult = Client()
    pass_age_gate(adult)
    assert block(adult.get("/"), "most-popular-title")[0] == "Adult Favourite"


def test_an_empty_catalog_shows_neither_block(db, client):
    page = html(client.get("/"))
    assert 'id="top-rated-title"' not in page and 'id="most-popular-title"' not in page


def test_for_you_needs_a_login(client):
    response = client.get("/for-you/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_for_you_suggests_unlisted_works_like_the_loved_ones_escaped(db):
    tag, filler = make_tag("Rainy station"), make_tag("Filler")
    loved = make_work("Loved <b>one</b>", tags=[tag])
    make_work("Like <script>it</script>", tags=[tag])
    for i in range(4):
        make_work(f"Filler {i}", tags=[filler], index=False)
    member = make_member("fan")
    entry_save(member=member, work=loved, score=9)
    similar_works_rebuild()
    page = html(login(member).get("/for-you/"))
    assert "Like &lt;script&gt;it&lt;/script&gt;" in page and "<script>it" not in page
    assert "the 1 work you scored 7 or more" in page
    assert "Loved &lt;b&gt;one" not in page.split('class="work-grid"', 1)[-1]  # already on the list


def test_for_you_asks_for_scores_first(db):
    page = html(login(make_member("newcomer")).get("/for-you/"))
    assert "Score a few works you liked" in page


@pytest.mark.parametrize("liked", [1, 40])
def test_for_you_costs_the_same_whatever_the_list_holds(db, liked):
    tag = make_tag("Shared")
    member = make_member("counter")
    suggested = [make_work(f"Suggested {i}", tags=[tag], index=False) for i in range(6)]
    loved = [make_work(f"Loved {i:02d}", tags=[tag], index=False) for i in range(liked)]
    filler = make_tag("Filler")
    for i in range(2 * (len(suggested) + liked)):  # so that the shared tag is rare enough to weigh something
        make_work(f"Filler {i:02d}", tags=[filler], index=False)
    for work in loved:
        entry_save(member=member, work=work, score=9)
    similar_works_rebuild()
    client = login(member)
    client.get("/for-you/")
    cache.clear()  # the cold path: the cards' HTML is cached after the first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/for-you/")
    assert _TITLE.findall(html(response))  # cards shown, so every query of a full page is counted
    # Session, user, hidden tags, notifications; the seeds, their similar works, the works, the
    # cards' tags and the card controls.
    assert len(queries) == 9
