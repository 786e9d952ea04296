"""Old addresses keep working (issue 13): a merged tag's slug, and the old slug of a work, tag or term a
curator renamed, redirect (301) to the page it is now at; through the same policy, so a redirect never
leads where the viewer could not go, an 18+ page still gates, a live slug always wins, and there are
no chains or loops (core/old_slugs.py)."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog.models import TagCategory, TagOldSlug, Work, WorkOldSlug
from glossary.models import TermOldSlug
from tests.builders import (
    ADULT_SYNOPSIS,
    DRAFT_SYNOPSIS,
    make_tag,
    make_term,
    make_work,
    tag_form,
    term_form,
    work_form,
)
from tests.pages import html, pass_age_gate

pytestmark = pytest.mark.django_db


def rename_work(client, work, slug):
    work.refresh_from_db()
    response = client.post(reverse("admin:catalog_work_change", args=[work.pk]), work_form(work, slug=slug))
    assert response.status_code == 302, response.content.decode()[:2000]
    work.refresh_from_db()
    assert work.slug == slug


def rename_tag(client, tag, slug):
    response = client.post(reverse("admin:catalog_tag_change", args=[tag.pk]), tag_form(tag, slug=slug))
    assert response.status_code == 302
    tag.refresh_from_db()


def rename_term(client, term, slug):
    response = client.post(reverse("admin:glossary_term_change", args=[term.pk]), term_form(term, slug=slug))
    assert response.status_code == 302
    term.refresh_from_db()


def merge_tags(client, sources, target):
    response = client.post(
        reverse("admin:catalog_tag_changelist"),
        {"action": "merge", "merge_into": target.pk, "_selected_action": [s.pk for s in sources]},
    )
    assert response.status_code == 302


def assert_moved(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, (old, response.status_code)
    assert response["Location"] == new
    assert client.get(new).status_code == 200


# --- works -----------------------------------------------------------------------------------------


def test_a_renamed_works_old_address_redirects_to_its_page(world, curator_client, client):
    rename_work(curator_client, world.safe, "sunny-afternoon-manga")
    assert_moved(client, "/works/sunny-afternoon/", "/works/sunny-afternoon-manga/")
    assert_moved(client, "/works/sunny-afternoon/?reviews=helpful", "/works/sunny-afternoon-manga/?reviews=helpful")
    assert list(world.safe.old_slugs.values_list("slug", flat=True)) == ["sunny-afternoon"]


def test_the_change_page_lists_a_works_old_slugs(world, curator_client):
    rename_work(curator_client, world.safe, "sunny-afternoon-manga")
    page = html(curator_client.get(reverse("admin:catalog_work_change", args=[world.safe.pk])))
    assert "Old slugs" in page and "<code>sunny-afternoon</code> (each redirects here)" in page


def test_an_18_plus_works_old_address_asks_the_gate_first_and_redirects_after(world, curator_client, client):
    rename_work(curator_client, world.adult, "triangle-blue-ova")
    response = client.get("/works/triangle-blue/")
    assert response.status_code == 200 and "Are you 18 or older?" in html(response)
    assert response["X-Robots-Tag"] == "noindex"
    assert "triangle-blue-ova" not in html(response)  # not even the new address before the gate
    assert ADULT_SYNOPSIS not in html(response)
    pass_age_gate(client)
    response = client.get("/works/triangle-blue/", follow=True)
    assert response.redirect_chain == [("/works/triangle-blue-ova/", 301)]
    assert ADULT_SYNOPSIS in html(response)


def test_a_redirect_never_leads_to_a_page_the_viewer_may_not_open(world, curator_client, client, adult_member_client):
    rename_work(curator_client, world.draft, "hidden-draft-renamed")
    for visitor in (client, adult_member_client):
        response = visitor.get("/works/hidden-draft/")
        assert response.status_code == 404
        assert "hidden-draft-renamed" not in html(response)
    # The staff who may preview the draft are led to the preview.
    response = curator_client.get("/works/hidden-draft/", follow=True)
    assert response.redirect_chain == [("/works/hidden-draft-renamed/", 301)]
    assert DRAFT_SYNOPSIS in html(response)
    assert "no-store" in curator_client.get("/works/hidden-draft/")["Cache-Control"]


def test_renaming_back_and_forth_makes_no_loop(world, curator_client, client):
    rename_work(curator_client, world.safe, "second-name")
    rename_work(curator_client, world.safe, "sunny-afternoon")
    assert client.get("/works/sunny-afternoon/").status_code == 200
    assert_moved(client, "/works/second-name/", "/works/sunny-afternoon/")
    assert list(world.safe.old_slugs.values_list("slug", flat=True)) == ["second-name"]


def test_an_old_slug_never_shadows_a_live_one(world, curator_client, client):
    rename_work(curator_client, world.safe, "sunny-afternoon-manga")
    # A new work takes the old address in the admin: it is that work's page now, and the old slug is gone.
    response = curator_client.post(
        reverse("admin:catalog_work_add"),
        work_form(Work(title="Another Sunny Afternoon", is_published=True), slug="sunny-afternoon"),
    )
    assert response.status_code == 302
    assert ">Another Sunny Afternoon" in html(client.get("/works/sunny-afternoon/"))
    assert not WorkOldSlug.objects.filter(slug="sunny-afternoon").exists()


def test_a_live_slug_wins_even_over_an_old_slug_left_behind(world, client):
    # Made outside the admin (a seed load, a script): the old row stays, and still loses.
    WorkOldSlug.objects.create(work=world.adult, slug="sunny-afternoon")
    assert client.get("/works/sunny-afternoon/").status_code == 200
    assert ">Sunny Afternoon" in html(client.get("/works/sunny-afternoon/"))


SLUGS = ["a", "b", "c", "d"]
RENAMES = [(0, "b"), (1, "a"), (0, "c"), (2, "b"), (1, "c"), (0, "a"), (2, "d"), (1, "b"), (0, "d"), (2, "a")]


def test_every_address_answers_in_one_hop_whatever_the_renames(db, curator_client, client):
    """After each of a run of renames that take each other's old and new slugs, every slug is a page
    (its owner's), a 301 straight to a page (never to another redirect), or a 404."""
    works = [make_work(f"Work {slug}", slug=slug) for slug in ("a", "b", "c")]
    rename_work(curator_client, works[1], "x")
    answers = set()
    for index, slug in RENAMES:
        owner = next((w for w in works if w.slug == slug), None)
        if owner is not None:  # free the slug first, as a curator would
            rename_work(curator_client, owner, f"{slug}-{owner.pk}")
        rename_work(curator_client, works[index], slug)
        live = {w.slug: w for w in works}
        for candidate in [*SLUGS, *WorkOldSlug.objects.values_list("slug", flat=True)]:
            response = client.get(f"/works/{candidate}/")
            answers.add(response.status_code)
            if candidate in live:
                assert response.status_code == 200 and f">{live[candidate].title}" in html(response)
            elif response.status_code == 301:
                target = client.get(response["Location"])
                assert target.status_code == 200, (candidate, response["Location"])
            else:
                assert response.status_code == 404, candidate
        assert not WorkOldSlug.objects.filter(slug__in=live).exists()
    assert answers == {200, 301, 404}


def test_old_slugs_are_unique_and_never_empty(world):
    WorkOldSlug.objects.create(work=world.safe, slug="taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkOldSlug.objects.create(work=world.adult, slug="taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkOldSlug.objects.create(work=world.adult, slug="")


def test_deleting_a_work_takes_its_old_addresses_with_it(world, curator_client, client):
    rename_work(curator_client, world.safe, "sunny-afternoon-manga")
    world.safe.delete()
    assert not WorkOldSlug.objects.exists()
    assert client.get("/works/sunny-afternoon/").status_code == 404


# --- tags ------------------------------------------------------------------------------------------


def test_a_merged_tags_address_redirects_to_the_tag_it_was_merged_into(world, curator_client, client):
    envy = make_tag("Envy")
    merge_tags(curator_client, [envy], world.tags.jealousy)
    assert_moved(client, "/tags/envy/", "/tags/jealousy/")
    assert_moved(client, "/tags/envy/?sort=year&page=2", "/tags/jealousy/?sort=year&page=2")


def test_merging_twice_still_takes_one_hop(world, curator_client, client):
    envy, spite = make_tag("Envy"), make_tag("Spite")
    rename_tag(curator_client, envy, "envy-theme")
    merge_tags(curator_client, [envy], spite)
    merge_tags(curator_client, [spite], world.tags.jealousy)
    for old in ("/tags/envy/", "/tags/envy-theme/", "/tags/spite/"):
        assert_moved(client, old, "/tags/jealousy/")
    assert set(TagOldSlug.objects.values_list("slug", "tag")) == {
        ("envy", world.tags.jealousy.pk),
        ("envy-theme", world.tags.jealousy.pk),
        ("spite", world.tags.jealousy.pk),
    }


def test_merging_into_a_tag_that_holds_an_old_slug_of_the_merged_one(world, curator_client, client):
    envy = make_tag("Envy")
    rename_tag(curator_client, envy, "envy-theme")
    green = make_tag("Green-eyed", slug="envy")  # made outside the admin: "envy" is live and an old slug
    merge_tags(curator_client, [envy], green)
    assert client.get("/tags/envy/").status_code == 200
    assert_moved(client, "/tags/envy-theme/", "/tags/envy/")
    assert not TagOldSlug.objects.filter(slug="envy").exists()


def test_an_explicit_tags_old_address_is_gated_before_it_redirects(world, curator_client, client):
    rename_tag(curator_client, world.tags.explicit, "velvet")
    response = client.get("/tags/explicit-velvet/")
    assert response.status_code == 200 and "Are you 18 or older?" in html(response)
    assert "/tags/velvet/" not in html(response)
    pass_age_gate(client)
    assert_moved(client, "/tags/explicit-velvet/", "/tags/velvet/")


def test_a_renamed_tag_redirects(world, curator_client, client):
    rename_tag(curator_client, world.tags.hospital, "hospital-ward")
    assert_moved(client, "/tags/hospital/", "/tags/hospital-ward/")
    assert world.tags.hospital.category == TagCategory.SETTING


# --- terms -----------------------------------------------------------------------------------------


def test_a_renamed_terms_old_address_redirects(world, curator_client, client):
    rename_term(curator_client, world.terms.route, "story-route")
    assert_moved(client, "/glossary/route/", "/glossary/story-route/")
    assert list(TermOldSlug.objects.values_list("slug", flat=True)) == ["route"]


def test_an_unpublished_terms_old_address_is_a_404(world, curator_client, client):
    rename_term(curator_client, world.terms.draft, "draft-term")
    assert client.get("/glossary/draftterm/").status_code == 404
    assert curator_client.get("/glossary/draftterm/").status_code == 404


def test_an_explicit_terms_old_address_redirects_without_the_gate(db, curator_client, client):
    """A definition is everyone's, even of an explicit word (DESIGN.md, "Glossary"): no gate at either address."""
    term = make_term("Hentai", slug="hentai")
    make_tag("Hentai tag", category=TagCategory.CONTENT, term=term)
    rename_term(curator_client, term, "hentai-term")
    assert_moved(client, "/glossary/hentai/", "/glossary/hentai-term/")
    assert "Are you 18 or older?" not in html(client.get("/glossary/hentai-term/"))
