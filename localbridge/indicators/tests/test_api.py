"""The indicators API as a contract: definitions, values filtered by indicator, territory, level and year,
pagination, errors with codes, and a constant number of queries."""

import pytest

from .factories import make_world, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(definitions):
    w = make_world()
    w.a1.oktmo = "10701000"
    w.a1.save()
    tos = definitions["tos_count"]
    put(tos, w.a1, 2024, 3, computed_at=None)
    put(tos, w.a1, 2025, 4)
    put(tos, w.a2, 2025, 1)
    put(tos, w.b1, 2025, 2)
    put(tos, w.region_a, 2025, 5)
    put(tos, w.country, 2025, 7)
    put(definitions["satisfaction_local_government"], w.a1, 2025, "45.5", source_note="Опрос", is_generated=True)
    return w


def test_definitions_are_listed_with_their_methodology_in_the_requested_language(client, definitions):
    response = client.get("/api/v1/indicators/?limit=100")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(definitions) and len(body["items"]) == len(definitions)
    first = body["items"][0]
    assert first["code"] == "tos_count" and first["name"] == "Число ТОС"
    assert first["source"] == "computed" and first["better"] == "higher" and first["zero_when_absent"] is True
    assert first["methodology_ru"] and first["methodology_en"]
    english = client.get("/api/v1/indicators/?limit=1&lang=en").json()["items"][0]
    assert english["name"] == "Number of ТОС" and english["methodology"] == english["methodology_en"]
    imported = client.get("/api/v1/indicators/?source=imported&limit=100").json()
    assert imported["items"] and {d["source"] for d in imported["items"]} == {"imported"}
    assert client.get("/api/v1/indicators/satisfaction_local_government").json()["value_max"] == "100.0000"


def test_values_of_a_municipality(client, world):
    w = world
    body = client.get(f"/api/v1/indicators/values?municipality={w.a1.pk}").json()
    assert body["count"] == 3
    assert [(i["code"], i["year"], i["value"]) for i in body["items"]] == [
        ("tos_count", 2024, "3.0000"),
        ("tos_count", 2025, "4.0000"),
        ("satisfaction_local_government", 2025, "45.5000"),
    ]
    item = body["items"][2]
    assert item["territory"] == {"id": w.a1.pk, "name": "Благовещенск", "code": "10701000"}
    assert item["level"] == "municipality" and item["source"] == "imported" and item["is_generated"] is True
    assert item["source_note"] == "Опрос"


def test_the_map_of_a_region_and_the_regions_and_countrys_own_values(client, world):
    w = world
    url = "/api/v1/indicators/values?code=tos_count&year=2025"
    on_map = client.get(f"{url}&region=RU-AMU&level=municipality").json()
    assert sorted((i["territory"]["id"], i["value"]) for i in on_map["items"]) == [
        (w.a1.pk, "4.0000"),
        (w.a2.pk, "1.0000"),
    ]
    region = client.get(f"{url}&region=ru-amu").json()
    assert [(i["level"], i["territory"]["code"], i["value"]) for i in region["items"]] == [
        ("region", "RU-AMU", "5.0000")
    ]
    country = client.get(f"{url}&country=RU").json()
    assert [(i["level"], i["territory"]["code"]) for i in country["items"]] == [("country", "RU")]
    every = client.get(f"{url}&country=RU&level=municipality").json()
    assert every["count"] == 3
    assert client.get(f"{url}&level=region").json()["count"] == 1


def test_values_are_paginated(client, world):
    page = client.get("/api/v1/indicators/values?code=tos_count&limit=2&offset=2").json()
    assert page["count"] == 6 and len(page["items"]) == 2


@pytest.mark.parametrize(
    "query",
    ["code=no_such_indicator", "municipality=999999", "region=RU-XXX", "country=ZZ"],
)
def test_an_unknown_indicator_or_territory_is_a_404_with_the_apis_error_body(client, world, query):
    response = client.get(f"/api/v1/indicators/values?{query}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_bad_filters_are_a_422(client, world):
    response = client.get("/api/v1/indicators/values?year=abc&level=planet")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert {e["field"] for e in response.json()["errors"]} == {"year", "level"}


def test_the_values_list_takes_the_same_queries_however_many_values_there_are(
    client, world, definitions, django_assert_num_queries
):
    url = "/api/v1/indicators/values?code=tos_count&limit=100"
    with django_assert_num_queries(3):  # the definition, the count, the page
        client.get(url)
    for year in range(2000, 2020):
        put(definitions["tos_count"], world.a2, year, year)
    with django_assert_num_queries(3):
        assert client.get(url).json()["count"] == 26


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/indicators/", "/api/v1/indicators/values", "/api/v1/indicators/{code}"} <= set(paths)
