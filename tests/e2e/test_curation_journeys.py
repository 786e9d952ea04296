"""Curators in the admin and on the site: unpublishing a work leaves it open to them as a marked draft;
the admin home shows what waits in the moderation queue. Both are photographed into screenshots/."""

import re

from playwright.sync_api import expect

from community import services
from tests.builders import PASSWORD, make_member, make_work
from tests.e2e.browser import DESKTOP, Visitor

NARROWEST = {"width": 360, "height": 740}


def log_in_to_the_admin(desk: Visitor, username: str) -> None:
    admin = desk.page
    desk.visit("/admin/login/?next=/admin/")
    admin.get_by_label("Username").fill(username)
    admin.get_by_label("Password").fill(PASSWORD)
    with desk.lands():
        admin.get_by_role("button", name="Log in").click()
    assert desk.path == "/admin/"


def test_a_curator_unpublishes_a_work_in_the_admin_and_previews_it_as_a_draft(open_tab, catalog, curators_group):
    curator = make_member("curator", is_staff=True)
    curator.groups.add(curators_group)
    reader = open_tab()
    reader.visit("/works/summer-station/")

    desk = open_tab()
    admin = desk.page
    log_in_to_the_admin(desk, "curator")
    with desk.lands():
        admin.get_by_role("link", name="Works", exact=True).click()
    row = admin.get_by_role("row", name=re.compile("Summer Station"))
    row.get_by_role("checkbox", name="Select this object for an action").check()
    admin.get_by_label("Action:").select_option(label="Unpublish selected works")
    with desk.lands():
        admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("Unpublished 1 work(s).")

    row = admin.get_by_role("row", name=re.compile("Summer Station"))
    with desk.lands():
        row.get_by_role("link", name="Preview the draft of Summer Station").click()
    assert desk.path == "/works/summer-station/"
    draft = admin.get_by_role("complementary", name="Draft preview")
    expect(draft).to_contain_text("Draft")
    expect(draft).to_contain_text("Not published")
    expect(admin).to_have_title("Draft: Summer Station · ntrdb")
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Summer Station")
    expect(admin.locator('meta[name="robots"]')).to_have_attribute("content", "noindex")
    headers = desk.visit("/works/summer-station/").headers
    assert "no-store" in headers["cache-control"] and headers["x-robots-tag"] == "noindex"

    # The same address is a 404 for everyone else, and no list names the work any more.
    reader.visit("/works/summer-station/", expect_status=404)
    reader.visit("/works/")
    expect(reader.page.locator(".work-card", has_text="Summer Station")).to_have_count(0)

    # The preview leads back to the work in the admin (whose inline forms axe-core is not run on).
    edit = draft.get_by_role("link", name="Edit or publish it in the admin")
    expect(edit).to_have_attribute("href", re.compile(r"^/admin/catalog/work/\d+/change/$"))


def test_the_admin_home_shows_the_moderation_queue_and_leads_to_the_open_reports(open_tab, catalog, curators_group):
    reader = catalog.reviewers[0]
    review = catalog.lantern.reviews.get(author=reader)
    for n in range(2):
        services.report_create(reporter=make_member(f"reporter{n}"), review=review, reason="spam")
    curator = make_member("curator", is_staff=True)
    curator.groups.add(curators_group)
    make_work("Quiet Draft", slug="quiet-draft", published=False, synopsis="Not ready for readers yet.")

    for viewport, size in ((DESKTOP, "1440"), (NARROWEST, "360")):
        desk = open_tab(viewport=viewport)
        admin = desk.page
        log_in_to_the_admin(desk, "curator")
        queue = admin.get_by_role("table", name="Waiting for a curator")
        expect(queue.get_by_role("row", name=re.compile("Open reports"))).to_contain_text("2")
        expect(queue.get_by_role("row", name=re.compile("Term suggestions to answer"))).to_contain_text("0")
        expect(admin.get_by_role("link", name="Search entries")).to_have_count(0)
        desk.screenshot(f"{size}-admin-home")
        desk.visit("/works/quiet-draft/")
        expect(admin.get_by_role("complementary", name="Draft preview")).to_be_visible()
        overflow = admin.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the draft preview scrolls sideways by {overflow}px"
        desk.screenshot(f"{size}-draft-preview")

    with desk.lands():
        desk.page.go_back()
    with desk.lands():
        queue.get_by_role("link", name="Open reports").click()
    rows = admin.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(admin.locator("#changelist-filter li.selected", has_text="Open")).to_have_count(1)
