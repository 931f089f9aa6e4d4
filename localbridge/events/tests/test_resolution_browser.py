"""A resolution in headless Chromium, with an axe check on each page: an event's organiser pastes the text of a
resolution, corrects the proposed split (an addressee renamed, an item moved to another addressee, one removed)
and saves it; the addressee organisation's staff set an item done with a link as evidence; the resolution's page
shows the progress.

Elements are found by ids and names rather than by visible text, so that the test keeps passing when the Russian
translations arrive. Run by `./dev test` (pytest -m browser)."""

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import TEST_PASSWORD
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.events.models import ItemEvidence, Resolution, ResolutionItemStatus
from localbridge.events.tests.events_factories import EventFactory, organizer_of
from localbridge.organizations.models import MembershipRole

from .resolution_factories import SAMPLE_TEXT, acting_for, government

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, button: str) -> None:
    with page.expect_navigation():
        page.click(button)


def test_paste_correct_save_and_mark_an_item_done_with_evidence(live_server, new_page):
    base = live_server.url
    event = EventFactory(title="Семинар председателей ТОС")
    organiser_user = organizer_of(event)
    organization = government()
    staff = acting_for(organization, MembershipRole.STAFF)

    # The organiser pastes the text and asks for the split.
    organiser = new_page()
    browser_log_in(organiser, base, organiser_user.email, TEST_PASSWORD)
    organiser.goto(base + reverse("events:resolution_enter"))
    assert_accessible(organiser)
    organiser.fill("#id_text", SAMPLE_TEXT)
    organiser.select_option("#id_event", str(event.pk))
    submit(organiser, "#resolution-split")
    assert organiser.input_value("#s0-addressee") == "Правительству Амурской области"
    assert organiser.input_value("#s1-addressee") == "Средствам массовой информации"
    assert organiser.input_value("#id_adopted_on") == "2026-03-15"
    assert_accessible(organiser)

    # Corrections: the media's addressee renamed, the seminars moved to the media, a new item added there, shown
    # first with "Apply", then saved.
    organiser.fill("#s1-addressee", "Средствам массовой информации Амурской области")
    organiser.select_option("#s0-1-section", "2")
    organiser.fill("#s1-new", "Публиковать итоги конкурсов ТОС.")
    submit(organiser, "#resolution-apply")
    assert organiser.input_value("#s1-0-text") == "Освещать работу ТОС."
    assert organiser.input_value("#s1-1-text") == "Проводить ежегодные обучающие семинары."  # its number: 2
    assert organiser.input_value("#s1-2-text") == "Публиковать итоги конкурсов ТОС."
    organiser.fill("#id_title", "Резолюция семинара председателей ТОС")
    submit(organiser, "#resolution-save")
    resolution = Resolution.objects.get()
    assert organiser.url.endswith(reverse("events:resolution_detail", args=[resolution.pk]))
    assert resolution.event == event
    assert resolution.source_text.strip() == SAMPLE_TEXT.strip()  # kept verbatim through the correction page
    assert [(s.addressee, s.items.count()) for s in resolution.sections.order_by("position")] == [
        ("Правительству Амурской области", 1),
        ("Средствам массовой информации Амурской области", 3),
    ]
    assert_accessible(organiser)

    # The government's staff mark its item done with a link as evidence.
    item = resolution.items.get(section__position=1)
    assert list(item.addressees.all()) == [organization]
    person = new_page()
    browser_log_in(person, base, staff.email, TEST_PASSWORD)
    person.goto(base + reverse("events:resolution_detail", args=[resolution.pk]))
    with person.expect_navigation():
        person.click(f"#item-{item.pk} a[href$='/items/{item.pk}/']")
    assert_accessible(person)
    person.select_option("#id_status-status", "done")
    person.select_option("#id_status-evidence_kind", "url")
    person.fill("#id_status-evidence_target", "https://www.amurobl.ru/programma-tos")
    person.fill("#id_status-evidence_title", "Программа поддержки ТОС")
    submit(person, "#item-status-form button[type=submit]")
    item.refresh_from_db()
    assert item.status == ResolutionItemStatus.DONE
    assert ItemEvidence.objects.get(item=item).url == "https://www.amurobl.ru/programma-tos"
    assert person.locator("#evidence-list a[href='https://www.amurobl.ru/programma-tos']").count() == 1

    # The resolution's page shows the progress: 1 of 4 done, the government's section complete.
    person.goto(base + reverse("events:resolution_detail", args=[resolution.pk]))
    assert person.locator(f"#item-{item.pk}[data-status='done']").count() == 1
    assert person.locator("#addressee-1 progress").get_attribute("value") == "1"
    assert person.locator("#addressee-1 progress").get_attribute("max") == "1"
    assert_accessible(person)
