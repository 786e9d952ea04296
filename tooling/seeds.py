"""Load the seed catalog and glossary from ``seeds/*.json``.

Loading is idempotent: a record is created when its slug is missing and left
alone when present, so running it again (as ``make run`` does) changes nothing
and never overwrites a curator's edits. ``update=True`` rewrites seeded fields
from the files, for when the seed files themselves were corrected: a seeded
work's tag links and a seeded term's related terms and works then match the
files, so a link the files no longer give is removed. A seeded slug that is now
an old slug (``core.old_slugs``: a curator renamed the record, or merged the tag
into another) stands for the record it leads to, which is left alone even when
updating: loading never brings back what a curator renamed or merged.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from catalog.generation import catalog_changed
from catalog.models import DatePrecision, Tag, Work, WorkTag
from catalog.search import search_index_update
from catalog.services import tag_set_parent
from catalog.similar import similar_works_refresh
from glossary.models import Term, TermFAQ

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds"


class SeedError(Exception):
    pass


@dataclass
class SeedReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)

    def count(self, bucket: dict, model: str) -> None:
        bucket[model] = bucket.get(model, 0) + 1

    def __str__(self):
        def fmt(bucket):
            return ", ".join(f"{n} {model}" for model, n in sorted(bucket.items())) or "nothing"

        removed = f"; removed {fmt(self.removed)}" if self.removed else ""
        return f"created {fmt(self.created)}; updated {fmt(self.updated)}{removed}"


def parse_partial_date(value: str | None) -> tuple[datetime.date | None, str]:
    """'2009' / '2009-04' / '2009-04-17' -> (first day of that period, precision)."""
    if not value:
        return None, DatePrecision.DAY
    parts = value.split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 1:
            return datetime.date(numbers[0], 1, 1), DatePrecision.YEAR
        if len(numbers) == 2:
            return datetime.date(numbers[0], numbers[1], 1), DatePrecision.MONTH
        if len(numbers) == 3:
            return datetime.date(*numbers), DatePrecision.DAY
    except ValueError:
        pass
    raise SeedError(f"Unreadable date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")


def _read(directory: Path, name: str) -> list[dict]:
    path = directory / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise SeedError(f"Cannot read {path}: {error}") from error


def _upsert(model, slug: str, values: dict, *, update: bool, report: SeedReport):
    """Create the row for ``slug`` or, in update mode, rewrite changed fields. Returns (obj, changed)."""
    obj = model.objects.filter(slug=slug).first()
    if obj is None and (moved := model.objects.filter(old_slugs__slug=slug).first()) is not None:
        return moved, False  # renamed or merged by a curator: theirs now
    if obj is None:
        obj = model(slug=slug, **values)
        obj.full_clean()
        obj.save()
        report.count(report.created, model._meta.verbose_name_plural)
        return obj, True
    if not update:
        return obj, False
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
        report.count(report.updated, model._meta.verbose_name_plural)
    return obj, bool(changed)


@transaction.atomic
def load_seeds(directory: Path = SEED_DIR, *, update: bool = False) -> SeedReport:
    report = SeedReport()
    term_rows, tag_rows, work_rows = (_read(directory, name) for name in ("terms", "tags", "works"))
    touched = []

    terms = {}
    new_terms = set()  # relations and FAQ are seeded only with the term, unless updating
    for row in term_rows:
        values = {
            "name": row["name"],
            "heading": row.get("heading", ""),
            "japanese": row.get("japanese", ""),
            "reading": row.get("reading", ""),
            "aliases": "\n".join(row.get("aliases", [])),
            "summary": row["summary"],
            "body": row.get("body", ""),
            "focus": row.get("focus", ""),
            "example": row.get("example", ""),
            "is_published": True,
        }
        term, changed = _upsert(Term, row["slug"], values, update=update, report=report)
        terms[row["slug"]] = term
        if changed:
            touched.append(term)
            new_terms.add(row["slug"])

    def lookup(mapping, slug, what):
        if slug not in mapping:
            raise SeedError(f"Unknown {what} {slug!r}")
        return mapping[slug]

    tags = {}
    for row in tag_rows:
        values = {
            "name": row["name"],
            "category": row["category"],
            "aliases": "\n".join(row.get("aliases", [])),
            "description": row.get("description", ""),
            "term": lookup(terms, row["term"], "term") if row.get("term") else None,
        }
        tag, changed = _upsert(Tag, row["slug"], values, update=update, report=report)
        tags[row["slug"]] = (tag, changed)
        if changed:
            touched.append(tag)
    for row in tag_rows:
        tag, changed = tags[row["slug"]]
        parent = lookup(tags, row["parent"], "parent tag")[0] if row.get("parent") else None
        if changed and tag.parent_id != (parent.pk if parent else None):
            tag_set_parent(tag=tag, parent=parent)  # refuses a parent that would make the tree loop

    works = {}
    for row in work_rows:
        released_from, from_precision = parse_partial_date(row.get("aired_from"))
        released_until, until_precision = parse_partial_date(row.get("aired_until"))
        values = {
            "title": row["title"],
            "original_title": row.get("original_title", ""),
            "alternative_titles": "\n".join(row.get("alternative_titles", [])),
            "kind": row.get("kind", ""),
            "age_rating": row["age_rating"],
            "synopsis": row.get("synopsis", ""),
            "couple": row.get("couple", ""),
            "episodes": row.get("episodes"),
            "volumes": row.get("volumes"),
            "released_from": released_from,
            "released_from_precision": from_precision,
            "released_until": released_until,
            "released_until_precision": until_precision,
            "is_published": True,
        }
        work, changed = _upsert(Work, row["slug"], values, update=update, report=report)
        works[row["slug"]] = work
        if changed:
            touched.append(work)
        elif not update:
            continue
        existing = {wt.tag_id: wt for wt in work.work_tags.all()}
        for link in row.get("tags", []):
            tag = lookup(tags, link["tag"], "tag")[0]
            wanted = {"spoiler_level": link.get("spoiler_level", 0), "note": link.get("note", "")}
            current = existing.get(tag.pk)
            if current is None:
                WorkTag.objects.create(work=work, tag=tag, **wanted)
                report.count(report.created, "work tags")
            elif any(getattr(current, k) != v for k, v in wanted.items()):
                WorkTag.objects.filter(pk=current.pk).update(**wanted)
                catalog_changed()  # an update() sends no signal (catalog.generation)
                report.count(report.updated, "work tags")
        if update:
            listed = {lookup(tags, link["tag"], "tag")[0].pk for link in row.get("tags", [])}
            for tag_id, link in existing.items():
                if tag_id not in listed:
                    link.delete()
                    report.count(report.removed, "work tags")

    # Related terms are symmetrical: a pair is related when either row lists the other.
    related: dict[str, set[str]] = {row["slug"]: set(row.get("related", [])) for row in term_rows}
    for slug, others in list(related.items()):
        for other in others:
            lookup(terms, other, "related term")
            related[other].add(slug)
    for row in term_rows:
        if row["slug"] not in new_terms and not update:
            continue
        term = terms[row["slug"]]
        related_terms = [terms[slug] for slug in sorted(related[row["slug"]])]
        illustrating = [lookup(works, slug, "work") for slug in row.get("works", [])]
        if update:
            term.related_terms.set(related_terms)
            term.works.set(illustrating)
        else:
            term.related_terms.add(*related_terms)
            term.works.add(*illustrating)
        if not term.faqs.exists():
            TermFAQ.objects.bulk_create(
                TermFAQ(term=term, question=faq["question"], answer=faq["answer"], position=i)
                for i, faq in enumerate(row.get("faq", []))
            )

    search_index_update(*touched)
    # The seeded works' similar works only: a rebuild would recompute a whole demo catalog loaded
    # beside them (two minutes at 100,000 works) for the sake of a few dozen.
    similar_works_refresh(work_ids=[work.pk for work in works.values()])
    return report
