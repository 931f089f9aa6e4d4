"""The twin-city network's pages in headless Chromium, with an axe check on each: the network of countries and a
municipality's ego network drawn as graphs (Cytoscape.js, from the API, under the Content-Security-Policy), a
country's page with its map, and the agreement form's municipality picker (a name typed, the municipality ticked
among those htmx offers).

Elements are found by ids, names and data- attributes rather than by visible text. Run by `./dev test` (pytest -m
browser, with DJANGO_ALLOW_ASYNC_UNSAFE=true for the live server)."""

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import TEST_PASSWORD
from localbridge.cooperation import selectors
from localbridge.cooperation.models import Agreement, CooperationArea
from localbridge.cooperation.tests.network_data import make_world
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_network_pages_draw_their_graphs_and_the_picker_finds_parties_by_name(live_server, new_page):
    selectors.finder_invalidate()
    # The areas a data migration seeds are gone once an earlier transactional test has flushed the tables.
    for code in ("youth", "culture", "sport"):
        CooperationArea.objects.get_or_create(code=code, defaults={"name_ru": code, "name_en": code})
    world = make_world()
    base = live_server.url
    page = new_page()

    # The network of countries: the graph is drawn from the API; the tables say the same.
    page.goto(base + reverse("cooperation:network_countries"))
    page.select_option("#graph-min-weight", "1")
    page.wait_for_function("document.getElementById('network-graph').dataset.drawn === '4'")
    assert page.locator("[data-table=pairs] tbody tr").count() == 3
    assert_accessible(page)

    # A country's page: counts by partner country, region and area, the map of its linked municipalities.
    page.goto(base + reverse("cooperation:network_country", args=["RU"]))
    page.wait_for_function("document.getElementById('network-area-map').dataset.drawn === '4'")
    assert page.locator("[data-table=by-country] tbody tr").count() == 4
    assert page.locator("[data-table=by-area] tr[data-area=youth]").count() == 1
    assert_accessible(page)

    # A municipality's ego network to depth 2.
    page.goto(base + reverse("cooperation:network_graph", args=[world.volgograd.pk]))
    page.wait_for_function("Number(document.getElementById('network-graph').dataset.drawn) === 8")
    assert page.locator(".network-graph-table tbody tr[data-level='2']").count() == 3
    assert_accessible(page)

    # The agreement form: parties found by name and ticked, no number needed.
    browser_log_in(page, base, world.staff.email, TEST_PASSWORD)
    page.goto(base + reverse("cooperation:create"))
    page.fill("#id_title", "Соглашение Волгограда и Дижона")
    page.select_option("#id_kind", "partnership")
    for name, municipality in (("Волгогр", world.volgograd), ("Дижо", world.dijon)):
        page.fill("#id_municipalities", name)
        option = page.locator(f"[data-party-options] input[value='{municipality.pk}']")
        option.wait_for()
        option.check()
        page.wait_for_selector(f"[data-party-chosen] input[value='{municipality.pk}']:checked")
        assert page.input_value("#id_municipalities") == ""
    assert_accessible(page)
    with page.expect_navigation():
        page.click("#agreement-form button[type=submit]")
    agreement = Agreement.objects.get(title="Соглашение Волгограда и Дижона")
    assert {p.municipality_id for p in agreement.parties.all()} == {world.volgograd.pk, world.dijon.pk}
    assert page.url.endswith(reverse("cooperation:agreement", args=[agreement.pk]))
