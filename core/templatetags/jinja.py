from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context, template_name, **extra):
    """``{% jinja "includes/pagination.html" %}``: a template of templates/jinja2/ (core/jinja2.py),
    rendered with this template's context, so Django pages share the Jinja2 partials instead of
    keeping copies. Jinja2 escapes as Django does (autoescape is on in Django's backend)."""
    jinja_template = engines["jinja2"].get_template(template_name)
    return mark_safe(jinja_template.render({**context.flatten(), **extra}, request=context.get("request")))
