"""The contests' source of projects for participatory-budget votes (contests/sources.py, core/sources.py): only
contests with published results, only applications carried out in the municipality, the funded first, and the
cost each would bring to a vote."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from localbridge.contests.models import ContestStatus
from localbridge.contests.selectors import finished_contests_in
from localbridge.contests.sources import SOURCE_KEY, contest_candidates, contest_groups
from localbridge.core.sources import project_source, project_sources
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import ApplicantFactory, ApplicationFactory, ContestFactory, ResultFactory

pytestmark = pytest.mark.django_db


def _result(contest, applicant_in, *, rank, funded=True, amount="150000.00", **application):
    """A ranked application of `contest` by an applicant of the municipality `applicant_in` (the project's own
    place unset unless given as `municipality`)."""
    application.setdefault("grant_requested", Decimal("150000.00"))
    application.setdefault("total_cost", Decimal("200000.00"))
    return ResultFactory(
        contest=contest,
        application=ApplicationFactory(
            contest=contest,
            organization=ApplicantFactory(municipality=applicant_in),
            status="admitted",
            number=f"К-{contest.pk}-{rank}",
            **application,
        ),
        rank=rank,
        position=rank,
        funded=funded,
        amount=Decimal(amount) if funded else Decimal("0.00"),
    )


def test_the_contest_source_is_registered_when_the_app_is_ready():
    source = project_source(SOURCE_KEY)
    assert source is not None and source in project_sources()
    assert source.has_groups and source.candidates is contest_candidates


def test_only_finished_contests_with_applications_in_the_municipality_are_offered():
    here, elsewhere = MunicipalityFactory(), MunicipalityFactory()
    finished = ContestFactory(status=ContestStatus.FINISHED)
    _result(finished, here, rank=1)
    _result(finished, here, rank=2, funded=False)
    _result(finished, elsewhere, rank=3)
    ranking = ContestFactory(status=ContestStatus.RANKING)  # results computed, not yet published
    _result(ranking, here, rank=1)
    other_place = ContestFactory(status=ContestStatus.FINISHED)
    _result(other_place, elsewhere, rank=1)
    ContestFactory(status=ContestStatus.FINISHED)  # nothing ranked at all

    groups = contest_groups(here.pk)

    assert [g.id for g in groups] == [str(finished.pk)]
    assert groups[0].title == finished.title
    assert groups[0].url == reverse("contests:results", args=[finished.pk])
    assert contest_candidates(here.pk, str(ranking.pk)) == []
    assert contest_candidates(here.pk, str(other_place.pk)) == []


def test_the_groups_count_the_ranked_and_funded_applications_of_the_municipality():
    here, elsewhere = MunicipalityFactory(), MunicipalityFactory()
    contest = ContestFactory(status=ContestStatus.FINISHED)
    _result(contest, here, rank=1)
    _result(contest, here, rank=2, funded=False)
    _result(contest, elsewhere, rank=3)
    (row,) = finished_contests_in(here.pk)
    assert (row.pk, row.ranked, row.funded) == (contest.pk, 2, 1)
    with translation.override("en"):
        (group,) = contest_groups(here.pk)
    assert group.note == "2 ranked here, 1 funded"


def test_the_place_of_the_project_wins_over_the_applicants_municipality():
    here, elsewhere = MunicipalityFactory(), MunicipalityFactory()
    contest = ContestFactory(status=ContestStatus.FINISHED)
    carried_out_here = _result(contest, elsewhere, rank=1, municipality=here)
    carried_out_elsewhere = _result(contest, here, rank=2, municipality=elsewhere)  # an applicant from here
    assert [c.id for c in contest_candidates(here.pk, str(contest.pk))] == [str(carried_out_here.application_id)]
    assert [c.id for c in contest_candidates(elsewhere.pk, str(contest.pk))] == [
        str(carried_out_elsewhere.application_id)
    ]


def test_candidates_list_the_funded_first_with_their_costs_applicant_and_link():
    here = MunicipalityFactory()
    contest = ContestFactory(status=ContestStatus.FINISHED, currency="RUB")
    not_funded = _result(
        contest, here, rank=1, funded=False, grant_requested=Decimal("90000.00"), problem="Темно.", goals="Свет."
    )
    partial = _result(contest, here, rank=2, amount="120000.00", grant_requested=Decimal("150000.00"))
    no_grant = _result(
        contest, here, rank=3, funded=False, grant_requested=Decimal("0.00"), total_cost=Decimal("70000.00")
    )

    candidates = contest_candidates(here.pk, str(contest.pk))

    assert [c.id for c in candidates] == [str(r.application_id) for r in (partial, not_funded, no_grant)]
    first, second, third = candidates
    assert first.awarded and first.cost == Decimal("120000.00")  # the grant awarded, not the one requested
    assert not second.awarded and second.cost == Decimal("90000.00")  # the grant requested
    assert third.cost == Decimal("70000.00")  # no grant asked for: the project's cost
    assert second.title == not_funded.application.title
    assert second.summary == "Темно. Свет."
    assert second.organisation == not_funded.application.organization.name
    assert second.currency == "RUB"
    assert second.url == reverse("contests:results", args=[contest.pk])
    assert first.note and second.note


def test_an_unknown_or_malformed_group_offers_nothing():
    here = MunicipalityFactory()
    assert contest_candidates(here.pk, "") == []
    assert contest_candidates(here.pk, "not-a-number") == []
    assert contest_candidates(here.pk, "999999") == []


def test_the_source_reads_a_constant_number_of_queries():
    here = MunicipalityFactory()
    contests = [ContestFactory(status=ContestStatus.FINISHED) for _ in range(3)]
    for contest in contests:
        for rank in range(1, 6):
            _result(contest, here, rank=rank, funded=rank < 3)
    OrganizationFactory(municipality=here)
    with CaptureQueriesContext(connection) as groups_queries:
        groups = contest_groups(here.pk)
    with CaptureQueriesContext(connection) as candidate_queries:
        candidates = contest_candidates(here.pk, groups[0].id)
    assert len(groups) == 3 and len(candidates) == 5
    assert len(groups_queries) == 1
    assert len(candidate_queries) == 1
