"""The events demo: load_demo loads the five founding events — past, published, each findable by its resolution
file's stem, with the date and organisers the resolution names — and upcoming demo events marked "(демо)", one of
them full with someone on the waiting list; a second run adds nothing."""

import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from localbridge.events.demo import DEMO_EVENTS, FOUNDING_EVENTS, founding_event, load_events_demo
from localbridge.events.models import Event, EventStatus, OrganizerRole, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_the_founding_events_and_the_demo_events_and_a_second_run_adds_nothing():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo events:" in out.getvalue()
    resolutions = Path(settings.SHARED_DATA_DIR) / "resolutions"
    if resolutions.is_dir():  # the keys are the resolution files' stems
        assert set(FOUNDING_EVENTS) == {p.stem for p in resolutions.glob("*.txt")}
    for stem, spec in FOUNDING_EVENTS.items():
        event = founding_event(stem)
        assert event is not None, stem
        assert event.status == EventStatus.PUBLISHED and event.ends_at < timezone.now()
        local = event.starts_at.astimezone(ZoneInfo(event.time_zone))
        assert local.date().isoformat() == spec.date and local.hour == 10
        assert event.municipality.name_ru == spec.city
        links = event.organizer_links.all()
        organizers = [link.organization.name for link in links if link.role == OrganizerRole.ORGANIZER]
        assert organizers == list(spec.organizers)
        assert "(демо)" not in event.title
    amur = founding_event("2016-10-26-amur-tos-conference")
    assert amur.time_zone == "Asia/Yakutsk" and "ул. Ленина, 100" in amur.address
    assert amur.organizer_links.filter(role=OrganizerRole.PARTNER).count() == 3
    demos = Event.objects.filter(title__in=[spec.title for spec in DEMO_EVENTS])
    assert demos.count() == len(DEMO_EVENTS)
    assert all("(демо)" in e.title and e.starts_at > timezone.now() for e in demos)
    seminar = demos.get(capacity=3)
    statuses = sorted(seminar.registrations.values_list("status", flat=True))
    assert statuses == [RegistrationStatus.REGISTERED] * 3 + [RegistrationStatus.WAITLISTED]
    assert seminar.sessions.count() == 3 and seminar.materials.count() == 1

    before = Event.objects.count()
    summary = load_events_demo()
    assert summary.created == 0 and summary.found == len(FOUNDING_EVENTS) + len(DEMO_EVENTS)
    assert Event.objects.count() == before
