"""Atom feeds of the catalog.

Feed readers fetch without a session, and their entries are read away from the site, where
no age gate can stand in front of them: feeds show what an anonymous visitor may see, less
every 18+ work (``Work.objects.for_syndication``).
"""

from collections import defaultdict

from django.urls import reverse

from accounts.viewer import ANONYMOUS_VIEWER
from catalog import sorts
from catalog.models import Work, WorkTag
from core.feeds import AtomFeed, escaped_html

NEW_WORKS_FEED_SIZE = 50


class NewWorksFeed(AtomFeed):
    title = "ntrdb: new works"
    subtitle = "Works newly added to the ntrdb catalog of the NTR genre family."

    def link(self):
        return reverse("catalog:work-list")

    def items(self):
        works = list(Work.objects.for_syndication().order_by(*sorts.newest_first())[:NEW_WORKS_FEED_SIZE])
        # The tags a work card shows: no spoilers, nothing explicit.
        names = defaultdict(list)
        for work_id, name, _slug, _category in WorkTag.objects.filter(work__in=works).card_rows(ANONYMOUS_VIEWER):
            names[work_id].append(name)
        for work in works:
            work.card_tag_names = names[work.pk]
        return works

    def item_description(self, work):
        return escaped_html(work.synopsis) if work.synopsis else None

    def item_pubdate(self, work):
        return work.created_at

    def item_updateddate(self, work):
        return work.updated_at

    def item_categories(self, work):
        return work.card_tag_names
