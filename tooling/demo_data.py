"""Deterministic synthetic data at catalog scale, for benchmarks and trying the site out.

Everything is drawn from one seeded ``random.Random``, so ``--works 100000 --seed 1``
builds the same database on every machine. Rows are written with ``bulk_create`` and
the denormalised fields (score average, vote count, review count, helpful count) are computed
here rather than through the per-row services, which would take hours at this size.
"""

import bisect
import collections
import contextlib
import datetime
import itertools
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from catalog.generation import catalog_changed
from catalog.models import AgeRating, DatePrecision, Kind, SearchEntry, Tag, TagCategory, Work, WorkTag
from catalog.search.index import entries_for
from catalog.similar import similar_works_rebuild
from community.models import Review
from lists.choices import Status
from lists.colisting import colisting_rebuild
from lists.models import ListEntry, ListSettings
from tooling.demo_vocabulary import KATAKANA, PARTICLE_KANA, PARTICLES, SCORE_WEIGHTS, SENTENCES, SYLLABLES, TAG_WORDS

DEMO_PREFIX = "demo-"
BATCH = 5000
MAX_LIST_ENTRIES = 2_000_000
# The member with the longest list: the benchmark's list page reads theirs.
HEAVY_LISTER_ENTRIES = 5000
# One work in this many was released in the last four weeks.
RECENT_RELEASE_EVERY = 500
# How members' entries are spread over the statuses, and how often each status carries a score,
# roughly as on MyAnimeList: most entries completed or planned, planned ones never scored.
STATUS_WEIGHTS = {
    Status.COMPLETED: 55,
    Status.PLANNED: 22,
    Status.IN_PROGRESS: 10,
    Status.ON_HOLD: 5,
    Status.DROPPED: 8,
}
SCORED_SHARE = {
    Status.COMPLETED: 0.8,
    Status.DROPPED: 0.6,
    Status.IN_PROGRESS: 0.3,
    Status.ON_HOLD: 0.3,
    Status.PLANNED: 0,
}


@dataclass
class DemoSize:
    works: int
    tags: int = 500
    members: int | None = None
    reviews: int | None = None
    # Personal list entries: twenty per work, as on the 100,000-work catalog (2,000,000),
    # capped there so a million-work database stays a build of minutes, not hours.
    list_entries: int | None = None

    def __post_init__(self):
        self.members = self.members or max(50, self.works // 5)
        self.reviews = self.reviews if self.reviews is not None else self.works * 3
        if self.list_entries is None:
            self.list_entries = min(self.works * 20, MAX_LIST_ENTRIES)


class Progress:
    def __init__(self, label: str, total: int, stream=sys.stderr):
        self.label, self.total, self.stream, self.done = label, max(total, 1), stream, 0

    def advance(self, n: int) -> None:
        if n <= 0:
            return
        self.done += n
        filled = int(30 * self.done / self.total)
        self.stream.write(f"\r{self.label:<14} [{'#' * filled}{'.' * (30 - filled)}] {self.done:>9,}/{self.total:,}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def has_non_demo_data() -> bool:
    return (
        Work.objects.exclude(slug__startswith=DEMO_PREFIX).exists()
        or User.objects.exclude(username__startswith=DEMO_PREFIX).exclude(is_superuser=True).exists()
    )


def _weighted_picker(rng: random.Random, weights: Sequence[float]):
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]

    def pick() -> int:
        return bisect.bisect_left(cumulative, rng.random() * total)

    return pick


def _word(rng: random.Random) -> list[str]:
    return [rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))]


def _title(rng: random.Random, vocabulary: list[list[str]]) -> tuple[str, str, str]:
    """(Hepburn title, Kunrei-style variant, katakana original title)."""
    words = []
    for i in range(rng.randint(1, 4)):
        if i:
            words.append([rng.choice(PARTICLES)])
        words.append(rng.choice(vocabulary))
    hepburn = " ".join("".join(w) for w in words).title()
    kunrei = (
        hepburn.replace("shi", "si").replace("chi", "ti").replace("tsu", "tu").replace("ji", "zi").replace("fu", "hu")
    )
    kana = "".join(
        PARTICLE_KANA.get(w[0], "") if len(w) == 1 and w[0] in PARTICLE_KANA else "".join(KATAKANA[s] for s in w)
        for w in words
    )
    return hepburn, kunrei, kana


def _bulk(model, rows, progress: Progress | None = None):
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        model.objects.bulk_create(chunk, batch_size=BATCH)
        if progress:
            progress.advance(len(chunk))


@contextlib.contextmanager
def _timestamps_as_given(model):
    """Let ``bulk_create`` keep the ``updated_at`` each demo row was given: ``auto_now`` would stamp
    every row with the same instant, and "last updated" would sort a demo list by id alone."""
    field = model._meta.get_field("updated_at")
    field.auto_now = False
    try:
        yield
    finally:
        field.auto_now = True


def _list_entries(rng, size: DemoSize, work_ids, pick_work, *, minors: set[int], members: list[int], now) -> list:
    """Members' list entries: list lengths with a long tail (a few members list thousands, most a
    few dozen; the first member, alone, lists HEAVY_LISTER_ENTRIES), works drawn by popularity, statuses
    by STATUS_WEIGHTS, scores skewed high (SCORE_WEIGHTS), most 18+ entries private as the
    default setting makes them. Minors list no 18+ work, as the services refuse it."""
    assert size.list_entries is not None
    works = {
        pk: (kind, episodes, volumes, rating == AgeRating.R18)
        for pk, kind, episodes, volumes, rating in Work.objects.filter(pk__in=work_ids, is_published=True)
        .order_by("pk")
        .values_list("pk", "kind", "episodes", "volumes", "age_rating")
    }
    listable = [index for index, pk in enumerate(work_ids) if pk in works]
    longest = min(HEAVY_LISTER_ENTRIES, len(listable) // 2)
    average = size.list_entries / max(len(members), 1)
    # A Lomax (Pareto less one) with shape 1.5: many lists of one or two works, a long tail of big ones.
    draws = [rng.paretovariate(1.5) - 1 for _ in range(len(members) - 1)]
    # The cap on a list's length cuts the tail short of the mean: scale the draws until the lists
    # add up to the entries asked for (a few passes; the longest lists stay at the cap).
    scale = average / 2  # the draws' mean is 2
    for _ in range(8):
        lengths = [longest] + [max(1, min(longest // 2, int(draw * scale))) for draw in draws]
        scale *= size.list_entries / max(sum(lengths), 1)
    statuses = list(STATUS_WEIGHTS)
    pick_status = _weighted_picker(rng, list(STATUS_WEIGHTS.values()))
    pick_score = _weighted_picker(rng, SCORE_WEIGHTS)
    entries: list[ListEntry] = []
    for member_id, length in zip(members, lengths, strict=True):
        if len(entries) >= size.list_entries:
            break
        length = min(length, size.list_entries - len(entries))
        chosen: set[int] = set()
        attempts = 0
        while len(chosen) < length and attempts < length * 20:
            attempts += 1
            work_id = work_ids[pick_work()]
            if work_id not in works or (member_id in minors and works[work_id][3]):
                continue
            chosen.add(work_id)
        for work_id in sorted(chosen):
            kind, episodes, volumes, adult = works[work_id]
            total = episodes if kind == Kind.ANIME else volumes if kind == Kind.MANGA else None
            status = statuses[pick_status()]
            progress = 0
            if total and status == Status.COMPLETED:
                progress = total
            elif total and status != Status.PLANNED:
                progress = rng.randint(0, total - 1)
            updated = now - datetime.timedelta(minutes=rng.randint(1, 3 * 365 * 24 * 60))
            finished = updated.date() if status == Status.COMPLETED and rng.random() < 0.5 else None
            entries.append(
                ListEntry(
                    user_id=member_id,
                    work_id=work_id,
                    status=status,
                    progress=progress,
                    score=pick_score() + 1 if rng.random() < SCORED_SHARE[status] else None,
                    finished_on=finished,
                    is_private=rng.random() < (0.7 if adult else 0.05),
                    updated_at=updated,
                )
            )
    return entries


def generate(size: DemoSize, *, seed: int, stream=sys.stderr) -> dict:
    assert size.members is not None and size.reviews is not None  # set by DemoSize.__post_init__
    rng = random.Random(seed)
    now = timezone.now()
    today = datetime.date.today()
    counts = {}

    with transaction.atomic():
        # Tags: a few fixed perspectives, then generated names with a long-tailed popularity.
        tag_rows = [
            Tag(
                name=name,
                slug=f"{DEMO_PREFIX}{slugify(name)}",
                category=TagCategory.PERSPECTIVE,
                description=f"Demo tag for {name}.",
            )
            for name in ("Netorare", "Netori", "Netorase")
        ]
        categories = (
            [TagCategory.SETUP] * 40
            + [TagCategory.THEME] * 200
            + [TagCategory.SETTING] * 200
            + [TagCategory.CONTENT] * 57
        )
        names = set()
        for i in range(size.tags - len(tag_rows)):
            category = categories[i % len(categories)]
            while True:
                name = f"{rng.choice(TAG_WORDS)} {rng.choice(TAG_WORDS)}".title()
                if name not in names:
                    names.add(name)
                    break
            tag_rows.append(
                Tag(
                    name=name,
                    slug=f"{DEMO_PREFIX}{slugify(name)}",
                    category=category,
                    aliases=name.replace(" ", "-").lower(),
                    description=f"Demo {category} tag.",
                )
            )
        _bulk(Tag, tag_rows, Progress("tags", len(tag_rows), stream))
        tags = list(Tag.objects.filter(slug__startswith=DEMO_PREFIX).order_by("pk"))
        order = list(range(len(tags)))
        rng.shuffle(order)
        tag_weights = [0.0] * len(tags)
        for rank, index in enumerate(order, start=1):
            tag_weights[index] = 1 / rank**1.07
        pick_tag = _weighted_picker(rng, tag_weights)

        # Works.
        vocabulary = [_word(rng) for _ in range(4000)]
        kinds = [Kind.ANIME] * 5 + [Kind.MANGA] * 3 + [Kind.VISUAL_NOVEL] * 2
        ratings = [AgeRating.R18] * 6 + [AgeRating.R15] * 2 + [AgeRating.ALL] * 2
        work_rows = []
        for i in range(size.works):
            title, kunrei, kana = _title(rng, vocabulary)
            kind = rng.choice(kinds)
            start = datetime.date(rng.randint(1985, 2025), rng.randint(1, 12), 1)
            run = rng.random() < 0.4
            precision = DatePrecision.MONTH
            if i % RECENT_RELEASE_EVERY == RECENT_RELEASE_EVERY - 1:
                # A few works out this month, so "New this month" has something to show; chosen
                # without a draw from rng, so every other generated value stays as it was.
                start, run, precision = today - datetime.timedelta(days=i % 28), False, DatePrecision.DAY
            work_rows.append(
                Work(
                    title=title,
                    slug=f"{DEMO_PREFIX}{i}-{slugify(title)[:60]}",
                    original_title=kana,
                    alternative_titles=kunrei if kunrei != title else "",
                    kind=kind,
                    age_rating=rng.choice(ratings),
                    synopsis=" ".join(rng.sample(SENTENCES, 3)),
                    episodes=rng.randint(1, 26) if kind == Kind.ANIME else None,
                    volumes=rng.randint(1, 20) if kind == Kind.MANGA else None,
                    released_from=start,
                    released_from_precision=precision,
                    released_until=start + datetime.timedelta(days=rng.randint(30, 900)) if run else None,
                    released_until_precision=DatePrecision.MONTH,
                    is_published=rng.random() > 0.01,
                    is_featured=i < 6,
                )
            )
        _bulk(Work, work_rows, Progress("works", len(work_rows), stream))
        work_ids = list(Work.objects.filter(slug__startswith=DEMO_PREFIX).order_by("pk").values_list("pk", flat=True))
        # created_at is auto_now_add: spread it so "newest" has a meaningful order.
        counts["works"] = len(work_ids)

        # Work tags.
        links = []
        progress = Progress("work tags", len(work_ids), stream)
        for n, work_id in enumerate(work_ids, start=1):
            chosen: set[int] = set()
            wanted = rng.randint(5, 15)
            while len(chosen) < wanted:
                chosen.add(pick_tag())
            for index in chosen:
                level = 0 if rng.random() < 0.8 else (1 if rng.random() < 0.75 else 2)
                links.append(WorkTag(work_id=work_id, tag_id=tags[index].pk, spoiler_level=level))
            if n % BATCH == 0:
                WorkTag.objects.bulk_create(links, batch_size=BATCH)
                counts["work_tags"] = counts.get("work_tags", 0) + len(links)
                links = []
                progress.advance(BATCH)
        WorkTag.objects.bulk_create(links, batch_size=BATCH)
        counts["work_tags"] = counts.get("work_tags", 0) + len(links)
        progress.advance(len(work_ids) % BATCH or 0)

        # Members: unusable passwords (no hashing cost); a few are minors. They joined between a
        # month and eight years ago, drawn from a generator of their own so the rest is as before.
        joined = random.Random(f"{seed}-joined")
        member_rows = []
        for i in range(size.members):
            age = rng.randint(14, 60) if rng.random() < 0.05 else rng.randint(18, 60)
            member_rows.append(
                User(
                    username=f"{DEMO_PREFIX}member-{i}",
                    password="!",
                    birth_date=today.replace(year=today.year - age) - datetime.timedelta(days=rng.randint(1, 360)),
                    date_joined=now - datetime.timedelta(days=joined.randint(30, 8 * 365)),
                )
            )
        _bulk(User, member_rows, Progress("members", len(member_rows), stream))
        all_members = list(
            User.objects.filter(username__startswith=DEMO_PREFIX).order_by("pk").values_list("pk", flat=True)
        )
        adults = list(
            User.objects.filter(
                username__startswith=DEMO_PREFIX, birth_date__lte=today.replace(year=today.year - 19)
            ).values_list("pk", flat=True)
        )
        counts["members"] = len(member_rows)

        # List entries, then reviews written by members about works on their lists.
        popularity = list(range(len(work_ids)))
        rng.shuffle(popularity)
        work_weights = [0.0] * len(work_ids)
        for rank, index in enumerate(popularity, start=1):
            work_weights[index] = 1 / rank**0.8
        pick_work = _weighted_picker(rng, work_weights)
        minors = set(all_members) - set(adults)
        # Adults first, so the member with the longest list (the first) may list every kind of work.
        listers = sorted(all_members, key=lambda member_id: member_id in minors)
        entries = _list_entries(rng, size, work_ids, pick_work, minors=minors, members=listers, now=now)
        # Whose votes count (lists.votes): every demo account is old enough, so those listing enough works.
        listed = collections.Counter(entry.user_id for entry in entries)
        for entry in entries:
            entry.vote_counted = listed[entry.user_id] >= settings.NTRDB_VOTE_MIN_LIST_ENTRIES
        with _timestamps_as_given(ListEntry):
            _bulk(ListEntry, entries, Progress("list entries", len(entries), stream))
        counts["list_entries"] = len(entries)
        ListSettings.objects.bulk_create(
            ListSettings(user_id=member_id, is_private=True) for member_id in all_members if rng.random() < 0.05
        )

        # Reviews: of scored entries, so each review carries its author's list score.
        adult_set = set(adults)
        scored = [entry for entry in entries if entry.score is not None and entry.user_id in adult_set]
        chosen_entries = rng.sample(scored, min(size.reviews, len(scored)))
        stats: dict[int, list[int]] = {}
        for entry in entries:
            if entry.score is not None and entry.vote_counted:
                stats.setdefault(entry.work_id, []).append(entry.score)
        review_rows = [
            Review(
                author_id=entry.user_id,
                work_id=entry.work_id,
                body=" ".join(rng.sample(SENTENCES, rng.randint(2, 5))),
                has_spoilers=rng.random() < 0.1,
                helpful_count=int(rng.paretovariate(2)) - 1,
            )
            for entry in chosen_entries
        ]
        _bulk(Review, review_rows, Progress("reviews", len(review_rows), stream))
        counts["reviews"] = len(review_rows)

        # Denormalised figures (the counted votes' average and number, the reviews' count, the members
        # listing the work), one UPDATE per work.
        reviews_per_work = collections.Counter(review.work_id for review in review_rows)
        with connection.cursor() as cursor:
            rows = []
            for work_id, scores in stats.items():
                average = Decimal(sum(scores) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                rows.append((str(average), len(scores), work_id))
            table = Work._meta.db_table
            cursor.executemany(f"UPDATE {table} SET score_average = %s, vote_count = %s WHERE id = %s", rows)
            cursor.executemany(
                f"UPDATE {table} SET review_count = %s WHERE id = %s", [(n, pk) for pk, n in reviews_per_work.items()]
            )
            listed_per_work = collections.Counter(entry.work_id for entry in entries)
            cursor.executemany(
                f"UPDATE {table} SET list_count = %s WHERE id = %s", [(n, pk) for pk, n in listed_per_work.items()]
            )

        # Spread creation times over the past years, newest highest id.
        span = max(len(work_ids), 1)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {Work._meta.db_table} SET created_at = %s WHERE id = %s",
                [(now - datetime.timedelta(minutes=(span - n) * 7), work_id) for n, work_id in enumerate(work_ids)],
            )

        # Search index.
        entries = []
        for obj in itertools.chain(
            Work.objects.filter(slug__startswith=DEMO_PREFIX)
            .only("pk", "title", "original_title", "alternative_titles")
            .iterator(chunk_size=BATCH),
            Tag.objects.filter(slug__startswith=DEMO_PREFIX).iterator(),
        ):
            entries.extend(entries_for(obj))
        _bulk(SearchEntry, entries, Progress("search index", len(entries), stream))
        counts["search_entries"] = len(entries)

        # Statistics first: the rows above are not committed yet, so autovacuum has not counted
        # them, and the planner would take the tables for their size before the load. At
        # 1,000,000 works on PostgreSQL it planned the co-listing read (2,000,000 entries) for 532
        # rows and had not finished it after twenty minutes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # Each work's similar works (catalog.similar) with what members completed together
        # (lists.colisting) blended in, as the nightly refresh keeps them.
        stream.write("co-listing     (computing)\n")
        counts["colisting_pairs"] = colisting_rebuild()
        stream.write("similar works  (computing)\n")
        counts["similar_works"] = similar_works_rebuild()
    catalog_changed()  # bulk inserts send no signals: what the old generation keyed is stale
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # VACUUM also moves the rows queued in the GIN pending list into the trigram index;
            # while they wait there the planner prices the index as costly and scans the table
            # (measured at 10,000 works: 11 ms per search lookup instead of 0.1 ms).
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")  # statistics for the query planner after a bulk load
    return counts
