"""An iCalendar file (RFC 5545) for a hearing's announcement: one VEVENT in a VCALENDAR, times in UTC, text
escaped, lines folded at 75 octets without splitting a UTF-8 character, CRLF line ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Hearing, HearingStatus

PRODID = "-//LocalBridge//Participation//EN"
DEFAULT_DURATION = timedelta(hours=2)


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


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def hearing_uid(hearing: Hearing) -> str:
    host = getattr(settings, "SITE_URL", "").split("://")[-1].split("/")[0].split(":")[0] or "localbridge"
    return f"hearing-{hearing.pk}@{host}"


def hearing_ics(hearing: Hearing, *, url: str = "", now: datetime | None = None) -> str:
    """The announcement as an iCalendar text; `url` is the hearing's page (absolute)."""
    stamp = now or timezone.now()
    ends = hearing.ends_at or hearing.starts_at + DEFAULT_DURATION
    description = hearing.description or ""
    if hearing.online_url:
        description = f"{description}\n\n{hearing.online_url}".strip()
    if url:
        description = f"{description}\n\n{url}".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{hearing_uid(hearing)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(hearing.starts_at)}",
        f"DTEND:{_utc(ends)}",
        f"SUMMARY:{escape_text(f'{hearing.get_kind_display()}: {hearing.subject}')}",
    ]
    if hearing.place:
        lines.append(f"LOCATION:{escape_text(hearing.place)}")
    elif hearing.online_url:
        lines.append(f"LOCATION:{escape_text(hearing.online_url)}")
    if url or hearing.online_url:
        lines.append(f"URL:{url or hearing.online_url}")
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines.append(f"STATUS:{'CANCELLED' if hearing.status == HearingStatus.CANCELLED else 'CONFIRMED'}")
    if hearing.updated_at:
        lines.append(f"LAST-MODIFIED:{_utc(hearing.updated_at)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
