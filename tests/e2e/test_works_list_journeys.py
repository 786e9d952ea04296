"""The works list on a phone and a desktop (issue 13): results before the filters, chips that remove one
filter, a tag picker to type in, clean URLs, the age gate offered on the list; and screenshots of the
home page and a filtered list at 360 and 1440 px, light and dark, for a person to review."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import Visitor

PHONE_360 = {"width": 360, "height": 740}
DESKTOP_1440 = {"width": 1440, "height": 900}


def first_card_fits_the_first_screen(visitor: Visitor) -> None:
    """The first result is on the first screen, without scrolling past the form."""
    page = visitor.page
    assert page.evaluate("() => window.scrollY") == 0
    box = page.locator(".work-card").first.bounding_box()
    assert box is not None
    assert box["y"] + 80 <= page.viewport_size["height"], f"the first card starts at {box['y']}px"


def test_on_a_phone_a_filter_shows_the_results_first_and_a_chip_removes_it(open_tab, catalog):
    visitor = open_tab(viewport=PHONE_360)
    page = visitor.page
    visitor.visit("/works/")
    page.get_by_text("Filter and sort").click()
    page.get_by_label("Add a tag to “With all of these tags”").select_option(label="Netorare")
    page.get_by_role("group", name="Kind").get_by_label("Manga").check()
    with visitor.lands():
        page.get_by_role("button", name="Apply").click()

    # Only what was set is in the URL (the default sort too is left out).
    assert visitor.path == "/works/?tags=netorare&kind=manga"
    expect(page.locator(".work-card")).to_have_count(1)
    expect(page.locator(".work-card")).to_contain_text("Summer Station")
    expect(page.get_by_role("heading", level=1)).to_have_text("Works")
    expect(page.locator(".page-head__count")).to_contain_text("1 work matches these filters.")
    first_card_fits_the_first_screen(visitor)
    # The filters are folded, one tap away, and say how many are set.
    expect(page.get_by_role("button", name="Apply")).to_be_hidden()
    expect(page.locator(".filters-panel__summary")).to_contain_text("(2 set)")

    chips = page.get_by_role("list", name="Active filters")
    expect(chips.get_by_role("link")).to_have_count(2)
    with visitor.lands():
        chips.get_by_role("link", name="Remove Kind: Manga").click()
    assert visitor.path == "/works/?tags=netorare"
    expect(page.locator(".work-card", has_text="Kanojo ga Mimai ni Konai Wake")).to_have_count(1)
    first_card_fits_the_first_screen(visitor)
    with visitor.lands():
        page.get_by_role("link", name="Remove With: Netorare").click()
    assert visitor.path == "/works/"
    expect(page.get_by_role("list", name="Active filters")).to_have_count(0)


def test_typing_in_the_tag_picker_narrows_it_by_category(visitor, catalog):
    page = visitor.page
    visitor.visit("/works/")
    picker = page.get_by_label("Add a tag to “With all of these tags”")
    search = page.get_by_role("group", name="With all of these tags").get_by_label("Find a tag")
    search.fill("jeal")
    visible = picker.locator("option:not([hidden])")
    expect(visible).to_have_count(1)
    expect(visible).to_have_text("Jealousy")
    expect(picker.locator("optgroup:not([hidden])")).to_have_attribute("label", "Theme")
    search.press("Enter")
    expect(picker).to_have_value("jealousy")
    with visitor.lands():
        page.get_by_role("button", name="Apply").click()
    assert visitor.path == "/works/?tags=jealousy"


def test_the_tag_picker_works_without_javascript(open_tab, catalog):
    visitor = open_tab(viewport=PHONE_360, java_script_enabled=False)
    page = visitor.page
    visitor.visit("/works/")
    page.get_by_text("Filter and sort").click()
    expect(page.get_by_label("Find a tag")).to_have_count(0)
    page.get_by_label("Add a tag to “Without these tags”").select_option(label="Hospital")
    with visitor.lands():
        page.get_by_role("button", name="Apply").click()
    # Without the script every field is sent; the list drops the empty ones from the URL.
    assert visitor.path == "/works/?exclude_tags=hospital&sort=title"
    expect(page.get_by_role("link", name="Remove Without: Hospital")).to_be_visible()


def test_a_gated_tag_on_the_list_is_explained_and_the_gate_offered_there(open_tab, catalog):
    visitor = open_tab(viewport=PHONE_360)
    page = visitor.page
    visitor.visit("/works/?tags=hentai")
    expect(page.get_by_role("alert")).to_contain_text("The tag “hentai” is shown after the age check.")
    offer = page.get_by_role("complementary", name="18+ works show their title only.")
    with visitor.lands():
        offer.get_by_role("button", name="Enter: I am 18 or older").click()
    assert visitor.path == "/works/?tags=hentai"
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("link", name="Remove With: Hentai")).to_be_visible()
    expect(page.get_by_role("complementary", name="18+ works show their title only.")).to_have_count(0)


def test_the_home_page_explains_the_site_and_the_gate_on_the_first_screen(open_tab, catalog):
    visitor = open_tab(viewport=PHONE_360)
    page = visitor.page
    visitor.visit("/")
    expect(page.locator(".hero")).to_contain_text("open after an age check")
    perspectives = page.get_by_role("region", name="Three perspectives on one story")
    for name in ("Netorare", "Netori", "Netorase"):
        expect(perspectives.get_by_role("link", name=name, exact=True)).to_be_visible()
    with visitor.lands():
        page.get_by_role("button", name="Enter: I am 18 or older").click()
    assert visitor.path == "/"
    expect(page.get_by_role("button", name="Enter: I am 18 or older")).to_have_count(0)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP_1440], ids=["360", "1440"])
def test_screenshots_of_home_and_a_filtered_list(open_tab, catalog, viewport, scheme):
    visitor = open_tab(viewport=viewport, color_scheme=scheme)
    for name, path in {"home": "/", "works-filtered": "/works/?tags=netorare&kind=manga&kind=anime&sort=-year"}.items():
        visitor.visit(path)
        overflow = visitor.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        visitor.screenshot(f"list-{viewport['width']}-{scheme}-{name}", full_page=False)
        visitor.screenshot(f"list-{viewport['width']}-{scheme}-{name}-full")
