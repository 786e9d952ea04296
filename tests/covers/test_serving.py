"""Covers are served by a view behind the age gate, with caching headers that fit who may see them."""

import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date

from catalog.models import AgeRating, Work
from tests.builders import make_member, make_work, with_cover
from tests.pages import card_for, cards, html, pass_age_gate


def cover_url(work, size="card"):
    return reverse("catalog:work-cover", kwargs={"slug": work.slug, "size": size})


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def varies_on_cookie(response) -> bool:
    return "cookie" in response.get("Vary", "").lower()


class TestAccessByGate:
    def test_visitor_is_refused_an_adult_cover(self, client, adult_work_with_cover):
        response = client.get(cover_url(adult_work_with_cover))
        assert response.status_code == 404
        assert b"WEBP" not in response.content
        assert "private" in cache_control(response)
        assert varies_on_cookie(response)

    def test_a_locked_cover_answers_exactly_as_a_missing_one(self, client, adult_work_with_cover):
        """Before the gate, a 403 for an existing 18+ cover and a 404 for none told which 18+ works have one."""
        bare = make_work("Bare Adult Work", age_rating=AgeRating.R18)
        locked, missing = client.get(cover_url(adult_work_with_cover)), client.get(cover_url(bare))
        assert locked.status_code == missing.status_code == 404
        # The 404 page names the path it was asked for; otherwise the two answers are the same.
        assert locked.content.replace(adult_work_with_cover.slug.encode(), b"SLUG") == missing.content.replace(
            bare.slug.encode(), b"SLUG"
        )
        for header in ("Content-Type", "Cache-Control", "Vary", "X-Robots-Tag"):
            assert locked.get(header) == missing.get(header), header

    @pytest.mark.parametrize("size", ["card", "detail"])
    def test_visitor_who_passed_the_gate_gets_it(self, adult_work_with_cover, size):
        client = Client()
        pass_age_gate(client)
        response = client.get(cover_url(adult_work_with_cover, size))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        assert b"".join(response.streaming_content)[8:12] == b"WEBP"

    def test_adult_member_gets_it_and_minor_member_does_not(self, adult_work_with_cover):
        adult, minor = Client(), Client()
        adult.force_login(make_member(age=30))
        minor.force_login(make_member(age=16))
        pass_age_gate(minor)  # a stale confirmation in the session changes nothing for a minor
        assert adult.get(cover_url(adult_work_with_cover)).status_code == 200
        assert minor.get(cover_url(adult_work_with_cover)).status_code == 404

    def test_all_ages_cover_is_served_to_everyone(self, client, safe_work_with_cover):
        response = client.get(cover_url(safe_work_with_cover))
        assert response.status_code == 200 and response["Content-Type"] == "image/webp"

    def test_unpublished_work_has_no_cover(self, db, gate_passed_client):
        draft = with_cover(make_work("Unfinished Draft", published=False))
        assert gate_passed_client.get(cover_url(draft)).status_code == 404

    def test_work_without_a_cover_and_unknown_sizes_are_404(self, client, safe_work_with_cover):
        bare = make_work("Bare Work")
        assert client.get(cover_url(bare)).status_code == 404
        assert client.get(f"/works/{safe_work_with_cover.slug}/cover/huge.webp").status_code == 404
        assert client.get("/works/no-such-work/cover/card.webp").status_code == 404

    def test_a_missing_file_is_a_404_not_a_500(self, client, safe_work_with_cover):
        default_storage.delete(f"covers/{safe_work_with_cover.cover_token}-card.webp")
        assert client.get(cover_url(safe_work_with_cover)).status_code == 404

    def test_only_safe_methods(self, client, safe_work_with_cover):
        assert client.post(cover_url(safe_work_with_cover)).status_code == 405
        assert client.head(cover_url(safe_work_with_cover)).status_code == 200

    def test_media_files_are_not_reachable_by_another_url(self, adult_work_with_cover, settings):
        """Not at MEDIA_URL, not even with DEBUG on: the view is the only way to a cover."""
        for name in (adult_work_with_cover.cover.name, f"covers/{adult_work_with_cover.cover_token}-card.webp"):
            assert default_storage.exists(name)
            assert Client().get(f"/{settings.MEDIA_URL}{name}").status_code == 404
            assert Client().get(f"/{name}").status_code == 404


class TestCachingHeaders:
    def test_all_ages_cover_is_public_and_does_not_vary_on_the_cookie(self, client, safe_work_with_cover):
        response = client.get(cover_url(safe_work_with_cover))
        assert cache_control(response) == {"public", "max-age=3600"}
        assert not varies_on_cookie(response)
        assert response["ETag"] == f'"{safe_work_with_cover.cover_token}-card"'
        assert response["Last-Modified"] == http_date(int(safe_work_with_cover.cover_updated_at.timestamp()))

    def test_adult_cover_is_private_and_varies_on_the_cookie(self, adult_work_with_cover, gate_passed_client):
        response = gate_passed_client.get(cover_url(adult_work_with_cover))
        assert response.status_code == 200
        assert cache_control(response) == {"private", "max-age=3600"}
        assert varies_on_cookie(response)

    def test_unchanged_cover_answers_304(self, client, safe_work_with_cover):
        etag = client.get(cover_url(safe_work_with_cover))["ETag"]
        response = client.get(cover_url(safe_work_with_cover), HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert response["ETag"] == etag and "public" in cache_control(response)
        last_modified = client.get(cover_url(safe_work_with_cover))["Last-Modified"]
        assert client.get(cover_url(safe_work_with_cover), HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304

    def test_a_replaced_cover_has_a_new_etag_and_url(self, client, safe_work_with_cover):
        old_etag = client.get(cover_url(safe_work_with_cover))["ETag"]
        old_src = card_src(client.get("/works/"), safe_work_with_cover.title)
        with_cover(safe_work_with_cover)
        assert client.get(cover_url(safe_work_with_cover), HTTP_IF_NONE_MATCH=old_etag).status_code == 200
        assert card_src(client.get("/works/"), safe_work_with_cover.title) != old_src

    def test_the_gate_comes_before_the_etag(self, client, adult_work_with_cover):
        """A visitor who has not passed cannot even learn that a cached copy is current."""
        response = client.get(
            cover_url(adult_work_with_cover), HTTP_IF_NONE_MATCH=f'"{adult_work_with_cover.cover_token}-card"'
        )
        assert response.status_code == 404


def card_src(response, title) -> str:
    return re.search(r'<img class="cover[^"]*" src="([^"]+)"', card_for(response, title)).group(1)


class TestCoversInPages:
    def test_cards_show_the_cover_thumbnail_with_size_and_lazy_loading(self, client, safe_work_with_cover):
        card = card_for(client.get("/works/"), safe_work_with_cover.title)
        img = re.search(r"<img [^>]*>", card).group(0)
        assert f'src="{cover_url(safe_work_with_cover)}?v={safe_work_with_cover.cover_token}"' in img
        assert 'width="200" height="300"' in img
        assert 'loading="lazy"' in img
        assert 'alt="Cover of Sunlit Harbour"' in img

    def test_work_page_shows_the_detail_thumbnail(self, client, safe_work_with_cover):
        page = html(client.get(safe_work_with_cover.get_absolute_url()))
        img = re.search(r'<img class="cover cover--detail[^>]*>', page).group(0)
        assert f'src="{cover_url(safe_work_with_cover, "detail")}?v={safe_work_with_cover.cover_token}"' in img
        assert 'width="400" height="600"' in img and 'alt="Cover of Sunlit Harbour"' in img

    @pytest.mark.parametrize("path", ["/", "/works/", "/search/?q=velvet"])
    def test_locked_card_shows_the_placeholder_never_the_cover(self, client, adult_work_with_cover, path):
        Work.objects.filter(pk=adult_work_with_cover.pk).update(is_featured=True)
        response = client.get(path)
        page = html(response)
        locked_cards = [card for card in cards(response) if f">{adult_work_with_cover.title}</a>" in card]
        assert locked_cards
        assert "/cover/" not in page and adult_work_with_cover.cover_token not in page
        for card in locked_cards:
            assert f"/works/{adult_work_with_cover.slug}/placeholder.svg?v=" in card

    def test_unlocked_card_shows_the_adult_cover(self, adult_work_with_cover, gate_passed_client):
        card = card_for(gate_passed_client.get("/works/"), adult_work_with_cover.title)
        assert f'src="{cover_url(adult_work_with_cover)}?v={adult_work_with_cover.cover_token}"' in card

    def test_gate_page_shows_no_cover(self, client, adult_work_with_cover):
        page = html(client.get(adult_work_with_cover.get_absolute_url()))
        assert "Are you 18 or older?" in page
        assert "/cover/" not in page and adult_work_with_cover.cover_token not in page

    def test_work_without_a_cover_shows_its_placeholder(self, client, db):
        bare = make_work("Bare Harbour")
        card = card_for(client.get("/works/"), "Bare Harbour")
        img = re.search(r"<img [^>]*>", card).group(0)
        assert f'src="/works/{bare.slug}/placeholder.svg?v=' in img
        assert 'alt=""' in img and 'width="200" height="300"' in img and 'loading="lazy"' in img
