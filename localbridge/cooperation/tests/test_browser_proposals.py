"""Partnership proposals and associations in headless Chromium, with an axe check on each page: a municipality's
staff propose cooperation to a suggested partner from the network page; the partner's staff, in their own browser,
find it among the received proposals and accept it; the draft agreement is linked from the proposal. Then an
association's page with its member municipalities on the map.

Elements are found by ids and data- attributes, not by visible text, so that the test keeps passing when the
translations change."""

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.cooperation import selectors
from localbridge.cooperation.models import AgreementStatus, CooperationArea, PartnershipProposal
from localbridge.cooperation.services_associations import association_member_add
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import MembershipFactory
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

from .factories import association, municipal_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit] >> nth=0")


def test_propose_to_a_suggested_partner_who_accepts_and_gets_a_draft_agreement(live_server, new_page):
    selectors.finder_invalidate()
    CooperationArea.objects.get_or_create(code="youth", defaults={"name_ru": "Молодёжь", "name_en": "Youth"})
    base = live_server.url
    home = MunicipalityFactory(name_ru="Благовещенск", latitude=50.26, longitude=127.53, population=240_000)
    china = CountryFactory(code="CN", code3="CHN", name_ru="Китай", name_en="China")
    heihe = MunicipalityFactory(
        country=china, region=None, name_ru="Хэйхэ", latitude=50.24, longitude=127.49, population=200_000
    )
    sender, receiver = municipal_staff(home), municipal_staff(heihe)

    page = new_page()
    browser_log_in(page, base, sender.email, TEST_PASSWORD)
    page.goto(base + reverse("cooperation:network", args=[home.pk]))
    with page.expect_navigation():
        page.click(f"[data-propose='{heihe.pk}']")
    assert page.locator("#id_kind").input_value() == "cross_border"
    assert_accessible(page)
    page.check("#proposal-form input[name=areas] >> nth=0")
    page.fill("#id_message", "Предлагаем молодёжные обмены через Амур.")
    submit(page, "#proposal-form")
    proposal = PartnershipProposal.objects.get()
    assert page.url.endswith(reverse("cooperation:proposal", args=[proposal.pk]))
    assert page.locator("#proposal-withdraw").count() == 1
    assert_accessible(page)

    partner_page = new_page()
    browser_log_in(partner_page, base, receiver.email, TEST_PASSWORD)
    partner_page.goto(base + reverse("cooperation:proposals"))
    assert_accessible(partner_page)
    with partner_page.expect_navigation():
        partner_page.click(f"[data-proposal='{proposal.pk}'] a")
    partner_page.fill("#id_answer", "Согласны, ждём делегацию.")
    with partner_page.expect_navigation():
        partner_page.click("#proposal-accept button[type=submit] >> nth=0")
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert proposal.agreement.status == AgreementStatus.DRAFT
    assert_accessible(partner_page)
    with partner_page.expect_navigation():
        partner_page.click("#proposal-agreement")
    assert partner_page.url.endswith(reverse("cooperation:agreement", args=[proposal.agreement_id]))


def test_an_associations_page_shows_its_member_municipalities_on_the_map(live_server, new_page):
    union = association(name="Союз российских городов")
    chair = UserFactory()
    MembershipFactory(user=chair, organization=union, role=MembershipRole.CHAIR)
    for name, lat, lon in (("Волгоград", 48.7, 44.5), ("Смоленск", 54.8, 32.0)):
        city = MunicipalityFactory(name_ru=name, latitude=lat, longitude=lon)
        association_member_add(actor=chair, association=union, municipality=city)
    page = new_page()
    browser_log_in(page, live_server.url, chair.email, TEST_PASSWORD)
    page.goto(live_server.url + reverse("cooperation:associations"))
    assert_accessible(page)
    with page.expect_navigation():
        page.click(f"[data-association='{union.pk}'] a")
    page.wait_for_selector("#network-map .leaflet-interactive", state="attached")
    assert page.locator("[data-member]").count() == 2
    assert_accessible(page)
