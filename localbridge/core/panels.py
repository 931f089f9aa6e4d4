"""Panels: how a module on a higher floor adds a section to a page of a lower one without the lower one importing
it. The organisation page (organizations, floor 3) shows what the practice bank (floor 4) knows about the
organisation: the practice bank registers a panel for "organization_detail" in its AppConfig.ready(), and the
organisation page renders whatever `panels_for` returns.

    register_panel("organization_detail", "practices/partials/_organization_panel.html", context_fn, order=50)
    panels = panels_for("organization_detail", request, organization)   # [(template, context), ...]

A panel's context function takes (request, obj) and returns the template's context, or None to show nothing. It
should run a constant number of queries: the page it joins asserts its own query count."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

PanelContext = Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    page: str
    template: str
    context: PanelContext
    order: int


_panels: dict[str, list[Panel]] = {}


def register_panel(page: str, template: str, context: PanelContext, order: int = 100) -> None:
    """Add a panel to `page` (registering the same template twice for a page replaces the first)."""
    panels = [p for p in _panels.get(page, []) if p.template != template]
    panels.append(Panel(page=page, template=template, context=context, order=order))
    panels.sort(key=lambda p: (p.order, p.template))
    _panels[page] = panels


def unregister_panel(page: str, template: str) -> None:
    _panels[page] = [p for p in _panels.get(page, []) if p.template != template]


def panels_for(page: str, request: HttpRequest, obj: Any) -> list[tuple[str, dict[str, Any]]]:
    """The panels of `page` for `obj`, in their order, as (template, context) pairs; panels whose context
    function returns None are left out."""
    result: list[tuple[str, dict[str, Any]]] = []
    for panel in _panels.get(page, []):
        context = panel.context(request, obj)
        if context is not None:
            result.append((panel.template, context))
    return result
