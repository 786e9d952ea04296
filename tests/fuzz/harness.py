"""What the property-based tests share: one example per savepoint, database snapshots, and the checks.

Each Hypothesis example runs inside ``example()``: a savepoint rolled back afterwards and an
empty cache, so no example sees another's writes, sessions or throttling counts, while the
test's catalog is built only once.
"""

import re
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client

from accounts.models import ThrottleCounter
from accounts.viewer import AGE_GATE_SESSION_KEY

# The body of every review the fuzzed site starts with (long enough to post).
REVIEW_BODY = "A considered opinion about the pacing, the characters and the ending, long enough to post."

# Rows a request may write without changing anything a member or curator sees (a refused
# password check is counted by the throttle, in the database when there is no Redis).
IGNORED_MODELS = {Session, ThrottleCounter}
_IGNORED_TABLES = ("django_session", ThrottleCounter._meta.db_table)
IGNORED_FIELDS = {"accounts.user": {"last_login"}}


class NulInQuery(AssertionError):
    pass


_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class Example:
    """Watches every SQL statement of one example: refuses NUL, and records writes other than sessions.

    Once armed (just before the request under test), the first write takes a ``snapshot()`` of
    the database as it was, in ``before``; a request that writes nothing costs no snapshot.
    """

    def __init__(self):
        self.writes = []
        self.armed = False
        self.before = None

    def arm(self) -> None:
        self.writes, self.armed, self.before = [], True, None

    def changes(self) -> tuple[dict, dict]:
        """The database before and after the armed request (the same, when it wrote nothing)."""
        if self.before is None:
            return {}, {}
        return self.before, snapshot()

    def __call__(self, execute, sql, params, many, context):
        # PostgreSQL refuses text with a NUL character (a 500) where SQLite stores it: refuse it here too.
        for row in (params if many else [params]) or ():
            values = row.values() if isinstance(row, dict) else row
            if any(isinstance(value, str) and "\x00" in value for value in values or ()):
                raise NulInQuery(f"a NUL character reached the database: {sql[:200]!r}")
        if _WRITE.match(sql) and not any(table in sql for table in _IGNORED_TABLES):
            if self.armed and not self.writes:
                self.before = snapshot()
            self.writes.append(sql)
        return execute(sql, params, many, context)

    def assert_wrote_nothing(self, what: str) -> None:
        """Stricter than comparing snapshots: not even a write that changed nothing."""
        assert not self.writes, f"{what} wrote to the database: {self.writes[0][:200]!r}"


@contextmanager
def example():
    """One Hypothesis example: rolled back afterwards, with an empty cache and its SQL watched."""
    cache.clear()
    watch = Example()
    try:
        with transaction.atomic(), connection.execute_wrapper(watch):
            yield watch
            transaction.set_rollback(True)
    finally:
        cache.clear()


# --- clients for each kind of visitor --------------------------------------------------------------

VIEWER_KINDS = ("anonymous", "gate_passed", "adult", "minor", "no_birth_date", "curator")


def client_for(kind: str, site) -> Client:
    """A client for one kind of visitor; call inside ``example()`` (sessions are rows too)."""
    client = Client()
    if kind == "gate_passed":
        session = client.session
        session[AGE_GATE_SESSION_KEY] = True
        session.save()
    elif kind != "anonymous":
        client.force_login(site.members[kind])
    return client


# --- database snapshots ------------------------------------------------------------------------


def _snapshot_models():
    for model in apps.get_models(include_auto_created=True):
        if model not in IGNORED_MODELS and not model._meta.proxy:
            yield model


def snapshot() -> dict:
    """Every row of every table that matters, as comparable values."""
    state = {}
    for model in _snapshot_models():
        label = model._meta.label_lower
        ignored = IGNORED_FIELDS.get(label, set())
        names = [f.attname for f in model._meta.concrete_fields if f.name not in ignored]
        state[label] = {row[0]: row for row in model._base_manager.order_by("pk").values_list("pk", *names)}
    return state


def changed_tables(before: dict, after: dict) -> set[str]:
    return {label for label in before if before[label] != after[label]}


def changed_rows(before: dict, after: dict, label: str) -> list:
    """Primary keys of the rows of ``label`` that were added or changed."""
    old, new = before[label], after[label]
    return [pk for pk, row in new.items() if old.get(pk) != row]


def assert_written_rows_valid(before: dict, after: dict) -> None:
    """Whatever a request wrote passes its model's own validation and holds no NUL or lone surrogate."""
    for label in changed_tables(before, after):
        model = apps.get_model(label)
        for pk in changed_rows(before, after, label):
            row = after[label][pk]
            for value in row:
                if isinstance(value, str):
                    assert "\x00" not in value, f"NUL stored in {label} {pk}: {row!r}"
                    assert not any("\ud800" <= c <= "\udfff" for c in value), f"lone surrogate stored in {label} {pk}"
            if model._meta.auto_created:
                continue
            instance = model._base_manager.get(pk=pk)
            try:
                instance.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                raise AssertionError(f"invalid {label} {pk} written: {error.message_dict}") from None


def send_and_check(watch: Example, send):
    """Send one request with ``send()`` and check it: no 5xx; an answer other than a redirect changed
    nothing; a redirect stays on the site; whatever was written is valid.

    Returns the response and the database before and after it.
    """
    watch.arm()
    response = send()
    assert_not_5xx(response)
    before, after = watch.changes()
    if is_redirect(response):
        assert_local_redirect(response)
    else:
        written = changed_tables(before, after)
        assert written == set(), f"{response.status_code} answer, yet {sorted(written)} changed"
    assert_written_rows_valid(before, after)
    return response, before, after


def assert_not_5xx(response) -> None:
    assert response.status_code < 500, f"{response.status_code} for {response.request.get('PATH_INFO')!r}"


def assert_local_redirect(response) -> None:
    """A redirect never leaves the site, whatever ``next`` said (read as browsers read it: "\\" as "/")."""
    location = response["Location"]
    as_browsers_read_it = location.replace("\\", "/")
    parts = urlsplit(as_browsers_read_it)
    assert not parts.scheme and not parts.netloc, f"redirect off the site: {location!r}"
    assert not as_browsers_read_it.startswith("//"), f"redirect off the site: {location!r}"
    assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in location), f"control character in redirect: {location!r}"


def is_redirect(response) -> bool:
    return response.status_code in (301, 302, 303, 307, 308)
