"""Keyboard alone, on a phone-sized window: open the menu, pass the gate, sign up and post a comment."""

from playwright.sync_api import expect

from tests.e2e.browser import PHONE
from tests.e2e.journeys import ADULT_BIRTH_DATE, NEW_PASSWORD, tab_to


def test_keyboard_alone_can_pass_the_gate_sign_up_and_post(open_tab, catalog):
    visitor = open_tab(viewport=PHONE)
    page, keyboard = visitor.page, visitor.page.keyboard
    visitor.visit("/")

    keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    tab_to(visitor, page.locator(".site-menu__toggle"))
    keyboard.press("Enter")
    works = page.get_by_role("navigation", name="Main").get_by_role("link", name="Works")
    expect(works).to_be_visible()
    tab_to(visitor, works)
    with visitor.lands():
        keyboard.press("Enter")

    tab_to(visitor, page.get_by_role("link", name="Triangle Blue"))
    with visitor.lands():
        keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you 18 or older?")
    tab_to(visitor, page.get_by_role("button", name="Enter: I am 18 or older"))
    with visitor.lands():
        keyboard.press("Enter")
    assert visitor.path == "/works/triangle-blue/"
    expect(page.get_by_role("region", name="Synopsis")).to_contain_text("Asato, a writer")

    tab_to(visitor, page.get_by_role("region", name="Reviews").get_by_role("link", name="sign up"))
    with visitor.lands():
        keyboard.press("Enter")
    tab_to(visitor, page.get_by_label("Username"))
    keyboard.type("keyboarder")
    tab_to(visitor, page.get_by_label("Birth date"))
    keyboard.type(f"{ADULT_BIRTH_DATE:%d%m%Y}")
    tab_to(visitor, page.get_by_label("Password", exact=True))
    keyboard.type(NEW_PASSWORD)
    tab_to(visitor, page.get_by_label("Password confirmation"))
    keyboard.type(NEW_PASSWORD)
    tab_to(visitor, page.get_by_role("button", name="Create account"))
    with visitor.lands():
        keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Welcome to ntrdb, keyboarder.")
    expect(page.get_by_text("Birth date on file: 5 May 1990.")).to_be_visible()

    tab_to(visitor, page.locator(".site-menu__toggle"))
    keyboard.press("Enter")
    tab_to(visitor, page.get_by_role("navigation", name="Main").get_by_role("link", name="Glossary"))
    with visitor.lands():
        keyboard.press("Enter")
    tab_to(visitor, page.get_by_role("row", name="Netorase").get_by_role("link", name="Netorase"))
    with visitor.lands():
        keyboard.press("Enter")
    tab_to(visitor, page.get_by_role("textbox", name="Comment"))
    keyboard.type("Typed without a mouse: the side-by-side table is the clearest part.")
    tab_to(visitor, page.get_by_role("button", name="Post comment"))
    with visitor.lands():
        keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your comment was posted.")
    expect(page.get_by_role("article", name="keyboarder")).to_contain_text("Typed without a mouse")
