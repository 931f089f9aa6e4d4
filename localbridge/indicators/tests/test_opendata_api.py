"""The open-data catalogue in the API as a contract: every dataset with its addresses and columns, one dataset's
dictionary, 404 with the API's error body, and a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .opendata_data import REGISTRY_SLUGS, add_records, opendata_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(definitions):
    return opendata_world(definitions)


def test_the_list_documents_every_dataset(client, world, definitions):
    response = client.get("/api/v1/opendata/")
    assert response.status_code == 200
    body = response.json()
    active = [code for code, d in definitions.items() if d.is_active]
    slugs = [item["slug"] for item in body["items"]]
    assert body["count"] == len(slugs) == 2 + len(active) + len(REGISTRY_SLUGS)
    assert set(slugs) == {"indicators", "indicator-values", *REGISTRY_SLUGS, *(f"indicator-{c}" for c in active)}
    tos = next(item for item in body["items"] if item["slug"] == "tos")
    assert tos["formats"] == {
        "csv": "http://testserver/opendata/tos.csv",
        "xlsx": "http://testserver/opendata/tos.xlsx",
        "json": "http://testserver/opendata/tos.json",
    }
    assert tos["dictionary"] == "http://testserver/opendata/tos/" and tos["group"] == "registries"
    assert tos["licence"]["id"] == "CC-BY-4.0"
    columns = {c["name"]: c for c in tos["columns"]}
    assert columns["residents"]["type"] == "integer" and columns["residents"]["unit"]
    assert {v["value"] for v in columns["status"]["values"]} == {"registered", "active", "closed"}
    assert "email" not in columns and "phone" not in columns


def test_the_list_is_paginated_and_takes_one_query(client, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = client.get("/api/v1/opendata/?limit=3&offset=1").json()
    assert len(page["items"]) == 3 and page["items"][0]["slug"] == "indicator-values"


def test_one_datasets_dictionary(client, world):
    add_records(world)
    body = client.get("/api/v1/opendata/indicator-tos_count").json()
    assert body["slug"] == "indicator-tos_count" and body["group"] == "indicators"
    assert body["rows"] == 4 and body["updated"].startswith("2025-06-15")
    assert body["source"] and body["update_rule"] and body["publisher"] == "LocalBridge"
    value = next(c for c in body["columns"] if c["name"] == "value")
    assert value["type"] == "decimal" and value["unit"]
    generated = next(c for c in body["columns"] if c["name"] == "is_generated")
    assert generated["type"] == "boolean"
    awards = client.get("/api/v1/opendata/awards-360giving").json()
    assert awards["rows"] == 1 and awards["notes"]
    assert [c["name"] for c in awards["columns"]][:3] == ["Identifier", "Title", "Description"]


def test_the_dictionary_takes_the_same_queries_however_many_records(client, world, django_assert_max_num_queries):
    add_records(world, 1)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/opendata/practices")
    add_records(world, 3)
    with django_assert_max_num_queries(len(few)):
        assert client.get("/api/v1/opendata/practices").json()["rows"] == 4


@pytest.mark.parametrize("slug", ["nothing", "indicator-no_such_code"])
def test_an_unknown_dataset_is_a_404_with_the_error_body(client, world, slug):
    response = client.get(f"/api/v1/opendata/{slug}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_licence_is_a_setting(client, world, settings):
    settings.OPENDATA_LICENCE = {
        "id": "ODbL-1.0",
        "title": "Open Database License",
        "url": "https://opendatacommons.org/licenses/odbl/1-0/",
    }
    item = client.get("/api/v1/opendata/?limit=1").json()["items"][0]
    assert item["licence"] == {
        "id": "ODbL-1.0",
        "title": "Open Database License",
        "url": "https://opendatacommons.org/licenses/odbl/1-0/",
    }
    assert "https://opendatacommons.org/licenses/odbl/1-0/" in client.get("/opendata/").content.decode()
