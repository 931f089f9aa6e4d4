"""An event in headless Chromium, each person in their own browser, with an axe check on the main pages: the chair
of an organisation creates a seminar (times typed in the city's zone), adds a session to its programme and
publishes it; a resident finds it on the calendar, registers, and downloads its iCalendar file, whose start is the
typed time in UTC. (The lead extends this journey with the resolution's steps.)

Elements are found by ids, names and form actions rather than by visible text, so that the test keeps passing
when the Russian translations arrive."""

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.events.models import Event, EventStatus, Registration, RegistrationStatus
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import MembershipFactory, OrganizationFactory
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, email: str) -> None:
    browser_log_in(page, base, email, TEST_PASSWORD)


def submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def test_an_organiser_creates_an_event_a_resident_registers_and_downloads_the_calendar_file(
    live_server, new_page, tmp_path
):
    base = live_server.url
    amur = RegionFactory(code="RU-AMU", name_ru="Амурская область", name_en="Amur Oblast")
    city = MunicipalityFactory(
        region=amur, country=amur.country, name_ru="Благовещенск", name_en="Blagoveshchensk", timezone="Asia/Yakutsk"
    )
    organization = OrganizationFactory(municipality=city, name="Ресурсный центр «Ориентир»")
    chair_user = UserFactory(full_name="Мария Организаторова")
    MembershipFactory(organization=organization, user=chair_user, role=MembershipRole.CHAIR)
    resident_user = UserFactory(full_name="Ольга Жителева")

    # The chair creates a seminar from "My events".
    chair = new_page()
    log_in(chair, base, chair_user.email)
    chair.goto(base + reverse("events:my"))
    with chair.expect_navigation():
        chair.click("#event-create")
    chair.select_option("#event-kind", "seminar")
    chair.select_option("#event-format", "in_person")
    chair.fill("#event-title", "Семинар для председателей ТОС")
    chair.fill("#event-starts_at", "2030-09-10T10:00")
    chair.fill("#event-ends_at", "2030-09-10T17:00")
    chair.select_option("#event-organizers", str(organization.pk))
    chair.select_option("#event-municipality", str(city.pk))
    chair.fill("#event-venue", "Дом культуры «Юбилейный»")
    chair.fill("#event-address", "ул. Ленина, 100")
    chair.fill("#event-latitude", "50.2575")
    chair.fill("#event-longitude", "127.534")
    chair.fill("#event-capacity", "20")
    assert_accessible(chair)
    submit(chair, "#event-form")
    event = Event.objects.get()
    assert chair.url.endswith(reverse("events:manage", args=[event.pk]))
    assert event.status == EventStatus.DRAFT and event.time_zone == "Asia/Yakutsk"

    # A session, then publication.
    chair.fill("#session-title", "Как подготовить проект на конкурс")
    chair.fill("#session-starts_at", "2030-09-10T10:30")
    chair.fill("#session-ends_at", "2030-09-10T12:00")
    chair.fill("#session-speakers", "Мария Организаторова")
    submit(chair, "#session-form")
    assert event.sessions.count() == 1
    assert_accessible(chair)
    submit(chair, "#publish-form")
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert chair.url.endswith(reverse("events:detail", args=[event.pk]))

    # A resident finds it on the calendar and registers.
    resident = new_page()
    log_in(resident, base, resident_user.email)
    resident.goto(base + reverse("events:calendar") + "?region=RU-AMU")
    assert resident.locator(f"li[data-event='{event.pk}']").count() == 1
    assert_accessible(resident)
    with resident.expect_navigation():
        resident.click(f"li[data-event='{event.pk}'] h2 a")
    assert resident.locator("#event-map").count() == 1
    submit(resident, "#register-form")
    assert resident.locator("#my-registration[data-status='registered']").count() == 1
    assert Registration.objects.get(user=resident_user).status == RegistrationStatus.REGISTERED
    assert_accessible(resident)

    # ... and downloads the iCalendar file.
    with resident.expect_download() as download_info:
        resident.click("#ics-link")
    download = download_info.value
    assert download.suggested_filename == f"event-{event.pk}.ics"
    path = tmp_path / "event.ics"
    download.save_as(path)
    text = path.read_bytes().decode("utf-8").replace("\r\n ", "")  # bytes: keep the CRLF line ends
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART:20300910T010000Z" in text  # 10:00 in Blagoveshchensk
    assert "SUMMARY:Семинар для председателей ТОС" in text
    assert f"UID:event-{event.pk}@" in text

    # "My events" lists the registration.
    resident.goto(base + reverse("events:my"))
    assert resident.locator(f"#my-registrations li[data-event='{event.pk}']").count() == 1
    assert_accessible(resident)
