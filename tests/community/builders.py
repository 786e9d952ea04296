"""Fixtures and builders shared by tests/community and tests/members.

Both folders' conftest.py re-export the fixtures from here, so these tests do not
depend on tests/conftest.py beyond what pytest loads anyway.
"""

import datetime
import html as html_lib
import itertools
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import User
from catalog.models import Tag, Work, WorkTag
from community.models import Comment, Review
from glossary.models import Term

PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)

# The payloads the escaping tests post into every text field.
SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"


def years_ago(years: int) -> datetime.date:
    today = datetime.date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def make_member(username: str | None = None, *, age: int | None = 30, password: str = PASSWORD, **fields) -> User:
    return User.objects.create_user(
        username=username or f"member{next(_seq)}",
        password=password,
        birth_date=years_ago(age) if age is not None else None,
        **fields,
    )


def make_work(title: str | None = None, *, age_rating: str = "all", published: bool = True, **fields) -> Work:
    n = next(_seq)
    title = title or f"Work {n}"
    return Work.objects.create(
        title=title, slug=fields.pop("slug", f"work-{n}"), age_rating=age_rating, is_published=published, **fields
    )


def make_term(name: str | None = None, **fields) -> Term:
    n = next(_seq)
    name = name or f"Term {n}"
    return Term.objects.create(
        name=name,
        slug=fields.pop("slug", f"term-{n}"),
        summary=f"Summary of {name}.",
        is_published=fields.pop("is_published", True),
        **fields,
    )


def make_tag(name: str | None = None, *, category: str = "theme", **fields) -> Tag:
    n = next(_seq)
    name = name or f"Tag {n}"
    return Tag.objects.create(name=name, slug=fields.pop("slug", f"tag-{n}"), category=category, **fields)


def tag_work(work: Work, tag: Tag, spoiler_level: int = 0, note: str = "") -> WorkTag:
    return WorkTag.objects.create(work=work, tag=tag, spoiler_level=spoiler_level, note=note)


def body_text(label: str = "", length: int = 80) -> str:
    """A review body of at least 50 characters, distinct per call."""
    text = f"Review {next(_seq)} {label}: a considered opinion about pacing, characters and the ending. "
    while len(text) < length:
        text += "More thoughts follow here. "
    text = text[: max(length, 50)]
    return text[:-1] + "." if text[-1].isspace() else text  # forms strip trailing whitespace


def login(user: User, **client_kwargs) -> Client:
    client = Client(**client_kwargs)
    client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()


def form_errors(response) -> list[str]:
    """Every error message rendered by includes/form_fields.html (field and non-field)."""
    return [
        html_lib.unescape(re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r"<li>(.*?)</li>", _error_blocks(response), re.S)
    ]


def _error_blocks(response) -> str:
    html = page(response)
    blocks = re.findall(r'<div class="form-errors"[^>]*>.*?</div>', html, re.S)
    blocks += re.findall(r'<ul class="errorlist"[^>]*>.*?</ul>', html, re.S)
    return "\n".join(blocks)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_cache():
    """Throttling counts live in the cache; every test starts and ends with an empty one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def adult(db):
    return make_member("alice")


@pytest.fixture
def other_adult(db):
    return make_member("bob")


@pytest.fixture
def minor(db):
    return make_member("kid", age=15)


@pytest.fixture
def work(db):
    return make_work("Sunny Afternoon", slug="sunny-afternoon", synopsis="Two friends drift apart one summer.")


@pytest.fixture
def adult_work(db):
    return make_work("Triangle Blue", slug="triangle-blue", age_rating="r18", synopsis="Adult-synopsis-marker.")


@pytest.fixture
def term(db):
    return make_term("Netorare", slug="netorare")


@pytest.fixture
def adult_client(adult):
    return login(adult)


@pytest.fixture
def other_client(other_adult):
    return login(other_adult)


@pytest.fixture
def minor_client(minor):
    return login(minor)


def make_review(author, work, *, score=7, body=None, **fields) -> Review:
    """A review through the service (keeps the work's average in step)."""
    from community import services

    return services.review_create(author=author, work=work, score=score, body=body or body_text(), **fields)


def make_comment(author, term, *, body=None, parent=None, **fields) -> Comment:
    from community import services

    return services.comment_create(
        author=author, term=term, body=body or f"Comment {next(_seq)}", parent=parent, **fields
    )


def make_established_member(username: str | None = None, **fields) -> User:
    """A member whose reports count toward hiding a post: an account older than
    NTRDB_REPORTER_MIN_AGE_DAYS with a published comment of its own (NTRDB_REPORTER_MIN_POSTS)."""
    member = make_member(username, date_joined=timezone.now() - datetime.timedelta(days=30), **fields)
    Comment.objects.create(author=member, term=make_term(), body=f"Comment {next(_seq)} of an established member")
    return member
