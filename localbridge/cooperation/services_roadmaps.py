"""Writes to roadmaps (дорожные карты): a roadmap under an agreement or an association's programme, its actions
with the sides responsible for them, each action's status and outcome, and what came out of it (a project, a
practice or an event).

Each service takes the acting user, checks the permission (rules.py: "cooperation.add_roadmap",
"cooperation.change_roadmap"), validates with translated errors carrying a code, writes in one transaction with
the roadmap's row locked (two people editing one roadmap queue instead of overwriting each other) and audits the
change on the roadmap (`core.audit`; an action's changes carry its id in the entry's data, so the roadmap's
history keeps even removed actions). Nothing else assigns an action's status: `action_set_status` does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.services import FieldErrors, clean_text, lock_row, one_line, require_perm
from localbridge.events.selectors import events as event_selectors
from localbridge.organizations.models import Organization
from localbridge.projects import selectors as project_selectors
from localbridge.territories.models import Municipality

from . import selectors
from .models import (
    ActionLink,
    ActionResponsible,
    ActionStatus,
    Agreement,
    AgreementStatus,
    CooperationArea,
    Roadmap,
    RoadmapAction,
)
from .services import ASSOCIATION_KINDS


@dataclass(frozen=True)
class SideIn:
    """A side responsible for an action: exactly one of municipality and organization (an association), and the
    person or office that answers for it there."""

    municipality: Municipality | None = None
    organization: Organization | None = None
    person: str = ""

    @property
    def key(self) -> tuple[str, int | None]:
        if self.municipality is not None:
            return ("municipality", self.municipality.pk)
        return ("organization", self.organization.pk if self.organization is not None else None)

    @property
    def name(self) -> str:
        side = self.municipality or self.organization
        return str(side) if side is not None else ""


# --- roadmaps ----------------------------------------------------------------------------------------------------


def _validate_roadmap_fields(values: dict[str, Any], errors: FieldErrors) -> None:
    if "title" in values:
        values["title"] = one_line(values["title"])
        if not values["title"]:
            errors.add("title", _("Give the roadmap a title."), "required")
    if "description" in values:
        values["description"] = clean_text(values["description"])
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors.add("ends_on", _("The roadmap cannot end before it starts."), "ends_before_start")


@transaction.atomic
def roadmap_create(
    *,
    actor: Any,
    title: str,
    agreement: Agreement | None = None,
    association: Organization | None = None,
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    now: datetime | None = None,
) -> Roadmap:
    """A roadmap of joint work under `agreement`, or `association`'s programme (exactly one of them)."""
    if (agreement is None) == (association is None):
        raise ValueError("a roadmap belongs to an agreement or to an association, exactly one")
    owner: Agreement | Organization = agreement if agreement is not None else association  # type: ignore[assignment]
    require_perm(actor, "cooperation.add_roadmap", owner)
    errors = FieldErrors()
    if agreement is not None:
        lock_row(agreement)
        if agreement.status == AgreementStatus.ENDED:
            errors.add("__all__", _("An ended agreement gets no new roadmaps."), "agreement_ended")
    if association is not None and association.kind not in ASSOCIATION_KINDS:
        errors.add(
            "__all__",
            _("%(name)s is not an association of local authorities.") % {"name": association.name},
            "not_association",
        )
    values: dict[str, Any] = {
        "title": title,
        "description": description,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    _validate_roadmap_fields(values, errors)
    errors.raise_if_any()
    roadmap = Roadmap.objects.create(
        agreement=agreement,
        association=association,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now or timezone.now(),
        **values,
    )
    audit_record(
        obj=roadmap,
        action="create",
        actor=actor,
        data={"agreement": agreement.pk if agreement else None, "association": association.pk if association else None},
        now=now,
    )
    return roadmap


ROADMAP_FIELDS = ("title", "description", "starts_on", "ends_on")


@transaction.atomic
def roadmap_update(*, roadmap: Roadmap, actor: Any, now: datetime | None = None, **values: Any) -> Roadmap:
    """Change the roadmap's title, description or term (`ROADMAP_FIELDS`)."""
    require_perm(actor, "cooperation.change_roadmap", roadmap)
    unknown = set(values) - set(ROADMAP_FIELDS)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    lock_row(roadmap)
    errors = FieldErrors()
    term = {"starts_on": roadmap.starts_on, "ends_on": roadmap.ends_on, **values}
    _validate_roadmap_fields(values, errors)
    _validate_roadmap_fields({"starts_on": term["starts_on"], "ends_on": term["ends_on"]}, errors)
    errors.raise_if_any()
    changed = [name for name, value in values.items() if getattr(roadmap, name) != value]
    for name in changed:
        setattr(roadmap, name, values[name])
    if changed:
        roadmap.save(update_fields=[*changed, "updated_at"])
    audit_record(obj=roadmap, action="update", actor=actor, data={"fields": changed}, now=now)
    return roadmap


# --- actions -----------------------------------------------------------------------------------------------------


def _validate_sides(roadmap: Roadmap, sides: Sequence[SideIn], errors: FieldErrors) -> None:
    """At least one side; each a municipality or an association, none twice; under an agreement, each one of
    its parties."""
    if not sides:
        errors.add(
            "responsibles",
            _("A roadmap action needs at least one responsible party."),
            "no_responsible",
        )
        return
    parties: set[tuple[str, int | None]] | None = None
    if roadmap.agreement_id is not None:
        parties = set()
        for party in roadmap.agreement.parties.all():  # type: ignore[union-attr]
            if party.municipality_id is not None:
                parties.add(("municipality", party.municipality_id))
            else:
                parties.add(("organization", party.organization_id))
    seen: set[tuple[str, int | None]] = set()
    for side in sides:
        if (side.municipality is None) == (side.organization is None):
            errors.add(
                "responsibles", _("Each responsible side is a municipality or an association."), "responsible_kind"
            )
            continue
        if side.key in seen:
            errors.add(
                "responsibles",
                _("%(name)s is listed as responsible twice.") % {"name": side.name},
                "responsible_twice",
            )
        seen.add(side.key)
        if parties is not None and side.key not in parties:
            errors.add(
                "responsibles",
                _("%(name)s is not a party to the agreement: only its parties answer for its roadmap's actions.")
                % {"name": side.name},
                "responsible_not_party",
            )
        elif side.organization is not None and side.organization.kind not in ASSOCIATION_KINDS:
            errors.add(
                "responsibles",
                _("%(name)s is not an association of local authorities.") % {"name": side.name},
                "responsible_not_association",
            )
        if len(one_line(side.person)) > ActionResponsible._meta.get_field("person").max_length:  # type: ignore[operator]
            errors.add("responsibles", _("The responsible person's name is too long."), "person_too_long")


def _validate_action_fields(values: dict[str, Any], errors: FieldErrors) -> None:
    if "title" in values:
        values["title"] = one_line(values["title"])
        if not values["title"]:
            errors.add("title", _("Say what is to be done."), "required")
    if "description" in values:
        values["description"] = clean_text(values["description"])
    if "due_on" in values and values["due_on"] is None:
        errors.add("due_on", _("Give the date by which it is to be done."), "required")


def _validate_action_dates(starts_on: date | None, due_on: date | None, errors: FieldErrors) -> None:
    if starts_on is not None and due_on is not None and due_on < starts_on:
        errors.add("due_on", _("The action cannot be due before it starts."), "due_before_start")


def _set_sides(action: RoadmapAction, sides: Sequence[SideIn]) -> None:
    action.responsibles.all().delete()
    ActionResponsible.objects.bulk_create(
        ActionResponsible(
            action=action, municipality=s.municipality, organization=s.organization, person=one_line(s.person)
        )
        for s in sides
    )


def _sides_data(sides: Sequence[SideIn]) -> list[list[Any]]:
    return [[*s.key, one_line(s.person)] for s in sides]


@transaction.atomic
def action_add(
    *,
    roadmap: Roadmap,
    actor: Any,
    title: str,
    due_on: date | None,
    responsibles: Sequence[SideIn],
    description: str = "",
    area: CooperationArea | None = None,
    starts_on: date | None = None,
    now: datetime | None = None,
) -> RoadmapAction:
    """A planned action of the roadmap with the sides that answer for it (at least one)."""
    require_perm(actor, "cooperation.change_roadmap", roadmap)
    lock_row(roadmap)
    errors = FieldErrors()
    values: dict[str, Any] = {
        "title": title,
        "description": description,
        "area": area,
        "starts_on": starts_on,
        "due_on": due_on,
    }
    _validate_action_fields(values, errors)
    _validate_action_dates(starts_on, due_on, errors)
    _validate_sides(roadmap, responsibles, errors)
    errors.raise_if_any()
    last = roadmap.actions.aggregate(last=Max("position"))["last"]
    action = RoadmapAction.objects.create(
        roadmap=roadmap, position=0 if last is None else last + 1, created_at=now or timezone.now(), **values
    )
    _set_sides(action, responsibles)
    audit_record(
        obj=roadmap,
        action="action_add",
        actor=actor,
        to_status=action.status,
        data={"action": action.pk, "title": action.title, "responsibles": _sides_data(responsibles)},
        now=now,
    )
    return action


ACTION_FIELDS = ("title", "description", "area", "starts_on", "due_on")


def _lock_action(action: RoadmapAction) -> None:
    """Lock the roadmap, then the action (always in this order, so that two writers cannot deadlock)."""
    lock_row(action.roadmap)
    lock_row(action)


@transaction.atomic
def action_update(
    *,
    action: RoadmapAction,
    actor: Any,
    responsibles: Sequence[SideIn] | None = None,
    now: datetime | None = None,
    **values: Any,
) -> RoadmapAction:
    """Change the action's fields (`ACTION_FIELDS`) or the sides responsible for it (replaced as a whole)."""
    require_perm(actor, "cooperation.change_roadmap", action)
    unknown = set(values) - set(ACTION_FIELDS)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    _lock_action(action)
    errors = FieldErrors()
    _validate_action_fields(values, errors)
    _validate_action_dates(values.get("starts_on", action.starts_on), values.get("due_on", action.due_on), errors)
    if responsibles is not None:
        _validate_sides(action.roadmap, responsibles, errors)
    errors.raise_if_any()
    changed = [name for name, value in values.items() if getattr(action, name) != value]
    for name in changed:
        setattr(action, name, values[name])
    if changed:
        action.save(update_fields=[*changed, "updated_at"])
    if responsibles is not None:
        _set_sides(action, responsibles)
    audit_record(
        obj=action.roadmap,
        action="action_update",
        actor=actor,
        data={
            "action": action.pk,
            "title": action.title,
            "fields": changed,
            "responsibles": None if responsibles is None else _sides_data(responsibles),
        },
        now=now,
    )
    return action


@transaction.atomic
def action_set_status(
    *,
    action: RoadmapAction,
    actor: Any,
    status: str,
    completed_on: date | None = None,
    outcome: str | None = None,
    now: datetime | None = None,
) -> RoadmapAction:
    """Move the action to `status` (any of planned, in progress, done, cancelled) and record its outcome.

    Done records the day it was done (`completed_on`; by default today where its sides are, never a day still to
    come there); cancelled needs a note in the outcome saying why; moving away from done clears the day."""
    require_perm(actor, "cooperation.change_roadmap", action)
    _lock_action(action)
    now = now or timezone.now()
    errors = FieldErrors()
    if status not in ActionStatus.values:
        errors.add("status", _("Choose the action's status."), "invalid_status")
        errors.raise_if_any()
    from_status = action.status
    new_outcome = action.outcome if outcome is None else clean_text(outcome)
    fields = ["status", "outcome", "completed_on"]
    earliest, latest = selectors.action_today_range(action, now)
    if status == ActionStatus.DONE:
        done_on = completed_on or (action.completed_on if from_status == ActionStatus.DONE else None) or earliest
        if done_on > latest:
            errors.add("completed_on", _("The action cannot be done on a day still to come."), "completed_in_future")
        if action.starts_on is not None and done_on < action.starts_on:
            errors.add("completed_on", _("The action cannot be done before it starts."), "completed_before_start")
    else:
        done_on = None
        if completed_on is not None:
            errors.add("completed_on", _("Only a done action has a completion date."), "not_done")
    if status == ActionStatus.CANCELLED and not new_outcome:
        errors.add("outcome", _("Say why the action is cancelled."), "cancel_note_required")
    errors.raise_if_any()
    action.status, action.outcome, action.completed_on = status, new_outcome, done_on
    action.save(update_fields=[*fields, "updated_at"])
    audit_record(
        obj=action.roadmap,
        action="action_status",
        actor=actor,
        from_status=from_status,
        to_status=status,
        comment=new_outcome if outcome is not None else "",
        data={
            "action": action.pk,
            "title": action.title,
            "completed_on": done_on.isoformat() if done_on else None,
        },
        now=now,
    )
    return action


@transaction.atomic
def action_remove(*, action: RoadmapAction, actor: Any, now: datetime | None = None) -> None:
    """Remove the action with its sides and results (the roadmap's history keeps its title and id)."""
    require_perm(actor, "cooperation.change_roadmap", action)
    _lock_action(action)
    roadmap, pk, title, status = action.roadmap, action.pk, action.title, action.status
    action.delete()
    audit_record(
        obj=roadmap,
        action="action_remove",
        actor=actor,
        from_status=status,
        data={"action": pk, "title": title},
        now=now,
    )


# --- what came out of an action ----------------------------------------------------------------------------------


@transaction.atomic
def action_link_add(
    *,
    action: RoadmapAction,
    actor: Any,
    project: Any = None,
    practice: Any = None,
    event: Any = None,
    now: datetime | None = None,
) -> ActionLink:
    """Link what came out of the action: a project (any the actor can see), a published practice, or an event the
    actor can see (published or cancelled, or a draft of an event the actor runs: events' own visibility rule).

    A cancelled event may be linked: an action is often cancelled because its event was, and the link keeps that
    trace; the roadmap shows the event marked as cancelled. A draft is shown on the roadmap only to those who plan
    it (and left out of the API) until the event is published."""
    require_perm(actor, "cooperation.change_roadmap", action)
    _lock_action(action)
    errors = FieldErrors()
    if sum(target is not None for target in (project, practice, event)) != 1:
        errors.add("__all__", _("Link one result: a project, a practice or an event."), "link_kind")
        errors.raise_if_any()
    if practice is not None:
        if not practice.is_published:
            errors.add("practice", _("Only a published practice can be linked."), "practice_not_published")
        elif action.links.filter(practice=practice).exists():
            errors.add("practice", _("This practice is already linked to the action."), "link_twice")
    if project is not None:
        if not project_selectors.project_visible_to(actor).filter(pk=project.pk).exists():
            errors.add("project", _("There is no such project."), "project_not_visible")
        elif action.links.filter(project=project).exists():
            errors.add("project", _("This project is already linked to the action."), "link_twice")
    if event is not None:
        if not event_selectors.event_visible_to(actor).filter(pk=event.pk).exists():
            errors.add("event", _("There is no such event."), "event_not_visible")
        elif action.links.filter(event=event).exists():
            errors.add("event", _("This event is already linked to the action."), "link_twice")
    errors.raise_if_any()
    link = ActionLink.objects.create(action=action, project=project, practice=practice, event=event)
    kind = _link_kind(link)
    target = getattr(link, kind)
    audit_record(
        obj=action.roadmap,
        action="link_add",
        actor=actor,
        data={"action": action.pk, "title": action.title, kind: target.pk, "target": str(target)},
        now=now,
    )
    return link


@transaction.atomic
def action_link_remove(*, link: ActionLink, actor: Any, now: datetime | None = None) -> None:
    require_perm(actor, "cooperation.change_roadmap", link.action)
    _lock_action(link.action)
    action = link.action
    kind = _link_kind(link)
    target_id = getattr(link, f"{kind}_id")
    deleted, _rows = ActionLink.objects.filter(pk=link.pk).delete()
    if not deleted:
        raise ValidationError(_("This result is no longer linked."), code="link_gone")
    audit_record(
        obj=action.roadmap,
        action="link_remove",
        actor=actor,
        data={"action": action.pk, "title": action.title, kind: target_id},
        now=now,
    )


def _link_kind(link: ActionLink) -> str:
    """What the link links: "project", "practice" or "event" (the field of that name holds it)."""
    if link.project_id is not None:
        return "project"
    return "practice" if link.practice_id is not None else "event"
