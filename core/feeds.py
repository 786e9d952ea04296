"""The base of ntrdb's Atom feeds (catalog's new works, community's reviews of a work)."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks


def escaped_html(text: str) -> str:
    """Text for an Atom ``type="html"`` summary: escaped, so a reader shows it as text, never as markup."""
    return linebreaks(text, autoescape=True)


class AtomFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item):
        # Atom titles are plain text, escaped once by the XML writer; Feed's default escapes them
        # a second time for RSS readers, which would show "&amp;" in a title with "&".
        return str(item)
