"""The event dropdown of "Enter a resolution": platform staff are offered the events of the last two years and the
upcoming ones, newest first, plus the event already chosen (from `?event=<id>`, which the event's organisers' page
links to, or from the form sent); organisers keep their own events, however old."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from localbridge.events.models import Resolution
from localbridge.events.selectors.resolutions import events_for_resolution

from .events_factories import EventFactory, organizer_of
from .resolution_factories import SAMPLE_TEXT, make_resolution, staff_user
from .test_resolution_views import correction_data

pytestmark = pytest.mark.django_db


def _at(days: int, **fields):
    starts = timezone.now() + timedelta(days=days)
    return EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=3), **fields)


@pytest.fixture
def years():
    """An event of three years ago, one of last year, one of last month, one next week."""
    return {
        "old": _at(-3 * 365, title="Конференция 2023"),
        "last_year": _at(-365, title="Форум прошлого года"),
        "last_month": _at(-30, title="Семинар прошлого месяца"),
        "next_week": _at(7, title="Круглый стол"),
    }


def _offered(response) -> list[int]:
    return [event.pk for event in response.context["form"].fields["event"].queryset]


def test_staff_are_offered_recent_and_upcoming_events_newest_first(client, years):
    client.force_login(staff_user())
    response = client.get(reverse("events:resolution_enter"))
    assert _offered(response) == [years["next_week"].pk, years["last_month"].pk, years["last_year"].pk]


def test_an_older_event_is_offered_when_already_chosen(client, years):
    old = years["old"]
    client.force_login(staff_user())
    response = client.get(reverse("events:resolution_enter"), {"event": old.pk})
    assert old.pk in _offered(response) and response.context["form"].initial["event"] == old.pk
    assert f'<option value="{old.pk}" selected>' in response.content.decode()
    page = client.post(reverse("events:resolution_enter"), {"text": SAMPLE_TEXT, "event": old.pk})
    assert page.status_code == 200 and old.pk in _offered(page)
    response = client.post(reverse("events:resolution_correct"), correction_data(page.content.decode(), action="save"))
    assert response.status_code == 302 and Resolution.objects.get().event == old


def test_a_resolutions_old_event_stays_offered_on_its_edit_page(client, years):
    staff = staff_user()
    resolution = make_resolution(actor=staff, event=years["old"])
    client.force_login(staff)
    offered = _offered(client.get(reverse("events:resolution_edit", args=[resolution.pk])))
    assert offered[-1] == years["old"].pk and len(offered) == 4


def test_organisers_keep_all_their_events(years):
    chair = organizer_of(years["old"])
    assert list(events_for_resolution(chair, chosen=years["last_year"].pk)) == [years["old"]]


def test_the_organisers_page_links_to_entering_the_events_resolution(client, years):
    old = years["old"]
    client.force_login(staff_user())
    page = client.get(reverse("events:manage", args=[old.pk])).content.decode()
    assert f"{reverse('events:resolution_enter')}?event={old.pk}" in page
