"""The curation log seam: a lower app records a curator's decision without knowing where the log lives.

Community keeps the log of curation decisions (``community.models.ModerationAction``) and
installs its writer in ``CommunityConfig.ready()``; catalog records tag merges through
``record``, which it may import (core is below every app) where it could not import community.
"""

from collections.abc import Callable
from typing import Any

# The decisions lower apps record; each is also a ModerationAction.Action value.
TAGS_MERGED = "merge_tags"

# A recorder's return value is ignored (community's returns the ModerationAction it wrote).
CurationRecorder = Callable[..., object]
_recorders: list[CurationRecorder] = []


def register_recorder(recorder: CurationRecorder) -> None:
    if recorder not in _recorders:
        _recorders.append(recorder)


def record(*, curator: Any, action: str, target: Any, reason: str = "") -> None:
    """Log ``action`` by ``curator`` on ``target`` in every installed log (inside the caller's transaction)."""
    for recorder in _recorders:
        recorder(curator=curator, action=action, target=target, reason=reason)
