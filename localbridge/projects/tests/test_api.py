"""GET /api/v1/projects/ and /api/v1/projects/{id}: the stage, the plan and the actual spending in total and by
source of money, the filters, paging, 404 in the API's one error shape, and a query count that does not grow."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from localbridge.projects.models import ProjectStage, ReportStatus
from localbridge.projects.tests.factories import (
    BudgetLineFactory,
    ExpenseFactory,
    MilestoneFactory,
    ProjectFactory,
    ReportFactory,
    ReportPhotoFactory,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


def test_a_project_comes_with_its_stage_and_plan_and_actual_by_source(client):
    project = ProjectFactory(title="Сквер")
    grant = BudgetLineFactory(project=project, source="grant", planned=Decimal("100000"))
    BudgetLineFactory(project=project, source="residents", planned=Decimal("20000"))
    ExpenseFactory(line=grant, amount=Decimal("120000"))
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["stage"] == "implementation"
    assert item["budget"]["planned"] == "120000.00" and item["budget"]["actual"] == "120000.00"
    assert item["budget"]["sources"] == [
        {
            "source": "grant",
            "label": item["budget"]["sources"][0]["label"],
            "planned": "100000.00",
            "actual": "120000.00",
            "over_plan": True,
        },
        {
            "source": "residents",
            "label": item["budget"]["sources"][1]["label"],
            "planned": "20000.00",
            "actual": "0.00",
            "over_plan": False,
        },
    ]
    assert item["url"] == f"/projects/{project.pk}/"


def test_the_list_filters_by_municipality_stage_and_year_and_pages(client):
    city = MunicipalityFactory()
    wanted = [ProjectFactory(municipality=city, stage=ProjectStage.DESIGN, year=2025) for _ in range(3)]
    ProjectFactory(municipality=city, stage=ProjectStage.COMPLETED, year=2025)
    ProjectFactory(municipality=city, stage=ProjectStage.DESIGN, year=2024)
    ProjectFactory(stage=ProjectStage.DESIGN, year=2025)
    response = client.get(URL, {"municipality": city.pk, "stage": "design", "year": 2025, "limit": 2, "offset": 1})
    body = response.json()
    assert body["count"] == 3
    assert [i["id"] for i in body["items"]] == [p.pk for p in reversed(wanted)][1:]
    assert client.get(URL, {"stage": "active", "municipality": city.pk}).json()["count"] == 4


def test_a_bad_limit_is_refused_in_the_apis_shape(client):
    response = client.get(URL, {"limit": 1000})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_the_list_runs_as_many_queries_for_many_projects(client):
    ExpenseFactory(line=BudgetLineFactory(project=ProjectFactory()))
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(10):
        ExpenseFactory(line=BudgetLineFactory(project=ProjectFactory(municipality=MunicipalityFactory())))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(URL).json()["items"]) == 11
    assert len(many) == len(few)


def test_one_project_with_its_milestones_stages_and_reports(client):
    project = ProjectFactory()
    MilestoneFactory(project=project, planned_date=date(2020, 1, 1))
    report = ReportFactory(project=project, status=ReportStatus.SUBMITTED)
    ReportPhotoFactory(report=report)
    ReportFactory(project=project, status=ReportStatus.DRAFT)
    body = client.get(f"{URL}{project.pk}").json()
    assert body["id"] == project.pk
    assert [m["overdue"] for m in body["milestones"]] == [True]
    assert len(body["stages"]) == 5
    assert [(r["id"], r["photos"]) for r in body["reports"]] == [(report.pk, 1)]


def test_an_unknown_project_is_404(client):
    response = client.get(f"{URL}999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
