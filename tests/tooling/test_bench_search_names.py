"""manage.py bench_search_names: the search lookups timed over generated names."""

import io

import pytest
from django.core.management import CommandError, call_command

from catalog.models import SearchEntry


def test_it_loads_the_names_and_finds_the_misspelt_work(db):
    out = io.StringIO()
    call_command("bench_search_names", works=300, runs=2, stdout=out)
    report = out.getvalue()
    assert SearchEntry.objects.filter(kind="work").count() > 300
    assert SearchEntry.objects.filter(kind="tag").count() == 500
    assert "typo candidates" in report and "'Nanuzo To Rafuge' found" in report, report


def test_it_refuses_a_database_whose_search_index_holds_names(db):
    SearchEntry.objects.create(kind="work", object_id=1, field=0, text="somename")
    with pytest.raises(CommandError, match="not empty"):
        call_command("bench_search_names", works=10, runs=1, stdout=io.StringIO())
    assert SearchEntry.objects.count() == 1


def test_it_refuses_a_database_with_works_even_if_their_index_is_empty(db, safe_work):
    SearchEntry.objects.all().delete()
    with pytest.raises(CommandError, match="not empty"):
        call_command("bench_search_names", works=10, runs=1, stdout=io.StringIO())
    assert not SearchEntry.objects.exists()
