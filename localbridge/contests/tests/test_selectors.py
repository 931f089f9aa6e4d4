"""Reads of the contests module: who sees which contest (in SQL), the list's filters (stage, region, organiser,
accepting applications now in each contest's own time zone), results with their summary, the organisers' list of
applications with totals, "my applications", and query counts that stay constant as lists grow."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.http import Http404

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests import selectors
from localbridge.contests.models import ApplicationStatus, ContestStatus
from localbridge.contests.tests.factories import (
    ApplicationFactory,
    BudgetLineFactory,
    ContestFactory,
    CriterionFactory,
    NominationFactory,
    ResultFactory,
    chair_of,
    staff_of,
)
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import MembershipFactory
from localbridge.territories.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_the_public_sees_announced_and_later_contests_but_not_drafts():
    draft = ContestFactory(status=ContestStatus.DRAFT)
    announced = ContestFactory(status=ContestStatus.ANNOUNCED)
    finished = ContestFactory(status=ContestStatus.FINISHED)
    visible = set(selectors.contest_visible_to(None))
    assert visible == {announced, finished}
    assert draft not in visible


def test_an_organiser_sees_the_drafts_of_their_organisation_only():
    mine = ContestFactory(status=ContestStatus.DRAFT)
    other = ContestFactory(status=ContestStatus.DRAFT)
    user = staff_of(mine.organizer)
    visible = set(selectors.contest_visible_to(user))
    assert mine in visible
    assert other not in visible


def test_a_plain_member_of_the_organiser_does_not_see_its_drafts():
    draft = ContestFactory(status=ContestStatus.DRAFT)
    member = MembershipFactory(organization=draft.organizer, role=MembershipRole.MEMBER).user
    assert draft not in selectors.contest_visible_to(member)


def test_platform_staff_see_every_contest():
    draft = ContestFactory(status=ContestStatus.DRAFT)
    assert draft in selectors.contest_visible_to(UserFactory(is_staff=True))


def test_contest_get_is_404_for_a_draft_the_user_may_not_see():
    draft = ContestFactory(status=ContestStatus.DRAFT)
    with pytest.raises(Http404):
        selectors.contest_get(pk=draft.pk, user=None)
    assert selectors.contest_get(pk=draft.pk, user=chair_of(draft.organizer)) == draft


def test_the_list_leaves_drafts_out_even_for_their_organiser_unless_asked():
    draft = ContestFactory(status=ContestStatus.DRAFT)
    user = chair_of(draft.organizer)
    assert draft not in selectors.contest_list(user=user)
    assert list(selectors.contest_list(user=user, status="draft")) == [draft]
    assert list(selectors.contest_list(user=None, status="draft")) == []


def test_the_list_filters_by_stage_region_and_organiser():
    region = RegionFactory(code="RU-SA", name_ru="Республика Саха (Якутия)", name_en="Sakha")
    a = ContestFactory(status=ContestStatus.ANNOUNCED, region=region)
    b = ContestFactory(status=ContestStatus.EVALUATION)  # in the factory's default region
    assert list(selectors.contest_list(status=ContestStatus.EVALUATION)) == [b]
    assert list(selectors.contest_list(region=region.code.lower())) == [a]
    assert list(selectors.contest_list(organizer=b.organizer_id)) == [b]


def test_accepting_now_counts_the_closing_day_in_the_contests_own_time_zone():
    # 21 March 2026, 16:00 UTC is already 22 March, 01:00 in Yakutsk (UTC+9) but still 21 March in Moscow.
    now = datetime(2026, 3, 21, 16, 0, tzinfo=UTC)
    yakutsk = ContestFactory(status=ContestStatus.ANNOUNCED, time_zone="Asia/Yakutsk")
    moscow = ContestFactory(status=ContestStatus.ANNOUNCED, time_zone="Europe/Moscow")
    not_yet = ContestFactory(
        status=ContestStatus.ANNOUNCED, applications_open=date(2026, 4, 1), applications_close=date(2026, 4, 30)
    )
    ContestFactory(status=ContestStatus.REVIEW, time_zone="Europe/Moscow")
    accepting = list(selectors.contest_list(accepting=True, now=now))
    assert accepting == [moscow]
    assert selectors.contest_accepting(moscow, now) is True
    assert selectors.contest_accepting(yakutsk, now) is False
    assert selectors.contest_accepting(not_yet, now) is False


def test_the_deadline_is_the_end_of_the_closing_day_in_the_contests_time_zone():
    contest = ContestFactory(time_zone="Asia/Yakutsk", applications_close=date(2026, 3, 21))
    deadline = selectors.contest_deadline(contest)
    assert deadline is not None
    assert deadline.astimezone(UTC) == datetime(2026, 3, 21, 14, 59, 59, tzinfo=UTC)


def test_application_counts_give_every_status():
    contest = ContestFactory(status=ContestStatus.REVIEW)
    ApplicationFactory.create_batch(2, contest=contest, status=ApplicationStatus.SUBMITTED)
    ApplicationFactory(contest=contest, status=ApplicationStatus.WITHDRAWN)
    counts = selectors.application_counts(contest)
    assert counts[ApplicationStatus.SUBMITTED] == 2
    assert counts[ApplicationStatus.WITHDRAWN] == 1
    assert counts[ApplicationStatus.ADMITTED] == 0


def test_results_come_in_the_order_the_ranking_wrote_with_the_summary():
    contest = ContestFactory(status=ContestStatus.FINISHED, prize_pool=Decimal("500000"))
    first, second = NominationFactory(contest=contest, position=1), NominationFactory(contest=contest, position=2)
    b2 = ResultFactory(contest=contest, nomination=second, rank=1, position=3, amount=Decimal("100000"))
    a2 = ResultFactory(contest=contest, nomination=first, rank=2, position=2, amount=Decimal("0"), funded=False)
    a1 = ResultFactory(contest=contest, nomination=first, rank=1, position=1, amount=Decimal("200000.5"))
    assert list(selectors.contest_results(contest)) == [a1, a2, b2]
    summary = selectors.results_summary(contest)
    assert summary.pool == Decimal("500000.00")
    assert summary.awarded == Decimal("300000.50")
    assert summary.funded == 2
    assert summary.ranked == 3
    assert summary.remaining == Decimal("199999.50")


def test_criterion_means_follow_the_criteria_order_and_leave_gaps():
    contest = ContestFactory(status=ContestStatus.FINISHED)
    c1, c2 = CriterionFactory(contest=contest), CriterionFactory(contest=contest)
    result = ResultFactory(contest=contest, criteria={str(c2.pk): 7.25})
    assert selectors.criterion_means(result, [c1, c2]) == [None, Decimal("7.25")]


def test_the_organisers_list_leaves_drafts_out_and_filters_with_totals():
    contest = ContestFactory(status=ContestStatus.REVIEW)
    nomination = NominationFactory(contest=contest)
    ApplicationFactory(contest=contest, status=ApplicationStatus.DRAFT)
    a = ApplicationFactory(
        contest=contest,
        status=ApplicationStatus.SUBMITTED,
        nomination=nomination,
        total_cost=Decimal("100000"),
        grant_requested=Decimal("90000"),
    )
    b = ApplicationFactory(
        contest=contest,
        status=ApplicationStatus.ADMITTED,
        total_cost=Decimal("50000"),
        grant_requested=Decimal("40000"),
    )
    applications = selectors.applications_for_organizer(contest)
    assert set(applications) == {a, b}
    assert list(selectors.applications_for_organizer(contest, status=ApplicationStatus.ADMITTED)) == [b]
    assert list(selectors.applications_for_organizer(contest, nomination=nomination.pk)) == [a]
    totals = selectors.application_totals(applications)
    assert totals == {
        "count": 2,
        "total_cost": Decimal("150000.00"),
        "grant_requested": Decimal("130000.00"),
        "cofinancing": Decimal("20000.00"),
    }


def test_my_applications_are_those_of_organisations_i_belong_to_in_any_role():
    mine = ApplicationFactory()
    ApplicationFactory()
    member = MembershipFactory(organization=mine.organization, role=MembershipRole.MEMBER).user
    MembershipFactory(user=member, organization=ApplicationFactory().organization, is_active=False)
    assert list(selectors.my_applications(member)) == [mine]
    assert list(selectors.my_applications(None)) == []


def test_budget_totals_sum_each_source():
    application = ApplicationFactory()
    BudgetLineFactory(application=application)
    BudgetLineFactory(application=application, total=Decimal("50000"), grant=Decimal("0"), sponsors=Decimal("50000"))
    totals = selectors.budget_totals(list(application.budget_lines.all()))
    assert totals["total"] == Decimal("150000.00")
    assert totals["grant"] == Decimal("80000.00")
    assert totals["sponsors"] == Decimal("50000.00")
    assert totals["residents"] == Decimal("40000.00")  # 20000 on each line by the factory


@pytest.mark.parametrize("rows", [2, 20])
def test_the_contest_list_runs_one_query_however_long(rows, django_assert_num_queries):
    ContestFactory.create_batch(rows, status=ContestStatus.ANNOUNCED)
    with django_assert_num_queries(1):
        contests = list(selectors.contest_list())
        [(c.organizer.name, c.region and c.region.name) for c in contests]
    assert len(contests) == rows


@pytest.mark.parametrize("rows", [2, 20])
def test_results_and_applications_run_one_query_however_long(rows, django_assert_num_queries):
    contest = ContestFactory(status=ContestStatus.FINISHED)
    nomination = NominationFactory(contest=contest)
    ResultFactory.create_batch(rows, contest=contest, nomination=nomination)
    with django_assert_num_queries(2):
        results = [
            (r.application.title, r.application.organization.name, r.nomination.name)
            for r in selectors.contest_results(contest)
        ]
        applications = [(a.organization.name, a.nomination) for a in selectors.applications_for_organizer(contest)]
    assert len(results) == len(applications) == rows


@pytest.mark.parametrize("rows", [2, 20])
def test_my_applications_run_one_query_however_long(rows, django_assert_num_queries):
    user = UserFactory()
    for _ in range(rows):
        MembershipFactory(user=user, organization=ApplicationFactory().organization)
    with django_assert_num_queries(1):
        rows_seen = [(a.contest.title, a.organization.name, a.nomination) for a in selectors.my_applications(user)]
    assert len(rows_seen) == rows
