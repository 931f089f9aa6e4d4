"""Events in the JSON API: the calendar with its filters and the feed's address, one event (the online link only
for those registered), my registrations, registering (a seat, then the waiting list) and cancelling with a token;
errors in the API's one shape; constant queries for the list."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from localbridge.accounts import services as accounts
from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import EventFormat, EventKind, EventStatus, Registration, RegistrationStatus
from localbridge.events.services import events as services
from localbridge.practices.models import Topic
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

from .events_factories import EventFactory, RegistrationFactory, organizer_of, soon

pytestmark = pytest.mark.django_db
BASE = "/api/v1/events/"


def bearer(user):
    _token, secret = accounts.token_create(user=user, actor=user, name="app")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_calendar_with_filters_and_the_feed_address(client):
    amur = RegionFactory(code="RU-AMU")
    seminar = soon(municipality=MunicipalityFactory(region=amur), capacity=10)
    RegistrationFactory(event=seminar)
    smolensk = MunicipalityFactory(region=RegionFactory(code="RU-SMO", name_ru="Смоленская область"))
    forum = soon(municipality=smolensk, kind=EventKind.FORUM, format=EventFormat.ONLINE, online_url="https://x.example")
    forum.topics.add(Topic.objects.get(code="international"))
    soon(status=EventStatus.DRAFT)
    body = client.get(BASE).json()
    assert body["count"] == 2 and {i["id"] for i in body["items"]} == {seminar.pk, forum.pk}
    item = next(i for i in body["items"] if i["id"] == seminar.pk)
    assert item["region"] == {"code": "RU-AMU", "name": amur.name} and item["seats_left"] == 9
    assert item["organizations"][0]["role"] == "organizer"
    assert item["ics_url"].endswith(f"/events/{seminar.pk}/event.ics")
    assert [i["id"] for i in client.get(BASE, {"region": "RU-AMU"}).json()["items"]] == [seminar.pk]
    assert [i["id"] for i in client.get(BASE, {"topic": "international"}).json()["items"]] == [forum.pk]
    body = client.get(BASE, {"online": "true", "kind": "forum"}).json()
    assert [i["id"] for i in body["items"]] == [forum.pk]
    assert body["feed_url"].endswith("/events/feed.ics?kind=forum&online=online&when=upcoming")
    assert client.get(BASE, {"when": "past"}).json()["count"] == 0
    assert client.get(BASE, {"limit": 0}).status_code in (400, 422)


def test_the_list_reads_in_the_same_number_of_queries_as_events_grow(client):
    soon()
    with CaptureQueriesContext(connection) as few:
        client.get(BASE)
    for n in range(5):
        event = soon()
        event.topics.add(*Topic.objects.all()[: n + 1])
    with CaptureQueriesContext(connection) as many:
        assert client.get(BASE).json()["count"] == 6
    assert len(many) == len(few)


def test_one_event_with_its_programme_and_the_link_only_for_the_registered(client):
    event = soon(format=EventFormat.HYBRID, online_url="https://meet.example/room")
    chair = organizer_of(event)
    services.session_add(event=event, actor=chair, title="Открытие", starts_at=event.starts_at)
    services.material_add(event=event, actor=chair, title="Слайды", url="https://s.example/1")
    body = client.get(f"{BASE}{event.pk}").json()
    assert body["sessions"][0]["title"] == "Открытие" and body["materials"][0]["url"] == "https://s.example/1"
    assert body["online_url"] == "" and body["my_registration"] is None
    assert body["seats"] == {"capacity": None, "taken": 0, "left": None, "waiting": 0}
    person = UserFactory()
    services.registration_create(event=event, actor=person)
    body = client.get(f"{BASE}{event.pk}", **bearer(person)).json()
    assert body["online_url"] == "https://meet.example/room" and body["my_registration"]["status"] == "registered"
    draft = soon(status=EventStatus.DRAFT)
    assert client.get(f"{BASE}{draft.pk}").status_code == 404
    assert client.get(f"{BASE}{draft.pk}", **bearer(organizer_of(draft))).status_code == 200


def test_registering_then_the_waiting_list_then_cancelling_with_a_token(client):
    event = soon(capacity=1)
    first, second = UserFactory(), UserFactory()
    url = f"{BASE}{event.pk}/registration"
    assert client.post(url).status_code == 401
    body = client.post(url, **bearer(first)).json()
    assert body["status"] == "registered" and body["waitlist_position"] is None
    assert client.post(url, **bearer(first)).json()["id"] == body["id"]  # again: the same registration
    waiting = client.post(url, **bearer(second)).json()
    assert waiting["status"] == "waitlisted" and waiting["waitlist_position"] == 1
    mine = client.get(f"{BASE}registrations/mine", **bearer(second)).json()
    assert [(r["event"]["id"], r["status"]) for r in mine] == [(event.pk, "waitlisted")]
    cancelled = client.delete(url, **bearer(first)).json()
    assert cancelled["status"] == "cancelled"
    assert Registration.objects.get(user=second).status == RegistrationStatus.REGISTERED
    response = client.delete(url, **bearer(first))
    assert response.status_code == 400 and response.json()["code"] == "not_registered"
    assert client.get(f"{BASE}registrations/mine").status_code == 401


def test_registering_after_the_event_is_a_clear_error(client):
    event = EventFactory(starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=2))
    response = client.post(f"{BASE}{event.pk}/registration", **bearer(UserFactory()))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "event_over" and body["message"]
    assert not Registration.objects.exists()
