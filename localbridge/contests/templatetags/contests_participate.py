"""Template tags of the applicant's pages, for the read pages' templates (whose views are not theirs)."""

from typing import Any

from django import template

from localbridge.contests.forms_participate import applying_organizations

register = template.Library()


@register.simple_tag(takes_context=True)
def apply_organizations(context: template.Context, contest: Any) -> list[Any]:
    """The organisations the current user may apply to `contest` for (acts for them, and they are eligible)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return [row.organization for row in applying_organizations(user, contest) if row.eligible]
