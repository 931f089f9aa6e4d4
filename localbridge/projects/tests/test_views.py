"""The projects pages through the test client: the list with its filters and paging, a project's page with its
timeline, plan against actual and problem notes, who is offered which form, the owner's, the funder's and the
residents' forms (errors beside the fields, nothing half-saved), and query counts that do not grow with the rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole, OrganizationStatus
from localbridge.organizations.tests.factories import MembershipFactory, TosFactory
from localbridge.projects.models import (
    Expense,
    Inspection,
    InspectionStatus,
    Milestone,
    ProjectStage,
    Report,
    ReportKind,
    ReportStatus,
    Verdict,
)
from localbridge.projects.tests.factories import (
    BudgetLineFactory,
    ExpenseFactory,
    InspectionFactory,
    InspectionPhotoFactory,
    MilestoneFactory,
    ProjectFactory,
    RatingFactory,
    ReportFactory,
    ReportPhotoFactory,
    make_cast,
    pdf,
    photo,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("projects:list")


def _detail(project):
    return reverse("projects:detail", args=[project.pk])


def _manage(project):
    return reverse("projects:manage", args=[project.pk])


def _grow(project, n):
    """n milestones, lines with spending, reports with photos, notes with photos and ratings."""
    for _ in range(n):
        MilestoneFactory(project=project)
        ExpenseFactory(line=BudgetLineFactory(project=project))
        report = ReportFactory(project=project, status=ReportStatus.SUBMITTED)
        ReportPhotoFactory(report=report)
        InspectionPhotoFactory(inspection=InspectionFactory(project=project))
        RatingFactory(project=project)


# --- the list ------------------------------------------------------------------------------------------------------


def test_the_list_shows_projects_with_their_plan_and_spending(client):
    project = ProjectFactory(title="Сквер у школы")
    ExpenseFactory(line=BudgetLineFactory(project=project, planned=Decimal("1000")), amount=Decimal("1500"))
    response = client.get(LIST_URL)
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row[0] == project
    assert row[1].planned == Decimal("1000") and row[1].actual == Decimal("1500") and row[1].over
    assert "Сквер у школы" in response.content.decode()


def test_the_list_filters_by_municipality_stage_source_year_and_origin(client):
    city = MunicipalityFactory()
    wanted = ProjectFactory(municipality=city, stage=ProjectStage.DESIGN, year=2025)
    BudgetLineFactory(project=wanted, source="sponsors")
    ProjectFactory(municipality=city, stage=ProjectStage.COMPLETED, year=2025)
    ProjectFactory(stage=ProjectStage.DESIGN, year=2025)
    query = {"municipality": city.pk, "stage": "design", "source": "sponsors", "year": 2025, "origin": "own"}
    response = client.get(LIST_URL, query)
    assert [p for p, _ in response.context["rows"]] == [wanted]
    assert response.context["has_filters"]
    response = client.get(LIST_URL, {"stage": "active", "municipality": city.pk})
    assert [p for p, _ in response.context["rows"]] == [wanted]


def test_unknown_filter_values_show_everything(client):
    ProjectFactory()
    response = client.get(LIST_URL, {"stage": "bogus", "year": "x", "municipality": "999999"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1


def test_the_list_is_paged(client):
    for _ in range(27):
        ProjectFactory(municipality=MunicipalityFactory())
    response = client.get(LIST_URL, {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["rows"]) == 2


def test_the_list_runs_as_many_queries_for_many_projects_as_for_few(client):
    city = MunicipalityFactory()
    for _ in range(2):
        _grow(ProjectFactory(municipality=city), 1)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    for _ in range(20):
        _grow(ProjectFactory(municipality=MunicipalityFactory()), 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST_URL)
    assert len(response.context["rows"]) == 22 or len(response.context["rows"]) == 25
    assert len(many) == len(few)


# --- a project's page ----------------------------------------------------------------------------------------------


def test_the_page_shows_the_timeline_budget_overdue_milestones_and_open_problems(client):
    cast = make_cast()
    project = cast.project
    MilestoneFactory(project=project, title="Завезти песок", planned_date=date(2020, 1, 1))
    line = BudgetLineFactory(project=project, planned=Decimal("100"), source="grant")
    ExpenseFactory(line=line, amount=Decimal("150"))
    InspectionFactory(project=project, text="Скамейка шатается", verdict=Verdict.PROBLEMS)
    response = client.get(_detail(project))
    assert response.status_code == 200
    detail = response.context["detail"]
    assert [m.title for m in detail.overdue_milestones] == ["Завезти песок"]
    assert [w.code for w in detail.budget.warnings] == ["line_over_plan", "source_over_plan", "total_over_plan"]
    kinds = [entry.kind for entry, _label in response.context["timeline"]]
    assert {"milestone_due", "expense", "inspection"} <= set(kinds)
    page = response.content.decode()
    assert 'id="problems"' in page and "Скамейка шатается" in page
    assert 'data-code="total_over_plan"' in page
    assert 'class="badge overdue"' in page


def test_the_timeline_is_newest_first(client):
    project = ProjectFactory()
    MilestoneFactory(project=project, planned_date=date(2026, 1, 1))
    MilestoneFactory(project=project, planned_date=date(2026, 3, 1))
    response = client.get(_detail(project))
    days = [entry.on for entry, _label in response.context["timeline"]]
    assert days == sorted(days, reverse=True)


def test_the_page_of_an_unknown_project_is_404(client):
    assert client.get(reverse("projects:detail", args=[999999])).status_code == 404


def test_the_page_links_the_origin_of_an_award(client):
    from localbridge.contests.tests.factories import ApplicationFactory

    application = ApplicationFactory()
    project = ProjectFactory(origin="contest_award", application=application)
    response = client.get(_detail(project))
    assert response.context["origin"][0] == reverse("contests:results", args=[application.contest_id])


def test_the_page_runs_as_many_queries_with_many_milestones_reports_and_notes(client):
    cast = make_cast(stage=ProjectStage.COMPLETED)
    project = cast.project
    _grow(project, 1)
    client.force_login(cast.resident)
    with CaptureQueriesContext(connection) as few:
        client.get(_detail(project))
    _grow(project, 15)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_detail(project))
    assert len(response.context["detail"].milestones) == 16
    assert len(many) == len(few)


def test_the_manage_page_runs_as_many_queries_with_many_rows(client):
    cast = make_cast()
    _grow(cast.project, 1)
    client.force_login(cast.owner)
    with CaptureQueriesContext(connection) as few:
        client.get(_manage(cast.project))
    _grow(cast.project, 10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_manage(cast.project))
    assert response.status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("role", "manage", "inspect", "decide"),
    [
        ("owner", True, False, False),
        ("funder", True, False, True),
        ("resident", False, True, False),
        ("other", False, False, False),
        ("public", False, False, False),
    ],
)
def test_who_is_offered_which_form(client, role, manage, inspect, decide):
    cast = make_cast()
    ReportFactory(project=cast.project, status=ReportStatus.SUBMITTED, kind=ReportKind.PROGRESS)
    user = cast.role(role)
    if user.is_authenticated:
        client.force_login(user)
    page = client.get(_detail(cast.project)).content.decode()
    assert ('id="manage-link"' in page) is manage
    assert ('id="inspection-form"' in page) is inspect
    assert ("/accept/" in page) is decide
    status = client.get(_manage(cast.project)).status_code
    if role == "public":
        assert status == 302
    else:
        assert status == (200 if manage else 403)


# --- residents ----------------------------------------------------------------------------------------------------


def test_a_resident_files_a_note_with_a_photo_and_the_owner_answers_it(client):
    cast = make_cast()
    client.force_login(cast.resident)
    response = client.post(
        reverse("projects:inspection_create", args=[cast.project.pk]),
        {"verdict": "problems", "text": "Нет освещения", "photo": photo(), "caption": "Вечером"},
    )
    assert response.status_code == 302
    note = Inspection.objects.get(project=cast.project)
    assert note.photos.count() == 1 and note.status == InspectionStatus.OPEN
    client.force_login(cast.owner)
    client.post(reverse("projects:inspection_answer", args=[cast.project.pk, note.pk]), {"answer": "Установим"})
    note.refresh_from_db()
    assert note.status == InspectionStatus.ANSWERED and note.answer == "Установим"
    client.force_login(cast.resident)
    client.post(reverse("projects:inspection_resolve", args=[cast.project.pk, note.pk]))
    note.refresh_from_db()
    assert note.status == InspectionStatus.RESOLVED


def test_a_note_with_a_file_that_is_not_an_image_is_refused_beside_the_field(client):
    cast = make_cast()
    client.force_login(cast.resident)
    response = client.post(
        reverse("projects:inspection_create", args=[cast.project.pk]),
        {"verdict": "problems", "text": "Нет освещения", "photo": pdf("photo.png")},
    )
    assert response.status_code == 400
    assert response.context["inspection_form"].errors["photo"]
    assert not Inspection.objects.exists()


def test_another_municipalitys_resident_may_not_file_a_note(client):
    cast = make_cast()
    client.force_login(cast.other)
    response = client.post(
        reverse("projects:inspection_create", args=[cast.project.pk]), {"verdict": "ok", "text": "Всё хорошо"}
    )
    assert response.status_code == 403
    assert not Inspection.objects.exists()


def test_a_resident_rates_a_completed_project(client):
    cast = make_cast(stage=ProjectStage.COMPLETED)
    client.force_login(cast.resident)
    response = client.post(reverse("projects:rating", args=[cast.project.pk]), {"score": "5"})
    assert response.status_code == 302
    cast.project.refresh_from_db()
    assert cast.project.rating_count == 1 and cast.project.rating_average == Decimal("5.0")


# --- the owner and the funder ---------------------------------------------------------------------------------------


def test_a_member_creates_a_project_directly(client):
    tos = TosFactory()
    chair = MembershipFactory(organization=tos, role=MembershipRole.CHAIR).user
    client.force_login(chair)
    response = client.post(reverse("projects:create"), {"owner": tos.pk, "title": "Субботник у пруда"})
    assert response.status_code == 302
    project = tos.projects.get()
    assert response["Location"] == _manage(project)
    assert project.stages.count() == 5


def test_creating_refuses_half_a_point_beside_the_field(client):
    tos = TosFactory()
    chair = MembershipFactory(organization=tos, role=MembershipRole.CHAIR).user
    client.force_login(chair)
    response = client.post(reverse("projects:create"), {"owner": tos.pk, "title": "Пруд", "latitude": "50.1"})
    assert response.status_code == 400
    assert response.context["form"].errors["longitude"]
    assert not tos.projects.exists()


def test_a_stranger_is_not_offered_another_organisation(client):
    tos = TosFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("projects:create"), {"owner": tos.pk, "title": "Пруд"})
    assert response.status_code == 400
    assert not tos.projects.exists()


def test_the_owner_adds_a_milestone_a_line_and_spending(client):
    cast = make_cast()
    project = cast.project
    client.force_login(cast.owner)
    response = client.post(
        reverse("projects:milestone_add", args=[project.pk]),
        {"title": "Демонтаж", "planned_date": "2026-12-01", "percent_done": "0"},
    )
    assert response.status_code == 302
    assert Milestone.objects.filter(project=project, title="Демонтаж").exists()
    client.post(
        reverse("projects:budget_line_add", args=[project.pk]),
        {"source": "residents", "title": "Взносы жителей", "planned": "50000"},
    )
    line = project.budget_lines.get()
    response = client.post(
        reverse("projects:expense_add", args=[project.pk]),
        {"line": line.pk, "amount": "1200.50", "spent_on": "2026-06-05", "document": pdf()},
    )
    assert response.status_code == 302
    expense = Expense.objects.get(project=project)
    assert expense.amount == Decimal("1200.50") and expense.document_name == "act.pdf"


def test_spending_in_another_currency_is_refused_beside_the_field(client):
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project)
    client.force_login(cast.owner)
    response = client.post(
        reverse("projects:expense_add", args=[cast.project.pk]),
        {"line": line.pk, "amount": "10", "currency": "USD", "spent_on": "2026-06-05"},
    )
    assert response.status_code == 400
    assert response.context["expense_form"].errors["currency"]
    assert not Expense.objects.exists()


def test_a_milestone_with_dates_out_of_range_is_refused(client):
    cast = make_cast()
    client.force_login(cast.owner)
    response = client.post(
        reverse("projects:milestone_add", args=[cast.project.pk]),
        {"title": "Демонтаж", "planned_date": "2026-12-01", "actual_date": "2099-01-01", "percent_done": "0"},
    )
    assert response.status_code == 400
    assert response.context["milestone_form"].errors["actual_date"]


def test_the_final_report_is_refused_while_milestones_are_open(client):
    cast = make_cast()
    MilestoneFactory(project=cast.project)
    client.force_login(cast.owner)
    response = client.post(
        reverse("projects:report_create", args=[cast.project.pk]),
        {"kind": "final", "text": "Итог", "volunteer_hours": "0", "people_reached": "0"},
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_owner_submits_a_report_with_a_photo_and_the_funder_accepts_it(client):
    cast = make_cast()
    project = cast.project
    client.force_login(cast.owner)
    client.post(
        reverse("projects:report_create", args=[project.pk]),
        {"kind": "final", "text": "Готово", "volunteer_hours": "40", "people_reached": "300"},
    )
    report = Report.objects.get(project=project)
    client.post(
        reverse("projects:report_photo_add", args=[project.pk, report.pk]),
        {"image": photo(), "phase": "after", "caption": "Площадка"},
    )
    client.post(reverse("projects:report_submit", args=[project.pk, report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.photos.count() == 1
    client.force_login(cast.owner)
    client.post(reverse("projects:report_accept", args=[project.pk, report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # the owner may not accept
    client.force_login(cast.funder)
    client.post(reverse("projects:report_accept", args=[project.pk, report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_the_funder_returns_a_report_with_remarks(client):
    cast = make_cast()
    report = ReportFactory(project=cast.project, status=ReportStatus.SUBMITTED)
    client.force_login(cast.funder)
    client.post(reverse("projects:report_return", args=[cast.project.pk, report.pk]), {"remarks": "Нет фото"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.remarks == "Нет фото"


def test_the_owner_moves_the_project_on_with_a_comment(client):
    cast = make_cast(stage=ProjectStage.DESIGN)
    client.force_login(cast.owner)
    client.post(reverse("projects:advance", args=[cast.project.pk]), {"comment": "Проект согласован"})
    cast.project.refresh_from_db()
    assert cast.project.stage == ProjectStage.IMPLEMENTATION


def test_cancelling_needs_a_reason(client):
    cast = make_cast()
    client.force_login(cast.owner)
    response = client.post(reverse("projects:cancel", args=[cast.project.pk]), {"reason": ""})
    assert response.status_code == 400
    cast.project.refresh_from_db()
    assert cast.project.stage == ProjectStage.IMPLEMENTATION


def test_my_projects_lists_the_users_projects_and_the_funders_queue(client):
    cast = make_cast()
    ReportFactory(project=cast.project, status=ReportStatus.SUBMITTED)
    client.force_login(cast.owner)
    response = client.get(reverse("projects:my"))
    assert response.context["projects"] == [cast.project]
    client.force_login(cast.funder)
    response = client.get(reverse("projects:my"))
    assert len(response.context["awaiting"]) == 1


# --- files --------------------------------------------------------------------------------------------------------


def test_photos_are_served_inline_and_a_drafts_only_to_the_owner(client):
    cast = make_cast()
    submitted = ReportPhotoFactory(report=ReportFactory(project=cast.project, status=ReportStatus.SUBMITTED))
    draft = ReportPhotoFactory(report=ReportFactory(project=cast.project, status=ReportStatus.DRAFT))
    note_photo = InspectionPhotoFactory(inspection=InspectionFactory(project=cast.project))
    response = client.get(reverse("projects:report_photo", args=[cast.project.pk, submitted.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("image/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("projects:report_photo", args=[cast.project.pk, draft.pk])).status_code == 404
    client.force_login(cast.owner)
    assert client.get(reverse("projects:report_photo", args=[cast.project.pk, draft.pk])).status_code == 200
    assert client.get(reverse("projects:inspection_photo", args=[cast.project.pk, note_photo.pk])).status_code == 200
    other = ProjectFactory()
    assert client.get(reverse("projects:report_photo", args=[other.pk, submitted.pk])).status_code == 404


def test_an_expenses_document_downloads(client):
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project)
    client.force_login(cast.owner)
    client.post(
        reverse("projects:expense_add", args=[cast.project.pk]),
        {"line": line.pk, "amount": "10", "spent_on": "2026-06-05", "document": pdf()},
    )
    client.logout()
    expense = Expense.objects.get()
    response = client.get(reverse("projects:expense_document", args=[cast.project.pk, expense.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]


def test_the_organisation_page_lists_its_projects(client):
    project = ProjectFactory(title="Сквер у пруда", owner__status=OrganizationStatus.REGISTERED)
    response = client.get(reverse("organizations:detail", args=[project.owner_id]))
    assert response.status_code == 200
    assert f'data-project="{project.pk}"' in response.content.decode()
    response = client.get(reverse("organizations:detail", args=[project.funder_id]))
    assert f'data-project="{project.pk}"' in response.content.decode()


def test_the_owner_edits_a_stage_and_dates_out_of_order_are_refused(client):
    cast = make_cast(stage=ProjectStage.DESIGN)
    stage = cast.project.stages.get(kind="design")
    client.force_login(cast.owner)
    url = reverse("projects:stage_edit", args=[cast.project.pk, stage.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"planned_start": "2026-07-01", "planned_end": "2026-06-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["planned_end"]
    response = client.post(url, {"planned_start": "2026-06-01", "planned_end": "2026-07-01", "chosen_option": "Б"})
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.chosen_option == "Б" and str(stage.planned_end) == "2026-07-01"
    client.force_login(cast.resident)
    assert client.get(url).status_code == 403


def test_the_owner_adds_a_document_and_anyone_downloads_it(client):
    cast = make_cast()
    client.force_login(cast.owner)
    response = client.post(
        reverse("projects:document_add", args=[cast.project.pk]), {"file": pdf("smeta.pdf"), "kind": "estimate"}
    )
    assert response.status_code == 302
    document = cast.project.documents.get()
    assert document.title == "smeta.pdf"
    client.logout()
    response = client.get(reverse("projects:document", args=[cast.project.pk, document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_document_that_is_not_what_it_says_is_refused_beside_the_field(client):
    cast = make_cast()
    client.force_login(cast.owner)
    fake = SimpleUploadedFile("smeta.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("projects:document_add", args=[cast.project.pk]), {"file": fake, "kind": "other"})
    assert response.status_code == 400
    assert response.context["document_form"].errors["file"]
    assert not cast.project.documents.exists()


def test_the_manage_page_has_no_duplicate_ids(client):
    import re

    cast = make_cast()
    BudgetLineFactory(project=cast.project)
    ReportFactory(project=cast.project)
    client.force_login(cast.owner)
    page = client.get(_manage(cast.project)).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("role", ["owner", "funder", "resident"])
def test_the_project_page_has_no_duplicate_ids(client, role):
    import re

    cast = make_cast(stage=ProjectStage.COMPLETED)
    ReportFactory(project=cast.project, status=ReportStatus.SUBMITTED)
    ReportFactory(project=cast.project, status=ReportStatus.SUBMITTED, kind=ReportKind.FINAL)
    InspectionFactory(project=cast.project)
    InspectionFactory(project=cast.project)
    client.force_login(cast.role(role))
    page = client.get(_detail(cast.project)).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
