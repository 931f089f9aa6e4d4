"""The permission matrix of projects: each role against each service, allowed (the service does its work) and
denied (PermissionDenied, nothing written), as docs/projects.md's "Roles" table states it.

Roles: owner (the chair of the owner ТОС), funder (staff of the funder, the municipality's administration),
resident (a confirmed resident of the project's municipality), other (a confirmed resident of another
municipality), public (nobody signed in)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from localbridge.contests.tests.factories import ResultFactory, chair_of, staff_of
from localbridge.core.models import AuditEntry
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory
from localbridge.participation.models import ProposalStatus, Vote, VoteProject, VoteResult, VoteStatus
from localbridge.participation.tests.factories import (
    MunicipalStaffFactory,
    ProposalFactory,
    ResidencyFactory,
    ResidentFactory,
)
from localbridge.projects import services
from localbridge.projects.models import ProjectStage, Stage
from localbridge.projects.tests.factories import (
    NOW,
    ROLES,
    BudgetLineFactory,
    DocumentFactory,
    ExpenseFactory,
    InspectionFactory,
    MilestoneFactory,
    ReportFactory,
    ReportPhotoFactory,
    make_cast,
    pdf,
    photo,
)

pytestmark = pytest.mark.django_db

Action = Callable[[Any, Any], Any]


def _report(cast, **fields):
    return ReportFactory(project=cast.project, **fields)


ACTIONS: dict[str, tuple[dict[str, Any], Action, set[str]]] = {
    # name: (make_cast kwargs, the call, the roles allowed)
    "create a project for the owner": (
        {},
        lambda c, u: services.project_create(actor=u, owner=c.project.owner, title="Сквер", now=NOW),
        {"owner", "funder"},  # the funder is the municipality's administration: its staff may
    ),
    "change the project": (
        {},
        lambda c, u: services.project_update(project=c.project, actor=u, summary="X"),
        {"owner"},
    ),
    "change a stage": (
        {},
        lambda c, u: services.stage_update(
            stage=Stage.objects.get(project=c.project, kind="implementation"), actor=u, notes="Ход работ", now=NOW
        ),
        {"owner"},
    ),
    "advance the project": ({}, lambda c, u: services.project_advance(project=c.project, actor=u, now=NOW), {"owner"}),
    "cancel the project": (
        {},
        lambda c, u: services.project_cancel(project=c.project, actor=u, reason="Нет денег", now=NOW),
        {"owner", "funder"},
    ),
    "add a milestone": (
        {},
        lambda c, u: services.milestone_add(project=c.project, actor=u, title="Этап", planned_date="2026-07-01"),
        {"owner"},
    ),
    "complete a milestone": (
        {},
        lambda c, u: services.milestone_complete(milestone=MilestoneFactory(project=c.project), actor=u, now=NOW),
        {"owner"},
    ),
    "change a milestone": (
        {},
        lambda c, u: services.milestone_update(
            milestone=MilestoneFactory(project=c.project), actor=u, percent_done=50, now=NOW
        ),
        {"owner"},
    ),
    "remove a milestone": (
        {},
        lambda c, u: services.milestone_remove(milestone=MilestoneFactory(project=c.project), actor=u, now=NOW),
        {"owner"},
    ),
    "add a budget line": (
        {},
        lambda c, u: services.budget_line_add(project=c.project, actor=u, source="grant", title="Грант", planned=1),
        {"owner"},
    ),
    "change a budget line": (
        {},
        lambda c, u: services.budget_line_update(line=BudgetLineFactory(project=c.project), actor=u, planned="5"),
        {"owner"},
    ),
    "remove a budget line": (
        {},
        lambda c, u: services.budget_line_remove(line=BudgetLineFactory(project=c.project), actor=u),
        {"owner"},
    ),
    "record an expense": (
        {},
        lambda c, u: services.expense_record(
            project=c.project,
            actor=u,
            line=BudgetLineFactory(project=c.project),
            amount="100",
            spent_on="2026-06-01",
            now=NOW,
        ),
        {"owner"},
    ),
    "correct an expense": (
        {},
        lambda c, u: services.expense_update(
            expense=ExpenseFactory(line=BudgetLineFactory(project=c.project)), actor=u, reason="Опечатка", amount="7"
        ),
        {"owner"},
    ),
    "remove an expense": (
        {},
        lambda c, u: services.expense_remove(
            expense=ExpenseFactory(line=BudgetLineFactory(project=c.project)), actor=u, reason="Ошибка ввода"
        ),
        {"owner"},
    ),
    "add a document": (
        {},
        lambda c, u: services.document_add(project=c.project, actor=u, upload=pdf(), kind="contract", now=NOW),
        {"owner"},
    ),
    "remove a document": (
        {},
        lambda c, u: services.document_remove(document=DocumentFactory(project=c.project), actor=u, now=NOW),
        {"owner"},
    ),
    "write a report": (
        {},
        lambda c, u: services.report_create(project=c.project, actor=u, text="Сделали", now=NOW),
        {"owner"},
    ),
    "add a report photo": (
        {},
        lambda c, u: services.report_photo_add(report=_report(c), actor=u, upload=photo()),
        {"owner"},
    ),
    "change a report": (
        {},
        lambda c, u: services.report_update(report=_report(c), actor=u, people_reached=40),
        {"owner"},
    ),
    "remove a report photo": (
        {},
        lambda c, u: services.report_photo_remove(photo=ReportPhotoFactory(report=_report(c)), actor=u),
        {"owner"},
    ),
    "submit a report": (
        {},
        lambda c, u: services.report_submit(report=_report(c), actor=u, now=NOW),
        {"owner"},
    ),
    "accept a report": (
        {},
        lambda c, u: services.report_accept(
            report=_report(c, status="submitted", submitted_by=c.owner), actor=u, now=NOW
        ),
        {"funder"},
    ),
    "return a report": (
        {},
        lambda c, u: services.report_return(
            report=_report(c, status="submitted", submitted_by=c.owner), actor=u, remarks="Нет фото", now=NOW
        ),
        {"funder"},
    ),
    "file an inspection note": (
        {},
        lambda c, u: services.inspection_create(
            project=c.project, actor=u, text="Яма", verdict="problems", photos=[photo()], now=NOW
        ),
        {"resident"},
    ),
    "answer an inspection note": (
        {},
        lambda c, u: services.inspection_answer(
            inspection=InspectionFactory(project=c.project, author=c.resident), actor=u, answer="Исправили", now=NOW
        ),
        {"owner"},
    ),
    "resolve an inspection note": (
        {},
        lambda c, u: services.inspection_resolve(
            inspection=InspectionFactory(project=c.project, author=c.resident, status="answered"), actor=u, now=NOW
        ),
        {"resident", "funder"},  # its author, and the funder's (the municipality's) staff
    ),
    "rate the project": (
        {"stage": ProjectStage.COMPLETED},
        lambda c, u: services.rating_set(project=c.project, actor=u, score=5, now=NOW),
        {"resident"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(action, role):
    cast_fields, call, allowed = ACTIONS[action]
    cast = make_cast(**cast_fields)
    actor = cast.role(role)
    audited = AuditEntry.objects.count()
    if role in allowed:
        call(cast, actor)
        assert AuditEntry.objects.count() > audited
    else:
        with pytest.raises(PermissionDenied):
            call(cast, actor)
        assert AuditEntry.objects.count() == audited


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_every_project(role):
    cast = make_cast()
    user = cast.role(role)
    assert user.has_perm("projects.view_project", cast.project)


def test_the_owners_members_do_not_inspect_or_rate_their_own_project_even_as_residents():
    cast = make_cast(stage=ProjectStage.COMPLETED)
    member = ResidentFactory(residence=cast.project.municipality)
    MembershipFactory(user=member, organization=cast.project.owner, role=MembershipRole.MEMBER)
    assert not member.has_perm("projects.inspect_project", cast.project)
    assert not member.has_perm("projects.rate_project", cast.project)
    assert member.has_perm("projects.change_project", cast.project)


def test_a_resident_awaiting_confirmation_does_not_inspect():
    cast = make_cast()
    claimed = ResidentFactory(residence=False)
    ResidencyFactory(user=claimed, municipality=cast.project.municipality)
    assert not claimed.has_perm("projects.inspect_project", cast.project)


def test_without_a_funder_the_municipalitys_staff_decide_reports():
    cast = make_cast(funder=None)
    staff = MunicipalStaffFactory(municipality=cast.project.municipality)
    assert staff.has_perm("projects.decide_report", cast.project)
    assert not cast.owner.has_perm("projects.decide_report", cast.project)


def test_platform_staff_run_and_fund_but_do_not_inspect():
    cast = make_cast()
    admin = ResidentFactory(residence=cast.project.municipality, is_staff=True)
    assert admin.has_perm("projects.change_project", cast.project)
    assert admin.has_perm("projects.decide_report", cast.project)
    assert admin.has_perm("projects.inspect_project", cast.project)  # a resident like any other
    outsider = ResidentFactory(residence=False, is_staff=True)
    assert not outsider.has_perm("projects.inspect_project", cast.project)


# --- creating from the other modules' decisions ----------------------------------------------------------------


def test_who_makes_a_project_from_an_award():
    result = ResultFactory(funded=True, amount=Decimal("100000"))
    application = result.application
    applicant_member = MembershipFactory(organization=application.organization, role=MembershipRole.MEMBER).user
    organiser = staff_of(result.contest.organizer)
    stranger = ResidentFactory(residence=application.organization.municipality)
    for user in (stranger, AnonymousUser(), MunicipalStaffFactory()):
        with pytest.raises(PermissionDenied):
            services.project_from_award(application=application, actor=user, now=NOW)
    assert applicant_member.has_perm("projects.create_from_award", application)
    assert chair_of(application.organization).has_perm("projects.create_from_award", application)
    assert services.project_from_award(application=application, actor=organiser, now=NOW).owner_id == (
        application.organization_id
    )


def test_who_makes_a_project_from_an_accepted_proposal():
    proposal = ProposalFactory(status=ProposalStatus.ACCEPTED)
    AdministrationFactory(municipality=proposal.municipality)
    for user in (proposal.author, ResidentFactory(residence=proposal.municipality), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.project_from_proposal(proposal=proposal, actor=user, now=NOW)
    staff = MunicipalStaffFactory(municipality=proposal.municipality)
    assert services.project_from_proposal(proposal=proposal, actor=staff, now=NOW).proposal == proposal


def test_who_makes_a_project_from_a_vote_winner():
    cast = make_cast()
    vote = Vote.objects.create(
        municipality=cast.project.municipality, title="Бюджет", budget=Decimal("100"), status=VoteStatus.PUBLISHED
    )
    winner = VoteProject.objects.create(vote=vote, code="1", title="Фонари", cost=Decimal("50"))
    VoteResult.objects.create(vote=vote, project=winner, votes=3, score=Decimal(3), funded=True, reason="funded")
    for user in (cast.owner, cast.resident, cast.public, MunicipalStaffFactory()):
        with pytest.raises(PermissionDenied):
            services.project_from_vote_project(vote_project=winner, actor=user, now=NOW)
    assert services.project_from_vote_project(vote_project=winner, actor=cast.funder, now=NOW).vote_project == winner
