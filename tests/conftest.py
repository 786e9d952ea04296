"""Fixtures shared by the whole suite (builders: tests/builders.py; reading pages: tests/pages.py).

``world`` is the small catalog of tests/builders.py's make_world. The clients say who is asking:
``gate_passed_client`` is an anonymous visitor past the age gate; ``adult_member_client``,
``other_adult_member_client``, ``minor_member_client`` and ``curator_client`` are signed in.
"""

import os

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.builders import make_curator, make_member, make_term, make_work, make_world
from tests.pages import login, pass_age_gate
from tests.query_counts import grow, seed_base

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


def pytest_configure(config):
    # whitenoise warns once per test client that STATIC_ROOT was never collected; irrelevant here.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Tag counts, template fragments and throttling counts are cached; no test may see another test's entries."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _one_process_shares_its_cache(settings):
    """The tests run in one process, whose memory cache every request shares, as production's
    workers share Redis: what the catalog generation keys (cards, the filter panel, the tag copy)
    is kept between requests, as it is there. Tests of a cache per worker set it back to False."""
    settings.NTRDB_CACHE_SHARED = True


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Templates use {% static %}; never depend on a collected manifest in tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _every_vote_counts(settings):
    """Members made by a test are minutes old and list a work or two: their votes would not count in
    works' scores (lists.votes). Tests of other things rate with them; tests/lists/test_votes.py
    puts the rule back to test it."""
    settings.NTRDB_VOTE_MIN_ACCOUNT_DAYS = 0
    settings.NTRDB_VOTE_MIN_LIST_ENTRIES = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Members are made with a password and some tests log in through the forms; they test the pages, not the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- catalogs ---------------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """A small catalog and glossary covering every visibility case (tests/builders.py, make_world)."""
    return make_world()


@pytest.fixture
def big_catalog(db):
    """36 works (more than a page), the first two with 41 tags each, 36 related terms and FAQ entries."""
    term = seed_base()
    grow(term, 0, 36)
    return term


@pytest.fixture
def safe_work(db):
    """An all-ages work, "Sunny Afternoon"."""
    return make_work("Sunny Afternoon", slug="sunny-afternoon", synopsis="Two friends drift apart one summer.")


@pytest.fixture
def adult_work(db):
    """An 18+ work, "Triangle Blue"."""
    return make_work("Triangle Blue", slug="triangle-blue", age_rating="r18", synopsis="Adult-synopsis-marker.")


@pytest.fixture
def netorare_term(db):
    return make_term("Netorare", slug="netorare")


# --- members and the clients that ask ---------------------------------------------------------------


@pytest.fixture
def adult_member(db):
    return make_member("alice", age=30)


@pytest.fixture
def other_adult_member(db):
    return make_member("bob", age=30)


@pytest.fixture
def minor_member(db):
    return make_member("kid", age=15)


@pytest.fixture
def curator(db):
    return make_curator("curator")


@pytest.fixture
def gate_passed_client(client):
    """An anonymous visitor who has passed the age gate."""
    pass_age_gate(client)
    return client


@pytest.fixture
def adult_member_client(adult_member):
    return login(adult_member)


@pytest.fixture
def other_adult_member_client(other_adult_member):
    return login(other_adult_member)


@pytest.fixture
def minor_member_client(minor_member):
    return login(minor_member)


@pytest.fixture
def curator_client(curator):
    return login(curator)
