"""Steps several journeys share: signing up and logging in through the real forms."""

import datetime

from playwright.sync_api import expect

from tests.builders import PASSWORD
from tests.e2e.browser import Visitor

NEW_PASSWORD = "lantern-festival-7-nights"


# Day and month alike: typed into a date field, it reads the same in d/m/y and m/d/y order.
ADULT_BIRTH_DATE = datetime.date(1990, 5, 5)


def sign_up(visitor: Visitor, username: str) -> None:
    page = visitor.page
    visitor.visit("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Birth date").fill(ADULT_BIRTH_DATE.isoformat())
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password confirmation").fill(NEW_PASSWORD)
    with visitor.lands():
        page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text(f"Welcome to ntrdb, {username}.")


def log_in(visitor: Visitor, username: str, *, next_path: str = "/") -> None:
    page = visitor.page
    visitor.visit(f"/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with visitor.lands():
        page.get_by_role("button", name="Log in").click()
    assert visitor.path == next_path


def tab_to(visitor: Visitor, target, *, max_presses: int = 120) -> None:
    """Press Tab until ``target`` has the focus, and check the focus is visible there."""
    page = visitor.page
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            assert target.evaluate("element => element.matches(':focus-visible')"), f"no visible focus on {target}"
            return
    raise AssertionError(f"{max_presses} presses of Tab never reached {target} on {page.url}")
