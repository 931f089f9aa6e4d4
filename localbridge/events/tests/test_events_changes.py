"""A published event's time, place, link or format changes, or the event is cancelled: everyone registered or
waiting is told by e-mail, after the commit, what changed (old → new, in the event's zone); people with a seat get
the updated .ics (the same UID, a higher SEQUENCE, METHOD:REQUEST; METHOD:CANCEL when cancelled). Changes that do
not matter to them (the description) and changes of a draft send nothing."""

from datetime import datetime

import pytest
from django.core import mail
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.events_calendar import event_ics
from localbridge.events.models import EventFormat, EventStatus, RegistrationStatus
from localbridge.events.services import events as services

from .events_factories import NOW, EventFactory, RegistrationFactory, organizer_of

pytestmark = pytest.mark.django_db


def _lines(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def _fields(text: str) -> dict[str, str]:
    """Each property by its name (parameters dropped: `ATTENDEE;PARTSTAT=…:mailto:x` → `ATTENDEE`)."""
    fields: dict[str, str] = {}
    for line in _lines(text):
        if ":" in line:
            name, value = line.split(":", 1)
            fields.setdefault(name.split(";", 1)[0], value)
    return fields


def _ics(message) -> dict[str, str]:
    (name, content, mimetype), *rest = message.attachments
    assert not rest and mimetype.startswith("text/calendar")
    return _fields(content)


@pytest.fixture
def full_event(django_capture_on_commit_callbacks):
    """A published seminar (18:00–21:00 on 20 June 2026 in Yakutsk) with two seats taken and one person waiting;
    the confirmations already sent."""
    event = EventFactory(capacity=2)
    people = [UserFactory(), UserFactory(), UserFactory()]
    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            services.registration_create(event=event, actor=person, now=NOW)
    confirmation = next(m for m in mail.outbox if m.to == [people[0].email])
    mail.outbox.clear()
    return event, people, _ics(confirmation)


def test_a_new_time_tells_everyone_with_the_updated_calendar_file(full_event, django_capture_on_commit_callbacks):
    event, (first, second, waiting), confirmation = full_event
    chair = organizer_of(event)
    assert confirmation["SEQUENCE"] == "0" and confirmation["DTSTART"] == "20260620T090000Z"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.event_update(
            event=event, actor=chair, starts_at=datetime(2026, 6, 21, 10, 0), ends_at=datetime(2026, 6, 21, 13, 0)
        )
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    event.refresh_from_db()
    assert event.sequence == 1
    by_person = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 3 and set(by_person) == {first.email, second.email, waiting.email}
    for person in (first, second):
        message = by_person[person.email]
        assert event.title in message.subject
        # old → new, in the event's time zone
        assert "20.06.2026 18:00–21:00 (Asia/Yakutsk)" in message.body
        assert "21.06.2026 10:00–13:00 (Asia/Yakutsk)" in message.body
        assert message.body.index("20.06.2026") < message.body.index("21.06.2026")
        ics = _ics(message)
        assert ics["METHOD"] == "REQUEST"
        assert ics["UID"] == confirmation["UID"]
        assert int(ics["SEQUENCE"]) > int(confirmation["SEQUENCE"])
        assert ics["DTSTART"] == "20260621T010000Z" and ics["DTEND"] == "20260621T040000Z"
        assert ics["ATTENDEE"] == f"mailto:{person.email}" and ics["ORGANIZER"].startswith("mailto:")
        assert ics["STATUS"] == "CONFIRMED"
    # The waiting person is told, without a calendar file (they have no seat, and had no file).
    assert not by_person[waiting.email].attachments
    assert "21.06.2026 10:00–13:00 (Asia/Yakutsk)" in by_person[waiting.email].body
    # Every file of the event now carries the new revision (the page's download, the feed).
    public = _fields(event_ics(event))
    assert public["SEQUENCE"] == "1" and public["METHOD"] == "PUBLISH"


def test_a_new_place_and_format_say_old_and_new(full_event, django_capture_on_commit_callbacks):
    event, (first, _second, _waiting), _confirmation = full_event
    chair = organizer_of(event)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            event=event,
            actor=chair,
            format=EventFormat.HYBRID,
            venue="Библиотека им. Пушкина",
            online_url="https://meet.example/new-room",
        )
    message = next(m for m in mail.outbox if m.to == [first.email])
    assert "Дом культуры, ул. Ленина, 100" in message.body and "Библиотека им. Пушкина, ул. Ленина, 100" in message.body
    assert str(EventFormat.IN_PERSON.label) in message.body and str(EventFormat.HYBRID.label) in message.body
    assert "https://meet.example/new-room" in message.body  # a seat: the link is theirs
    assert "https://meet.example/new-room" in _ics(message)["LOCATION"]
    assert _ics(message)["SEQUENCE"] == "1"  # one change, one revision


def test_a_new_link_is_sent_to_seated_people_only(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, format=EventFormat.ONLINE, venue="", address="", online_url="https://a.example")
    seated, waiting = UserFactory(), UserFactory()
    services.registration_create(event=event, actor=seated, now=NOW)
    services.registration_create(event=event, actor=waiting, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(event=event, actor=organizer_of(event), online_url="https://b.example/room")
    assert [m.to for m in mail.outbox] == [[seated.email]]
    assert "https://a.example" in mail.outbox[0].body and "https://b.example/room" in mail.outbox[0].body


def test_a_description_change_sends_nothing(full_event, django_capture_on_commit_callbacks):
    event, _people, _confirmation = full_event
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            event=event, actor=organizer_of(event), description="Исправлена опечатка.", title=event.title
        )
    event.refresh_from_db()
    assert mail.outbox == [] and event.sequence == 0


def test_the_same_values_again_send_nothing(full_event, django_capture_on_commit_callbacks):
    event, _people, _confirmation = full_event
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            event=event,
            actor=organizer_of(event),
            starts_at=datetime(2026, 6, 20, 18, 0),  # 18:00 in Yakutsk: the same moment
            time_zone="Asia/Yakutsk",
            venue=" Дом  культуры ",
        )
    event.refresh_from_db()
    assert mail.outbox == [] and event.sequence == 0


def test_a_draft_changes_silently(django_capture_on_commit_callbacks):
    event = EventFactory(status=EventStatus.DRAFT, published_at=None)
    RegistrationFactory(event=event)  # none can exist through the services; even so, nobody is told
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            event=event,
            actor=organizer_of(event),
            starts_at=datetime(2026, 6, 22, 10, 0),
            ends_at=datetime(2026, 6, 22, 12, 0),
            venue="Библиотека",
        )
    event.refresh_from_db()
    assert mail.outbox == [] and event.sequence == 0


def test_a_cancellation_removes_the_event_from_calendars(full_event, django_capture_on_commit_callbacks):
    event, (first, second, waiting), confirmation = full_event
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, actor=organizer_of(event), comment="Зал закрыт на ремонт.", now=NOW)
    event.refresh_from_db()
    assert event.sequence == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email, waiting.email])
    for message in mail.outbox:
        ics = _ics(message)
        assert ics["METHOD"] == "CANCEL" and ics["STATUS"] == "CANCELLED"
        assert ics["UID"] == confirmation["UID"] and int(ics["SEQUENCE"]) > int(confirmation["SEQUENCE"])
        assert ics["ATTENDEE"] == f"mailto:{message.to[0]}"


def test_the_organisers_form_sends_nothing_unless_something_that_matters_changed(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    chair = organizer_of(event)
    client.force_login(chair)
    url = reverse("events:edit", args=[event.pk])
    form = client.get(url).context["form"]
    assert 'id="event-change-notice"' in client.get(url).content.decode()
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "description": "Новое описание."})
    assert response.status_code == 302 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "ends_at": "2026-06-20T22:00"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[registration.user.email]]
    assert _ics(mail.outbox[0])["DTEND"] == "20260620T130000Z"
    assert registration.status == RegistrationStatus.REGISTERED
