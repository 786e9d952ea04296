"""The Viewer: everything the visibility policy needs to know about a request.

Views never look at ages, sessions or preferences themselves; they pass ``request.viewer``
to the policy (``catalog.visibility``), usually through a QuerySet method such as
``Work.objects.for_viewer()``. This module answers the questions about the viewer alone
(has the gate been passed, may it be); the policy answers everything that combines the
viewer with content.
"""

from dataclasses import dataclass, field, replace

from django.http import HttpRequest

from accounts.models import SpoilerLevel

AGE_GATE_SESSION_KEY = "age_gate_passed"
# The admin permission that lets staff see works in the admin; it also opens drafts' pages to them.
PREVIEW_PERMISSION = "catalog.view_work"


@dataclass(frozen=True)
class Viewer:
    passed_age_gate: bool = False
    # False for members whose birth date makes them minors: no click lets them in.
    may_pass_age_gate: bool = True
    is_staff: bool = False
    # Staff who may read the catalog in the admin may also open an unpublished work's page, as a
    # draft preview (the policy, ``catalog.visibility.read_work``, decides what that shows).
    may_preview_unpublished: bool = False
    is_member: bool = False
    # The member's own id, so the policy can tell their own list (and later their own things) from others'.
    member_id: int | None = None
    hidden_tag_ids: frozenset[int] = field(default_factory=frozenset)
    # (tag id, category) of each hidden tag: the policy ignores hidden explicit tags until the gate is passed.
    hidden_tag_categories: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    max_spoiler_level: int = SpoilerLevel.NONE
    show_adult_works: bool = True

    @property
    def is_minor(self) -> bool:
        return not self.may_pass_age_gate

    def without_hidden_tags(self) -> "Viewer":
        """The same viewer for one request that asked to see what their hidden tags leave out."""
        return replace(self, hidden_tag_ids=frozenset(), hidden_tag_categories=frozenset())

    def with_spoiler_level(self, level: int) -> "Viewer":
        """The same viewer for one request that asked to read spoilers up to ``level`` (``?spoilers=2``).

        It only ever raises the level, and never past the deepest there is; nothing else changes:
        explicit tags and 18+ works stay behind the age gate, whatever spoilers are revealed.
        """
        return replace(self, max_spoiler_level=max(self.max_spoiler_level, min(level, SpoilerLevel.MAJOR)))

    @property
    def age_gate_state(self) -> str:
        """ "open" (18+ pages open), "closed" (a minor: they stay closed) or "ask" (the gate will ask)."""
        if self.passed_age_gate:
            return "open"
        return "closed" if self.is_minor else "ask"

    @property
    def may_choose_adult_listing(self) -> bool:
        """The "list 18+ works" preference means something only to a viewer past the gate."""
        return self.passed_age_gate


ANONYMOUS_VIEWER = Viewer()


class ViewerRequest(HttpRequest):
    """For annotations only: a request as ``ViewerMiddleware`` leaves it, with its ``viewer``."""

    viewer: Viewer


def build_viewer(request: HttpRequest) -> Viewer:
    session_passed = bool(request.session.get(AGE_GATE_SESSION_KEY, False))
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Viewer(passed_age_gate=session_passed)

    adult = user.is_adult()
    if adult is None:
        # Accounts made by `createsuperuser` carry no birth date: they confirm like a visitor.
        passed, may_pass = session_passed, True
    else:
        passed, may_pass = adult, adult
    hidden = frozenset(user.hidden_tags.values_list("pk", "category"))
    # Only staff are asked for their permissions (a query or two), so members' pages cost nothing more.
    may_preview = bool(user.is_staff and user.has_perm(PREVIEW_PERMISSION))
    return Viewer(
        passed_age_gate=passed,
        may_pass_age_gate=may_pass,
        is_staff=user.is_staff,
        may_preview_unpublished=may_preview,
        is_member=True,
        member_id=user.pk,
        hidden_tag_ids=frozenset(pk for pk, _ in hidden),
        hidden_tag_categories=hidden,
        max_spoiler_level=user.max_spoiler_level,
        show_adult_works=user.show_adult_works,
    )


def record_age_gate_passed(request: ViewerRequest) -> bool:
    """Record the visitor's confirmation; returns False when the viewer may not pass."""
    if not request.viewer.may_pass_age_gate:
        return False
    request.session[AGE_GATE_SESSION_KEY] = True
    return True
