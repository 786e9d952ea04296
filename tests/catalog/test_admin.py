"""Curation in the admin: pages open, the work form, actions, and the search index on save."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.viewer import ANONYMOUS_VIEWER
from catalog.models import DatePrecision, SearchEntry, Work, WorkTag
from catalog.search import search
from catalog.services import tag_merge, tag_set_parent
from tests.builders import make_work, tag_form
from tests.pages import card_titles, html


@pytest.fixture
def admin_user(db):
    """A superuser without a password (signed in with force_login by ``admin_client``): no slow hashing."""
    return User.objects.create_superuser("admin", "admin@example.com", password=None)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:catalog_work_changelist",
        "admin:catalog_work_add",
        "admin:catalog_tag_changelist",
        "admin:catalog_tag_add",
        "admin:glossary_term_changelist",
        "admin:glossary_term_add",
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:catalog_searchentry_changelist",
    ],
)
def test_superuser_opens_admin_pages(world, admin_client, url_name):
    assert admin_client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    "url_name, obj",
    [
        ("admin:catalog_work_change", "adult"),
        ("admin:glossary_term_change", "netorare"),
        ("admin:catalog_tag_change", "jealousy"),
    ],
)
def test_superuser_opens_change_pages(world, admin_client, url_name, obj):
    target = getattr(world, obj, None) or getattr(world.terms, obj, None) or getattr(world.tags, obj)
    assert admin_client.get(reverse(url_name, args=[target.pk])).status_code == 200


def test_admin_changelists_search(world, admin_client):
    response = admin_client.get(reverse("admin:catalog_work_changelist"), {"q": "Triangle"})
    assert "Triangle Blue" in html(response) and "Sunny Afternoon" not in html(response)


@pytest.mark.parametrize(
    "query", ["category__exact=%00", "category__exact=theme&q=a%00b", "%00=1"], ids=["filter", "search", "key"]
)
def test_a_nul_character_in_a_changelist_query_is_a_400(world, admin_client, query):
    # List filters and the search passed it to the database, and PostgreSQL refuses a NUL: a 500 there.
    assert admin_client.get(f"/admin/catalog/tag/?{query}").status_code == 400


def test_a_nul_character_in_an_autocomplete_search_is_a_400(world, admin_client):
    query = "term=a%00&app_label=catalog&model_name=worktag&field_name=tag"
    assert admin_client.get(f"/admin/autocomplete/?{query}").status_code == 400


def test_a_huge_admin_search_is_cut_short_rather_than_refused_by_the_database(world, admin_client):
    # SQLite refuses a LIKE pattern over 50,000 bytes: this was a 500.
    response = admin_client.get(reverse("admin:catalog_work_changelist"), {"q": "Triangle" + "x" * 100_000})
    assert response.status_code == 200
    response = admin_client.get(
        reverse("admin:catalog_work_changelist"), {"q": "Triangle Blue" + " " * 2000 + "x" * 100_000}
    )
    assert "Triangle Blue" in html(response)


def test_visitors_are_sent_to_the_admin_login(world, client):
    response = client.get(reverse("admin:catalog_work_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_work_add_page_has_the_tag_inline_with_autocomplete_and_a_prepopulated_slug(world, admin_client):
    page = html(admin_client.get(reverse("admin:catalog_work_add")))
    assert 'name="work_tags-TOTAL_FORMS"' in page
    assert 'name="work_tags-0-tag"' in page
    assert 'class="admin-autocomplete' in page and 'data-field-name="tag"' in page
    assert 'name="work_tags-0-spoiler_level"' in page
    assert "&quot;id&quot;: &quot;#id_slug&quot;" in page
    assert "&quot;dependency_ids&quot;: [&quot;#id_title&quot;]" in page


def test_searchentry_admin_is_read_only(world, admin_client):
    assert admin_client.get("/admin/catalog/searchentry/add/").status_code == 403


def test_publish_and_unpublish_actions(world, admin_client, client):
    url = reverse("admin:catalog_work_changelist")
    response = admin_client.post(url, {"action": "publish", "_selected_action": [world.draft.pk]})
    assert response.status_code == 302
    world.draft.refresh_from_db()
    assert world.draft.is_published
    assert "Hidden Draft" in card_titles(client.get("/works/"))

    admin_client.post(url, {"action": "unpublish", "_selected_action": [world.draft.pk, world.safe.pk]})
    assert not Work.objects.filter(pk__in=[world.draft.pk, world.safe.pk], is_published=True).exists()
    assert card_titles(client.get("/works/")) == ["Triangle Blue"]


def test_feature_action(world, admin_client):
    admin_client.post(
        reverse("admin:catalog_work_changelist"), {"action": "feature", "_selected_action": [world.safe.pk]}
    )
    world.safe.refresh_from_db()
    assert world.safe.is_featured


def test_term_publish_action(world, admin_client, client):
    admin_client.post(
        reverse("admin:glossary_term_changelist"), {"action": "publish", "_selected_action": [world.terms.draft.pk]}
    )
    assert client.get("/glossary/draftterm/").status_code == 200


def work_form(**overrides):
    data = {
        "title": "Admin Made Work",
        "slug": "admin-made-work",
        "original_title": "",
        "alternative_titles": "Kanrisha Sakuhin",
        "kind": "anime",
        "age_rating": "all",
        "synopsis": "Made in the admin.",
        "couple": "",
        "episodes": "4",
        "volumes": "",
        "released_from": "2019-03-01",
        "released_from_precision": "month",
        "released_until": "",
        "released_until_precision": "day",
        "is_published": "on",
        "work_tags-TOTAL_FORMS": "1",
        "work_tags-INITIAL_FORMS": "0",
        "work_tags-MIN_NUM_FORMS": "0",
        "work_tags-MAX_NUM_FORMS": "1000",
        "work_tags-0-tag": "",
        "work_tags-0-spoiler_level": "0",
        "work_tags-0-note": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_saving_a_work_in_the_admin_updates_the_search_index(world, admin_client, client):
    response = admin_client.post(
        reverse("admin:catalog_work_add"),
        work_form(**{"work_tags-0-tag": str(world.tags.jealousy.pk), "work_tags-0-spoiler_level": "1"}),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    work = Work.objects.get(slug="admin-made-work")
    assert WorkTag.objects.get(work=work).spoiler_level == 1
    assert "Admin Made Work" in card_titles(client.get("/search/?q=admin+made"))
    assert "Admin Made Work" in card_titles(client.get("/search/?q=kanrisha"))


def test_renaming_a_work_in_the_admin_updates_the_search_index(world, admin_client, client):
    admin_client.post(reverse("admin:catalog_work_add"), work_form())
    work = Work.objects.get(slug="admin-made-work")
    response = admin_client.post(
        reverse("admin:catalog_work_change", args=[work.pk]), work_form(title="Renamed In Admin")
    )
    assert response.status_code == 302
    assert card_titles(client.get("/search/?q=renamed+in+admin")) == ["Renamed In Admin"]
    assert card_titles(client.get("/search/?q=admin+made")) == []


def test_deleting_a_work_in_the_admin_removes_its_search_entries(world, admin_client):
    pk = world.safe.pk
    response = admin_client.post(reverse("admin:catalog_work_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not SearchEntry.objects.filter(kind="work", object_id=pk).exists()


def test_saving_a_term_and_a_tag_in_the_admin_updates_the_search_index(world, admin_client):
    response = admin_client.post(
        reverse("admin:glossary_term_add"),
        {
            "name": "Cuckold",
            "slug": "cuckold",
            "japanese": "",
            "reading": "",
            "aliases": "Cuck",
            "summary": "An English word close to netorare.",
            "body": "",
            "focus": "",
            "example": "",
            "is_published": "on",
            "faqs-TOTAL_FORMS": "0",
            "faqs-INITIAL_FORMS": "0",
            "faqs-MIN_NUM_FORMS": "0",
            "faqs-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    assert [t.slug for t in search("cuck", ANONYMOUS_VIEWER).terms] == ["cuckold"]

    response = admin_client.post(
        reverse("admin:catalog_tag_add"),
        {
            "name": "Rainy season",
            "slug": "rainy-season",
            "category": "setting",
            "aliases": "Tsuyu",
            "description": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    assert [t.slug for t in search("tuyu", ANONYMOUS_VIEWER).tags] == ["rainy-season"]


def test_work_slug_taken_by_the_works_feed_is_refused(world, admin_client, client):
    """/works/feed/ is the Atom feed: a work slugged "feed" could never be opened."""
    response = admin_client.post(reverse("admin:catalog_work_add"), work_form(title="Feed", slug="feed"))
    assert response.status_code == 200
    assert "is taken by another page at /works/feed/" in html(response)
    assert not Work.objects.filter(slug="feed").exists()
    assert client.get("/works/feed/")["Content-Type"].startswith("application/atom+xml")


def test_the_works_list_shows_dates_at_their_precision(world, curator_client):
    make_work(
        "Known To The Month", released_from=datetime.date(2010, 11, 1), released_from_precision=DatePrecision.MONTH
    )
    make_work("Known To The Day", released_from=datetime.date(2011, 3, 9), released_from_precision=DatePrecision.DAY)
    page = html(curator_client.get(reverse("admin:catalog_work_changelist")))
    cells = dict(
        re.findall(r'<th class="field-title"><a [^>]*>([^<]+)</a></th>.*?<td class="field-released">([^<]*)</td>', page)
    )
    assert cells["Known To The Month"] == "Nov 2010"
    assert cells["Known To The Day"] == "9 Mar 2011"
    assert cells["Sunny Afternoon"] == "2015"  # known to the year
    assert cells["Triangle Blue"] == "Apr 2009 – Jan 2010"
    assert "Nov. 1, 2010" not in page and "Jan. 1, 2015" not in page


def test_the_works_list_sorts_by_release_date(world, curator_client):
    response = curator_client.get(reverse("admin:catalog_work_changelist"), {"o": "4"})
    assert [w.title for w in response.context["cl"].result_list] == ["Triangle Blue", "Hidden Draft", "Sunny Afternoon"]


def test_the_works_list_links_each_page_and_names_its_featured_boxes(world, curator_client):
    page = html(curator_client.get(reverse("admin:catalog_work_changelist")))
    assert (
        '<a href="/works/hidden-draft/">Preview the draft<span class="visually-hidden"> of Hidden Draft</span></a>'
        in page
    )
    assert '<a href="/works/sunny-afternoon/">View<span class="visually-hidden"> Sunny Afternoon</span></a>' in page
    assert 'aria-label="Featured: Sunny Afternoon"' in page


# --- the tag tree never loops -----------------------------------------------------------------------


def test_the_admin_refuses_a_parent_beneath_the_tag(world, admin_client):
    """Regret sits under Jealousy; making Jealousy's parent Regret would loop."""
    tag_set_parent(tag=world.tags.regret, parent=world.tags.jealousy)
    url = reverse("admin:catalog_tag_change", args=[world.tags.jealousy.pk])
    response = admin_client.post(url, tag_form(world.tags.jealousy, parent=world.tags.regret.pk))
    assert response.status_code == 200
    assert "“Regret” sits beneath “Jealousy”, so it cannot be its parent" in html(response)
    world.tags.jealousy.refresh_from_db()
    assert world.tags.jealousy.parent is None
    # Its own parent is refused too, in the form as by the database's constraint.
    response = admin_client.post(url, tag_form(world.tags.jealousy, parent=world.tags.jealousy.pk))
    assert response.status_code == 200 and "cannot be its parent" in html(response)


def test_the_admin_accepts_a_broader_parent(world, admin_client):
    url = reverse("admin:catalog_tag_change", args=[world.tags.regret.pk])
    response = admin_client.post(url, tag_form(world.tags.regret, parent=world.tags.jealousy.pk))
    assert response.status_code == 302
    world.tags.regret.refresh_from_db()
    assert world.tags.regret.parent == world.tags.jealousy


def test_the_service_refuses_a_loop_however_deep(world):
    tag_set_parent(tag=world.tags.regret, parent=world.tags.jealousy)
    tag_set_parent(tag=world.tags.hospital, parent=world.tags.regret)
    with pytest.raises(ValidationError):
        tag_set_parent(tag=world.tags.jealousy, parent=world.tags.hospital)
    world.tags.jealousy.refresh_from_db()
    assert world.tags.jealousy.parent is None


def test_a_changed_parent_reaches_the_filters_at_once(world, admin_client, client):
    assert card_titles(client.get("/tags/jealousy/")) == []
    url = reverse("admin:catalog_tag_change", args=[world.tags.hospital.pk])
    assert admin_client.post(url, tag_form(world.tags.hospital, parent=world.tags.jealousy.pk)).status_code == 302
    assert card_titles(client.get("/tags/jealousy/")) == ["Sunny Afternoon"]  # through Hospital, openly


def test_merging_a_tag_into_one_beneath_it_leaves_no_loop(world):
    """Regret > Jealousy > Hospital; merging Regret into Hospital puts Hospital in Regret's place."""
    tag_set_parent(tag=world.tags.jealousy, parent=world.tags.regret)
    tag_set_parent(tag=world.tags.hospital, parent=world.tags.jealousy)
    tag_merge(source=world.tags.regret, target=world.tags.hospital)
    world.tags.hospital.refresh_from_db()
    world.tags.jealousy.refresh_from_db()
    assert world.tags.hospital.parent is None
    assert world.tags.jealousy.parent == world.tags.hospital
