"""Events as iCalendar: an event's file (times in UTC from the local times typed, the place, the map point, the
online link only for those registered and the organisers) and the feed of the calendar's filters."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.events_calendar import event_ics
from localbridge.events.models import EventFormat, EventKind, EventStatus
from localbridge.events.services import events as services
from localbridge.practices.models import Topic
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

from .events_factories import NOW, EventFactory, soon

pytestmark = pytest.mark.django_db


def _lines(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def _fields(text: str) -> dict[str, str]:
    return dict(line.split(":", 1) for line in _lines(text) if ":" in line)


def test_an_event_as_an_icalendar_file(settings):
    settings.SITE_URL = "https://localbridge.example"
    event = EventFactory(
        title="Семинар: бюджет, сметы; отчёты",
        latitude=Decimal("50.257500"),
        longitude=Decimal("127.534000"),
        format=EventFormat.HYBRID,
        online_url="https://meet.example/room",
        description="Первая строка\nВторая строка",
    )
    public = _fields(event_ics(event, now=NOW))
    assert public["UID"] == f"event-{event.pk}@localbridge.example"
    assert public["DTSTART"] == "20260620T090000Z" and public["DTEND"] == "20260620T120000Z"
    assert public["SUMMARY"] == "Семинар: бюджет\\, сметы\\; отчёты"
    assert public["LOCATION"].startswith("Дом культуры\\, ул. Ленина\\, 100\\, ")
    assert public["GEO"] == "50.257500;127.534000"
    assert public["URL"] == f"https://localbridge.example/events/{event.pk}/"
    assert public["CATEGORIES"] == str(event.get_kind_display())  # in the interface language
    assert public["STATUS"] == "CONFIRMED"
    assert public["DESCRIPTION"].startswith("Первая строка\\nВторая строка")
    assert "meet.example" not in event_ics(event, now=NOW).replace("\r\n ", "")
    assert "https://meet.example/room" in _fields(event_ics(event, with_link=True, now=NOW))["LOCATION"]


def test_the_download_has_the_link_only_for_a_registered_person(client):
    event = EventFactory(format=EventFormat.ONLINE, online_url="https://meet.example/secret", venue="", address="")
    url = reverse("events:ics", args=[event.pk])
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    assert "secret" not in response.content.decode()
    person = UserFactory()
    services.registration_create(event=event, actor=person, now=NOW)
    client.force_login(person)
    assert "meet.example/secret" in client.get(url).content.decode().replace("\r\n ", "")


def _feed(client, query=""):
    response = client.get(reverse("events:feed") + query)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    uids = [line for line in _lines(response.content.decode()) if line.startswith("UID:")]
    return [uid.split("@")[0].removeprefix("UID:event-") for uid in uids]


def test_the_feed_follows_the_calendar_filters(client, settings):
    amur = RegionFactory(code="RU-AMU")
    smolensk = RegionFactory(code="RU-SMO", name_ru="Смоленская область")
    blag = MunicipalityFactory(region=amur)
    smol = MunicipalityFactory(region=smolensk, timezone="Europe/Moscow")
    seminar = soon(municipality=blag, kind=EventKind.SEMINAR)
    forum = soon(municipality=smol, kind=EventKind.FORUM, format=EventFormat.ONLINE, online_url="https://x.example")
    forum.topics.add(Topic.objects.get(code="international"))
    cancelled = soon(municipality=blag, status=EventStatus.CANCELLED)
    soon(municipality=blag, status=EventStatus.DRAFT)  # never in a feed
    long_ago = EventFactory(municipality=blag, starts_at=timezone.now() - timedelta(days=400))
    every = {str(e.pk) for e in (seminar, forum, cancelled)}
    assert set(_feed(client)) == every  # upcoming and recent, not the draft nor the one long ago
    assert set(_feed(client, "?region=RU-AMU")) == {str(seminar.pk), str(cancelled.pk)}
    assert _feed(client, "?kind=forum") == [str(forum.pk)]
    assert _feed(client, "?topic=international") == [str(forum.pk)]
    assert _feed(client, "?online=online") == [str(forum.pk)]
    assert set(_feed(client, "?online=in_person&region=RU-AMU&kind=seminar")) == {str(seminar.pk), str(cancelled.pk)}
    assert str(long_ago.pk) in _feed(client, "?when=all")
    assert set(_feed(client, "?region=XX-NOPE")) == every  # an unknown value is not applied
    text = client.get(reverse("events:feed")).content.decode()
    assert "X-WR-CALNAME:" in text and "STATUS:CANCELLED" in text
    assert "x.example" not in text  # no online link in a public feed
