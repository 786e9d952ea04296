"""Staff preview unpublished works: a draft's page opens to curators only, marked, never indexed,
never cached, and no list names the work (issue 13). The rule is the policy's (visibility.read_work)."""

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory

from accounts.models import User
from accounts.viewer import build_viewer
from catalog.models import AgeRating, Work
from tests.builders import DRAFT_SYNOPSIS, make_curator, make_member, make_work, with_cover
from tests.pages import card_titles, html, login, pass_age_gate

DRAFT_URL = "/works/hidden-draft/"


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_never_cached(response):
    assert {"private", "no-store", "no-cache"} <= cache_control(response), response.get("Cache-Control")
    assert "public" not in cache_control(response)


# --- who may open a draft's page -------------------------------------------------------------------


def test_a_curator_previews_a_draft_marked_as_such(world, curator_client):
    response = curator_client.get(DRAFT_URL)
    assert response.status_code == 200
    page = html(response)
    assert DRAFT_SYNOPSIS in page
    assert 'aria-label="Draft preview"' in page and '<span class="draft-badge">Draft</span>' in page
    assert "<title>Draft: Hidden Draft · ntrdb</title>" in page
    assert f'href="/admin/catalog/work/{world.draft.pk}/change/"' in page


def test_the_preview_is_noindex_and_never_cached(world, curator_client):
    response = curator_client.get(DRAFT_URL)
    assert '<meta name="robots" content="noindex">' in html(response)
    assert response["X-Robots-Tag"] == "noindex"
    assert_never_cached(response)
    assert "Cookie" in response["Vary"]


def test_a_published_work_is_no_draft_even_for_a_curator(world, curator_client):
    response = curator_client.get("/works/sunny-afternoon/")
    page = html(response)
    assert "draft-badge" not in page and 'content="noindex"' not in page
    assert "X-Robots-Tag" not in response and "no-store" not in cache_control(response)


@pytest.mark.parametrize(
    "who", ["visitor", "gate_passed_visitor", "adult_member", "minor_member", "staff_without_catalog_rights"]
)
def test_everyone_else_gets_the_404_an_unpublished_work_always_gave(world, client, who):
    if who == "gate_passed_visitor":
        pass_age_gate(client)
    elif who == "adult_member":
        client = login(make_member(age=30))
    elif who == "minor_member":
        client = login(make_member(age=15))
    elif who == "staff_without_catalog_rights":
        client = login(make_member(is_staff=True))  # staff, but not a curator: the admin shows them no works
    response = client.get(DRAFT_URL)
    assert response.status_code == 404
    assert DRAFT_SYNOPSIS not in html(response)


def test_unpublishing_in_the_admin_turns_the_page_into_a_preview(world, curator_client, client):
    curator_client.post("/admin/catalog/work/", {"action": "unpublish", "_selected_action": [world.safe.pk]})
    assert client.get("/works/sunny-afternoon/").status_code == 404
    response = curator_client.get("/works/sunny-afternoon/")
    assert response.status_code == 200 and "draft-badge" in html(response)


def test_the_viewer_says_who_may_preview(world):
    def viewer_of(user):
        request = RequestFactory().get("/")
        request.session = {}
        request.user = User.objects.get(pk=user.pk)
        return build_viewer(request)

    assert viewer_of(make_curator("previewer")).may_preview_unpublished
    assert viewer_of(User.objects.create_superuser("root", password=None)).may_preview_unpublished
    assert not viewer_of(make_member(is_staff=True)).may_preview_unpublished
    assert not viewer_of(make_member()).may_preview_unpublished
    # The Curators group's rights are what count: without them, the same account previews nothing.
    lapsed = make_curator("lapsed")
    lapsed.groups.remove(Group.objects.get(name="Curators"))
    assert not viewer_of(lapsed).may_preview_unpublished


# --- the gate still stands in front of an 18+ draft ------------------------------------------------


@pytest.fixture
def adult_draft(db):
    return make_work("Secret Draft", slug="secret-draft", published=False, age_rating=AgeRating.R18, synopsis="S-mark.")


def test_an_18_plus_draft_still_asks_a_curator_without_a_birth_date_to_pass_the_gate(adult_draft):
    client = login(make_curator("nobirth", age=None))
    response = client.get("/works/secret-draft/")
    assert response.status_code == 200
    assert "Are you 18 or older?" in html(response) and "S-mark." not in html(response)
    assert_never_cached(response)
    pass_age_gate(client)
    assert "S-mark." in html(client.get("/works/secret-draft/"))


def test_an_18_plus_draft_stays_closed_to_an_underage_curator(adult_draft):
    response = login(make_curator("young", age=16)).get("/works/secret-draft/")
    assert "S-mark." not in html(response) and "under 18" in html(response)


# --- never listed ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/works/",
        "/works/?q=Hidden",
        "/tags/hospital/",
        "/glossary/netorare/",
        "/search/?q=Hidden+Draft",
        "/search/suggest/?q=Hidden",
        "/works/feed/",
        "/sitemap-works.xml",
    ],
)
def test_a_draft_is_listed_nowhere_even_for_a_curator(world, curator_client, url):
    response = curator_client.get(url)
    assert response.status_code == 200
    page = html(response)
    assert DRAFT_URL not in page and ">Hidden Draft<" not in page and DRAFT_SYNOPSIS not in page


def test_the_lists_a_curator_sees_are_the_published_ones(world, curator_client):
    assert card_titles(curator_client.get("/works/")) == ["Sunny Afternoon", "Triangle Blue"]


# --- what hangs off the page -----------------------------------------------------------------------


def test_nobody_reviews_a_draft(world, curator, curator_client):
    page = html(curator_client.get(DRAFT_URL))
    assert 'name="score"' not in page  # no review form
    assert "Reviews open once the work is published." in page
    assert "reviews/feed/" not in page  # nor a feed link that would answer 404
    curator_client.post(f"{DRAFT_URL}reviews/", {"score": 8, "body": "x" * 60})
    assert not world.draft.reviews.exists()
    assert curator_client.get(f"{DRAFT_URL}reviews/feed/").status_code == 404


def test_a_drafts_placeholder_and_cover_are_for_the_previewing_curator_only(world, curator_client, client):
    with_cover(world.draft)
    for url in (f"{DRAFT_URL}placeholder.svg", f"{DRAFT_URL}cover/detail.webp"):
        assert client.get(url).status_code == 404
        response = curator_client.get(url)
        assert response.status_code == 200
        assert_never_cached(response)


def test_a_missing_placeholder_and_a_drafts_answer_alike(world, client):
    draft, missing = client.get(f"{DRAFT_URL}placeholder.svg"), client.get("/works/no-such-work/placeholder.svg")
    assert draft.status_code == missing.status_code == 404
    assert draft.get("Vary") == missing.get("Vary") and draft.get("Cache-Control") == missing.get("Cache-Control")


def test_a_published_works_placeholder_stays_public(world, curator_client):
    response = curator_client.get("/works/sunny-afternoon/placeholder.svg")
    assert "public" in cache_control(response) and "Vary" not in response


def test_drafts_exist_in_the_catalog(world):
    """Guards the tests above: the world's draft is there, unpublished."""
    assert Work.objects.filter(slug="hidden-draft", is_published=False).exists()
