"""Atom feeds of the catalog.

Feed readers fetch without a session, and their entries are read away from the site, where
no age gate can stand in front of them: feeds show what an anonymous visitor may see, less
every 18+ work (``Work.objects.for_syndication``).
"""

from django.urls import reverse

from accounts.viewer import ANONYMOUS_VIEWER
from catalog.models import Work
from core.feeds import AtomFeed, escaped_html

NEW_WORKS_FEED_SIZE = 50


class NewWorksFeed(AtomFeed):
    title = "ntrdb: new works"
    subtitle = "Works newly added to the ntrdb catalog of the NTR genre family."

    def link(self):
        return reverse("catalog:work-list")

    def items(self):
        return (
            Work.objects.for_syndication()
            .with_card_tags(ANONYMOUS_VIEWER)
            .order_by("-created_at", "-pk")[:NEW_WORKS_FEED_SIZE]
        )

    def item_description(self, work):
        return escaped_html(work.synopsis) if work.synopsis else None

    def item_pubdate(self, work):
        return work.created_at

    def item_updateddate(self, work):
        return work.updated_at

    def item_categories(self, work):
        # The tags a work card shows: no spoilers, nothing explicit.
        return [work_tag.tag.name for work_tag in work.card_tags]
