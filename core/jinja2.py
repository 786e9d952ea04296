"""The Jinja2 environment of templates/jinja2/: the few Django helpers those templates use.

Jinja2 renders the hottest templates (the works list's content, the card grid, pagination):
several times faster than Django's engine on the same markup (docs/performance.md). The names
match the Django templates' (``url``, ``static``, ``querystring``, ``|intcomma``, ``|pluralize``,
``|capfirst``)
so a template reads the same in either.
"""

from collections.abc import Iterable
from functools import lru_cache

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import pluralize
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import capfirst
from jinja2 import Environment

from core.pagination import page_nav


@lru_cache(maxsize=64)
def _url_without_arguments(viewname: str, script_prefix: str, urlconf) -> str:
    return reverse(viewname, urlconf=urlconf)


def url(viewname: str, **kwargs) -> str:
    """``{% url %}``; a URL without arguments is reversed once per process."""
    if kwargs:
        return reverse(viewname, kwargs=kwargs)
    return _url_without_arguments(viewname, get_script_prefix(), get_urlconf())


def querystring(query_dict, **changes) -> str:
    """Django's ``{% querystring %}`` on ``query_dict`` (a request's GET): None removes a key."""
    params = query_dict.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        elif isinstance(value, Iterable) and not isinstance(value, str):
            params.setlist(key, value)
        else:
            params[key] = value
    if not params and not query_dict:
        return ""
    return f"?{params.urlencode()}"


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(url=url, static=static, querystring=querystring, page_nav=page_nav)
    env.filters.update(intcomma=intcomma, pluralize=pluralize, capfirst=capfirst)
    return env
