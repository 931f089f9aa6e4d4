"""The indicators dashboards in headless Chromium: a municipality's chart is drawn by Chart.js and follows the
indicator chosen (without reloading), the map colours its points and rewrites its legend and table when the
indicator changes, and the map's CSV download has the values. No console error, no breach of the
Content-Security-Policy (Chart.js sizes its canvas through the CSSOM, which the policy allows); pages pass axe.
Map tiles are not fetched (no network in tests).

Run by `./dev test` (pytest -m browser, with DJANGO_ALLOW_ASYNC_UNSAFE=true for the live server)."""

import csv
import re

import pytest
from django.urls import reverse

from localbridge.core.testing.browser import assert_accessible
from localbridge.indicators.choropleth import PALETTE
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import make_world, put, seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch(page):
    """Console errors and uncaught exceptions of the page; map tiles answered empty instead of fetched."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("https://*.tile.openstreetmap.org/**", lambda route: route.fulfill(status=204, body=""))
    return errors


def world_with_values():
    definitions = seed()
    w = make_world()
    points = {w.a1: (50.29, 127.53), w.a2: (51.38, 128.13), w.a1_part: (50.31, 127.54), w.b1: (54.78, 32.05)}
    for municipality, (lat, lon) in points.items():
        municipality.latitude, municipality.longitude = lat, lon
        municipality.save()
    zeya = MunicipalityFactory(country=w.country, region=w.region_a, name_ru="Зея", latitude=53.73, longitude=127.26)
    tos = definitions["tos_count"]
    for year, value in ((2022, 1), (2023, 2), (2024, 2), (2025, 4)):
        put(tos, w.a1, year, value)
    put(tos, w.a2, 2025, 1)
    put(tos, zeya, 2025, 7)
    roads = definitions["roads_substandard_share"]
    put(roads, w.a1, 2025, "40.5")
    put(roads, w.a2, 2025, "12.25")
    put(roads, w.a1, 2024, "44")
    return w, zeya


def read_csv(path):
    with open(path, encoding="utf-8-sig") as file:
        return list(csv.reader(file))


def chart_of(page, selector):
    """The labels and first dataset's values of the Chart.js chart drawn on `selector`, or None."""
    return page.evaluate(
        """(selector) => {
            const chart = Chart.getChart(document.querySelector(selector));
            return chart ? {labels: chart.data.labels, values: chart.data.datasets[0].data} : null;
        }""",
        selector,
    )


def test_a_municipalitys_chart_is_drawn_and_follows_the_indicator_chosen(page, live_server):
    w, _zeya = world_with_values()
    errors = watch(page)
    base = live_server.url
    page.goto(base + reverse("indicators:municipality", args=[w.a1.pk]))
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('trend-chart'))")
    assert chart_of(page, "#trend-chart") == {"labels": ["2022", "2023", "2024", "2025"], "values": [1, 2, 2, 4]}
    box = page.locator("#trend-chart").bounding_box()
    assert box["width"] > 100 and box["height"] > 100
    # The small trend lines of the table of all indicators are drawn too.
    assert page.evaluate("() => !!Chart.getChart(document.querySelector('canvas.sparkline[data-code=tos_count]'))")
    assert_accessible(page)

    page.select_option("#id_indicator", "roads_substandard_share")
    page.wait_for_selector('#trend-table[data-code="roads_substandard_share"]')
    assert chart_of(page, "#trend-chart")["values"] == [None, None, 44, 40.5]
    cells = page.locator("#trend-table tbody td").all_inner_texts()
    assert [c.replace("\xa0", " ") for c in cells] == ["—", "—", "44,0", "40,5"]
    assert "indicator=roads_substandard_share" in page.url  # the address keeps the choice, without a reload
    href = page.get_attribute("#trend-download-csv", "href")
    assert href.endswith("?indicator=roads_substandard_share")
    assert "indicator=roads_substandard_share" in page.get_attribute("#region-comparison-link", "href")

    with page.expect_download() as download_info:
        page.click("#trend-download-csv")
    rows = read_csv(download_info.value.path())
    assert [(row[2], row[5], row[6]) for row in rows[1:]] == [
        ("roads_substandard_share", "2024", "44"),
        ("roads_substandard_share", "2025", "40.5"),
    ]

    page.click("#region-comparison-link")
    page.wait_for_url(re.compile(r"/indicators/region/RU-AMU/"))
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('comparison-chart'))")
    bars = chart_of(page, "#comparison-chart")
    assert bars["labels"] == ["Свободный", "Благовещенск"] and bars["values"] == [12.25, 40.5]
    assert_accessible(page)
    assert errors == []


def test_the_map_switches_indicator_without_reloading_and_its_csv_downloads(page, live_server):
    w, zeya = world_with_values()
    errors = watch(page)
    base = live_server.url
    page.goto(base + reverse("indicators:map") + "?indicator=tos_count&region=RU-AMU")
    page.wait_for_selector('#indicator-map[data-drawn="tos_count:2025"]')
    assert page.get_attribute("#indicator-map", "data-markers") == "4"  # the region's four points
    legend = page.locator("[data-legend-classes] li")
    # 7, 4, 1 and Северный район's zero: four classes, the highest the darkest.
    assert [item.get_attribute("data-colour") for item in legend.all()] == [
        PALETTE[0],
        PALETTE[1],
        PALETTE[3],
        PALETTE[4],
    ]
    fills = page.eval_on_selector_all(
        "#indicator-map path.leaflet-interactive", "els => els.map(e => e.getAttribute('fill'))"
    )
    assert sorted(fills) == sorted([PALETTE[0], PALETTE[1], PALETTE[3], PALETTE[4]])
    assert_accessible(page)
    page.evaluate("() => { window.notReloaded = true; }")

    page.select_option("#id_indicator", "roads_substandard_share")
    page.wait_for_selector('#indicator-map[data-drawn="roads_substandard_share:2025"]')
    assert page.evaluate("() => window.notReloaded") is True
    items = page.locator("[data-legend-classes] li")
    assert [item.get_attribute("data-class") for item in items.all()] == ["0", "1", "none"]  # two known, grey
    assert items.nth(0).get_attribute("data-colour") == PALETTE[-1]  # the lowest share of bad roads: the best
    assert page.get_attribute("#indicator-map", "data-known") == "2"
    page.wait_for_selector('#map-table[data-indicator="roads_substandard_share"]')
    assert "indicator=roads_substandard_share" in page.url

    page.click(f'#map-table tr[data-municipality="{w.a2.pk}"] a')  # the new table links to the dashboard
    page.wait_for_url(re.compile(rf"/indicators/municipality/{w.a2.pk}/\?indicator=roads_substandard_share"))
    page.go_back()
    page.wait_for_selector('#indicator-map[data-drawn="roads_substandard_share:2025"]')

    with page.expect_download() as download_info:
        page.click('a[data-map-download="csv"]')
    download = download_info.value
    assert download.suggested_filename.startswith("indicators-map-RU-AMU-roads_substandard_share-2025")
    rows = read_csv(download.path())
    values = {row[0]: row[7] for row in rows[1:]}
    assert values == {"Благовещенск": "40.5", "Свободный": "12.25", "Северный район": "", "Зея": ""}
    assert zeya.name_ru in values
    assert errors == []
