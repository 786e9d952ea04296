"""The age gate, exactly as DESIGN.md describes it, on every surface."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.cache import has_vary_header

from accounts.viewer import AGE_GATE_SESSION_KEY
from accounts.views import safe_next_path
from tests.builders import (
    ADULT_ALT,
    ADULT_ORIGINAL,
    ADULT_SYNOPSIS,
    EXPLICIT_TAG_NAME,
    SAFE_SYNOPSIS,
    SPOILER1_NOTE,
    SPOILER2_NOTE,
    make_member,
)
from tests.pages import card_for, html, pass_age_gate

GATE_QUESTION = "Are you 18 or older?"
ENTER = "Enter: I am 18 or older"
ADULTS_ONLY = "This page is for adults only"
ADULT_DETAIL = "/works/triangle-blue/"
LIST_PAGES = ["/works/", "/tags/netorare/", "/", "/search/?q=triangle", "/glossary/netorare/"]


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def assert_gated(response):
    assert response.status_code == 200
    page = html(response)
    assert GATE_QUESTION in page
    assert ADULT_SYNOPSIS not in page
    assert ADULT_ORIGINAL not in page


# --- the gate page at the work's own URL ------------------------------------------------------


def test_visitor_gets_the_gate_at_the_detail_url(world, client):
    response = client.get(ADULT_DETAIL)
    assert_gated(response)
    page = html(response)
    assert "Triangle Blue" in page and ">18+<" in page
    assert ENTER in page
    assert f'action="{reverse("accounts:age-gate")}"' in page
    assert f'name="next" value="{ADULT_DETAIL}"' in page
    assert "Leave" in page


def test_gate_is_noindex_and_rated_adult(world, client):
    response = client.get(ADULT_DETAIL)
    page = html(response)
    assert '<meta name="robots" content="noindex">' in page
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="rating" content="adult">' in page
    assert has_vary_header(response, "Cookie")
    assert "private" in response["Cache-Control"]


def test_gate_hides_synopsis_tags_notes_and_share_text(world, client):
    page = html(client.get(ADULT_DETAIL))
    for secret in (
        ADULT_SYNOPSIS,
        ADULT_ALT,
        SPOILER1_NOTE,
        SPOILER2_NOTE,
        EXPLICIT_TAG_NAME,
        "Happy couple",
        "Jealousy",
        "Asato and Akane",
    ):
        assert secret not in page
    for slug in ("netorare", "happy-couple", "explicit-velvet", "jealousy", "regret"):
        assert f'href="/tags/{slug}/"' not in page
    og = re.search(r'<meta property="og:description" content="([^"]*)">', page).group(1)
    assert og == "This page is for adults only."


def test_all_ages_work_is_not_gated(world, client):
    response = client.get("/works/sunny-afternoon/")
    page = html(response)
    assert GATE_QUESTION not in page
    assert SAFE_SYNOPSIS in page
    assert '<meta name="rating" content="adult">' not in page
    assert "X-Robots-Tag" not in response


@pytest.mark.parametrize("url", LIST_PAGES)
def test_lists_show_only_safe_metadata_of_r18_works(world, client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = html(response)
    card = card_for(response, "Triangle Blue")
    assert "Anime" in card
    assert "2009" in card
    assert "2 episodes" in card
    assert ">18+<" in card
    assert "/tags/" not in card
    assert ADULT_ORIGINAL not in card
    assert ADULT_SYNOPSIS not in page
    assert SPOILER1_NOTE not in page
    og = re.search(r'<meta property="og:description" content="([^"]*)">', page).group(1)
    assert ADULT_SYNOPSIS[:20] not in og


@pytest.mark.parametrize("url", LIST_PAGES)
def test_lists_show_r18_synopsis_after_the_gate(world, gate_passed_client, url):
    card = card_for(gate_passed_client.get(url), "Triangle Blue")
    assert ADULT_SYNOPSIS in card
    assert 'href="/tags/netorare/"' in card


def test_content_tags_are_not_listed_before_the_gate(world, client):
    page = html(client.get("/tags/"))
    assert EXPLICIT_TAG_NAME not in page
    assert "/tags/explicit-velvet/" not in page


def test_content_tag_page_answers_with_the_gate(world, client):
    response = client.get("/tags/explicit-velvet/")
    assert response.status_code == 200
    page = html(response)
    assert GATE_QUESTION in page
    assert "Explicit content marker." not in page
    assert response["X-Robots-Tag"] == "noindex"
    assert 'name="next" value="/tags/explicit-velvet/"' in page


def test_content_tags_show_after_the_gate(world, gate_passed_client):
    assert EXPLICIT_TAG_NAME in html(gate_passed_client.get("/tags/"))
    page = html(gate_passed_client.get("/tags/explicit-velvet/"))
    assert GATE_QUESTION not in page
    assert "Explicit content marker." in page
    assert "Triangle Blue" in page


def test_content_tags_are_not_search_results_before_the_gate(world, client):
    assert EXPLICIT_TAG_NAME not in html(client.get("/search/?q=velvet"))
    pass_age_gate(client)
    assert EXPLICIT_TAG_NAME in html(client.get("/search/?q=velvet"))


# --- passing the gate -------------------------------------------------------------------------


def test_enter_with_csrf_records_the_pass_and_redirects_to_next(world):
    client = Client(enforce_csrf_checks=True)
    gate = html(client.get(ADULT_DETAIL))
    next_path = re.search(r'name="next" value="([^"]*)"', gate).group(1)
    response = client.post(reverse("accounts:age-gate"), {"csrfmiddlewaretoken": csrf_token(gate), "next": next_path})
    assert response.status_code == 302
    assert response["Location"] == ADULT_DETAIL

    detail = client.get(ADULT_DETAIL)
    page = html(detail)
    assert GATE_QUESTION not in page
    assert ADULT_SYNOPSIS in page
    assert 'href="/tags/netorare/"' in page
    assert EXPLICIT_TAG_NAME in page
    assert '<meta name="rating" content="adult">' in page
    assert "private" in detail["Cache-Control"]
    assert ADULT_SYNOPSIS in html(client.get("/works/"))


def test_enter_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.get(ADULT_DETAIL)
    response = client.post(reverse("accounts:age-gate"), {"next": ADULT_DETAIL})
    assert response.status_code == 403
    assert AGE_GATE_SESSION_KEY not in client.session
    assert_gated(client.get(ADULT_DETAIL))


def test_gate_only_takes_get_and_post(db, client):
    assert client.put(reverse("accounts:age-gate")).status_code == 405


def test_standalone_gate_page_keeps_a_safe_next(db, client):
    page = html(client.get("/accounts/age-check/?next=//evil.example"))
    assert 'name="next" value="/"' in page
    page = html(client.get("/accounts/age-check/?next=/works/triangle-blue/"))
    assert 'name="next" value="/works/triangle-blue/"' in page


HOSTILE_NEXT = [
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http://evil.example/works/",
    "http:/evil",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,hi",
    "",
    "\t//evil",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "evil.example",
    "works/triangle-blue/",
]
KEPT_NEXT = ["/ok?x=1", "/%2F%2Fevil.example", "/works/triangle-blue/", "/glossary/netorare/#faq", "/"]


@pytest.mark.parametrize("candidate", HOSTILE_NEXT)
def test_safe_next_path_refuses_anything_but_a_local_path(candidate):
    assert safe_next_path(candidate) == reverse("home")


@pytest.mark.parametrize("candidate", KEPT_NEXT)
def test_safe_next_path_keeps_local_paths(candidate):
    assert safe_next_path(candidate) == candidate


def test_safe_next_path_without_a_value():
    assert safe_next_path(None) == "/"


@pytest.mark.parametrize("candidate", HOSTILE_NEXT)
def test_enter_never_redirects_off_site(db, client, candidate):
    response = client.post(reverse("accounts:age-gate"), {"next": candidate})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("candidate", KEPT_NEXT)
def test_enter_redirects_to_local_next(db, client, candidate):
    response = client.post(reverse("accounts:age-gate"), {"next": candidate})
    assert response["Location"] == candidate


def test_enter_without_next_goes_home_and_still_passes(world, client):
    response = client.post(reverse("accounts:age-gate"))
    assert response["Location"] == "/"
    assert ADULT_SYNOPSIS in html(client.get(ADULT_DETAIL))


def test_enter_takes_next_from_the_query_string_too(world, client):
    response = client.post(reverse("accounts:age-gate") + "?next=/works/triangle-blue/")
    assert response["Location"] == ADULT_DETAIL


# --- members ----------------------------------------------------------------------------------


def test_minor_member_never_sees_an_enter_button(world, client):
    client.force_login(make_member(age=10))
    response = client.get(ADULT_DETAIL)
    page = html(response)
    assert ADULTS_ONLY in page
    assert "under 18" in page
    assert ENTER not in page
    assert f'action="{reverse("accounts:age-gate")}"' not in page
    assert ADULT_SYNOPSIS not in page


def test_minor_member_is_refused_when_posting_to_the_gate(world, client):
    client.force_login(make_member(age=10))
    response = client.post(reverse("accounts:age-gate"), {"next": ADULT_DETAIL})
    assert response.status_code == 403
    assert ADULTS_ONLY in html(response)
    assert AGE_GATE_SESSION_KEY not in client.session
    detail = html(client.get(ADULT_DETAIL))
    assert ADULTS_ONLY in detail and ADULT_SYNOPSIS not in detail


def test_minor_member_stays_out_even_with_a_pass_from_before_signing_in(world, client):
    pass_age_gate(client)
    client.force_login(make_member(age=17))
    detail = html(client.get(ADULT_DETAIL))
    assert ADULTS_ONLY in detail
    assert ADULT_SYNOPSIS not in detail
    assert ADULT_SYNOPSIS not in html(client.get("/works/"))
    assert html(client.get("/tags/explicit-velvet/")).count("Explicit content marker.") == 0


def test_minor_member_sees_r18_works_only_as_safe_metadata_in_lists(world, client):
    client.force_login(make_member(age=15))
    response = client.get("/works/")
    card = card_for(response, "Triangle Blue")
    assert "Details shown after the age check." in card
    assert ADULT_SYNOPSIS not in html(response)


def test_adult_member_passes_without_posting(world, client):
    client.force_login(make_member(age=30))
    page = html(client.get(ADULT_DETAIL))
    assert GATE_QUESTION not in page
    assert ADULT_SYNOPSIS in page
    assert EXPLICIT_TAG_NAME in page


@pytest.mark.parametrize("days_after_18th_birthday, passes", [(0, True), (1, True), (-1, False)])
def test_the_18th_birthday_is_the_boundary(world, client, days_after_18th_birthday, passes):
    today = datetime.date.today()
    try:
        eighteenth = today.replace(year=today.year - 18)
    except ValueError:  # today is 29 February
        pytest.skip("boundary arithmetic on 29 February")
    user = make_member(age=None)
    user.birth_date = eighteenth - datetime.timedelta(days=days_after_18th_birthday)
    user.save()
    client.force_login(user)
    assert (ADULT_SYNOPSIS in html(client.get(ADULT_DETAIL))) is passes


def test_member_without_birth_date_confirms_like_a_visitor(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_member(age=None))
    gate = html(client.get(ADULT_DETAIL))
    assert GATE_QUESTION in gate and ENTER in gate
    response = client.post(
        reverse("accounts:age-gate"), {"csrfmiddlewaretoken": csrf_token(gate), "next": ADULT_DETAIL}
    )
    assert response["Location"] == ADULT_DETAIL
    assert ADULT_SYNOPSIS in html(client.get(ADULT_DETAIL))
