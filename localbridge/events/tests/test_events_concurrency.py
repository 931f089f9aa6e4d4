"""Registrations under load (PostgreSQL only): many people take the last seats at once; exactly `capacity` of
them get a seat, the others wait in an unbroken list 1…n; cancellations racing registrations keep the seats full
and the list whole."""

import threading

import pytest
from django.db import connection

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import Registration, RegistrationStatus
from localbridge.events.services import events as services

from .events_factories import NOW, EventFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and parallel transactions need PostgreSQL (SQLite serialises writers with a file lock)",
    ),
]


def _run_threads(work, count):
    """Run work(index) in `count` threads released at once; re-raise the first unexpected error."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def target(index):
        try:
            barrier.wait()
            work(index)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]


def _state(event):
    rows = Registration.objects.filter(event=event)
    seated = rows.filter(status=RegistrationStatus.REGISTERED).count()
    positions = sorted(rows.filter(status=RegistrationStatus.WAITLISTED).values_list("waitlist_position", flat=True))
    return seated, positions


def test_two_people_taking_the_last_seat_at_once_do_not_both_get_it():
    event = EventFactory(capacity=3)
    for _ in range(2):
        services.registration_create(event=event, actor=UserFactory(), now=NOW)
    people = [UserFactory(), UserFactory()]
    _run_threads(lambda i: services.registration_create(event=event, actor=people[i], now=NOW), 2)
    assert _state(event) == (3, [1])


def test_many_people_at_once_fill_the_seats_exactly_and_queue_the_rest():
    event = EventFactory(capacity=5)
    people = [UserFactory() for _ in range(24)]

    def work(index):
        # Each person clicks twice, from two threads: still one registration each.
        for person in (people[index], people[(index + 1) % len(people)]):
            services.registration_create(event=event, actor=person, now=NOW)

    _run_threads(work, len(people))
    assert _state(event) == (5, list(range(1, 20)))
    assert Registration.objects.filter(event=event).values("user").distinct().count() == 24


def test_cancellations_racing_registrations_keep_the_seats_full_and_the_list_whole():
    event = EventFactory(capacity=4)
    seated = [UserFactory() for _ in range(4)]
    for person in seated:
        services.registration_create(event=event, actor=person, now=NOW)
    newcomers = [UserFactory() for _ in range(8)]

    def work(index):
        if index < 4:
            services.registration_cancel_mine(event=event, actor=seated[index], now=NOW)
        else:
            for person in newcomers[(index - 4) * 2 : (index - 4) * 2 + 2]:
                services.registration_create(event=event, actor=person, now=NOW)

    _run_threads(work, 8)
    assert _state(event) == (4, [1, 2, 3, 4])
