from django import template
from django.urls import reverse
from django.utils.html import format_html

from catalog import visibility
from catalog.covers import COVER_SIZES, placeholder_version

register = template.Library()


@register.filter
def mul(value, factor):
    return int(value) * int(factor)


@register.filter
def bar_height(share, full_height):
    """Height of a chart bar; a bar with any reviews is at least 2 units tall so it stays visible."""
    height = round(float(share) * int(full_height))
    return max(height, 2) if share else 0


@register.filter
def bar_y(share, full_height):
    return int(full_height) - bar_height(share, full_height)


@register.filter
def compact_count(value):
    """A count short enough to sit above a chart bar: 999, 1.2k, 12k, 1.2M."""
    value = int(value)
    for divisor, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= divisor:
            short = value / divisor
            return f"{short:.1f}".rstrip("0").rstrip(".") + suffix if short < 10 else f"{value // divisor}{suffix}"
    return str(value)


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
    return format_html('<meta name="rating" content="adult">') if visibility.is_adult_work(work) else ""
