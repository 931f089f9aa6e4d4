import re
from datetime import UTC, datetime, timedelta

import pytest

from localbridge.participation.views_hearings import hearing_calendar

from .factories import NOW, HearingFactory

pytestmark = pytest.mark.django_db


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_a_hearing_as_an_icalendar_event():
    hearing = HearingFactory(
        starts_at=datetime(2026, 7, 1, 15, 0, tzinfo=UTC),
        ends_at=None,
        subject="Устав, изменения; 2026",
        description="Строка один\nСтрока два " + "длинный текст " * 20,
    )
    text = hearing_calendar(hearing, url="https://example.org/participation/hearings/1/", now=NOW)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    assert fields["UID"] == f"hearing-{hearing.pk}@127.0.0.1"
    assert fields["DTSTAMP"] == "20260601T090000Z"
    assert fields["DTSTART"] == "20260701T150000Z"
    assert fields["DTEND"] == "20260701T170000Z"  # two hours by default
    assert fields["SUMMARY"] == "публичные слушания: Устав\\, изменения\\; 2026"  # the kind in the interface language
    assert fields["LOCATION"] == "ул. Ленина\\, 1\\, актовый зал"
    assert fields["URL"] == "https://example.org/participation/hearings/1/"
    assert fields["DESCRIPTION"].startswith("Строка один\\nСтрока два")
    assert re.fullmatch(r"\d{8}T\d{6}Z", fields["LAST-MODIFIED"])


def test_the_uid_is_stable_and_an_online_hearing_has_its_link():
    hearing = HearingFactory(place="", online_url="https://meet.example/room")
    first = _unfold(hearing_calendar(hearing, now=NOW))
    second = _unfold(hearing_calendar(hearing, now=NOW + timedelta(days=1)))
    assert [line for line in first if line.startswith("UID")] == [line for line in second if line.startswith("UID")]
    assert "LOCATION:https://meet.example/room" in first
    assert "URL:https://meet.example/room" in first
