"""Projects: creation directly and from each source (once per source), the stage workflow (one stage at a time,
dates kept, completion's conditions, cancellation with a reason, all audited), and stage dates in order."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from localbridge.contests.tests.factories import ActivityFactory, ResultFactory, chair_of
from localbridge.contests.tests.factories import BudgetLineFactory as ApplicationLineFactory
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.organizations.models import MembershipRole, Organization
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory, TosFactory
from localbridge.participation.models import (
    Hearing,
    ProposalStatus,
    Survey,
    Vote,
    VoteProject,
    VoteResult,
    VoteStatus,
)
from localbridge.participation.tests.factories import MunicipalStaffFactory, ProposalFactory
from localbridge.projects import services
from localbridge.projects.models import (
    BudgetLine,
    FundingSource,
    Milestone,
    Origin,
    Project,
    ProjectStage,
    Stage,
    StageKind,
)
from localbridge.projects.tests.factories import (
    NOW,
    MilestoneFactory,
    ReportFactory,
    make_cast,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def codes(exc_info) -> set[str]:
    return error_codes(exc_info.value)


# --- creation --------------------------------------------------------------------------------------------------


def test_a_tos_member_creates_its_own_project_with_a_plan_and_five_stages():
    tos = TosFactory()
    chair = MembershipFactory(organization=tos, role=MembershipRole.CHAIR).user
    project = services.project_create(
        actor=chair,
        owner=tos,
        title="  Спортивная   площадка ",
        object_description="Площадка у школы",
        latitude="62.03",
        longitude="129.73",
        budget=[
            {"source": FundingSource.RESIDENTS, "title": "Взносы жителей", "planned": "50 000,00"},
            {"source": FundingSource.VOLUNTEER_LABOUR, "title": "Субботники", "planned": 20000},
        ],
        now=NOW,
    )
    assert project.title == "Спортивная площадка"
    assert project.origin == Origin.OWN
    assert project.municipality == tos.municipality
    assert project.stage == ProjectStage.OBJECT_CHOICE
    assert project.year == 2026
    assert project.latitude == Decimal("62.030000")
    stages = list(project.stages.order_by("position"))
    assert [s.kind for s in stages] == list(StageKind.values)
    assert stages[0].actual_start == date(2026, 6, 10)
    assert [(line.source, line.planned) for line in project.budget_lines.order_by("position")] == [
        ("residents", Decimal("50000.00")),
        ("volunteer_labour", Decimal("20000.00")),
    ]
    assert [e.action for e in audit_history(obj=project)] == ["create"]


def test_creating_refuses_bad_input_and_saves_nothing():
    tos = TosFactory()
    chair = MembershipFactory(organization=tos, role=MembershipRole.CHAIR).user
    with pytest.raises(ValidationError) as exc_info:
        services.project_create(
            actor=chair,
            owner=tos,
            title="",
            currency="рубли",
            latitude="95",
            longitude="10",
            budget=[{"source": "lottery", "title": "X", "planned": "-5"}],
            now=NOW,
        )
    errors = exc_info.value.message_dict
    assert {"title", "currency", "latitude", "budget-1-source", "budget-1-planned"} <= set(errors)
    assert "negative" in codes(exc_info)
    assert not Project.objects.exists() and not Stage.objects.exists() and not BudgetLine.objects.exists()


def test_a_tos_project_stays_in_the_tos_municipality():
    tos = TosFactory()
    chair = MembershipFactory(organization=tos, role=MembershipRole.CHAIR).user
    with pytest.raises(ValidationError) as exc_info:
        services.project_create(actor=chair, owner=tos, municipality=MunicipalityFactory(), title="X", now=NOW)
    assert codes(exc_info) == {"owner_elsewhere"}


def test_the_municipalitys_staff_create_a_project_for_a_tos_but_a_stranger_may_not():
    tos = TosFactory()
    staff = MunicipalStaffFactory(municipality=tos.municipality)
    assert services.project_create(actor=staff, owner=tos, title="Сквер", now=NOW).owner == tos
    with pytest.raises(PermissionDenied):
        services.project_create(actor=MunicipalStaffFactory(), owner=tos, title="Сквер", now=NOW)


def test_a_project_from_a_contest_award_takes_the_grant_the_cofinancing_and_the_activities():
    result = ResultFactory(amount=Decimal("150000.00"), funded=True)
    application = result.application
    application.municipality = application.organization.municipality
    application.beneficiaries = 400
    application.save()
    ApplicationLineFactory(application=application, item="Скамейки", grant=Decimal("80000"), residents=Decimal("20000"))
    ApplicationLineFactory(
        application=application,
        item="Работы",
        grant=Decimal("0"),
        residents=Decimal("0"),
        sponsors=Decimal("15000"),
        volunteer_labour=Decimal("5000"),
    )
    ActivityFactory(application=application, name="Установка", ends_on=date(2026, 8, 1))
    ActivityFactory(application=application, name="Без срока", ends_on=None)
    chair = chair_of(application.organization)

    project = services.project_from_award(application=application, actor=chair, now=NOW)

    assert project.origin == Origin.CONTEST_AWARD
    assert project.owner == application.organization
    assert project.funder == result.contest.organizer
    assert project.application == application
    assert project.beneficiaries_count == 400
    lines = [(line.source, line.title, line.planned) for line in project.budget_lines.order_by("position")]
    assert lines[0][0] == FundingSource.GRANT and lines[0][2] == Decimal("150000.00")
    assert lines[1:] == [
        ("residents", "Скамейки", Decimal("20000.00")),
        ("sponsors", "Работы", Decimal("15000.00")),
        ("volunteer_labour", "Работы", Decimal("5000.00")),
    ]
    assert [(m.title, m.planned_date) for m in project.milestones.all()] == [("Установка", date(2026, 8, 1))]


def test_an_award_makes_one_project_and_an_unfunded_application_none():
    result = ResultFactory(funded=True)
    chair = chair_of(result.application.organization)
    services.project_from_award(application=result.application, actor=chair, now=NOW)
    with pytest.raises(ValidationError) as exc_info:
        services.project_from_award(application=result.application, actor=chair, now=NOW)
    assert codes(exc_info) == {"source_taken"}
    assert Project.objects.count() == 1

    unfunded = ResultFactory(funded=False, amount=Decimal("0"))
    with pytest.raises(ValidationError) as exc_info:
        services.project_from_award(
            application=unfunded.application, actor=chair_of(unfunded.application.organization), now=NOW
        )
    assert codes(exc_info) == {"not_awarded"}


def test_a_project_from_an_accepted_proposal_is_funded_by_the_administration():
    proposal = ProposalFactory(
        status=ProposalStatus.ACCEPTED,
        estimated_cost=Decimal("500000.00"),
        residents_contribution=Decimal("50000.00"),
        address="ул. Ленина, 5",
    )
    administration = AdministrationFactory(municipality=proposal.municipality)
    staff = MembershipFactory(organization=administration, role=MembershipRole.STAFF).user

    project = services.project_from_proposal(proposal=proposal, actor=staff, now=NOW)

    assert project.origin == Origin.INITIATIVE_PROPOSAL
    assert project.owner == administration and project.funder == administration
    assert project.address == "ул. Ленина, 5"
    assert {line.source: line.planned for line in project.budget_lines.all()} == {
        "municipal_budget": Decimal("450000.00"),
        "residents": Decimal("50000.00"),
    }
    with pytest.raises(ValidationError) as exc_info:
        services.project_from_proposal(proposal=proposal, actor=staff, now=NOW)
    assert codes(exc_info) == {"source_taken"}


def test_a_proposal_not_accepted_makes_no_project():
    proposal = ProposalFactory(status=ProposalStatus.UNDER_REVIEW)
    staff = MunicipalStaffFactory(municipality=proposal.municipality)
    with pytest.raises(ValidationError) as exc_info:
        services.project_from_proposal(proposal=proposal, actor=staff, now=NOW)
    assert codes(exc_info) == {"not_accepted"}


def test_a_proposing_tos_carries_out_its_accepted_proposal():
    proposal = ProposalFactory(status=ProposalStatus.ACCEPTED)
    tos = TosFactory(municipality=proposal.municipality)
    proposal.proposer_tos = tos
    proposal.save()
    chair = MembershipFactory(organization=tos, role=MembershipRole.CHAIR).user
    administration = AdministrationFactory(municipality=proposal.municipality)
    project = services.project_from_proposal(proposal=proposal, actor=chair, now=NOW)
    assert project.owner == tos and project.funder == administration


def _published_winner(funded: bool = True) -> VoteProject:
    municipality = MunicipalityFactory()
    vote = Vote.objects.create(
        municipality=municipality, title="Народный бюджет 2026", budget=Decimal("1000000"), status=VoteStatus.PUBLISHED
    )
    winner = VoteProject.objects.create(vote=vote, code="1", title="Освещение парка", cost=Decimal("300000.00"))
    VoteResult.objects.create(vote=vote, project=winner, votes=120, score=Decimal(120), funded=funded, reason="funded")
    return winner


def test_a_project_from_a_participatory_budget_winner():
    winner = _published_winner()
    staff = MunicipalStaffFactory(municipality=winner.vote.municipality)
    project = services.project_from_vote_project(vote_project=winner, actor=staff, now=NOW)
    assert project.origin == Origin.PB_WINNER
    assert project.vote_project == winner
    assert [(line.source, line.planned) for line in project.budget_lines.all()] == [
        ("municipal_budget", Decimal("300000.00"))
    ]
    with pytest.raises(ValidationError) as exc_info:
        services.project_from_vote_project(vote_project=winner, actor=staff, now=NOW)
    assert codes(exc_info) == {"source_taken"}


def test_an_unfunded_vote_project_makes_no_project():
    loser = _published_winner(funded=False)
    staff = MunicipalStaffFactory(municipality=loser.vote.municipality)
    with pytest.raises(ValidationError) as exc_info:
        services.project_from_vote_project(vote_project=loser, actor=staff, now=NOW)
    assert codes(exc_info) == {"not_funded"}


def test_without_an_administration_a_municipal_project_has_no_funder_and_is_refused():
    winner = _published_winner()
    user = MunicipalStaffFactory(municipality=winner.vote.municipality)
    # The staff's administration is closed: nobody on the platform funds the project.
    Organization.objects.filter(municipality=winner.vote.municipality, kind="administration").update(status="closed")
    with pytest.raises(ValidationError) as exc_info:
        services.project_from_vote_project(vote_project=winner, actor=user, now=NOW)
    assert codes(exc_info) == {"no_administration"}


# --- the stage workflow ----------------------------------------------------------------------------------------


def _accepted_final_report(cast):
    return ReportFactory(project=cast.project, kind="final", status="accepted")


def test_a_project_moves_one_stage_at_a_time_to_completion_with_dates_and_audit():
    cast = make_cast(stage=ProjectStage.OBJECT_CHOICE)
    project = cast.project
    moments = [NOW + timedelta(days=10 * n) for n in range(6)]
    for moment in moments[:4]:
        services.project_advance(project=project, actor=cast.owner, now=moment)
    assert project.stage == ProjectStage.COMPLETION
    _accepted_final_report(cast)
    services.project_advance(project=project, actor=cast.owner, comment="Принято комиссией", now=moments[4])
    project.refresh_from_db()
    assert project.stage == ProjectStage.COMPLETED
    assert project.completed_at == moments[4]
    stages = {s.kind: s for s in project.stages.all()}
    assert (stages["design"].actual_start, stages["design"].actual_end) == (date(2026, 6, 10), date(2026, 6, 20))
    assert stages["completion"].actual_end == date(2026, 7, 20)
    moves = [(e.from_status, e.to_status) for e in audit_history(obj=project) if e.to_status]
    assert moves == [
        ("object_choice", "design"),
        ("design", "implementation"),
        ("implementation", "control"),
        ("control", "completion"),
        ("completion", "completed"),
    ]
    with pytest.raises(ValidationError) as exc_info:
        services.project_advance(project=project, actor=cast.owner, now=moments[5])
    assert codes(exc_info) == {"project_closed"}


def test_completion_needs_the_final_report_accepted_and_every_milestone_done():
    cast = make_cast(stage=ProjectStage.COMPLETION)
    MilestoneFactory(project=cast.project, title="Освещение")
    with pytest.raises(ValidationError) as exc_info:
        services.project_advance(project=cast.project, actor=cast.owner, now=NOW)
    assert codes(exc_info) == {"open_milestones", "final_report_not_accepted"}
    cast.project.refresh_from_db()
    assert cast.project.stage == ProjectStage.COMPLETION
    Milestone.objects.update(percent_done=100)
    report = ReportFactory(project=cast.project, kind="final", status="submitted")
    with pytest.raises(ValidationError) as exc_info:
        services.project_advance(project=cast.project, actor=cast.owner, now=NOW)
    assert codes(exc_info) == {"final_report_not_accepted"}
    report.status = "accepted"
    report.save()
    assert services.project_advance(project=cast.project, actor=cast.owner, now=NOW).stage == "completed"


def test_a_stage_whose_recorded_dates_are_out_of_order_does_not_move_on():
    cast = make_cast(stage=ProjectStage.DESIGN)
    Stage.objects.filter(project=cast.project, kind="design").update(actual_start=date(2026, 7, 1))
    with pytest.raises(ValidationError) as exc_info:
        services.project_advance(project=cast.project, actor=cast.owner, now=NOW)
    assert codes(exc_info) == {"stage_not_started"}


def test_cancelling_needs_a_reason_and_closes_the_project():
    cast = make_cast()
    with pytest.raises(ValidationError) as exc_info:
        services.project_cancel(project=cast.project, actor=cast.owner, reason=" ", now=NOW)
    assert codes(exc_info) == {"comment_required"}
    services.project_cancel(project=cast.project, actor=cast.funder, reason="Нет подрядчика", now=NOW)
    cast.project.refresh_from_db()
    assert cast.project.stage == ProjectStage.CANCELLED
    assert Stage.objects.get(project=cast.project, kind="implementation").actual_end == date(2026, 6, 10)
    with pytest.raises(ValidationError) as exc_info:
        services.milestone_add(project=cast.project, actor=cast.owner, title="X", planned_date="2026-07-01")
    assert codes(exc_info) == {"project_closed"}


def test_stage_dates_out_of_order_are_refused_and_nothing_is_saved():
    cast = make_cast()
    stage = Stage.objects.get(project=cast.project, kind="implementation")
    with pytest.raises(ValidationError) as exc_info:
        services.stage_update(
            stage=stage,
            actor=cast.owner,
            planned_start="2026-08-01",
            planned_end="2026-07-01",
            participants="Жители, подрядчик",
            now=NOW,
        )
    assert codes(exc_info) == {"dates_out_of_order"}
    assert "planned_end" in exc_info.value.message_dict
    stage.refresh_from_db()
    assert stage.planned_start is None and stage.participants == ""

    services.stage_update(stage=stage, actor=cast.owner, planned_start="2026-07-01", planned_end="2026-08-01", now=NOW)
    stage.refresh_from_db()
    assert (stage.planned_start, stage.planned_end) == (date(2026, 7, 1), date(2026, 8, 1))


def test_residents_input_is_linked_at_the_choice_of_the_object_from_the_same_municipality():
    cast = make_cast(stage=ProjectStage.OBJECT_CHOICE)
    municipality = cast.project.municipality
    survey = Survey.objects.create(municipality=municipality, title="Какой объект благоустроить?")
    hearing = Hearing.objects.create(municipality=municipality, subject="Собрание жителей", starts_at=timezone.now())
    elsewhere = Survey.objects.create(municipality=MunicipalityFactory(), title="Чужой опрос")
    choice = Stage.objects.get(project=cast.project, kind="object_choice")
    design = Stage.objects.get(project=cast.project, kind="design")

    services.stage_update(stage=choice, actor=cast.owner, survey=survey, hearing=hearing.pk, now=NOW)
    choice.refresh_from_db()
    assert (choice.survey, choice.hearing) == (survey, hearing)

    with pytest.raises(ValidationError) as exc_info:
        services.stage_update(stage=choice, actor=cast.owner, survey=elsewhere, now=NOW)
    assert codes(exc_info) == {"invalid_choice"}
    with pytest.raises(ValidationError) as exc_info:
        services.stage_update(stage=design, actor=cast.owner, survey=survey, now=NOW)
    assert codes(exc_info) == {"wrong_stage"}
    services.stage_update(stage=design, actor=cast.owner, chosen_option="Вариант Б: с велодорожкой", now=NOW)
    design.refresh_from_db()
    assert design.chosen_option == "Вариант Б: с велодорожкой"


def test_project_details_change_until_the_project_closes():
    cast = make_cast()
    services.project_update(project=cast.project, actor=cast.owner, summary="Новое описание", beneficiaries_count="350")
    cast.project.refresh_from_db()
    assert (cast.project.summary, cast.project.beneficiaries_count) == ("Новое описание", 350)
    with pytest.raises(ValidationError) as exc_info:
        services.project_update(project=cast.project, actor=cast.owner, latitude="10")
    assert codes(exc_info) == {"incomplete_point"}
