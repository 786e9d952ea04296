"""Similar works: for each work, the works sharing the most tags with it, a rare tag counting for more.

Two works score the sum, over the tags they share, of each tag's inverse document frequency,
``log(N / works carrying it)`` over the N published works: a tag on nearly every work says little,
one on a handful says much. The scores are kept in ``SimilarWork`` rather than worked out per
request (docs/performance.md, "Similar works": at 100,000 works one work's sum reads 200,000 tag
links and takes 80-130 ms on its own).

A tag counts only where the viewer may see it, so each pair carries one score per kind of viewer
(``SimilarWork``): through links no deeper a spoiler than level 0, 1 or 2 on *both* works, without
and with explicit tags. The policy picks the viewer's (``visibility.similar_works_for_viewer``),
and also leaves out what the viewer's lists never show (unpublished works, works with their hidden
tags, 18+ works for those who chose not to list them). So that those filters still leave a row of
cards, each work keeps its ``KEEP`` best for every kind of viewer. Only published works are
compared: a draft's preview shows no similar works, and it joins others' lists once published.

Finding the candidates: the rarest tags of a work are read first, whole, and a tag carried by
thousands of works contributes a window of its works (the same every run, a different one for each
work), ``CANDIDATE_LINKS`` links in all. The ``CANDIDATES_SCORED`` candidates that score best on
those links, for the most and the least revealing kind of viewer, are then scored exactly, on all
their tags. With no tag on more than ``CANDIDATE_LINKS`` works (a catalog of a few thousand), this
is the exact top list.

Other signals are blended in: (work, work, weight) triples added to every score of the pair, from
the sources registered with ``register_pair_source`` (``lists.colisting``: "members who completed
this also completed"). Such a signal reveals no tag, so it counts the same for every viewer. The
catalog knows no list: a source is asked for the pairs of every work (``None``) or of some.

Writes: ``similar_works_rebuild`` (the ``refresh_similar_works`` command: nightly, and after a bulk
load) and ``similar_works_refresh`` for the works whose tag links, publication or tags' categories
changed (the admin and ``catalog.services`` call it): it recomputes those works' lists and their
place in the lists that name them, in the caller's transaction.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping

from django.db import connection, transaction
from django.db.models import Case, Count, FloatField, Sum, Value, When

from accounts.models import SpoilerLevel
from catalog import visibility
from catalog.models import SimilarWork, Work, WorkTag

# Each work's best, per kind of viewer (the union is stored): twice the cards the page shows, so
# the viewer's own filters still leave a full row.
KEEP = 12
SHOWN = 6
# Tag links read per work to find candidates, and how many of those are then scored in full.
CANDIDATE_LINKS = 1000
CANDIDATES_SCORED = 2 * KEEP
# More changed works than this and a refresh rebuilds the whole table instead (a tag merge, say).
REBUILD_ABOVE = 500
BATCH = 5000

LEVELS = tuple(SpoilerLevel.values)  # 0, 1, 2
# SimilarWork's score fields, in the order of a scores list: without explicit tags, then with.
SCORE_FIELDS = (*(f"score_{level}" for level in LEVELS), *(f"explicit_score_{level}" for level in LEVELS))

# A work's tags: {tag id: (spoiler level, is explicit)}.
TagLinks = Mapping[int, tuple[int, bool]]
Scores = list[float]
Pairs = Iterable[tuple[int, int, float]]
# A source of blended pairs: given work ids, the pairs naming any of them; given None, all its pairs.
PairSource = Callable[[Collection[int] | None], Pairs]

_pair_sources: list[PairSource] = []


def register_pair_source(source: PairSource) -> None:
    """Blend ``source``'s pairs into every rebuild and refresh (an app's ``ready``; once per source)."""
    if source not in _pair_sources:
        _pair_sources.append(source)


def registered_pairs(work_ids: Collection[int] | None = None) -> list[tuple[int, int, float]]:
    return [pair for source in _pair_sources for pair in source(work_ids)]


def pair_scores(tags: TagLinks, other: TagLinks, idf: Mapping[int, float]) -> Scores:
    """The pair's score for each kind of viewer (SCORE_FIELDS' order): a shared tag counts from the
    deeper of its two links' spoiler levels up; an explicit tag only in the ``explicit_`` columns."""
    scores = [0.0] * len(SCORE_FIELDS)
    top = len(LEVELS)
    for tag in tags.keys() & other.keys():
        level, explicit = tags[tag]
        weight = idf[tag]
        for column in range(max(level, other[tag][0]), top):
            if not explicit:
                scores[column] += weight
            scores[top + column] += weight
    return scores


def best(scored: Mapping[int, Scores], keep: int = KEEP) -> dict[int, Scores]:
    """The pairs to store: each kind of viewer's ``keep`` best (most similar, then lowest id)."""
    kept: set[int] = set()
    for column in range(len(SCORE_FIELDS)):
        ranked = sorted((-scores[column], other) for other, scores in scored.items() if scores[column] > 0)
        kept.update(other for _, other in ranked[:keep])
    return {other: scored[other] for other in kept}


def _symmetric(extra_pairs: Pairs) -> dict[int, dict[int, float]]:
    extra: dict[int, dict[int, float]] = defaultdict(dict)
    for a, b, weight in extra_pairs:
        if a != b and weight:
            extra[a][b] = extra[a].get(b, 0.0) + weight
            extra[b][a] = extra[b].get(a, 0.0) + weight
    return extra


def _spread(work_id: int) -> int:
    """A fixed shuffle of work ids (Knuth's multiplicative hash), for windows of long tag lists."""
    return (work_id * 2654435761) % 2**32


def _open(link: tuple[int, bool]) -> bool:
    """A link every viewer may see: spoiler-free and not explicit."""
    return link[0] == SpoilerLevel.NONE and not link[1]


def idf_of(counts: Mapping[int, int], total: int) -> dict[int, float]:
    return {tag: math.log(total / n) if n else 0.0 for tag, n in counts.items()}


def compute(
    links: Mapping[int, TagLinks],
    *,
    total: int | None = None,
    extra_pairs: Pairs = (),
    candidate_links: int = CANDIDATE_LINKS,
) -> Iterator[tuple[int, dict[int, Scores]]]:
    """For each work of ``links`` (the published works' tags), the pairs to store: (work, {other: scores}).

    ``total`` is the number of published works (N of the weights), by default those in ``links``.
    """
    # For each tag, its works and, apart, those whose link every viewer sees, in a fixed shuffled order.
    postings: dict[int, list[int]] = defaultdict(list)
    open_postings: dict[int, list[int]] = defaultdict(list)
    for work in sorted(links, key=_spread):
        for tag, link in links[work].items():
            postings[tag].append(work)
            if _open(link):
                open_postings[tag].append(work)
    idf = idf_of({tag: len(works) for tag, works in postings.items()}, total or len(links))
    extra = _symmetric(extra_pairs)
    for work, tags in links.items():
        # Rarest tags first: through any link, and through the links every viewer sees.
        rarest = sorted(tags, key=lambda t: (len(postings[t]), t))
        every = _accumulate(work, rarest, postings, idf, candidate_links)
        open_only = _accumulate(work, [t for t in rarest if _open(tags[t])], open_postings, idf, candidate_links)
        every.pop(work, None)
        open_only.pop(work, None)
        bonus = extra.get(work, {})
        candidates = {*_top(every), *_top(open_only), *bonus}
        candidates.discard(work)
        yield work, best(_scored(tags, candidates, links, idf, bonus))


def _pair(tags: TagLinks, other: TagLinks, idf: Mapping[int, float], extra: float) -> Scores | None:
    """The pair's scores with ``extra`` added to each, or None if it scores nothing for anyone."""
    scores = pair_scores(tags, other, idf)
    if extra:
        scores = [score + extra for score in scores]
    return scores if any(scores) else None


def _top(found: Mapping[int, float]) -> list[int]:
    return sorted(found, key=found.__getitem__, reverse=True)[:CANDIDATES_SCORED]


def _accumulate(
    work: int, tags: list[int], postings: Mapping[int, list[int]], idf: Mapping[int, float], budget: int
) -> dict[int, float]:
    """Partial scores of the works found through ``tags`` (rarest first), reading at most ``budget``
    links: a longer list contributes a window of its works, starting at a place set by ``work``."""
    found: dict[int, float] = defaultdict(float)
    for tag in tags:
        if budget <= 0:
            break
        works = postings[tag]
        if len(works) > budget:
            start = _spread(work) % len(works)
            works = works[start : start + budget] + works[: max(0, start + budget - len(works))]
        budget -= len(works)
        weight = idf[tag]
        for other in works:
            found[other] += weight
    return found


def _scored(
    tags: TagLinks, candidates: Iterable[int], links: Mapping[int, TagLinks], idf, bonus: Mapping[int, float]
) -> dict[int, Scores]:
    scored = {}
    for other in candidates:
        if other not in links:
            continue  # a co-listed work that is no longer published
        scores = _pair(tags, links[other], idf, bonus.get(other, 0.0))
        if scores is not None:
            scored[other] = scores
    return scored


# --- reading the catalog ---------------------------------------------------------------------------


def _links_of(works) -> dict[int, dict[int, tuple[int, bool]]]:
    """{work id: TagLinks} for the tag links of ``works`` (a queryset or list of ids), published works only."""
    rows = WorkTag.objects.filter(work__in=works, work__is_published=True).values_list(
        "work_id", "tag_id", "spoiler_level", "tag__category"
    )
    links: dict[int, dict[int, tuple[int, bool]]] = defaultdict(dict)
    for work_id, tag_id, level, category in rows.iterator(chunk_size=BATCH):
        links[work_id][tag_id] = (level, category == visibility.EXPLICIT_CATEGORY)
    return links


def _rows(work: int, kept: Mapping[int, Scores]) -> list[SimilarWork]:
    return [
        SimilarWork(work_id=work, similar_id=other, **dict(zip(SCORE_FIELDS, scores, strict=True)))
        for other, scores in kept.items()
    ]


# --- writes ----------------------------------------------------------------------------------------


@transaction.atomic
def similar_works_rebuild(*, extra_pairs: Pairs | None = None) -> int:
    """Recompute every published work's similar works, in one transaction. Returns the rows stored.

    ``extra_pairs`` replaces the registered sources' pairs (``registered_pairs``) when given."""
    if extra_pairs is None:
        extra_pairs = registered_pairs()
    links = _links_of(Work.objects.published())
    SimilarWork.objects.all().delete()
    # Plain rows through the cursor: model instances for two million pairs cost more than computing them.
    table = SimilarWork._meta.db_table
    columns = ", ".join(("work_id", "similar_id", *SCORE_FIELDS))
    placeholders = ", ".join(["%s"] * (2 + len(SCORE_FIELDS)))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    stored = 0
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for work, kept in compute(links, total=Work.objects.published().count(), extra_pairs=extra_pairs):
            batch.extend((work, other, *scores) for other, scores in kept.items())
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                stored += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return stored + len(batch)


@transaction.atomic
def similar_works_refresh(*, work_ids: Iterable[int], extra_pairs: Pairs | None = None) -> None:
    """Bring the similar works of ``work_ids`` up to date after their tags (links, spoiler levels, a
    tag's category) or publication changed: their own lists, and their scores in every list that
    names them, so no stored score counts a link the way it no longer is.

    Their place in other works' lists is updated where they now beat its weakest (not recomputed
    in full: the nightly rebuild does that, and follows the drift of every tag's weight).
    """
    ids = sorted(set(work_ids))
    if len(ids) > REBUILD_ABOVE:
        similar_works_rebuild(extra_pairs=extra_pairs)
        return
    extra = _symmetric(registered_pairs(ids) if extra_pairs is None else extra_pairs)
    total = Work.objects.published().count()
    for work_id in ids:
        _refresh_one(work_id, total, extra.get(work_id, {}))


def _refresh_one(work_id: int, total: int, bonus: Mapping[int, float]) -> None:
    tags = _links_of([work_id]).get(work_id, {})
    SimilarWork.objects.filter(work_id=work_id).delete()
    if not tags:
        SimilarWork.objects.filter(similar_id=work_id).delete()  # unpublished, or no tags left
        return
    counts = dict(
        WorkTag.objects.filter(tag_id__in=tags, work__is_published=True)
        .values_list("tag_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    idf = idf_of(counts, total)
    referrers = set(SimilarWork.objects.filter(similar_id=work_id).values_list("work_id", flat=True))
    candidates = {
        *_best_candidates(work_id, tags, idf, open_only=False),
        *_best_candidates(work_id, tags, idf, open_only=True),
    }
    candidates |= set(bonus)
    links = _links_of(list(candidates | referrers))
    kept = best(_scored(tags, candidates, links, idf, bonus))
    SimilarWork.objects.bulk_create(_rows(work_id, kept))

    # The lists that name it, and those it may now enter: the pair's scores are the same both ways.
    updated, gone = [], []
    for row in SimilarWork.objects.filter(similar_id=work_id):
        other = row.work_id
        scores = _pair(tags, links[other], idf, bonus.get(other, 0.0)) if other in links else None
        if scores is None:
            gone.append(row.pk)
            continue
        for field, score in zip(SCORE_FIELDS, scores, strict=True):
            setattr(row, field, score)
        updated.append(row)
    SimilarWork.objects.filter(pk__in=gone).delete()
    SimilarWork.objects.bulk_update(updated, SCORE_FIELDS, batch_size=BATCH)
    entering = set(kept) - referrers
    SimilarWork.objects.bulk_create([row for other in entering for row in _rows(other, {work_id: kept[other]})])
    _trim(entering)


def _best_candidates(work_id: int, tags: TagLinks, idf: Mapping[int, float], *, open_only: bool) -> list[int]:
    """The works scoring best against ``work_id`` on all its tags (or on the links every viewer sees)."""
    weights = {tag: idf[tag] for tag, link in tags.items() if not open_only or _open(link)}
    if not weights:
        return []
    links = WorkTag.objects.filter(tag_id__in=weights, work__is_published=True).exclude(work_id=work_id)
    if open_only:
        links = links.filter(spoiler_level=SpoilerLevel.NONE)
    weight = Case(*(When(tag_id=tag, then=Value(w)) for tag, w in weights.items()), output_field=FloatField())
    ranked = links.values("work_id").annotate(score=Sum(weight)).order_by("-score", "work_id")
    return [row["work_id"] for row in ranked[:CANDIDATES_SCORED]]


def _trim(work_ids: Iterable[int]) -> None:
    """Keep each of ``work_ids``'s lists to what ``best`` keeps, after a work entered it."""
    rows: dict[int, dict[int, Scores]] = defaultdict(dict)
    for work, other, *scores in SimilarWork.objects.filter(work_id__in=list(work_ids)).values_list(
        "work_id", "similar_id", *SCORE_FIELDS
    ):
        rows[work][other] = scores
    for work, scored in rows.items():
        dropped = set(scored) - set(best(scored))
        if dropped:
            SimilarWork.objects.filter(work_id=work, similar_id__in=dropped).delete()
