"""Names are filed and sorted ignoring a leading article and punctuation, by a sort key stored with them.

The glossary's A-Z index and /tags/ read it from the database (``core.fields.SortKeyField``):
"The “happy” couple" sorts and files as "happy couple", not under T after "The questioning partner".
"""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from catalog.models import Tag, TagCategory
from core.text import filing_letter, sort_key
from glossary.models import Term
from tests.builders import make_tag, make_term
from tests.pages import html

SETUPS = ["The “happy” couple", "The questioning partner", "The protagonist's mistake", "Troubling times"]


@pytest.mark.parametrize(
    "name, key",
    [
        ("The “happy” couple", "happy couple"),
        ('The "happy" couple', "happy couple"),
        ("The protagonist's mistake", "protagonists mistake"),
        ("The questioning partner", "questioning partner"),
        ("An affair", "affair"),
        ("A", "a"),
        ("Theme park", "theme park"),
        ("Émile", "emile"),
        ("2D love", "2d love"),
        ("寝取られ", "寝取られ"),
        ("…", "…"),
    ],
)
def test_sort_key_ignores_case_accents_punctuation_and_a_leading_article(name, key):
    assert sort_key(name) == key


def test_filing_letter():
    assert [filing_letter(sort_key(name)) for name in SETUPS] == ["H", "Q", "P", "T"]
    assert filing_letter(sort_key("2D love")) == "#"
    assert filing_letter(sort_key("寝取られ")) == "#"


def test_the_sort_key_is_kept_by_save_and_bulk_create(db):
    tag = make_tag("The “happy” couple", category=TagCategory.SETUP, slug="happy-couple")
    assert Tag.objects.get(pk=tag.pk).sort_name == "happy couple"
    tag.name = "The “unhappy” couple"
    tag.save()
    assert Tag.objects.get(pk=tag.pk).sort_name == "unhappy couple"
    Term.objects.bulk_create([Term(name="The questioning partner", slug="questioning-partner", summary="S.")])
    assert Term.objects.get(slug="questioning-partner").sort_name == "questioning partner"


def test_the_database_sorts_by_the_sort_key(db):
    for name in SETUPS:
        make_term(name)
    assert list(Term.objects.values_list("name", flat=True)) == [
        "The “happy” couple",
        "The protagonist's mistake",
        "The questioning partner",
        "Troubling times",
    ]


def test_tag_index_sorts_names_ignoring_a_leading_article_and_quotes(db, client):
    for name in reversed(SETUPS):
        make_tag(name, category=TagCategory.SETUP)
    make_tag("Hospital", category=TagCategory.SETUP)
    page = html(client.get("/tags/"))
    setup = page.split(">Setup</h2>", 1)[1].split("</section>", 1)[0]
    names = re.findall(r'class="tag tag--setup" href="[^"]+">(.*?)</a>', setup)
    assert names == [
        "The “happy” couple",
        "Hospital",
        "The protagonist&#x27;s mistake",
        "The questioning partner",
        "Troubling times",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migrations_give_existing_rows_their_sort_key():
    """Rows written before the field existed get their key from the migration, which also reverses."""
    before = [("catalog", "0013_work_and_tag_old_slugs"), ("glossary", "0002_term_old_slugs")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_apps.get_model("catalog", "Tag").objects.create(name="The “happy” couple", slug="happy", category="setup")
    old_apps.get_model("glossary", "Term").objects.create(
        name="The protagonist's mistake", slug="mistake", summary="S."
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Tag.objects.get(slug="happy").sort_name == "happy couple"
    assert Term.objects.get(slug="mistake").sort_name == "protagonists mistake"
