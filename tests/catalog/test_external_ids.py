"""A work's ids on MyAnimeList, AniList, AniDB and VNDB: entered by curators (an id or the page's
address), checked against the work's kind, one work per id, linked from the work's page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog import external_ids
from catalog.models import Kind, Work
from tests.builders import make_work, work_form
from tests.pages import html


def save_in_admin(client, work, **fields):
    return client.post(reverse("admin:catalog_work_change", args=[work.pk]), work_form(work, **fields))


@pytest.mark.parametrize(
    "pasted, stored",
    [
        ("1234", 1234),
        (" 1234 ", 1234),
        ("https://myanimelist.net/anime/1234/Title_Here", 1234),
        ("https://myanimelist.net/anime/1234", 1234),
        ("myanimelist.net/anime/1234/", 1234),
        ("https://www.myanimelist.net/anime/1234/Title?q=1", 1234),
    ],
)
def test_a_curator_pastes_a_mal_id_or_its_address(curator_client, pasted, stored):
    work = make_work(kind=Kind.ANIME)
    response = save_in_admin(curator_client, work, mal_id=pasted)
    assert response.status_code == 302, html(response)
    work.refresh_from_db()
    assert work.mal_id == stored


@pytest.mark.parametrize(
    "field, pasted, kind, message",
    [
        (
            "mal_id",
            "https://myanimelist.net/manga/99/Title",
            Kind.ANIME,
            "That is a manga page, but this work is anime",
        ),
        ("mal_id", "https://anilist.co/anime/99", Kind.ANIME, "not an address on myanimelist.net"),
        ("mal_id", "https://myanimelist.net/people/99", Kind.ANIME, "not an anime or manga page"),
        ("mal_id", "0", Kind.ANIME, "Enter the MyAnimeList id"),
        ("mal_id", "-3", Kind.ANIME, "Enter the MyAnimeList id"),
        ("mal_id", "12ab", Kind.ANIME, "Enter the MyAnimeList id"),
        ("mal_id", "99999999999", Kind.ANIME, "Enter the MyAnimeList id"),
        ("anilist_id", "https://anilist.co/manga/5/x", Kind.ANIME, "That is a manga page"),
        ("anidb_id", "https://anidb.net/character/5", Kind.ANIME, "not an anime page"),
        ("vndb_id", "r12", Kind.VISUAL_NOVEL, "Enter the VNDB visual novel id"),
        ("vndb_id", "v0", Kind.VISUAL_NOVEL, "Enter the VNDB visual novel id"),
        ("anidb_id", "77", Kind.MANGA, "AniDB lists anime only"),
        ("vndb_id", "v17", Kind.ANIME, "VNDB lists visual novel only"),
        ("mal_id", "5", Kind.VISUAL_NOVEL, "MyAnimeList lists anime and manga only"),
    ],
)
def test_the_admin_refuses_an_id_it_cannot_use_and_says_why(curator_client, field, pasted, kind, message):
    work = make_work(kind=kind)
    response = save_in_admin(curator_client, work, **{field: pasted})
    assert response.status_code == 200
    assert message in html(response).replace("&#x27;", "'")
    work.refresh_from_db()
    assert getattr(work, field) in (None, "")


@pytest.mark.parametrize(
    "field, pasted, stored",
    [
        ("anilist_id", "https://anilist.co/anime/21/One-Piece/", 21),
        ("anidb_id", "https://anidb.net/anime/69", 69),
        ("anidb_id", "https://anidb.net/a69", 69),
    ],
)
def test_anilist_and_anidb_addresses_are_read_too(curator_client, field, pasted, stored):
    work = make_work(kind=Kind.ANIME)
    assert save_in_admin(curator_client, work, **{field: pasted}).status_code == 302
    work.refresh_from_db()
    assert getattr(work, field) == stored


@pytest.mark.parametrize("pasted", ["v17", "V17", "17", "https://vndb.org/v17", "vndb.org/v17/chars"])
def test_a_vndb_id_is_stored_normalised(curator_client, pasted):
    work = make_work(kind=Kind.VISUAL_NOVEL)
    assert save_in_admin(curator_client, work, vndb_id=pasted).status_code == 302
    work.refresh_from_db()
    assert work.vndb_id == "v17"


def test_a_mal_id_names_one_work_per_kind(curator_client):
    make_work(kind=Kind.ANIME, mal_id=1234)
    manga = make_work(kind=Kind.MANGA, mal_id=1234)  # manga/1234 is another work than anime/1234
    other_anime = make_work(kind=Kind.ANIME)
    response = save_in_admin(curator_client, other_anime, mal_id="1234")
    assert response.status_code == 200
    assert "Another work of this kind already has this MyAnimeList id." in html(response)
    assert Work.objects.by_mal_id(Kind.MANGA, 1234) == manga


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": Kind.ANIME, "anilist_id": 9},
        {"kind": Kind.ANIME, "anidb_id": 9},
        {"kind": Kind.VISUAL_NOVEL, "vndb_id": "v9"},
    ],
)
def test_the_database_keeps_other_ids_unique(db, fields):
    make_work(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_work(**fields)


def test_many_works_without_ids_are_fine(db):
    for kind in Kind.values:
        make_work(kind=kind)
        make_work(kind=kind)
    assert Work.objects.filter(mal_id__isnull=True, vndb_id="").count() == 6


def test_model_validation_refuses_an_id_of_a_catalog_that_does_not_list_the_kind(db):
    work = make_work(kind=Kind.MANGA, anidb_id=3)
    with pytest.raises(ValidationError) as error:
        work.full_clean()
    assert "anidb_id" in error.value.message_dict


def test_finding_works_by_mal_id(db):
    anime = make_work(kind=Kind.ANIME, mal_id=10)
    manga = make_work(kind=Kind.MANGA, mal_id=10)
    other = make_work(kind=Kind.ANIME, mal_id=11)
    assert Work.objects.by_mal_id(Kind.ANIME, 10) == anime
    assert Work.objects.by_mal_id(Kind.MANGA, 10) == manga
    assert Work.objects.by_mal_id(Kind.MANGA, 11) is None
    assert Work.objects.by_mal_ids(Kind.ANIME, [10, 11, 12]) == {10: anime, 11: other}
    assert Work.objects.by_mal_ids(Kind.ANIME, []) == {}


def elsewhere(page: str) -> str:
    return page.split("<dt>Elsewhere</dt>", 1)[1].split("</dd>", 1)[0]


def test_the_work_page_links_the_catalogs_that_list_its_kind(db, client):
    make_work("Anime one", kind=Kind.ANIME, mal_id=1, anilist_id=2, anidb_id=3)
    make_work("Manga one", kind=Kind.MANGA, mal_id=4, anilist_id=5)
    make_work("Novel one", kind=Kind.VISUAL_NOVEL, vndb_id="v17")
    anime = elsewhere(html(client.get("/works/anime-one/")))
    assert '<a href="https://myanimelist.net/anime/1" rel="noopener">MyAnimeList</a>' in anime
    assert '<a href="https://anilist.co/anime/2" rel="noopener">AniList</a>' in anime
    assert '<a href="https://anidb.net/anime/3" rel="noopener">AniDB</a>' in anime
    manga = elsewhere(html(client.get("/works/manga-one/")))
    assert "https://myanimelist.net/manga/4" in manga and "https://anilist.co/manga/5" in manga
    assert '<a href="https://vndb.org/v17" rel="noopener">VNDB</a>' in elsewhere(html(client.get("/works/novel-one/")))


def test_no_elsewhere_row_without_ids_or_for_an_id_that_does_not_fit_the_kind(db, client):
    make_work("Plain", kind=Kind.ANIME)
    # Saved around the model's validation (a bulk update, say): still not linked as a manga page.
    make_work("Stray", kind=Kind.MANGA, anidb_id=8)
    assert "Elsewhere" not in html(client.get("/works/plain/"))
    assert "Elsewhere" not in html(client.get("/works/stray/"))


def test_links_helper_orders_and_filters():
    work = Work(kind=Kind.ANIME, mal_id=1, anilist_id=2, anidb_id=3, vndb_id="v4")
    assert [link.name for link in external_ids.external_links(work)] == ["MyAnimeList", "AniList", "AniDB"]
