from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from localbridge.participation.models import HearingProposal, HearingRegistration, HearingStatus

from .factories import HearingFactory, municipal_staff, resident

pytestmark = pytest.mark.django_db


def _hearing(**kwargs):
    now = timezone.now()
    defaults = {
        "starts_at": now + timedelta(days=25),
        "ends_at": now + timedelta(days=25, hours=2),
        "proposals_until": now + timedelta(days=20),
    }
    return HearingFactory(**{**defaults, **kwargs})


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_public_pages_and_the_ics(client):
    hearing = _hearing()
    draft = _hearing(status=HearingStatus.DRAFT, municipality=hearing.municipality)
    assert client.get(reverse("participation:hearing_list")).status_code == 200
    assert client.get(reverse("participation:hearing_detail", args=[hearing.pk])).status_code == 200
    assert client.get(reverse("participation:hearing_detail", args=[draft.pk])).status_code == 404
    response = client.get(reverse("participation:hearing_ics", args=[hearing.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")


def test_staff_pages_are_the_staffs(client):
    hearing = _hearing()
    client.force_login(resident(hearing.municipality))
    assert client.get(reverse("participation:hearing_create")).status_code == 403
    assert client.get(reverse("participation:hearing_manage", args=[hearing.pk])).status_code == 403
    assert (
        client.post(reverse("participation:hearing_move", args=[hearing.pk]), {"action": "cancel"}).status_code == 403
    )
    client.force_login(municipal_staff(hearing.municipality))
    assert client.get(reverse("participation:hearing_create")).status_code == 200
    assert client.get(reverse("participation:hearing_manage", args=[hearing.pk])).status_code == 200
    assert client.get(reverse("participation:hearing_edit", args=[hearing.pk])).status_code == 200


def test_staff_announce_a_hearing_through_the_form(client):
    municipality = _hearing().municipality
    client.force_login(municipal_staff(municipality))
    response = client.post(
        reverse("participation:hearing_create"),
        {
            "municipality": municipality.pk,
            "kind": "hearing",
            "subject": "Проект устава",
            "starts_at": "2030-03-01T18:00",
            "online_url": "https://meet.example/room",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("participation:hearing_create"), {"municipality": municipality.pk, "kind": "hearing"}
    )
    assert response.status_code == 400


def test_register_and_propose_through_the_page(client):
    hearing = _hearing()
    person = resident(hearing.municipality)
    client.force_login(person)
    register = reverse("participation:hearing_register", args=[hearing.pk])
    assert client.post(register, {"register": "1"}).status_code == 302
    assert client.post(register, {"register": "1"}).status_code == 302
    assert HearingRegistration.objects.filter(hearing=hearing, user=person).count() == 1
    propose = reverse("participation:hearing_propose", args=[hearing.pk])
    assert client.post(propose, {"text": ""}).status_code == 400
    assert client.post(propose, {"text": "Предложение"}).status_code == 302
    assert HearingProposal.objects.filter(hearing=hearing).count() == 1


def test_proposals_are_public_only_after_the_hearing(client):
    hearing = _hearing()
    HearingProposal.objects.create(hearing=hearing, author=resident(hearing.municipality), text="Секретное пока")
    url = reverse("participation:hearing_detail", args=[hearing.pk])
    assert "Секретное пока" not in client.get(url).content.decode()
    client.force_login(municipal_staff(hearing.municipality))
    assert "Секретное пока" in client.get(url).content.decode()
    client.logout()
    hearing.status, hearing.minutes, hearing.decision, hearing.attendance = HearingStatus.HELD, "Протокол", "Решение", 5
    hearing.save()
    page = client.get(url).content.decode()
    assert "Секретное пока" in page and "Протокол" in page


def test_held_without_minutes_is_refused_beside_the_fields(client):
    hearing = _hearing(starts_at=timezone.now() - timedelta(hours=3), ends_at=None, proposals_until=None)
    client.force_login(municipal_staff(hearing.municipality))
    response = client.post(reverse("participation:hearing_move", args=[hearing.pk]), {"action": "held"})
    assert response.status_code == 400
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.ANNOUNCED


def _with(hearing, n):
    for i in range(n):
        person = resident(hearing.municipality)
        HearingRegistration.objects.create(hearing=hearing, user=person)
        HearingProposal.objects.create(hearing=hearing, author=person, text=f"Предложение {i}")


@pytest.mark.parametrize("name", ["hearing_detail", "hearing_manage"])
def test_query_counts_do_not_grow_with_participants(client, name):
    small, large = _hearing(), _hearing()
    large.municipality = small.municipality
    large.save()
    _with(small, 2)
    _with(large, 20)
    client.force_login(municipal_staff(small.municipality))
    counts = [_queries(client, reverse(f"participation:{name}", args=[h.pk])) for h in (small, large)]
    assert counts[0] == counts[1]


def test_the_list_query_count_is_constant(client):
    for _ in range(2):
        _hearing()
    few = _queries(client, reverse("participation:hearing_list"))
    for _ in range(18):
        _hearing()
    assert _queries(client, reverse("participation:hearing_list")) == few
