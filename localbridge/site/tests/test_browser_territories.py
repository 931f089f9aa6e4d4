"""The territories pages in headless Chromium: they read without errors under the CSP, draw the map, and pass
axe. (Here because the browser fixtures live in site/tests; territories may not import site.)"""

import pytest
from django.contrib.staticfiles import finders

from localbridge.core.testing.browser import assert_accessible
from localbridge.territories.models import MunicipalityKind
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory, SettlementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regions_region_and_municipality_pages_pass_axe_and_show_the_map(live_server, page):
    assert finders.find("territories/map.js") and finders.find("vendor/leaflet-1.9.4/leaflet.js"), (
        "static files are not found: settings.STATICFILES_DIRS must list localbridge/static"
    )
    amur = RegionFactory(code="RU-AMU", name_ru="Амурская область", federal_district="far_eastern")
    municipality = MunicipalityFactory(
        region=amur,
        name_ru="Благовещенск",
        name_en="Blagoveshchensk",
        kind=MunicipalityKind.URBAN_OKRUG,
        oktmo="10701000",
        population=226400,
        latitude=50.290659,
        longitude=127.527198,
    )
    SettlementFactory(municipality=municipality, name_ru="Благовещенск", foundation_year=1856)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    # no network here: OpenStreetMap tiles are answered empty instead of failing
    page.route("https://*.tile.openstreetmap.org/**", lambda route: route.fulfill(status=204, body=""))

    page.goto(live_server.url + "/territories/")
    assert_accessible(page)
    page.get_by_role("link", name="Амурская область").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Амурская область"
    assert_accessible(page)
    page.get_by_role("link", name="Благовещенск").first.click()
    page.wait_for_load_state()
    page.locator(".leaflet-marker-icon").wait_for()
    assert_accessible(page)
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
