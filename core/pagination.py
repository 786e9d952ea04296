"""Numbered pagination for every paged list: which page links to show, and a page asked for that does not exist.

Everything here reads the page object the view already has (its paginator's count is computed
once, and cached), so numbered links cost no query.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page

# How many page numbers either side of the current one.
AROUND = 2


@dataclass(frozen=True, slots=True)
class PageLink:
    number: int | None  # None: a gap ("…") between the first or last page and the window
    is_current: bool = False


def page_window(number: int, num_pages: int, *, around: int = AROUND) -> list[PageLink]:
    """The first page, the last, and ``around`` pages either side of ``number``, with gaps marked.

    A gap of one page is shown as that page: "1 2 3 4" reads better than "1 … 3 4".
    """
    if num_pages < 1:
        return []
    low, high = max(1, number - around), min(num_pages, number + around)
    numbers = sorted({1, num_pages, *range(low, high + 1)})
    links: list[PageLink] = []
    previous = 0
    for n in numbers:
        if n - previous == 2:
            links.append(PageLink(previous + 1))
        elif n - previous > 2:
            links.append(PageLink(None))
        links.append(PageLink(n, is_current=n == number))
        previous = n
    return links


def missing_page(asked: str | None, page: Page) -> int | None:
    """The page number asked for when no such page exists (the list shows ``page`` instead), else None.

    Only a whole number is a page asked for; anything else ("abc", "1.5") is read as the first page.
    """
    try:
        number = int(asked or "")
    except ValueError:
        return None
    return number if number != page.number else None


def page_nav(request, page: Page, parameter: str = "page") -> dict:
    """What includes/pagination.html shows for ``page``: numbered links, and the page asked for if it is missing.

    Each link is this page's query string with only the page changed (the first page without one),
    the page last: the rest of the query string is encoded once for every link.
    """
    if request is None:
        rest = ""
    else:
        query = request.GET.copy()
        query.pop(parameter, None)
        rest = query.urlencode()
    joiner = "&" if rest else ""

    def href(number: int) -> str:
        if request is None:
            return f"?{parameter}={number}"
        return f"?{rest}" if number == 1 else f"?{rest}{joiner}{urlencode({parameter: number})}"

    links = [
        {"number": link.number, "is_current": link.is_current, "href": href(link.number) if link.number else ""}
        for link in page_window(page.number, page.paginator.num_pages)
    ]
    return {
        "links": links,
        "previous": href(page.number - 1) if page.has_previous() else "",
        "next": href(page.number + 1) if page.has_next() else "",
        "missing": missing_page(request.GET.get(parameter) if request is not None else None, page),
    }
