"""What resolutions add to the organisation page (core/panels.py): "What is asked of the organisation" — how many
resolution items are addressed to it and how far they have got, with a link to the full list. Registered by
EventsConfig.ready()."""

from typing import Any

from django.http import HttpRequest

from localbridge.core.panels import register_panel
from localbridge.organizations.models import Organization

from .selectors.resolutions import organization_item_progress

ORGANIZATION_PANEL = "events/resolution_organization_panel.html"


def organization_resolution_items(request: HttpRequest, organization: Organization) -> dict[str, Any] | None:
    """The progress of the items addressed to `organization` (one query); None when there are none."""
    progress = organization_item_progress(organization=organization)
    if not progress.total:
        return None
    return {"organization": organization, "progress": progress}


def register() -> None:
    register_panel("organization_detail", ORGANIZATION_PANEL, organization_resolution_items, order=70)
