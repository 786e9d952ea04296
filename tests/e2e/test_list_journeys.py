"""A member keeps a list: adds a work from its card, logs episodes to the end and completes it, scores
it, makes the entry private, and another member cannot see it. All without a page reload where
list-entry.js is there to help, and through plain forms where it is not."""

import re

from playwright.sync_api import expect

from lists.models import ListEntry
from tests.builders import make_member
from tests.e2e.journeys import log_in


def test_add_from_a_card_log_to_the_end_score_and_keep_it_private(open_tab, catalog):
    keeper = make_member("listkeeper")
    make_member("onlooker")
    visitor = open_tab()
    page = visitor.page
    log_in(visitor, "listkeeper", next_path="/works/?sort=title")

    # One click on the card adds the work; the page stays where it is.
    card = page.get_by_role("article").filter(has=page.get_by_role("link", name="Lantern Festival", exact=True))
    card.get_by_role("button", name="Add to list: Lantern Festival (Plan to watch)").click()
    expect(card).to_contain_text("On your list: Plan to watch")
    assert visitor.landed[-1].endswith("/works/?sort=title")
    visitor.check()

    visitor.visit("/works/lantern-festival/")
    facts = page.get_by_role("complementary", name="Facts")
    expect(facts).to_contain_text("8.0 / 10 (3 votes)")  # the reviewers' 7, 8 and 9
    pages_before = len(visitor.landed)
    entry = page.get_by_role("region", name="Your list")
    expect(entry.get_by_label("Status")).to_have_value("planned")
    entry.get_by_label("Episodes").fill("10")
    entry.get_by_role("button", name=re.compile(r"^\+1")).click()
    expect(entry).to_contain_text("Saved: Watching, 11 of 12 episodes.")
    entry.get_by_role("button", name=re.compile(r"^\+1")).click()
    expect(entry).to_contain_text("That was the last one: mark it as completed?")
    entry.get_by_role("button", name="Mark as completed").click()
    expect(entry).to_contain_text("Saved: Completed, 12 of 12 episodes.")
    entry.get_by_label("Score").select_option(label="9 · Great")
    entry.get_by_role("button", name="Save", exact=True).click()
    expect(entry).to_contain_text("Saved: Completed, 12 of 12 episodes, scored 9.")
    assert len(visitor.landed) == pages_before  # no reload
    visitor.check()
    # The work's average takes the vote in: (7 + 8 + 9 + 9) / 4.
    visitor.visit("/works/lantern-festival/")
    expect(page.get_by_role("complementary", name="Facts")).to_contain_text("8.3 / 10 (4 votes)")

    # The details are a plain form on a page loaded with the entry.
    visitor.visit("/works/lantern-festival/")
    entry = page.get_by_role("region", name="Your list")
    entry.get_by_text("Dates, notes and privacy").click()
    entry.get_by_label("Notes").fill("The <b>festival</b> episode.")
    entry.get_by_label("Private entry").check()
    entry.get_by_role("button", name="Save details").click()
    expect(entry.locator(".list-entry__details-form")).to_contain_text("Saved: Completed")
    saved = ListEntry.objects.get(user=keeper)
    assert (saved.status, saved.progress, saved.score, saved.is_private) == ("completed", 12, 9, True)
    assert saved.notes == "The <b>festival</b> episode."

    visitor.visit("/members/listkeeper/list/")
    row = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Lantern Festival"))
    expect(row).to_contain_text("Private")
    expect(row).to_contain_text("The <b>festival</b> episode.")

    # Another member sees neither the entry nor its score in the statistics.
    other = open_tab()
    log_in(other, "onlooker", next_path="/members/listkeeper/list/")
    expect(other.page.get_by_role("navigation", name="Entries by status")).to_contain_text("All 0")
    expect(other.page.get_by_role("link", name="Lantern Festival")).to_have_count(0)
    other.visit("/accounts/members/listkeeper/")
    expect(other.page.get_by_role("region", name="List", exact=True)).to_contain_text("No entries to show.")


def test_without_javascript_the_forms_post_and_come_back(open_tab, catalog):
    make_member("plainreader")
    visitor = open_tab(java_script_enabled=False)
    page = visitor.page
    log_in(visitor, "plainreader", next_path="/works/summer-station/")
    entry = page.get_by_role("region", name="Your list")
    entry.get_by_label("Status").select_option(label="Reading")
    entry.get_by_label("Volumes").fill("2")
    with visitor.lands():
        entry.get_by_role("button", name="Add to list").click()
    assert visitor.path == "/works/summer-station/#list-entry"
    expect(page.locator(".messages")).to_contain_text("Added to your list: Reading, 2 of 4 volumes.")
    with visitor.lands():
        page.get_by_role("region", name="Your list").get_by_role("button", name=re.compile(r"^\+1")).click()
    expect(page.locator(".messages")).to_contain_text("Saved: Reading, 3 of 4 volumes.")
