"""What to try next: the work page's similar works and the home page's "New this month".

Catalog's own blocks on its own pages, so partials of its templates (``catalog/_similar_works.html``,
``catalog/_new_releases.html``) fed by the views, not sections (``catalog.sections`` is for the apps
above). Every work comes through the policy (``Work.objects.for_viewer`` and
``visibility.similar_works_for_viewer``) and is printed by ``{% work_grid %}``; each block costs two
queries (its works, their card tags), one when it shows no unlocked card.
"""

import datetime

from django.db.models import F
from django.utils import timezone

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
