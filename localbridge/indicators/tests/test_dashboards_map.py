"""The map of an indicator by municipality: the page (works without JavaScript: GET form and table), the JSON of
points and of classed values, the table partial, the download, constant query counts; and the links between the
catalogue, the map, the comparisons, the dashboards and the territories' municipality page."""

import csv
import io

import pytest
from django.urls import reverse

from localbridge.indicators.choropleth import NO_DATA_COLOUR, PALETTE
from localbridge.indicators.models import IndicatorValue
from localbridge.indicators.selectors_dashboards import this_year
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory, RegionFactory

from .factories import make_world, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(definitions):
    """The small world with points: Благовещенск, Свободный and Северный район in RU-AMU have coordinates,
    Смоленск (RU-SMO) too; tos_count 2025: Благовещенск 4, Свободный 1, nothing for the others (zero)."""
    w = make_world()
    for municipality, (lat, lon) in {
        w.a1: (50.2907, 127.5272),
        w.a2: (51.3753, 128.1341),
        w.a1_part: (50.3123, 127.5401),
        w.b1: (54.7826, 32.0453),
    }.items():
        municipality.latitude, municipality.longitude = lat, lon
        municipality.save()
    put(definitions["tos_count"], w.a1, 2025, 4)
    put(definitions["tos_count"], w.a2, 2025, 1)
    put(definitions["tos_count"], w.a2, 2023, 8)
    return w


def data(client, **params):
    return client.get(reverse("indicators:map_data"), params)


def test_the_map_page_reads_without_javascript(client, mapped):
    w = mapped
    response = client.get(reverse("indicators:map"), {"indicator": "tos_count", "region": "RU-AMU"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="indicator-map"' in page and 'id="point-map-note"' in page and 'id="map-form"' in page
    assert f'data-data-url="{reverse("indicators:map_data")}"' in page
    assert "vendor/leaflet-1.9.4/leaflet.js" in page and "indicators/map.js" in page
    assert response.context["year"] == 2025  # the latest with values
    table = response.context["page"]
    assert [v.territory_id for v in table.object_list] == [w.a1.pk, w.a2.pk]  # best first
    assert response.context["municipality_count"] == 3
    assert (
        f"{reverse('indicators:map_export', args=['csv'])}?indicator=tos_count&amp;year=2025&amp;region=RU-AMU" in page
    )
    assert f"{reverse('indicators:region', args=['RU-AMU'])}?indicator=tos_count&amp;year=2025" in page
    assert '<option value="RU-AMU" selected>' in page


def test_the_map_shows_the_home_country_by_default_and_lists_regions(client, mapped):
    w = mapped
    CountryFactory(code="DE", code3="DEU", name_ru="Германия", name_en="Germany")
    response = client.get(reverse("indicators:map"))
    assert response.status_code == 200
    assert response.context["scope"].country == w.country and response.context["scope"].region is None
    assert response.context["definition"].code == "tos_count"  # the first of the catalogue
    page = response.content.decode()
    assert '<input type="hidden" name="country" value="RU">' in page
    assert [v.territory_id for v in response.context["page"].object_list] == [w.a1.pk, w.a2.pk]


def test_an_empty_platform_has_a_map_page_without_a_map(client, definitions):
    response = client.get(reverse("indicators:map"))
    assert response.status_code == 200
    assert 'id="indicator-map"' not in response.content.decode()


def test_the_points_of_a_region_or_a_country(client, mapped):
    w = mapped
    MunicipalityFactory(country=w.country, region=w.region_a, name_ru="Без точки")  # no coordinates: not drawn
    region = client.get(reverse("indicators:map_points"), {"region": "ru-amu"}).json()
    assert region["scope"] == {"region": "RU-AMU", "country": "RU", "name": w.region_a.name}
    assert sorted(p[0] for p in region["points"]) == sorted([w.a1.pk, w.a2.pk, w.a1_part.pk])
    point = next(p for p in region["points"] if p[0] == w.a1.pk)
    assert point == [w.a1.pk, "Благовещенск", 50.291, 127.527]  # three decimals
    country = client.get(reverse("indicators:map_points"), {"country": "RU"}).json()
    assert len(country["points"]) == 4
    missing = client.get(reverse("indicators:map_points"), {"region": "RU-XXX"})
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_territory"


def test_a_count_is_classed_with_zero_for_the_municipalities_without_a_stored_value(client, mapped):
    w = mapped
    body = data(client, indicator="tos_count", region="RU-AMU").json()
    assert body["year"] == 2025
    assert body["indicator"]["code"] == "tos_count" and body["indicator"]["zero_when_absent"] is True
    # Values 4, 1 and a zero (Северный район): three classes of one each, light to dark.
    assert [(c["low"], c["high"], c["count"]) for c in body["classes"]] == [(0, 0, 1), (1, 1, 1), (4, 4, 1)]
    assert [c["colour"] for c in body["classes"]] == [PALETTE[0], PALETTE[2], PALETTE[4]]
    assert [c["label"] for c in body["classes"]] == ["0", "1", "4"]
    assert sorted(body["values"]) == sorted([[w.a1.pk, 4, 2], [w.a2.pk, 1, 1]])
    assert body["absent"] == {"value": 0, "class": 0}
    assert body["no_data_colour"] == NO_DATA_COLOUR
    assert body["known"] == 3
    assert body["urls"]["table"] == reverse("indicators:map_table") + "?indicator=tos_count&year=2025&region=RU-AMU"
    earlier = data(client, indicator="tos_count", region="RU-AMU", year=2023).json()
    assert earlier["values"] == [[w.a2.pk, 8, 1]] and earlier["absent"] == {"value": 0, "class": 0}


def test_an_unknown_value_has_no_class_and_lower_is_better_reverses_the_colours(client, mapped, definitions):
    w = mapped
    roads = definitions["roads_substandard_share"]
    put(roads, w.a1, 2024, "40.5")
    put(roads, w.a2, 2024, "12.25")
    body = data(client, indicator=roads.code, region="RU-AMU", year=2024).json()
    assert body["absent"] is None  # Северный район has no value: grey on the map
    assert body["known"] == 2
    assert [(c["low"], c["high"]) for c in body["classes"]] == [(12.25, 12.25), (40.5, 40.5)]
    assert [c["colour"] for c in body["classes"]] == [PALETTE[-1], PALETTE[0]]  # the lowest is the best: darkest
    assert body["classes"][0]["label"] == "12,3"  # the definition's one decimal, Russian separator


def test_errors_of_the_data_endpoint(client, mapped):
    for params in ({"indicator": "nope"}, {"indicator": "tos_count", "region": "RU-XXX"}, {"country": "XX"}):
        response = data(client, **params)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    for bad in ("20x4", "1066", str(this_year() + 1)):
        response = data(client, indicator="tos_count", year=bad)
        assert response.status_code == 400
        assert response.json()["code"] == "bad_year" and response.json()["message"]


def test_a_bad_year_on_the_page_is_said_beside_the_select_and_the_latest_year_is_shown(client, mapped):
    response = client.get(reverse("indicators:map"), {"indicator": "tos_count", "year": "soon"})
    assert response.status_code == 200
    assert response.context["form"].errors["year"] and response.context["year"] == 2025
    assert '<option value="2025" selected>' in response.content.decode()


def test_the_data_endpoint_takes_the_same_queries_for_few_municipalities_and_many(
    client, mapped, definitions, django_assert_num_queries
):
    w = mapped
    with django_assert_num_queries(4):  # definitions, the region, the values, the number of municipalities
        data(client, indicator="tos_count", region="RU-AMU", year=2025)
    with django_assert_num_queries(3):  # a share: no count needed
        data(client, indicator="tos_residents_share", region="RU-AMU", year=2025)
    with django_assert_num_queries(5):  # and the latest year, when none is asked
        data(client, indicator="tos_count", region="RU-AMU")
    created = [
        MunicipalityFactory(country=w.country, region=w.region_a, latitude=50 + n / 100, longitude=127)
        for n in range(40)
    ]
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            definition=definitions["tos_count"],
            **IndicatorValue.territory_fields("municipality", m.pk),
            year=2025,
            value=n + 1,
        )
        for n, m in enumerate(created)
    )
    with django_assert_num_queries(4):
        body = data(client, indicator="tos_count", region="RU-AMU", year=2025).json()
    assert len(body["values"]) == 42 and len(body["classes"]) == 5
    with django_assert_num_queries(4):
        data(client, indicator="tos_count", country="RU", year=2025)
    with django_assert_num_queries(2):  # the region, the points
        points = client.get(reverse("indicators:map_points"), {"region": "RU-AMU"}).json()
    assert len(points["points"]) == 43


def test_the_map_page_takes_the_same_queries_for_few_municipalities_and_many(
    client, mapped, definitions, django_assert_num_queries
):
    w = mapped
    url = reverse("indicators:map")
    params = {"indicator": "tos_count", "year": 2025, "country": "RU"}
    # definitions, the country, its regions, the table's count and page, the number of municipalities
    with django_assert_num_queries(6):
        client.get(url, params)
    for n in range(60):
        municipality = MunicipalityFactory(country=w.country, region=w.region_b)
        put(definitions["tos_count"], municipality, 2025, n + 1)
    with django_assert_num_queries(6):
        response = client.get(url, params)
    assert len(response.context["page"].object_list) == 50 and response.context["page"].paginator.count == 62
    second = client.get(url, {**params, "page": 2})
    assert len(second.context["page"].object_list) == 12


def test_the_table_partial_and_the_download(client, mapped):
    partial = client.get(reverse("indicators:map_table"), {"indicator": "tos_count", "region": "RU-AMU"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.lstrip().startswith("<section") and 'id="map-table"' in body and "<html" not in body
    response = client.get(
        reverse("indicators:map_export", args=["csv"]), {"indicator": "tos_count", "region": "RU-AMU", "year": 2025}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Благовещенск"][7] == "4" and by_name["Северный район"][7] == "0"
    assert by_name["Благовещенск"][2] == "RU-AMU" and by_name["Благовещенск"][5:7] == ["tos_count", "2025"]
    assert len(rows) == 4
    roads = client.get(
        reverse("indicators:map_export", args=["csv"]), {"indicator": "roads_substandard_share", "region": "RU-AMU"}
    )
    unknown = list(csv.reader(io.StringIO(b"".join(roads.streaming_content).decode("utf-8-sig"))))
    assert {row[7] for row in unknown[1:]} == {""}  # not known: empty, not zero
    xlsx = client.get(reverse("indicators:map_export", args=["xlsx"]), {"indicator": "tos_count"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("indicators:map_export", args=["csv"]), {"year": "x"}).status_code == 400


def test_the_download_of_a_country_is_one_query_however_many_municipalities(client, mapped, django_assert_num_queries):
    w = mapped
    url = reverse("indicators:map_export", args=["csv"])
    params = {"indicator": "tos_count", "country": "RU", "year": 2025}
    with django_assert_num_queries(3):  # definitions, the country, the municipalities with their values
        b"".join(client.get(url, params).streaming_content)
    for _n in range(25):
        MunicipalityFactory(country=w.country, region=w.region_b)
    with django_assert_num_queries(3):
        rows = b"".join(client.get(url, params).streaming_content).decode("utf-8-sig").splitlines()
    assert len(rows) == 30


# --- navigation -----------------------------------------------------------------------------------------------


def test_the_catalogue_links_each_indicator_to_its_map(client, definitions):
    page = client.get(reverse("indicators:list")).content.decode()
    assert f'href="{reverse("indicators:map")}?indicator=tos_count"' in page
    assert page.count("data-map=") == len(definitions)


def test_the_territories_municipality_page_links_to_its_indicators(client, mapped, django_assert_max_num_queries):
    w = mapped
    response = client.get(reverse("territories:municipality_detail", args=[w.a1.pk]))
    page = response.content.decode()
    assert f'href="{reverse("indicators:municipality", args=[w.a1.pk])}"' in page
    assert f'href="{reverse("indicators:region", args=["RU-AMU"])}"' in page
    foreign = MunicipalityFactory(country=CountryFactory(code="DE", code3="DEU", name_ru="Германия"), region=None)
    page = client.get(reverse("territories:municipality_detail", args=[foreign.pk])).content.decode()
    assert f'href="{reverse("indicators:municipality", args=[foreign.pk])}"' in page


def test_another_region_is_reached_from_a_country_map(client, mapped, definitions):
    w = mapped
    other = RegionFactory(country=w.country, code="RU-TYU", name_ru="Тюменская область")
    tyumen = MunicipalityFactory(country=w.country, region=other, name_ru="Тюмень", latitude=57.15, longitude=65.53)
    put(definitions["tos_count"], tyumen, 2025, 9)
    page = client.get(reverse("indicators:map"), {"indicator": "tos_count", "country": "RU"}).content.decode()
    assert f"{reverse('indicators:region', args=['RU-TYU'])}?indicator=tos_count&amp;year=2025" in page
    assert f"{reverse('indicators:municipality', args=[tyumen.pk])}?indicator=tos_count" in page
