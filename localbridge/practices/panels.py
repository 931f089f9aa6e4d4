"""What the practice bank adds to other modules' pages (core/panels.py): the organisation page shows the practices
the organisation authored and the ones it adopted. Registered by PracticesConfig.ready()."""

from typing import Any

from django.http import HttpRequest

from localbridge.core.panels import register_panel
from localbridge.organizations.models import Organization

from . import selectors
from .models import PracticeOrganizationRole

ORGANIZATION_PANEL = "practices/partials/_organization_panel.html"
PANEL_ROWS = 20


def organization_practices(request: HttpRequest, organization: Organization) -> dict[str, Any] | None:
    """The practices `organization` authored and those it adopted that the user may see, the latest first, up to
    PANEL_ROWS of each with their totals (four queries, whatever the numbers); None when there are none."""
    authored_qs = (
        selectors.practice_visible_to(request.user)
        .filter(
            organization_links__organization=organization,
            organization_links__role=PracticeOrganizationRole.AUTHOR,
        )
        .select_related(*selectors.LIST_RELATED)
        .order_by("-published_at", "-pk")
    )
    authored = list(authored_qs[: PANEL_ROWS + 1])
    adopted_qs = selectors.adoptions_by_organization(organization=organization, user=request.user)
    adopted = list(adopted_qs[: PANEL_ROWS + 1])
    if not authored and not adopted:
        return None
    return {
        "organization": organization,
        "authored": authored[:PANEL_ROWS],
        "authored_count": authored_qs.count() if len(authored) > PANEL_ROWS else len(authored),
        "adopted": adopted[:PANEL_ROWS],
        "adopted_count": adopted_qs.count() if len(adopted) > PANEL_ROWS else len(adopted),
    }


def register() -> None:
    register_panel("organization_detail", ORGANIZATION_PANEL, organization_practices, order=50)
