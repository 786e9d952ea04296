"""Comments on glossary terms: one level of replies, favourite work, limits; and "Suggest a term"."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Comment, Status, TermSuggestion
from tests.community.builders import form_errors, login, make_comment, make_member, make_term, make_work, page

pytestmark = pytest.mark.django_db


def create_url(term):
    return reverse("community:comment-create", args=[term.slug])


class TestCreate:
    def test_member_comments(self, adult, adult_client, term):
        response = adult_client.post(create_url(term), {"body": "I felt sad reading this."})
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"{term.get_absolute_url()}#comment-{comment.pk}"
        assert (comment.author, comment.term, comment.parent, comment.depth) == (adult, term, None, 0)
        html = page(adult_client.get(term.get_absolute_url()))
        assert "Your comment was posted." in html
        assert f'id="comment-{comment.pk}"' in html
        assert "I felt sad reading this." in html

    def test_anonymous_is_sent_to_login(self, client, term):
        response = client.post(create_url(term), {"body": "hello"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert not Comment.objects.exists()
        assert "to leave a comment" in page(client.get(term.get_absolute_url()))

    def test_unpublished_term_is_404(self, adult_client):
        draft = make_term("Draft term", is_published=False)
        assert adult_client.post(create_url(draft), {"body": "hello"}).status_code == 404

    @pytest.mark.parametrize("length,ok", [(1, True), (5_000, True), (5_001, False), (20_001, False)])
    def test_body_length(self, adult_client, term, length, ok):
        response = adult_client.post(create_url(term), {"body": "a" * length})
        assert response.status_code == (302 if ok else 400)
        assert Comment.objects.exists() is ok

    @pytest.mark.parametrize("body", ["", "   \n  "])
    def test_empty_body_is_refused(self, adult_client, term, body):
        response = adult_client.post(create_url(term), {"body": body})
        assert response.status_code == 400
        assert "This field is required." in form_errors(response)
        assert not Comment.objects.exists()

    def test_missing_body_is_refused(self, adult_client, term):
        assert adult_client.post(create_url(term), {}).status_code == 400
        assert not Comment.objects.exists()


class TestReplies:
    def test_reply_to_a_comment(self, adult, other_adult, other_client, term):
        top = make_comment(adult, term, body="Top-level-marker")
        response = other_client.post(create_url(term), {"body": "Reply-marker", "parent": top.pk})
        assert response.status_code == 302
        reply = Comment.objects.get(author=other_adult)
        assert (reply.parent, reply.depth) == (top, 1)
        html = page(Client().get(term.get_absolute_url()))
        thread = re.search(
            r'<div class="thread">(.*?)</div>\s*(?:<div class="thread">|<p class="empty">|</section>)', html, re.S
        )
        assert "Top-level-marker" in thread.group(1) and "Reply-marker" in thread.group(1)
        assert 'class="comment comment--reply"' in html

    def test_reply_to_a_reply_joins_the_top_level_thread(self, adult, other_adult, other_client, term):
        top = make_comment(adult, term)
        reply = make_comment(other_adult, term, parent=top)
        response = login(adult).post(create_url(term), {"body": "Reply to a reply", "parent": reply.pk})
        assert response.status_code == 302
        new = Comment.objects.get(body="Reply to a reply")
        assert (new.parent_id, new.depth) == (top.pk, 1)
        assert max(Comment.objects.values_list("depth", flat=True)) == 1

    def test_service_flattens_replies(self, adult, other_adult, term):
        top = make_comment(adult, term)
        reply = make_comment(other_adult, term, parent=top)
        deeper = make_comment(adult, term, parent=reply)
        assert (deeper.parent_id, deeper.depth) == (top.pk, 1)

    @pytest.mark.parametrize("parent", ["-1", "0", "999999", "abc", "1.5"])
    def test_bad_parent_is_refused_and_writes_nothing(self, adult_client, term, parent):
        response = adult_client.post(create_url(term), {"body": "A reply", "parent": parent})
        assert response.status_code == 400
        assert response.context["form"].errors
        assert not Comment.objects.exists()

    def test_unknown_parent_error_is_shown(self, adult_client, term):
        response = adult_client.post(create_url(term), {"body": "A reply", "parent": "999999"})
        assert "The comment you replied to no longer exists." in form_errors(response)

    @pytest.mark.parametrize("parent", ["-1", "abc"])
    def test_malformed_parent_error_is_shown(self, adult_client, term, parent):
        response = adult_client.post(create_url(term), {"body": "A reply", "parent": parent})
        assert response.status_code == 400
        assert form_errors(response)

    def test_parent_from_another_term_is_refused(self, adult, other_client, term):
        elsewhere = make_comment(adult, make_term("Netori"))
        response = other_client.post(create_url(term), {"body": "A reply", "parent": elsewhere.pk})
        assert response.status_code == 400
        assert "The comment you replied to no longer exists." in form_errors(response)
        assert Comment.objects.count() == 1

    def test_service_refuses_parent_from_another_term(self, adult, other_adult, term):
        elsewhere = make_comment(adult, make_term("Netori"))
        with pytest.raises(ValidationError):
            make_comment(other_adult, term, parent=elsewhere)

    @pytest.mark.parametrize("status", [Status.PENDING, Status.HIDDEN, Status.REMOVED])
    def test_no_replies_to_a_moderated_comment(self, adult, other_client, term, status):
        top = make_comment(adult, term)
        Comment.objects.filter(pk=top.pk).update(status=status)
        response = other_client.post(create_url(term), {"body": "A reply", "parent": top.pk})
        assert response.status_code == 400
        assert "That comment is no longer open for replies." in form_errors(response)
        assert Comment.objects.count() == 1

    def test_database_rejects_depth_two(self, adult, term):
        top = make_comment(adult, term)
        reply = make_comment(adult, term, parent=top, body="reply")
        with pytest.raises(IntegrityError), transaction.atomic():
            Comment.objects.create(author=adult, term=term, parent=reply, depth=2, body="too deep")

    def test_database_rejects_depth_not_matching_parent(self, adult, term):
        top = make_comment(adult, term)
        with pytest.raises(IntegrityError), transaction.atomic():
            Comment.objects.create(author=adult, term=term, parent=None, depth=1, body="orphan reply")
        with pytest.raises(IntegrityError), transaction.atomic():
            Comment.objects.create(author=adult, term=term, parent=top, depth=0, body="reply without depth")

    def test_hidden_replies_are_not_shown(self, adult, other_adult, term):
        top = make_comment(adult, term)
        reply = make_comment(other_adult, term, parent=top, body="Hidden-reply-marker")
        Comment.objects.filter(pk=reply.pk).update(status=Status.HIDDEN)
        assert "Hidden-reply-marker" not in page(Client().get(term.get_absolute_url()))


class TestFavouriteWork:
    def test_exact_title_links_the_work(self, adult_client, term, work):
        response = adult_client.post(create_url(term), {"body": "Love it", "favourite_work": "Sunny Afternoon"})
        assert response.status_code == 302
        assert Comment.objects.get().favourite_work == work
        html = page(Client().get(term.get_absolute_url()))
        assert f'Favourite: <a href="{work.get_absolute_url()}">Sunny Afternoon</a>' in html

    def test_unknown_title_is_a_form_error(self, adult_client, term, work):
        response = adult_client.post(create_url(term), {"body": "Love it", "favourite_work": "Sunny Afternoo"})
        assert response.status_code == 400
        assert "No work with that title is in the catalog." in form_errors(response)
        assert not Comment.objects.exists()

    def test_unpublished_work_is_unknown(self, adult_client, term):
        make_work("Secret Draft", published=False)
        response = adult_client.post(create_url(term), {"body": "Love it", "favourite_work": "Secret Draft"})
        assert response.status_code == 400
        assert not Comment.objects.exists()

    def test_adult_may_link_an_r18_work(self, adult_client, term, adult_work):
        assert (
            adult_client.post(create_url(term), {"body": "Love it", "favourite_work": "Triangle Blue"}).status_code
            == 302
        )
        assert Comment.objects.get().favourite_work == adult_work

    def test_minor_is_refused_an_r18_favourite(self, minor, minor_client, term, adult_work):
        response = minor_client.post(create_url(term), {"body": "Love it", "favourite_work": "Triangle Blue"})
        assert response.status_code in (400, 403)
        assert not Comment.objects.exists()

    def test_minor_is_refused_an_r18_favourite_by_the_service(self, minor, term, adult_work):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            make_comment(minor, term, favourite_work=adult_work)
        assert not Comment.objects.exists()

    def test_minor_cannot_edit_in_an_r18_favourite(self, minor, minor_client, term, adult_work):
        comment = make_comment(minor, term, body="Plain")
        response = minor_client.post(
            reverse("community:comment-edit", args=[comment.pk]), {"body": "Plain", "favourite_work": "Triangle Blue"}
        )
        assert response.status_code in (400, 403)
        comment.refresh_from_db()
        assert comment.favourite_work is None


class TestEditDelete:
    def test_owner_edits_and_deletes(self, adult, adult_client, term):
        comment = make_comment(adult, term, body="Before")
        edit = reverse("community:comment-edit", args=[comment.pk])
        assert adult_client.get(edit).status_code == 200
        assert adult_client.post(edit, {"body": "After"}).status_code == 302
        comment.refresh_from_db()
        assert comment.body == "After"
        assert adult_client.post(reverse("community:comment-delete", args=[comment.pk])).status_code == 302
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        "name,method",
        [("comment-edit", "get"), ("comment-edit", "post"), ("comment-delete", "get"), ("comment-delete", "post")],
    )
    def test_others_get_403(self, adult, other_client, term, name, method):
        comment = make_comment(adult, term, body="Mine")
        url = reverse(f"community:{name}", args=[comment.pk])
        response = other_client.post(url, {"body": "Theirs"}) if method == "post" else other_client.get(url)
        assert response.status_code == 403
        comment.refresh_from_db()
        assert comment.body == "Mine"


class TestCommentLimits:
    def test_comments_per_hour(self, adult, adult_client, term, settings):
        assert settings.NTRDB_COMMENTS_PER_HOUR == 10
        for n in range(10):
            assert adult_client.post(create_url(term), {"body": f"Comment number {n}"}).status_code == 302
        response = adult_client.post(create_url(term), {"body": "One too many"})
        assert response.status_code == 400
        assert "You can post at most 10 comments an hour. Please wait a little." in form_errors(response)
        assert Comment.objects.count() == 10

    def test_replies_count_towards_the_limit(self, adult, other_adult, term, settings):
        settings.NTRDB_COMMENTS_PER_HOUR = 2
        top = make_comment(other_adult, term)
        make_comment(adult, term, body="one")
        make_comment(adult, term, body="two", parent=top)
        with pytest.raises(ValidationError):
            make_comment(adult, term, body="three", parent=top)

    def test_comments_older_than_an_hour_do_not_count(self, adult, term, settings):
        settings.NTRDB_COMMENTS_PER_HOUR = 1
        first = make_comment(adult, term, body="old")
        Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1, minutes=1))
        make_comment(adult, term, body="new")
        assert Comment.objects.count() == 2

    def test_exact_duplicate_within_the_window_is_refused(self, adult, adult_client, term):
        other_term = make_term("Netori")
        assert adult_client.post(create_url(term), {"body": "Same words"}).status_code == 302
        response = adult_client.post(create_url(other_term), {"body": "Same words"})
        assert response.status_code == 400
        assert "You just posted exactly this. It was not posted twice." in form_errors(response)
        assert Comment.objects.count() == 1
        # A different text is fine, and so is the same text once the window has passed.
        assert adult_client.post(create_url(term), {"body": "Other words"}).status_code == 302
        Comment.objects.filter(body="Same words").update(created_at=timezone.now() - datetime.timedelta(seconds=601))
        assert adult_client.post(create_url(term), {"body": "Same words"}).status_code == 302

    def test_duplicates_by_different_members_are_fine(self, adult, other_adult, term):
        make_comment(adult, term, body="+1")
        make_comment(other_adult, term, body="+1")
        assert Comment.objects.count() == 2


class TestTermSuggestion:
    URL = reverse("community:term-suggest")

    def test_form_and_link_on_term_page(self, adult_client, term):
        assert f'href="{self.URL}"' in page(adult_client.get(term.get_absolute_url()))
        assert adult_client.get(self.URL).status_code == 200

    def test_suggestion_is_pending(self, adult, adult_client):
        response = adult_client.post(self.URL, {"name": "  Cuckold  ", "note": "Seen in a tag."})
        assert response.status_code == 302
        assert response["Location"] == reverse("glossary:term-index")
        suggestion = TermSuggestion.objects.get()
        assert (suggestion.author, suggestion.name, suggestion.note, suggestion.status) == (
            adult,
            "Cuckold",
            "Seen in a tag.",
            TermSuggestion.State.PENDING,
        )

    def test_shown_in_admin_queue(self, adult):
        services.term_suggestion_create(author=adult, name="Cuckold")
        curator = make_member("curator", is_staff=True, is_superuser=True)
        response = login(curator).get("/admin/community/termsuggestion/", {"status__exact": "pending"})
        assert response.status_code == 200
        assert "Cuckold" in page(response)

    def test_same_pending_suggestion_twice_is_refused(self, adult, adult_client):
        adult_client.post(self.URL, {"name": "Cuckold"})
        response = adult_client.post(self.URL, {"name": "cuckold"})
        assert response.status_code == 400
        assert "You have already suggested this term; it is waiting for a curator." in form_errors(response)
        assert TermSuggestion.objects.count() == 1

    @pytest.mark.parametrize("data", [{"name": ""}, {"name": "x" * 101}, {"name": "ok", "note": "n" * 20_001}])
    def test_invalid(self, adult_client, data):
        response = adult_client.post(self.URL, data)
        assert response.status_code == 400
        assert form_errors(response)
        assert not TermSuggestion.objects.exists()

    def test_empty_post_writes_nothing(self, adult_client):
        assert adult_client.post(self.URL, {}).status_code == 400
        assert not TermSuggestion.objects.exists()

    def test_empty_post_shows_errors(self, adult_client):
        assert "This field is required." in form_errors(adult_client.post(self.URL, {}))

    def test_requires_login(self, client):
        assert client.post(self.URL, {"name": "Cuckold"}).status_code == 302
        assert not TermSuggestion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_comment_sent_twice_at_once_is_posted_once():
    """Both requests of a double click ran the duplicate check before either had saved."""
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection, connections

    from community.models import Comment
    from community.services import comment_create
    from tests.conftest import make_term, make_user

    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes the write lock at BEGIN (IMMEDIATE), so posts never overlap there")
    term = make_term("Netorare")
    member = make_user(age=30)
    start = threading.Barrier(4)
    refused = []

    def post():
        try:
            start.wait()
            comment_create(author=member, term=term, body="The same words, sent four times at once.")
        except ValidationError:
            refused.append(True)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Comment.objects.filter(author=member).count() == 1
    assert len(refused) == 3


def test_a_favourite_that_was_unpublished_is_no_longer_named(adult, term):
    """Found in review: the comment kept naming (and linking to) a work curators had since unpublished."""
    from community import services
    from tests.community.builders import make_work

    favourite = make_work("Withdrawn-favourite-marker")
    services.comment_create(author=adult, term=term, body="My favourite is this one.", favourite_work=favourite)
    assert "Withdrawn-favourite-marker" in page(Client().get(term.get_absolute_url()))
    favourite.is_published = False
    favourite.save()
    assert "Withdrawn-favourite-marker" not in page(Client().get(term.get_absolute_url()))


def test_deleting_a_comment_keeps_the_replies_of_others(adult, term):
    """Deleting one's own comment used to delete every reply to it: other members' words, lost."""
    from community import services

    other = make_member()
    comment = services.comment_create(author=adult, term=term, body="Deleted-comment-marker")
    services.comment_create(author=other, term=term, body="Reply-of-another-marker", parent=comment)
    login(adult).post(f"/comments/{comment.pk}/delete/")
    text = page(Client().get(term.get_absolute_url()))
    assert "Reply-of-another-marker" in text
    assert "Deleted-comment-marker" not in text
    assert "Deleted by its author" in text
    assert login(adult).get(f"/comments/{comment.pk}/edit/").status_code == 404
    assert login(other).get(f"/comments/{comment.pk}/report/").status_code == 404


def test_deleting_a_comment_without_replies_removes_it(adult, term):
    from community import services

    comment = services.comment_create(author=adult, term=term, body="Nobody answered this one.")
    login(adult).post(f"/comments/{comment.pk}/delete/")
    assert not Comment.objects.filter(pk=comment.pk).exists()
