"""Shared fixtures and small hand-made data builders for the ntrdb test suite.

Builders are plain functions (no factory_boy): ``make_tag``, ``make_work``,
``make_term``, ``make_user``. ``world`` is a tiny catalog with one 18+ work, one
all-ages work, an unpublished draft, perspective tags linked to glossary terms,
an explicit content tag and spoiler-level tags; its texts carry marker strings so
tests can tell exactly which text leaked where.
"""

import datetime
import itertools
import os
import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.text import slugify
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.models import User
from accounts.viewer import AGE_GATE_SESSION_KEY
from catalog.models import AgeRating, DatePrecision, Kind, Tag, TagCategory, Work, WorkTag
from catalog.search import search_index_update
from glossary.models import Term, TermFAQ

_counter = itertools.count(1)

# Property-based tests (tests/fuzz/): a bounded, reproducible run by default (15 random examples a
# test, next to fixed sweeps of the worst values), so `make test` stays fast and CI sees the same
# examples every time. `make fuzz` (HYPOTHESIS_PROFILE=fuzz-long) searches much further, at random,
# with an example database in .hypothesis/.
_FUZZ_HEALTH_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
hypothesis_settings.register_profile(
    "ntrdb", max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=_FUZZ_HEALTH_CHECKS
)
hypothesis_settings.register_profile(
    "fuzz-long", max_examples=500, deadline=None, suppress_health_check=_FUZZ_HEALTH_CHECKS
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ntrdb"))

# Marker texts: each appears in exactly one field of the world fixture.
ADULT_SYNOPSIS = "Zeppelin-marker: Akane keeps a quiet secret from Asato."
ADULT_ORIGINAL = "トライアングルブルー"
ADULT_ALT = "Sankaku Blue Alt-marker"
SAFE_SYNOPSIS = "Lighthouse-marker: two friends drift apart one summer."
SAFE_ALT = "Hiru no Kaze Alt-marker"
DRAFT_SYNOPSIS = "Draft-marker: not ready for readers."
EXPLICIT_TAG_NAME = "Explicit Velvet"
SPOILER1_NOTE = "Minor-spoiler-note-marker"
SPOILER2_NOTE = "Major-spoiler-note-marker"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Tag counts and template fragments are cached; no test may see another test's entries."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Templates use {% static %}; never depend on a collected manifest in tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _unique(prefix: str) -> str:
    return f"{prefix} {next(_counter)}"


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
        WorkTag.objects.create(work=work, tag=tag, spoiler_level=spoiler, note=note)
    if index:
        search_index_update(work)
    return work


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


def make_user(username=None, *, age=None, **fields) -> User:
    """A member; ``age`` in years sets the birth date (None: no birth date on file)."""
    birth_date = None
    if age is not None:
        today = datetime.date.today()
        try:
            birth_date = today.replace(year=today.year - age)
        except ValueError:  # 29 February
            birth_date = today.replace(year=today.year - age, day=28)
    # Tests sign members in with force_login: no password, so no slow hashing.
    user = User(username=username or _unique("member").replace(" ", ""), birth_date=birth_date, **fields)
    user.set_unusable_password()
    user.save()
    return user


def pass_age_gate(client: Client) -> None:
    """Record the age-gate confirmation in the client's session (the POST flow is tested separately)."""
    session = client.session
    session[AGE_GATE_SESSION_KEY] = True
    session.save()


def html(response) -> str:
    return response.content.decode()


_CARD = re.compile(r'<article class="work-card[^"]*">.*?</article>', re.S)
_CARD_TITLE = re.compile(r'<h3 class="work-card__title"><a href="[^"]*">(.*?)</a>', re.S)


def cards(response) -> list[str]:
    return _CARD.findall(html(response))


def card_for(response, title: str) -> str:
    matches = [card for card in cards(response) if f">{title}</a>" in card]
    assert len(matches) == 1, f"expected one card for {title!r}, found {len(matches)}"
    return matches[0]


def card_titles(response) -> list[str]:
    """Titles of the work cards on a page, in page order (HTML-escaped as rendered)."""
    return [_CARD_TITLE.search(card).group(1) for card in cards(response)]


@pytest.fixture
def world(db):
    """A small catalog and glossary covering every visibility case."""
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


@pytest.fixture
def adult_client(client):
    """A visitor who has passed the age gate."""
    pass_age_gate(client)
    return client


def pytest_configure(config):
    # whitenoise warns once per test client that STATIC_ROOT was never collected; irrelevant here.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
