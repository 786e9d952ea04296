"""The benchmark's search row: the timed typo query is one the search promises to find, and the
benchmark reports it when it does not."""

import io

import pytest
from django.test import Client

from catalog.models import Work
from catalog.search import fold
from tests.pages import pass_age_gate
from tooling.demo_data import DemoSize, generate
from tooling.management.commands.benchmark import Command

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    generate(DemoSize(works=300, tags=40, members=60, reviews=400, list_entries=2000), seed=1, stream=io.StringIO())


def _visitor() -> Client:
    client = Client()
    pass_age_gate(client)
    return client


def test_the_timed_typo_query_is_a_typo_of_a_long_name_and_finds_its_work(demo):
    query, url = Command().timed_typo_query()
    work = Work.objects.get(slug=url.rstrip("/").rsplit("/", 1)[-1])
    assert len(fold(work.title)) >= 10 and fold(query) != fold(work.title)
    assert f'href="{url}"' in _visitor().get("/search/", {"q": query}).content.decode()
    assert Command(stdout=io.StringIO()).recall_misses(_visitor()) == []


def test_a_timed_typo_query_that_finds_nothing_is_a_recall_miss(demo, monkeypatch):
    _, url = Command().timed_typo_query()
    monkeypatch.setattr(Command, "timed_typo_query", lambda self: ("Qqqqxxxxzzzz", url))
    command = Command(stdout=io.StringIO())
    (miss,) = command.recall_misses(_visitor())
    assert "'Qqqqxxxxzzzz' (the timed typo query) does not find" in miss
