"""What to try next: the work page's similar works, and the home page's "New this month", "Top rated"
and "Most popular".

Catalog's own blocks on its own pages, so partials of its templates (``catalog/_similar_works.html``,
``catalog/_new_releases.html``) fed by the views, not sections (``catalog.sections`` is for the apps
above). Every work comes through the policy (``Work.objects.for_viewer`` and
``visibility.similar_works_for_viewer``) and is printed by ``{% work_grid %}``; each block costs two
queries (its works, their card tags), one when it shows no unlocked card.
"""

import datetime

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from catalog import sorts, visibility
from catalog.choices import DatePrecision
from catalog.models import Work
from catalog.similar import SHOWN

NEW_RELEASE_DAYS = 30
NEW_RELEASES_SHOWN = 6


def similar_works(work, viewer) -> list:
    """The works most like this one by the tags the viewer may see (``catalog.similar``)."""
    return list(Work.objects.similar_to(work, viewer, SHOWN))


def new_releases(viewer, today: datetime.date | None = None):
    """The works first released in the last NEW_RELEASE_DAYS days (a known day or month, not just a
    year), newest release first: the order of the "Year, newest first" sort, and its index."""
    today = today or timezone.localdate()
    works = Work.objects.for_viewer(viewer).filter(
        released_from__lte=today, released_from__gt=today - datetime.timedelta(days=NEW_RELEASE_DAYS)
    )
    works = works.exclude(released_from_precision=DatePrecision.YEAR)
    return works.order_by(F("released_from").desc(nulls_last=True), "title", "id")[:NEW_RELEASES_SHOWN]


DISCOVERY_SHOWN = 6


def top_rated(viewer):
    """The best scored works with at least NTRDB_TOP_RATED_MIN_VOTES counted votes (one member's 10
    is not a consensus), in the order and over the index of the "Score, highest first" sort. Before
    the gate a locked work has no score to rank by (``visibility.score_for_sorting``), so the block
    shows only works whose score the viewer may read."""
    works = visibility.works_ranked_by_figures(Work.objects.for_viewer(viewer), viewer)
    works = works.filter(vote_count__gte=settings.NTRDB_TOP_RATED_MIN_VOTES)
    return works.order_by(*sorts.orderings_for(viewer)["-score"])[:DISCOVERY_SHOWN]


def most_popular(viewer):
    """The works most members have on their list, as the "Most popular" sort orders them; as for
    scores, a locked work's popularity is not told before the gate."""
    works = visibility.works_ranked_by_figures(Work.objects.for_viewer(viewer), viewer)
    return works.filter(list_count__gt=0).order_by(*sorts.orderings_for(viewer)["-members"])[:DISCOVERY_SHOWN]
