"""Age arithmetic and the Viewer built for each request."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from accounts.models import User, age_on
from accounts.viewer import AGE_GATE_SESSION_KEY, build_viewer
from tests.builders import make_member, make_tag


@pytest.mark.parametrize(
    "birth, today, age",
    [
        ((2000, 5, 10), (2018, 5, 10), 18),
        ((2000, 5, 10), (2018, 5, 9), 17),
        ((2000, 5, 10), (2018, 12, 31), 18),
        ((2000, 12, 31), (2019, 1, 1), 18),
        ((2000, 2, 29), (2018, 2, 28), 17),
        ((2000, 2, 29), (2018, 3, 1), 18),
        ((2000, 2, 29), (2020, 2, 29), 20),
    ],
)
def test_age_on(birth, today, age):
    assert age_on(datetime.date(*birth), datetime.date(*today)) == age


def test_is_adult():
    today = datetime.date(2024, 6, 1)
    assert User(birth_date=None).is_adult(today) is None
    assert User(birth_date=datetime.date(2006, 6, 1)).is_adult(today) is True
    assert User(birth_date=datetime.date(2006, 6, 2)).is_adult(today) is False


def request_for(user=None, passed=False):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    if passed:
        request.session[AGE_GATE_SESSION_KEY] = True
    request.user = user or AnonymousUser()
    return request


@pytest.mark.django_db
@pytest.mark.parametrize(
    "age, session_passed, passed, may_pass",
    [
        (None, False, False, True),
        (None, True, True, True),
        (30, False, True, True),
        (12, True, False, False),
    ],
)
def test_build_viewer_for_members(age, session_passed, passed, may_pass):
    viewer = build_viewer(request_for(make_member(age=age), passed=session_passed))
    assert viewer.passed_age_gate is passed
    assert viewer.may_pass_age_gate is may_pass
    assert viewer.is_minor is (not may_pass)
    assert viewer.is_member


@pytest.mark.django_db
def test_build_viewer_for_visitors_and_preferences():
    visitor = build_viewer(request_for())
    assert not visitor.passed_age_gate and visitor.may_pass_age_gate and not visitor.is_member
    assert build_viewer(request_for(passed=True)).passed_age_gate

    tag = make_tag("Hospital")
    user = make_member(age=40, max_spoiler_level=2, show_adult_works=False)
    user.hidden_tags.add(tag)
    viewer = build_viewer(request_for(user))
    assert viewer.hidden_tag_ids == frozenset({tag.pk})
    assert viewer.max_spoiler_level == 2
    assert viewer.show_adult_works is False
