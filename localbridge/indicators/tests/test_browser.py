"""Indicators in headless Chromium: a municipality's staff enter a value (errors beside the fields first), see it
in the municipality's table; an operator imports a file and reads the report. Every page passes axe and the CSP.

Run by `./dev test` (pytest -m browser, with DJANGO_ALLOW_ASYNC_UNSAFE=true for the live server)."""

import re

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.cooperation.tests.factories import municipal_staff
from localbridge.core.testing.browser import assert_accessible, log_in

from .factories import make_world, put, seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_enter_a_value_and_find_it_in_the_municipalitys_table(page, live_server):
    definitions = seed()
    w = make_world()
    put(definitions["tos_count"], w.a1, 2024, 3)
    staff = municipal_staff(w.a1)
    base = live_server.url

    page.goto(base + reverse("indicators:list"))
    assert page.locator("dt#tos_residents_share").is_visible()
    assert_accessible(page)

    log_in(page, base, staff.email, TEST_PASSWORD)
    page.goto(base + reverse("indicators:municipality", args=[w.a1.pk]))
    assert_accessible(page)
    page.click("#enter-values")
    page.wait_for_url(re.compile(r"/enter/$"))
    page.select_option("#id_definition", label="Число добровольцев")
    page.fill("#id_year", "2024")
    page.fill("#id_value", "много")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".errorlist")
    assert_accessible(page)
    page.fill("#id_value", "1 250")
    page.fill("#id_source_note", "Реестр добровольцев администрации")
    page.click("main form button[type=submit]")
    page.wait_for_selector('tr[data-code="volunteers"][data-year="2024"]')
    assert_accessible(page)

    page.goto(base + reverse("indicators:municipality", args=[w.a1.pk]))
    row = page.locator('tr[data-code="volunteers"]')
    assert "1 250" in row.inner_text().replace("\xa0", " ")


def test_an_operator_imports_a_file_and_reads_the_refused_rows(page, live_server, tmp_path):
    seed()
    w = make_world()
    operator = UserFactory(is_staff=True)
    path = tmp_path / "values.csv"
    path.write_text(
        f"code,municipality,year,value\nsmb_per_10000,{w.a1.pk},2024,310\ntos_count,{w.a1.pk},2024,5\n",
        encoding="utf-8",
    )
    log_in(page, live_server.url, operator.email, TEST_PASSWORD)
    page.goto(live_server.url + reverse("indicators:import"))
    assert_accessible(page)
    page.set_input_files("#id_file", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_selector("#import-report")
    assert page.locator('tr[data-row="3"][data-code="computed_not_importable"]').is_visible()
    assert_accessible(page)
