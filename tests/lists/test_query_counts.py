"""The list's pages in a fixed number of queries (DESIGN.md, rule 4), pinned, whatever the list holds:
one entry, 60 (more than a page, with every status, score and kind) and 5,000."""

import datetime
import itertools

import pytest
from django.test import Client

from catalog.models import AgeRating, Kind, Tag, Work, WorkTag
from lists.models import ListEntry
from lists.services import entry_save
from tests.builders import make_member, make_work
from tests.pages import login, pass_age_gate
from tests.query_counts import count

pytestmark = pytest.mark.django_db

STATUSES = ["planned", "in_progress", "completed", "on_hold", "dropped"]
KINDS = [Kind.ANIME, Kind.MANGA, Kind.VISUAL_NOVEL]
_serial = itertools.count()


def add_entries(member, n: int) -> None:
    """n more works on the member's list, in bulk: every status, kind and score, every third 18+
    and public, every fifth private, each work with two tags (one a spoiler)."""
    tags = list(Tag.objects.filter(slug__in=["list-tag-open", "list-tag-spoiler"]).order_by("slug"))
    if not tags:
        tags = [
            Tag.objects.create(name="List tag open", slug="list-tag-open", category="theme"),
            Tag.objects.create(name="List tag spoiler", slug="list-tag-spoiler", category="theme"),
        ]
    start = next(_serial) * 100_000
    works = Work.objects.bulk_create(
        Work(
            title=f"Listed work {start + i:06d}",
            slug=f"listed-{start + i}",
            kind=KINDS[i % 3],
            episodes=12,
            volumes=5,
            age_rating=AgeRating.R18 if i % 3 == 0 else AgeRating.ALL,
            released_from=datetime.date(2000 + i % 20, 1, 1),
            is_published=True,
        )
        for i in range(n)
    )
    WorkTag.objects.bulk_create(
        WorkTag(work=work, tag=tag, spoiler_level=2 * j) for work in works for j, tag in enumerate(tags)
    )
    ListEntry.objects.bulk_create(
        ListEntry(
            user=member,
            work=work,
            status=STATUSES[i % 5],
            progress=(i % 5) if work.kind != Kind.VISUAL_NOVEL else 0,
            score=(i % 10) + 1 if i % 4 else None,
            started_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 700),
            is_private=i % 5 == 4,
            notes=f"Note {i}",
        )
        for i, work in enumerate(works)
    )


def _clients(owner) -> dict[str, Client]:
    visitor = Client()
    gate_passed = Client()
    pass_age_gate(gate_passed)
    return {"owner": login(owner), "member": login(make_member()), "visitor": visitor, "gate-passed": gate_passed}


PAGES = {
    "list": "/members/{name}/list/",
    "list-filtered": "/members/{name}/list/?status=completed&sort=score",
    "list-sorted-page-2": "/members/{name}/list/?sort=title&page=2",
    "member-page": "/accounts/members/{name}/",
}

# Measured. The list page: the member, their list settings, the counts per status, the page of entries
# (with their works); a visitor past the gate adds the session, a member the session, the user, their
# hidden tags and the header's unread notifications. The owner's page of editable rows costs nothing more.
# The member page: its own query, plus the list's settings, its statistics (one grouped query) and
# its top tags, and community's reviews and comments.
PINS = {
    "list": {"owner": 8, "member": 8, "visitor": 4, "gate-passed": 5},
    "list-filtered": {"owner": 8, "member": 8, "visitor": 4, "gate-passed": 5},
    "list-sorted-page-2": {"owner": 8, "member": 8, "visitor": 4, "gate-passed": 5},
    "member-page": {"owner": 10, "member": 10, "visitor": 7, "gate-passed": 7},
}


def _counts(owner, clients) -> dict[tuple[str, str], int]:
    return {
        (page, who): count(client, url.format(name=owner.username))
        for page, url in PAGES.items()
        for who, client in clients.items()
    }


def test_list_pages_cost_the_same_with_one_entry_and_with_sixty(db, django_assert_max_num_queries):
    owner = make_member("lister")
    # Completed and scored, so the filtered tab reads a page of rows too.
    entry_save(member=owner, work=make_work("Only one"), status="completed", score=5)
    clients = _clients(owner)
    one = _counts(owner, clients)
    add_entries(owner, 60)
    assert _counts(owner, clients) == one
    for (page, who), n in one.items():
        assert n <= PINS[page][who], (page, who, n)


def test_list_pages_cost_the_same_with_five_thousand_entries(db):
    owner = make_member("collector")
    # Completed and scored, so the filtered tab reads a page of rows too.
    entry_save(member=owner, work=make_work("Only one"), status="completed", score=5)
    clients = _clients(owner)
    one = _counts(owner, clients)
    add_entries(owner, 5000)
    assert ListEntry.objects.count() == 5001
    assert _counts(owner, clients) == one


def test_the_work_page_costs_one_query_for_the_entry_whether_listed_or_not(db):
    member = make_member()
    work = make_work("Listed", kind=Kind.ANIME, episodes=12)
    client = login(member)
    before = count(client, work.get_absolute_url())
    entry_save(member=member, work=work, progress=3, score=7, notes="Notes.")
    assert count(client, work.get_absolute_url()) == before


def test_the_profile_costs_one_query_for_the_list_settings(db, django_assert_max_num_queries):
    member = make_member()
    add_entries(member, 5)
    client = login(member)
    with django_assert_max_num_queries(9):
        assert client.get("/accounts/profile/").status_code == 200
