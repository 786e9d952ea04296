"""Co-listing: "members who completed this also completed", the lists' half of a work's similar works.

Two works are co-listed by the members who completed both. A pair's strength is the cosine of
their completers, shared / sqrt(completers of one x completers of the other): two popular works
do not look alike merely for being popular, and two works with the same small audience do.

A pair counts once ``MIN_MEMBERS`` members completed both: that is "enough list data" (one or two
members say little), and it keeps any one member's list from being read off a work's similar
works. The entries are the policy's (``visibility.entries_open_to_aggregates``: no private entry,
no private list, no deactivated member), of members whose votes count (``lists.votes``), as of the
last rebuild: an entry or a list made private, or a member deleted, leaves the pairs at the next
one (nightly). Each member counts their ``PER_MEMBER`` most recently
updated completions: a list adds a pair for every two of its works, so a few members with
thousands of completions would otherwise make most of the pairs, and most of the cost (5,000
completions are 12.5 million pairs; docs/performance.md, "Similar works").

Writes: ``colisting_rebuild`` (``manage.py refresh_colisting``, nightly, before
``refresh_similar_works``): the ``CoListing`` table, whole, each work keeping its ``KEEP``
strongest pairs. Reads: ``colisted_pairs``, registered with ``catalog.similar`` as a pair source
(lists/apps.py): each pair adds ``WEIGHT`` x its strength to the pair's similarity, the same for
every kind of viewer, as it reveals no tag. Between rebuilds the table is as of the last one.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable

from django.db import connection, transaction
from django.db.models import Q

from catalog import visibility
from lists.choices import Status
from lists.models import CoListing, ListEntry

MIN_MEMBERS = 3
PER_MEMBER = 50
# Twice the pairs catalog.similar keeps per work, so the tags' scores still choose among them.
KEEP = 24
# A perfect co-listing (the same members completed both) counts as much as two or three shared
# tags of middling rarity (a tag on 1 work in 100 weighs log(100) = 4.6): it joins the tags'
# evidence rather than overruling it.
WEIGHT = 10.0
BATCH = 5000
_SHIFT = 2**32  # a pair (a, b), a < b, as one int: a * _SHIFT + b (a third of a tuple's memory)


def completions() -> Iterable[tuple[int, int]]:
    """(member id, work id) of the completions counted, each member's most recently updated first."""
    # Only members whose votes count (lists.votes: accounts old and active enough), so a handful
    # of throwaway accounts cannot make two works alike, nor be the "several members" of a pair.
    completed = ListEntry.objects.filter(status=Status.COMPLETED, vote_counted=True)
    entries = visibility.entries_open_to_aggregates(completed)
    return (
        entries.order_by("user_id", "-updated_at", "-pk").values_list("user_id", "work_id").iterator(chunk_size=BATCH)
    )


def count_pairs(rows: Iterable[tuple[int, int]]) -> tuple[Counter, Counter]:
    """From ``completions()``' rows: (members per pair, keyed a * _SHIFT + b with a < b; completions
    counted per work)."""
    per_member = PER_MEMBER
    together: Counter[int] = Counter()
    completers: Counter[int] = Counter()
    for _member, works in itertools.groupby(rows, key=lambda row: row[0]):
        recent = sorted(work for _, work in itertools.islice(works, per_member))
        completers.update(recent)
        together.update(a * _SHIFT + b for a, b in itertools.combinations(recent, 2))
    return together, completers


def strongest(together: Counter, completers: Counter) -> list[tuple[int, int, int, float]]:
    """The rows to store, (work, other, members, strength): both directions of every pair that
    ``MIN_MEMBERS`` members completed, each work's ``KEEP`` strongest (then most members, lowest id)."""
    pairs: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
    for key, members in together.items():
        if members < MIN_MEMBERS:
            continue
        a, b = divmod(key, _SHIFT)
        strength = members / math.sqrt(completers[a] * completers[b])
        pairs[a].append((strength, members, b))
        pairs[b].append((strength, members, a))
    rows: list[tuple[int, int, int, float]] = []
    for work, found in pairs.items():
        found.sort(key=lambda pair: (-pair[0], -pair[1], pair[2]))
        rows.extend((work, other, members, strength) for strength, members, other in found[:KEEP])
    return rows


@transaction.atomic
def colisting_rebuild() -> int:
    """Recompute the ``CoListing`` table from the members' lists, in one transaction. Returns the rows stored."""
    rows = strongest(*count_pairs(completions()))
    CoListing.objects.all().delete()
    table = CoListing._meta.db_table
    # Plain rows through the cursor, as catalog.similar stores its pairs: a million model
    # instances cost more than counting them.
    sql = f"INSERT INTO {table} (work_id, other_id, members, strength) VALUES (%s, %s, %s, %s)"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    return len(rows)


def colisted_pairs(work_ids: Collection[int] | None) -> list[tuple[int, int, float]]:
    """``catalog.similar``'s pair source: (work, work, weight) once per pair, for every stored pair
    (``work_ids`` None) or those naming any of ``work_ids``."""
    rows = CoListing.objects.all()
    if work_ids is not None:
        ids = list(work_ids)
        rows = rows.filter(Q(work_id__in=ids) | Q(other_id__in=ids))
    # Both directions are stored, and a work may keep a pair its partner did not: one weight per
    # pair, whichever direction named it (the strength is the same both ways).
    pairs = {
        (min(work, other), max(work, other)): WEIGHT * strength
        for work, other, strength in rows.values_list("work_id", "other_id", "strength").iterator(chunk_size=BATCH)
    }
    return [(a, b, weight) for (a, b), weight in pairs.items()]
