from django import template

from community.admin import moderation_queue as queue_for

register = template.Library()


@register.inclusion_tag("community/_moderation_queue.html", takes_context=True)
def moderation_queue(context):
    """The admin home's "Waiting for a curator": open counts of the moderation queue, with links."""
    return {"queue": queue_for(context["request"])}
