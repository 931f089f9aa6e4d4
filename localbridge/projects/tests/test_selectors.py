"""Reads: the list's filters (municipality, stage, source of money, year, origin), one project's page data in a
constant number of queries however much it holds, its timeline, and what a user may do on it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from localbridge.accounts.tests.factories import UserFactory
from localbridge.participation.tests.factories import MunicipalStaffFactory
from localbridge.projects import selectors
from localbridge.projects.models import InspectionStatus, ProjectStage, Stage
from localbridge.projects.tests.factories import (
    NOW,
    BudgetLineFactory,
    DocumentFactory,
    ExpenseFactory,
    InspectionFactory,
    InspectionPhotoFactory,
    MilestoneFactory,
    ProjectFactory,
    RatingFactory,
    ReportFactory,
    ReportPhotoFactory,
    make_cast,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_municipality_stage_source_year_and_origin():
    here = MunicipalityFactory()
    a = ProjectFactory(municipality=here, stage=ProjectStage.DESIGN, year=2025)
    b = ProjectFactory(municipality=here, stage=ProjectStage.COMPLETED, year=2026, origin="contest_award")
    c = ProjectFactory(stage=ProjectStage.DESIGN, year=2026)
    BudgetLineFactory(project=a, source="residents")
    BudgetLineFactory(project=a, source="grant")
    BudgetLineFactory(project=b, source="grant")
    BudgetLineFactory(project=c, source="residents", planned=Decimal("0"))  # nothing planned from the residents

    def titles(**filters):
        return {p.pk for p in selectors.project_list(**filters)}

    assert titles() == {a.pk, b.pk, c.pk}
    assert titles(municipality=here.pk) == {a.pk, b.pk}
    assert titles(municipality=str(here.pk), stage="design") == {a.pk}
    assert titles(stage="active") == {a.pk, c.pk}
    assert titles(source="residents") == {a.pk}
    assert titles(source="grant") == {a.pk, b.pk}  # one row each, though a has two lines
    assert len(list(selectors.project_list(source="grant"))) == 2
    assert titles(year="2026") == {b.pk, c.pk}
    assert titles(origin="contest_award") == {b.pk}
    assert titles(stage="nonsense", source="nonsense", year="next", municipality="x") == {a.pk, b.pk, c.pk}


def test_the_list_reads_one_query_however_many_projects(django_assert_num_queries):
    for _ in range(5):
        ProjectFactory()
    with django_assert_num_queries(1):
        projects = list(selectors.project_list())
        [(p.municipality.name_ru, p.owner.name, p.funder and p.funder.name) for p in projects]


def test_filter_options_name_the_municipalities_and_years_with_projects():
    a = ProjectFactory(year=2025)
    ProjectFactory(year=2026, municipality=a.municipality)
    options = selectors.project_filter_options()
    assert options.municipalities == [a.municipality]
    assert options.years == [2026, 2025]
    assert ("volunteer_labour", options.sources[5][1]) == options.sources[5]


def _fill(project, n):
    """n of everything on the project's page."""
    for i in range(n):
        line = BudgetLineFactory(project=project)
        ExpenseFactory(line=line)
        MilestoneFactory(project=project, planned_date=date(2026, 6, 1 + i))
        DocumentFactory(project=project)
        report = ReportFactory(project=project, submitted_at=NOW)
        ReportPhotoFactory(report=report)
        ReportPhotoFactory(report=report)
        InspectionPhotoFactory(inspection=InspectionFactory(project=project))
        RatingFactory(project=project)


def _count(project):
    seen: list[object] = []
    with CaptureQueriesContext(connection) as context:
        detail = selectors.project_detail(pk=project.pk, now=NOW)
        # Everything a page shows, touched as the template would.
        for report in detail.reports:
            seen += [p.image.name for p in report.photos.all()] + [report.submitted_by, report.decided_by]
        for note in detail.inspections:
            seen += [p.caption for p in note.photos.all()] + [note.author, note.answered_by]
        seen += [expense.line.title for expense in detail.expenses]
        seen += [document.stage for document in detail.documents]
        seen += [(stage.survey, stage.hearing) for stage in detail.stages]
        seen += [rating.user for rating in detail.ratings]
        seen += [detail.project.owner, detail.project.funder, detail.project.municipality, detail.timeline]
    return len(context.captured_queries), detail


def test_a_projects_page_reads_a_constant_number_of_queries():
    small, big = ProjectFactory(), ProjectFactory()
    _fill(small, 1)
    _fill(big, 8)
    selectors.project_detail(pk=small.pk, now=NOW)  # warm the content-type cache the audit trail reads
    small_count, _ = _count(small)
    big_count, detail = _count(big)
    assert small_count == big_count
    assert small_count <= 14
    assert len(detail.milestones) == 8 and len(detail.reports) == 8 and len(detail.inspections) == 8


def test_the_page_knows_the_overdue_milestones_the_open_problems_and_the_timeline():
    project = ProjectFactory()
    late = MilestoneFactory(project=project, planned_date=date(2026, 6, 1), title="Фундамент")
    MilestoneFactory(project=project, planned_date=date(2026, 7, 1), title="Крыша")
    MilestoneFactory(project=project, planned_date=date(2026, 5, 1), actual_date=date(2026, 5, 2), title="Проект")
    open_note = InspectionFactory(project=project)
    InspectionFactory(project=project, status=InspectionStatus.RESOLVED)
    InspectionFactory(project=project, verdict="ok", status=InspectionStatus.RESOLVED)
    Stage.objects.filter(project=project, kind="object_choice").update(
        actual_start=date(2026, 3, 1), actual_end=date(2026, 4, 1)
    )
    detail = selectors.project_detail(pk=project.pk, now=NOW)
    assert detail.today == date(2026, 6, 10)
    assert detail.overdue_milestones == [late]
    assert [m.title for m in detail.open_milestones] == ["Фундамент", "Крыша"]
    assert detail.unresolved_problems == [open_note]
    kinds = [(entry.on, entry.kind) for entry in detail.timeline]
    assert kinds[:3] == [
        (date(2026, 3, 1), "stage_start"),
        (date(2026, 4, 1), "stage_end"),
        (date(2026, 5, 2), "milestone_done"),
    ]
    assert kinds == sorted(kinds, key=lambda k: k[0])


def test_an_unknown_project_is_not_found():
    with pytest.raises(Http404):
        selectors.project_get(pk=999999)
    with pytest.raises(Http404):
        selectors.project_get(pk="abc")


def test_what_each_role_may_do_on_the_page():
    cast = make_cast()
    owner = selectors.project_access(cast.owner, cast.project)
    assert owner.change and owner.advance and not owner.inspect and not owner.decide_reports
    funder = selectors.project_access(cast.funder, cast.project)
    assert funder.decide_reports and funder.cancel and not funder.change
    resident = selectors.project_access(cast.resident, cast.project)
    assert resident.inspect and not resident.rate and not resident.change
    assert selectors.project_access(cast.public, cast.project) == selectors.ProjectAccess(*[False] * 7)


def test_my_projects_are_those_of_my_organisations():
    cast = make_cast()
    ProjectFactory()
    assert list(selectors.my_projects(cast.owner)) == [cast.project]
    assert list(selectors.my_projects(UserFactory())) == []


def test_reports_await_the_funders_decision():
    cast = make_cast()
    waiting = ReportFactory(project=cast.project, status="submitted", submitted_at=NOW)
    ReportFactory(project=cast.project, status="draft")
    ReportFactory(status="submitted", submitted_at=NOW)  # another project, another funder
    no_funder = make_cast(funder=None)
    orphan = ReportFactory(project=no_funder.project, status="submitted", submitted_at=NOW)
    assert list(selectors.reports_awaiting_decision(cast.funder)) == [waiting]
    assert list(selectors.reports_awaiting_decision(cast.owner)) == []
    assert list(selectors.reports_awaiting_decision(cast.public)) == []
    staff = MunicipalStaffFactory(municipality=no_funder.project.municipality)
    assert list(selectors.reports_awaiting_decision(staff)) == [orphan]
