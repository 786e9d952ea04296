"""Key pages on a phone and a desktop, light and dark: audited, free of sideways scrolling, and
photographed into screenshots/ for a person to review (the folder is not committed)."""

import pytest
from playwright.sync_api import expect

from community import services
from glossary.models import Term
from tests.builders import make_member
from tests.e2e.browser import DESKTOP, PHONE
from tests.e2e.journeys import log_in

ANONYMOUS_PAGES = {
    "home": "/",
    "works": "/works/",
    "works-filtered": "/works/?tags=netorare&kind=manga&kind=anime&sort=-year",
    "age-gate": "/works/triangle-blue/",
    "tags": "/tags/",
    "tag": "/tags/jealousy/",
    "glossary": "/glossary/",
    "term": "/glossary/netorare/",
    "search": "/search/?q=netorare",
    "signup": "/accounts/signup/",
    "not-found": "/works/no-such-work/",
}
MEMBER_PAGES = {
    "work-adult": "/works/triangle-blue/",
    "work-reviewed": "/works/lantern-festival/",
    "profile": "/accounts/profile/",
}
NARROWEST = {"width": 360, "height": 740}


@pytest.fixture
def discussed_catalog(catalog):
    services.comment_create(
        author=catalog.reviewers[0],
        term=Term.objects.get(slug="netorare"),
        body="The comparison table is what I send to friends.",
    )
    make_member("screenshots")
    return catalog


def _assert_no_sideways_scroll(visitor):
    overflow = visitor.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{visitor.path} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_key_pages(open_tab, discussed_catalog, viewport, scheme):
    visitor = open_tab(viewport=viewport, color_scheme=scheme)
    size = f"{viewport['width']}x{viewport['height']}"

    def shoot(name, path):
        visitor.visit(path, expect_status=404 if name == "not-found" else 200)
        _assert_no_sideways_scroll(visitor)
        visitor.screenshot(f"{size}-{scheme}-{name}")

    for name, path in ANONYMOUS_PAGES.items():
        shoot(name, path)
    if viewport is PHONE:
        visitor.visit("/works/")
        visitor.page.get_by_text("Filter and sort").click()
        visitor.page.get_by_text("Menu", exact=True).click()
        visitor.check()
        visitor.screenshot(f"{size}-{scheme}-menu-open", full_page=False)

    log_in(visitor, "screenshots", next_path="/works/lantern-festival/")
    for name, path in MEMBER_PAGES.items():
        shoot(name, path)


def test_no_page_scrolls_sideways_at_360_px(open_tab, discussed_catalog):
    visitor = open_tab(viewport=NARROWEST)
    for name, path in ANONYMOUS_PAGES.items():
        visitor.visit(path, expect_status=404 if name == "not-found" else 200)
        _assert_no_sideways_scroll(visitor)


def test_the_header_folds_its_menu_on_phones_and_lays_it_out_on_desktops(open_tab, catalog):
    phone = open_tab(viewport=PHONE)
    phone.visit("/")
    nav = phone.page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    expect(phone.page.get_by_label("Search works and terms")).to_be_hidden()
    phone.page.get_by_text("Menu", exact=True).click()
    expect(nav).to_be_visible()
    expect(phone.page.get_by_label("Search works and terms")).to_be_visible()
    expect(phone.page.get_by_role("link", name="Sign up")).to_be_visible()

    desktop = open_tab(viewport=DESKTOP)
    desktop.visit("/")
    expect(desktop.page.get_by_text("Menu", exact=True)).to_be_hidden()
    expect(desktop.page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(desktop.page.get_by_label("Search works and terms")).to_be_visible()
    # Keyboard order on a desktop: skip link, brand, then straight into the navigation.
    desktop.page.keyboard.press("Tab")
    desktop.page.keyboard.press("Tab")
    desktop.page.keyboard.press("Tab")
    expect(desktop.page.get_by_role("navigation", name="Main").get_by_role("link", name="Works")).to_be_focused()
