"""The territories pages: content, filters, exports, 404s, and query counts that stay constant as lists grow."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from localbridge.territories.models import MunicipalityKind
from localbridge.territories.tests.factories import (
    CountryFactory,
    MunicipalityFactory,
    RegionFactory,
    SettlementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def amur():
    return RegionFactory(code="RU-AMU", name_ru="Амурская область", federal_district="far_eastern")


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_regions_page_lists_regions_with_municipality_counts(client, amur):
    RegionFactory(code="RU-SMO", name_ru="Смоленская область", federal_district="central")
    MunicipalityFactory.create_batch(2, region=amur)
    response = client.get(reverse("territories:region_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Амурская область" in body and "Смоленская область" in body
    assert reverse("territories:region_detail", args=["RU-AMU"]) in body
    assert '<td class="numeric">2</td>' in body


def test_regions_page_filters_by_federal_district(client, amur):
    RegionFactory(code="RU-SMO", name_ru="Смоленская область", federal_district="central")
    body = client.get(reverse("territories:region_list"), {"federal_district": "central"}).content.decode()
    assert "Смоленская область" in body and "Амурская область" not in body


def test_an_unknown_federal_district_is_an_error_beside_the_field_and_no_filter(client, amur):
    response = client.get(reverse("territories:region_list"), {"federal_district": "atlantis"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist"' in body and "Амурская область" in body


def test_region_page_lists_its_municipalities_with_search_and_kind_filter(client, amur):
    MunicipalityFactory(region=amur, name_ru="Благовещенск", kind=MunicipalityKind.URBAN_OKRUG)
    MunicipalityFactory(region=amur, name_ru="Свободный", kind=MunicipalityKind.URBAN_OKRUG)
    MunicipalityFactory(region=amur, name_ru="Тында", kind=MunicipalityKind.URBAN_SETTLEMENT)
    MunicipalityFactory(region=RegionFactory(code="RU-SMO"), name_ru="Смоленск")
    url = reverse("territories:region_detail", args=["RU-AMU"])
    body = client.get(url).content.decode()
    assert "<h1>Амурская область</h1>" in body
    assert "Благовещенск" in body and "Тында" in body and "Смоленск" not in body
    body = client.get(url, {"q": "БЛАГ"}).content.decode()
    assert "Благовещенск" in body and "Свободный" not in body
    body = client.get(url, {"kind": "urban_settlement"}).content.decode()
    assert "Тында" in body and "Свободный" not in body


def test_region_page_links_to_the_organisations_of_the_region(client, amur):
    body = client.get(reverse("territories:region_detail", args=["RU-AMU"])).content.decode()
    assert f"{reverse('organizations:list')}?region=RU-AMU" in body


def test_an_unknown_region_is_404(client):
    assert client.get(reverse("territories:region_detail", args=["RU-XXX"])).status_code == 404


def test_municipalities_page_searches_across_regions(client, amur):
    MunicipalityFactory(region=amur, name_ru="Благовещенск")
    MunicipalityFactory(region=RegionFactory(code="RU-SMO", name_ru="Смоленская область"), name_ru="Смоленск")
    body = client.get(reverse("territories:municipality_list"), {"q": "смол"}).content.decode()
    assert "Смоленск" in body and "Благовещенск" not in body
    assert "Смоленская область" in body


def test_municipality_page_shows_its_facts_settlements_map_and_organisations_link(client, amur):
    municipality = MunicipalityFactory(
        region=amur,
        name_ru="Благовещенск",
        name_en="Blagoveshchensk",
        oktmo="10701000",
        population=226400,
        latitude=50.290659,
        longitude=127.527198,
        timezone="Asia/Yakutsk",
    )
    SettlementFactory(municipality=municipality, name_ru="Благовещенск", oktmo="10701000001", foundation_year=1856)
    response = client.get(reverse("territories:municipality_detail", args=[municipality.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "10701000" in body and "10701000001" in body and "Asia/Yakutsk" in body and "1856" in body
    assert f"{reverse('organizations:list')}?municipality={municipality.pk}" in body
    assert 'data-lat="50.290659"' in body and 'data-lon="127.527198"' in body
    assert "territories/map.js" in body and "leaflet.js" in body
    assert "openstreetmap.org/?mlat=50.29066" in body  # readable without JavaScript
    assert "<script>" not in body  # no inline script (the CSP forbids it)


def test_municipality_page_without_coordinates_has_no_map(client, amur):
    municipality = MunicipalityFactory(region=amur)
    body = client.get(reverse("territories:municipality_detail", args=[municipality.pk])).content.decode()
    assert "leaflet.js" not in body and "data-lat" not in body


def test_an_unknown_municipality_is_404(client):
    assert client.get(reverse("territories:municipality_detail", args=[999999])).status_code == 404


def test_countries_page_lists_only_countries_with_territories(client, amur):
    CountryFactory(code="FI", code3="FIN", name_ru="Финляндия", name_en="Finland")
    MunicipalityFactory(region=amur)
    body = client.get(reverse("territories:country_list")).content.decode()
    assert "Россия" in body and "Финляндия" not in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_region_municipalities_export_with_the_page_filters(client, amur, fmt):
    MunicipalityFactory(region=amur, name_ru="Благовещенск", oktmo="10701000")
    MunicipalityFactory(region=amur, name_ru="Свободный", oktmo="10710000")
    MunicipalityFactory(region=RegionFactory(code="RU-SMO"), name_ru="Смоленск")
    response = client.get(reverse("territories:municipality_export", args=[fmt]), {"region": "RU-AMU", "q": "благ"})
    assert response.status_code == 200
    if fmt == "csv":
        rows = _csv(response)
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[str(v) if v is not None else "" for v in row] for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 2
    assert rows[1][0] == "Благовещенск" and rows[1][3] == "10701000" and rows[1][4] == "RU-AMU"


def test_regions_countries_and_settlements_export(client, amur):
    municipality = MunicipalityFactory(region=amur)
    SettlementFactory(municipality=municipality, name_ru="Благовещенск")
    assert _csv(client.get(reverse("territories:region_export", args=["csv"])))[1][:2] == ["RU-AMU", "Амурская область"]
    assert _csv(client.get(reverse("territories:country_export", args=["csv"])))[1][0] == "RU"
    rows = _csv(client.get(reverse("territories:settlement_export", args=[municipality.pk, "csv"])))
    assert rows[1][0] == "Благовещенск"


def test_an_unknown_export_format_or_region_is_404(client, amur):
    assert client.get(reverse("territories:region_export", args=["pdf"])).status_code == 404
    response = client.get(reverse("territories:municipality_export", args=["csv"]), {"region": "RU-XXX"})
    assert response.status_code == 404


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_list_pages_make_the_same_number_of_queries_for_few_and_many_rows(client, amur, django_assert_num_queries):
    municipality = MunicipalityFactory(region=amur)
    SettlementFactory(municipality=municipality)
    urls = [
        reverse("territories:region_list"),
        reverse("territories:country_list"),
        reverse("territories:region_detail", args=["RU-AMU"]),
        reverse("territories:municipality_list"),
        reverse("territories:municipality_detail", args=[municipality.pk]),
    ]
    few = {url: _count_queries(client, url) for url in urls}
    for n in range(30):
        RegionFactory(code=f"RU-X{n:02d}", name_ru=f"Регион {n}")
    MunicipalityFactory.create_batch(40, region=amur)
    SettlementFactory.create_batch(40, municipality=municipality)
    for url in urls:
        with django_assert_num_queries(few[url]):
            client.get(url)
    assert few[reverse("territories:region_detail", args=["RU-AMU"])] <= 3
