"""The indicators of practices, contests, money, projects, initiative proposals and cooperation, each on a small
known dataset with the expected numbers written out."""

from datetime import date
from decimal import Decimal

import pytest

from localbridge.contests.models import ApplicationStatus, ContestStatus
from localbridge.contests.tests.factories import ApplicationFactory, ContestFactory, ResultFactory
from localbridge.cooperation.models import (
    ActionResponsible,
    ActionStatus,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    Roadmap,
    RoadmapAction,
)
from localbridge.organizations.models import OrganizationKind
from localbridge.organizations.tests.factories import AdministrationFactory, OrganizationFactory
from localbridge.participation.models import ProposalStatus
from localbridge.participation.tests.factories import ProposalFactory
from localbridge.practices.models import PracticeStatus
from localbridge.practices.tests.factories import AdoptionFactory, PracticeFactory
from localbridge.projects.models import FundingSource, ProjectStage, ReportStatus
from localbridge.projects.tests.factories import BudgetLineFactory, MilestoneFactory, ProjectFactory, ReportFactory

from .factories import at, c, compute, context, m, make_world, numbers, r

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def org(municipality=None, *, region=None, country=None, kind=OrganizationKind.NGO):
    return OrganizationFactory(
        kind=kind,
        municipality=municipality,
        region=region or (municipality.region if municipality else None),
        country=country or (municipality or region).country,
    )


# --- practices ----------------------------------------------------------------------------------------------------


def practice(municipality=None, *, region=None, country=None, status=PracticeStatus.PUBLISHED, published=None):
    return PracticeFactory(
        municipality=municipality,
        region=region or (municipality.region if municipality else None),
        country=country or (municipality.country if municipality else None),
        status=status,
        published_at=published,
        topics=[],
    )


def test_practices_published_by_year_of_publication_and_place(world):
    w = world
    p1 = practice(w.a2, published=at(2024))
    practice(w.a1, published=at(2025))
    practice(region=w.region_b, published=at(2025))  # the region's, no municipality
    practice(country=w.country, published=at(2025))  # the country's only
    practice(w.a1, status=PracticeStatus.ON_MODERATION, published=None)
    practice(w.a1, status=PracticeStatus.ARCHIVED, published=at(2024))
    assert compute("practices_published") == numbers(
        {
            m(w.a2, 2024): 1,
            m(w.a1, 2025): 1,
            r(w.region_a, 2024): 1,
            r(w.region_a, 2025): 1,
            r(w.region_b, 2025): 1,
            c(w.country, 2024): 1,
            c(w.country, 2025): 3,
        }
    )
    assert p1.pk


def test_practices_adopted_where_adopted_else_where_the_adopter_is(world):
    w = world
    p1 = practice(w.a2, published=at(2024))
    AdoptionFactory(practice=p1, organization=org(w.b1), municipality=None, adopted_on=date(2025, 3, 1))
    AdoptionFactory(practice=p1, organization=org(w.a1), municipality=w.a2, adopted_on=date(2025, 4, 1))
    AdoptionFactory(practice=p1, organization=org(w.a1), municipality=w.a2, adopted_on=date(2022, 4, 1))  # too old
    assert compute("practices_adopted") == numbers(
        {
            m(w.b1, 2025): 1,
            m(w.a2, 2025): 1,
            r(w.region_a, 2025): 1,
            r(w.region_b, 2025): 1,
            c(w.country, 2025): 2,
        }
    )


# --- contests -----------------------------------------------------------------------------------------------------


@pytest.fixture
def contests(world):
    w = world
    municipal = ContestFactory(
        organizer=AdministrationFactory(municipality=w.a1),
        status=ContestStatus.ANNOUNCED,
        applications_open=date(2025, 3, 1),
    )
    regional = ContestFactory(
        organizer=org(region=w.region_a, kind=OrganizationKind.REGIONAL_AUTHORITY),
        status=ContestStatus.FINISHED,
        applications_open=date(2024, 2, 1),
        results_published_at=at(2024, 5, 1),
    )
    ContestFactory(organizer=AdministrationFactory(municipality=w.a1), status=ContestStatus.DRAFT)
    ContestFactory(
        organizer=AdministrationFactory(municipality=w.a2),
        status=ContestStatus.CANCELLED,
        applications_open=date(2025, 3, 1),
    )
    applicant = org(w.a1)
    funded = ApplicationFactory(
        contest=regional,
        organization=applicant,
        municipality=w.a2,
        status=ApplicationStatus.ADMITTED,
        submitted_at=at(2024, 2, 10),
        number="A-1",
    )
    not_funded = ApplicationFactory(
        contest=regional,
        organization=applicant,
        municipality=None,
        status=ApplicationStatus.ADMITTED,
        submitted_at=at(2024, 2, 11),
        number="A-2",
    )
    ApplicationFactory(contest=regional, organization=applicant, status=ApplicationStatus.DRAFT)
    ApplicationFactory(
        contest=regional, organization=applicant, status=ApplicationStatus.WITHDRAWN, submitted_at=at(2024, 2, 12)
    )
    ResultFactory(contest=regional, application=funded, funded=True, amount=Decimal("150000.00"), rank=1)
    ResultFactory(contest=regional, application=not_funded, funded=False, amount=Decimal("0"), rank=2)
    return municipal, regional


def test_contests_held_count_in_the_organisers_municipality_or_region(world, contests):
    w = world
    assert compute("contests_held") == numbers(
        {
            m(w.a1, 2025): 1,
            r(w.region_a, 2024): 1,
            r(w.region_a, 2025): 1,
            c(w.country, 2024): 1,
            c(w.country, 2025): 1,
        }
    )


def test_applications_count_where_the_project_is_else_where_the_applicant_is(world, contests):
    w = world
    assert compute("contest_applications") == numbers(
        {m(w.a2, 2024): 1, m(w.a1, 2024): 1, r(w.region_a, 2024): 2, c(w.country, 2024): 2}
    )


def test_awards_and_amounts_count_funded_results_of_published_contests(world, contests):
    w = world
    assert compute("contest_awards") == numbers({m(w.a2, 2024): 1, r(w.region_a, 2024): 1, c(w.country, 2024): 1})
    assert compute("contest_awards_amount") == numbers(
        {m(w.a2, 2024): 150000, r(w.region_a, 2024): 150000, c(w.country, 2024): 150000}
    )


# --- money and projects -------------------------------------------------------------------------------------------


@pytest.fixture
def projects(world):
    w = world
    done = ProjectFactory(
        municipality=w.a1, year=2024, started_at=at(2024, 3), stage=ProjectStage.COMPLETED, completed_at=at(2025, 2)
    )
    for source, amount in [
        (FundingSource.MUNICIPAL_BUDGET, 100_000),
        (FundingSource.REGIONAL_BUDGET, 50_000),
        (FundingSource.GRANT, 200_000),
        (FundingSource.RESIDENTS, 30_000),
        (FundingSource.SPONSORS, 20_000),
        (FundingSource.VOLUNTEER_LABOUR, 10_000),
        (FundingSource.OTHER, 5_000),
    ]:
        BudgetLineFactory(project=done, source=source, planned=Decimal(amount))
    MilestoneFactory(project=done, planned_date=date(2025, 1, 1), percent_done=50)  # the project is completed
    part = ProjectFactory(municipality=w.a1_part, year=2024, started_at=at(2024, 5))
    BudgetLineFactory(project=part, source=FundingSource.RESIDENTS, planned=Decimal(1000))
    MilestoneFactory(project=part, planned_date=date(2025, 7, 1))  # not yet due
    cancelled = ProjectFactory(municipality=w.a2, year=2025, started_at=at(2025, 1), stage=ProjectStage.CANCELLED)
    BudgetLineFactory(project=cancelled, source=FundingSource.GRANT, planned=Decimal(999))
    MilestoneFactory(project=cancelled, planned_date=date(2025, 3, 1))
    euro = ProjectFactory(municipality=w.a2, year=2025, started_at=at(2025, 2), currency="EUR")
    BudgetLineFactory(project=euro, source=FundingSource.GRANT, planned=Decimal(777))
    MilestoneFactory(project=euro, planned_date=date(2025, 5, 1), percent_done=90)  # overdue
    MilestoneFactory(project=euro, planned_date=date(2025, 5, 2), actual_date=date(2025, 5, 3))  # done late
    ReportFactory(
        project=done, status=ReportStatus.ACCEPTED, decided_at=at(2025, 3), people_reached=120, volunteer_hours=40
    )
    ReportFactory(project=done, status=ReportStatus.SUBMITTED, people_reached=999, volunteer_hours=999)
    return done


def test_money_by_source_sums_the_plans_of_projects_in_roubles(world, projects):
    w = world
    both = {m(w.a1, 2024), r(w.region_a, 2024), c(w.country, 2024)}
    assert compute("money_budget") == numbers(dict.fromkeys(both, 150_000))
    assert compute("money_grants") == numbers(dict.fromkeys(both, 200_000))
    assert compute("money_sponsors") == numbers(dict.fromkeys(both, 20_000))
    assert compute("money_volunteer_labour") == numbers(dict.fromkeys(both, 10_000))
    assert compute("money_residents") == numbers({**dict.fromkeys(both, 31_000), m(w.a1_part, 2024): 1000})
    assert compute("money_total") == numbers({**dict.fromkeys(both, 416_000), m(w.a1_part, 2024): 1000})


def test_community_share_of_money_is_a_share_of_the_totals(world, projects):
    w = world
    # (31,000 + 20,000 + 10,000) / 416,000 = 14.66 %
    share = {m(w.a1, 2024): "14.66", r(w.region_a, 2024): "14.66", c(w.country, 2024): "14.66"}
    assert compute("money_community_share") == numbers({**share, m(w.a1_part, 2024): "100.00"})


def test_projects_started_and_completed_by_year(world, projects):
    w = world
    assert compute("projects_started") == numbers(
        {
            m(w.a1, 2024): 2,
            m(w.a1_part, 2024): 1,
            m(w.a2, 2025): 2,
            r(w.region_a, 2024): 2,
            r(w.region_a, 2025): 2,
            c(w.country, 2024): 2,
            c(w.country, 2025): 2,
        }
    )
    assert compute("projects_completed") == numbers({m(w.a1, 2025): 1, r(w.region_a, 2025): 1, c(w.country, 2025): 1})


def test_projects_overdue_is_todays_snapshot_written_for_this_year_only(world, projects):
    w = world
    assert compute("projects_overdue") == numbers({m(w.a2, 2025): 1, r(w.region_a, 2025): 1, c(w.country, 2025): 1})
    assert compute("projects_overdue", context(years=(2023, 2024))) == {}


def test_people_reached_and_volunteer_hours_come_from_accepted_reports(world, projects):
    w = world
    assert compute("projects_people_reached") == numbers(
        {m(w.a1, 2025): 120, r(w.region_a, 2025): 120, c(w.country, 2025): 120}
    )
    assert compute("projects_volunteer_hours") == numbers(
        {m(w.a1, 2025): 40, r(w.region_a, 2025): 40, c(w.country, 2025): 40}
    )


# --- initiative proposals ---------------------------------------------------------------------------------------


def test_initiative_proposals_and_their_outcomes(world):
    w = world
    ProposalFactory(municipality=w.a1, status=ProposalStatus.ACCEPTED, published_at=at(2024, 2), decided_at=at(2024, 5))
    ProposalFactory(municipality=w.a1, status=ProposalStatus.REJECTED, published_at=at(2024, 9), decided_at=at(2025, 1))
    ProposalFactory(
        municipality=w.a1, status=ProposalStatus.SELECTION, published_at=at(2025, 1), decided_at=at(2025, 3)
    )
    ProposalFactory(municipality=w.a1, status=ProposalStatus.DRAFT, published_at=None)
    ProposalFactory(municipality=w.a1, status=ProposalStatus.COLLECTING, published_at=at(2025, 4))
    at_all_levels = lambda year, n: {m(w.a1, year): n, r(w.region_a, year): n, c(w.country, year): n}  # noqa: E731
    assert compute("proposals_published") == numbers({**at_all_levels(2024, 2), **at_all_levels(2025, 2)})
    assert compute("proposals_decided") == numbers({**at_all_levels(2024, 1), **at_all_levels(2025, 2)})
    assert compute("proposals_accepted") == numbers(at_all_levels(2024, 1))
    assert compute("proposals_rejected") == numbers(at_all_levels(2025, 1))
    assert compute("proposals_accepted_share") == numbers(
        {**at_all_levels(2024, "100.00"), **at_all_levels(2025, "0.00")}
    )


# --- cooperation --------------------------------------------------------------------------------------------------


def agreement(status, *sides, starts_on=None, ended_on=None):
    made = Agreement.objects.create(
        kind=AgreementKind.PARTNERSHIP, title="Соглашение", status=status, starts_on=starts_on, ended_on=ended_on
    )
    for side in sides:
        if hasattr(side, "kind") and hasattr(side, "parent_id"):
            AgreementParty.objects.create(agreement=made, municipality=side)
        else:
            AgreementParty.objects.create(agreement=made, organization=side)
    return made


def test_partnerships_in_force_count_once_per_region_however_many_parties_are_there(world):
    w = world
    association = org(country=w.country, kind=OrganizationKind.ASSOCIATION_NATIONAL)
    agreement(AgreementStatus.ACTIVE, w.a1, w.a2, starts_on=date(2024, 1, 1))
    agreement(AgreementStatus.ENDED, w.a1, w.b1, starts_on=date(2023, 1, 1), ended_on=date(2024, 6, 1))
    agreement(AgreementStatus.DRAFT, w.a1, w.a2, starts_on=date(2023, 1, 1))
    agreement(AgreementStatus.ACTIVE, association, w.a2, starts_on=date(2025, 1, 1))
    assert compute("partnerships_active") == numbers(
        {
            m(w.a1, 2023): 1,
            m(w.a1, 2024): 2,
            m(w.a1, 2025): 1,
            m(w.a2, 2024): 1,
            m(w.a2, 2025): 2,
            m(w.b1, 2023): 1,
            m(w.b1, 2024): 1,
            r(w.region_a, 2023): 1,
            r(w.region_a, 2024): 2,
            r(w.region_a, 2025): 2,
            r(w.region_b, 2023): 1,
            r(w.region_b, 2024): 1,
            c(w.country, 2023): 1,
            c(w.country, 2024): 2,
            c(w.country, 2025): 2,
        }
    )


def test_roadmap_actions_done_count_for_each_responsible_side_and_once_above(world):
    w = world
    association = org(country=w.country, kind=OrganizationKind.ASSOCIATION_NATIONAL)
    made = agreement(AgreementStatus.ACTIVE, w.a1, w.a2, starts_on=date(2024, 1, 1))
    roadmap = Roadmap.objects.create(agreement=made, title="Дорожная карта")

    def action(status, due_on, completed_on=None, *sides):
        done = RoadmapAction.objects.create(
            roadmap=roadmap, title="Действие", status=status, due_on=due_on, completed_on=completed_on
        )
        for side in sides:
            if side is association:
                ActionResponsible.objects.create(action=done, organization=side)
            else:
                ActionResponsible.objects.create(action=done, municipality=side)

    action(ActionStatus.DONE, date(2025, 3, 1), date(2025, 2, 1), w.a1, w.a2)
    action(ActionStatus.DONE, date(2024, 9, 1), None, association)
    action(ActionStatus.PLANNED, date(2024, 9, 1), None, w.a1)
    assert compute("roadmap_actions_done") == numbers(
        {
            m(w.a1, 2025): 1,
            m(w.a2, 2025): 1,
            r(w.region_a, 2025): 1,
            c(w.country, 2024): 1,
            c(w.country, 2025): 1,
        }
    )
