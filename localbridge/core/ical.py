"""iCalendar files (RFC 5545) for any module: one or many VEVENTs in a VCALENDAR, times in UTC, text escaped,
lines folded at 75 octets without splitting a UTF-8 character, CRLF line ends.

A module turns its object into a `CalendarEvent` (participation's hearings, events' seminars and conferences) and
calls `calendar()`; the same code writes a single event's file and a subscription feed of many. Written here
rather than with a library: the subset the platform needs is small, and the tests pin every line of it.

A file is published (`METHOD:PUBLISH`) unless told otherwise: an update sent to the people registered is a
`REQUEST` and a cancellation a `CANCEL` (RFC 5546), each with the same UID, a higher `SEQUENCE`, the `ORGANIZER`
and the person as `ATTENDEE`, so that their calendar program replaces (or removes) the copy it has."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

PRODID = "-//LocalBridge//LocalBridge//EN"
DEFAULT_DURATION = timedelta(hours=2)
CONTENT_TYPE = "text/calendar; charset=utf-8"
METHODS = ("PUBLISH", "REQUEST", "CANCEL")


@dataclass(frozen=True)
class CalendarEvent:
    """What a VEVENT says. `ends_at` None: DEFAULT_DURATION after the start. `geo`: (latitude, longitude)."""

    uid: str
    starts_at: datetime
    summary: str
    ends_at: datetime | None = None
    location: str = ""
    url: str = ""
    description: str = ""
    cancelled: bool = False
    last_modified: datetime | None = None
    geo: tuple[float, float] | None = None
    categories: tuple[str, ...] = ()
    # The revision (RFC 5545 SEQUENCE): raised by every change that matters to attendees; None writes none.
    sequence: int | None = None
    # An iTIP message (REQUEST, CANCEL) names its organiser (an e-mail address, and a name) and the attendees.
    organizer: str = ""
    organizer_name: str = ""
    attendees: tuple[str, ...] = ()


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, and newlines as \\n."""
    value = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (continuations start with a space, §3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces: list[str] = []
    limit = 75
    start = 0
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # do not cut inside a UTF-8 sequence
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start = end
        limit = 74  # the leading space of a continuation counts
    return "\r\n ".join(pieces)


def utc_stamp(value: datetime) -> str:
    """A DATE-TIME in UTC form (…Z)."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _param(value: str) -> str:
    """A parameter value (§3.2), always quoted: double quotes and control characters cannot appear in it."""
    return '"' + "".join(c for c in str(value) if c != '"' and c >= " ") + '"'


def uid(kind: str, pk: object) -> str:
    """A stable UID: `<kind>-<pk>@<the site's host>`, the same in every file and feed the object appears in."""
    host = getattr(settings, "SITE_URL", "").split("://")[-1].split("/")[0].split(":")[0] or "localbridge"
    return f"{kind}-{pk}@{host}"


def _vevent(event: CalendarEvent, stamp: datetime) -> list[str]:
    ends = event.ends_at or event.starts_at + DEFAULT_DURATION
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{utc_stamp(stamp)}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(ends)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.geo is not None:
        lines.append(f"GEO:{event.geo[0]:.6f};{event.geo[1]:.6f}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    if event.last_modified:
        lines.append(f"LAST-MODIFIED:{utc_stamp(event.last_modified)}")
    if event.sequence is not None:
        lines.append(f"SEQUENCE:{int(event.sequence)}")
    if event.organizer:
        name = f";CN={_param(event.organizer_name)}" if event.organizer_name else ""
        lines.append(f"ORGANIZER{name}:mailto:{event.organizer}")
    for attendee in event.attendees:
        lines.append(f"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{attendee}")
    lines.append("END:VEVENT")
    return lines


def calendar(
    events: Iterable[CalendarEvent],
    *,
    name: str = "",
    now: datetime | None = None,
    prodid: str = PRODID,
    method: str = "PUBLISH",
) -> str:
    """A VCALENDAR with the events (none is fine: an empty feed). `name` titles a subscribed calendar; `method`
    is PUBLISH (a file, a feed), REQUEST (an update sent to attendees) or CANCEL."""
    if method not in METHODS:
        raise ValueError(f"Unknown iCalendar method: {method!r}")
    stamp = now or timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN", f"METHOD:{method}"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event in events:
        lines += _vevent(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
