"""/api/v1/territories/: shapes, filters, pagination as {"items", "count"}, and 404s."""

import pytest

from localbridge.territories.models import MunicipalityKind
from localbridge.territories.tests.factories import (
    CountryFactory,
    MunicipalityFactory,
    RegionFactory,
    SettlementFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/territories"


@pytest.fixture
def amur():
    return RegionFactory(
        code="RU-AMU", name_ru="Амурская область", name_en="Amurskaya oblast'", federal_district="far_eastern"
    )


@pytest.fixture
def blagoveshchensk(amur):
    return MunicipalityFactory(
        region=amur,
        name_ru="Благовещенск",
        name_en="Blagoveshchensk",
        kind=MunicipalityKind.URBAN_OKRUG,
        oktmo="10701000",
        population=226400,
        latitude=50.29,
        longitude=127.53,
        timezone="Asia/Yakutsk",
        geonameid=2026609,
    )


def test_countries_are_paginated(client, amur):
    CountryFactory(code="FI", code3="FIN", name_ru="Финляндия", name_en="Finland")
    body = client.get(f"{API}/countries/", {"limit": 1}).json()
    assert body["count"] == 2
    assert body["items"] == [
        {"code": "RU", "code3": "RUS", "name_ru": "Россия", "name_en": "Russia"}
    ]  # by Russian name


def test_regions_list_russian_regions_by_default(client, amur, blagoveshchensk):
    finland = CountryFactory(code="FI", code3="FIN", name_ru="Финляндия", name_en="Finland")
    RegionFactory(code="FI-18", country=finland, name_ru="Уусимаа", name_en="Uusimaa")
    body = client.get(f"{API}/regions/").json()
    assert body == {
        "items": [
            {
                "code": "RU-AMU",
                "country": "RU",
                "name_ru": "Амурская область",
                "name_en": "Amurskaya oblast'",
                "federal_district": "far_eastern",
                "municipality_count": 1,
            }
        ],
        "count": 1,
    }
    assert [r["code"] for r in client.get(f"{API}/regions/", {"country": "fi"}).json()["items"]] == ["FI-18"]


def test_regions_filter_by_federal_district(client, amur):
    RegionFactory(code="RU-SMO", name_ru="Смоленская область", federal_district="central")
    items = client.get(f"{API}/regions/", {"federal_district": "central"}).json()["items"]
    assert [r["code"] for r in items] == ["RU-SMO"]


def test_region_detail_and_404(client, amur):
    assert client.get(f"{API}/regions/ru-amu").json()["name_ru"] == "Амурская область"
    response = client.get(f"{API}/regions/RU-XXX")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_municipalities_filter_by_region_name_and_kind(client, amur, blagoveshchensk):
    MunicipalityFactory(region=amur, name_ru="Тында", kind=MunicipalityKind.URBAN_SETTLEMENT)
    MunicipalityFactory(region=RegionFactory(code="RU-SMO"), name_ru="Смоленск")
    body = client.get(f"{API}/municipalities/", {"region": "RU-AMU", "q": "благ"}).json()
    assert body["count"] == 1
    assert body["items"][0] == {
        "id": blagoveshchensk.pk,
        "name_ru": "Благовещенск",
        "name_en": "Blagoveshchensk",
        "kind": "urban_okrug",
        "oktmo": "10701000",
        "country": "RU",
        "region": "RU-AMU",
        "population": 226400,
        "latitude": 50.29,
        "longitude": 127.53,
        "timezone": "Asia/Yakutsk",
        "geonameid": 2026609,
    }
    items = client.get(f"{API}/municipalities/", {"region": "RU-AMU", "kind": "urban_settlement"}).json()["items"]
    assert [m["name_ru"] for m in items] == ["Тында"]
    assert client.get(f"{API}/municipalities/").json()["count"] == 3


def test_municipalities_refuse_an_unknown_kind_and_region(client, amur):
    response = client.get(f"{API}/municipalities/", {"kind": "castle"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"
    assert client.get(f"{API}/municipalities/", {"region": "RU-XXX"}).status_code == 404


def test_municipality_detail_and_404(client, blagoveshchensk):
    SettlementFactory(municipality=blagoveshchensk)
    body = client.get(f"{API}/municipalities/{blagoveshchensk.pk}").json()
    assert body["oktmo"] == "10701000" and body["settlement_count"] == 1 and body["parent"] is None
    assert client.get(f"{API}/municipalities/{blagoveshchensk.pk + 1000}").status_code == 404


def test_settlements_of_a_municipality(client, blagoveshchensk):
    settlement = SettlementFactory(
        municipality=blagoveshchensk, name_ru="Благовещенск", oktmo="10701000001", foundation_year=1856
    )
    SettlementFactory()
    body = client.get(f"{API}/settlements/", {"municipality": blagoveshchensk.pk}).json()
    assert body["count"] == 1
    assert body["items"][0]["id"] == settlement.pk
    assert body["items"][0]["municipality"] == blagoveshchensk.pk
    assert body["items"][0]["foundation_year"] == 1856
    assert client.get(f"{API}/settlements/", {"municipality": 999999}).status_code == 404


def test_the_municipality_list_makes_the_same_number_of_queries_for_many_rows(client, amur, django_assert_num_queries):
    MunicipalityFactory.create_batch(2, region=amur)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}/municipalities/", {"region": "RU-AMU"})
    MunicipalityFactory.create_batch(30, region=amur)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(f"{API}/municipalities/", {"region": "RU-AMU"}).json()["count"] == 32
