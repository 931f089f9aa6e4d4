"""What the indicators add to other modules' pages (core/panels.py): a municipality's page in territories (a lower
floor, which must not import indicators) links to the municipality's indicators dashboard, its region's comparison
and the map. Registered by IndicatorsConfig.ready(); no query (the page has the municipality and its region)."""

from typing import Any

from django.http import HttpRequest

from localbridge.core.panels import register_panel

MUNICIPALITY_PANEL = "indicators/partials/_municipality_panel.html"


def municipality_indicators(request: HttpRequest, municipality: Any) -> dict[str, Any] | None:
    return {"municipality": municipality}


def register() -> None:
    register_panel("municipality_detail", MUNICIPALITY_PANEL, municipality_indicators, order=80)
