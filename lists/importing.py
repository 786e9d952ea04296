"""Importing a MyAnimeList export into a member's list: matching its entries to works, the plan the
member reviews, and the one transaction that writes it.

Matching, for each entry of the file, among the works an import may name
(``visibility.works_for_list_import``) of the entry's kind:

1. by MyAnimeList id, when the catalog records one (``lists.mal.mal_id_field``; MyAnimeList numbers anime
   and manga apart, so the kind is part of the id);
2. otherwise by title through the search folding (``catalog.search.fold``, the form the search
   index stores every title, original and alternative title in): a work whose main title folds
   to the entry's title first; failing that, one whose original or alternative title does. A
   locked work (18+, gate not passed) is matched by its main title only, as search finds it
   (``visibility.search_matches_other_names``). A work whose recorded MyAnimeList id differs
   from the entry's is another work there, so it is no title match.

One work: matched. Several: ambiguous, and the member picks one or skips the entry. None: not
found. A matched work the member may not list (``visibility.may_list``: an 18+ work for a minor)
is skipped and said so. The whole file is matched in a fixed number of queries, however many
entries it has (one lookup of the folded titles in the search index, one of the works, one of
the member's entries), so the summary page costs the same for 1 entry and 5,000.

What a matched entry changes: the file's status and progress, and its score, dates and comments
where it has them (an empty value in the file, score 0 or date 0000-00-00, never clears what the
list holds). An entry whose values the list already holds is "unchanged" and not written, so
importing a file a second time writes nothing. New entries follow the member's privacy default
(``entry_save``); existing entries keep their privacy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from accounts.viewer import Viewer
from catalog import visibility
from catalog.choices import DatePrecision, format_partial_date
from catalog.models import SearchEntry, Work
from catalog.search import fold
from lists.choices import Status, progress_total, progress_unit, status_label
from lists.mal import FileEntry, mal_id_field
from lists.models import ListEntry, ListSettings
from lists.services import entries_save

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
AMBIGUOUS = "ambiguous"
NOT_FOUND = "not_found"
SKIPPED = "skipped"
OUTCOMES = (NEW, CHANGED, UNCHANGED, AMBIGUOUS, NOT_FOUND, SKIPPED)
WRITTEN = (NEW, CHANGED)

# Titles are stored folded and cut to the index's column (catalog.search.index.index_entries).
_INDEX_TEXT_LENGTH = 512


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class PlannedEntry:
    file: FileEntry
    outcome: str
    work: Work | None = None
    candidates: list[Work] = field(default_factory=list)
    # The fields entries_save is given (only those that change).
    changes: dict[str, Any] = field(default_factory=dict)
    shown_changes: list[Change] = field(default_factory=list)
    reason: str = ""
    starts_private: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    entries: list[PlannedEntry]

    def of(self, *outcomes: str) -> list[PlannedEntry]:
        return [entry for entry in self.entries if entry.outcome in outcomes]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for entry in self.entries:
            counts[entry.outcome] += 1
        return counts

    @property
    def to_write(self) -> list[PlannedEntry]:
        return self.of(*WRITTEN)


# --- matching ------------------------------------------------------------------------------------


def _folded(title: str) -> str:
    return fold(title)[:_INDEX_TEXT_LENGTH]


def match(entries: list[FileEntry], viewer: Viewer) -> dict[int, list[Work]]:
    """{entry index: the works it may be}, best tier only: one work is a match, several are ambiguous."""
    mal_field = mal_id_field()
    needles = {_folded(entry.title) for entry in entries} - {""}
    names: dict[str, list[tuple[int, int]]] = defaultdict(list)  # folded text -> [(work id, name field)]
    if needles:
        rows = SearchEntry.objects.filter(kind=SearchEntry.Kind.WORK, text__in=needles).values_list(
            "text", "object_id", "field"
        )
        for text, object_id, name_field in rows:
            names[text].append((object_id, name_field))
    wanted = Q(pk__in={object_id for found in names.values() for object_id, _ in found})
    by_mal: dict[tuple[str, int], Work] = {}
    if mal_field is not None:
        for kind in {entry.kind for entry in entries}:
            ids = {entry.mal_id for entry in entries if entry.kind == kind and entry.mal_id}
            if ids:
                wanted |= Q(kind=kind, **{f"{mal_field}__in": ids})
    works = {work.pk: work for work in visibility.works_for_list_import(Work.objects.all(), viewer).filter(wanted)}
    if mal_field is not None:
        for work in works.values():
            mal_id = getattr(work, mal_field)
            if mal_id:
                by_mal[(work.kind, mal_id)] = work

    other_names = visibility.search_matches_other_names(viewer)
    found: dict[int, list[Work]] = {}
    for entry in entries:
        if entry.mal_id and (entry.kind, entry.mal_id) in by_mal:
            found[entry.index] = [by_mal[(entry.kind, entry.mal_id)]]
            continue
        main, other = set(), set()
        for object_id, name_field in names.get(_folded(entry.title), []):
            named = works.get(object_id)
            if named is None or named.kind != entry.kind:
                continue
            recorded = getattr(named, mal_field) if mal_field else None
            if recorded and entry.mal_id and recorded != entry.mal_id:
                continue  # another work on MyAnimeList, only named alike
            if name_field == SearchEntry.Field.PRIMARY:
                main.add(object_id)
            elif other_names or not getattr(named, "is_locked", False):
                other.add(object_id)
        tier = main or other
        found[entry.index] = sorted((works[pk] for pk in tier), key=lambda work: (work.title, work.pk))
    return found


# --- the plan ------------------------------------------------------------------------------------

_DATE_FIELDS = (
    ("started_on", "started_precision", "Started"),
    ("finished_on", "finished_precision", "Finished"),
)


def _wanted(file: FileEntry, work: Work, existing: ListEntry | None, warnings: list[str]) -> dict[str, Any]:
    """The values the file gives the entry, fitted to the work (progress within its count)."""
    total = progress_total(work)
    progress = file.progress
    unit = progress_unit(work.kind)
    noun = unit.label.lower() if unit else "parts"
    if total is not None and progress > total:
        warnings.append(f"The file counts {progress} {noun}; {work.title} has {total}: progress set to {total}.")
        progress = total
    status = file.status
    if status == Status.COMPLETED and total is not None and progress == 0:
        progress = total  # completed with nothing counted: as completing does on the site
    wanted: dict[str, Any] = {"status": status, "progress": progress}
    if file.score:
        wanted["score"] = file.score
    if file.notes:
        wanted["notes"] = file.notes
    for date_field, precision_field, _ in _DATE_FIELDS:
        value = getattr(file, date_field)
        if value is not None:
            wanted[date_field] = value
            wanted[precision_field] = getattr(file, precision_field)
    # A date the file gives must stay in order with the one the list keeps.
    started = wanted.get("started_on", existing.started_on if existing else None)
    finished = wanted.get("finished_on", existing.finished_on if existing else None)
    if started and finished and finished < started:
        warnings.append(
            "The dates would end before they start beside those on your list: the file's dates are left out."
        )
        for date_field, precision_field, _ in _DATE_FIELDS:
            wanted.pop(date_field, None)
            wanted.pop(precision_field, None)
    return wanted


def _show(field_name: str, values: dict[str, Any], kind: str) -> str:
    value = values.get(field_name)
    if field_name == "status":
        return status_label(value, kind) if value else "—"
    if field_name == "score":
        return str(value) if value else "—"
    if field_name == "progress":
        unit = progress_unit(kind)
        if unit is None:
            return str(value or 0)
        noun = unit.label.lower()
        return f"{value} {noun.removesuffix('s')}" if value == 1 else f"{value or 0} {noun}"
    if field_name == "notes":
        return "your notes" if value else "no notes"
    return str(value)


def _shown_changes(changes: dict[str, Any], before: dict[str, Any], kind: str) -> list[Change]:
    shown = []
    for name, label in (("status", "Status"), ("progress", "Progress"), ("score", "Score")):
        if name in changes:
            shown.append(Change(label, _show(name, before, kind), _show(name, changes, kind)))
    for date_field, precision_field, label in _DATE_FIELDS:
        if date_field in changes or precision_field in changes:
            after = {**before, **changes}
            shown.append(
                Change(
                    label,
                    format_partial_date(before.get(date_field), before.get(precision_field, DatePrecision.DAY)) or "—",
                    format_partial_date(after.get(date_field), after.get(precision_field, DatePrecision.DAY)) or "—",
                )
            )
    if "notes" in changes:
        shown.append(Change("Notes", "your notes" if before.get("notes") else "none", "from the file's comments"))
    return shown


def _values(entry: ListEntry | None) -> dict[str, Any]:
    if entry is None:
        return {}
    names = ["status", "progress", "score", "notes", *(name for pair in _DATE_FIELDS for name in pair[:2])]
    return {name: getattr(entry, name) for name in names}


def build_plan(
    entries: list[FileEntry], *, member: User, viewer: Viewer, picks: dict[int, int] | None = None
) -> ImportPlan:
    """What importing ``entries`` into ``member``'s list would do; writes nothing.

    ``picks`` are the member's choices for ambiguous entries ({entry index: work id}); a pick
    that is not one of the entry's candidates is ignored (the entry stays ambiguous, unwritten).
    """
    picks = picks or {}
    found = match(entries, viewer)
    candidate_ids = {work.pk for works in found.values() for work in works}
    existing = {
        listed.work_id: listed
        for listed in ListEntry.objects.of_member(member.pk).filter(work_id__in=sorted(candidate_ids))
    }
    planned: list[PlannedEntry] = []
    for file in entries:
        candidates = found.get(file.index, [])
        listable = [work for work in candidates if visibility.may_list(member, work)]
        entry = PlannedEntry(file=file, outcome=NOT_FOUND, warnings=list(file.warnings))
        if not candidates:
            pass
        elif not listable:
            entry.outcome, entry.work = SKIPPED, candidates[0]
            entry.reason = "Only members aged 18 or over can list 18+ works."
        elif len(candidates) == 1:
            entry.outcome, entry.work = NEW, candidates[0]
        else:
            entry.outcome, entry.candidates = AMBIGUOUS, listable
            on_list = [work for work in listable if work.pk in existing]
            # The member's pick; or the one candidate already on their list (picked at an earlier import).
            chosen = next((work for work in listable if work.pk == picks.get(file.index)), None)
            if chosen is None and len(on_list) == 1:
                chosen = on_list[0]
            if chosen is not None:
                entry.outcome, entry.work = NEW, chosen
        planned.append(entry)

    # A work two entries of the file lead to is imported from the first of them.
    first_of: dict[int, PlannedEntry] = {}
    for entry in planned:
        if entry.outcome == NEW and entry.work is not None:
            if entry.work.pk in first_of:
                earlier = first_of[entry.work.pk]
                entry.outcome = SKIPPED
                entry.reason = (
                    f"Entry {earlier.file.index + 1} of the file (“{earlier.file.title}”) is for the same work."
                )
            else:
                first_of[entry.work.pk] = entry

    adult_private = ListSettings.of(member.pk).adult_entries_private if first_of else True
    for work_id, entry in first_of.items():
        work = entry.work
        assert work is not None
        current = existing.get(work_id)
        wanted = _wanted(entry.file, work, current, entry.warnings)
        before = _values(current)
        if current is None:
            entry.changes = wanted
            entry.starts_private = visibility.entry_starts_private(work, adult_private)
        else:
            entry.changes = {name: value for name, value in wanted.items() if before.get(name) != value}
            entry.outcome = CHANGED if entry.changes else UNCHANGED
        entry.shown_changes = _shown_changes(entry.changes, before, work.kind)
    return ImportPlan(planned)


# --- the write -----------------------------------------------------------------------------------


class ImportRefused(Exception):
    """An entry could not be written; the transaction was rolled back and nothing was imported."""


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int


@transaction.atomic
def list_import_apply(*, member: User, plan: ImportPlan) -> ImportResult:
    """Write the plan's new and changed entries, all in one transaction, through ``entries_save``
    (which checks ``may_list`` again and validates each entry as ``entry_save`` does, and refreshes
    each work's figures once): one refusal and nothing is written."""
    changes = []
    titles = {}
    for entry in plan.to_write:
        assert entry.work is not None
        changes.append((entry.work, entry.changes))
        titles[entry.work.pk] = entry.file.title
    try:
        entries_save(member=member, changes=changes)
    except ValidationError as error:
        raise ImportRefused(f"“{titles.get(getattr(error, 'work_id', 0), '')}”: {' '.join(error.messages)}")
    except PermissionDenied as error:
        raise ImportRefused(f"“{titles.get(getattr(error, 'work_id', 0), '')}”: {error}")
    added = sum(1 for entry in plan.to_write if entry.outcome == NEW)
    updated = len(plan.to_write) - added
    return ImportResult(added=added, updated=updated)
