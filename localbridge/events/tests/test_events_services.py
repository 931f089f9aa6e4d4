"""The events services: creating, changing, publishing and cancelling an event (with the times typed in the
event's zone), its programme and materials; registering with capacity and a waiting list, cancelling (the first
waiting takes the freed seat and is told), attendance; the e-mails with the .ics."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.events.models import (
    EventFormat,
    EventKind,
    EventStatus,
    MaterialKind,
    OrganizerRole,
    Registration,
    RegistrationStatus,
)
from localbridge.events.services import events as services
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import MembershipFactory, OrganizationFactory
from localbridge.practices.models import Topic
from localbridge.territories.tests.factories import MunicipalityFactory

from .events_factories import NOW, START, EventFactory, organizer_of

pytestmark = pytest.mark.django_db


def _codes(exc_info) -> set[str]:
    return error_codes(exc_info.value)


def _chair_of(organization):
    user = UserFactory()
    MembershipFactory(user=user, organization=organization, role=MembershipRole.CHAIR)
    return user


def _draft_values(organization, **overrides):
    values = {
        "kind": EventKind.SEMINAR,
        "format": EventFormat.IN_PERSON,
        "title": "  Семинар   для председателей ТОС ",
        "starts_at": datetime(2026, 9, 10, 10, 0),  # typed: 10:00 where the event is
        "ends_at": datetime(2026, 9, 10, 17, 0),
        "venue": "Дом культуры",
        "municipality": organization.municipality,
        "organizers": [organization],
    }
    values.update(overrides)
    return values


# --- creating and changing ---------------------------------------------------------------------------------------


def test_a_chair_creates_a_draft_with_local_times_in_the_municipality_zone():
    organization = OrganizationFactory()
    chair = _chair_of(organization)
    topic = Topic.objects.get(code="education")
    event = services.event_create(actor=chair, now=NOW, topics=[topic], **_draft_values(organization))
    assert event.status == EventStatus.DRAFT and event.title == "Семинар для председателей ТОС"
    assert event.time_zone == "Asia/Yakutsk"  # the municipality's
    assert event.starts_at == datetime.fromisoformat("2026-09-10T01:00:00+00:00")  # 10:00 in Yakutsk
    assert event.region == organization.municipality.region
    assert list(event.topics.all()) == [topic]
    parts = [(link.organization, link.role) for link in event.organizer_links.all()]
    assert parts == [(organization, OrganizerRole.ORGANIZER)]
    assert event.created_by == chair
    assert [e.action for e in audit_history(obj=event)] == ["create"]


def test_an_explicit_zone_and_aware_times_are_kept():
    organization = OrganizationFactory()
    aware = datetime.fromisoformat("2026-09-10T10:00:00+03:00")
    event = services.event_create(
        actor=_chair_of(organization),
        **_draft_values(organization, time_zone="Europe/Moscow", starts_at=aware, ends_at=aware + timedelta(hours=2)),
    )
    assert event.time_zone == "Europe/Moscow" and event.starts_at == aware


def test_every_mistake_is_reported_at_once_and_nothing_is_saved():
    organization = OrganizationFactory()
    other_region_city = MunicipalityFactory(region__code="RU-SMO", region__name_ru="Смоленская область")
    with pytest.raises(ValidationError) as caught:
        services.event_create(
            actor=_chair_of(organization),
            **_draft_values(
                organization,
                title="",
                kind="picnic",
                ends_at=datetime(2026, 9, 9, 10, 0),
                time_zone="Mars/Olympus",
                capacity=0,
                latitude="50.1",
                online_url="ftp://example.org",
                region=organization.municipality.region,
                municipality=other_region_city,
            ),
        )
    assert _codes(caught) >= {
        "required",
        "invalid_choice",
        "ends_before_start",
        "invalid_time_zone",
        "invalid_capacity",
        "point_incomplete",
        "invalid_url",
        "region_mismatch",
    }
    assert not organization.event_links.exists()


def test_an_event_is_created_only_for_an_organisation_one_acts_for():
    mine, theirs = OrganizationFactory(), OrganizationFactory()
    chair = _chair_of(mine)
    with pytest.raises(ValidationError) as caught:
        services.event_create(actor=chair, **_draft_values(theirs))
    assert _codes(caught) == {"not_your_organisation"}
    # Naming the other as a co-organiser beside one's own is fine.
    event = services.event_create(actor=chair, **_draft_values(mine, organizers=[mine, theirs]))
    assert event.organizer_links.count() == 2
    member = UserFactory()
    MembershipFactory(user=member, organization=mine, role=MembershipRole.MEMBER)
    with pytest.raises(PermissionDenied):
        services.event_create(actor=member, **_draft_values(mine))


def test_an_organisation_is_an_organiser_or_a_partner_not_both():
    organization = OrganizationFactory()
    with pytest.raises(ValidationError) as caught:
        services.event_create(actor=_chair_of(organization), **_draft_values(organization, partners=[organization]))
    assert _codes(caught) == {"both_roles"}


def test_publishing_needs_a_venue_in_person_and_a_link_online():
    event = EventFactory(status=EventStatus.DRAFT, venue="", address="", format=EventFormat.HYBRID)
    chair = organizer_of(event)
    with pytest.raises(ValidationError) as caught:
        services.event_publish(event=event, actor=chair, now=NOW)
    assert _codes(caught) == {"venue_required", "online_url_required"}
    services.event_update(event=event, actor=chair, venue="Зал", online_url="https://meet.example/room", now=NOW)
    services.event_publish(event=event, actor=chair, now=NOW)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED and event.published_at == NOW
    # A published event stays complete.
    with pytest.raises(ValidationError) as caught:
        services.event_update(event=event, actor=chair, online_url="", now=NOW)
    assert _codes(caught) == {"online_url_required"}


def test_registration_closing_after_the_end_is_refused():
    event = EventFactory()
    with pytest.raises(ValidationError) as caught:
        services.event_update(
            event=event, actor=organizer_of(event), registration_closes_at=event.ends_at + timedelta(hours=1)
        )
    assert _codes(caught) == {"closes_after_end"}


def test_cancelling_needs_a_reason_and_tells_everyone_registered(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    chair = organizer_of(event)
    first, second = UserFactory(), UserFactory()
    services.registration_create(event=event, actor=first, now=NOW)
    services.registration_create(event=event, actor=second, now=NOW)
    with pytest.raises(ValidationError) as caught:
        services.event_cancel(event=event, actor=chair, comment=" ", now=NOW)
    assert _codes(caught) == {"comment_required"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, actor=chair, comment="Зал закрыт на ремонт.", now=NOW)
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED and event.cancellation_reason == "Зал закрыт на ремонт."
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    assert "Зал закрыт на ремонт." in mail.outbox[0].body
    name, content, _type = mail.outbox[0].attachments[0]
    assert name == f"event-{event.pk}.ics" and "STATUS:CANCELLED" in content
    with pytest.raises(ValidationError) as caught:
        services.event_update(event=event, actor=chair, title="Снова")
    assert _codes(caught) == {"event_cancelled"}


# --- registrations -----------------------------------------------------------------------------------------------


def test_seats_then_a_waiting_list_in_order():
    event = EventFactory(capacity=2)
    people = [UserFactory() for _ in range(4)]
    registrations = [services.registration_create(event=event, actor=p, now=NOW) for p in people]
    assert [r.status for r in registrations] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert [r.waitlist_position for r in registrations] == [None, None, 1, 2]
    # Registering again changes nothing.
    again = services.registration_create(event=event, actor=people[3], now=NOW)
    assert again.pk == registrations[3].pk and Registration.objects.filter(event=event).count() == 4


def test_registration_is_refused_after_the_event_and_outside_its_window():
    event = EventFactory(registration_opens_at=NOW + timedelta(days=1), registration_closes_at=START)
    person = UserFactory()
    with pytest.raises(ValidationError) as caught:
        services.registration_create(event=event, actor=person, now=NOW)
    assert _codes(caught) == {"registration_not_open"}
    assert "11.06.2026 18:00" in caught.value.messages[0]  # in the event's zone (Yakutsk)
    with pytest.raises(ValidationError) as caught:
        services.registration_create(event=event, actor=person, now=START + timedelta(minutes=1))
    assert _codes(caught) == {"registration_closed"}
    with pytest.raises(ValidationError) as caught:
        services.registration_create(event=event, actor=person, now=event.ends_at)
    assert _codes(caught) == {"event_over"}
    for status, code in ((EventStatus.DRAFT, "not_published"), (EventStatus.CANCELLED, "event_cancelled")):
        with pytest.raises(ValidationError) as caught:
            services.registration_create(event=EventFactory(status=status), actor=person, now=NOW)
        assert _codes(caught) == {code}
    assert not Registration.objects.exists()


def test_the_public_registers_only_when_signed_in():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.registration_create(event=EventFactory(), actor=AnonymousUser(), now=NOW)


def test_a_freed_seat_goes_to_the_first_waiting_who_is_told(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    seated, first, second = UserFactory(), UserFactory(), UserFactory()
    registration = services.registration_create(event=event, actor=seated, now=NOW)
    services.registration_create(event=event, actor=first, now=NOW)
    services.registration_create(event=event, actor=second, now=NOW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration, actor=seated, now=NOW)
    states = {r.user_id: (r.status, r.waitlist_position) for r in Registration.objects.filter(event=event)}
    assert states == {
        seated.pk: ("cancelled", None),
        first.pk: ("registered", None),
        second.pk: ("waitlisted", 1),
    }
    assert [m.to for m in mail.outbox] == [[first.email]]
    assert event.title in mail.outbox[0].subject
    assert "BEGIN:VEVENT" in mail.outbox[0].attachments[0][1]
    assert [e.action for e in audit_history(obj=event)][-2:] == ["unregister", "promote"]


def test_leaving_the_waiting_list_moves_those_behind_up_and_one_may_register_again():
    event = EventFactory(capacity=1)
    people = [UserFactory() for _ in range(4)]
    registrations = [services.registration_create(event=event, actor=p, now=NOW) for p in people]
    services.registration_cancel_mine(event=event, actor=people[1], now=NOW)
    positions = dict(
        Registration.objects.filter(event=event, status="waitlisted").values_list("user", "waitlist_position")
    )
    assert positions == {people[2].pk: 1, people[3].pk: 2}
    again = services.registration_create(event=event, actor=people[1], now=NOW)
    assert again.pk != registrations[1].pk and again.waitlist_position == 3
    with pytest.raises(ValidationError) as caught:
        services.registration_cancel_mine(event=event, actor=UserFactory(), now=NOW)
    assert _codes(caught) == {"not_registered"}


def test_no_one_is_moved_up_once_the_event_has_started_and_nothing_is_cancelled_after_it():
    event = EventFactory(capacity=1)
    seated, waiting = UserFactory(), UserFactory()
    registration = services.registration_create(event=event, actor=seated, now=NOW)
    services.registration_create(event=event, actor=waiting, now=NOW)
    services.registration_cancel(registration=registration, actor=seated, now=START + timedelta(minutes=5))
    assert Registration.objects.get(user=waiting).status == RegistrationStatus.WAITLISTED
    with pytest.raises(ValidationError) as caught:
        services.registration_cancel_mine(event=event, actor=waiting, now=event.ends_at)
    assert _codes(caught) == {"event_over"}


def test_someone_else_cannot_cancel_a_registration_but_the_organiser_can():
    event = EventFactory()
    registration = services.registration_create(event=event, actor=UserFactory(), now=NOW)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=registration, actor=UserFactory(), now=NOW)
    services.registration_cancel(registration=registration, actor=organizer_of(event), now=NOW)
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CANCELLED


def test_more_seats_move_the_waiting_list_up(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    people = [UserFactory() for _ in range(4)]
    for person in people:
        services.registration_create(event=event, actor=person, now=NOW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(event=event, actor=organizer_of(event), capacity=3, now=NOW)
    statuses = list(Registration.objects.filter(event=event).order_by("pk").values_list("status", "waitlist_position"))
    assert statuses == [("registered", None), ("registered", None), ("registered", None), ("waitlisted", 1)]
    assert len(mail.outbox) == 2


def test_the_confirmation_carries_the_calendar_file_with_the_link_and_the_waiting_list_says_the_place(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1, format=EventFormat.HYBRID, online_url="https://meet.example/room-7")
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event=event, actor=first, now=NOW)
        services.registration_create(event=event, actor=second, now=NOW)
    confirmation, waiting = mail.outbox
    assert confirmation.to == [first.email]
    assert "20.06.2026 18:00–21:00 (Asia/Yakutsk)" in confirmation.body
    assert "https://meet.example/room-7" in confirmation.body
    name, content, content_type = confirmation.attachments[0]
    assert (name, content_type) == (f"event-{event.pk}.ics", "text/calendar")
    assert "DTSTART:20260620T090000Z" in content and "meet.example/room-7" in content.replace("\r\n ", "")
    assert waiting.to == [second.email] and not waiting.attachments
    assert "1" in waiting.body and "meet.example" not in waiting.body


def test_attendance_is_marked_from_the_start_for_seated_people_only():
    event = EventFactory(capacity=1)
    chair = organizer_of(event)
    seated = services.registration_create(event=event, actor=UserFactory(), now=NOW)
    waiting = services.registration_create(event=event, actor=UserFactory(), now=NOW)
    with pytest.raises(ValidationError) as caught:
        services.attendance_mark(event=event, actor=chair, present=[seated.pk], now=NOW)
    assert _codes(caught) == {"not_started"}
    count = services.attendance_mark(
        event=event, actor=chair, present=[seated.pk, waiting.pk], now=START + timedelta(hours=1)
    )
    assert count == 1
    assert list(Registration.objects.filter(attended=True)) == [seated]
    assert services.attendance_mark(event=event, actor=chair, present=[], absent=[seated.pk], now=START) == 0
    with pytest.raises(PermissionDenied):
        services.attendance_mark(event=event, actor=UserFactory(), present=[], now=START)


# --- programme and materials -------------------------------------------------------------------------------------


def test_sessions_take_place_during_the_event():
    event = EventFactory()
    chair = organizer_of(event)
    speaker = UserFactory()
    session = services.session_add(
        event=event,
        actor=chair,
        title="Открытие",
        starts_at=datetime(2026, 6, 20, 18, 0),  # 18:00 in Yakutsk: the event's start
        ends_at=datetime(2026, 6, 20, 18, 30),
        speakers="Иванова А. П., председатель ТОС",
        speaker_users=[speaker],
        now=NOW,
    )
    assert session.starts_at == START and list(session.speaker_users.all()) == [speaker]
    with pytest.raises(ValidationError) as caught:
        services.session_add(event=event, actor=chair, title="Поздно", starts_at=datetime(2026, 6, 21, 10, 0))
    assert _codes(caught) == {"outside_event"}
    services.session_update(session=session, actor=chair, room="Зал 2")
    session.refresh_from_db()
    assert session.room == "Зал 2" and session.title == "Открытие"
    services.session_remove(session=session, actor=chair)
    assert not event.sessions.exists()


def test_a_material_is_a_checked_file_or_a_link():
    event = EventFactory()
    chair = organizer_of(event)
    pdf = SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n", "application/pdf")
    material = services.material_add(event=event, actor=chair, title="", kind=MaterialKind.PRESENTATION, upload=pdf)
    assert material.title == "slides.pdf" and material.content_type == "application/pdf" and material.file
    link = services.material_add(
        event=event, actor=chair, title="Запись", kind=MaterialKind.RECORDING, url="https://video.example/1"
    )
    assert link.url and not link.file
    fake = SimpleUploadedFile("slides.pdf", b"not a pdf at all", "application/pdf")
    cases = [
        ({"upload": fake}, "file_content"),
        ({}, "file_or_link"),
        ({"upload": SimpleUploadedFile("a.pdf", pdf.open().read()), "url": "https://x.example"}, "file_and_link"),
        (
            {"kind": MaterialKind.RECORDING, "upload": SimpleUploadedFile("b.pdf", b"%PDF-1.4\n%%EOF\n")},
            "recording_link",
        ),
        ({"upload": SimpleUploadedFile("run.exe", b"MZ\x90\x00")}, "file_type"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ValidationError) as caught:
            services.material_add(event=event, actor=chair, title="X", **kwargs)
        assert code in _codes(caught), kwargs
    services.material_remove(material=material, actor=chair)
    assert list(event.materials.all()) == [link]
