"""The suite runs on the database it was pointed at, and each database has its search index.

``make test`` (tests/run.py) runs the suite on SQLite and on PostgreSQL and says which one
it means in ``NTRDB_TEST_DATABASE_VENDOR``; a run that silently fell back to SQLite (a
``DATABASE_URL`` lost on the way) fails here instead of passing twice on the same database.
"""

import os
import random

import dj_database_url
import pytest
from django.db import connection

from catalog.models import SearchEntry
from catalog.search import searchables
from catalog.search.backends import get_backend
from tests.query_plans import plans_of, statements_of

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")

_VENDOR_OF_ENGINE = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}


def expected_vendor() -> str:
    if os.environ.get("NTRDB_TEST_DATABASE_VENDOR"):
        return os.environ["NTRDB_TEST_DATABASE_VENDOR"]
    url = os.environ.get("DATABASE_URL")
    return _VENDOR_OF_ENGINE.get(dj_database_url.parse(url)["ENGINE"], "other") if url else "sqlite"


def test_the_suite_runs_on_the_database_it_was_asked_for(db):
    assert connection.vendor == expected_vendor()


def test_the_database_answers_as_its_vendor(db):
    """Not just a setting: the server at the other end is what the vendor says."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            assert cursor.fetchone()[0].startswith("PostgreSQL ")
        else:
            cursor.execute("SELECT sqlite_version()")
            assert cursor.fetchone()[0].count(".") == 2


@on_postgresql
def test_postgresql_connections_compile_no_query(db):
    """JIT is off for the site's connections (config/settings.py says why): a compiled query would
    make every parallel worker the connection starts afterwards load the compiler."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_the_jit_setting_adds_to_options_given_in_the_url(monkeypatch):
    import importlib

    import config.settings as site_settings

    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/ntrdb?options=-c%20statement_timeout%3D5000")
    try:
        reloaded = importlib.reload(site_settings)
        assert reloaded.DATABASES["default"]["OPTIONS"]["options"] == "-c jit=off -c statement_timeout=5000"
        monkeypatch.setenv("NTRDB_POSTGRES_JIT", "1")
        reloaded = importlib.reload(site_settings)
        assert reloaded.DATABASES["default"]["OPTIONS"]["options"] == "-c statement_timeout=5000"
    finally:
        monkeypatch.undo()
        importlib.reload(site_settings)


def _names(count: int) -> list[str]:
    """Folded romaji-like names, deterministic."""
    syllables = ["ka", "ki", "ko", "sa", "si", "ta", "to", "na", "no", "ha", "ma", "mi", "ra", "ri", "wa", "zyo", "tu"]
    rng = random.Random(1)
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(4, 12))) for _ in range(count)]


@on_postgresql
def test_postgresql_search_lookups_use_the_trigram_index(db):
    """With a few thousand names the planner answers contains, short-prefix and typo lookups
    from the pg_trgm GIN index over work names (migrations catalog 0004 and 0020), not by
    scanning the table; a vocabulary's lookups read its own rows, never that index."""
    SearchEntry.objects.bulk_create(
        SearchEntry(kind="work", object_id=i, field=0, text=text) for i, text in enumerate(_names(3000))
    )
    SearchEntry.objects.bulk_create(
        SearchEntry(kind="tag", object_id=i, field=0, text=text) for i, text in enumerate(_names(20))
    )
    SearchEntry.objects.create(kind="work", object_id=5000, field=0, text="orewakanozyoosinziteru")
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
        # What VACUUM (autovacuum in production, generate_demo_data after its bulk load) does:
        # rows waiting in the GIN pending list make the planner price the index too high.
        cursor.execute("SELECT gin_clean_pending_list('catalog_searchentry_work_trgm')")
        cursor.execute("ANALYZE catalog_searchentry")
    backend = get_backend()
    for lookup, parts in (
        (lambda: backend.contains(["work"], "kanozyo", 50), 1),
        (lambda: backend.contains(["work"], "or", 50), 1),
        # Six pairs of pieces (backends.piece_pairs), each pair's two conditions one index scan,
        # and the three single pieces.
        (lambda: backend.fuzzy(["work"], "kanazyoosinziteru", 50), 9),
    ):
        plan = plans_of(statements_of(lookup))
        assert "Seq Scan" not in plan, plan
        assert plan.count("Bitmap Index Scan on catalog_searchentry_work_trgm") == parts, plan
    assert 5000 in {object_id for _, object_id, _, _ in backend.fuzzy(["work"], "kanazyoosinziteru", 50)}
    backend = get_backend(vocabularies={"tag"})
    for lookup in (
        lambda: backend.contains(["tag"], "kanozyo", 50),
        lambda: backend.fuzzy(["tag"], "kanazyoosinziteru", 50),
    ):
        plan = plans_of(statements_of(lookup))
        assert "trgm" not in plan and "Seq Scan" not in plan, plan
        assert "searchentry_object_idx" in plan, plan
    # Every pair in one pass over the tag rows, then one per single piece: not a lookup per pair.
    (fuzzy_sql,) = statements_of(lambda: backend.fuzzy(["tag"], "kanazyoosinziteru", 50))
    assert "AS pair" not in fuzzy_sql.sql
    assert plans_of([fuzzy_sql]).count("searchentry_object_idx") == 4


def test_the_postgresql_trigram_index_covers_every_kind_that_is_not_a_vocabulary():
    """Migration catalog 0020 indexes ``kind = 'work'`` only: a new searchable kind with many names
    would be scanned whole on every search unless it is a vocabulary or gets an index of its own."""
    assert {searchable.kind for searchable in searchables() if not searchable.vocabulary} == {"work"}


@on_sqlite
def test_sqlite_search_lookups_use_the_fts5_trigram_table(db):
    backend = get_backend(vocabularies={"tag"})
    for lookup, parts in (
        (lambda: backend.contains(["work"], "kanozyo", 50), 1),
        # One lookup for every pair of pieces (backends.piece_pairs), one per single piece.
        (lambda: backend.fuzzy(["work"], "kanazyoosinziteru", 50), 4),
        # A vocabulary's names are read from its own rows, never through the full-text index.
        (lambda: backend.fuzzy(["tag"], "kanazyoosinziteru", 50), 0),
    ):
        plan = plans_of(statements_of(lookup))
        assert plan.count("SCAN catalog_searchentry_fts VIRTUAL TABLE INDEX") == parts, plan
    plan = plans_of(statements_of(lambda: backend.fuzzy(["tag"], "kanazyoosinziteru", 50)))
    assert "USING INDEX searchentry_object_idx (kind=?)" in plan, plan


def test_a_one_typo_query_finds_its_name_among_thousands_that_share_each_piece(db):
    """At a million works each third of a query is in thousands of names, and a lookup limited
    per piece keeps an arbitrary few of them (found at 1,000,000 demo works: "Naunzo To Rafuge"
    found nothing). Names holding two pieces are few, so the pair lookups still find the one
    within a typo, wherever the typo falls (across a cut of the pieces too)."""
    target = "kanozyoosinziteru"
    pieces = ["kanozy", "oosinz", "iteru", "kanoz", "yoosin", "ziteru"]
    crowd = [f"{piece}{filler}" for piece in pieces for filler in _names(600)]
    SearchEntry.objects.bulk_create(
        SearchEntry(kind="work", object_id=i, field=0, text=text) for i, text in enumerate(crowd)
    )
    SearchEntry.objects.create(kind="work", object_id=99_999, field=0, text=target)
    backend = get_backend()
    for typo in (
        "kanozyoosinzitero",  # a changed letter at the end
        "kanzoyoosinziteru",  # neighbours swapped inside the first piece
        "kanozyoiosinziteru",  # a letter added in the middle
        "kanozyosoinziteru",  # neighbours swapped across the first cut (kanozy|oosinz)
        "kanozyoosnziteru",  # a letter dropped
    ):
        found = {object_id for _, object_id, _, _ in backend.fuzzy(["work"], typo, 50)}
        assert 99_999 in found, typo
