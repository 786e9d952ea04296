"""A list entry's vocabulary: its statuses, worded for the kind of work, and the unit of its progress.

Kept apart from the models, as ``catalog.choices`` is, so forms, exports and the policy can name
them without importing the models.
"""

from django.db import models

from catalog.choices import Kind


class Status(models.TextChoices):
    PLANNED = "planned", "Plan to try"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ON_HOLD = "on_hold", "On hold"
    DROPPED = "dropped", "Dropped"


# "Plan to watch" for anime, "Reading" for manga...: the words each kind's sites use.
_VERBS = {Kind.ANIME: ("watch", "Watching"), Kind.MANGA: ("read", "Reading"), Kind.VISUAL_NOVEL: ("play", "Playing")}


def status_label(status: str, kind: str) -> str:
    """The status as a member of a site for this kind of work would say it."""
    verbs = _VERBS.get(kind)  # type: ignore[call-overload]  # a kind is a Kind value or blank
    if verbs is not None and status == Status.PLANNED:
        return f"Plan to {verbs[0]}"
    if verbs is not None and status == Status.IN_PROGRESS:
        return verbs[1]
    return str(Status(status).label)


def status_choices(kind: str) -> list[tuple[str, str]]:
    return [(status.value, status_label(status.value, kind)) for status in Status]


class ProgressUnit(models.TextChoices):
    EPISODES = "episodes", "Episodes"
    VOLUMES = "volumes", "Volumes"


def progress_unit(kind: str) -> ProgressUnit | None:
    """What progress counts for a kind of work: episodes of an anime, volumes of a manga; a visual
    novel (or a work of no kind) has no progress to count, only a status."""
    return {Kind.ANIME: ProgressUnit.EPISODES, Kind.MANGA: ProgressUnit.VOLUMES}.get(kind)  # type: ignore[call-overload]


def progress_total(work) -> int | None:
    """The full count of the work's unit, when the catalog knows it."""
    unit = progress_unit(work.kind)
    if unit is None:
        return None
    return work.episodes if unit == ProgressUnit.EPISODES else work.volumes
