"""A member's list in figures, for their page: made only of the entries the viewer may see.

The rows come from ``ListEntry.objects.for_viewer`` (the policy), so a private entry or a private
list never counts toward what another viewer reads. The counts per status include locked rows,
as the list's tabs do; the scores, progress and tags come only from rows whose details the viewer
may read (not locked), so the figures tell nothing a locked row keeps back.
"""

from dataclasses import dataclass, field
from typing import Any

from accounts.viewer import Viewer
from catalog import visibility
from catalog.choices import Kind
from catalog.models import WorkTag
from lists.choices import Status
from lists.models import SCORES

TOP_TAGS = 8


@dataclass
class ListStatistics:
    per_status: list[dict[str, Any]]
    distribution: list[dict[str, Any]]
    scored: int = 0
    mean_score: float | None = None
    episodes: int = 0
    volumes: int = 0
    top_tags: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row["count"] for row in self.per_status)


def list_statistics(entries: Any, viewer: Viewer) -> ListStatistics:
    """Two queries: the grouped summary of the entries, and the tags most common among the works
    completed (spoiler-free links the viewer may see: ``visibility.card_links``)."""
    per_status = dict.fromkeys(Status.values, 0)
    per_score = dict.fromkeys(SCORES, 0)
    logged = {Kind.ANIME: 0, Kind.MANGA: 0}
    for row in entries.summary_rows():
        per_status[row["status"]] += row["n"]
        if row["is_locked"]:
            continue
        if row["score"] is not None:
            per_score[row["score"]] += row["n"]
        if row["work__kind"] in logged:
            logged[row["work__kind"]] += row["progress_sum"] or 0
    largest = max(per_score.values())
    scored = sum(per_score.values())
    completed = visibility.entries_with_open_details(entries).filter(status=Status.COMPLETED).values("work_id")
    return ListStatistics(
        per_status=[{"value": value, "label": label, "count": per_status[value]} for value, label in Status.choices],
        distribution=[
            {"score": score, "count": n, "share": n / largest if largest else 0} for score, n in per_score.items()
        ],
        scored=scored,
        mean_score=sum(score * n for score, n in per_score.items()) / scored if scored else None,
        episodes=logged[Kind.ANIME],
        volumes=logged[Kind.MANGA],
        # Never a tag the viewer hides, not even on their own page.
        top_tags=WorkTag.objects.filter(work__in=completed)
        .for_cards(viewer)
        .exclude(tag_id__in=visibility.hidden_tag_ids_in_force(viewer))
        .most_common_tags(TOP_TAGS),
    )
