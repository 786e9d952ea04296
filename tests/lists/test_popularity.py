"""A work's popularity: how many members have it on their list (``Work.list_count``), and the
"Most popular" sort that reads it, which says nothing of a locked work."""

import pytest
from django.test import Client

from accounts.services import member_delete
from catalog.models import Work
from lists.services import entry_remove, entry_save
from tests.builders import make_member, make_work
from tests.pages import pass_age_gate

pytestmark = pytest.mark.django_db


def _listed(work) -> int:
    return Work.objects.get(pk=work.pk).list_count


def test_adding_changing_and_removing_entries_keeps_the_count(adult_member, other_adult_member, safe_work):
    entry_save(member=adult_member, work=safe_work)
    entry_save(
        member=other_adult_member, work=safe_work, is_private=True
    )  # private entries count: a count names nobody
    assert _listed(safe_work) == 2
    entry_save(member=adult_member, work=safe_work, score=7)  # a change is not a second entry
    assert _listed(safe_work) == 2
    entry_remove(member=adult_member, work=safe_work)
    entry_remove(member=adult_member, work=safe_work)  # removing twice takes one off
    assert _listed(safe_work) == 1


def test_a_deleted_members_entries_leave_the_count(adult_member, other_adult_member, safe_work, adult_work):
    for member in (adult_member, other_adult_member):
        entry_save(member=member, work=safe_work)
    entry_save(member=adult_member, work=adult_work)
    member_delete(user=adult_member)
    assert (_listed(safe_work), _listed(adult_work)) == (1, 0)


def test_most_popular_sorts_by_members_and_keeps_locked_works_last_before_the_gate():
    members = [make_member(f"fan{i}") for i in range(3)]
    quiet, loved, adult = make_work("Quiet One"), make_work("Loved One"), make_work("Adult Hit", age_rating="r18")
    for member in members:
        entry_save(member=member, work=adult)
    for member in members[:2]:
        entry_save(member=member, work=loved)
    entry_save(member=members[0], work=quiet)

    def order(client) -> list[str]:
        page = client.get("/works/?sort=-members").content.decode()
        return sorted(("Adult Hit", "Loved One", "Quiet One"), key=page.index)

    assert order(Client()) == ["Loved One", "Quiet One", "Adult Hit"]  # how many list a locked work is not told
    adult_visitor = Client()
    pass_age_gate(adult_visitor)
    assert order(adult_visitor) == ["Adult Hit", "Loved One", "Quiet One"]
