"""The Viewer's facts that the policy's hidden-tag rule and cache keys rely on (accounts/viewer.py)."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from accounts.models import SpoilerLevel
from accounts.viewer import AGE_GATE_SESSION_KEY, ANONYMOUS_VIEWER, Viewer, build_viewer
from catalog import visibility
from catalog.models import TagCategory
from tests.builders import make_member, make_tag


def viewer_for(user, *, gate_passed=False):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    if gate_passed:
        request.session[AGE_GATE_SESSION_KEY] = True
    request.user = user
    return build_viewer(request)


def test_an_account_without_a_birth_date_passes_the_gate_only_by_confirming(db):
    user = make_member(age=None)
    assert viewer_for(user).passed_age_gate is False
    assert viewer_for(user).may_pass_age_gate is True
    assert viewer_for(user, gate_passed=True).passed_age_gate is True


def test_the_viewer_carries_each_hidden_tags_category(db):
    explicit = make_tag(category=TagCategory.CONTENT)
    theme = make_tag(category=TagCategory.THEME)
    user = make_member(age=None)
    user.hidden_tags.add(explicit, theme)
    viewer = viewer_for(user)
    assert viewer.hidden_tag_ids == {explicit.pk, theme.pk}
    assert viewer.hidden_tag_categories == {(explicit.pk, TagCategory.CONTENT), (theme.pk, TagCategory.THEME)}


def test_hidden_explicit_tags_are_in_force_only_past_the_gate(db):
    explicit = make_tag(category=TagCategory.CONTENT)
    theme = make_tag(category=TagCategory.THEME)
    user = make_member(age=None)
    user.hidden_tags.add(explicit, theme)
    assert visibility.hidden_tag_ids_in_force(viewer_for(user)) == {theme.pk}
    assert visibility.hidden_tag_ids_in_force(viewer_for(user, gate_passed=True)) == {explicit.pk, theme.pk}
    # An adult member passes by their birth date, so theirs are in force at once.
    adult = make_member(age=30)
    adult.hidden_tags.add(explicit)
    assert visibility.hidden_tag_ids_in_force(viewer_for(adult)) == {explicit.pk}


def test_a_hidden_explicit_tag_before_the_gate_does_not_change_the_cache_variant(db):
    """Two visitors who have not passed the gate share fragments whether or not they hide explicit tags."""
    user = make_member(age=None)
    user.hidden_tags.add(make_tag(category=TagCategory.CONTENT))
    assert visibility.viewer_variant(viewer_for(user)) == visibility.viewer_variant(ANONYMOUS_VIEWER)


def test_cache_variants_tell_apart_the_gate_and_the_spoiler_level(db):
    anonymous = viewer_for(AnonymousUser())
    passed = viewer_for(AnonymousUser(), gate_passed=True)
    reader = viewer_for(make_member(age=None, max_spoiler_level=SpoilerLevel.MAJOR))
    assert len({visibility.viewer_variant(v) for v in (anonymous, passed, reader)}) == 3
    assert visibility.gate_variant(anonymous) != visibility.gate_variant(passed)
    assert visibility.gate_variant(anonymous) == visibility.gate_variant(reader)


def test_showing_hidden_works_drops_the_categories_too(db):
    user = make_member(age=30)
    user.hidden_tags.add(make_tag(category=TagCategory.CONTENT))
    viewer = viewer_for(user).without_hidden_tags()
    assert viewer.hidden_tag_ids == frozenset() and viewer.hidden_tag_categories == frozenset()
    assert visibility.hidden_tag_ids_in_force(viewer) == frozenset()


def test_a_reveal_raises_the_spoiler_level_for_one_request_and_nothing_else():
    viewer = Viewer(max_spoiler_level=SpoilerLevel.MINOR, hidden_tag_ids=frozenset({3}))
    revealed = viewer.with_spoiler_level(SpoilerLevel.MAJOR)
    assert revealed.max_spoiler_level == SpoilerLevel.MAJOR
    assert revealed.hidden_tag_ids == {3} and not revealed.passed_age_gate
    assert viewer.with_spoiler_level(SpoilerLevel.NONE).max_spoiler_level == SpoilerLevel.MINOR  # never lowers
    assert viewer.with_spoiler_level(7).max_spoiler_level == SpoilerLevel.MAJOR  # never past the deepest


def test_the_policy_reads_the_reveal_parameter_and_ignores_anything_else():
    viewer = ANONYMOUS_VIEWER
    assert visibility.viewer_revealing_spoilers(viewer, "2").max_spoiler_level == SpoilerLevel.MAJOR
    assert visibility.viewer_revealing_spoilers(viewer, "1").max_spoiler_level == SpoilerLevel.MINOR
    for junk in (None, "", "3", "-1", "two", "2.0"):
        assert visibility.viewer_revealing_spoilers(viewer, junk) == viewer
    assert visibility.viewer_revealing_spoilers(viewer, "2").passed_age_gate is False
    assert visibility.spoiler_reveal_level(viewer) == SpoilerLevel.MAJOR
    assert visibility.spoiler_reveal_level(Viewer(max_spoiler_level=SpoilerLevel.MAJOR)) is None
