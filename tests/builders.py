"""Builders for the ntrdb test suite: plain functions (no factory_boy) that make rows and uploads.

Every test file imports its builders from here; reading responses and driving clients is
tests/pages.py. ``make_world`` is the small catalog behind the ``world`` fixture: one 18+ work,
one all-ages work, an unpublished draft, perspective tags linked to glossary terms, an explicit
content tag and spoiler-level tags; its texts carry the marker strings below so tests can tell
exactly which text leaked where.
"""

import datetime
import io
import itertools
from types import SimpleNamespace

from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from accounts.models import User
from catalog.models import AgeRating, DatePrecision, Kind, Tag, TagCategory, Work, WorkTag
from catalog.search import search_index_update
from catalog.services import work_cover_set
from community import services
from community.models import Comment, Review
from glossary.models import Term, TermFAQ
from lists.models import ListEntry

_counter = itertools.count(1)

# The password every member made here has (the suite hashes with MD5, so it costs nothing).
PASSWORD = "correct-horse-battery-9"

# The payloads the escaping tests post into every text field.
SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"

# Marker texts: each appears in exactly one field of make_world()'s catalog.
ADULT_SYNOPSIS = "Zeppelin-marker: Akane keeps a quiet secret from Asato."
ADULT_ORIGINAL = "トライアングルブルー"
ADULT_ALT = "Sankaku Blue Alt-marker"
SAFE_SYNOPSIS = "Lighthouse-marker: two friends drift apart one summer."
SAFE_ALT = "Hiru no Kaze Alt-marker"
DRAFT_SYNOPSIS = "Draft-marker: not ready for readers."
EXPLICIT_TAG_NAME = "Explicit Velvet"
SPOILER1_NOTE = "Minor-spoiler-note-marker"
SPOILER2_NOTE = "Major-spoiler-note-marker"


def _unique(prefix: str) -> str:
    return f"{prefix} {next(_counter)}"


def years_ago(years: int) -> datetime.date:
    today = datetime.date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


# --- catalog and glossary ---------------------------------------------------------------------------


def make_tag(name=None, *, category=TagCategory.THEME, slug=None, index=False, **fields) -> Tag:
    name = name or _unique("Tag")
    tag = Tag.objects.create(name=name, slug=slug or slugify(name), category=category, **fields)
    if index:
        search_index_update(tag)
    return tag


def make_work(
    title=None,
    *,
    slug=None,
    published=True,
    age_rating=AgeRating.ALL,
    kind=Kind.ANIME,
    tags=(),
    index=True,
    **fields,
) -> Work:
    """A work; ``tags`` holds Tag objects or (tag, spoiler_level[, note]) tuples."""
    title = title or _unique("Work")
    work = Work.objects.create(
        title=title,
        slug=slug or slugify(title) or f"work-{next(_counter)}",
        is_published=published,
        age_rating=age_rating,
        kind=kind,
        **fields,
    )
    for item in tags:
        tag, spoiler, note = (item, 0, "") if isinstance(item, Tag) else (tuple(item) + ("",))[:3]
        tag_work(work, tag, spoiler, note)
    if index:
        search_index_update(work)
    return work


def tag_work(work: Work, tag: Tag, spoiler_level: int = 0, note: str = "") -> WorkTag:
    return WorkTag.objects.create(work=work, tag=tag, spoiler_level=spoiler_level, note=note)


def make_term(name=None, *, slug=None, published=True, summary=None, index=True, **fields) -> Term:
    name = name or _unique("Term")
    term = Term.objects.create(
        name=name,
        slug=slug or slugify(name),
        summary=summary or f"Summary of {name}.",
        is_published=published,
        **fields,
    )
    if index:
        search_index_update(term)
    return term


# --- members ----------------------------------------------------------------------------------------


def make_member(username=None, *, age: int | None = 30, password: str = PASSWORD, **fields) -> User:
    """A member ``age`` years old (an adult unless told); ``age=None``: no birth date on file, as
    ``createsuperuser`` makes them. Their password is ``password``."""
    return User.objects.create_user(
        username=username or _unique("member").replace(" ", ""),
        password=password,
        birth_date=years_ago(age) if age is not None else None,
        **fields,
    )


def make_curator(username="curator", *, age: int | None = 30, **fields) -> User:
    """A staff member in the Curators group (the group its data migration makes)."""
    curator = make_member(username, age=age, is_staff=True, **fields)
    curator.groups.add(Group.objects.get(name="Curators"))
    return curator


# --- community --------------------------------------------------------------------------------------


def body_text(label: str = "", length: int = 80) -> str:
    """A review body of at least 50 characters, distinct per call."""
    text = f"Review {next(_counter)} {label}: a considered opinion about pacing, characters and the ending. "
    while len(text) < length:
        text += "More thoughts follow here. "
    text = text[: max(length, 50)]
    return text[:-1] + "." if text[-1].isspace() else text  # forms strip trailing whitespace


def make_review(author, work, *, score=7, body=None, **fields) -> Review:
    """A review through the service, with its author's list score (``score=None``: without one)."""
    return services.review_create(author=author, work=work, score=score, body=body or body_text(), **fields)


def review_score(review) -> int | None:
    """The score a review carries now: its author's list score of the work."""
    return Review.objects.with_author_score().get(pk=review.pk).author_score


def list_score(member, work) -> int | None:
    return ListEntry.objects.filter(user=member, work=work).values_list("score", flat=True).first()


def make_comment(author, term, *, body=None, parent=None, **fields) -> Comment:
    return services.comment_create(
        author=author, term=term, body=body or f"Comment {next(_counter)}", parent=parent, **fields
    )


# --- covers -----------------------------------------------------------------------------------------


def image_bytes(fmt="PNG", size=(300, 450), colour=(200, 40, 90), **save_options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt, **save_options)
    return out.getvalue()


def upload(content: bytes, name="cover.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def with_cover(work, content=None):
    work_cover_set(work=work, upload=upload(content or image_bytes()))
    work.refresh_from_db()
    return work


def stored_files() -> list[str]:
    if not default_storage.exists("covers"):
        return []
    return sorted(f"covers/{name}" for name in default_storage.listdir("covers")[1])


def work_form(work, **overrides) -> dict:
    """The admin change form of ``work`` as posted, unchanged unless overridden."""
    data = {
        "title": work.title,
        "slug": work.slug,
        "original_title": work.original_title,
        "alternative_titles": work.alternative_titles,
        "kind": work.kind,
        "age_rating": work.age_rating,
        "synopsis": work.synopsis,
        "couple": work.couple,
        "episodes": work.episodes or "",
        "volumes": work.volumes or "",
        "released_from": "",
        "released_from_precision": "day",
        "released_until": "",
        "released_until_precision": "day",
        "is_published": "on" if work.is_published else "",
        "work_tags-TOTAL_FORMS": "0",
        "work_tags-INITIAL_FORMS": "0",
        "work_tags-MIN_NUM_FORMS": "0",
        "work_tags-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def tag_form(tag, **overrides) -> dict:
    """The admin change form of ``tag`` as posted, unchanged unless overridden."""
    data = {
        "name": tag.name,
        "slug": tag.slug,
        "category": tag.category,
        "parent": tag.parent_id or "",
        "aliases": tag.aliases,
        "description": tag.description,
        "term": tag.term_id or "",
        "_save": "Save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def term_form(term, **overrides) -> dict:
    """The admin change form of ``term`` as posted (its FAQ entries left alone), unchanged unless overridden."""
    data = {
        "name": term.name,
        "slug": term.slug,
        "japanese": term.japanese,
        "reading": term.reading,
        "aliases": term.aliases,
        "summary": term.summary,
        "body": term.body,
        "focus": term.focus,
        "example": term.example,
        "is_published": "on" if term.is_published else "",
        "related_terms": [str(pk) for pk in term.related_terms.values_list("pk", flat=True)],
        "works": [str(pk) for pk in term.works.values_list("pk", flat=True)],
        "faqs-TOTAL_FORMS": "0",
        "faqs-INITIAL_FORMS": "0",
        "faqs-MIN_NUM_FORMS": "0",
        "faqs-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value not in ("", [])}


# --- the world -------------------------------------------------------------------------------------


def make_world() -> SimpleNamespace:
    """A small catalog and glossary covering every visibility case (the ``world`` fixture)."""
    netorare_term = make_term(
        "Netorare",
        japanese="寝取られ",
        reading="netorare",
        aliases="NTR",
        summary="Stories told by the one whose partner is taken.",
        body="First paragraph about netorare.\n\nSecond paragraph.",
        focus="The betrayed partner",
        example="A boyfriend finds out too late.",
    )
    netori_term = make_term("Netori", reading="netori", summary="Told by the one who takes.", focus="The outsider")
    netorase_term = make_term("Netorase", reading="netorase", summary="The couple agree to it.", focus="Consent")
    route_term = make_term("Route", summary="One branch of a visual novel.")
    draft_term = make_term("Draftterm", published=False, summary="Not published yet.")
    TermFAQ.objects.create(term=netorare_term, question="Is NTR always sad?", answer="Usually, yes.", position=0)
    TermFAQ.objects.create(
        term=netorare_term, question="Where does the word come from?", answer="Japanese.", position=1
    )
    netorare_term.related_terms.add(netori_term, netorase_term, draft_term)

    tags = SimpleNamespace(
        netorare=make_tag(
            "Netorare",
            category=TagCategory.PERSPECTIVE,
            term=netorare_term,
            aliases="NTR",
            description="Seen from the betrayed side.",
        ),
        netori=make_tag("Netori", category=TagCategory.PERSPECTIVE, term=netori_term),
        netorase=make_tag("Netorase", category=TagCategory.PERSPECTIVE, term=netorase_term),
        happy=make_tag("Happy couple", category=TagCategory.SETUP, slug="happy-couple"),
        jealousy=make_tag("Jealousy", category=TagCategory.THEME, description="Hurt on seeing the partner drift."),
        regret=make_tag("Regret", category=TagCategory.THEME),
        hospital=make_tag("Hospital", category=TagCategory.SETTING),
        explicit=make_tag(
            EXPLICIT_TAG_NAME,
            category=TagCategory.CONTENT,
            slug="explicit-velvet",
            description="Explicit content marker.",
        ),
        unused=make_tag("Lonely tag", category=TagCategory.SETTING),
    )
    for tag in vars(tags).values():
        search_index_update(tag)

    adult = make_work(
        "Triangle Blue",
        age_rating=AgeRating.R18,
        kind=Kind.ANIME,
        original_title=ADULT_ORIGINAL,
        alternative_titles=f"{ADULT_ALT}\nTriangle Blue OVA",
        synopsis=ADULT_SYNOPSIS,
        couple="Asato and Akane",
        episodes=2,
        released_from=datetime.date(2009, 4, 1),
        released_from_precision=DatePrecision.MONTH,
        released_until=datetime.date(2010, 1, 1),
        released_until_precision=DatePrecision.MONTH,
        tags=[
            (tags.netorare, 0),
            (tags.happy, 0),
            (tags.explicit, 0),
            (tags.jealousy, 1, SPOILER1_NOTE),
            (tags.regret, 2, SPOILER2_NOTE),
        ],
    )
    safe = make_work(
        "Sunny Afternoon",
        age_rating=AgeRating.ALL,
        kind=Kind.MANGA,
        synopsis=SAFE_SYNOPSIS,
        alternative_titles=SAFE_ALT,
        volumes=3,
        released_from=datetime.date(2015, 1, 1),
        released_from_precision=DatePrecision.YEAR,
        tags=[
            (tags.netori, 0),
            (tags.hospital, 0, "Most of it happens on a ward."),
            (tags.jealousy, 1, SPOILER1_NOTE),
            (tags.regret, 2, SPOILER2_NOTE),
        ],
    )
    draft = make_work(
        "Hidden Draft",
        published=False,
        synopsis=DRAFT_SYNOPSIS,
        released_from=datetime.date(2012, 1, 1),
        tags=[tags.netorare, tags.hospital],
    )
    netorare_term.works.add(adult, safe, draft)
    return SimpleNamespace(
        tags=tags,
        terms=SimpleNamespace(
            netorare=netorare_term, netori=netori_term, netorase=netorase_term, route=route_term, draft=draft_term
        ),
        adult=adult,
        safe=safe,
        draft=draft,
    )


def make_established_member(username: str | None = None, **fields) -> User:
    """A member whose reports count toward hiding a post: an account older than
    NTRDB_REPORTER_MIN_AGE_DAYS with a published comment of its own (NTRDB_REPORTER_MIN_POSTS)."""
    member = make_member(username, date_joined=timezone.now() - datetime.timedelta(days=30), **fields)
    Comment.objects.create(author=member, term=make_term(), body=f"Comment by established member {member.pk}")
    return member
