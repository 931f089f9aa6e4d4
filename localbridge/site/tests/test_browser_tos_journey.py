"""The ТОС registration journey of the issue, in headless Chromium, with an axe check on its key pages.

A chair signs up through the sign-up page, confirms the e-mail from the link in the message, and registers a ТОС
through the form (region, then municipality, as a person chooses them; a real PDF as the charter); a reviewer of
the municipality (staff of its administration) logs in, takes it into review and returns it with remarks; the chair
reads them, corrects the registration and resubmits; the reviewer registers it; an anonymous visitor finds it in
the public registry by its registry number and sees its whole history.

Elements are found by ids, names, form actions and status classes rather than by visible text, so that the test
keeps passing when the Russian translations arrive. Run by `./dev test` (pytest -m browser, with
DJANGO_ALLOW_ASYNC_UNSAFE=true for the live server)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.organizations.models import MembershipRole, Organization
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory
from localbridge.site.management.commands.load_demo import demo_charter_pdf
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHAIR_NAME = "Анна Петрова"
CHAIR_EMAIL = "anna.petrova@example.org"
TOS_NAME = "ТОС «Северный»"
REMARKS = "Опишите границы территории: улицы и номера домов."
BOUNDARIES = "Улицы Ленина и Горького, дома 1–15"


def status_is(page, status: str) -> None:
    page.locator(f".tos-panel .badge.status-{status}").wait_for()


def move(page, action: str, *, comment: str = "") -> None:
    form = page.locator(f'.tos-panel form[action$="/move/{action}/"]')
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def log_in(page, base: str, email: str) -> None:
    browser_log_in(page, base, email, TEST_PASSWORD)


def test_a_chair_registers_a_tos_a_reviewer_returns_then_registers_it_and_the_public_sees_it(
    live_server, new_page, tmp_path
):
    base = live_server.url
    amur = RegionFactory(code="RU-AMU", name_ru="Амурская область", name_en="Amur Oblast")
    RegionFactory(code="RU-SMO", name_ru="Смоленская область", name_en="Smolensk Oblast")
    city = MunicipalityFactory(region=amur, name_ru="Благовещенск", name_en="Blagoveshchensk", oktmo="10701000")
    MunicipalityFactory(region=amur, name_ru="Свободный", name_en="Svobodny")
    reviewer = UserFactory(full_name="Ирина Рецензентова")
    MembershipFactory(user=reviewer, organization=AdministrationFactory(municipality=city), role=MembershipRole.STAFF)
    charter = tmp_path / "устав-тос-северный.pdf"
    charter.write_bytes(demo_charter_pdf("Charter of TOS Severny, adopted by the founding meeting"))

    # The chair signs up and confirms the e-mail address from the message.
    chair = new_page()
    chair.goto(base + reverse("account_signup"))
    assert_accessible(chair)
    chair.fill("#id_full_name", CHAIR_NAME)
    chair.fill("#id_email", CHAIR_EMAIL)
    chair.fill("#id_password1", TEST_PASSWORD)
    chair.fill("#id_password2", TEST_PASSWORD)
    with chair.expect_navigation():
        chair.click("form.form-signup button[type=submit]")
    message = next(m for m in reversed(mail.outbox) if m.to == [CHAIR_EMAIL])
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body).group(1)
    chair.goto(base + link)
    with chair.expect_navigation():
        chair.click("main form button[type=submit]")

    # ... and registers the ТОС through the form, from the link in the menu.
    with chair.expect_navigation():
        chair.click(f'a[href="{reverse("organizations:tos_create")}"] >> nth=0')
    assert_accessible(chair)
    chair.select_option("#id_region", str(amur.pk))  # htmx brings the region's municipalities
    chair.locator(f'#id_municipality option[value="{city.pk}"]').wait_for(state="attached")
    chair.select_option("#id_municipality", str(city.pk))
    chair.fill("#id_name", TOS_NAME)
    chair.fill("#id_territory_name", "микрорайон Северный")
    chair.select_option("#id_territory_kind", "microdistrict")
    chair.fill("#id_founding_date", (timezone.localdate() - timedelta(days=20)).isoformat())
    chair.check("input[name=founding_form][value=meeting]")
    chair.fill("#id_residents_count", "300")
    chair.fill("#id_participants_count", "120")
    chair.fill("#id_chair", "Петрова Анна Сергеевна")
    chair.fill("#id_council", "Иванов Иван Иванович\nСидорова Мария Петровна")
    chair.fill("#id_email", "severny@example.org")
    chair.set_input_files("#id_charter", str(charter))
    with chair.expect_navigation():
        chair.click("form.tos-form > button[type=submit]")
    tos = Organization.objects.get(name=TOS_NAME)
    assert chair.url == base + reverse("organizations:detail", args=[tos.pk])
    assert (tos.status, tos.municipality_id, tos.tos.charter.content_type) == ("draft", city.pk, "application/pdf")
    move(chair, "submit")
    status_is(chair, "submitted")

    # A reviewer of the municipality takes it into review and returns it with remarks.
    staff = new_page()
    log_in(staff, base, reviewer.email)
    queue = reverse("organizations:tos_review_queue")
    with staff.expect_navigation():
        staff.click(f'a[href="{queue}"] >> nth=0')
    assert_accessible(staff)
    with staff.expect_navigation():
        staff.click(f'main table a[href="{reverse("organizations:detail", args=[tos.pk])}"]')
    move(staff, "start_review")
    status_is(staff, "under_review")
    move(staff, "return", comment=REMARKS)
    status_is(staff, "returned")
    assert any(m.to == [CHAIR_EMAIL] and REMARKS in m.body for m in mail.outbox), "the chair is told the remarks"

    # The chair sees the remarks, fixes the registration and resubmits it.
    chair.reload()
    status_is(chair, "returned")
    assert REMARKS in chair.locator('.tos-panel tr[data-action="return"]').inner_text()
    with chair.expect_navigation():
        chair.click(f'.tos-panel a[href="{reverse("organizations:tos_edit", args=[tos.pk])}"]')
    chair.fill("#id_territory_description", BOUNDARIES)
    with chair.expect_navigation():
        chair.click("form.tos-form > button[type=submit]")
    move(chair, "resubmit")
    status_is(chair, "submitted")

    # The reviewer registers it.
    staff.goto(base + queue)
    with staff.expect_navigation():
        staff.click(f'main table a[href="{reverse("organizations:detail", args=[tos.pk])}"]')
    move(staff, "start_review")
    move(staff, "register")
    status_is(staff, "registered")
    tos.refresh_from_db()
    assert tos.registry_number.startswith("10701000-") and tos.tos.territory_description == BOUNDARIES

    # Anyone finds it in the public registry by its registry number, and reads its history.
    visitor = new_page()
    visitor.goto(base + reverse("organizations:list"))
    visitor.fill("#id_q", tos.registry_number)
    visitor.click("form.registry-filters button[type=submit]")
    visitor.wait_for_url("**q=*")
    detail = reverse("organizations:detail", args=[tos.pk])
    visitor.locator(f'main table a[href="{detail}"]').wait_for()
    assert_accessible(visitor)
    with visitor.expect_navigation():
        visitor.click(f'main table a[href="{detail}"]')
    status_is(visitor, "registered")
    assert tos.registry_number in visitor.locator(".tos-panel").inner_text()
    assert_accessible(visitor)
    rows = visitor.locator(".tos-panel tr[data-action]")
    actions = [rows.nth(i).get_attribute("data-action") for i in range(rows.count())]
    moves = ["create", "submit", "start_review", "return", "update", "resubmit", "start_review", "register"]
    assert [a for a in actions if a in moves] == moves
    for action, who in [("submit", CHAIR_NAME), ("return", "Ирина Рецензентова"), ("register", "Ирина Рецензентова")]:
        assert who in visitor.locator(f'.tos-panel tr[data-action="{action}"]').first.inner_text()
