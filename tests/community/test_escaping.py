"""Hostile markup in every text field comes back escaped; line breaks become <br>; URLs stay plain text."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from community import services
from community.models import Report, TermSuggestion
from tests.builders import IMG, SCRIPT, make_comment, make_member, make_review
from tests.pages import html, login

pytestmark = pytest.mark.django_db

URL_TEXT = "https://evil.example/path"
HOSTILE = f"{SCRIPT} first line {IMG}\nsecond line {URL_TEXT} and more words to pass the minimum length"


def assert_escaped(page_html: str, *payloads: str) -> None:
    for payload in payloads:
        assert payload not in page_html, f"raw {payload!r} in page"
        assert escape(payload) in page_html, f"escaped {payload!r} missing"
    assert "<script>alert" not in page_html
    assert "onerror=alert(1)>" not in page_html.replace(escape(IMG), "")


def assert_plain_text(page_html: str) -> None:
    assert f'href="{URL_TEXT}' not in page_html
    assert URL_TEXT in page_html


@pytest.fixture
def superuser(db):
    return make_member("root", is_staff=True, is_superuser=True)


class TestReviewBody:
    def test_work_page(self, adult_member, safe_work):
        make_review(adult_member, safe_work, body=HOSTILE)
        page_html = html(Client().get(safe_work.get_absolute_url()))
        assert_escaped(page_html, SCRIPT, IMG)
        assert f"{escape(IMG)}<br>second line" in page_html
        assert_plain_text(page_html)

    def test_spoiler_review(self, adult_member, safe_work):
        make_review(adult_member, safe_work, body=HOSTILE, has_spoilers=True)
        page_html = html(Client().get(safe_work.get_absolute_url()))
        assert_escaped(page_html, SCRIPT, IMG)
        assert "<br>second line" in page_html

    def test_member_profile_and_edit_pages(self, adult_member, adult_member_client, safe_work):
        review = make_review(adult_member, safe_work, body=HOSTILE)
        for url in (
            reverse("accounts:member-detail", args=[adult_member.username]),
            reverse("accounts:profile"),
            reverse("community:review-edit", args=[review.pk]),
            reverse("community:review-delete", args=[review.pk]),
        ):
            page_html = html(adult_member_client.get(url))
            assert_escaped(page_html, SCRIPT, IMG)
            assert f'href="{URL_TEXT}' not in page_html

    def test_rejected_form_echoes_escaped(self, adult_member_client, safe_work):
        response = adult_member_client.post(
            reverse("community:review-create", args=[safe_work.slug]), {"score": 11, "body": HOSTILE}
        )
        assert response.status_code == 400
        assert_escaped(html(response), SCRIPT, IMG)

    def test_admin_change_page(self, adult_member, superuser, safe_work):
        review = make_review(adult_member, safe_work, body=HOSTILE)
        client = login(superuser)
        assert_escaped(html(client.get(f"/admin/community/review/{review.pk}/change/")), SCRIPT, IMG)
        assert "<script>alert" not in html(client.get("/admin/community/review/"))


class TestCommentBody:
    def test_term_page(self, adult_member, other_adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term, body=HOSTILE)
        make_comment(other_adult_member, netorare_term, body=f"reply {SCRIPT}\n{IMG}", parent=top)
        page_html = html(Client().get(netorare_term.get_absolute_url()))
        assert_escaped(page_html, SCRIPT, IMG)
        assert f"{escape(IMG)}<br>second line" in page_html
        assert f"reply {escape(SCRIPT)}<br>{escape(IMG)}" in page_html
        assert_plain_text(page_html)

    def test_other_pages(self, adult_member, adult_member_client, other_adult_member_client, netorare_term):
        comment = make_comment(adult_member, netorare_term, body=HOSTILE)
        for client, url in (
            (adult_member_client, reverse("accounts:member-detail", args=[adult_member.username])),
            (adult_member_client, reverse("accounts:profile")),
            (adult_member_client, reverse("community:comment-edit", args=[comment.pk])),
            (other_adult_member_client, reverse("community:comment-report", args=[comment.pk])),
        ):
            assert_escaped(html(client.get(url)), SCRIPT, IMG)

    def test_admin_pages(self, adult_member, superuser, netorare_term):
        comment = make_comment(adult_member, netorare_term, body=HOSTILE)
        client = login(superuser)
        assert_escaped(html(client.get("/admin/community/comment/")), SCRIPT)  # __str__ shows the body's start
        assert_escaped(html(client.get(f"/admin/community/comment/{comment.pk}/change/")), SCRIPT, IMG)

    def test_rejected_form_echoes_escaped(self, adult_member_client, netorare_term):
        response = adult_member_client.post(
            reverse("community:comment-create", args=[netorare_term.slug]),
            {"body": HOSTILE, "favourite_work": IMG},
        )
        assert response.status_code == 400
        assert_escaped(html(response), SCRIPT, IMG)


class TestReportNote:
    def test_rejected_form_echoes_escaped(self, adult_member, other_adult_member_client, safe_work):
        review = make_review(adult_member, safe_work)
        response = other_adult_member_client.post(
            reverse("community:review-report", args=[review.pk]), {"reason": "bogus", "note": f"{SCRIPT}{IMG}"}
        )
        assert response.status_code == 400
        assert_escaped(html(response), SCRIPT, IMG)

    def test_admin_pages(self, adult_member, other_adult_member, superuser, safe_work):
        review = make_review(adult_member, safe_work)
        report = services.report_create(
            reporter=other_adult_member, review=review, reason="abuse", note=f"{SCRIPT}{IMG}"
        )
        client = login(superuser)
        for url in (
            f"/admin/community/report/{report.pk}/change/",
            f"/admin/community/review/{review.pk}/change/",
        ):
            response = client.get(url)
            assert response.status_code == 200
            assert_escaped(html(response), SCRIPT, IMG)
        assert Report.objects.get().note == f"{SCRIPT}{IMG}"  # stored as typed, escaped on output


class TestSuggestion:
    def test_rejected_form_echoes_escaped(self, adult_member_client):
        response = adult_member_client.post(
            reverse("community:term-suggest"), {"name": "x" * 101, "note": f"{SCRIPT}{IMG}"}
        )
        assert response.status_code == 400
        assert_escaped(html(response), SCRIPT, IMG)

    def test_admin_pages(self, adult_member, superuser):
        suggestion = services.term_suggestion_create(author=adult_member, name=f"{IMG}", note=f"{SCRIPT}\n{IMG}")
        client = login(superuser)
        assert_escaped(html(client.get("/admin/community/termsuggestion/")), IMG)
        assert_escaped(html(client.get(f"/admin/community/termsuggestion/{suggestion.pk}/change/")), SCRIPT, IMG)
        assert TermSuggestion.objects.get().name == IMG


class TestUsername:
    """Sign-up forbids such names; an account made another way must still not inject markup."""

    @pytest.fixture
    def hostile(self, db):
        return make_member(IMG)

    def test_pages_showing_the_author(self, hostile, safe_work, netorare_term, adult_member):
        review = make_review(hostile, safe_work, body="A perfectly ordinary review that is long enough to pass.")
        comment = make_comment(hostile, netorare_term, body="ordinary comment")
        reader = login(adult_member)
        for url in (
            safe_work.get_absolute_url(),
            netorare_term.get_absolute_url(),
            reverse("accounts:member-detail", args=[hostile.username]),
            reverse("community:review-report", args=[review.pk]),
            reverse("community:comment-report", args=[comment.pk]),
        ):
            response = reader.get(url)
            assert response.status_code == 200, url
            assert_escaped(html(response), IMG)

    def test_own_pages(self, hostile):
        client = login(hostile)
        for url in (reverse("accounts:profile"), reverse("home")):
            assert_escaped(html(client.get(url)), IMG)

    def test_signup_refuses_markup_in_username(self, client):
        from tests.builders import PASSWORD

        response = client.post(
            reverse("accounts:signup"),
            {"username": IMG, "password1": PASSWORD, "password2": PASSWORD, "birth_date": "1990-01-01"},
        )
        assert response.status_code == 200
        assert_escaped(html(response), IMG)
        from accounts.models import User

        assert not User.objects.filter(username=IMG).exists()
