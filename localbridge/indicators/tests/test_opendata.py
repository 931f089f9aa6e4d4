"""The open-data catalogue through the test client: the list, each dataset's data dictionary, the downloads in
CSV (parsed back), XLSX (opened with openpyxl) and JSON (parsed), 404s, what must never be published (drafts,
pending registrations, unpublished results, contacts of people), and a constant number of queries however many
rows a download has."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import at, put
from .opendata_data import PRIVATE, REGISTRY_SLUGS, add_records, fetch, opendata_world, read_csv, read_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(definitions):
    return opendata_world(definitions)


@pytest.fixture
def records(world):
    return add_records(world)


# --- the catalogue and the dictionary ----------------------------------------------------------------------------


def test_the_catalogue_lists_every_dataset_with_its_formats(client, world, records, definitions):
    response = client.get(reverse("opendata:list"))
    assert response.status_code == 200
    page = response.content.decode()
    active = [code for code, d in definitions.items() if d.is_active]
    for slug in ["indicators", "indicator-values", *REGISTRY_SLUGS, *(f"indicator-{code}" for code in active)]:
        assert f'data-slug="{slug}"' in page
        for fmt in ("csv", "xlsx", "json"):
            assert f'href="/opendata/{slug}.{fmt}"' in page
        assert f'href="/opendata/{slug}/"' in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    sections = {s["key"]: {r["dataset"].slug: r["rows"] for r in s["rows"]} for s in response.context["sections"]}
    assert sections["indicators"]["indicator-tos_count"] == 4 and sections["indicators"]["indicator-values"] == 5
    assert sections["indicators"]["indicators"] == len(active)
    assert sections["registries"]["tos"] == 1 and sections["registries"]["practices"] == 1
    assert sections["grants"]["awards"] == 1 and sections["grants"]["contests"] == 2  # one without results yet


def test_the_catalogue_takes_the_same_queries_however_many_records(client, world, django_assert_max_num_queries):
    add_records(world, 1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("opendata:list"))
    add_records(world, 3)
    with django_assert_max_num_queries(len(few)):
        assert client.get(reverse("opendata:list")).status_code == 200
    assert len(few) <= 12


def test_the_data_dictionary_explains_every_column(client, world, records):
    response = client.get(reverse("opendata:dataset", args=["tos"]))
    assert response.status_code == 200
    page = response.content.decode()
    dataset = response.context["dataset"]
    for field in dataset.fields:
        assert f'data-column="{field.name}"' in page
    assert "<code>registered</code>" in page and "<code>under_review</code>" not in page  # allowed values
    assert "http://testserver/opendata/tos.csv" in page and "/api/v1/opendata/tos" in page
    assert response.context["rows"] == 1 and len(response.context["preview"]) == 1
    assert 'rel="license"' in page


def test_an_indicators_dictionary_has_its_unit_and_first_rows(client, world, definitions):
    response = client.get(reverse("opendata:dataset", args=["indicator-tos_count"]))
    assert response.status_code == 200
    assert response.context["dataset"].title == definitions["tos_count"].name
    preview = response.context["preview"]
    assert len(preview) == 4
    assert response.context["updated"] == at(2025)


@pytest.mark.parametrize(
    "url",
    [
        "/opendata/nothing/",
        "/opendata/indicator-no_such_code/",
        "/opendata/nothing.csv",
        "/opendata/indicator-no_such_code.json",
        "/opendata/tos.xml",
        "/opendata/tos.CSV",
        "/opendata/tos.csv.zip",
    ],
)
def test_unknown_datasets_and_formats_are_not_found(client, world, url):
    assert client.get(url).status_code == 404


def test_an_inactive_indicator_is_not_published(client, world, definitions):
    definition = definitions["satisfaction_local_government"]
    definition.is_active = False
    definition.save()
    assert client.get("/opendata/indicator-satisfaction_local_government/").status_code == 404
    assert 'data-slug="indicator-satisfaction_local_government"' not in client.get("/opendata/").content.decode()
    _response, body = fetch(client, "/opendata/indicator-values.csv")
    assert {row["indicator_code"] for row in read_csv(body)} == {"tos_count"}


def test_the_indicators_page_links_the_catalogue(client, definitions):
    assert f'href="{reverse("opendata:list")}"' in client.get(reverse("indicators:list")).content.decode()


# --- downloads -------------------------------------------------------------------------------------------------


def test_an_indicator_as_csv(client, world):
    w = world
    response, body = fetch(client, "/opendata/indicator-tos_count.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="indicator-tos_count-' in response["Content-Disposition"]
    rows = read_csv(body)
    assert [(r["level"], r["territory_code"], r["year"], r["value"]) for r in rows] == [
        ("country", w.country.code, "2025", "7.0000"),
        ("municipality", "10701000", "2024", "3.0000"),
        ("municipality", "10701000", "2025", "4.0000"),
        ("region", "RU-AMU", "2025", "5.0000"),
    ]
    first_municipal = rows[1]
    assert first_municipal["territory_name"] == "Благовещенск" and first_municipal["region_code"] == "RU-AMU"
    assert first_municipal["country_code"] == w.country.code and first_municipal["territory_id"] == str(w.a1.pk)
    assert first_municipal["unit"] == "count" and first_municipal["indicator_source"] == "computed"
    assert first_municipal["is_generated"] == "False" and first_municipal["computed_at"].startswith("2025-06-15")


def test_every_value_with_the_generated_flag_as_json(client, world):
    response, body = fetch(client, "/opendata/indicator-values.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    document = json.loads(body)
    assert document["dataset"] == "indicator-values"
    assert document["licence"] == {
        "id": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert document["dictionary"] == "http://testserver/opendata/indicator-values/"
    assert [c["name"] for c in document["columns"]][:3] == ["indicator_code", "level", "territory_id"]
    assert len(document["data"]) == 5
    generated = [row for row in document["data"] if row["is_generated"]]
    assert generated == [
        {
            **generated[0],
            "indicator_code": "satisfaction_local_government",
            "value": "45.5000",
            "source_note": "Опрос",
            "indicator_source": "imported",
            "computed_at": None,
        }
    ]


def test_an_indicator_as_xlsx_with_numbers(client, world):
    response, body = fetch(client, "/opendata/indicator-tos_count.xlsx")
    assert response.status_code == 200
    rows = read_xlsx(body)
    assert len(rows) == 4
    assert rows[0]["value"] == 7 and rows[0]["level"] == "country"  # a number, not text
    assert rows[0]["is_generated"] is False


def test_the_definitions_dataset(client, world, definitions):
    _response, body = fetch(client, "/opendata/indicators.csv")
    rows = {row["code"]: row for row in read_csv(body)}
    assert set(rows) == {code for code, d in definitions.items() if d.is_active}
    tos = rows["tos_count"]
    assert tos["dataset"] == "indicator-tos_count" and tos["source"] == "computed" and tos["unit"] == "count"
    assert tos["zero_when_absent"] == "True" and tos["methodology_ru"]
    assert rows["satisfaction_local_government"]["value_max"] == "100.0000"


def test_the_tos_registry_in_every_format_without_contacts_or_pending_registrations(client, records):
    tos = records[0][0]
    for fmt in ("csv", "xlsx", "json"):
        response, body = fetch(client, f"/opendata/tos.{fmt}")
        assert response.status_code == 200
        if fmt == "csv":
            rows = read_csv(body)
        elif fmt == "xlsx":
            rows = read_xlsx(body)
        else:
            rows = json.loads(body)["data"]
        assert [row["name"] for row in rows] == [tos.name]
        row = rows[0]
        assert row["status"] == "registered" and row["territory_name"] == tos.tos.territory_name
        assert row["municipality_oktmo"] == "10701000" and row["region_code"] == "RU-AMU"
        assert str(row["residents"]) == "300" and str(row["registered_on"]).startswith("2024-06-15")
        assert row["url"] == f"http://testserver/organizations/{tos.pk}/"
        assert row["is_generated"] in (True, "True")
        for secret in (*PRIVATE, "ТОС на рассмотрении", "НКО, не ТОС"):
            assert secret.encode() not in body
        assert "email" not in row and "phone" not in row and "address" not in row


def test_practices_only_published_with_topics_and_organisations(client, records):
    _tos, practice, _result, _project = records[0]
    response, body = fetch(client, "/opendata/practices.csv")
    rows = read_csv(body)
    assert [row["id"] for row in rows] == [str(practice.pk)]
    row = rows[0]
    assert row["topics"] == "opendata_topic" and row["organizations"] == records[0][0].name
    assert row["adoptions"] == "1" and row["url"] == f"http://testserver/practices/{practice.pk}/"
    assert "Черновик практики".encode() not in body


def test_contests_without_drafts_and_their_awards(client, records):
    _tos, _practice, result, _project = records[0]
    _response, body = fetch(client, "/opendata/contests.json")
    contests = json.loads(body)["data"]
    by_title = {c["title"]: c for c in contests}
    assert "Черновой конкурс" not in by_title
    finished = by_title[result.contest.title]
    assert finished["status"] == "finished" and finished["applications"] == 2
    assert finished["awards"] == 1 and finished["amount_awarded"] == "150000.00"
    assert by_title["Конкурс без итогов"]["awards"] is None  # results not published: not told


def test_awards_are_funded_results_of_published_contests_only(client, records):
    _tos, _practice, result, project = records[0]
    _response, body = fetch(client, "/opendata/awards.csv")
    rows = read_csv(body)
    assert [row["id"] for row in rows] == [str(result.pk)]
    row = rows[0]
    assert row["amount"] == "150000.00" and row["currency"] == "RUB" and row["score"] == "75.50"
    assert row["recipient_name"] == result.application.organization.name
    assert row["municipality_id"] == str(result.application.municipality_id)
    assert row["project_id"] == str(project.pk) and row["award_date"] == "2025-05-01"
    assert "Неопубликованная награда".encode() not in body


def test_projects_with_money_by_source(client, records):
    project = records[0][3]
    _response, body = fetch(client, "/opendata/projects.xlsx")
    rows = read_xlsx(body)
    assert [row["id"] for row in rows] == [project.pk]
    row = rows[0]
    assert row["planned_total"] == Decimal("120000.5") or row["planned_total"] == 120000.5
    assert row["planned_grant"] == 100000 and row["planned_residents"] == 20000.5 and row["planned_sponsors"] == 0
    assert row["spent_total"] == 30000 and row["stage"] == "implementation"
    assert row["award_application_id"] == project.application_id


def test_agreements_only_concluded_without_signatories(client, world, records):
    _response, body = fetch(client, "/opendata/agreements.csv")
    rows = read_csv(body)
    assert len(rows) == 1
    row = rows[0]
    assert row["status"] == "signed" and row["kind"] == "twinning" and row["signed_on"] == "2024-05-09"
    assert row["parties"] == "Благовещенск; Смоленск" and row["party_oktmo"] == "10701000"
    assert "Черновик соглашения".encode() not in body and "Иванов".encode() not in body


# --- queries -----------------------------------------------------------------------------------------------------

SLUGS = ["indicator-values", "indicators", "indicator-tos_count", *REGISTRY_SLUGS]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_every_download_takes_the_same_queries_however_many_rows(
    client, world, definitions, fmt, django_assert_max_num_queries
):
    add_records(world, 1)
    few = {}
    for slug in SLUGS:
        with CaptureQueriesContext(connection) as queries:
            response, _body = fetch(client, f"/opendata/{slug}.{fmt}")
        assert response.status_code == 200
        few[slug] = len(queries)
    add_records(world, 4)
    for code in ("tos_count", "tos_residents"):
        for year in (2020, 2021, 2022):
            put(definitions[code], world.a2, year, 1)
    for slug in SLUGS:
        with django_assert_max_num_queries(few[slug]):
            fetch(client, f"/opendata/{slug}.{fmt}")
        assert few[slug] <= 4, slug


def test_xlsx_takes_the_same_queries_however_many_rows(client, world, django_assert_max_num_queries):
    add_records(world, 1)
    with CaptureQueriesContext(connection) as few:
        fetch(client, "/opendata/practices.xlsx")
    add_records(world, 3)
    with django_assert_max_num_queries(len(few)):
        _response, body = fetch(client, "/opendata/practices.xlsx")
    assert len(read_xlsx(body)) == 4
