"""A newcomer meets the age gate: passing it leads back to the page asked for, declining leads home."""

from playwright.sync_api import expect


def test_newcomer_browses_filters_and_passes_the_gate_to_the_work_asked_for(visitor, catalog):
    page = visitor.page
    visitor.visit("/")
    with visitor.lands():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Works").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Works")

    page.get_by_label("Add a tag to “With all of these tags”").select_option(label="Netorare")
    with visitor.lands():
        page.get_by_role("button", name="Apply").click()
    titles = page.locator(".work-card__title a")
    expect(titles).to_contain_text(["Kanojo ga Mimai ni Konai Wake", "Summer Station"])
    expect(page.locator(".work-card", has_text="Lantern Festival")).to_have_count(0)

    adult_card = page.locator(".work-card", has_text="Triangle Blue")
    expect(adult_card.locator(".badge--adult")).to_have_text("18+")
    expect(adult_card).not_to_contain_text("Asato, a writer")
    with visitor.lands():
        adult_card.get_by_role("link", name="Triangle Blue").click()
    assert visitor.path == "/works/triangle-blue/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you 18 or older?")
    expect(page.locator("body")).not_to_contain_text("Asato, a writer")

    with visitor.lands():
        page.get_by_role("button", name="Enter: I am 18 or older").click()
    assert visitor.path == "/works/triangle-blue/"
    expect(page.get_by_role("heading", level=1)).to_contain_text("Triangle Blue")
    expect(page.get_by_role("region", name="Synopsis")).to_contain_text("Asato, a writer")

    # The answer holds for the session: another 18+ work opens straight away.
    with visitor.lands():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Works").click()
    with visitor.lands():
        page.get_by_role("link", name="Ore wa Kanojo wo Shinjiteru!").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ore wa Kanojo wo Shinjiteru!")


def test_declining_the_gate_leads_home_and_the_work_stays_closed(visitor, catalog):
    page = visitor.page
    visitor.visit("/works/kanojo-ga-mimai-ni-konai-wake/?reviews=helpful")
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you 18 or older?")
    with visitor.lands():
        page.get_by_role("link", name="Leave").click()
    assert visitor.path == "/"
    expect(page.get_by_role("heading", level=1)).to_contain_text("The catalog and glossary")

    visitor.visit("/works/kanojo-ga-mimai-ni-konai-wake/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you 18 or older?")
