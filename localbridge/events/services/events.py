"""Writes of events: an event's details, organisers and partners, programme and materials; publishing and
cancelling it; people registering (a seat, or a place on the waiting list when the event is full) and cancelling
(the first on the waiting list then takes the freed seat); attendance.

Each service takes the acting user, checks the permission (rules.py), validates everything before writing (field
errors with a code, translated), writes in one transaction, records an audit row on the event and announces a
domain event after commit (events_notifications.py sends the e-mails).

Seats are counted under a lock on the event's row (core.services.lock_row): two people taking the last seat at
once queue on that lock, so the second one counts the first one's seat and goes to the waiting list. The partial
unique constraint on (event, user) backs up "one active registration per person"; the waiting list's positions are
kept 1…n without gaps under the same lock.

Times: the services take aware datetimes, or naive ones meaning the wall-clock time in the event's time zone (an
organiser types "10:00" in Blagoveshchensk and means 10:00 there). The time zone defaults to the municipality's."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.core.files import DOCUMENT_TYPES, IMAGE_TYPES, PRESENTATION_TYPES, validate_upload
from localbridge.core.services import FieldErrors, actor_id, clean_text, lock_row, one_line, require_perm
from localbridge.organizations.models import Organization
from localbridge.practices.models import PRACTICE_LANGUAGES, Topic
from localbridge.territories.models import Municipality, Region

from ..models import (
    ACTIVE_REGISTRATION_STATUSES,
    EVENT_WORKFLOW,
    FORMATS_ONLINE,
    FORMATS_WITH_VENUE,
    Event,
    EventFormat,
    EventKind,
    EventOrganization,
    EventStatus,
    Material,
    MaterialKind,
    OrganizerRole,
    Registration,
    RegistrationStatus,
    Session,
)

__all__ = [
    "ATTENDEE_FIELDS",
    "EVENT_FIELDS",
    "MATERIAL_EXTENSIONS",
    "SESSION_FIELDS",
    "EventCancelled",
    "EventChanged",
    "RegistrationMade",
    "RegistrationPromoted",
    "attendance_mark",
    "event_cancel",
    "event_create",
    "event_publish",
    "event_publish_errors",
    "event_update",
    "event_zone",
    "material_add",
    "material_remove",
    "registration_cancel",
    "registration_cancel_mine",
    "registration_create",
    "session_add",
    "session_remove",
    "session_update",
]

EVENT_FIELDS = (
    "kind",
    "format",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "venue",
    "address",
    "latitude",
    "longitude",
    "online_url",
    "region",
    "municipality",
    "audience",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "topics",
    "organizers",
    "partners",
)
SESSION_FIELDS = ("title", "description", "starts_at", "ends_at", "room", "speakers", "speaker_users")
# What the people registered rely on: when (the time zone included, since the times are shown in it), where, the
# link and the format. A change of one of these in a published event raises its calendar revision and tells them.
ATTENDEE_FIELDS = ("starts_at", "ends_at", "time_zone", "format", "venue", "address", "online_url")
# What a material's file may be: documents, slides (PPTX, ODP), spreadsheets, and pictures.
MATERIAL_EXTENSIONS = (*DOCUMENT_TYPES, *PRESENTATION_TYPES, *IMAGE_TYPES)
TITLE_MAX = 300
TEXT_MAX = 20_000
MAX_CAPACITY = 1_000_000
MAX_SESSIONS = 200
MAX_MATERIALS = 200
MAX_ORGANIZATIONS = 30
COORDINATE = Decimal("0.000001")


# --- domain events (announced after commit) ---------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationMade:
    """A person registered: a seat (status "registered") or a place on the waiting list ("waitlisted")."""

    registration_id: int
    status: str


@dataclass(frozen=True)
class RegistrationPromoted:
    """A seat became free and the first person on the waiting list took it."""

    registration_id: int


@dataclass(frozen=True)
class EventCancelled:
    event_id: int
    actor_id: int | None


@dataclass(frozen=True)
class EventChanged:
    """A published event's time, time zone, place, online link or format changed (ATTENDEE_FIELDS): `changes`
    maps each changed field to its (old, new) value; `sequence` is the event's new calendar revision."""

    event_id: int
    actor_id: int | None
    sequence: int
    changes: dict[str, tuple[Any, Any]]


# --- values typed by people --------------------------------------------------------------------------------------


def event_zone(name: str | None, municipality: Municipality | None = None) -> ZoneInfo:
    """The zone named, else the municipality's, else the site's."""
    for candidate in (name, getattr(municipality, "timezone", None), settings.TIME_ZONE):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def _zone_name(errors: FieldErrors, value: Any, municipality: Municipality | None) -> str:
    name = one_line(value)
    if not name:
        return getattr(municipality, "timezone", "") or settings.TIME_ZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        errors.add("time_zone", _("Unknown time zone; give an IANA name such as Europe/Moscow."), "invalid_time_zone")
        return settings.TIME_ZONE
    return name


def _moment(errors: FieldErrors, field: str, value: Any, zone: ZoneInfo, *, required: bool = False) -> datetime | None:
    """An aware datetime: as given when aware; a naive one (or ISO text without an offset) in `zone`."""
    if value is None or value == "":
        if required:
            errors.add(field, _("Give a date and time."), "required")
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            errors.add(field, _("Give a date and time, for example 2026-09-10 10:00."), "invalid")
            return None
    if not isinstance(value, datetime):
        errors.add(field, _("Give a date and time, for example 2026-09-10 10:00."), "invalid")
        return None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zone)
    return value


def _line(errors: FieldErrors, field: str, value: Any, *, limit: int = TITLE_MAX, required: bool = False) -> str:
    text = one_line(value)
    if required and not text:
        errors.add(field, _("This field is required."), "required")
    elif len(text) > limit:
        errors.add(field, _("Too long (%(max)s characters at most).") % {"max": limit}, "max_length")
    return text[:limit]


def _text(errors: FieldErrors, field: str, value: Any, *, limit: int = TEXT_MAX) -> str:
    text = clean_text(value)
    if len(text) > limit:
        errors.add(field, _("Too long (%(max)s characters at most).") % {"max": limit}, "max_length")
    return text[:limit]


def _url(errors: FieldErrors, field: str, value: Any) -> str:
    text = one_line(value)
    if not text:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        errors.add(field, _("Give a web address starting with https:// or http://."), "invalid_url")
        return ""
    if len(text) > 500:
        errors.add(field, _("Too long (%(max)s characters at most).") % {"max": 500}, "max_length")
        return ""
    return text


def _choice(errors: FieldErrors, field: str, value: Any, choices: Iterable[str], *, default: str = "") -> str:
    text = one_line(value) or default
    if text not in set(choices):
        errors.add(field, _("Choose one of the options."), "invalid_choice")
    return text


def _coordinate(errors: FieldErrors, field: str, value: Any, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > limit:
        errors.add(field, _("Give a number from %(min)s to %(max)s.") % {"min": -limit, "max": limit}, "out_of_range")
        return None
    return number.quantize(COORDINATE)


def _capacity(errors: FieldErrors, value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or number < 1 or number > MAX_CAPACITY:
        errors.add(
            "capacity",
            _("Give the number of seats (at least 1), or leave it empty for no limit."),
            "invalid_capacity",
        )
        return None
    return number


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M")


# --- events ------------------------------------------------------------------------------------------------------


@dataclass
class _Cleaned:
    values: dict[str, Any]
    topics: list[Topic] | None
    organizers: list[Organization] | None
    partners: list[Organization] | None


def _clean_event(values: Mapping[str, Any], current: Event | None) -> _Cleaned:
    """Validate the event's fields (those given; on an update the others keep their values) and raise every error
    at once."""
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown event fields: {sorted(unknown)}")
    errors = FieldErrors()

    def given(name: str) -> bool:
        return current is None or name in values

    def old(name: str) -> Any:
        return getattr(current, name) if current is not None else None

    out: dict[str, Any] = {}
    if given("kind"):
        out["kind"] = _choice(errors, "kind", values.get("kind"), EventKind.values)
    if given("format"):
        out["format"] = _choice(errors, "format", values.get("format"), EventFormat.values, default="in_person")
    if given("title"):
        out["title"] = _line(errors, "title", values.get("title"), required=True)
    if given("description"):
        out["description"] = _text(errors, "description", values.get("description"))
    if given("audience"):
        out["audience"] = _text(errors, "audience", values.get("audience"), limit=2000)
    for name in ("venue", "address"):
        if given(name):
            out[name] = _line(errors, name, values.get(name))
    if given("online_url"):
        out["online_url"] = _url(errors, "online_url", values.get("online_url"))
    if given("capacity"):
        out["capacity"] = _capacity(errors, values.get("capacity"))

    # The place: a municipality brings its region; a region alone is fine.
    municipality = values.get("municipality") if given("municipality") else old("municipality")
    region = values.get("region") if given("region") else old("region")
    if municipality is not None and not isinstance(municipality, Municipality):
        errors.add("municipality", _("Choose a municipality from the list."), "invalid_choice")
        municipality = None
    if region is not None and not isinstance(region, Region):
        errors.add("region", _("Choose a region from the list."), "invalid_choice")
        region = None
    if municipality is not None:
        if region is not None and municipality.region_id is not None and region.pk != municipality.region_id:
            errors.add("municipality", _("The municipality is not in the region chosen."), "region_mismatch")
        region = municipality.region if municipality.region_id is not None else region
    if given("municipality") or given("region"):
        out["municipality"], out["region"] = municipality, region

    if given("time_zone") or (current is None):
        out["time_zone"] = _zone_name(errors, values.get("time_zone"), municipality)
    zone = event_zone(out.get("time_zone") or old("time_zone"), municipality)

    for name, limit in (("latitude", 90), ("longitude", 180)):
        if given(name):
            out[name] = _coordinate(errors, name, values.get(name), limit)
    latitude = out["latitude"] if "latitude" in out else old("latitude")
    longitude = out["longitude"] if "longitude" in out else old("longitude")
    if (
        (latitude is None) != (longitude is None)
        and "latitude" not in errors.errors
        and "longitude" not in errors.errors
    ):
        errors.add("latitude", _("Give both the latitude and the longitude, or neither."), "point_incomplete")

    for name, required in (
        ("starts_at", True),
        ("ends_at", True),
        ("registration_opens_at", False),
        ("registration_closes_at", False),
    ):
        if given(name):
            out[name] = _moment(errors, name, values.get(name), zone, required=required)
    starts = out.get("starts_at", old("starts_at"))
    ends = out.get("ends_at", old("ends_at"))
    opens = out.get("registration_opens_at", old("registration_opens_at"))
    closes = out.get("registration_closes_at", old("registration_closes_at"))
    if starts and ends and ends < starts:
        errors.add("ends_at", _("The event cannot end before it starts."), "ends_before_start")
    if opens and closes and closes < opens:
        errors.add("registration_closes_at", _("Registration cannot close before it opens."), "closes_before_opens")
    if closes and ends and closes > ends:
        errors.add("registration_closes_at", _("Registration cannot close after the event ends."), "closes_after_end")
    if opens and ends and opens >= ends:
        errors.add("registration_opens_at", _("Registration must open before the event ends."), "opens_after_end")

    topics = organizers = partners = None
    if given("topics"):
        topics = list(values.get("topics") or [])
        if any(not isinstance(t, Topic) for t in topics):
            errors.add("topics", _("Choose topics from the list."), "invalid_choice")
    if given("organizers"):
        organizers = list(dict.fromkeys(values.get("organizers") or []))
        if any(not isinstance(o, Organization) for o in organizers):
            errors.add("organizers", _("Choose organisations from the list."), "invalid_choice")
        elif not organizers:
            errors.add("organizers", _("Name at least one organiser."), "required")
    if given("partners"):
        partners = list(dict.fromkeys(values.get("partners") or []))
        if any(not isinstance(o, Organization) for o in partners):
            errors.add("partners", _("Choose organisations from the list."), "invalid_choice")
    if organizers and partners:
        both = {o.pk for o in organizers} & {p.pk for p in partners if isinstance(p, Organization)}
        if both:
            errors.add("partners", _("An organisation is either an organiser or a partner, not both."), "both_roles")
    if len(organizers or []) + len(partners or []) > MAX_ORGANIZATIONS:
        errors.add("partners", _("At most %(n)s organisers and partners.") % {"n": MAX_ORGANIZATIONS}, "too_many")
    errors.raise_if_any()
    return _Cleaned(out, topics, organizers, partners)


def event_publish_errors(event: Event) -> FieldErrors:
    """What a published event must have: a venue when people come in person, a link when they join online."""
    errors = FieldErrors()
    if event.format in FORMATS_WITH_VENUE and not (event.venue or event.address):
        errors.add("venue", _("Give the venue or the address: people come in person."), "venue_required")
    if event.format in FORMATS_ONLINE and not event.online_url:
        errors.add("online_url", _("Give the link people join online by."), "online_url_required")
    return errors


def _set_organizations(
    event: Event, organizers: list[Organization] | None, partners: list[Organization] | None
) -> None:
    if organizers is None and partners is None:
        return
    links = list(event.organizer_links.all())
    if organizers is None:
        organizers = [link.organization for link in links if link.role == OrganizerRole.ORGANIZER]
    if partners is None:
        partners = [link.organization for link in links if link.role == OrganizerRole.PARTNER]
    partners = [p for p in partners if p.pk not in {o.pk for o in organizers}]
    EventOrganization.objects.filter(event=event).delete()
    EventOrganization.objects.bulk_create(
        [
            EventOrganization(event=event, organization=o, role=OrganizerRole.ORGANIZER, position=i)
            for i, o in enumerate(organizers)
        ]
        + [
            EventOrganization(event=event, organization=p, role=OrganizerRole.PARTNER, position=i)
            for i, p in enumerate(partners)
        ]
    )


def _check_may_organise(actor: Any, organizers: list[Organization]) -> None:
    if not any(actor.has_perm("events.organise_for", organization) for organization in organizers):
        raise ValidationError(
            {
                "organizers": [
                    ValidationError(
                        _("Name an organisation you act for (as its chair or staff) among the organisers."),
                        code="not_your_organisation",
                    )
                ]
            }
        )


@transaction.atomic
def event_create(*, actor: Any, now: datetime | None = None, source_slug: str | None = None, **values: Any) -> Event:
    """A draft event. `organizers` (at least one, one of them an organisation the actor acts for) and `partners`
    are lists of organisations; `topics` a list of topics; the other EVENT_FIELDS are values. `source_slug`: the
    stem of the founding resolution's file the event belongs to (loaders only; unique)."""
    now = now or timezone.now()
    require_perm(actor, "events.create_event")
    cleaned = _clean_event(values, None)
    _check_may_organise(actor, cleaned.organizers or [])
    if source_slug is not None:
        if not re.fullmatch(r"[-a-zA-Z0-9_]{1,100}", source_slug):
            raise ValueError(f"Not a slug: {source_slug!r}")
        if Event.objects.filter(source_slug=source_slug).exists():
            raise ValidationError(_("An event of this source already exists."), code="source_taken")
    event = Event(
        **cleaned.values, source_slug=source_slug, created_by=actor if actor_id(actor) else None, created_at=now
    )
    event.save()
    _set_organizations(event, cleaned.organizers, cleaned.partners)
    if cleaned.topics:
        event.topics.set(cleaned.topics)
    audit_record(obj=event, action="create", actor=actor, to_status=event.status, now=now)
    return event


@transaction.atomic
def event_update(*, event: Event, actor: Any, now: datetime | None = None, **values: Any) -> Event:
    """Change the given fields. A published event must stay complete (event_publish_errors); more seats move
    people from the waiting list to the new seats (and tell them). When a published event's time, time zone,
    place, link or format changes (ATTENDEE_FIELDS), its calendar revision goes up and everyone registered or
    waiting is told what changed, with the updated calendar file (EventChanged, after commit)."""
    now = now or timezone.now()
    lock_row(event)
    require_perm(actor, "events.change_event", event)
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("The event is cancelled: it can no longer be changed."), code="event_cancelled")
    cleaned = _clean_event(values, event)
    changed = [name for name, value in cleaned.values.items() if getattr(event, name) != value]
    for_attendees = {name: (getattr(event, name), cleaned.values[name]) for name in ATTENDEE_FIELDS if name in changed}
    for name, value in cleaned.values.items():
        setattr(event, name, value)
    if event.status == EventStatus.PUBLISHED:
        event_publish_errors(event).raise_if_any()
        if for_attendees:
            event.sequence += 1
    event.save()
    _set_organizations(event, cleaned.organizers, cleaned.partners)
    if cleaned.topics is not None:
        event.topics.set(cleaned.topics)
    for name in ("organizers", "partners", "topics"):
        if getattr(cleaned, name) is not None:
            changed.append(name)
    audit_record(obj=event, action="update", actor=actor, data={"fields": sorted(changed)}, now=now)
    if "capacity" in changed:
        _promote(event, now)
    if event.status == EventStatus.PUBLISHED and for_attendees:
        emit(EventChanged(event_id=event.pk, actor_id=actor_id(actor), sequence=event.sequence, changes=for_attendees))
    return event


@transaction.atomic
def event_publish(*, event: Event, actor: Any, now: datetime | None = None) -> Event:
    """Draft → published: the event appears on the calendar and in the feeds, and people may register."""
    now = now or timezone.now()
    lock_row(event)
    require_perm(actor, "events.publish_event", event)
    if EVENT_WORKFLOW.can(event, "publish"):
        event_publish_errors(event).raise_if_any()
    event.published_at = now
    EVENT_WORKFLOW.apply(event, "publish", actor=actor, now=now, update_fields=["published_at"])
    return event


@transaction.atomic
def event_cancel(*, event: Event, actor: Any, comment: str, now: datetime | None = None) -> Event:
    """Cancel the event with a reason; everyone registered or waiting is told by e-mail (with a calendar file
    that removes the event from their calendar)."""
    now = now or timezone.now()
    lock_row(event)
    require_perm(actor, "events.cancel_event", event)
    event.cancelled_at = now
    event.cancellation_reason = clean_text(comment)[:TEXT_MAX]
    event.sequence += 1  # the cancellation's calendar file replaces the one people have
    EVENT_WORKFLOW.apply(
        event,
        "cancel",
        actor=actor,
        comment=comment,
        now=now,
        update_fields=["cancelled_at", "cancellation_reason", "sequence"],
    )
    emit(EventCancelled(event_id=event.pk, actor_id=actor_id(actor)))
    return event


# --- programme ---------------------------------------------------------------------------------------------------


def _require_open(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("The event is cancelled: it can no longer be changed."), code="event_cancelled")


def _clean_session(values: Mapping[str, Any], event: Event, current: Session | None) -> dict[str, Any]:
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown session fields: {sorted(unknown)}")
    errors = FieldErrors()
    zone = event_zone(event.time_zone)
    out: dict[str, Any] = {}

    def given(name: str) -> bool:
        return current is None or name in values

    if given("title"):
        out["title"] = _line(errors, "title", values.get("title"), required=True)
    if given("description"):
        out["description"] = _text(errors, "description", values.get("description"), limit=5000)
    if given("room"):
        out["room"] = _line(errors, "room", values.get("room"), limit=200)
    if given("speakers"):
        out["speakers"] = _text(errors, "speakers", values.get("speakers"), limit=2000)
    if given("starts_at"):
        out["starts_at"] = _moment(errors, "starts_at", values.get("starts_at"), zone, required=True)
    if given("ends_at"):
        out["ends_at"] = _moment(errors, "ends_at", values.get("ends_at"), zone)
    starts = out.get("starts_at", getattr(current, "starts_at", None))
    ends = out.get("ends_at", getattr(current, "ends_at", None))
    if starts and ends and ends < starts:
        errors.add("ends_at", _("The session cannot end before it starts."), "ends_before_start")
    if starts and not (event.starts_at <= starts <= event.ends_at):
        errors.add(
            "starts_at",
            _("The session must take place during the event (%(start)s – %(end)s).")
            % {"start": _local(event.starts_at, zone), "end": _local(event.ends_at, zone)},
            "outside_event",
        )
    elif ends and ends > event.ends_at:
        errors.add(
            "ends_at",
            _("The session must take place during the event (%(start)s – %(end)s).")
            % {"start": _local(event.starts_at, zone), "end": _local(event.ends_at, zone)},
            "outside_event",
        )
    if given("speaker_users"):
        users = list(values.get("speaker_users") or [])
        if any(getattr(u, "pk", None) is None for u in users):
            errors.add("speaker_users", _("Choose speakers among the platform's users."), "invalid_choice")
        out["speaker_users"] = users
    errors.raise_if_any()
    return out


@transaction.atomic
def session_add(*, event: Event, actor: Any, now: datetime | None = None, **values: Any) -> Session:
    """A part of the programme, during the event."""
    now = now or timezone.now()
    lock_row(event)
    require_perm(actor, "events.change_event", event)
    _require_open(event)
    cleaned = _clean_session(values, event, None)
    if event.sessions.count() >= MAX_SESSIONS:
        raise ValidationError(_("At most %(n)s sessions.") % {"n": MAX_SESSIONS}, code="too_many")
    speakers = cleaned.pop("speaker_users", [])
    session = Session.objects.create(event=event, position=event.sessions.count(), **cleaned)
    if speakers:
        session.speaker_users.set(speakers)
    audit_record(obj=event, action="session_add", actor=actor, data={"session": session.pk}, now=now)
    return session


@transaction.atomic
def session_update(*, session: Session, actor: Any, now: datetime | None = None, **values: Any) -> Session:
    now = now or timezone.now()
    event = session.event
    lock_row(event)
    require_perm(actor, "events.change_event", event)
    _require_open(event)
    cleaned = _clean_session(values, event, session)
    speakers = cleaned.pop("speaker_users", None)
    for name, value in cleaned.items():
        setattr(session, name, value)
    session.save()
    if speakers is not None:
        session.speaker_users.set(speakers)
    audit_record(obj=event, action="session_update", actor=actor, data={"session": session.pk}, now=now)
    return session


@transaction.atomic
def session_remove(*, session: Session, actor: Any, now: datetime | None = None) -> None:
    """Remove a session (and the materials attached to it)."""
    now = now or timezone.now()
    event = session.event
    lock_row(event)
    require_perm(actor, "events.change_event", event)
    _require_open(event)
    names = [m.file.name for m in session.materials.all() if m.file]
    pk, title = session.pk, session.title
    session.delete()
    _delete_files_on_commit(names)
    audit_record(obj=event, action="session_remove", actor=actor, data={"session": pk, "title": title}, now=now)


# --- materials ---------------------------------------------------------------------------------------------------


def _delete_files_on_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


@transaction.atomic
def material_add(
    *,
    event: Event,
    actor: Any,
    title: str,
    kind: str = MaterialKind.DOCUMENT,
    language: str = "ru",
    upload: UploadedFile | None = None,
    url: str = "",
    session: Session | None = None,
    now: datetime | None = None,
) -> Material:
    """A presentation, a recording's link or a document, of the event or of one of its sessions: a file (checked
    by its real type) or a link, not both; a recording is always a link."""
    now = now or timezone.now()
    lock_row(event)
    require_perm(actor, "events.change_event", event)
    _require_open(event)
    errors = FieldErrors()
    kind = _choice(errors, "kind", kind, MaterialKind.values, default=MaterialKind.DOCUMENT)
    language = _choice(errors, "language", language, [code for code, _name in PRACTICE_LANGUAGES], default="ru")
    link = _url(errors, "url", url)
    title = _line(errors, "title", title) or one_line(getattr(upload, "name", "")) or link
    if not title:
        errors.add("title", _("Give the material a title."), "required")
    if session is not None and session.event_id != event.pk:
        errors.add("session", _("Choose a session of this event."), "invalid_choice")
    if upload is not None and link:
        errors.add("file", _("Attach a file or give a link, not both."), "file_and_link")
    elif upload is None and not link and "url" not in errors.errors:
        errors.add("file", _("Attach a file or give a link."), "file_or_link")
    elif kind == MaterialKind.RECORDING and upload is not None:
        errors.add("url", _("A recording is given by its link (the video is kept elsewhere)."), "recording_link")
    content_type = ""
    if upload is not None and not errors:
        try:
            content_type = validate_upload(upload, MATERIAL_EXTENSIONS)
        except ValidationError as exc:
            errors.merge(exc, field="file")
    if event.materials.count() >= MAX_MATERIALS:
        errors.add("file", _("At most %(n)s materials.") % {"n": MAX_MATERIALS}, "too_many")
    errors.raise_if_any()
    material = Material(
        event=event,
        session=session,
        kind=kind,
        title=title[:TITLE_MAX],
        url=link,
        language=language,
        uploaded_by=actor if actor_id(actor) else None,
        created_at=now,
    )
    if upload is not None:
        material.original_name = (upload.name or "")[:255]
        material.content_type = content_type
        material.size = upload.size or 0
        material.file.save(upload.name or "material", upload, save=False)
    material.save()
    audit_record(obj=event, action="material_add", actor=actor, data={"material": material.pk}, now=now)
    return material


@transaction.atomic
def material_remove(*, material: Material, actor: Any, now: datetime | None = None) -> None:
    now = now or timezone.now()
    event = material.event
    lock_row(event)
    require_perm(actor, "events.change_event", event)
    names = [material.file.name] if material.file else []
    pk, title = material.pk, material.title
    material.delete()
    _delete_files_on_commit(names)
    audit_record(obj=event, action="material_remove", actor=actor, data={"material": pk, "title": title}, now=now)


# --- registrations -----------------------------------------------------------------------------------------------


def _check_registration_open(event: Event, now: datetime) -> None:
    zone = event_zone(event.time_zone)
    if event.status == EventStatus.DRAFT:
        raise ValidationError(_("The event is not published yet."), code="not_published")
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("The event is cancelled."), code="event_cancelled")
    if now >= event.ends_at:
        raise ValidationError(_("The event is over: registration is no longer possible."), code="event_over")
    if event.registration_opens_at and now < event.registration_opens_at:
        raise ValidationError(
            _("Registration opens on %(date)s.") % {"date": _local(event.registration_opens_at, zone)},
            code="registration_not_open",
        )
    if now >= event.registration_closes():
        raise ValidationError(
            _("Registration closed on %(date)s.") % {"date": _local(event.registration_closes(), zone)},
            code="registration_closed",
        )


def _taken(event: Event) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()


@transaction.atomic
def registration_create(*, event: Event, actor: Any, now: datetime | None = None) -> Registration:
    """Register the actor: a seat while there are seats, else the next place on the waiting list. Refused for a
    draft or cancelled event, before registration opens, after it closes or after the event ends. Idempotent: a
    person already registered (or waiting) gets their registration back."""
    now = now or timezone.now()
    require_perm(actor, "events.register_event", event)
    lock_row(event)  # seats are counted under the event's lock: two people never both take the last seat
    existing = (
        Registration.objects.filter(event=event, user=actor, status__in=ACTIVE_REGISTRATION_STATUSES)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    _check_registration_open(event, now)
    if event.capacity is None or _taken(event) < event.capacity:
        registration = Registration.objects.create(
            event=event, user=actor, status=RegistrationStatus.REGISTERED, created_at=now
        )
    else:
        waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).count()
        registration = Registration.objects.create(
            event=event,
            user=actor,
            status=RegistrationStatus.WAITLISTED,
            waitlist_position=waiting + 1,
            created_at=now,
        )
    audit_record(
        obj=event,
        action="register" if registration.status == RegistrationStatus.REGISTERED else "waitlist",
        actor=actor,
        data={"registration": registration.pk, "position": registration.waitlist_position},
        now=now,
    )
    emit(RegistrationMade(registration_id=registration.pk, status=registration.status))
    return registration


def _promote(event: Event, now: datetime) -> list[Registration]:
    """Give free seats to the waiting list, first come first served, before the event starts (the caller holds
    the event's lock). Each person moved is told by e-mail."""
    if event.status != EventStatus.PUBLISHED or now >= event.starts_at:
        return []
    promoted: list[Registration] = []
    while event.capacity is None or _taken(event) < event.capacity:
        first = (
            Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED)
            .order_by("waitlist_position", "pk")
            .first()
        )
        if first is None:
            break
        first.status = RegistrationStatus.REGISTERED
        first.waitlist_position = None
        first.promoted_at = now
        first.save(update_fields=["status", "waitlist_position", "promoted_at"])
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).update(
            waitlist_position=F("waitlist_position") - 1
        )
        audit_record(obj=event, action="promote", data={"registration": first.pk}, now=now)
        emit(RegistrationPromoted(registration_id=first.pk))
        promoted.append(first)
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: Any, now: datetime | None = None) -> Registration:
    """Cancel a registration (its person, or those who run the event), until the event ends. A freed seat goes to
    the first person on the waiting list, who is told by e-mail; the places behind a cancelled waiting one move
    up. Cancelling twice changes nothing."""
    now = now or timezone.now()
    event = registration.event
    require_perm(actor, "events.cancel_registration", registration)
    lock_row(event)
    registration.refresh_from_db()
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    if now >= event.ends_at:
        raise ValidationError(_("The event is over: the registration stays as it is."), code="event_over")
    was, position = registration.status, registration.waitlist_position
    registration.status = RegistrationStatus.CANCELLED
    registration.waitlist_position = None
    registration.attended = False
    registration.cancelled_at = now
    registration.save(update_fields=["status", "waitlist_position", "attended", "cancelled_at"])
    if was == RegistrationStatus.WAITLISTED and position is not None:
        Registration.objects.filter(
            event=event, status=RegistrationStatus.WAITLISTED, waitlist_position__gt=position
        ).update(waitlist_position=F("waitlist_position") - 1)
    audit_record(
        obj=event,
        action="unregister",
        actor=actor,
        data={"registration": registration.pk, "was": was, "position": position},
        now=now,
    )
    if was == RegistrationStatus.REGISTERED:
        _promote(event, now)
    return registration


def registration_cancel_mine(*, event: Event, actor: Any, now: datetime | None = None) -> Registration:
    """Cancel the actor's own active registration for the event."""
    user_id = actor_id(actor)
    registration = (
        Registration.objects.filter(event=event, user_id=user_id, status__in=ACTIVE_REGISTRATION_STATUSES)
        .select_related("event")
        .first()
        if user_id is not None
        else None
    )
    if registration is None:
        raise ValidationError(_("You are not registered for this event."), code="not_registered")
    return registration_cancel(registration=registration, actor=actor, now=now)


@transaction.atomic
def attendance_mark(
    *,
    event: Event,
    actor: Any,
    present: Iterable[int | str],
    absent: Iterable[int | str] = (),
    now: datetime | None = None,
) -> int:
    """Mark registrations (by id) as attended (`present`) or not (`absent`), once the event has started. Only
    people with a seat are marked. Returns how many attended in all."""
    now = now or timezone.now()
    lock_row(event)
    require_perm(actor, "events.manage_registrations", event)
    if event.status != EventStatus.PUBLISHED or now < event.starts_at:
        raise ValidationError(_("Attendance is marked once the event has started."), code="not_started")
    try:
        present_ids = {int(pk) for pk in present}
        absent_ids = {int(pk) for pk in absent} - present_ids
    except (TypeError, ValueError):
        raise ValidationError(_("Unknown registration."), code="invalid")
    seated = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
    seated.filter(pk__in=present_ids).update(attended=True)
    seated.filter(pk__in=absent_ids).update(attended=False)
    count = seated.filter(attended=True).count()
    audit_record(obj=event, action="attendance", actor=actor, data={"attended": count}, now=now)
    return count
