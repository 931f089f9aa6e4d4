"""Events' pages through the test client: the calendar's filters and pagination, the event's page (registering,
the waiting list, cancelling, the link for those registered), "My events", and the organisers' pages (create,
edit, programme, materials, publish, cancel, registrations with attendance and the download); query counts that
stay the same as lists grow; who gets a 403 or a 404."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import (
    Event,
    EventFormat,
    EventKind,
    EventStatus,
    Material,
    Registration,
    RegistrationStatus,
    Session,
)
from localbridge.events.services import events as services
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import MembershipFactory, OrganizationFactory
from localbridge.practices.models import Topic
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

from .events_factories import EventFactory, RegistrationFactory, organizer_of, soon

pytestmark = pytest.mark.django_db


def _ids(response, key="events"):
    return [e.pk for e in response.context[key]]


# --- the calendar ------------------------------------------------------------------------------------------------


def test_the_calendar_filters_by_region_kind_topic_format_and_date(client):
    amur = RegionFactory(code="RU-AMU")
    smolensk = RegionFactory(code="RU-SMO", name_ru="Смоленская область")
    seminar = soon(municipality=MunicipalityFactory(region=amur))
    forum = soon(
        municipality=MunicipalityFactory(region=smolensk),
        kind=EventKind.FORUM,
        format=EventFormat.ONLINE,
        online_url="https://x.example",
    )
    forum.topics.add(Topic.objects.get(code="international"))
    past = EventFactory(
        municipality=MunicipalityFactory(region=amur),
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=2),
    )
    soon(status=EventStatus.DRAFT)
    url = reverse("events:calendar")
    response = client.get(url)
    assert response.status_code == 200 and set(_ids(response)) == {seminar.pk, forum.pk}
    assert _ids(client.get(url, {"region": "RU-AMU"})) == [seminar.pk]
    assert _ids(client.get(url, {"kind": "forum"})) == [forum.pk]
    assert _ids(client.get(url, {"topic": "international"})) == [forum.pk]
    assert _ids(client.get(url, {"online": "online"})) == [forum.pk]
    assert _ids(client.get(url, {"online": "in_person"})) == [seminar.pk]
    assert _ids(client.get(url, {"when": "past"})) == [past.pk]
    assert set(_ids(client.get(url, {"when": "all"}))) == {seminar.pk, forum.pk, past.pk}
    response = client.get(url, {"region": "RU-AMU", "kind": "seminar"})
    assert response.context["feed_url"].endswith("/events/feed.ics?region=RU-AMU&kind=seminar")
    assert "/events/feed.ics?region=RU-AMU&amp;kind=seminar" in response.content.decode()


def test_the_calendar_reads_in_the_same_number_of_queries_as_events_grow_and_is_paginated(client):
    soon()
    url = reverse("events:calendar")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(27):
        event = soon(capacity=10)
        event.topics.add(*Topic.objects.all()[: n % 3 + 1])
        RegistrationFactory(event=event)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["events"]) == 25 and response.context["page"].paginator.num_pages == 2
    assert len(many) == len(few)
    assert "9 seats left" in response.content.decode() or "Осталось" in response.content.decode()
    assert len(client.get(url, {"page": 2}).context["events"]) == 3


# --- an event's page ---------------------------------------------------------------------------------------------


def test_the_event_page_reads_in_the_same_number_of_queries_as_its_programme_grows(client):
    event = soon(capacity=5)
    chair = organizer_of(event)
    url = reverse("events:detail", args=[event.pk])
    client.force_login(chair)

    def grow(n):
        session = services.session_add(
            event=event, actor=chair, title=f"Доклад {n}", starts_at=event.starts_at + timedelta(minutes=30 * n)
        )
        session.speaker_users.add(UserFactory())
        services.material_add(event=event, actor=chair, title=f"Запись {n}", url="https://v.example", session=session)
        services.material_add(event=event, actor=chair, title=f"Слайды {n}", url="https://s.example")
        RegistrationFactory(event=event)
        event.topics.add(Topic.objects.all()[n])

    grow(0)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 5):
        grow(n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["sessions"]) == 5 and len(response.context["materials"]) == 5
    assert len(many) == len(few)


def test_registering_on_the_page_then_the_waiting_list_then_cancelling(client):
    event = soon(capacity=1, format=EventFormat.HYBRID, online_url="https://meet.example/room")
    url = reverse("events:detail", args=[event.pk])
    page = client.get(url).content.decode()
    assert 'id="register-form"' not in page and "meet.example" not in page  # the public: log in first
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    response = client.post(reverse("events:register", args=[event.pk]), follow=True)
    assert Registration.objects.get(user=first).status == RegistrationStatus.REGISTERED
    page = response.content.decode()
    assert 'id="my-registration" data-status="registered"' in page and "https://meet.example/room" in page
    client.force_login(second)
    response = client.post(reverse("events:register", args=[event.pk]), follow=True)
    assert Registration.objects.get(user=second).waitlist_position == 1
    assert 'data-status="waitlisted"' in response.content.decode()
    assert "meet.example" not in response.content.decode()
    client.force_login(first)
    client.post(reverse("events:unregister", args=[event.pk]))
    assert Registration.objects.get(user=second).status == RegistrationStatus.REGISTERED


def test_registering_after_the_event_says_why(client):
    event = EventFactory(starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1))
    client.force_login(UserFactory())
    response = client.post(reverse("events:register", args=[event.pk]), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages and not Registration.objects.exists()
    assert 'id="register-form"' not in response.content.decode()


def test_a_draft_is_not_found_by_the_public_and_its_pages_are_forbidden_to_others(client):
    draft = soon(status=EventStatus.DRAFT)
    assert client.get(reverse("events:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("events:ics", args=[draft.pk])).status_code == 404
    published = soon()
    client.force_login(UserFactory())
    for name in ("manage", "edit", "registrations"):
        assert client.get(reverse(f"events:{name}", args=[published.pk])).status_code == 403, name
    assert client.get(reverse("events:registrations_export", args=[published.pk, "csv"])).status_code == 403
    assert client.get(reverse("events:create")).status_code == 403


def test_my_events_lists_my_registrations_and_the_events_i_run(client):
    event = soon()
    mine = RegistrationFactory(event=event)
    RegistrationFactory(event=soon(), status=RegistrationStatus.CANCELLED, user=mine.user)
    client.force_login(mine.user)
    response = client.get(reverse("events:my"))
    assert [r.pk for r in response.context["upcoming"]] == [mine.pk] and response.context["running"] == []
    chair = organizer_of(event)
    client.force_login(chair)
    assert [e.pk for e in client.get(reverse("events:my")).context["running"]] == [event.pk]


# --- the organisers' pages ---------------------------------------------------------------------------------------


def test_an_organiser_creates_edits_programmes_and_publishes_an_event(client):
    organization = OrganizationFactory()
    chair = UserFactory()
    MembershipFactory(user=chair, organization=organization, role=MembershipRole.CHAIR)
    client.force_login(chair)
    data = {
        "kind": "round_table",
        "format": "in_person",
        "title": "Круглый стол о побратимстве",
        "starts_at": "2030-09-10T10:00",
        "ends_at": "2030-09-10T09:00",
        "time_zone": "",
        "organizers": [organization.pk],
        "municipality": organization.municipality_id,
        "venue": "",
        "capacity": "30",
    }
    response = client.post(reverse("events:create"), data)
    assert response.status_code == 400 and "ends_at" in response.context["form"].errors
    data["ends_at"] = "2030-09-10T17:00"
    response = client.post(reverse("events:create"), data)
    event = Event.objects.get()
    assert response.url == reverse("events:manage", args=[event.pk])
    assert event.starts_at.isoformat() == "2030-09-10T01:00:00+00:00"  # 10:00 in Yakutsk
    page = client.get(reverse("events:manage", args=[event.pk])).content.decode()
    assert 'id="publish-problems"' in page  # no venue yet
    edit = client.get(reverse("events:edit", args=[event.pk]))
    assert edit.context["form"].initial["starts_at"] == "2030-09-10T10:00"
    client.post(reverse("events:edit", args=[event.pk]), {**data, "venue": "Библиотека"})
    event.refresh_from_db()
    assert event.venue == "Библиотека" and event.capacity == 30
    session_url = reverse("events:session_add", args=[event.pk])
    response = client.post(session_url, {"title": "Вне события", "starts_at": "2030-09-11T10:00"})
    assert response.status_code == 400 and "starts_at" in response.context["session_form"].errors
    opening = {"title": "Открытие", "starts_at": "2030-09-10T10:00"}
    response = client.post(session_url, {**opening, "speaker_emails": "nobody@x.example"})
    assert "speaker_emails" in response.context["session_form"].errors
    client.post(session_url, {**opening, "speaker_emails": chair.email})
    session = Session.objects.get()
    assert list(session.speaker_users.all()) == [chair]
    assert client.get(reverse("events:session_edit", args=[event.pk, session.pk])).status_code == 200
    client.post(
        reverse("events:session_edit", args=[event.pk, session.pk]),
        {"title": "Открытие стола", "starts_at": "2030-09-10T10:00", "room": "Зал 1"},
    )
    session.refresh_from_db()
    assert (session.title, session.room) == ("Открытие стола", "Зал 1")
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    pdf.name = "programme.pdf"
    client.post(
        reverse("events:material_add", args=[event.pk]),
        {"title": "Программа", "kind": "document", "language": "ru", "file": pdf, "session": session.pk},
    )
    material = Material.objects.get()
    assert material.session == session
    response = client.post(reverse("events:publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED and response.url == reverse("events:detail", args=[event.pk])
    download = client.get(reverse("events:material", args=[event.pk, material.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.post(reverse("events:material_remove", args=[event.pk, material.pk]))
    client.post(reverse("events:session_remove", args=[event.pk, session.pk]))
    assert not Material.objects.exists() and not Session.objects.exists()


def test_cancelling_from_the_management_page_needs_a_reason(client):
    event = soon()
    client.force_login(organizer_of(event))
    response = client.post(reverse("events:cancel", args=[event.pk]), {"comment": ""})
    assert response.status_code == 400 and "comment" in response.context["cancel_form"].errors
    client.post(reverse("events:cancel", args=[event.pk]), {"comment": "Перенос на осень"})
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED


def test_registrations_attendance_and_the_download(client):
    starts = timezone.now() - timedelta(hours=1)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=5), capacity=2)
    people = [UserFactory(full_name=f"Участник {n}") for n in range(3)]
    registrations = [services.registration_create(event=event, actor=p) for p in people]
    chair = organizer_of(event)
    client.force_login(chair)
    url = reverse("events:registrations", args=[event.pk])
    response = client.get(url)
    assert [r.pk for r in response.context["registrations"]] == [r.pk for r in registrations]
    assert response.context["attendance_open"]
    client.post(
        reverse("events:attendance", args=[event.pk]),
        {"shown": [registrations[0].pk, registrations[1].pk], "present": [registrations[1].pk]},
    )
    assert list(Registration.objects.filter(attended=True)) == [registrations[1]]
    csv = client.get(reverse("events:registrations_export", args=[event.pk, "csv"]))
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Участник 1" in text and people[2].email in text and len(text.strip().splitlines()) == 4
    xlsx = client.get(reverse("events:registrations_export", args=[event.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[3][4] == 1  # the third person waits first in line
    assert client.get(reverse("events:registrations_export", args=[event.pk, "pdf"])).status_code == 404
    client.post(reverse("events:registration_cancel", args=[event.pk, registrations[0].pk]))
    assert Registration.objects.get(pk=registrations[0].pk).status == RegistrationStatus.CANCELLED


def test_the_registrations_page_reads_in_the_same_number_of_queries_as_people_register(client):
    event = soon()
    client.force_login(organizer_of(event))
    url = reverse("events:registrations", args=[event.pk])
    RegistrationFactory(event=event)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        RegistrationFactory(event=event)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["registrations"]) == 7
    assert len(many) == len(few)


def test_the_main_navigation_links_the_calendar(client):
    assert reverse("events:calendar") in client.get(reverse("events:calendar")).content.decode()
