"""Reading without an account: spoiler tags, typo-tolerant search, and the site without JavaScript."""

from playwright.sync_api import expect

from tests.e2e.browser import PHONE


def test_spoiler_tags_stay_hidden_until_revealed(visitor, catalog):
    page = visitor.page
    visitor.visit("/works/summer-station/")
    tags = page.get_by_role("region", name="Tags", exact=True)
    expect(tags.get_by_role("link", name="Jealousy")).to_be_visible()
    regret = tags.get_by_role("link", name="Regret")
    ending = tags.get_by_role("link", name="Unhappy ending")
    expect(regret).to_be_hidden()
    expect(ending).to_be_hidden()
    expect(tags.get_by_text("They never meet at the station again.")).to_be_hidden()
    expect(page.get_by_role("region", name="Tags at a glance")).to_have_count(0)  # one display of tags
    expect(page.get_by_role("link", name="Jealousy")).to_have_count(1)

    tags.get_by_text("Show spoiler tags").click()
    expect(regret).to_be_visible()
    expect(ending).to_be_visible()
    expect(tags.get_by_text("They never meet at the station again.")).to_be_visible()
    expect(tags.locator(".spoilers .badge--spoiler")).to_have_count(2)
    visitor.check()

    # Nor do they leak onto the work's card in lists.
    visitor.visit("/works/?q=&sort=title")
    card = page.locator(".work-card", has_text="Summer Station")
    expect(card.get_by_role("link", name="Jealousy")).to_be_visible()
    expect(card.get_by_role("link", name="Regret")).to_have_count(0)


def test_search_with_a_typo_finds_the_work(visitor, catalog):
    page = visitor.page
    visitor.visit("/glossary/")
    box = page.get_by_label("Search works and terms")
    box.fill("lantern festivl")
    with visitor.lands():
        box.press("Enter")
    assert visitor.path.startswith("/search/?q=lantern+festivl")
    results = page.get_by_role("region", name="Works")
    expect(results.get_by_role("link", name="Lantern Festival")).to_be_visible()
    with visitor.lands():
        results.get_by_role("link", name="Lantern Festival").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lantern Festival")


def test_the_site_works_without_javascript_on_a_phone(open_tab, catalog):
    visitor = open_tab(viewport=PHONE, java_script_enabled=False)
    page = visitor.page
    visitor.visit("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(nav).to_be_visible()
    with visitor.lands():
        nav.get_by_role("link", name="Works").click()

    page.get_by_text("Filter and sort").click()
    page.get_by_role("group", name="Kind").get_by_label("Manga").check()
    with visitor.lands():
        page.get_by_role("button", name="Apply").click()
    expect(page.locator(".work-card")).to_have_count(1)
    expect(page.locator(".work-card")).to_contain_text("Summer Station")

    with visitor.lands():
        page.get_by_role("link", name="Summer Station").click()
    expect(page.get_by_role("link", name="Unhappy ending")).to_be_hidden()
    page.get_by_text("Show spoiler tags").click()
    expect(page.get_by_role("link", name="Unhappy ending")).to_be_visible()

    page.get_by_text("Menu", exact=True).click()
    box = page.get_by_role("searchbox", name="Search works and terms")
    box.fill("NTR")
    with visitor.lands():
        box.press("Enter")
    expect(page.get_by_role("region", name="Glossary")).to_contain_text("Netorare")
