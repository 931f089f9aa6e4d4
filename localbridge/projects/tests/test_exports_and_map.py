"""The exports (CSV and XLSX of projects with their plan and actual by source, and of spending) follow the list's
filters; the map's data is [[id, lat, lon, stage], …] of projects with a point, capped, and a marker's popup is
fetched by id."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from localbridge.projects import views
from localbridge.projects.models import ProjectStage
from localbridge.projects.tests.factories import BudgetLineFactory, ExpenseFactory, ProjectFactory
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_the_projects_csv_has_plan_and_actual_per_source_and_in_total(client):
    project = ProjectFactory(title="Сквер")
    line = BudgetLineFactory(project=project, source="sponsors", planned=Decimal("5000"))
    ExpenseFactory(line=line, amount=Decimal("1250.50"))
    ProjectFactory(title="Другой", municipality=MunicipalityFactory())
    response = client.get(reverse("projects:export", args=["csv"]), {"municipality": project.municipality_id})
    assert response.status_code == 200
    header, *rows = _csv(response)
    assert len(header) == 9 + 2 * 7 + 4
    (row,) = rows
    assert row[1] == "Сквер"
    values = dict(zip(header, row, strict=True))
    assert "5000.00" in values.values() and "1250.50" in values.values()
    assert row[-4] == "5000.00" and row[-3] == "1250.50"


def test_the_projects_xlsx_opens(client):
    ProjectFactory(title="Сквер")
    response = client.get(reverse("projects:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "Сквер"


def test_the_spending_export_lists_each_expense_of_the_filtered_projects(client):
    project = ProjectFactory(stage=ProjectStage.DESIGN)
    ExpenseFactory(line=BudgetLineFactory(project=project, title="Скамейки"), amount=Decimal("700"))
    ExpenseFactory(line=BudgetLineFactory(project=ProjectFactory(municipality=MunicipalityFactory())))
    header, *rows = _csv(client.get(reverse("projects:spending_export", args=["csv"]), {"stage": "design"}))
    assert [(r[0], r[5], r[7]) for r in rows] == [(str(project.pk), "Скамейки", "700.00")]
    response = client.get(reverse("projects:spending_export", args=["xlsx"]))
    assert response.status_code == 200


def test_an_unknown_format_is_404(client):
    assert client.get(reverse("projects:export", args=["pdf"])).status_code == 404


def test_the_projects_export_runs_as_many_queries_for_many_projects(client):
    ExpenseFactory(line=BudgetLineFactory(project=ProjectFactory()))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("projects:export", args=["xlsx"]))
    for _ in range(10):
        ExpenseFactory(line=BudgetLineFactory(project=ProjectFactory(municipality=MunicipalityFactory())))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("projects:export", args=["xlsx"]))
    assert len(many) == len(few)


def test_the_map_data_has_the_projects_with_a_point(client, monkeypatch):
    placed = ProjectFactory(latitude=Decimal("50.29"), longitude=Decimal("127.53"))
    ProjectFactory(municipality=MunicipalityFactory())
    response = client.get(reverse("projects:map_data"))
    assert response.json() == [[placed.pk, 50.29, 127.53, "implementation"]]
    assert response["X-Map-Truncated"] == "0"
    monkeypatch.setattr(views, "MAP_CAP", 0)
    assert client.get(reverse("projects:map_data"))["X-Map-Truncated"] == "1"


def test_the_map_data_follows_the_filters(client):
    ProjectFactory(latitude=Decimal("50"), longitude=Decimal("127"), stage=ProjectStage.DESIGN)
    assert client.get(reverse("projects:map_data"), {"stage": "completed"}).json() == []


def test_a_markers_popup_is_fetched_by_id(client):
    project = ProjectFactory(title="Сквер")
    body = client.get(reverse("projects:map_popup", args=[project.pk])).json()
    assert body["title"] == "Сквер" and body["url"] == reverse("projects:detail", args=[project.pk])
    assert client.get(reverse("projects:map_popup", args=[999999])).status_code == 404


def test_the_map_page_keeps_the_filters(client):
    city = MunicipalityFactory()
    ProjectFactory(municipality=city)
    response = client.get(reverse("projects:map"), {"municipality": city.pk})
    assert response.status_code == 200
    assert f"municipality={city.pk}" in response.content.decode()
