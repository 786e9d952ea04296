"""The glossary's comparison table on a phone and a desktop: on a phone it scrolls inside its frame and says
so, from the keyboard too; on a desktop it fits. Photographed into screenshots/ for a person to review."""

from tests.e2e.browser import DESKTOP

NARROWEST = {"width": 360, "height": 740}
FRAME = ".comparison .table-scroll"


def _frame_overflow(visitor) -> int:
    return visitor.page.eval_on_selector(FRAME, "frame => frame.scrollWidth - frame.clientWidth")


def test_on_a_phone_the_comparison_table_says_it_scrolls_and_scrolls(open_tab, catalog):
    visitor = open_tab(viewport=NARROWEST)
    for path in ("/glossary/", "/glossary/netori/"):
        visitor.visit(path)
        assert visitor.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert _frame_overflow(visitor) > 0, "the table fits: the hint would be wrong"
        assert visitor.page.locator("#comparison-hint").is_visible()
        visitor.screenshot(f"360-{path.strip('/').replace('/', '-')}")
    visitor.page.focus(FRAME)
    visitor.page.keyboard.press("ArrowRight")
    visitor.page.wait_for_function(f"() => document.querySelector('{FRAME}').scrollLeft > 0")


def test_on_a_desktop_the_comparison_table_fits_without_a_hint(open_tab, catalog):
    visitor = open_tab(viewport=DESKTOP)
    for path in ("/glossary/", "/glossary/netori/"):
        visitor.visit(path)
        assert _frame_overflow(visitor) <= 0
        assert not visitor.page.locator("#comparison-hint").is_visible()
        visitor.screenshot(f"1440-{path.strip('/').replace('/', '-')}")


def test_the_hint_shows_exactly_while_the_table_is_wider_than_its_frame(open_tab, catalog):
    visitor = open_tab(viewport=NARROWEST)
    visitor.visit("/glossary/")
    for width in range(560, 700, 8):
        visitor.page.set_viewport_size({"width": width, "height": 740})
        hint_shown = visitor.page.locator("#comparison-hint").is_visible()
        assert hint_shown == (_frame_overflow(visitor) > 0), f"at {width} px"
