from django import template

from core.pagination import missing_page, page_window

register = template.Library()


@register.simple_tag(takes_context=True)
def page_nav(context, page, parameter="page"):
    """What includes/pagination.html shows for ``page``: numbered links, and the page asked for if it is missing.

    Each link is this page's query string with only the page changed (the first page without one).
    """
    request = context.get("request")
    query = request.GET.copy() if request is not None else None

    def href(number):
        if query is None:
            return f"?{parameter}={number}"
        params = query.copy()
        params.pop(parameter, None)
        if number != 1:
            params[parameter] = number
        return f"?{params.urlencode()}"

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
