"""Roadmaps in headless Chromium, with an axe check on each page: a party's staff start a roadmap from the agreement's
page, add an action with the sides responsible for it (one late already), record the outcome of another, and find
the late one on the late actions page.

Elements are found by ids, names, data- attributes and URLs rather than by visible text. Run by `./dev test`
(pytest -m browser, with DJANGO_ALLOW_ASYNC_UNSAFE=true for the live server)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import TEST_PASSWORD
from localbridge.cooperation.models import ActionStatus, Roadmap, RoadmapAction
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

from .factories import municipal_staff, signed_agreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def test_a_roadmap_is_started_its_actions_planned_and_the_late_one_shown(live_server, new_page):
    base = live_server.url
    home = MunicipalityFactory(name_ru="Волгоград", name_en="Volgograd", timezone="Europe/Volgograd")
    coventry = MunicipalityFactory(
        country=CountryFactory(code="GB", code3="GBR", name_ru="Великобритания", name_en="United Kingdom"),
        region=None,
        name_ru="Ковентри",
        name_en="Coventry",
        timezone="Europe/London",
    )
    staff = municipal_staff(home)
    agreement = signed_agreement(staff, home, coventry, title="Побратимство Волгограда и Ковентри")
    today = timezone.localdate()

    page = new_page()
    browser_log_in(page, base, staff.email, TEST_PASSWORD)

    # From the agreement's page, a new roadmap.
    page.goto(base + reverse("cooperation:agreement", args=[agreement.pk]))
    with page.expect_navigation():
        page.click("#roadmap-create")
    assert_accessible(page)
    page.fill("#id_title", "Дорожная карта на 2025–2026 годы")
    submit(page, "#roadmap-form")
    roadmap = Roadmap.objects.get()
    assert page.url.endswith(reverse("cooperation:roadmap", args=[roadmap.pk]))
    assert_accessible(page)

    # Without a responsible side the action is refused, the error above the sides; then with both parties.
    with page.expect_navigation():
        page.click("#action-add")
    page.fill("#id_title", "Обмен делегациями молодёжи")
    page.fill("#id_due_on", (today - timedelta(days=3)).isoformat())
    submit(page, "#action-form")
    assert page.locator("#sides-errors").count() == 1
    assert_accessible(page)
    page.check("#id_party_0")
    page.fill("#id_party_0_person", "Комитет по молодёжной политике")
    page.check("#id_party_1")
    page.fill("#id_party_1_person", "Youth Council")
    submit(page, "#action-form")
    late = RoadmapAction.objects.get()
    assert page.locator(f"#action-{late.pk}[data-late=true]").count() == 1

    # A second action, done with its outcome.
    with page.expect_navigation():
        page.click("#action-add")
    page.fill("#id_title", "Выставка «Город дружбы»")
    page.fill("#id_due_on", (today + timedelta(days=30)).isoformat())
    page.check("#id_party_1")
    submit(page, "#action-form")
    done = RoadmapAction.objects.exclude(pk=late.pk).get()
    with page.expect_navigation():
        page.click(f"a[href='{reverse('cooperation:action_status', args=[roadmap.pk, done.pk])}']")
    assert_accessible(page)
    page.select_option("#id_status", "done")
    page.fill("#id_outcome", "Выставку посетили 3 000 человек")
    submit(page, "#action-sub-form")
    done.refresh_from_db()
    assert done.status == ActionStatus.DONE
    assert page.locator(f"#action-{done.pk}[data-status=done]").count() == 1
    assert_accessible(page)

    # The late one on the late actions page.
    page.goto(base + reverse("cooperation:roadmap_late"))
    assert page.locator(f"[data-action='{late.pk}']").count() == 1
    assert page.locator(f"[data-action='{done.pk}']").count() == 0
    assert_accessible(page)
