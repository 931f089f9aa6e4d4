"""Web forms of roadmaps: they parse input; services_roadmaps decides and writes.

The responsible sides of an action are chosen in rows: under an agreement, one row per party (a tick and the
person or office answering there); in an association's programme, rows with a side chosen from the association,
its members and the other associations, or a municipality given by its number, and the person."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from django import forms
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from localbridge.events.selectors import events as event_selectors
from localbridge.practices import selectors as practice_selectors
from localbridge.projects import selectors as project_selectors
from localbridge.territories.models import Municipality

from . import selectors
from .models import ActionStatus, Roadmap, RoadmapAction
from .services_roadmaps import SideIn

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Empty rows an association programme's action form offers beyond the sides it already has.
SPARE_SIDE_ROWS = 2
MIN_SIDE_ROWS = 3


class RoadmapForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    starts_on = forms.DateField(label=_("From"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DATE)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "description", "starts_on", "ends_on")}


class ActionForm(forms.Form):
    """An action's fields and its responsible sides (rows built for the roadmap's owner)."""

    title = forms.CharField(label=_("Action"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    area = forms.ModelChoiceField(
        label=_("Area of cooperation"), queryset=selectors.cooperation_areas(), required=False
    )
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)

    def __init__(self, *args: Any, roadmap: Roadmap, action: RoadmapAction | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap
        self.responsible_errors: list[str] = []
        current = list(action.responsibles.all()) if action is not None else []
        if action is not None and not self.is_bound:
            for name in ("title", "description", "starts_on", "due_on"):
                self.initial[name] = getattr(action, name)
            self.initial["area"] = action.area_id
        # Candidate sides, keyed "m<id>" (a municipality) or "o<id>" (an association).
        self.sides: dict[str, Any] = {}
        self.row_names: list[tuple[str, ...]] = []
        if roadmap.agreement_id is not None:
            self._party_rows(current)
        else:
            self._programme_rows(current)

    # -- rows ---------------------------------------------------------------------------------------------------

    def _party_rows(self, current: list[Any]) -> None:
        chosen = {_key(r.municipality_id, r.organization_id): r.person for r in current}
        for i, party in enumerate(self.roadmap.agreement.parties.all()):  # type: ignore[union-attr]
            key = _key(party.municipality_id, party.organization_id)
            self.sides[key] = party.municipality or party.organization
            tick, person = f"party_{i}", f"party_{i}_person"
            name = str(self.sides[key])
            self.fields[tick] = forms.BooleanField(label=name, required=False)
            self.fields[person] = forms.CharField(
                label=gettext("Person or office responsible in %(side)s") % {"side": name},
                max_length=200,
                required=False,
            )
            self.fields[tick].side_key = key  # type: ignore[attr-defined]
            if key in chosen and not self.is_bound:
                self.initial[tick] = True
                self.initial[person] = chosen[key]
            self.row_names.append((tick, person))

    def _programme_rows(self, current: list[Any]) -> None:
        groups = selectors.programme_side_candidates(association_id=self.roadmap.association_id)
        labels = {"association": _("The association"), "members": _("Its members"), "others": _("Other associations")}
        choices: list[Any] = [("", "—")]
        for group, candidates in groups.items():
            for key, _label, side in candidates:
                self.sides[key] = side
            if candidates:
                choices.append((labels[group], [(key, label) for key, label, _obj in candidates]))
        earlier = []
        for r in current:  # a side chosen earlier by its number stays choosable
            key = _key(r.municipality_id, r.organization_id)
            if key not in self.sides:
                self.sides[key] = r.municipality or r.organization
                earlier.append((key, str(self.sides[key])))
        if earlier:
            choices.append((_("Chosen earlier"), earlier))
        for i in range(max(len(current) + SPARE_SIDE_ROWS, MIN_SIDE_ROWS)):
            side, number, person = f"side_{i}", f"side_{i}_municipality", f"side_{i}_person"
            row = {"number": i + 1}
            self.fields[side] = forms.ChoiceField(
                label=gettext("Side %(number)s") % row, choices=choices, required=False
            )
            self.fields[number] = forms.IntegerField(
                label=gettext("or a municipality by its number (side %(number)s)") % row, min_value=1, required=False
            )
            self.fields[person] = forms.CharField(
                label=gettext("Person or office responsible (side %(number)s)") % row, max_length=200, required=False
            )
            if i < len(current) and not self.is_bound:
                self.initial[side] = _key(current[i].municipality_id, current[i].organization_id)
                self.initial[person] = current[i].person
            self.row_names.append((side, number, person))

    def side_rows(self) -> list[list[forms.BoundField]]:
        """The rows of bound fields, for the template."""
        return [[self[name] for name in row] for row in self.row_names]

    def action_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("title", "description", "area", "starts_on", "due_on")]

    # -- reading ------------------------------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._responsibles: list[SideIn] = []
        if self.roadmap.agreement_id is not None:
            for tick, person in self.row_names:
                if data.get(tick):
                    key = self.fields[tick].side_key  # type: ignore[attr-defined]
                    self._responsibles.append(_side(self.sides[key], data.get(person) or ""))
                elif data.get(person):
                    self.add_error(tick, gettext("Tick the side this person answers for."))
            return data
        numbers = {data[n] for _s, n, _p in self.row_names if data.get(n)}
        found = Municipality.objects.in_bulk(numbers) if numbers else {}
        for side, number, person in self.row_names:
            key, pk, who = data.get(side) or "", data.get(number), data.get(person) or ""
            if key and pk:
                self.add_error(number, gettext("Choose a side or give a municipality's number, not both."))
            elif key:
                self._responsibles.append(_side(self.sides[key], who))
            elif pk:
                if pk not in found:
                    self.add_error(number, gettext("There is no municipality with this number."))
                else:
                    self._responsibles.append(SideIn(municipality=found[pk], person=who))
            elif who:
                self.add_error(side, gettext("Choose the side this person answers for."))
        return data

    def responsibles(self) -> list[SideIn]:
        return list(self._responsibles)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "description", "area", "starts_on", "due_on")}

    def add_service_errors(self, exc: ValidationError) -> None:
        """The service's errors beside their fields; those about the responsible sides above the rows."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            if name == "responsibles":
                self.responsible_errors.extend(m for e in errors for m in e.messages)
            else:
                self.add_error(name if name in self.fields else None, errors)


def _key(municipality_id: int | None, organization_id: int | None) -> str:
    return f"m{municipality_id}" if municipality_id is not None else f"o{organization_id}"


def _side(side: Any, person: str) -> SideIn:
    if isinstance(side, Municipality):
        return SideIn(municipality=side, person=person)
    return SideIn(organization=side, person=person)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    completed_on = forms.DateField(
        label=_("Done on"),
        required=False,
        widget=DATE,
        help_text=_("For a done action; today if left empty."),
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("What came of it; for a cancelled action, why it was cancelled."),
    )

    def __init__(self, *args: Any, action: RoadmapAction, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"status": action.status, "completed_on": action.completed_on, "outcome": action.outcome}
        )
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        completed_on = data["completed_on"] if data["status"] == ActionStatus.DONE else None
        return {"status": data["status"], "completed_on": completed_on, "outcome": data["outcome"]}


LINK_VIEWS = {"projects:detail": "project", "practices:detail": "practice", "events:detail": "event"}


class LinkForm(forms.Form):
    """A project, a practice or an event that came out of the action, by its number or the address of its page."""

    kind = forms.ChoiceField(
        label=_("What came out of it"),
        choices=[("project", _("a project")), ("practice", _("a practice from the bank")), ("event", _("an event"))],
        widget=forms.RadioSelect,
        initial="project",
    )
    reference = forms.CharField(
        label=_("Its number or the address of its page"),
        max_length=500,
        help_text=_(
            "For example 42, or https://…/projects/42/, /practices/17/ or /events/5/ (the kind is then read from it)."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.target: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reference = (data.get("reference") or "").strip()
        kind = data.get("kind") or "project"
        if not reference:
            return data
        if re.fullmatch(r"\d{1,12}", reference):
            pk = int(reference)
        else:
            try:
                match = resolve(urlparse(reference).path or "/")
            except Resolver404:
                match = None
            if match is None or match.view_name not in LINK_VIEWS:
                self.add_error(
                    "reference",
                    gettext("Give the number of a project, a practice or an event, or the address of its page."),
                )
                return data
            kind, pk = LINK_VIEWS[match.view_name], int(match.kwargs["pk"])
        if kind == "project":
            project = project_selectors.project_visible_to(self.user).filter(pk=pk).first()
            if project is None:
                self.add_error("reference", gettext("There is no project with the number %(number)s.") % {"number": pk})
            else:
                self.target = {"project": project}
        elif kind == "event":
            event = event_selectors.event_visible_to(self.user).filter(pk=pk).first()
            if event is None:
                self.add_error("reference", gettext("There is no event with the number %(number)s.") % {"number": pk})
            else:
                self.target = {"event": event}
        else:
            practice = practice_selectors.practice_visible_to(self.user).filter(pk=pk).first()
            if practice is None:
                self.add_error(
                    "reference", gettext("There is no practice with the number %(number)s.") % {"number": pk}
                )
            else:
                self.target = {"practice": practice}
        return data


class LateFilterForm(forms.Form):
    agreement = forms.IntegerField(label=_("Agreement number"), min_value=1, required=False)
    association = forms.ChoiceField(label=_("Association"), required=False)
    municipality = forms.IntegerField(label=_("Municipality number"), min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["association"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("all"))] + [(str(a.pk), a.name) for a in selectors.associations()]

    def filters(self) -> dict[str, int]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        found = {
            "agreement_id": data.get("agreement"),
            "association_id": int(data["association"]) if data.get("association") else None,
            "municipality_id": data.get("municipality"),
        }
        return {name: value for name, value in found.items() if value}
