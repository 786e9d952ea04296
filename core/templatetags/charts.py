"""Filters for the bar chart of scores 1 to 10 (templates/includes/score_chart.html): a work's votes,
a member's list."""

from django import template

register = template.Library()


@register.filter
def mul(value, factor):
    return int(value) * int(factor)


@register.filter
def bar_height(share, full_height):
    """Height of a chart bar; a bar with any count is at least 2 units tall so it stays visible."""
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
