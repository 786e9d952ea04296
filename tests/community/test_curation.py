"""The Curators group, curator access to the admin, moderation actions, featuring works and merging tags."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from catalog.models import Tag, WorkTag
from catalog.services import tag_merge
from community import services
from community.models import Comment, ModerationAction, Report, Review, Status
from tests.builders import body_text, make_comment, make_member, make_review, make_tag, make_work, tag_work
from tests.pages import html, login, messages_of

pytestmark = pytest.mark.django_db

EXPECTED_CURATOR_PERMISSIONS = {
    ("catalog", "add_work"),
    ("catalog", "change_work"),
    ("catalog", "delete_work"),
    ("catalog", "view_work"),
    ("catalog", "add_tag"),
    ("catalog", "change_tag"),
    ("catalog", "delete_tag"),
    ("catalog", "view_tag"),
    ("catalog", "add_worktag"),
    ("catalog", "change_worktag"),
    ("catalog", "delete_worktag"),
    ("catalog", "view_worktag"),
    ("glossary", "add_term"),
    ("glossary", "change_term"),
    ("glossary", "delete_term"),
    ("glossary", "view_term"),
    ("glossary", "add_termfaq"),
    ("glossary", "change_termfaq"),
    ("glossary", "delete_termfaq"),
    ("glossary", "view_termfaq"),
    ("community", "change_review"),
    ("community", "view_review"),
    ("community", "change_comment"),
    ("community", "view_comment"),
    ("community", "change_report"),
    ("community", "view_report"),
    ("community", "change_termsuggestion"),
    ("community", "view_termsuggestion"),
    ("community", "view_moderationaction"),
}


def run_action(client, changelist, action, ids, **extra):
    data = {"action": action, "_selected_action": [str(pk) for pk in ids], **extra}
    return client.post(changelist, data, follow=True)


def admin_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


class TestCuratorsGroup:
    def test_exact_permissions(self):
        group = Group.objects.get(name="Curators")
        actual = set(group.permissions.values_list("content_type__app_label", "codename"))
        assert actual == EXPECTED_CURATOR_PERMISSIONS

    def test_curator_has_them_and_nothing_more(self, curator):
        curator = User.objects.get(pk=curator.pk)
        assert curator.get_all_permissions() == {f"{app}.{code}" for app, code in EXPECTED_CURATOR_PERMISSIONS}
        assert not curator.has_perm("community.delete_review")
        assert not curator.has_perm("accounts.view_user")


CURATOR_CHANGELISTS = [
    "/admin/community/review/",
    "/admin/community/comment/",
    "/admin/community/report/",
    "/admin/community/termsuggestion/",
    "/admin/community/moderationaction/",
    "/admin/catalog/work/",
    "/admin/catalog/tag/",
    "/admin/glossary/term/",
]


class TestCuratorAdminAccess:
    @pytest.mark.parametrize("url", CURATOR_CHANGELISTS)
    def test_curator_opens_changelists(self, curator_client, url, adult_member, safe_work, netorare_term):
        # Some data so the changelists render rows.
        review = make_review(adult_member, safe_work)
        make_comment(adult_member, netorare_term)
        services.report_create(reporter=make_member(), review=review, reason="spam")
        services.term_suggestion_create(author=adult_member, name="Cuckold")
        services.post_moderate(moderator=None, post=review, action="approve")
        assert curator_client.get(url).status_code == 200

    @pytest.mark.parametrize("url", ["/admin/accounts/user/", "/admin/accounts/user/add/", "/admin/auth/group/"])
    def test_curator_cannot_manage_accounts(self, curator_client, url):
        assert curator_client.get(url).status_code == 403

    def test_curator_cannot_open_a_members_account(self, curator_client, adult_member):
        assert curator_client.get(f"/admin/accounts/user/{adult_member.pk}/change/").status_code == 403

    def test_curator_cannot_add_or_delete_reviews(self, curator_client, adult_member, safe_work):
        review = make_review(adult_member, safe_work)
        assert curator_client.get("/admin/community/review/add/").status_code == 403
        assert curator_client.post(f"/admin/community/review/{review.pk}/delete/", {"post": "yes"}).status_code == 403
        assert Review.objects.filter(pk=review.pk).exists()

    def test_member_without_staff_is_sent_to_admin_login(self, adult_member_client):
        response = adult_member_client.get("/admin/community/review/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


class TestPostModeration:
    URL = "/admin/community/review/"

    def test_filter_by_status(self, curator_client, adult_member, other_adult_member, safe_work):
        shown = make_review(adult_member, safe_work, body=body_text("Shown-marker"))
        waiting = make_review(other_adult_member, safe_work, body=body_text("Waiting-marker"))
        Review.objects.filter(pk=waiting.pk).update(status=Status.PENDING)
        response = curator_client.get(self.URL, {"status__exact": "pending"})
        assert response.status_code == 200
        assert [r.pk for r in response.context["cl"].result_list] == [waiting.pk]
        assert shown.pk not in [r.pk for r in response.context["cl"].result_list]

    @pytest.mark.parametrize(
        "action,status", [("approve", Status.VISIBLE), ("hide", Status.HIDDEN), ("remove", Status.REMOVED)]
    )
    def test_bulk_actions_on_reviews(self, curator, curator_client, safe_work, action, status):
        reviews = [make_review(make_member(), safe_work, score=s) for s in (2, 8, 9)]
        targets = reviews[:2]
        for review in targets:
            services.report_create(reporter=make_member(), review=review, reason="abuse")
        Review.objects.filter(pk__in=[r.pk for r in targets]).update(status=Status.PENDING)

        response = run_action(curator_client, self.URL, action, [r.pk for r in targets], reason="Looked at it")
        assert response.status_code == 200
        assert admin_messages(response)
        for review in targets:
            review.refresh_from_db()
            assert review.status == status
        assert Review.objects.get(pk=reviews[2].pk).status == Status.VISIBLE
        logs = ModerationAction.objects.filter(action=action)
        assert {(log.moderator_id, log.target_type, log.target_id, log.reason) for log in logs} == {
            (curator.pk, "review", r.pk, "Looked at it") for r in targets
        }
        assert not Report.objects.filter(status=Report.State.OPEN).exists()
        safe_work.refresh_from_db()
        assert safe_work.review_count == (3 if action == "approve" else 1)
        # The score is the members' votes, whatever becomes of their reviews' text.
        assert (safe_work.score_average, safe_work.vote_count) == (Decimal("6.33"), 3)

    @pytest.mark.parametrize(
        "action,status", [("approve", Status.VISIBLE), ("hide", Status.HIDDEN), ("remove", Status.REMOVED)]
    )
    def test_bulk_actions_on_comments(self, curator, curator_client, adult_member, netorare_term, action, status):
        comments = [make_comment(adult_member, netorare_term, body=f"c{n}") for n in range(2)]
        Comment.objects.filter(pk=comments[0].pk).update(status=Status.PENDING)
        response = run_action(curator_client, "/admin/community/comment/", action, [c.pk for c in comments], reason="r")
        assert response.status_code == 200
        assert set(Comment.objects.values_list("status", flat=True)) == {status}
        assert ModerationAction.objects.filter(action=action, moderator=curator, target_type="comment").count() == 2

    def test_hidden_review_leaves_the_page_and_the_review_count_but_not_the_vote(
        self, curator_client, adult_member, other_adult_member, safe_work
    ):
        bad = make_review(adult_member, safe_work, score=1, body=body_text("Bad-review-marker"))
        make_review(other_adult_member, safe_work, score=9)
        run_action(curator_client, self.URL, "hide", [bad.pk], reason="abuse")
        safe_work.refresh_from_db()
        assert (safe_work.review_count, safe_work.vote_count, safe_work.score_average) == (1, 2, Decimal("5.00"))
        assert "Bad-review-marker" not in html(Client().get(safe_work.get_absolute_url()))

    @pytest.mark.parametrize("bad_id", ["", "abc", "9223372036854775808"])
    def test_an_action_on_ids_that_cannot_exist_is_refused_with_a_message(
        self, curator_client, adult_member, safe_work, bad_id
    ):
        # Django filtered pk__in by the ids as sent: a ValueError or an OverflowError, a 500.
        review = make_review(adult_member, safe_work)
        response = run_action(curator_client, self.URL, "hide", [review.pk, bad_id], reason="r")
        assert response.status_code == 200
        assert admin_messages(response) == ["Some of the selected items do not exist. Select them again."]
        review.refresh_from_db()
        assert review.status == Status.VISIBLE
        assert not ModerationAction.objects.exists()

    def test_report_reasons_on_change_page(self, curator_client, adult_member, safe_work):
        review = make_review(adult_member, safe_work)
        services.report_create(reporter=make_member(), review=review, reason="spoiler", note="Ending spoiled")
        services.report_create(reporter=make_member(), review=review, reason="abuse")
        response = curator_client.get(f"{self.URL}{review.pk}/change/")
        assert response.status_code == 200
        page_html = html(response)
        assert "Report reasons" in page_html
        assert "Unmarked spoiler" in page_html and "Abuse or harassment" in page_html
        assert "Ending spoiled" in page_html

    def test_changelist_shows_open_report_count(self, curator_client, adult_member, safe_work):
        review = make_review(adult_member, safe_work)
        for _ in range(2):
            services.report_create(reporter=make_member(), review=review, reason="spam")
        response = curator_client.get(self.URL)
        assert response.context["cl"].result_list[0].open_report_count == 2

    def test_changelist_query_count_does_not_grow(self, curator_client, safe_work, django_assert_max_num_queries):
        for _ in range(30):
            review = make_review(make_member(), safe_work)
            services.report_create(reporter=make_member(), review=review, reason="spam")
        with django_assert_max_num_queries(20):
            assert curator_client.get(self.URL).status_code == 200


class TestReportAdmin:
    URL = "/admin/community/report/"

    @pytest.fixture
    def reports(self, adult_member, safe_work, netorare_term):
        review = make_review(adult_member, safe_work)
        comment = make_comment(adult_member, netorare_term)
        return [
            services.report_create(reporter=make_member(), review=review, reason="abuse"),
            services.report_create(reporter=make_member(), review=review, reason="spam"),
            services.report_create(reporter=make_member(), comment=comment, reason="off_topic"),
        ]

    def test_changelist_and_filter(self, curator_client, reports):
        response = curator_client.get(self.URL, {"status__exact": "open", "reason__exact": "spam"})
        assert response.status_code == 200
        assert [r.pk for r in response.context["cl"].result_list] == [reports[1].pk]

    @pytest.mark.parametrize("action,status", [("hide_posts", Status.HIDDEN), ("remove_posts", Status.REMOVED)])
    def test_hide_and_remove_posts(self, curator, curator_client, reports, action, status):
        response = run_action(curator_client, self.URL, action, [r.pk for r in reports], reason="Rules")
        assert response.status_code == 200
        assert f"{'Hid' if action == 'hide_posts' else 'Removed'} 2 reported post(s)." in admin_messages(response)
        assert Review.objects.get().status == status
        assert Comment.objects.get().status == status
        assert not Report.objects.filter(status=Report.State.OPEN).exists()
        logged = set(ModerationAction.objects.values_list("moderator_id", "action", "target_type", "reason"))
        verb = "hide" if action == "hide_posts" else "remove"
        assert logged == {(curator.pk, verb, "review", "Rules"), (curator.pk, verb, "comment", "Rules")}

    def test_dismiss(self, curator, curator_client, reports):
        response = run_action(curator_client, self.URL, "dismiss", [reports[0].pk, reports[2].pk])
        assert "Dismissed 2 report(s)." in admin_messages(response)
        assert set(Report.objects.filter(status="resolved").values_list("pk", flat=True)) == {
            reports[0].pk,
            reports[2].pk,
        }
        assert Review.objects.get().status == Status.VISIBLE
        assert Comment.objects.get().status == Status.VISIBLE
        assert ModerationAction.objects.filter(action="dismiss", moderator=curator).count() == 2

    def test_curator_cannot_add_reports(self, curator_client):
        assert curator_client.get(f"{self.URL}add/").status_code == 403

    def test_the_list_opens_on_the_open_reports(self, curator, curator_client, reports):
        services.report_dismiss(moderator=curator, report=reports[2])
        opened = curator_client.get(self.URL)
        assert sorted(r.pk for r in opened.context["cl"].result_list) == sorted([reports[0].pk, reports[1].pk])
        assert re.search(r'<li class="selected">\s*<a href="\?status__exact=open"[^>]*>Open</a>', html(opened))
        assert [
            r.pk for r in curator_client.get(self.URL, {"status__exact": "resolved"}).context["cl"].result_list
        ] == [reports[2].pk]
        everything = curator_client.get(self.URL, {"status__exact": "all"})
        assert everything.context["cl"].result_list.count() == 3
        assert 'href="?status__exact=all"' in html(opened)


class TestTermSuggestionAdmin:
    URL = "/admin/community/termsuggestion/"

    @pytest.mark.parametrize("action,state", [("accept", "accepted"), ("decline", "declined")])
    def test_accept_and_decline(self, curator, curator_client, adult_member, action, state):
        suggestion = services.term_suggestion_create(author=adult_member, name="Cuckold")
        pending = curator_client.get(self.URL, {"status__exact": "pending"})
        assert [s.pk for s in pending.context["cl"].result_list] == [suggestion.pk]
        run_action(curator_client, self.URL, action, [suggestion.pk], reason="why")
        suggestion.refresh_from_db()
        assert suggestion.status == state
        log = ModerationAction.objects.get()
        assert (log.moderator, log.action, log.target_type, log.target_id, log.reason) == (
            curator,
            action,
            "termsuggestion",
            suggestion.pk,
            "why",
        )
        assert curator_client.get(self.URL, {"status__exact": "pending"}).context["cl"].result_list.count() == 0


class TestModerationLog:
    def test_log_is_read_only_for_curators(self, curator_client, adult_member, safe_work):
        review = make_review(adult_member, safe_work)
        services.post_moderate(moderator=None, post=review, action="hide")
        log = ModerationAction.objects.get()
        assert curator_client.get("/admin/community/moderationaction/").status_code == 200
        response = curator_client.post(f"/admin/community/moderationaction/{log.pk}/change/", {"reason": "rewritten"})
        assert response.status_code == 403
        log.refresh_from_db()
        assert log.reason == ""

    def test_unknown_action_is_refused(self, adult_member, safe_work):
        review = make_review(adult_member, safe_work)
        with pytest.raises(ValidationError):
            services.post_moderate(moderator=None, post=review, action="explode")


class TestFeature:
    def test_feature_action_puts_the_work_on_the_home_page(self, curator_client):
        work = make_work("Featured Candidate")
        assert 'id="featured-title"' not in html(Client().get(reverse("home")))
        response = run_action(curator_client, "/admin/catalog/work/", "feature", [work.pk])
        assert "Featured 1 work(s)." in admin_messages(response)
        work.refresh_from_db()
        assert work.is_featured
        page_html = html(Client().get(reverse("home")))
        featured = re.search(r'<h2 id="featured-title">Featured</h2>(.*?)</section>', page_html, re.S)
        assert featured and "Featured Candidate" in featured.group(1)

        run_action(curator_client, "/admin/catalog/work/", "unfeature", [work.pk])
        work.refresh_from_db()
        assert not work.is_featured
        assert 'id="featured-title"' not in html(Client().get(reverse("home")))


class TestTagMerge:
    @pytest.fixture
    def tags(self):
        source = make_tag("Cheating", slug="cheating", aliases="Infidelity", description="Source description")
        target = make_tag("Affair", slug="affair")
        return source, target

    def test_service(self, tags, adult_member, curator):
        source, target = tags
        only_source, both, only_target = make_work("Only Source"), make_work("Both"), make_work("Only Target")
        tag_work(only_source, source, spoiler_level=1)
        tag_work(both, source, spoiler_level=2)
        tag_work(both, target, spoiler_level=0)
        tag_work(only_target, target)
        child = make_tag("Emotional cheating", parent=source)
        adult_member.hidden_tags.add(source)

        moved = tag_merge(source=source, target=target, curator=curator)

        assert moved == 1
        assert not Tag.objects.filter(pk=source.pk).exists()
        links = WorkTag.objects.filter(tag=target)
        assert sorted(links.values_list("work__title", flat=True)) == ["Both", "Only Source", "Only Target"]
        assert WorkTag.objects.filter(work=both).count() == 1
        assert WorkTag.objects.get(work=both).spoiler_level == 2
        assert WorkTag.objects.get(work=only_source).spoiler_level == 1
        target.refresh_from_db()
        assert target.alias_list == ["Cheating", "Infidelity"]
        assert target.description == "Source description"
        child.refresh_from_db()
        assert child.parent == target
        assert list(adult_member.hidden_tags.all()) == [target]
        log = ModerationAction.objects.get()
        assert (log.action, log.moderator, log.target_id) == ("merge_tags", curator, target.pk)

    def test_service_refuses_merging_into_itself(self, tags):
        with pytest.raises(ValidationError):
            tag_merge(source=tags[0], target=tags[0])
        assert Tag.objects.filter(pk=tags[0].pk).exists()

    def test_old_name_still_finds_the_tag_in_search(self, tags):
        from catalog.search import search_index_update

        source, target = tags
        search_index_update(source)
        search_index_update(target)
        tag_merge(source=source, target=target)
        from catalog.models import SearchEntry

        assert SearchEntry.objects.filter(kind="tag", object_id=source.pk).count() == 0
        assert SearchEntry.objects.filter(kind="tag", object_id=target.pk).count() >= 2  # name + aliases

    def test_admin_merge_action(self, curator, curator_client, tags):
        source, target = tags
        both = make_work("Both")
        tag_work(both, source)
        tag_work(both, target)
        moved = make_work("Moved")
        tag_work(moved, source)

        response = run_action(curator_client, "/admin/catalog/tag/", "merge", [source.pk], merge_into=str(target.pk))

        assert response.status_code == 200
        assert not Tag.objects.filter(pk=source.pk).exists(), admin_messages(response)
        assert WorkTag.objects.filter(work=both).count() == 1
        assert set(WorkTag.objects.filter(tag=target).values_list("work__title", flat=True)) == {"Both", "Moved"}
        target.refresh_from_db()
        assert "Cheating" in target.alias_list
        assert any("Merged into “Affair”; 1 work(s) moved over." in m for m in admin_messages(response))

    def test_admin_merge_without_target_changes_nothing(self, curator_client, tags):
        source, _ = tags
        response = run_action(curator_client, "/admin/catalog/tag/", "merge", [source.pk])
        assert "Choose the tag to merge into, then run the action again." in admin_messages(response)
        assert Tag.objects.filter(pk=source.pk).exists()


@pytest.mark.parametrize("status", [Status.HIDDEN, Status.REMOVED, Status.PENDING])
def test_a_held_back_review_cannot_be_deleted_and_posted_again(adult_member, safe_work, status):
    """Found in review: deleting a removed review and posting the same text made it visible again."""
    review = services.review_create(author=adult_member, work=safe_work, score=7, body=body_text("held back"))
    Review.objects.filter(pk=review.pk).update(status=status)
    client = login(adult_member)
    response = client.post(f"/reviews/{review.pk}/delete/", follow=True)
    assert "A curator has held this post back" in " ".join(messages_of(response))
    assert Review.objects.filter(pk=review.pk, status=status).exists()
    client.post(f"/works/{safe_work.slug}/reviews/", {"score": 7, "body": body_text("held back")})
    assert not Review.objects.filter(work=safe_work, status=Status.VISIBLE).exists()


def test_a_held_back_comment_cannot_be_deleted(adult_member, netorare_term):
    comment = services.comment_create(author=adult_member, term=netorare_term, body="A comment a curator will hide.")
    Comment.objects.filter(pk=comment.pk).update(status=Status.REMOVED)
    response = login(adult_member).post(f"/comments/{comment.pk}/delete/", follow=True)
    assert "A curator has held this post back" in " ".join(messages_of(response))
    assert Comment.objects.filter(pk=comment.pk).exists()


QUEUE_ROW = re.compile(r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>\s*<td[^>]*>(?:<strong>)?(\d+)')


def moderation_queue(response) -> dict[str, tuple[str, int]]:
    page = html(response)
    if 'id="moderation-queue"' not in page:
        return {}
    queue = page.split('id="moderation-queue"', 1)[1].split("</table>", 1)[0]
    return {label: (url.replace("&amp;", "&"), int(count)) for url, label, count in QUEUE_ROW.findall(queue)}


class TestAdminHome:
    @pytest.fixture
    def waiting(self, curator, adult_member, safe_work, netorare_term):
        """Two open reports and a closed one, a review and a comment held back, a suggestion each way."""
        review = make_review(adult_member, safe_work)
        open_reports = [services.report_create(reporter=make_member(), review=review, reason="spam") for _ in range(2)]
        closed = services.report_create(reporter=make_member(), review=review, reason="abuse")
        services.report_dismiss(moderator=curator, report=closed)
        held_review = make_review(make_member(), safe_work)
        held_comment = make_comment(adult_member, netorare_term)
        Review.objects.filter(pk=held_review.pk).update(status=Status.PENDING)
        Comment.objects.filter(pk=held_comment.pk).update(status=Status.PENDING)
        pending = services.term_suggestion_create(author=adult_member, name="Cuckold")
        answered = services.term_suggestion_create(author=make_member(), name="Kanojo")
        services.term_suggestion_decide(moderator=curator, suggestion=answered, accept=True)
        return {"reports": open_reports, "review": held_review, "comment": held_comment, "suggestion": pending}

    def test_the_home_shows_what_waits_with_links_to_it(self, curator_client, waiting):
        queue = moderation_queue(curator_client.get("/admin/"))
        assert queue == {
            "Open reports": ("/admin/community/report/?status__exact=open", 2),
            "Reviews held back for a decision": ("/admin/community/review/?status__exact=pending", 1),
            "Comments held back for a decision": ("/admin/community/comment/?status__exact=pending", 1),
            "Term suggestions to answer": ("/admin/community/termsuggestion/?status__exact=pending", 1),
        }
        # Each link opens the list of exactly what it counted.
        listed = {
            label: {obj.pk for obj in curator_client.get(url).context["cl"].result_list}
            for label, (url, _) in queue.items()
        }
        assert listed == {
            "Open reports": {r.pk for r in waiting["reports"]},
            "Reviews held back for a decision": {waiting["review"].pk},
            "Comments held back for a decision": {waiting["comment"].pk},
            "Term suggestions to answer": {waiting["suggestion"].pk},
        }

    def test_an_empty_queue_shows_zeros(self, curator_client):
        assert {count for _, count in moderation_queue(curator_client.get("/admin/")).values()} == {0}

    def test_only_the_lists_the_user_may_open_are_counted(self, waiting):
        staff = make_member("helper", is_staff=True)  # staff, but no rights in the admin
        assert moderation_queue(login(staff).get("/admin/")) == {}

    def test_the_home_takes_a_fixed_number_of_queries(self, curator_client, waiting, django_assert_max_num_queries):
        # Session, user, two permission reads, the four counts, the recent actions.
        with django_assert_max_num_queries(9):
            assert curator_client.get("/admin/").status_code == 200
        for _ in range(5):
            services.report_create(reporter=make_member(), review=waiting["review"], reason="spam")
        with django_assert_max_num_queries(9):
            assert curator_client.get("/admin/").status_code == 200


class TestSearchIndexIsNotTheCuratorsTable:
    def test_curators_do_not_see_it(self, curator_client):
        assert curator_client.get("/admin/catalog/searchentry/").status_code == 403
        page = html(curator_client.get("/admin/"))
        assert "Search entries" not in page and "/admin/catalog/searchentry/" not in page
        assert "/admin/catalog/work/" in page
