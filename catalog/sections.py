"""The catalog pages that other apps add sections to (``core.sections``).

- ``work_page``: a work's page. Slots: ``head`` (links in the page's <head>), ``main`` (after
  the tags, in the main column) and ``after`` (below the facts, full width). Providers are
  called as ``provider(request, work, open_tag_ids=...)``, where ``open_tag_ids`` are the
  tags the page shows unfolded to this viewer.
- ``home_page``: the home page. Slots ``intro`` (right after the welcome, on the first screen) and
  ``main`` (after the newest works); ``provider(request, None)``.

Glossary adds the terms a work illustrates and the home page's glossary teaser (the three
perspectives, in ``intro``); community adds reviews (and their feed link) and the home page's
"Recently reviewed" (``main``). Catalog's own blocks (a work's similar works, the home page's
"New this month": ``catalog.discovery``) are partials of its templates, not sections.
"""

from core.sections import PageSections

work_page = PageSections("work page", slots=("head", "main", "after"))
home_page = PageSections("home page", slots=("intro", "main"))
