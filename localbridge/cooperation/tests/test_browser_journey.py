"""The whole cooperation journey of issue 7 in headless Chromium, with an axe check on the pages: a municipality's
staff find a partner among the finder's suggestions and send a proposal; the partner's staff accept it in their
own browser, which makes a draft agreement; the first side sends it for approval, records the signing, the
registration and the entry into force; starts a roadmap with an action for both sides; and sees the partner, the
agreement and the roadmap's next action on the network map.

Elements are found by ids and data- attributes, not by visible text, so that the test keeps passing when the
translations change."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import TEST_PASSWORD
from localbridge.cooperation import selectors
from localbridge.cooperation.models import AgreementStatus, PartnershipProposal, RoadmapAction
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

from .factories import area, municipal_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit] >> nth=0")


def test_find_propose_accept_sign_register_plan_and_see_it_on_the_network_map(live_server, new_page):
    selectors.finder_invalidate()
    area("youth")
    base = live_server.url
    home = MunicipalityFactory(
        name_ru="Благовещенск", latitude=50.26, longitude=127.53, population=240_000, timezone="Asia/Yakutsk"
    )
    china = CountryFactory(code="CN", code3="CHN", name_ru="Китай", name_en="China")
    heihe = MunicipalityFactory(
        country=china,
        region=None,
        name_ru="Хэйхэ",
        latitude=50.24,
        longitude=127.49,
        population=200_000,
        timezone="Asia/Shanghai",
    )
    sender, receiver = municipal_staff(home), municipal_staff(heihe)

    # Find the partner among the suggestions and propose cooperation.
    page = new_page()
    browser_log_in(page, base, sender.email, TEST_PASSWORD)
    page.goto(base + reverse("cooperation:network", args=[home.pk]))
    assert page.locator(f"[data-suggestion='{heihe.pk}'] [data-reason]").count() >= 1
    with page.expect_navigation():
        page.click(f"[data-propose='{heihe.pk}']")
    page.check("#proposal-form input[name=areas] >> nth=0")
    page.fill("#id_message", "Предлагаем молодёжные обмены через Амур.")
    submit(page, "#proposal-form")
    proposal = PartnershipProposal.objects.get()

    # The partner accepts it: a draft agreement of both.
    partner_page = new_page()
    browser_log_in(partner_page, base, receiver.email, TEST_PASSWORD)
    partner_page.goto(base + reverse("cooperation:proposal", args=[proposal.pk]))
    with partner_page.expect_navigation():
        partner_page.click("#proposal-accept button[type=submit] >> nth=0")
    proposal.refresh_from_db()
    agreement = proposal.agreement
    assert proposal.status == "accepted" and agreement.status == AgreementStatus.DRAFT

    # The first side takes the agreement through approval, signing, registration and into force.
    page.goto(base + reverse("cooperation:agreement", args=[agreement.pk]))
    for action, fields in (
        ("submit", {}),
        ("sign", {"#id_signed_place": "Благовещенск"}),
        ("register", {"#id_registration_number": "AMU-7/2026", "#id_registration_authority": "Минюст России"}),
        ("activate", {}),
    ):
        with page.expect_navigation():
            page.click(f"[data-move={action}]")
        for selector, value in fields.items():
            page.fill(selector, value)
        submit(page, "#move-form")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert_accessible(page)

    # A roadmap with an action both sides answer for.
    with page.expect_navigation():
        page.click("#roadmap-create")
    page.fill("#id_title", "Дорожная карта на 2027 год")
    submit(page, "#roadmap-form")
    with page.expect_navigation():
        page.click("#action-add")
    page.fill("#id_title", "Молодёжный форум двух берегов Амура")
    page.fill("#id_due_on", (timezone.localdate() + timedelta(days=60)).isoformat())
    page.check("#id_party_0")
    page.fill("#id_party_0_person", "Комитет по делам молодёжи")
    page.check("#id_party_1")
    page.fill("#id_party_1_person", "Youth League of Heihe")
    submit(page, "#action-form")
    action = RoadmapAction.objects.get()
    assert_accessible(page)

    # On the network map: the partner, the agreement and the roadmap's next action, in the list and the popup.
    page.goto(base + reverse("cooperation:network", args=[home.pk]))
    partner = page.locator(f"[data-partner='{heihe.pk}']")
    assert partner.locator(f"[data-partner-agreement='{agreement.pk}']").count() == 1
    assert partner.locator(f"[data-next-action='{action.pk}']").count() == 1
    data = json.loads(page.locator("#network-map-data").text_content())
    (point,) = data["partners"]
    assert point["agreements"][0]["url"] == reverse("cooperation:agreement", args=[agreement.pk])
    assert action.title in point["agreements"][0]["next"]
    page.wait_for_selector("#network-map path.leaflet-interactive[stroke='#15803d']", state="attached")
    page.locator("#network-map path.leaflet-interactive[stroke='#15803d']").dispatch_event("click")
    popup = page.locator(".leaflet-popup .network-popup")
    popup.wait_for()
    # Leaflet fades a popup in: the accessibility check below reads colours only once it is opaque.
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    assert action.title in popup.inner_text()
    assert_accessible(page)
