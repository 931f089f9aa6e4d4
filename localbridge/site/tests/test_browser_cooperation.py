"""Cooperation in headless Chromium, with an axe check on each page: a municipality's staff open the partner
finder for their municipality and see suggestions with their reasons, create a twinning agreement with a partner
abroad, send it for approval, record the signing and then the registration.

Elements are found by ids, names, data- attributes and form actions rather than by visible text, so that the test
keeps passing when the translations change. Run by `./dev test` (pytest -m browser, with
DJANGO_ALLOW_ASYNC_UNSAFE=true for the live server)."""

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import TEST_PASSWORD
from localbridge.cooperation import selectors
from localbridge.cooperation.models import Agreement, AgreementStatus, CooperationArea, TwinLink, TwinLinkSource
from localbridge.cooperation.tests.factories import municipal_staff
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def test_finder_then_an_agreement_from_draft_to_registered(live_server, new_page):
    selectors.finder_invalidate()
    # The areas a data migration seeds are gone once an earlier transactional test has flushed the tables.
    CooperationArea.objects.get_or_create(code="youth", defaults={"name_ru": "Молодёжь", "name_en": "Youth"})
    base = live_server.url
    home = MunicipalityFactory(name_ru="Волгоград", name_en="Volgograd", latitude=48.7, longitude=44.5)
    britain = CountryFactory(code="GB", code3="GBR", name_ru="Великобритания", name_en="United Kingdom")
    coventry = MunicipalityFactory(
        country=britain, region=None, name_ru="Ковентри", name_en="Coventry", latitude=52.4, longitude=-1.5
    )
    leeds = MunicipalityFactory(
        country=britain, region=None, name_ru="Лидс", name_en="Leeds", latitude=53.8, longitude=-1.5
    )
    first, second = sorted((home.pk, coventry.pk))
    TwinLink.objects.create(municipality_a_id=first, municipality_b_id=second, source=TwinLinkSource.HEKMAN)
    staff = municipal_staff(home)

    page = new_page()
    browser_log_in(page, base, staff.email, TEST_PASSWORD)

    # The finder for their municipality: the partner on the list and the map, suggestions with reasons.
    page.goto(base + reverse("cooperation:network_search") + "?q=Волгоград")
    with page.expect_navigation():
        page.click(f"a[href='{reverse('cooperation:network', args=[home.pk])}']")
    page.wait_for_selector("#network-map .leaflet-interactive", state="attached")
    assert page.locator(f"[data-partner='{coventry.pk}']").count() == 1
    assert page.locator(f"[data-suggestion='{leeds.pk}'] [data-reason]").count() >= 1
    assert_accessible(page)

    # A new twinning agreement with Leeds.
    page.goto(base + reverse("cooperation:create"))
    assert_accessible(page)
    page.fill("#id_title", "Соглашение о побратимстве Волгограда и Лидса")
    page.select_option("#id_kind", "twinning")
    page.fill("#id_municipalities", f"{home.pk}, {leeds.pk}")
    page.check("#agreement-form input[name=areas] >> nth=0")
    submit(page, "#agreement-form")
    agreement = Agreement.objects.get()
    assert page.url.endswith(reverse("cooperation:agreement", args=[agreement.pk]))
    assert_accessible(page)

    # Sent for approval, signed, registered.
    for action, fields in (
        ("submit", {}),
        ("sign", {"#id_signed_place": "Лидс"}),
        ("register", {"#id_registration_number": "RU-17/2026", "#id_registration_authority": "Минюст России"}),
    ):
        with page.expect_navigation():
            page.click(f"[data-move={action}]")
        for selector, value in fields.items():
            page.fill(selector, value)
        if action == "register":
            assert_accessible(page)
        submit(page, "#move-form")

    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.REGISTERED
    assert agreement.signed_place == "Лидс"
    assert page.locator(".history tr[data-action=register]").count() == 1
    assert_accessible(page)
