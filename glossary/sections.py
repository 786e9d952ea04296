"""The glossary pages that other apps add sections to (``core.sections``).

- ``term_page``: a term's page. Slot ``after``: below the article, works and FAQ, full width.
  Providers are called as ``provider(request, term)``. Community adds the comments.
"""

from core.sections import PageSections

term_page = PageSections("term page", slots=("after",))
