"""A reply to a member's comment reaches them as a notification, with the unread count in the header."""

import re

from playwright.sync_api import expect

from community import services
from glossary.models import Term
from tests.builders import make_member
from tests.e2e.journeys import log_in


def test_a_reply_shows_up_as_a_notification_for_the_comments_author(open_tab, catalog):
    asker = make_member("asker")
    services.comment_create(
        author=asker, term=Term.objects.get(slug="netorare"), body="Which work shows this best, do you think?"
    )
    make_member("answerer")

    answerer = open_tab()
    log_in(answerer, "answerer", next_path="/glossary/netorare/")
    page = answerer.page
    thread = page.locator(".thread", has=page.get_by_role("article", name="asker"))
    thread.get_by_text("Reply", exact=True).click()
    thread.get_by_label("Your reply to asker").fill("Triangle Blue, for the way the couple talks at the end.")
    with answerer.lands():
        thread.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment was posted.")

    author = open_tab()
    log_in(author, "asker")
    page = author.page
    header_link = page.get_by_role("navigation", name="Account").get_by_role("link", name=re.compile("Notifications"))
    expect(header_link.get_by_label("1 unread")).to_be_visible()
    with author.lands():
        header_link.click()
    entry = page.locator(".notification--unread")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("answerer")
    expect(entry).to_contain_text("the way the couple talks at the end")

    with author.lands():
        entry.get_by_role("button").first.click()
    assert author.path.startswith("/glossary/netorare/")
    expect(page.get_by_text("the way the couple talks at the end")).to_be_visible()
    header_link = page.get_by_role("navigation", name="Account").get_by_role("link", name=re.compile("Notifications"))
    expect(header_link.locator(".badge")).to_have_count(0)
