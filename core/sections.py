"""Page sections: how a higher app shows its part of a page that a lower app owns.

Apps depend on each other in one direction (docs/architecture.md). Community builds on
catalog, so catalog's work page may not import community's reviews; glossary builds on
catalog, so the home page may not import glossary's terms. Instead, the page declares a
``PageSections`` registry with its slots, and the higher app registers a provider in its
``AppConfig.ready()``. A provider returns a ``Section``: the templates it fills, by slot, and
the context they read. The page merges the contexts and includes each slot's templates in
the order the providers were registered.

The seam is explicit on both sides: the page's template names its slots, and each
registration names the page it plugs into. ``registered`` lists them for the architecture
test and for a reader who wants to know what a page shows.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    """One app's part of a page: ``templates`` maps a slot of the page to the template filling it."""

    templates: Mapping[str, str]
    context: Mapping[str, Any] = field(default_factory=dict)
    # Names in ``context`` that are works the page prints as card grids: a page showing several
    # grids reads all their cards together (``catalog.cards.card_grids``), so it lists them in
    # ``section_grids``.
    grids: tuple[str, ...] = ()


SectionProvider = Callable[..., Section | None]


class PageSections:
    """The sections other apps add to one page (see the module docstring)."""

    def __init__(self, page: str, *, slots: tuple[str, ...]):
        self.page = page
        self.slots = slots
        self._providers: list[SectionProvider] = []

    def register(self, provider: SectionProvider) -> SectionProvider:
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    @property
    def registered(self) -> tuple[SectionProvider, ...]:
        return tuple(self._providers)

    def context(self, request: HttpRequest, subject: Any = None, **details: Any) -> dict[str, Any]:
        """The page's context from every provider: ``section_templates`` by slot, plus each section's own names.

        ``subject`` is what the page is about (a work, a term, a member); ``details`` are facts
        the page has already worked out that a section may need (such as the tags shown openly).
        A provider that returns None shows nothing on this request.
        """
        templates: dict[str, list[str]] = {slot: [] for slot in self.slots}
        merged: dict[str, Any] = {}
        grids: list[str] = []
        for provider in self._providers:
            section = provider(request, subject, **details)
            if section is None:
                continue
            for slot, template_name in section.templates.items():
                if slot not in templates:
                    raise ImproperlyConfigured(
                        f"The {self.page} has no slot {slot!r} (it has {', '.join(self.slots)})."
                    )
                templates[slot].append(template_name)
            clash = merged.keys() & section.context.keys()
            if clash:
                raise ImproperlyConfigured(f"Two sections of the {self.page} both set {', '.join(sorted(clash))}.")
            merged.update(section.context)
            grids += section.grids
        return {"section_templates": templates, "section_grids": grids, **merged}
