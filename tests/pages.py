"""The visitor's side of the test suite: clients (signed in, past the age gate) and reading what pages say.

Every test file imports these from here; the rows behind the pages come from tests/builders.py.
"""

import html as html_lib
import re

from django.test import Client

from accounts.models import User
from accounts.viewer import AGE_GATE_SESSION_KEY

# --- clients ----------------------------------------------------------------------------------------


def login(user: User, **client_kwargs) -> Client:
    """A new client signed in as ``user``."""
    client = Client(**client_kwargs)
    client.force_login(user)
    return client


def pass_age_gate(client: Client) -> None:
    """Record the age-gate confirmation in the client's session (the POST flow is tested separately)."""
    session = client.session
    session[AGE_GATE_SESSION_KEY] = True
    session.save()


# --- reading pages ----------------------------------------------------------------------------------


def html(response) -> str:
    return response.content.decode()


_CARD = re.compile(r'<article class="work-card[^"]*">.*?</article>', re.S)
_CARD_TITLE = re.compile(r'<h3 class="work-card__title"><a href="[^"]*">(.*?)</a>', re.S)


def cards(response) -> list[str]:
    return _CARD.findall(html(response))


def card_for(response, title: str) -> str:
    matches = [card for card in cards(response) if f">{title}</a>" in card]
    assert len(matches) == 1, f"expected one card for {title!r}, found {len(matches)}"
    return matches[0]


def card_titles(response) -> list[str]:
    """Titles of the work cards on a page, in page order (HTML-escaped as rendered)."""
    return [_CARD_TITLE.search(card).group(1) for card in cards(response)]


def form_errors(response) -> list[str]:
    """Every error message rendered by includes/form_fields.html (field and non-field)."""
    return [
        html_lib.unescape(re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r"<li>(.*?)</li>", _error_blocks(response), re.S)
    ]


def _error_blocks(response) -> str:
    page = html(response)
    blocks = re.findall(r'<div class="form-errors"[^>]*>.*?</div>', page, re.S)
    blocks += re.findall(r'<ul class="errorlist"[^>]*>.*?</ul>', page, re.S)
    return "\n".join(blocks)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
