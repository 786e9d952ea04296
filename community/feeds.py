"""The Atom feed of a work's reviews, for an anonymous reader (see ``catalog.feeds``)."""

from django.http import Http404

from accounts.viewer import ANONYMOUS_VIEWER
from catalog.models import Work
from core.feeds import AtomFeed, escaped_html

REVIEWS_FEED_SIZE = 50

SPOILER_NOTICE = "This review contains spoilers. Read it on the work's page."


class WorkReviewsFeed(AtomFeed):
    def get_object(self, request, slug):
        access = Work.objects.read_for_viewer(ANONYMOUS_VIEWER, slug)
        if access.gated:
            # A feed reader cannot answer the age gate, so an 18+ work has no feed at all.
            raise Http404("No such feed.")
        return access.obj

    def title(self, work):
        return f"ntrdb: reviews of {work.title}"

    def subtitle(self, work):
        return f"The newest member reviews of {work.title} on ntrdb."

    def link(self, work):
        return f"{work.get_absolute_url()}#reviews"

    def items(self, work):
        # Through the work's own manager, so each review's ``work`` is the one in hand: no query per entry.
        return work.reviews.for_work_page(work)[:REVIEWS_FEED_SIZE]

    def item_title(self, review):
        if review.author_score is None:
            return f"{review.author.username} reviews it"
        return f"{review.author.username} rates it {review.author_score}/10"

    def item_link(self, review):
        return f"{review.work.get_absolute_url()}#review-{review.pk}"

    def item_description(self, review):
        return escaped_html(SPOILER_NOTICE if review.has_spoilers else review.body)

    def item_author_name(self, review):
        return review.author.username

    def item_pubdate(self, review):
        return review.created_at

    def item_updateddate(self, review):
        return review.updated_at
