"""The status control on each work card (lists.cards, through catalog.cards.register_card_controls)."""

import pytest

from lists.models import ListEntry
from lists.services import entry_save
from tests.builders import make_tag, make_work
from tests.pages import card_for, cards, html, login, pass_age_gate
from tests.query_counts import count

pytestmark = pytest.mark.django_db

WORKS = "/works/"


def _control(card: str) -> str:
    start = card.index('<form class="card-control"')
    return card[start : card.index("</form>", start)]


def test_a_visitor_meets_no_control_on_any_card(client, safe_work, adult_work):
    pass_age_gate(client)
    response = client.get(WORKS)
    assert len(cards(response)) == 2
    assert "card-control" not in html(response)


def test_a_member_adds_a_work_in_one_click_from_its_card(adult_member, adult_member_client, safe_work):
    control = _control(card_for(adult_member_client.get(WORKS + "?sort=title"), "Sunny Afternoon"))
    assert 'action="/works/sunny-afternoon/list/"' in control
    assert 'name="csrfmiddlewaretoken" value="' in control
    assert 'name="next" value="/works/?sort=title"' in control
    assert 'name="status" value="planned"' in control and "+ Add to list" in control

    response = adult_member_client.post(
        "/works/sunny-afternoon/list/", {"status": "planned", "next": "/works/?sort=title"}
    )
    assert response["Location"] == "/works/?sort=title"
    assert ListEntry.objects.get(user=adult_member).status == "planned"


def test_a_listed_work_shows_its_status_selected_and_only_the_viewers_own(
    adult_member, other_adult_member, adult_member_client, safe_work
):
    entry_save(member=adult_member, work=safe_work, status="on_hold")
    control = _control(card_for(adult_member_client.get(WORKS), "Sunny Afternoon"))
    assert "On your list" in control
    assert '<option value="on_hold" selected>On hold</option>' in control
    assert '<option value="in_progress">Watching</option>' in control
    # Another member's card says nothing of Alice's entry.
    other = _control(card_for(login(other_adult_member).get(WORKS), "Sunny Afternoon"))
    assert "On your list" not in other and "+ Add to list" in other


def test_a_minor_meets_no_control_on_a_locked_adult_card(minor_member_client, safe_work, adult_work):
    response = minor_member_client.get(WORKS)
    assert "card-control" in card_for(response, "Sunny Afternoon")
    assert "card-control" not in card_for(response, "Triangle Blue")


def test_the_card_form_needs_its_token(adult_member, safe_work):
    client = login(adult_member, enforce_csrf_checks=True)
    control = _control(card_for(client.get(WORKS), "Sunny Afternoon"))
    token = control.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert client.post("/works/sunny-afternoon/list/", {"status": "planned"}).status_code == 403
    response = client.post("/works/sunny-afternoon/list/", {"status": "planned", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ListEntry.objects.count() == 1


def test_cards_on_the_home_and_tag_pages_carry_the_control_too(adult_member_client, db):
    tag = make_tag("Jealousy", slug="jealousy")
    make_work("Featured One", is_featured=True, tags=[tag])
    home = cards(adult_member_client.get("/"))  # in both of its grids: featured and newest
    assert len(home) == 2 and all("card-control" in card for card in home)
    assert "card-control" in card_for(adult_member_client.get("/tags/jealousy/"), "Featured One")


def test_the_controls_cost_one_query_per_grid_whatever_its_size(adult_member, adult_member_client):
    works = [make_work(f"Work {i:02d}") for i in range(3)]
    entry_save(member=adult_member, work=works[0])
    small = count(adult_member_client, WORKS)
    for i in range(3, 30):
        entry_save(member=adult_member, work=make_work(f"Work {i:02d}"))
    assert count(adult_member_client, WORKS) == small
    assert html(adult_member_client.get(WORKS)).count('class="card-control"') == 24
