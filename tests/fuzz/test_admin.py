"""Curation in the admin, for a curator sending hostile values: list filters, searches and actions.

The admin is Django's, but its list filters, searches and actions run our querysets and
services; the same properties hold: never a 5xx, and nothing written unless the answer
says it was done.
"""

import pytest
from django.apps import apps
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.models import AgeRating, Kind, TagCategory
from community.models import ModerationAction, Report, Status, TermSuggestion
from tests.fuzz.harness import client_for, example, send_and_check
from tests.fuzz.strategies import WORST_VALUES, number_like, params, query_string, urlencode, value_for

pytestmark = pytest.mark.django_db

FORM_URLENCODED = "application/x-www-form-urlencoded"
DATES = ["2024-01-01", "2024-01-01 00:00:00+00:00", "2999-12-31"]
LIST_PARAMETERS = {
    "q": value_for(["blue", "alice", "netorare"]),
    "o": value_for(["1", "-2.1", "3"]),
    "p": number_like(),
    "all": value_for([""]),
}

# Each changelist with its own filters (list_filter and date_hierarchy parameters).
CHANGELISTS = {
    "catalog/work": {
        "is_published__exact": value_for(["0", "1"]),
        "kind__exact": value_for(Kind.values),
        "age_rating__exact": value_for(AgeRating.values),
        "created_at__year": number_like(),
        "created_at__month": number_like(),
        "created_at__day": number_like(),
    },
    "catalog/tag": {"category__exact": value_for(TagCategory.values)},
    "catalog/searchentry": {"kind__exact": value_for(["work", "term", "tag"]), "field__exact": number_like()},
    "glossary/term": {"is_published__exact": value_for(["0", "1"])},
    "community/review": {
        "status__exact": value_for(Status.values),
        "created_at__gte": value_for(DATES),
        "created_at__lt": value_for(DATES),
    },
    "community/comment": {"status__exact": value_for(Status.values), "created_at__gte": value_for(DATES)},
    "community/report": {
        "status__exact": value_for(Report.State.values),
        "reason__exact": value_for(Report.Reason.values),
    },
    "community/termsuggestion": {"status__exact": value_for(TermSuggestion.State.values)},
    "community/moderationaction": {
        "action__exact": value_for(ModerationAction.Action.values),
        "target_type__exact": value_for(["review"]),
    },
    "accounts/user": {"is_staff__exact": value_for(["0", "1"])},
}

# Each changelist's actions, with the extra fields its action form reads.
ACTIONS = {
    "catalog/work": (["publish", "unpublish", "feature", "unfeature"], {}),
    "catalog/tag": (["merge"], {"merge_into": "tag"}),
    "glossary/term": (["publish", "unpublish"], {}),
    "community/review": (["approve", "hide", "remove"], {"reason": "text"}),
    "community/comment": (["approve", "hide", "remove"], {"reason": "text"}),
    "community/report": (["hide_posts", "remove_posts", "dismiss"], {"reason": "text"}),
    "community/termsuggestion": (["accept", "decline"], {"reason": "text"}),
}


def _ids(model: str) -> list[str]:
    return [
        str(pk) for pk in apps.get_model(model.replace("/", ".")).objects.order_by("pk").values_list("pk", flat=True)
    ]


def _action_fields(model: str) -> dict:
    """The fields of a changelist's action form, each with plausible values: a valid one first."""
    names, extra = ACTIONS[model]
    fields = {"action": names, "_selected_action": _ids(model), "index": ["0"], "select_across": ["0", "1"]}
    for name, kind in extra.items():
        fields[name] = _ids("catalog/tag")[::-1] if kind == "tag" else ["Spoils the ending.", ""]
    return fields


def _post_action(watch, site, model: str, pairs) -> None:
    client = client_for("curator", site)
    send_and_check(watch, lambda: client.post(f"/admin/{model}/", data=urlencode(pairs), content_type=FORM_URLENCODED))


@settings(max_examples=settings().max_examples * 2)
@given(data=st.data())
def test_changelist_filters_and_searches_never_break(site, data):
    model = data.draw(st.sampled_from(sorted(CHANGELISTS)), label="changelist")
    query = data.draw(query_string({**LIST_PARAMETERS, **CHANGELISTS[model]}), label="query")
    # Accounts and the search index are not the curators' to browse.
    viewer = "superuser" if model in ("accounts/user", "catalog/searchentry") else "curator"
    with example() as watch:
        client = client_for(viewer, site)
        send_and_check(watch, lambda: client.get(f"/admin/{model}/?{query}"))
        watch.assert_wrote_nothing(f"the {model} changelist")


@settings(max_examples=settings().max_examples * 2)
@given(data=st.data())
def test_actions_with_junk_never_break(site, data):
    model = data.draw(st.sampled_from(sorted(ACTIONS)), label="changelist")
    pairs = data.draw(
        params({name: value_for(values) for name, values in _action_fields(model).items()}), label="fields"
    )
    with example() as watch:
        _post_action(watch, site, model, pairs)


def test_action_fields_take_the_worst_values_cleanly(site):
    # One changelist of each kind of action form: plain, with a tag to merge into, with a reason.
    for model in ("catalog/work", "catalog/tag", "community/review"):
        valid = {name: values[0] for name, values in _action_fields(model).items()}
        for broken in valid:
            for value in WORST_VALUES:
                with example() as watch:
                    _post_action(
                        watch, site, model, [*((k, v) for k, v in valid.items() if k != broken), (broken, value)]
                    )
