"""The contests' read pages as contracts through the test client: status codes by role (the public, an
applicant, an organiser), the results' 404 before publication and the organisers' preview, what the pages show,
and query counts that stay constant as lists grow (2 and 20 rows)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests.models import ApplicationStatus, ContestStatus
from localbridge.contests.tests.factories import (
    ActivityFactory,
    ApplicationFactory,
    AssignmentFactory,
    BudgetLineFactory,
    ContestFactory,
    CriterionFactory,
    NominationFactory,
    RequiredDocumentFactory,
    ResultFactory,
    ScoreFactory,
    chair_of,
    staff_of,
)
from localbridge.core.audit import audit_record
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("contests:list")


def _signed_in(client, user):
    client.force_login(user)
    return client


# --- the list -------------------------------------------------------------------------------------------------


def test_the_list_shows_public_contests_and_hides_drafts(client):
    announced = ContestFactory(status=ContestStatus.ANNOUNCED, title="Двор мечты 2026")
    ContestFactory(status=ContestStatus.DRAFT, title="Черновик конкурса")
    response = client.get(LIST_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert announced.title in body
    assert "Черновик конкурса" not in body


def test_the_list_filters_by_stage(client):
    ContestFactory(status=ContestStatus.ANNOUNCED, title="Приём заявок идёт")
    ContestFactory(status=ContestStatus.FINISHED, title="Итоги подведены")
    body = client.get(LIST_URL, {"status": "finished"}).content.decode()
    assert "Итоги подведены" in body
    assert "Приём заявок идёт" not in body


def test_the_list_survives_bad_filters(client):
    ContestFactory(status=ContestStatus.ANNOUNCED)
    response = client.get(LIST_URL, {"status": "nonsense", "region": "XX-XX", "organizer": "abc", "page": "999"})
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_runs_the_same_queries_however_long(client, rows, django_assert_num_queries):
    ContestFactory.create_batch(rows, status=ContestStatus.ANNOUNCED)
    # count, page, and the regions and organisers of the filter form.
    with django_assert_num_queries(4):
        response = client.get(LIST_URL)
    assert response.status_code == 200


# --- a contest's page -----------------------------------------------------------------------------------------


def _full_contest(**kwargs):
    contest = ContestFactory(rules="## Порядок\n\nЗаявки **только** от ТОС.<script>alert(1)</script>", **kwargs)
    NominationFactory(contest=contest, name="Благоустройство", pool=Decimal("400000"))
    CriterionFactory(contest=contest, name="Актуальность", scale_max=10, weight=Decimal("0.5"))
    RequiredDocumentFactory(contest=contest, name="Протокол собрания ТОС")
    return contest


def test_a_contests_page_shows_rules_stages_money_and_criteria(client):
    contest = _full_contest(status=ContestStatus.REVIEW)
    response = client.get(contest.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "<strong>только</strong>" in body
    assert "<script>" not in body
    assert "Благоустройство" in body and "Актуальность" in body and "Протокол собрания ТОС" in body
    assert 'aria-current="step"' in body
    assert "Asia/Yakutsk" in body
    assert "23:59" in body  # the deadline at the end of the closing day, in the contest's time zone
    assert "1 000 000,00" in body or "1\xa0000\xa0000,00" in body


def test_a_draft_is_404_to_the_public_and_shown_to_its_organiser(client):
    contest = ContestFactory(status=ContestStatus.DRAFT)
    assert client.get(contest.get_absolute_url()).status_code == 404
    _signed_in(client, staff_of(contest.organizer))
    assert client.get(contest.get_absolute_url()).status_code == 200


def test_organisers_see_application_counts_and_the_public_does_not(client):
    contest = ContestFactory(status=ContestStatus.REVIEW)
    ApplicationFactory.create_batch(3, contest=contest, status=ApplicationStatus.SUBMITTED)
    public = client.get(contest.get_absolute_url())
    assert "organiser-heading" not in public.content.decode()
    _signed_in(client, chair_of(contest.organizer))
    response = client.get(contest.get_absolute_url())
    assert "organiser-heading" in response.content.decode()
    assert response.context["application_total"] == 3
    assert reverse("contests:organizer_applications", args=[contest.pk]) in response.content.decode()


# --- results --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [ContestStatus.ANNOUNCED, ContestStatus.REVIEW, ContestStatus.EVALUATION, ContestStatus.RANKING]
)
def test_results_are_404_to_the_public_before_publication(client, status):
    contest = ContestFactory(status=status)
    assert client.get(reverse("contests:results", args=[contest.pk])).status_code == 404
    assert client.get(reverse("contests:results_protocol", args=[contest.pk, "pdf"])).status_code == 404


def test_organisers_preview_the_ranking_marked_as_a_preview(client):
    contest = ContestFactory(status=ContestStatus.RANKING)
    ResultFactory(contest=contest, application__title="Скамейки во дворе")
    _signed_in(client, staff_of(contest.organizer))
    response = client.get(reverse("contests:results", args=[contest.pk]))
    assert response.status_code == 200
    assert response.context["preview"] is True
    assert "preview-banner" in response.content.decode()
    assert "Скамейки во дворе" in response.content.decode()


def test_organisers_get_404_for_results_while_evaluation_runs(client):
    contest = ContestFactory(status=ContestStatus.EVALUATION)
    _signed_in(client, staff_of(contest.organizer))
    assert client.get(reverse("contests:results", args=[contest.pk])).status_code == 404


def test_published_results_show_scores_by_criterion_without_naming_experts(client):
    contest = ContestFactory(status=ContestStatus.FINISHED, prize_pool=Decimal("300000"))
    criterion = CriterionFactory(contest=contest, name="Социальная значимость")
    result = ResultFactory(
        contest=contest, score=Decimal("81.25"), amount=Decimal("150000"), criteria={str(criterion.pk): 8.125}
    )
    expert_user = UserFactory(full_name="Эксперт Секретов")
    ScoreFactory(
        assignment=AssignmentFactory(application=result.application, expert__user=expert_user), criterion=criterion
    )
    response = client.get(reverse("contests:results", args=[contest.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert result.application.title in body and result.application.organization.display_name in body
    assert "81,25" in body and "8,13" in body
    assert "Эксперт Секретов" not in body
    assert response.context["preview"] is False
    assert response.context["summary"].awarded == Decimal("150000.00")


@pytest.mark.parametrize("rows", [2, 20])
def test_results_run_the_same_queries_however_long(client, rows, django_assert_num_queries):
    contest = ContestFactory(status=ContestStatus.FINISHED)
    CriterionFactory.create_batch(3, contest=contest)
    nomination = NominationFactory(contest=contest)
    ResultFactory.create_batch(rows, contest=contest, nomination=nomination)
    # contest (+5 prefetches), the page's count and its results, summary.
    with django_assert_num_queries(9):
        response = client.get(reverse("contests:results", args=[contest.pk]))
    assert response.status_code == 200


def test_results_come_a_hundred_a_page_and_the_funded_ones_on_their_own(client):
    contest = ContestFactory(status=ContestStatus.FINISHED)
    for rank in range(1, 121):
        ResultFactory(contest=contest, rank=rank, funded=rank <= 10)
    first = client.get(reverse("contests:results", args=[contest.pk]))
    assert first.context["page"].paginator.num_pages == 2
    assert sum(len(group.results) for group in first.context["groups"]) == 100
    second = client.get(reverse("contests:results", args=[contest.pk]), {"page": 2})
    assert sum(len(group.results) for group in second.context["groups"]) == 20
    funded = client.get(reverse("contests:results", args=[contest.pk]), {"funded": "1"})
    shown = [result for group in funded.context["groups"] for result in group.results]
    assert [result.rank for result in shown] == list(range(1, 11))


# --- an application -----------------------------------------------------------------------------------------


def _application():
    contest = ContestFactory(status=ContestStatus.REVIEW)
    application = ApplicationFactory(
        contest=contest,
        status=ApplicationStatus.SUBMITTED,
        number="К-0001",
        total_cost=Decimal("100000"),
        grant_requested=Decimal("80000"),
    )
    BudgetLineFactory(application=application, item="Скамейка садовая")
    ActivityFactory(application=application, name="Установка скамеек", starts_on=date(2026, 6, 1))
    audit_record(obj=application, action="submit", from_status="draft", to_status="submitted")
    return application


def test_an_application_needs_a_sign_in(client):
    application = _application()
    response = client.get(application.get_absolute_url())
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_stranger_may_not_read_an_application(client):
    application = _application()
    _signed_in(client, UserFactory())
    assert client.get(application.get_absolute_url()).status_code == 403


def test_a_member_of_the_applicant_reads_the_application_with_budget_totals_and_history(client):
    application = _application()
    member = MembershipFactory(organization=application.organization, role=MembershipRole.MEMBER).user
    _signed_in(client, member)
    response = client.get(application.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Скамейка садовая" in body and "Установка скамеек" in body
    assert response.context["totals"]["grant"] == Decimal("80000.00")
    assert response.context["totals"]["residents"] == Decimal("20000.00")
    assert len(response.context["history"]) == 1


def test_the_organiser_reads_any_application_of_the_contest(client):
    application = _application()
    _signed_in(client, staff_of(application.contest.organizer))
    assert client.get(application.get_absolute_url()).status_code == 200


def test_an_application_under_another_contests_url_is_404(client):
    application = _application()
    other = ContestFactory(status=ContestStatus.REVIEW)
    _signed_in(client, staff_of(application.contest.organizer))
    url = reverse("contests:application", args=[other.pk, application.pk])
    assert client.get(url).status_code == 404


# --- my applications and the organisers' list ---------------------------------------------------------------


def test_my_applications_needs_a_sign_in_and_lists_my_organisations_applications(client):
    url = reverse("contests:my_applications")
    assert client.get(url).status_code == 302
    mine = ApplicationFactory(title="Наш сквер")
    ApplicationFactory(title="Чужой сквер")
    _signed_in(client, chair_of(mine.organization))
    body = client.get(url).content.decode()
    assert "Наш сквер" in body and "Чужой сквер" not in body


@pytest.mark.parametrize("rows", [2, 20])
def test_my_applications_run_the_same_queries_however_long(client, rows, django_assert_num_queries):
    user = UserFactory()
    for _ in range(rows):
        MembershipFactory(user=user, organization=ApplicationFactory().organization)
    client.force_login(user)
    # session, user, the base template's permission checks, count, page.
    with django_assert_num_queries(7):
        response = client.get(reverse("contests:my_applications"))
    assert response.status_code == 200


def test_the_organisers_list_is_403_to_applicants_and_the_public_is_sent_to_sign_in(client):
    application = _application()
    url = reverse("contests:organizer_applications", args=[application.contest_id])
    assert client.get(url).status_code == 302
    _signed_in(client, chair_of(application.organization))
    assert client.get(url).status_code == 403


def test_the_organisers_list_filters_and_totals(client):
    contest = ContestFactory(status=ContestStatus.REVIEW)
    nomination = NominationFactory(contest=contest)
    ApplicationFactory(
        contest=contest,
        status=ApplicationStatus.SUBMITTED,
        nomination=nomination,
        title="Первая",
        grant_requested=Decimal("10"),
    )
    ApplicationFactory(contest=contest, status=ApplicationStatus.ADMITTED, title="Вторая", grant_requested=Decimal("5"))
    ApplicationFactory(contest=contest, status=ApplicationStatus.DRAFT, title="Черновая")
    _signed_in(client, staff_of(contest.organizer))
    url = reverse("contests:organizer_applications", args=[contest.pk])
    response = client.get(url)
    body = response.content.decode()
    assert "Первая" in body and "Вторая" in body and "Черновая" not in body
    assert response.context["totals"]["grant_requested"] == Decimal("15.00")
    body = client.get(url, {"nomination": nomination.pk}).content.decode()
    assert "Первая" in body and "Вторая" not in body
    body = client.get(url, {"status": "admitted"}).content.decode()
    assert "Вторая" in body and "Первая" not in body


@pytest.mark.parametrize("rows", [2, 20])
def test_the_organisers_list_runs_the_same_queries_however_long(client, rows, django_assert_num_queries):
    contest = ContestFactory(status=ContestStatus.REVIEW)
    NominationFactory(contest=contest)
    ApplicationFactory.create_batch(rows, contest=contest, status=ApplicationStatus.SUBMITTED)
    client.force_login(staff_of(contest.organizer))
    with django_assert_num_queries(15):
        response = client.get(reverse("contests:organizer_applications", args=[contest.pk]))
    assert response.status_code == 200
