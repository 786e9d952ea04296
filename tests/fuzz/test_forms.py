"""Every form of the site, posted by every kind of visitor with hostile values.

Properties:
- the answer is never a 5xx;
- an answer other than a redirect wrote nothing (sessions aside);
- what a successful post wrote is confined to the tables that form may change, belongs to the
  member who posted it, and passes its model's validation (no NUL, no lone surrogate);
- a post made certainly invalid (one field given a value no form accepts) writes nothing and
  answers with the form and its errors, or a 4xx.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import User
from catalog.models import Tag
from community.models import Report
from tests.builders import PASSWORD, years_ago
from tests.fuzz.harness import (
    REVIEW_BODY,
    VIEWER_KINDS,
    changed_rows,
    changed_tables,
    client_for,
    example,
    is_redirect,
    send_and_check,
)
from tests.fuzz.strategies import (
    NASTY_NUMBERS,
    NASTY_TEXT,
    REQUEST_BUDGET,
    WORST_VALUES,
    huge_text,
    junk_text,
    params,
    urlencode,
    value_for,
)

pytestmark = pytest.mark.django_db

FORM_URLENCODED = "application/x-www-form-urlencoded"
NEW_PASSWORD = "another-Horse-battery-77"
NEXT_PATHS = ["/", "/works/triangle-blue/", "/glossary/netorare/#comments"]
MEMBERS = tuple(kind for kind in VIEWER_KINDS if kind not in ("anonymous", "gate_passed"))

# Who owns a row of each community table: a member may only ever write their own.
OWNER_FIELD = {
    "community.review": "author_id",
    "community.comment": "author_id",
    "community.termsuggestion": "author_id",
    "community.report": "reporter_id",
    "community.helpfulvote": "voter_id",
    "lists.listentry": "user_id",
    "lists.listsettings": "user_id",
}
# Rows deleted along with a deleted post: (the row's link, the table it points into).
CASCADES = {
    "community.comment": [("parent_id", "community.comment")],
    "community.report": [("review_id", "community.review"), ("comment_id", "community.comment")],
    "community.helpfulvote": [("review_id", "community.review")],
}
POST_TABLES = {"community.review", "community.comment", "community.report", "community.helpfulvote", "catalog.work"}
MEMBER_TABLES = {"accounts.user", "accounts.user_hidden_tags", "accounts.user_groups", "accounts.user_user_permissions"}


def _not_in(allowed):
    """Junk that is certainly not one of ``allowed``."""
    return junk_text().filter(lambda value: value not in allowed)


def _longer_than(limit: int):
    """Longer than ``limit`` even after the form strips whitespace (which includes "\\x1c"-"\\x1f")."""
    return huge_text(limit).map(lambda text: f"x{text}x")


def _with_nul():
    return st.builds(lambda a, b: a + "\x00" + b, st.text(max_size=20), st.text(max_size=20))


def _post_paths(kind: str, action: str, *which: str):
    """Paths of the ``site`` fixture's posts, e.g. ``/reviews/<own review>/edit/``."""
    return [lambda site, w=w: f"/{kind}s/{getattr(getattr(site, kind + 's'), w).pk}/{action}/" for w in which]


@dataclass
class Form:
    """One form: where it posts, its fields with plausible values, and what a success may write.

    The first path, the first viewer and the first plausible value of each field make a post that
    reaches as deep as the form goes (past validation into the service).
    """

    paths: list[Callable]  # site -> path
    fields: Callable  # site -> {name: [plausible values, a valid one first]}
    writes: set[str] = field(default_factory=set)
    viewers: tuple = VIEWER_KINDS
    invalid: Callable | None = None  # site -> {name: strategy of values no form accepts}
    query: dict = field(default_factory=dict)  # query parameters the view also reads: {name: [plausible values]}
    members_sent_away: bool = False  # members are redirected before the form is read
    # A one-action control (a member's list entry): a refusal returns to the page it came from with
    # the reason as a message, instead of a page of the form with its errors.
    refuses_with_a_message: bool = False


NO_FIELDS = lambda site: {}  # noqa: E731
REVIEW_FIELDS = lambda site: {  # noqa: E731
    "score": [*(str(n) for n in range(1, 11)), ""],  # empty: a review without a score
    "body": [REVIEW_BODY + " Again.", "Another long opinion, " * 5, REVIEW_BODY + " 寝取られ 👨‍👩‍👧"],
    "has_spoilers": ["on", "true", ""],
}
REVIEW_INVALID = lambda site: {  # noqa: E731
    "score": _not_in({"", *(str(n) for n in range(1, 11))}),
    "body": st.one_of(_with_nul(), st.sampled_from(["", " " * 80, "too short"]), _longer_than(20_000)),
}
COMMENT_FIELDS = lambda site: {  # noqa: E731
    "body": ["What a clear entry.", "寝取られ means this? 🤔", "A reply."],
    "favourite_work": ["", "Sunny Afternoon", "triangle-blue", "Hidden Draft", "sunny afternoon"],
    "parent": ["", *(str(getattr(site.comments, n).pk) for n in ("own", "other", "reply", "elsewhere", "removed"))],
}
COMMENT_INVALID = lambda site: {  # noqa: E731
    "body": st.one_of(_with_nul(), st.sampled_from(["", " ", "\t\n\u3000"]), _longer_than(5_000)),
    "favourite_work": st.one_of(_with_nul(), st.sampled_from(["No such work", "hidden-draft-nope"]), _longer_than(255)),
}


def _review_form(paths, first_viewer: str) -> Form:
    return Form(
        paths=paths,
        fields=REVIEW_FIELDS,
        # The score goes on the author's list (and the work's score with it).
        writes={"community.review", "catalog.work", "lists.listentry"},
        viewers=(first_viewer, *VIEWER_KINDS),
        invalid=REVIEW_INVALID,
    )


def _comment_form(paths) -> Form:
    return Form(
        paths=paths,
        fields=COMMENT_FIELDS,
        writes={"community.comment"},
        viewers=("adult", *VIEWER_KINDS),
        invalid=COMMENT_INVALID,
    )


def _report(kind: str, *which: str) -> Form:
    return Form(
        paths=_post_paths(kind, "report", *which),
        fields=lambda site: {"reason": Report.Reason.values, "note": ["", "Spoils the ending."]},
        writes={"community.report"},
        viewers=("curator", *VIEWER_KINDS),
        invalid=lambda site: {
            "reason": _not_in(set(Report.Reason.values)),
            "note": st.one_of(_with_nul(), _longer_than(500)),
        },
    )


FORMS = {
    "age gate": Form(
        paths=[lambda site: "/accounts/age-check/"],
        fields=lambda site: {"next": NEXT_PATHS},
        query={"next": NEXT_PATHS},
    ),
    "sign-up": Form(
        paths=[lambda site: "/accounts/signup/"],
        fields=lambda site: {
            "username": ["newbie", "new.member+1@x", "ニューメンバー", "alice"],
            "email": ["", "newbie@example.com"],
            "birth_date": [d.isoformat() for d in (years_ago(30), years_ago(18), years_ago(15))]
            + ["2000-02-29", "1990-1-1"],
            "password1": [PASSWORD],
            "password2": [PASSWORD],
        },
        writes=MEMBER_TABLES,
        invalid=lambda site: {
            "username": st.one_of(_with_nul(), st.sampled_from(["", "two words", "alice", "<b>"]), _longer_than(150)),
            "birth_date": st.one_of(
                _with_nul(), st.sampled_from(["", "2999-01-01", "1800-01-01", "2001-02-30", "0000-00-00"])
            ),
            "password2": st.sampled_from(["", "not-the-same-password-1"]),
        },
        query={"next": NEXT_PATHS},
        members_sent_away=True,
    ),
    "log-in": Form(
        paths=[lambda site: "/accounts/login/"],
        fields=lambda site: {"username": ["alice", "ALICE", "kid", "nobody"], "password": [PASSWORD]},
        invalid=lambda site: {"password": _not_in({PASSWORD})},
        query={"next": NEXT_PATHS},
        members_sent_away=True,
    ),
    "log-out": Form(paths=[lambda site: "/accounts/logout/"], fields=NO_FIELDS),
    "password change": Form(
        paths=[lambda site: "/accounts/password/"],
        fields=lambda site: {
            "old_password": [PASSWORD],
            "new_password1": [NEW_PASSWORD],
            "new_password2": [NEW_PASSWORD],
        },
        writes={"accounts.user"},
        viewers=MEMBERS,
        invalid=lambda site: {"old_password": _not_in({PASSWORD})},
    ),
    "account deletion": Form(
        paths=[lambda site: "/accounts/delete/"],
        fields=lambda site: {"password": [PASSWORD]},
        # The member's notifications, and those about their posts and reports, go with them.
        writes=MEMBER_TABLES
        | POST_TABLES
        | {"community.termsuggestion", "community.moderationaction", "admin.logentry"}
        | {"community.notification", "community.notificationsettings"}
        | {"lists.listentry", "lists.listsettings"},
        viewers=MEMBERS,
        invalid=lambda site: {"password": _not_in({PASSWORD})},
    ),
    "preferences": Form(
        paths=[lambda site: "/accounts/profile/"],
        fields=lambda site: {
            "hidden_tags": [str(pk) for pk in Tag.objects.values_list("pk", flat=True)] + [""],
            "max_spoiler_level": ["0", "1", "2"],
            "show_adult_works": ["on", "true", "false", ""],
        },
        writes={"accounts.user", "accounts.user_hidden_tags"},
        viewers=MEMBERS,
        invalid=lambda site: {"max_spoiler_level": _not_in({"0", "1", "2"})},
    ),
    # The curator has not reviewed the first work yet; the adult wrote the first review.
    "review": _review_form(
        [
            lambda site, slug=slug: f"/works/{slug}/reviews/"
            for slug in ("sunny-afternoon", "triangle-blue", "hidden-draft")
        ],
        "curator",
    ),
    "review edit": _review_form(_post_paths("review", "edit", "own", "other", "hidden", "adult_work"), "adult"),
    "review deletion": Form(
        paths=_post_paths("review", "delete", "own", "other", "hidden", "adult_work"),
        fields=NO_FIELDS,
        writes={"community.review", "community.report", "community.helpfulvote", "catalog.work"},
    ),
    "helpful mark": Form(
        paths=_post_paths("review", "helpful", "other", "own", "hidden", "adult_work"),
        fields=NO_FIELDS,
        writes={"community.helpfulvote", "community.review"},
    ),
    "comment": _comment_form(
        [lambda site, slug=slug: f"/glossary/{slug}/comments/" for slug in ("netorare", "netori", "draftterm")]
    ),
    "comment edit": _comment_form(_post_paths("comment", "edit", "own", "other", "reply", "removed")),
    "comment deletion": Form(
        paths=_post_paths("comment", "delete", "own", "other", "reply", "removed"),
        fields=NO_FIELDS,
        writes={"community.comment", "community.report"},
    ),
    "review report": _report("review", "other", "own", "hidden", "adult_work"),
    "comment report": _report("comment", "other", "own", "reply", "removed"),
    # A member's list entry: the work page's and the cards' quick controls, the details, removal.
    "list entry": Form(
        paths=[
            lambda site, slug=slug: f"/works/{slug}/list/"
            for slug in ("sunny-afternoon", "triangle-blue", "hidden-draft")
        ],
        fields=lambda site: {
            "status": ["in_progress", "planned", "completed", "on_hold", "dropped", ""],
            "progress": ["1", "0", "12", ""],
            "score": ["8", "1", "10", ""],
            "increment": ["", "1"],
            "next": ["/works/", "/members/alice/list/?sort=score", "//evil.example/", ""],
        },
        # A new entry, a score or a removal moves the work's figures (popularity, votes).
        writes={"lists.listentry", "catalog.work"},
        viewers=("adult", *VIEWER_KINDS),
        refuses_with_a_message=True,
        invalid=lambda site: {
            "score": _not_in({str(n) for n in range(1, 11)} | {""}),
            "status": _not_in({"planned", "in_progress", "completed", "on_hold", "dropped", ""}),
        },
    ),
    "list entry details": Form(
        paths=[lambda site, slug=slug: f"/works/{slug}/list/details/" for slug in ("sunny-afternoon", "triangle-blue")],
        fields=lambda site: {
            "started_on": ["2024-05-17", "", "2024-02-30"],
            "started_precision": ["day", "month", "year", ""],
            "finished_on": ["2024-08-02", "", "2023-01-01"],
            "finished_precision": ["day", "month", "year"],
            "notes": ["Rewatch the finale.", "", "寝取られ 👨‍👩‍👧"],
            "is_private": ["on", ""],
        },
        writes={"lists.listentry", "catalog.work"},  # a first entry counts in the work's popularity
        viewers=("adult", *VIEWER_KINDS),
        refuses_with_a_message=True,
        invalid=lambda site: {"notes": st.one_of(_with_nul(), _longer_than(2_000))},
    ),
    "list entry removal": Form(
        paths=[lambda site, slug=slug: f"/works/{slug}/list/remove/" for slug in ("sunny-afternoon", "triangle-blue")],
        fields=NO_FIELDS,
        writes={"lists.listentry", "catalog.work"},  # the work's popularity and votes
    ),
    "list settings": Form(
        paths=[lambda site: "/list/settings/"],
        fields=lambda site: {"is_private": ["on", ""], "adult_entries_private": ["on", ""]},
        writes={"lists.listsettings"},
        viewers=MEMBERS,
    ),
    "term suggestion": Form(
        paths=[lambda site: "/suggest-a-term/"],
        fields=lambda site: {"name": ["Cuckold", "Cuckquean", "寝取らせ", "NTR"], "note": ["", "Seen it in reviews."]},
        writes={"community.termsuggestion"},
        viewers=("adult", *VIEWER_KINDS),
        invalid=lambda site: {
            "name": st.one_of(_with_nul(), st.sampled_from(["", "   ", "\u3000"]), _longer_than(100)),
            "note": st.one_of(_with_nul(), _longer_than(2_000)),
        },
    ),
}


def _column(label: str, attname: str) -> int:
    return 1 + [f.attname for f in apps.get_model(label)._meta.concrete_fields].index(attname)


def _only_counted(before, after, label: str, pk) -> bool:
    """Whether the row's only change is its helpful count: any member's mark changes another's review."""
    if label != "community.review" or pk not in before[label]:
        return False
    counted = _column(label, "helpful_count")
    old, new = before[label][pk], after[label][pk]
    return [v for i, v in enumerate(old) if i != counted] == [v for i, v in enumerate(new) if i != counted]


def _check_ownership(before, after, actor: User | None):
    """Every community row added, changed or deleted belongs to the member who posted (or went with their post)."""
    if not before:
        return  # nothing written
    deleted = {label: {pk for pk in before[label] if pk not in after[label]} for label in OWNER_FIELD}
    for label, owner_field in OWNER_FIELD.items():
        owner = _column(label, owner_field)
        touched = [
            after[label][pk] for pk in changed_rows(before, after, label) if not _only_counted(before, after, label, pk)
        ]
        for pk in deleted[label]:
            row = before[label][pk]
            if not any(row[_column(label, link)] in deleted[target] for link, target in CASCADES.get(label, [])):
                touched.append(row)
        for row in touched:
            assert actor is not None and row[owner] == actor.pk, (
                f"{label} row {row[0]} of member {row[owner]} touched by {actor}"
            )


def post_and_check(watch, site, name: str, viewer: str, path: str, body: str):
    """Post ``body``; beyond ``send_and_check``, a success writes only what this form may, and only the poster's."""
    form = FORMS[name]
    client = client_for(viewer, site)
    response, before, after = send_and_check(watch, lambda: client.post(path, data=body, content_type=FORM_URLENCODED))
    written = changed_tables(before, after)
    assert written <= form.writes, f"{name} wrote to {sorted(written - form.writes)}"
    if name != "account deletion":
        _check_ownership(before, after, site.members.get(viewer))
    return response


def _draw_path(data, form: Form, site) -> str:
    path = data.draw(st.sampled_from([path(site) for path in form.paths]), label="path")
    if form.query:
        query = data.draw(
            params({k: value_for(v) for k, v in form.query.items()}, extra_keys=False).map(urlencode), label="query"
        )
        path = f"{path}?{query}" if query else path
    return path


def _field_strategies(form: Form, site) -> dict:
    return {name: value_for(values) for name, values in form.fields(site).items()}


@pytest.mark.parametrize("name", FORMS)
@given(data=st.data())
def test_posting_junk_never_breaks_a_form(site, name, data):
    form = FORMS[name]
    viewer = data.draw(st.sampled_from(form.viewers), label="viewer")
    pairs = data.draw(params(_field_strategies(form, site)), label="fields")
    path = _draw_path(data, form, site)
    with example() as watch:
        post_and_check(watch, site, name, viewer, path, urlencode(pairs))


@pytest.mark.parametrize("name", [name for name in FORMS if FORMS[name].invalid])
@given(data=st.data())
def test_an_invalid_form_writes_nothing_and_says_why(site, name, data):
    form = FORMS[name]
    viewer = data.draw(st.sampled_from(form.viewers), label="viewer")
    invalid = form.invalid(site)
    broken = data.draw(st.sampled_from(sorted(invalid)), label="broken field")
    pairs = [
        (key, value) for key, value in data.draw(params(_field_strategies(form, site)), label="fields") if key != broken
    ]
    # The bad value last (a single-valued field takes the last one sent), and never cut short.
    bad_value = urlencode([(broken, data.draw(invalid[broken], label="bad value"))], budget=10 * REQUEST_BUDGET)
    path = _draw_path(data, form, site)
    with example() as watch:
        response = post_and_check(
            watch, site, name, viewer, path, "&".join(filter(None, [urlencode(pairs), bad_value]))
        )
        watch.assert_wrote_nothing(f"an invalid {name} form")
        if is_redirect(response):
            # Only a visitor who must log in first, or a member on a visitors' form, is sent elsewhere.
            assert viewer in ("anonymous", "gate_passed") or form.members_sent_away or form.refuses_with_a_message, (
                response["Location"]
            )
        elif response.status_code in (200, 400):
            content = response.content.decode()
            assert 'class="form-errors"' in content or 'class="errorlist"' in content, "no error shown"


def test_every_field_takes_the_worst_values_cleanly(site):
    """Each field of each form in turn gets each of the worst values (or goes missing, or comes fifty
    times), the rest valid, posted where the form reaches deepest (its first path and viewer)."""
    for name, form in FORMS.items():
        path, viewer = form.paths[0](site), form.viewers[0]
        valid = {key: values[0] for key, values in form.fields(site).items()}
        if not valid:
            continue
        with example() as watch:
            # The starting point must be a success, or the sweep would test nothing past validation.
            response = post_and_check(watch, site, name, viewer, path, urlencode(valid.items()))
            assert is_redirect(response) and (watch.writes or not form.writes), f"the valid {name} post was refused"
        for broken in valid:
            for variant in [None, [valid[broken]] * 50, *([value] for value in WORST_VALUES)]:
                pairs = [(key, value) for key, value in valid.items() if key != broken]
                pairs += [(broken, value) for value in variant or []]
                with example() as watch:
                    post_and_check(watch, site, name, viewer, path, urlencode(pairs))


BODY_TYPES = [
    "multipart/form-data",
    "multipart/form-data; boundary=xyz",
    "application/json",
    "text/plain",
    FORM_URLENCODED,
    "",
]


@settings(max_examples=settings().max_examples * 2)
@given(data=st.data())
def test_malformed_bodies_are_refused_cleanly(site, data):
    """Bodies no browser sends: bad multipart, JSON, binary, over-long, with any content type."""
    name = data.draw(st.sampled_from(sorted(FORMS)), label="form")
    form = FORMS[name]
    viewer = data.draw(st.sampled_from(form.viewers), label="viewer")
    path = data.draw(st.sampled_from([path(site) for path in form.paths]), label="path")
    body = data.draw(
        st.one_of(
            st.binary(max_size=200),
            st.sampled_from(
                [b'--xyz\r\nContent-Disposition: form-data; name="body"\r\n\r\nhi', b"--xyz--", b'{"body": 1}', b"a=%"]
            ),
            st.sampled_from(NASTY_TEXT + NASTY_NUMBERS).map(lambda text: text.encode("utf-8", "surrogatepass")),
            st.just(b"a=" + b"x" * 3_000_000),
            st.just(b"&".join(b"f%d=1" % i for i in range(1_100))),
        ),
        label="body",
    )
    content_type = data.draw(st.sampled_from(BODY_TYPES), label="content type")
    with example() as watch:
        client = client_for(viewer, site)
        send_and_check(watch, lambda: client.generic("POST", path, body, content_type=content_type))
