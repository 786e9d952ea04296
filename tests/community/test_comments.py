"""Comments on glossary terms: one level of replies, favourite work, limits; and "Suggest a term"."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import TagCategory
from community import services
from community.models import Comment, Status, TermSuggestion
from tests.builders import make_comment, make_member, make_tag, make_term, make_work
from tests.pages import form_errors, html, login

pytestmark = pytest.mark.django_db


def create_url(term):
    return reverse("community:comment-create", args=[term.slug])


class TestCreate:
    def test_member_comments(self, adult_member, adult_member_client, netorare_term):
        response = adult_member_client.post(create_url(netorare_term), {"body": "I felt sad reading this."})
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"{netorare_term.get_absolute_url()}#comment-{comment.pk}"
        assert (comment.author, comment.term, comment.parent, comment.depth) == (adult_member, netorare_term, None, 0)
        page_html = html(adult_member_client.get(netorare_term.get_absolute_url()))
        assert "Your comment was posted." in page_html
        assert f'id="comment-{comment.pk}"' in page_html
        assert "I felt sad reading this." in page_html

    def test_anonymous_is_sent_to_login(self, client, netorare_term):
        response = client.post(create_url(netorare_term), {"body": "hello"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert not Comment.objects.exists()
        assert "to leave a comment" in html(client.get(netorare_term.get_absolute_url()))

    def test_unpublished_term_is_404(self, adult_member_client):
        draft = make_term("Draft term", published=False)
        assert adult_member_client.post(create_url(draft), {"body": "hello"}).status_code == 404

    @pytest.mark.parametrize("length,ok", [(1, True), (5_000, True), (5_001, False), (20_001, False)])
    def test_body_length(self, adult_member_client, netorare_term, length, ok):
        response = adult_member_client.post(create_url(netorare_term), {"body": "a" * length})
        assert response.status_code == (302 if ok else 400)
        assert Comment.objects.exists() is ok

    @pytest.mark.parametrize("body", ["", "   \n  "])
    def test_empty_body_is_refused(self, adult_member_client, netorare_term, body):
        response = adult_member_client.post(create_url(netorare_term), {"body": body})
        assert response.status_code == 400
        assert "This field is required." in form_errors(response)
        assert not Comment.objects.exists()

    def test_missing_body_is_refused(self, adult_member_client, netorare_term):
        assert adult_member_client.post(create_url(netorare_term), {}).status_code == 400
        assert not Comment.objects.exists()


class TestReplies:
    def test_reply_to_a_comment(self, adult_member, other_adult_member, other_adult_member_client, netorare_term):
        top = make_comment(adult_member, netorare_term, body="Top-level-marker")
        response = other_adult_member_client.post(create_url(netorare_term), {"body": "Reply-marker", "parent": top.pk})
        assert response.status_code == 302
        reply = Comment.objects.get(author=other_adult_member)
        assert (reply.parent, reply.depth) == (top, 1)
        page_html = html(Client().get(netorare_term.get_absolute_url()))
        thread = re.search(
            r'<div class="thread">(.*?)</div>\s*(?:<div class="thread">|<p class="empty">|</section>)', page_html, re.S
        )
        assert "Top-level-marker" in thread.group(1) and "Reply-marker" in thread.group(1)
        assert 'class="comment comment--reply"' in page_html

    def test_reply_to_a_reply_joins_the_top_level_thread(
        self, adult_member, other_adult_member, other_adult_member_client, netorare_term
    ):
        top = make_comment(adult_member, netorare_term)
        reply = make_comment(other_adult_member, netorare_term, parent=top)
        response = login(adult_member).post(create_url(netorare_term), {"body": "Reply to a reply", "parent": reply.pk})
        assert response.status_code == 302
        new = Comment.objects.get(body="Reply to a reply")
        assert (new.parent_id, new.depth) == (top.pk, 1)
        assert max(Comment.objects.values_list("depth", flat=True)) == 1

    def test_service_flattens_replies(self, adult_member, other_adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term)
        reply = make_comment(other_adult_member, netorare_term, parent=top)
        deeper = make_comment(adult_member, netorare_term, parent=reply)
        assert (deeper.parent_id, deeper.depth) == (top.pk, 1)

    @pytest.mark.parametrize("parent", ["-1", "0", "999999", "abc", "1.5"])
    def test_bad_parent_is_refused_and_writes_nothing(self, adult_member_client, netorare_term, parent):
        response = adult_member_client.post(create_url(netorare_term), {"body": "A reply", "parent": parent})
        assert response.status_code == 400
        assert response.context["form"].errors
        assert not Comment.objects.exists()

    def test_unknown_parent_error_is_shown(self, adult_member_client, netorare_term):
        response = adult_member_client.post(create_url(netorare_term), {"body": "A reply", "parent": "999999"})
        assert "The comment you replied to no longer exists." in form_errors(response)

    @pytest.mark.parametrize("parent", ["-1", "abc"])
    def test_malformed_parent_error_is_shown(self, adult_member_client, netorare_term, parent):
        response = adult_member_client.post(create_url(netorare_term), {"body": "A reply", "parent": parent})
        assert response.status_code == 400
        assert form_errors(response)

    def test_parent_from_another_term_is_refused(self, adult_member, other_adult_member_client, netorare_term):
        elsewhere = make_comment(adult_member, make_term("Netori"))
        response = other_adult_member_client.post(
            create_url(netorare_term), {"body": "A reply", "parent": elsewhere.pk}
        )
        assert response.status_code == 400
        assert "The comment you replied to no longer exists." in form_errors(response)
        assert Comment.objects.count() == 1

    def test_service_refuses_parent_from_another_term(self, adult_member, other_adult_member, netorare_term):
        elsewhere = make_comment(adult_member, make_term("Netori"))
        with pytest.raises(ValidationError):
            make_comment(other_adult_member, netorare_term, parent=elsewhere)

    @pytest.mark.parametrize("status", [Status.PENDING, Status.HIDDEN, Status.REMOVED])
    def test_no_replies_to_a_moderated_comment(self, adult_member, other_adult_member_client, netorare_term, status):
        top = make_comment(adult_member, netorare_term)
        Comment.objects.filter(pk=top.pk).update(status=status)
        response = other_adult_member_client.post(create_url(netorare_term), {"body": "A reply", "parent": top.pk})
        assert response.status_code == 400
        assert "That comment is no longer open for replies." in form_errors(response)
        assert Comment.objects.count() == 1

    def test_database_rejects_depth_two(self, adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term)
        reply = make_comment(adult_member, netorare_term, parent=top, body="reply")
        with pytest.raises(IntegrityError), transaction.atomic():
            Comment.objects.create(author=adult_member, term=netorare_term, parent=reply, depth=2, body="too deep")

    def test_database_rejects_depth_not_matching_parent(self, adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term)
        with pytest.raises(IntegrityError), transaction.atomic():
            Comment.objects.create(author=adult_member, term=netorare_term, parent=None, depth=1, body="orphan reply")
        with pytest.raises(IntegrityError), transaction.atomic():
            Comment.objects.create(
                author=adult_member, term=netorare_term, parent=top, depth=0, body="reply without depth"
            )

    def test_hidden_replies_are_not_shown(self, adult_member, other_adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term)
        reply = make_comment(other_adult_member, netorare_term, parent=top, body="Hidden-reply-marker")
        Comment.objects.filter(pk=reply.pk).update(status=Status.HIDDEN)
        assert "Hidden-reply-marker" not in html(Client().get(netorare_term.get_absolute_url()))


class TestFavouriteWork:
    def test_exact_title_links_the_work(self, adult_member_client, netorare_term, safe_work):
        response = adult_member_client.post(
            create_url(netorare_term), {"body": "Love it", "favourite_work": "Sunny Afternoon"}
        )
        assert response.status_code == 302
        assert Comment.objects.get().favourite_work == safe_work
        page_html = html(Client().get(netorare_term.get_absolute_url()))
        assert f'Favourite: <a href="{safe_work.get_absolute_url()}">Sunny Afternoon</a>' in page_html

    def test_unknown_title_is_a_form_error(self, adult_member_client, netorare_term, safe_work):
        response = adult_member_client.post(
            create_url(netorare_term), {"body": "Love it", "favourite_work": "Sunny Afternoo"}
        )
        assert response.status_code == 400
        assert "No work with that title is in the catalog." in form_errors(response)
        assert not Comment.objects.exists()

    def test_unpublished_work_is_unknown(self, adult_member_client, netorare_term):
        make_work("Secret Draft", published=False)
        response = adult_member_client.post(
            create_url(netorare_term), {"body": "Love it", "favourite_work": "Secret Draft"}
        )
        assert response.status_code == 400
        assert not Comment.objects.exists()

    def test_adult_may_link_an_r18_work(self, adult_member_client, netorare_term, adult_work):
        assert (
            adult_member_client.post(
                create_url(netorare_term), {"body": "Love it", "favourite_work": "Triangle Blue"}
            ).status_code
            == 302
        )
        assert Comment.objects.get().favourite_work == adult_work

    def test_minor_is_refused_an_r18_favourite(self, minor_member, minor_member_client, netorare_term, adult_work):
        response = minor_member_client.post(
            create_url(netorare_term), {"body": "Love it", "favourite_work": "Triangle Blue"}
        )
        assert response.status_code in (400, 403)
        assert not Comment.objects.exists()

    def test_minor_is_refused_an_r18_favourite_by_the_service(self, minor_member, netorare_term, adult_work):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            make_comment(minor_member, netorare_term, favourite_work=adult_work)
        assert not Comment.objects.exists()

    def test_minor_cannot_edit_in_an_r18_favourite(self, minor_member, minor_member_client, netorare_term, adult_work):
        comment = make_comment(minor_member, netorare_term, body="Plain")
        response = minor_member_client.post(
            reverse("community:comment-edit", args=[comment.pk]), {"body": "Plain", "favourite_work": "Triangle Blue"}
        )
        assert response.status_code in (400, 403)
        comment.refresh_from_db()
        assert comment.favourite_work is None


class TestEditDelete:
    def test_owner_edits_and_deletes(self, adult_member, adult_member_client, netorare_term):
        comment = make_comment(adult_member, netorare_term, body="Before")
        edit = reverse("community:comment-edit", args=[comment.pk])
        assert adult_member_client.get(edit).status_code == 200
        assert adult_member_client.post(edit, {"body": "After"}).status_code == 302
        comment.refresh_from_db()
        assert comment.body == "After"
        assert adult_member_client.post(reverse("community:comment-delete", args=[comment.pk])).status_code == 302
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        "name,method",
        [("comment-edit", "get"), ("comment-edit", "post"), ("comment-delete", "get"), ("comment-delete", "post")],
    )
    def test_others_get_403(self, adult_member, other_adult_member_client, netorare_term, name, method):
        comment = make_comment(adult_member, netorare_term, body="Mine")
        url = reverse(f"community:{name}", args=[comment.pk])
        response = (
            other_adult_member_client.post(url, {"body": "Theirs"})
            if method == "post"
            else other_adult_member_client.get(url)
        )
        assert response.status_code == 403
        comment.refresh_from_db()
        assert comment.body == "Mine"


class TestCommentLimits:
    def test_comments_per_hour(self, adult_member, adult_member_client, netorare_term, settings):
        assert settings.NTRDB_COMMENTS_PER_HOUR == 10
        for n in range(10):
            assert (
                adult_member_client.post(create_url(netorare_term), {"body": f"Comment number {n}"}).status_code == 302
            )
        response = adult_member_client.post(create_url(netorare_term), {"body": "One too many"})
        assert response.status_code == 400
        assert "You can post at most 10 comments an hour. Please wait a little." in form_errors(response)
        assert Comment.objects.count() == 10

    def test_replies_count_towards_the_limit(self, adult_member, other_adult_member, netorare_term, settings):
        settings.NTRDB_COMMENTS_PER_HOUR = 2
        top = make_comment(other_adult_member, netorare_term)
        make_comment(adult_member, netorare_term, body="one")
        make_comment(adult_member, netorare_term, body="two", parent=top)
        with pytest.raises(ValidationError):
            make_comment(adult_member, netorare_term, body="three", parent=top)

    def test_comments_older_than_an_hour_do_not_count(self, adult_member, netorare_term, settings):
        settings.NTRDB_COMMENTS_PER_HOUR = 1
        first = make_comment(adult_member, netorare_term, body="old")
        Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1, minutes=1))
        make_comment(adult_member, netorare_term, body="new")
        assert Comment.objects.count() == 2

    def test_exact_duplicate_within_the_window_is_refused(self, adult_member, adult_member_client, netorare_term):
        other_term = make_term("Netori")
        assert adult_member_client.post(create_url(netorare_term), {"body": "Same words"}).status_code == 302
        response = adult_member_client.post(create_url(other_term), {"body": "Same words"})
        assert response.status_code == 400
        assert "You just posted exactly this. It was not posted twice." in form_errors(response)
        assert Comment.objects.count() == 1
        # A different text is fine, and so is the same text once the window has passed.
        assert adult_member_client.post(create_url(netorare_term), {"body": "Other words"}).status_code == 302
        Comment.objects.filter(body="Same words").update(created_at=timezone.now() - datetime.timedelta(seconds=601))
        assert adult_member_client.post(create_url(netorare_term), {"body": "Same words"}).status_code == 302

    def test_duplicates_by_different_members_are_fine(self, adult_member, other_adult_member, netorare_term):
        make_comment(adult_member, netorare_term, body="+1")
        make_comment(other_adult_member, netorare_term, body="+1")
        assert Comment.objects.count() == 2


class TestTermSuggestion:
    URL = reverse("community:term-suggest")

    def test_form_and_link_on_term_page(self, adult_member_client, netorare_term):
        assert f'href="{self.URL}"' in html(adult_member_client.get(netorare_term.get_absolute_url()))
        assert adult_member_client.get(self.URL).status_code == 200

    def test_suggestion_is_pending(self, adult_member, adult_member_client):
        response = adult_member_client.post(self.URL, {"name": "  Cuckold  ", "note": "Seen in a tag."})
        assert response.status_code == 302
        assert response["Location"] == reverse("glossary:term-index")
        suggestion = TermSuggestion.objects.get()
        assert (suggestion.author, suggestion.name, suggestion.note, suggestion.status) == (
            adult_member,
            "Cuckold",
            "Seen in a tag.",
            TermSuggestion.State.PENDING,
        )

    def test_shown_in_admin_queue(self, adult_member):
        services.term_suggestion_create(author=adult_member, name="Cuckold")
        curator = make_member("curator", is_staff=True, is_superuser=True)
        response = login(curator).get("/admin/community/termsuggestion/", {"status__exact": "pending"})
        assert response.status_code == 200
        assert "Cuckold" in html(response)

    def test_same_pending_suggestion_twice_is_refused(self, adult_member, adult_member_client):
        adult_member_client.post(self.URL, {"name": "Cuckold"})
        response = adult_member_client.post(self.URL, {"name": "cuckold"})
        assert response.status_code == 400
        assert "You have already suggested this term; it is waiting for a curator." in form_errors(response)
        assert TermSuggestion.objects.count() == 1

    @pytest.mark.parametrize("data", [{"name": ""}, {"name": "x" * 101}, {"name": "ok", "note": "n" * 20_001}])
    def test_invalid(self, adult_member_client, data):
        response = adult_member_client.post(self.URL, data)
        assert response.status_code == 400
        assert form_errors(response)
        assert not TermSuggestion.objects.exists()

    def test_empty_post_writes_nothing(self, adult_member_client):
        assert adult_member_client.post(self.URL, {}).status_code == 400
        assert not TermSuggestion.objects.exists()

    def test_empty_post_shows_errors(self, adult_member_client):
        assert "This field is required." in form_errors(adult_member_client.post(self.URL, {}))

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
    from tests.builders import make_member, make_term

    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes the write lock at BEGIN (IMMEDIATE), so posts never overlap there")
    term = make_term("Netorare")
    member = make_member(age=30)
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


def test_a_favourite_that_was_unpublished_is_no_longer_named(adult_member, netorare_term):
    """Found in review: the comment kept naming (and linking to) a work curators had since unpublished."""
    from community import services
    from tests.builders import make_work

    favourite = make_work("Withdrawn-favourite-marker")
    services.comment_create(
        author=adult_member, term=netorare_term, body="My favourite is this one.", favourite_work=favourite
    )
    assert "Withdrawn-favourite-marker" in html(Client().get(netorare_term.get_absolute_url()))
    favourite.is_published = False
    favourite.save()
    assert "Withdrawn-favourite-marker" not in html(Client().get(netorare_term.get_absolute_url()))


def test_deleting_a_comment_keeps_the_replies_of_others(adult_member, netorare_term):
    """Deleting one's own comment used to delete every reply to it: other members' words, lost."""
    from community import services

    other = make_member()
    comment = services.comment_create(author=adult_member, term=netorare_term, body="Deleted-comment-marker")
    services.comment_create(author=other, term=netorare_term, body="Reply-of-another-marker", parent=comment)
    login(adult_member).post(f"/comments/{comment.pk}/delete/")
    text = html(Client().get(netorare_term.get_absolute_url()))
    assert "Reply-of-another-marker" in text
    assert "Deleted-comment-marker" not in text
    assert "Deleted by its author" in text
    assert login(adult_member).get(f"/comments/{comment.pk}/edit/").status_code == 404
    assert login(other).get(f"/comments/{comment.pk}/report/").status_code == 404


def test_deleting_a_comment_without_replies_removes_it(adult_member, netorare_term):
    from community import services

    comment = services.comment_create(author=adult_member, term=netorare_term, body="Nobody answered this one.")
    login(adult_member).post(f"/comments/{comment.pk}/delete/")
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_the_delete_confirmation_tells_the_truth_about_replies(adult_member, adult_member_client, netorare_term):
    """It used to say replies are deleted with the comment, though they have been kept since deletion keeps threads."""
    comment = make_comment(adult_member, netorare_term, body="A comment to delete.")
    text = html(adult_member_client.get(reverse("community:comment-delete", args=[comment.pk])))
    assert "Replies to it are deleted with it" not in text
    assert "their replies stay" in text


def comments_prompt(client, term) -> str:
    page = html(client.get(term.get_absolute_url()))
    return page.split('id="comments-title"', 1)[1].split("</p>", 1)[0]


def test_genre_terms_ask_how_such_stories_feel_and_others_ask_for_questions(world, client):
    """Found in review: "How does route make you feel? What's your favourite?" closed every term."""
    setup_term = make_term("The questioning partner", slug="questioning-partner")
    make_tag("The questioning partner", category=TagCategory.SETUP, term=setup_term)
    for term in (world.terms.netorare, world.terms.netori, setup_term):
        prompt = comments_prompt(client, term)
        assert "leave you feeling" in prompt and "favourite" in prompt, term.slug
    for term in (world.terms.route, make_term("Kanojo")):
        prompt = comments_prompt(client, term)
        assert "feeling" not in prompt and "favourite" not in prompt, term.slug
        assert "A question about this term, an example you have come across, or a correction?" in prompt
