"""WorkQuerySet.with_tag_filter picks its query shape from how common the tags are.

The answers of both shapes are checked against known results in test_work_list.py;
these tests check the choice, which decides whether a page over 100,000 works takes
a millisecond or a few hundred (docs/performance.md).
"""

import random

import pytest
from django.core.cache import cache
from django.db import connection

from catalog.models import Tag, TagCategory, Work, WorkTag
from catalog.tag_filter import TagFilter, link_counts
from tests.builders import make_tag, make_work


def shape(works) -> str:
    sql = str(works.query)
    return "list" if '"id" IN (SELECT' in sql else "walk"


@pytest.fixture
def catalog_with_common_and_rare_tags(db):
    """400 works: every one has the common tag, two have the rare one."""
    common = make_tag("Common", category=TagCategory.THEME)
    rare = make_tag("Rare", category=TagCategory.THEME)
    works = Work.objects.bulk_create(
        Work(title=f"Work {i:03d}", slug=f"work-{i:03d}", is_published=True) for i in range(400)
    )
    WorkTag.objects.bulk_create(WorkTag(work=work, tag=common) for work in works)
    WorkTag.objects.bulk_create(WorkTag(work=work, tag=rare) for work in works[:2])
    return common, rare


def test_a_page_of_a_common_tag_walks_the_sort_order(catalog_with_common_and_rare_tags):
    common, _ = catalog_with_common_and_rare_tags
    works = Work.objects.published().order_by("title").with_tag_filter(TagFilter(all_of=(common.pk,)), rows_wanted=24)
    assert shape(works) == "walk"
    assert works.count() == 400


def test_a_rare_tag_starts_from_its_own_links(catalog_with_common_and_rare_tags):
    common, rare = catalog_with_common_and_rare_tags
    works = (
        Work.objects.published()
        .order_by("title")
        .with_tag_filter(TagFilter(all_of=(common.pk, rare.pk)), rows_wanted=24)
    )
    assert shape(works) == "list"
    assert [w.title for w in works] == ["Work 000", "Work 001"]


def test_excluding_a_common_tag_makes_matches_rare(catalog_with_common_and_rare_tags):
    common, rare = catalog_with_common_and_rare_tags
    other = make_tag("Other", category=TagCategory.THEME)
    for work in Work.objects.all()[:200]:
        WorkTag.objects.create(work=work, tag=other)
    works = Work.objects.published().with_tag_filter(
        TagFilter(all_of=(other.pk,), none_of=(common.pk,)), rows_wanted=24
    )
    assert shape(works) == "list"
    assert works.count() == 0


def test_tag_link_counts_are_cached_and_count_published_works(
    catalog_with_common_and_rare_tags, django_assert_num_queries
):
    common, rare = catalog_with_common_and_rare_tags
    make_work("Draft", published=False, tags=[rare])
    cache.clear()
    with django_assert_num_queries(1):
        assert link_counts(Work.objects, [common.pk, rare.pk]) == (400, {common.pk: 400, rare.pk: 3})
    with django_assert_num_queries(0):
        link_counts(Work.objects, [rare.pk])


def test_column_filters_do_not_make_the_list_distinct(catalog_with_common_and_rare_tags, rf):
    # SELECT DISTINCT over every column forces a temporary sort of all matches instead of reading
    # one page off the sort index; filters on the work's own columns cannot repeat a row.
    from accounts.viewer import ANONYMOUS_VIEWER
    from catalog.filters import WorkFilter

    request = rf.get("/works/", {"kind": ["anime", "manga"], "age_rating": ["all", "r15"], "sort": "-score"})
    request.viewer = ANONYMOUS_VIEWER
    works = WorkFilter(request.GET, queryset=Work.objects.for_viewer(ANONYMOUS_VIEWER), request=request).qs
    assert "DISTINCT" not in str(works.query)


def test_the_spoiler_probe_finds_only_links_the_viewer_reads_at_catalog_scale(db):
    """A tag filter's probe (``has_any_tag`` with a spoiler level) against thousands of works, as
    SQLite 3.40 got it wrong: ``spoiler_level <= 0`` after ``tag_id IN (a, b)`` through the (work,
    tag, spoiler_level) index counted deeper links for about one probe in two hundred, so works
    carrying a tag only as a spoiler showed in an "any of" list. Checked against the links
    themselves, for 3,000 random probes."""
    rng = random.Random(7)
    tags = Tag.objects.bulk_create(Tag(name=f"Probe {i}", slug=f"probe-{i}") for i in range(200))
    works = Work.objects.bulk_create(Work(title=f"P{i}", slug=f"p-{i}", is_published=True) for i in range(5000))
    level_of = {}
    links = []
    for work in works:
        for tag in rng.sample(tags, rng.randint(5, 15)):
            level = 0 if rng.random() < 0.8 else rng.choice([1, 2])
            level_of[work.pk, tag.pk] = level
            links.append(WorkTag(work=work, tag=tag, spoiler_level=level))
    WorkTag.objects.bulk_create(links, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    wrong = []
    for _ in range(3000):
        work = rng.choice(works)
        chosen = [tag.pk for tag in rng.sample(tags, 2)]
        found = Work.objects.filter(pk=work.pk).filter(Work.objects.has_any_tag(chosen, max_spoiler_level=0)).exists()
        truth = any(level_of.get((work.pk, tag), 9) == 0 for tag in chosen)
        if found != truth:
            wrong.append((work.pk, chosen))
    assert wrong == []
