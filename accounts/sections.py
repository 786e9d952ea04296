"""The accounts pages that other apps add sections to (``core.sections``).

- ``member_page``: a member's public page; ``profile_page``: the member's own profile. Slot
  ``main``, below the page's own content. Providers are called as ``provider(request, member)``.

Community adds the member's reviews and comments to both.
"""

from core.sections import PageSections

member_page = PageSections("member page", slots=("main",))
profile_page = PageSections("profile page", slots=("main",))
