from django import template

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
