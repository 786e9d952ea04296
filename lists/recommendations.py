"""A member's "For you": works like the ones they scored highly, less what is already on their list.

Built on the similar works catalog keeps (``catalog.similar``: each work's most similar works, a
score per kind of viewer). A member's best-scored works are the seeds; every work similar to a seed
earns that similarity, weighted by how much more than middling the member liked the seed
(``score - NEUTRAL_SCORE``), and the works earning most are shown. The similarity read is the
viewer's own column (``visibility.similarity_column``: only tags they may see, no deeper a spoiler
than they read), and the works shown come through ``Work.objects.for_viewer``, so a work with one of
their hidden tags, an unpublished one or an 18+ one they chose not to list never appears.

Three queries whatever the list's length: the seeds, their similar works, the chosen works.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from accounts.models import User
from accounts.viewer import Viewer
from catalog import visibility
from catalog.models import SimilarWork, Work
from lists.models import ListEntry

# A score above this says "liked it": the seeds are the entries scored LIKED_SCORE or more.
NEUTRAL_SCORE = 5
LIKED_SCORE = 7
# The best-scored entries used as seeds (most recently updated first among equals): enough to
# reflect a taste, few enough that a 5,000-entry list costs what a 50-entry one does.
SEEDS = 60
SHOWN = 24
# Candidates read before dropping listed ones: a long list leaves many of the best out.
CANDIDATES = 400


@dataclass(frozen=True)
class ForYou:
    works: list  # Work rows through the policy, best match first, each annotated ``affinity``
    seed_count: int  # how many of the member's scored works it is based on


def for_you(member: User, viewer: Viewer) -> ForYou:
    # The member's own entries as the policy gives them to their owner (none of an unpublished work).
    own = ListEntry.objects.for_viewer(viewer, owner_id=member.pk, list_is_private=False)
    liked = (
        own.filter(score__gte=LIKED_SCORE)
        .order_by("-score", "-updated_at", "pk")
        .values_list("work_id", "score")[:SEEDS]
    )
    seeds = {work_id: score for work_id, score in liked if score is not None}
    if not seeds:
        return ForYou(works=[], seed_count=0)
    column = visibility.similarity_column(viewer)
    affinity: dict[int, float] = defaultdict(float)
    pairs = SimilarWork.objects.filter(work_id__in=list(seeds), **{f"{column}__gt": 0}).values_list(
        "work_id", "similar_id", column
    )
    for seed, similar, similarity in pairs:
        affinity[similar] += similarity * (seeds[seed] - NEUTRAL_SCORE)
    ranked = sorted(affinity, key=lambda work_id: (-affinity[work_id], work_id))[:CANDIDATES]
    listed = ListEntry.objects.filter(user_id=member.pk, work_id=OuterRef("pk"))
    shown = Work.objects.for_viewer(viewer).filter(pk__in=ranked).exclude(Exists(listed))
    works = sorted(shown, key=lambda work: (-affinity[work.pk], work.pk))[:SHOWN]
    for work in works:
        work.affinity = affinity[work.pk]
    return ForYou(works=works, seed_count=len(seeds))
