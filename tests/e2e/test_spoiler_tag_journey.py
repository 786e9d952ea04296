"""A visitor finds a spoiler tag's works without having them spoiled first, reveals them in one click,
and reads the work page: one display of tags with their notes and spoiler badges, facts first on a phone."""

from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP

NARROWEST = {"width": 360, "height": 740}


def test_a_spoiler_tag_is_found_on_its_page_and_revealed_in_one_click(visitor, catalog):
    """Unhappy ending is a major spoiler on both works that carry it (Summer Station and Triangle Blue)."""
    page = visitor.page
    visitor.visit("/tags/")
    entry = page.get_by_role("listitem").filter(has=page.locator('a.tag[href="/tags/unhappy-ending/"]'))
    expect(entry.locator(".count")).to_have_text("0")
    reveal = entry.get_by_role("link", name="show the works that carry Unhappy ending as a spoiler (reveals spoilers)")
    expect(reveal).to_contain_text("+2 as spoilers")
    expect(reveal).to_have_attribute("href", "/tags/unhappy-ending/?spoilers=2")
    expect(entry).to_contain_text("Narrower: Regret")
    with visitor.lands():
        entry.locator("a.tag").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Unhappy ending")
    expect(page.get_by_role("term").filter(has_text="Narrower tags")).to_be_visible()
    notice = page.locator(".notice--spoiler")
    expect(notice).to_contain_text("No work carries this tag openly: 2 works carry it as a spoiler.")
    expect(notice).not_to_contain_text("Summer Station")
    expect(page.locator(".work-card")).to_have_count(0)

    with visitor.lands():
        notice.get_by_role("link", name="Show them (reveals spoilers)").click()
    assert visitor.path == "/tags/unhappy-ending/?spoilers=2"
    expect(page.locator(".work-card")).to_have_count(2)
    summer = page.locator(".work-card", has_text="Summer Station")
    expect(summer).to_be_visible()
    expect(summer.get_by_role("link", name="Unhappy ending")).to_have_count(0)  # cards stay spoiler-free
    expect(page.locator(".work-card--locked", has_text="Triangle Blue")).to_be_visible()  # the gate still holds
    expect(page.locator(".notice--spoiler")).to_contain_text("Showing spoilers")

    # The reveal was for that request only.
    visitor.visit("/tags/unhappy-ending/")
    expect(page.locator(".work-card")).to_have_count(0)


def test_a_filter_on_a_spoiler_tag_explains_itself(visitor, catalog):
    page = visitor.page
    visitor.visit("/works/?tags=unhappy-ending")
    notice = page.locator(".notice--spoiler")
    expect(notice).to_contain_text("No work carries these tags openly: 2 works carry them as a spoiler.")
    with visitor.lands():
        notice.get_by_role("link", name="Show them (reveals spoilers)").click()
    expect(page.locator(".work-card")).to_have_count(2)


def test_the_work_page_shows_each_tag_once_with_its_badge_and_the_facts_first_on_a_phone(open_tab, catalog):
    phone = open_tab(viewport=NARROWEST)
    phone.visit("/works/summer-station/")
    page = phone.page
    facts = page.get_by_role("complementary", name="Facts")
    synopsis = page.get_by_role("heading", name="Synopsis")
    assert facts.bounding_box()["y"] < synopsis.bounding_box()["y"], "the facts box must come first on a phone"
    tags = page.get_by_role("region", name="Tags", exact=True)
    expect(page.get_by_role("link", name="Jealousy")).to_have_count(1)
    expect(tags.get_by_text("She moves to the city for university.")).to_be_visible()
    tags.get_by_text("Show spoiler tags").click()
    expect(tags.locator(".badge--spoiler-minor")).to_have_text("Minor spoiler")
    expect(tags.locator(".badge--spoiler-major")).to_have_text("Major spoiler")
    phone.check()
    phone.screenshot("360-work-summer-station")
    phone.visit("/tags/unhappy-ending/")
    phone.screenshot("360-tag-unhappy-ending")

    desktop = open_tab(viewport=DESKTOP)
    desktop.visit("/works/summer-station/")
    facts = desktop.page.get_by_role("complementary", name="Facts")
    main_text = desktop.page.get_by_role("heading", name="Synopsis")
    assert facts.bounding_box()["x"] > main_text.bounding_box()["x"], "on a desktop the facts sit beside the text"
    expect(desktop.page.locator(".score-chart")).to_have_count(0)  # no reviews, no empty chart
    desktop.screenshot("1440-work-summer-station")
    desktop.visit("/tags/unhappy-ending/?spoilers=2")
    desktop.screenshot("1440-tag-unhappy-ending")
