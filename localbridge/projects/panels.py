"""What the projects module adds to other modules' pages (core/panels.py): the organisation page lists the
projects the organisation carries out or funds. Registered by ProjectsConfig.ready()."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from localbridge.core.panels import register_panel
from localbridge.organizations.models import Organization

from . import selectors

ORGANIZATION_PANEL = "projects/partials/_organization_panel.html"
PANEL_ROWS = 20


def organization_projects(request: HttpRequest, organization: Organization) -> dict[str, Any] | None:
    """The projects `organization` carries out or funds, the newest first, up to PANEL_ROWS with their total (one
    query, two when there are more); None when there are none."""
    projects_qs = selectors.project_list().filter(Q(owner=organization) | Q(funder=organization))
    projects = list(projects_qs[: PANEL_ROWS + 1])
    if not projects:
        return None
    return {
        "organization": organization,
        "projects": projects[:PANEL_ROWS],
        "count": projects_qs.count() if len(projects) > PANEL_ROWS else len(projects),
    }


def register() -> None:
    register_panel("organization_detail", ORGANIZATION_PANEL, organization_projects, order=60)
