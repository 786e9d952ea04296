"""The site the property-based tests attack: the shared ``world`` catalog plus members and their posts."""

from types import SimpleNamespace

import pytest

from accounts.models import SpoilerLevel
from community import services
from community.models import Status
from lists.services import entry_save
from tests.builders import make_curator, make_member
from tests.fuzz.harness import REVIEW_BODY


@pytest.fixture
def site(world):
    """``world`` with a member of each kind and posts of their own and of others, in each state."""
    adult = make_member("alice", age=30, max_spoiler_level=SpoilerLevel.MAJOR)
    adult.hidden_tags.add(world.tags.hospital)
    other = make_member("bob", age=40)
    minor = make_member("kid", age=15)
    no_birth_date = make_member("legacy", age=None)
    curator = make_curator("curator", age=35)
    superuser = make_member("root", age=50, is_staff=True, is_superuser=True)
    members = {
        "adult": adult,
        "other": other,
        "minor": minor,
        "no_birth_date": no_birth_date,
        "curator": curator,
        "superuser": superuser,
    }

    own_review = services.review_create(author=adult, work=world.safe, score=8, body=REVIEW_BODY)
    other_review = services.review_create(author=other, work=world.safe, score=3, body=REVIEW_BODY + " Bob.")
    adult_work_review = services.review_create(author=other, work=world.adult, score=6, body=REVIEW_BODY + " 18+.")
    hidden_review = services.review_create(author=minor, work=world.safe, score=9, body=REVIEW_BODY + " Hidden.")
    services._set_status(hidden_review, Status.HIDDEN)

    term = world.terms.netorare
    own_comment = services.comment_create(author=adult, term=term, body="My own comment.")
    other_comment = services.comment_create(author=other, term=term, body="Bob's comment.", favourite_work=world.safe)
    reply = services.comment_create(author=other, term=term, body="Bob's reply.", parent=own_comment)
    elsewhere = services.comment_create(author=other, term=world.terms.netori, body="On another entry.")
    removed_comment = services.comment_create(author=other, term=term, body="Removed comment.")
    services._set_status(removed_comment, Status.REMOVED)
    services.report_create(reporter=adult, reason="spam", review=other_review)
    services.term_suggestion_create(author=adult, name="Cuckquean")
    # Alice's list: a public entry, a private one, and a public 18+ one (locked before the gate).
    entry_save(member=adult, work=world.safe, status="completed", score=8, notes="My own notes.")
    entry_save(member=adult, work=world.adult, score=9, is_private=False)
    entry_save(member=other, work=world.safe, is_private=True)

    return SimpleNamespace(
        world=world,
        members=members,
        reviews=SimpleNamespace(own=own_review, other=other_review, adult_work=adult_work_review, hidden=hidden_review),
        comments=SimpleNamespace(
            own=own_comment, other=other_comment, reply=reply, elsewhere=elsewhere, removed=removed_comment
        ),
    )
