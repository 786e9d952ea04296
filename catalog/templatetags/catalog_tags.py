from django import template
from django.template import engines
from django.utils.safestring import mark_safe

from accounts.viewer import ANONYMOUS_VIEWER
from catalog import cards, generation, visibility
from catalog.cards import card_cover

register = template.Library()


@register.inclusion_tag("catalog/_cover.html")
def work_cover(work, size="detail"):
    """A work's cover on its own page (``cards.card_cover``: the placeholder while it is locked)."""
    return {"cover": card_cover(work, size), "size": size}


@register.simple_tag(takes_context=True)
def work_grid(context, works, empty_message="No works to show."):
    """A list of works as cards, for the viewer the page is rendered for (``catalog.cards``).

    ``works`` are rows of the policy, or a ``cards.CardGrid`` a view built with its page's other grids.
    The grid is a Jinja2 template (templates/jinja2/catalog/_work_grid.html), escaped as
    Django's are: Jinja2's autoescape is on in Django's backend.
    """
    grid = engines["jinja2"].get_template("catalog/_work_grid.html")
    request = context.get("request")
    if isinstance(works, cards.CardGrid):  # built with the page's other grids (cards.card_grids)
        work_cards, has_controls = works.cards, works.has_controls
    else:
        # The catalog's number before the rows: a card is never stored under a newer number than its data.
        number = generation.current() if generation.is_shared() else None
        works = list(works)  # read once: the cards and the controls both need the rows
        controls = cards.card_controls(request, works)
        viewer = context.get("viewer") or ANONYMOUS_VIEWER
        work_cards = cards.printed_cards(works, viewer, controls, catalog_generation=number)
        has_controls = bool(controls)
    # With the request, Jinja2's context has the CSRF token the controls' forms carry.
    rendered = grid.render(
        {"cards": work_cards, "empty_message": empty_message}, request=request if has_controls else None
    )
    return mark_safe(rendered)  # escaped by Jinja2


@register.simple_tag
def adult_rating_meta(work):
    """``<meta name="rating" content="adult">`` on an 18+ work's pages, as DESIGN.md asks."""
    return mark_safe('<meta name="rating" content="adult">') if visibility.is_adult_work(work) else ""
