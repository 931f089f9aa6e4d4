"""The shared iCalendar writer (core/ical.py): escaping, folding, one event and a feed of many."""

from datetime import UTC, datetime, timedelta

from localbridge.core.ical import CalendarEvent, calendar, escape_text, fold, uid

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_text_escaping():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_folding_keeps_lines_within_75_octets_and_utf8_whole():
    line = "DESCRIPTION:" + "Проект бюджета; " * 30
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_a_calendar_of_two_events_with_every_property(settings):
    settings.SITE_URL = "https://localbridge.example:8443/"
    first = CalendarEvent(
        uid=uid("event", 7),
        starts_at=datetime(2026, 9, 10, 1, 0, tzinfo=UTC),
        ends_at=datetime(2026, 9, 10, 9, 0, tzinfo=UTC),
        summary="Семинар, часть 1",
        location="Благовещенск; ул. Ленина, 100",
        url="https://localbridge.example/events/7/",
        description="Строка\nещё строка",
        geo=(50.2574, 127.535),
        categories=("семинар",),
        last_modified=NOW,
    )
    second = CalendarEvent(
        uid=uid("event", 8), starts_at=datetime(2026, 9, 11, 1, 0, tzinfo=UTC), summary="Б", cancelled=True
    )
    text = calendar([first, second], name="События", now=NOW)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = _unfold(text)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//LocalBridge//LocalBridge//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    assert "X-WR-CALNAME:События" in lines
    assert lines.count("BEGIN:VEVENT") == 2 and lines[-2] == "END:VCALENDAR"
    assert "UID:event-7@localbridge.example" in lines
    assert "DTSTART:20260910T010000Z" in lines and "DTEND:20260910T090000Z" in lines
    assert "LOCATION:Благовещенск\\; ул. Ленина\\, 100" in lines
    assert "GEO:50.257400;127.535000" in lines
    assert "CATEGORIES:семинар" in lines
    assert "DESCRIPTION:Строка\\nещё строка" in lines
    assert "LAST-MODIFIED:20260601T090000Z" in lines
    assert lines.count("STATUS:CONFIRMED") == 1 and lines.count("STATUS:CANCELLED") == 1
    # Without an end, two hours after the start.
    assert "DTEND:20260911T030000Z" in lines
    assert (datetime(2026, 9, 11, 3, 0, tzinfo=UTC) - second.starts_at) == timedelta(hours=2)


def test_an_empty_feed_is_a_valid_calendar():
    assert _unfold(calendar([], now=NOW))[-2:] == ["END:VCALENDAR", ""]
