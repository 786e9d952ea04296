"""Work cards: what each card of a list shows, worked out once per card in Python.

Every list page (the works list, a tag's works, search, the home page, a term's works)
prints its works as cards. Rendered from model instances, a page of 24 cost about 1,800
template lookups, ten URL reversals per card and 20 model instances for the card tags. Here a
card is a plain frozen row the template only prints, its tags come as ``values()`` rows, and
its URLs are filled into patterns reversed once per process (``core.reversing``).

Nothing here decides visibility: the works come from ``visibility.works_for_viewer`` (which
sets ``is_locked``), their tags from ``visibility.card_links``, and a locked card is built from
the fields a locked card may show and no others.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.template import engines
from django.utils.text import Truncator
from markupsafe import Markup

from accounts.viewer import Viewer
from catalog import generation, visibility
from catalog.covers import COVER_SIZES, placeholder_version
from catalog.models import WorkTag
from core.reversing import slug_url_maker

SYNOPSIS_WORDS = 28


@dataclass(frozen=True, slots=True)
class CardTag:
    name: str
    category: str
    url: str


@dataclass(frozen=True, slots=True)
class Cover:
    src: str
    alt: str
    width: int
    height: int

    @property
    def is_placeholder(self) -> bool:
        return not self.alt


@dataclass(frozen=True, slots=True)
class CardChoice:
    value: str
    label: str
    selected: bool = False


@dataclass(frozen=True, slots=True)
class CardControl:
    """A one-action POST form a higher app puts on a card (``register_card_controls``): a select of
    ``choices`` with a button, or, without choices, a button alone that sends ``name=value``."""

    action: str
    name: str
    label: str  # what the control is about, for its label and for screen readers
    submit: str  # the button's text
    next: str  # the page the plain form returns to
    value: str = ""
    choices: tuple[CardChoice, ...] = ()
    state: str = ""  # a short line of what the card's work is to the viewer now ("On your list")


@dataclass(frozen=True, slots=True)
class WorkCard:
    url: str
    title: str
    is_locked: bool
    cover: Cover
    badge: visibility.AgeBadge | None
    kind: str
    when: str  # the year on a locked card, the release dates otherwise
    length: str
    original_title: str = ""
    synopsis: str = ""
    tags: tuple[CardTag, ...] = ()


class CardLinks:
    """The URL patterns a grid of cards fills in, looked up once per grid."""

    def __init__(self, size: str = "card"):
        self.work = slug_url_maker("catalog:work-detail")
        self.tag = slug_url_maker("catalog:tag-detail")
        self.cover = slug_url_maker("catalog:work-cover", size=size)
        self.placeholder = slug_url_maker("catalog:work-cover-placeholder")


def card_cover(work: Any, size: str = "card", links: CardLinks | None = None) -> Cover:
    """A work's cover thumbnail, or its placeholder when it has none or is locked for this viewer.

    A work loaded without ``is_locked`` (``visibility.works_for_viewer``) counts as locked when it
    is 18+: the real cover's URL never reaches a page that did not ask the age-gate policy.
    """
    links = links or CardLinks(size)
    dimensions = COVER_SIZES[size]
    if work.cover and not _is_locked(work):
        src = f"{links.cover(work.slug)}?v={work.cover_token}"
        return Cover(src, f"Cover of {work.title}", dimensions.width, dimensions.height)
    # Only the title's initials, and the title is right beside it: no alternative text.
    src = f"{links.placeholder(work.slug)}?v={placeholder_version(work.title)}"
    return Cover(src, "", dimensions.width, dimensions.height)


def _card_tags(works: list[Any], viewer: Viewer, links: CardLinks) -> dict[int, list[CardTag]]:
    tags: dict[int, list[CardTag]] = defaultdict(list)
    if not works:
        return tags
    rows = WorkTag.objects.filter(work__in=[work.pk for work in works]).card_rows(viewer)
    for work_id, name, slug, category in rows:
        tags[work_id].append(CardTag(name, category, links.tag(slug)))
    return tags


# --- controls from higher apps -------------------------------------------------------------------
# Lists, above catalog, puts the viewer's own status of each work on its card with a small form;
# catalog may not import it, so it registers a provider here (in lists.apps). A provider is called
# once per grid with every work on it, and answers in a fixed number of queries (one), keyed by
# work id; a work it leaves out gets no control.
CardControlsProvider = Callable[[HttpRequest, list[Any]], Mapping[int, CardControl]]
_control_providers: list[CardControlsProvider] = []


def register_card_controls(provider: CardControlsProvider) -> None:
    if provider not in _control_providers:
        _control_providers.append(provider)


def card_controls(request: HttpRequest | None, works: list[Any]) -> dict[int, CardControl]:
    """Each work's control, from the registered providers (the first to give a work one wins)."""
    controls: dict[int, CardControl] = {}
    if request is None or not works:
        return controls
    for provider in _control_providers:
        for work_id, control in provider(request, works).items():
            controls.setdefault(work_id, control)
    return controls


def work_cards(works: Iterable[Any], viewer: Viewer) -> list[WorkCard]:
    """What the cards of ``works`` (rows of ``visibility.works_for_viewer``) show, in their order,
    in one query (their tags); ``printed_cards`` turns them into HTML."""
    works = list(works)
    links = CardLinks()
    # A work loaded without ``is_locked`` counts as locked when it is 18+, as its cover does.
    locked = {work.pk: _is_locked(work) for work in works}
    tags = _card_tags([work for work in works if not locked[work.pk]], viewer, links)
    cards = []
    for work in works:
        common = {
            "url": links.work(work.slug),
            "title": work.title,
            "is_locked": locked[work.pk],
            "cover": card_cover(work, links=links),
            "badge": visibility.age_badge(work),
            "kind": work.get_kind_display() if work.kind else "",
            "length": work.length_display,
        }
        if locked[work.pk]:
            year = work.year
            cards.append(WorkCard(**common, when=str(year) if year else ""))
        else:
            cards.append(
                WorkCard(
                    **common,
                    when=work.release_display,
                    original_title=work.original_title,
                    synopsis=Truncator(work.synopsis).words(SYNOPSIS_WORDS, truncate=" …") if work.synopsis else "",
                    tags=tuple(tags.get(work.pk, ())),
                )
            )
    return cards


def _is_locked(work: Any) -> bool:
    return bool(getattr(work, "is_locked", visibility.is_adult_work(work)))


@dataclass(frozen=True, slots=True)
class PrintedCard:
    """A card as the grid prints it: its HTML up to the control (``head``, the same for every viewer
    on one side of the age gate, so cached), the viewer's own control, then the card's end."""

    head: Markup
    control: CardControl | None = None


# How long a card's HTML is kept. Its key holds the catalog generation, so an edit to the work,
# its tags or any tag shows at once; the time only bounds what an idle cache holds.
CARD_SECONDS = 15 * 60


def printed_cards(
    works: Iterable[Any],
    viewer: Viewer,
    controls: Mapping[int, CardControl] | None = None,
    *,
    catalog_generation: int | None = None,
) -> list[PrintedCard]:
    """The cards of ``works`` (rows of ``visibility.works_for_viewer``), in their order, each card's
    HTML read from the cache where another request of the same kind (``gate_variant``) made it,
    and the rest built in one query (``work_cards``) and cached. A locked card and an open one
    never share a key. ``catalog_generation``: the view's, if it read it already (before its
    works). With a cache per process nothing is kept (``generation.is_shared``)."""
    # The number is read before the works are, so a card built from rows read before an edit is
    # never stored under the number the edit moved to.
    number = None
    if generation.is_shared():
        number = generation.current() if catalog_generation is None else catalog_generation
    works = list(works)
    if not works:
        return []
    controls = controls or {}
    if number is None:
        return [PrintedCard(_head(card), controls.get(work.pk)) for work, card in _built(works, viewer)]
    side = visibility.gate_variant(viewer)
    keys = {work.pk: f"card:{number}:{side}:{int(_is_locked(work))}:{work.pk}" for work in works}
    heads = cache.get_many(list(keys.values()))
    missing = list({work.pk: work for work in works if keys[work.pk] not in heads}.values())
    if missing:
        made = {keys[work.pk]: str(_head(card)) for work, card in _built(missing, viewer)}
        cache.set_many(made, CARD_SECONDS)
        heads.update(made)
    # Each head was rendered by Jinja2, which escaped it.
    return [PrintedCard(Markup(heads[keys[work.pk]]), controls.get(work.pk)) for work in works]


def _built(works: list[Any], viewer: Viewer) -> Iterable[tuple[Any, WorkCard]]:
    return zip(works, work_cards(works, viewer), strict=True)


def _head(card: WorkCard) -> Markup:
    template = engines["jinja2"].get_template("catalog/_work_card.html")
    return Markup(template.render({"card": card}))  # rendered by Jinja2, which escaped it


@dataclass(frozen=True, slots=True)
class CardGrid:
    """One grid's cards, built with the other grids of its page (``card_grids``); ``{% work_grid %}``
    prints it as it is. ``has_controls`` says whether its forms need the request's CSRF token."""

    cards: list[PrintedCard]
    has_controls: bool = False

    def __bool__(self) -> bool:
        return bool(self.cards)

    def __len__(self) -> int:
        return len(self.cards)


def card_grids(
    request: HttpRequest | None,
    viewer: Viewer,
    blocks: Mapping[str, Iterable[Any]],
    *,
    catalog_generation: int | None = None,
) -> dict[str, CardGrid]:
    """The grids of a page that shows several (the home page's blocks), with one cache read and at
    most one query for every card's HTML, and one query per control provider, however many grids:
    each grid alone would cost its own."""
    if catalog_generation is None and generation.is_shared():
        catalog_generation = generation.current()  # before the works are read (printed_cards)
    rows = {name: list(works) for name, works in blocks.items()}
    every = list({work.pk: work for works in rows.values() for work in works}.values())
    controls = card_controls(request, every)
    printed = {
        work.pk: card
        for work, card in zip(
            every, printed_cards(every, viewer, controls, catalog_generation=catalog_generation), strict=True
        )
    }
    return {
        name: CardGrid([printed[work.pk] for work in works], has_controls=any(work.pk in controls for work in works))
        for name, works in rows.items()
    }
