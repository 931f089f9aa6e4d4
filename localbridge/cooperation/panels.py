"""What cooperation adds to other modules' pages (core/panels.py): an event's page says which roadmap actions it
came out of ("came out of the roadmap of agreement X"), without the events module (a lower floor) importing
cooperation. Registered by CooperationConfig.ready()."""

from typing import Any

from django.http import HttpRequest

from localbridge.core.panels import register_panel

from . import selectors
from .models import RoadmapAction

EVENT_PANEL = "cooperation/_event_roadmaps_panel.html"
PANEL_ROWS = 20


def event_roadmap_actions(request: HttpRequest, event: Any) -> dict[str, Any] | None:
    """The actions, of the roadmaps the user may see, that list `event` among their results, by due date, up to
    PANEL_ROWS (one query); None when there are none."""
    actions = list(
        RoadmapAction.objects.filter(
            links__event_id=event.pk,
            roadmap_id__in=selectors.roadmap_visible_to(request.user).order_by().values("pk"),
        )
        .select_related("roadmap__agreement", "roadmap__association")
        .order_by("due_on", "pk")[:PANEL_ROWS]
    )
    if not actions:
        return None
    return {"event": event, "actions": actions}


def register() -> None:
    register_panel("event_detail", EVENT_PANEL, event_roadmap_actions, order=50)
