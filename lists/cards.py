"""The status control on each work card (``catalog.cards.register_card_controls``, in lists.apps).

A member sees, on every card of a work they may list, a one-click "Add to list" or, for a work on
their list, its status in a select that saves on change (list-entry.js) or with its button. One
query per grid, whatever its size: the member's entries among the grid's works.
"""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from catalog import visibility
from catalog.cards import CardChoice, CardControl
from core.reversing import slug_url_maker
from lists.choices import Status, status_choices, status_label
from lists.models import ListEntry


def card_controls(request: HttpRequest, works: list[Any]) -> Mapping[int, CardControl]:
    user = request.user
    if not user.is_authenticated:
        return {}
    listable = [work for work in works if visibility.may_list(user, work)]
    if not listable:
        return {}
    statuses = dict(
        ListEntry.objects.filter(user_id=user.pk, work_id__in=[work.pk for work in listable]).values_list(
            "work_id", "status"
        )
    )
    action = slug_url_maker("lists:entry-update")
    back = request.get_full_path()
    controls = {}
    for work in listable:
        status = statuses.get(work.pk)
        if status is None:
            planned = status_label(Status.PLANNED, work.kind)
            controls[work.pk] = CardControl(
                action=action(work.slug),
                name="status",
                value=Status.PLANNED,
                # The accessible name starts with the button's visible words, then says which work.
                label=f"Add to list: {work.title} ({planned})",
                submit="+ Add to list",
                next=back,
            )
        else:
            controls[work.pk] = CardControl(
                action=action(work.slug),
                name="status",
                label=f"Status of {work.title} on your list",
                submit="Save",
                next=back,
                state="On your list",
                choices=tuple(CardChoice(value, label, value == status) for value, label in status_choices(work.kind)),
            )
    return controls
