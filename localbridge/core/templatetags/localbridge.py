from django import template
from django.utils.safestring import mark_safe

from localbridge.core.text import render_markdown

register = template.Library()


@register.filter
def markdown(value: str) -> str:
    return mark_safe(render_markdown(value))


@register.simple_tag(takes_context=True)
def query_replace(context: template.Context, **kwargs: object) -> str:
    """The current query string with some parameters replaced (pagination links keep the filters)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params.urlencode()
