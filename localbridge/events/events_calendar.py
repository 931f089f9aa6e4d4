"""Events as iCalendar (core/ical.py): one event's file (the page's download and the confirmation e-mail's
attachment) and the feed of the calendar's filters. The online link goes only to those who may join: a registered
person's file and the organisers'; the public file and the feed point to the event's page instead.

Every file carries the event's calendar revision (`Event.sequence` as SEQUENCE). The update and the cancellation
sent to a registered person are iTIP messages (METHOD:REQUEST, METHOD:CANCEL) naming the platform's address as
the organiser and the person as an attendee who needs not answer, so that calendar programs replace or remove
the copy they have."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse

from localbridge.core import ical

from .models import Event, EventStatus


def event_url(event: Event) -> str:
    """The event's page as an absolute address (for files and e-mails made outside a request)."""
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/") + reverse(
        "events:detail", args=[event.pk]
    )


def _location(event: Event, *, with_link: bool) -> str:
    parts = [event.venue, event.address]
    if event.municipality_id is not None and event.municipality is not None:
        name = event.municipality.name
        if not any(name in part for part in parts if part):
            parts.append(name)
    place = ", ".join(part for part in parts if part)
    if with_link and event.online_url:
        place = f"{place} · {event.online_url}" if place else event.online_url
    return place


def _organizer() -> tuple[str, str]:
    """(name, address) of the sender the platform's mail comes from: the organiser of the iTIP messages."""
    name, address = parseaddr(str(getattr(settings, "DEFAULT_FROM_EMAIL", "") or ""))
    return name or "LocalBridge", address or "noreply@localbridge.local"


def calendar_event(event: Event, *, url: str = "", with_link: bool = False, attendee: str = "") -> ical.CalendarEvent:
    """The event as a VEVENT. `with_link`: put the online link in (for a registered person or an organiser).
    `attendee`: the e-mail address of the person an update or a cancellation is sent to (with the organiser)."""
    url = url or event_url(event)
    description = event.description or ""
    if with_link and event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    if event.status == EventStatus.CANCELLED and event.cancellation_reason:
        description = f"{event.cancellation_reason}\n\n{description}".strip()
    description = f"{description}\n\n{url}".strip()
    geo = (float(event.latitude), float(event.longitude)) if event.has_point else None  # type: ignore[arg-type]
    return ical.CalendarEvent(
        uid=ical.uid("event", event.pk),
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        summary=event.title,
        location=_location(event, with_link=with_link),
        url=url,
        description=description,
        cancelled=event.status == EventStatus.CANCELLED,
        last_modified=event.updated_at,
        geo=geo,
        categories=(str(event.get_kind_display()),),
        sequence=event.sequence,
        organizer=_organizer()[1] if attendee else "",
        organizer_name=_organizer()[0] if attendee else "",
        attendees=(attendee,) if attendee else (),
    )


def event_ics(event: Event, *, url: str = "", with_link: bool = False, now: datetime | None = None) -> str:
    return ical.calendar([calendar_event(event, url=url, with_link=with_link)], now=now)


def event_update_ics(event: Event, *, attendee: str, with_link: bool = True, now: datetime | None = None) -> str:
    """The file sent to a registered person when the event changes (METHOD:REQUEST) or is cancelled
    (METHOD:CANCEL): the same UID with the event's new revision, the person as the attendee."""
    method = "CANCEL" if event.status == EventStatus.CANCELLED else "REQUEST"
    return ical.calendar([calendar_event(event, with_link=with_link, attendee=attendee)], now=now, method=method)


def feed_ics(events: Iterable[Event], *, name: str, url_of: object = None, now: datetime | None = None) -> str:
    """The feed of `events` (public files: no online links). `url_of(event)` gives each event's page."""
    maker = url_of if callable(url_of) else event_url
    return ical.calendar((calendar_event(e, url=maker(e)) for e in events), name=name, now=now)
