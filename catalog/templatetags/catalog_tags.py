from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from catalog import visibility
from catalog.covers import COVER_SIZES, placeholder_version

register = template.Library()


@register.inclusion_tag("catalog/_cover.html")
def work_cover(work, size="card"):
    """A work's cover thumbnail, or its placeholder when it has none or is locked for this viewer.

    A work loaded without ``is_locked`` (``visibility.works_for_viewer``) counts as locked when it is
    18+: the real cover's URL never reaches a page that did not ask the age-gate policy.
    """
    dimensions = COVER_SIZES[size]
    locked = getattr(work, "is_locked", visibility.is_adult_work(work))
    if work.cover and not locked:
        src = reverse("catalog:work-cover", kwargs={"slug": work.slug, "size": size}) + f"?v={work.cover_token}"
        alt = f"Cover of {work.title}"
    else:
        src = (
            reverse("catalog:work-cover-placeholder", kwargs={"slug": work.slug})
            + f"?v={placeholder_version(work.title)}"
        )
        alt = ""  # only the title's initials, and the title is right beside it
    return {
        "src": src,
        "alt": alt,
        "size": size,
        "width": dimensions.width,
        "height": dimensions.height,
        "is_placeholder": not alt,
        # Cards are many and mostly below the fold; the work page's cover is at the top of it.
        "lazy": size == "card",
    }


@register.simple_tag
def adult_rating_meta(work):
    """``<meta name="rating" content="adult">`` on an 18+ work's pages, as DESIGN.md asks."""
    return mark_safe('<meta name="rating" content="adult">') if visibility.is_adult_work(work) else ""
