"""The orders a list page offers (``?sort=``): a whitelist, so any other value falls back to the default."""

from typing import Any

from accounts.viewer import Viewer
from catalog import visibility

ENTRY_SORTS = {
    "updated": "Last updated",
    "title": "Title",
    "score": "Score",
    "started": "Start date",
    "finished": "Finish date",
}
DEFAULT_ENTRY_SORT = "updated"

# The field each figure sort reads; the newest and highest come first, entries without one last.
_FIGURES = {"score": "score", "started": "started_on", "finished": "finished_on"}


def entry_ordering(sort: str, viewer: Viewer) -> list[Any]:
    """ORDER BY for ``sort``, each ending in a unique tie-break so pages never overlap. A locked
    entry's score and dates are not consulted (``visibility.entry_figure_for_sorting``)."""
    if sort == "title":
        return ["work__title", "pk"]
    if sort in _FIGURES:
        figure = visibility.entry_figure_for_sorting(_FIGURES[sort], viewer)
        return [figure.desc(nulls_last=True), "work__title", "pk"]
    return ["-updated_at", "-pk"]
