"""Birth date is fixed; minors never pass the gate; preferences; profile and public member pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from community.models import Comment, Review, Status
from tests.builders import body_text, make_comment, make_member, make_review, make_tag, make_work, tag_work, years_ago
from tests.pages import html, login

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
WORKS = reverse("catalog:work-list")


def work_titles(response) -> list[str]:
    return re.findall(r'<h3 class="work-card__title"><a href="[^"]*">(.*?)</a>', html(response))


class TestBirthDateIsFixed:
    def test_preferences_form_has_no_birth_date_field(self, adult_member_client):
        response = adult_member_client.get(PROFILE)
        assert "birth_date" not in response.context["form"].fields
        assert 'name="birth_date"' not in html(response)

    def test_posting_birth_date_to_profile_changes_nothing(self, minor_member, minor_member_client):
        before = minor_member.birth_date
        response = minor_member_client.post(
            PROFILE, {"birth_date": years_ago(40).isoformat(), "max_spoiler_level": 1, "show_adult_works": "on"}
        )
        assert response.status_code == 302
        minor_member.refresh_from_db()
        assert minor_member.birth_date == before
        assert minor_member.max_spoiler_level == 1  # the rest of the form still saved

    def test_profile_shows_the_birth_date_on_file(self, adult_member, adult_member_client):
        assert adult_member.birth_date.strftime("%Y") in html(adult_member_client.get(PROFILE))


class TestAgeGateForMembers:
    def test_adult_member_passes_automatically(self, adult_member_client, adult_work):
        response = adult_member_client.get(adult_work.get_absolute_url())
        assert response.status_code == 200
        assert "Adult-synopsis-marker." in html(response)
        assert "Are you 18 or older?" not in html(response)

    def test_minor_sees_the_closed_gate(self, minor_member_client, adult_work):
        response = minor_member_client.get(adult_work.get_absolute_url())
        assert response.status_code == 200
        assert "Adult-synopsis-marker." not in html(response)
        assert "This page is for adults only" in html(response)
        assert "Are you 18 or older?" not in html(response)

    def test_minor_clicking_enter_is_refused(self, minor_member_client, adult_work):
        response = minor_member_client.post(reverse("accounts:age-gate"), {"next": adult_work.get_absolute_url()})
        assert response.status_code == 403
        assert "Adult-synopsis-marker." not in html(minor_member_client.get(adult_work.get_absolute_url()))

    def test_minor_with_a_forged_session_flag_still_does_not_pass(self, minor_member_client, adult_work):
        from accounts.viewer import AGE_GATE_SESSION_KEY

        session = minor_member_client.session
        session[AGE_GATE_SESSION_KEY] = True
        session.save()
        assert "Adult-synopsis-marker." not in html(minor_member_client.get(adult_work.get_absolute_url()))

    def test_minor_cannot_review_an_r18_work_even_by_crafted_post(self, minor_member_client, adult_work):
        response = minor_member_client.post(
            reverse("community:review-create", args=[adult_work.slug]), {"score": 9, "body": body_text()}
        )
        assert response.status_code == 403
        assert not Review.objects.exists()
        adult_work.refresh_from_db()
        assert adult_work.review_count == 0

    def test_minor_cannot_review_through_the_service(self, minor_member, adult_work):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            make_review(minor_member, adult_work)
        assert not Review.objects.exists()

    def test_minor_can_review_an_all_ages_work(self, minor_member_client, safe_work):
        response = minor_member_client.post(
            reverse("community:review-create", args=[safe_work.slug]), {"score": 6, "body": body_text()}
        )
        assert response.status_code == 302
        assert Review.objects.filter(work=safe_work).count() == 1

    def test_minor_cannot_link_an_r18_favourite(self, minor_member_client, netorare_term, adult_work):
        response = minor_member_client.post(
            reverse("community:comment-create", args=[netorare_term.slug]),
            {"body": "My favourite!", "favourite_work": adult_work.title},
        )
        assert response.status_code in (400, 403)
        assert not Comment.objects.exists()

    def test_minor_may_link_an_all_ages_favourite(self, minor_member_client, netorare_term, safe_work):
        response = minor_member_client.post(
            reverse("community:comment-create", args=[netorare_term.slug]),
            {"body": "My favourite!", "favourite_work": safe_work.title},
        )
        assert response.status_code == 302
        assert Comment.objects.get().favourite_work == safe_work

    def test_minor_sees_the_review_form_on_an_all_ages_work_only(self, minor_member_client, safe_work, adult_work):
        # The review form's button (the work page's list form has a score too).
        assert html(minor_member_client.get(safe_work.get_absolute_url())).count(">Post review</button>") == 1
        assert ">Post review</button>" not in html(minor_member_client.get(adult_work.get_absolute_url()))


class TestPreferences:
    def test_hidden_tags_are_excluded_from_work_list(self, adult_member, adult_member_client):
        gore = make_tag("Gore")
        liked = make_work("Liked Work")
        hidden = make_work("Hidden Work")
        tag_work(hidden, gore)
        assert set(work_titles(adult_member_client.get(WORKS))) == {"Liked Work", "Hidden Work"}

        response = adult_member_client.post(
            PROFILE, {"hidden_tags": [gore.pk], "max_spoiler_level": 0, "show_adult_works": "on"}
        )
        assert response.status_code == 302
        assert list(adult_member.hidden_tags.all()) == [gore]
        assert work_titles(adult_member_client.get(WORKS)) == [liked.title]

    def test_show_adult_works_false_removes_r18_from_work_list(
        self, adult_member, adult_member_client, safe_work, adult_work
    ):
        assert set(work_titles(adult_member_client.get(WORKS))) == {safe_work.title, adult_work.title}
        adult_member_client.post(PROFILE, {"max_spoiler_level": 0})  # unchecked box = False
        adult_member.refresh_from_db()
        assert adult_member.show_adult_works is False
        assert work_titles(adult_member_client.get(WORKS)) == [safe_work.title]

    def test_minor_cannot_change_show_adult_works(self, minor_member, minor_member_client):
        minor_member_client.post(PROFILE, {"max_spoiler_level": 0})
        minor_member.refresh_from_db()
        assert minor_member.show_adult_works is True  # disabled field keeps its value

    def test_max_spoiler_level(self, adult_member, adult_member_client, safe_work):
        twist = make_tag("Twist")
        tag_work(safe_work, twist, spoiler_level=2, note="Spoiler-note-marker")
        page_html = html(adult_member_client.get(safe_work.get_absolute_url()))
        assert "Show spoiler tags" in page_html

        adult_member_client.post(PROFILE, {"max_spoiler_level": 2, "show_adult_works": "on"})
        adult_member.refresh_from_db()
        assert adult_member.max_spoiler_level == 2
        page_html = html(adult_member_client.get(safe_work.get_absolute_url()))
        assert "Show spoiler tags" not in page_html
        assert "Spoiler-note-marker" in page_html

    def test_spoiler_level_out_of_range_is_refused(self, adult_member, adult_member_client):
        response = adult_member_client.post(PROFILE, {"max_spoiler_level": 3, "show_adult_works": "on"})
        assert response.status_code == 200
        assert response.context["form"].errors
        adult_member.refresh_from_db()
        assert adult_member.max_spoiler_level == 0

    def test_refused_preferences_say_why_on_the_page(self, adult_member, adult_member_client):
        # The page used to come back unchanged and silent: nothing saved, and no word of why.
        gone = make_tag("Merged away")
        gone_id = gone.pk
        gone.delete()
        response = adult_member_client.post(PROFILE, {"hidden_tags": [str(gone_id)], "max_spoiler_level": 7})
        assert response.status_code == 200
        page_html = html(response)
        assert f"Select a valid choice. {gone_id} is not one of the available choices." in page_html
        assert "Select a valid choice. 7 is not one of the available choices." in page_html
        assert "Your preferences were saved." not in page_html
        adult_member.refresh_from_db()
        assert adult_member.max_spoiler_level == 0 and not adult_member.hidden_tags.exists()

    @pytest.mark.parametrize("tag_id", ["9223372036854775808", "-9223372036854775809", "9" * 30])
    def test_a_hidden_tag_id_beyond_the_database_range_is_refused(self, adult_member, adult_member_client, tag_id):
        # Django's pk__in check passed it to the database: OverflowError on SQLite, a 500.
        tag = make_tag("Kept")
        adult_member.hidden_tags.add(tag)
        response = adult_member_client.post(PROFILE, {"hidden_tags": [str(tag.pk), tag_id], "max_spoiler_level": 2})
        assert response.status_code == 200
        assert "hidden_tags" in response.context["form"].errors
        adult_member.refresh_from_db()
        assert list(adult_member.hidden_tags.all()) == [tag]
        assert adult_member.max_spoiler_level == 0

    def test_profile_requires_login(self, client):
        assert client.get(PROFILE).status_code == 302


class TestProfileAndMemberPages:
    def test_profile_lists_own_reviews_and_comments(self, adult_member, adult_member_client, safe_work, netorare_term):
        make_review(adult_member, safe_work, body=body_text("Profile-review-marker"))
        make_comment(adult_member, netorare_term, body="Profile-comment-marker")
        page_html = html(adult_member_client.get(PROFILE))
        assert "Profile-review-marker" in page_html
        assert "Profile-comment-marker" in page_html
        assert safe_work.title in page_html and netorare_term.name in page_html

    def test_member_page_shows_visible_reviews_only(self, adult_member, other_adult_member, safe_work, netorare_term):
        other_work = make_work("Other Work")
        make_review(adult_member, safe_work, body=body_text("Visible-review-marker"))
        pending = make_review(adult_member, other_work, body=body_text("Pending-review-marker"))
        Review.objects.filter(pk=pending.pk).update(status=Status.PENDING)
        make_comment(adult_member, netorare_term, body="Visible-comment-marker")
        response = Client().get(reverse("accounts:member-detail", args=["alice"]))
        assert response.status_code == 200
        page_html = html(response)
        assert "Visible-review-marker" in page_html
        assert "Pending-review-marker" not in page_html
        assert "Visible-comment-marker" in page_html
        assert adult_member.birth_date.isoformat() not in page_html

    def test_member_page_hides_r18_reviews_from_visitors_without_the_gate(self, adult_member, safe_work, adult_work):
        make_review(adult_member, safe_work, body=body_text("Safe-review-marker"))
        make_review(adult_member, adult_work, body=body_text("Adult-review-marker"))
        url = reverse("accounts:member-detail", args=["alice"])

        visitor = Client()
        page_html = html(visitor.get(url))
        assert "Safe-review-marker" in page_html
        assert "Adult-review-marker" not in page_html
        assert adult_work.title not in page_html

        minor_html = html(login(make_member("teen", age=15)).get(url))
        assert "Adult-review-marker" not in minor_html

        from accounts.viewer import AGE_GATE_SESSION_KEY

        session = visitor.session
        session[AGE_GATE_SESSION_KEY] = True
        session.save()
        assert "Adult-review-marker" in html(visitor.get(url))
        assert "Adult-review-marker" in html(login(make_member("grown")).get(url))

    def test_member_page_says_how_many_reviews_the_age_check_keeps_back(self, adult_member, safe_work, adult_work):
        """Found in review: a visitor read "No reviews yet." where every review was of an 18+ work."""
        make_review(adult_member, adult_work, body=body_text("Adult-review-marker"))
        url = reverse("accounts:member-detail", args=["alice"])
        page_html = html(Client().get(url))
        assert "No reviews yet." not in page_html
        assert "1 review of 18+ works is shown after the" in page_html
        assert 'href="/accounts/age-check/?next=/accounts/members/alice/"' in page_html
        assert "Adult-review-marker" not in page_html and adult_work.title not in page_html

        make_review(adult_member, safe_work, body=body_text("Safe-review-marker"))
        make_review(adult_member, make_work("Second Adult", age_rating="r18"))
        page_html = html(Client().get(url))
        assert "Safe-review-marker" in page_html
        assert "2 more reviews of 18+ works are shown after the" in page_html

        minor_html = html(login(make_member("teen", age=15)).get(url))
        assert "2 more reviews of 18+ works are not shown: 18+ pages stay closed until you are 18." in minor_html

        adult_html = html(login(make_member("grown")).get(url))
        assert "Adult-review-marker" in adult_html and "shown after the" not in adult_html

    def test_member_page_counts_only_published_reviews_behind_the_gate(self, adult_member, adult_work):
        review = make_review(adult_member, adult_work)
        Review.objects.filter(pk=review.pk).update(status=Status.PENDING)
        page_html = html(Client().get(reverse("accounts:member-detail", args=["alice"])))
        assert "No reviews yet." in page_html and "shown after the" not in page_html

    def test_profile_keeps_a_review_of_an_unpublished_work_without_its_title(
        self, adult_member, adult_member_client, safe_work, netorare_term
    ):
        """Found in review: the member's own profile still named a work that had been unpublished."""
        make_review(adult_member, safe_work, body=body_text("Own-review-marker"))
        make_comment(adult_member, netorare_term, body="Own-comment-marker")
        safe_work.is_published = False
        safe_work.save()
        netorare_term.is_published = False
        netorare_term.save()
        page_html = html(adult_member_client.get(PROFILE))
        assert "Own-review-marker" in page_html and "Own-comment-marker" in page_html
        assert safe_work.title not in page_html and safe_work.get_absolute_url() not in page_html
        assert "A work no longer in the catalog" in page_html
        assert netorare_term.get_absolute_url() not in page_html
        assert "On a term no longer in the glossary" in page_html

    def test_unknown_or_inactive_member_is_404(self, adult_member):
        assert Client().get(reverse("accounts:member-detail", args=["nobody"])).status_code == 404
        User.objects.filter(pk=adult_member.pk).update(is_active=False)
        assert Client().get(reverse("accounts:member-detail", args=["alice"])).status_code == 404

    def test_a_nul_character_in_the_username_is_404_before_the_database_is_asked(
        self, adult_member, django_assert_num_queries
    ):
        # PostgreSQL refuses a NUL in a query string, which was a 500 there.
        client = Client()
        with django_assert_num_queries(0):
            assert client.get("/accounts/members/alice%00/").status_code == 404
