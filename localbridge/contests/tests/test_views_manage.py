"""The organiser's write pages through the test client: who may open them (the organiser 200, a stranger 403,
anonymous to the login page), each POST's happy path writing through the services and redirecting, invalid input
re-rendered with the error beside the field and nothing written, the stale version of the contest's form, and
query counts that stay constant as the contest grows (2 and 10 applications)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests.models import (
    ApplicationStatus,
    Assignment,
    Contest,
    ContestStatus,
    Criterion,
    Expert,
    ExpertStatus,
    Nomination,
    RejectionReason,
    RequiredDocument,
    Result,
)
from localbridge.contests.tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    ConflictFactory,
    ContestFactory,
    CriterionFactory,
    ExpertFactory,
    ScoreFactory,
    chair_of,
)
from localbridge.organizations.tests.factories import AdministrationFactory
from localbridge.territories.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + timedelta(days=30)


@pytest.fixture(autouse=True)
def english(settings):
    """The pages in English, so that the tests read the msgids (Russian is the default language)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def organizer():
    return AdministrationFactory()


@pytest.fixture
def chair(organizer):
    return chair_of(organizer)


def _login(client, user):
    client.force_login(user)
    return client


def _contest_data(contest=None, **overrides):
    """A complete POST of the contest's form."""
    region = contest.region if contest is not None else RegionFactory()
    data = {
        "title": "Наш двор 2027",
        "summary": "Гранты ТОС на благоустройство.",
        "rules": "Заявки принимаются от ТОС.",
        "eligible_kinds": ["tos", "ngo"],
        "scope": "regional",
        "region": region.pk,
        "country": "",
        "time_zone": "Asia/Yakutsk",
        "currency": "RUB",
        "applications_open": FUTURE.isoformat(),
        "applications_close": (FUTURE + timedelta(days=20)).isoformat(),
        "review_until": (FUTURE + timedelta(days=30)).isoformat(),
        "evaluation_until": (FUTURE + timedelta(days=50)).isoformat(),
        "results_on": (FUTURE + timedelta(days=60)).isoformat(),
        "prize_pool": "1000000",
        "max_grant": "300000",
        "min_cofinancing_percent": "10",
        "experts_per_application": "2",
        "disagreement_threshold": "25",
        "min_pass_score": "0",
        "award_rule": "skip",
        "tie_break": "earlier_submission",
    }
    if contest is not None:
        data["version"] = contest.version
    data.update(overrides)
    return data


def _formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def _errors(response, form="form"):
    return {name: [str(m) for m in errors] for name, errors in response.context[form].errors.items()}


# --- who may open the pages ----------------------------------------------------------------------------------


def _pages(contest, application):
    return [
        reverse("contests:manage", args=[contest.pk]),
        reverse("contests:manage_moves", args=[contest.pk]),
        reverse("contests:setup", args=[contest.pk]),
        reverse("contests:move", args=[contest.pk, "cancel"]),
        reverse("contests:review_queue", args=[contest.pk]),
        reverse("contests:review", args=[contest.pk, application.pk]),
        reverse("contests:experts", args=[contest.pk]),
        reverse("contests:assignments", args=[contest.pk]),
        reverse("contests:progress", args=[contest.pk]),
    ]


def test_the_organisers_pages_open_for_the_organiser_only(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.REVIEW)
    application = ApplicationFactory(contest=contest, status=ApplicationStatus.SUBMITTED, number="К-0001")
    pages = _pages(contest, application)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    _login(client, UserFactory())
    for url in pages:
        assert client.get(url).status_code == 403, url
    _login(client, chair)
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_a_draft_is_404_to_a_stranger(client, organizer):
    contest = ContestFactory(organizer=organizer)
    _login(client, UserFactory())
    assert client.get(reverse("contests:setup", args=[contest.pk])).status_code == 404


def test_the_new_contest_page_needs_an_organising_organisation(client, chair):
    url = reverse("contests:create")
    assert client.get(url).url.startswith(reverse("account_login"))
    _login(client, UserFactory())
    assert client.get(url).status_code == 403
    _login(client, chair)
    response = client.get(url)
    assert response.status_code == 200
    assert "Europe/Moscow" in response.content.decode()


def test_the_contests_page_shows_the_organiser_box_to_organisers(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.ANNOUNCED)
    assert "organiser-actions-heading" not in client.get(contest.get_absolute_url()).content.decode()
    _login(client, chair)
    body = client.get(contest.get_absolute_url()).content.decode()
    assert "organiser-actions-heading" in body
    assert reverse("contests:manage_moves", args=[contest.pk]) in body
    moves = client.get(reverse("contests:manage_moves", args=[contest.pk])).content.decode()
    assert reverse("contests:move", args=[contest.pk, "close_applications"]) in moves
    assert reverse("contests:move", args=[contest.pk, "cancel"]) in moves


# --- a new contest --------------------------------------------------------------------------------------------


def test_creating_a_contest_saves_a_draft_and_goes_to_its_set_up(client, organizer, chair):
    _login(client, chair)
    data = _contest_data(organizer=organizer.pk)
    response = client.post(reverse("contests:create"), data)
    contest = Contest.objects.get(title="Наш двор 2027")
    assert response.status_code == 302
    assert response.url == reverse("contests:setup", args=[contest.pk])
    assert contest.organizer == organizer
    assert contest.status == ContestStatus.DRAFT
    assert contest.eligible_kinds == ["tos", "ngo"]
    assert contest.prize_pool == Decimal("1000000.00")
    assert contest.time_zone == "Asia/Yakutsk"


def test_creating_with_dates_out_of_order_shows_the_error_beside_the_date(client, organizer, chair):
    _login(client, chair)
    data = _contest_data(organizer=organizer.pk, applications_close=(FUTURE - timedelta(days=1)).isoformat())
    response = client.post(reverse("contests:create"), data)
    assert response.status_code == 200
    assert "applications_close" in _errors(response)
    assert not Contest.objects.exists()


def test_creating_for_someone_elses_organisation_is_refused(client, chair):
    other = AdministrationFactory()
    _login(client, chair)
    response = client.post(reverse("contests:create"), _contest_data(organizer=other.pk))
    assert response.status_code == 200
    assert "organizer" in _errors(response)
    assert not Contest.objects.exists()


# --- set-up of a draft ----------------------------------------------------------------------------------------


def test_editing_the_draft_saves_through_the_service(client, organizer, chair):
    contest = ContestFactory(organizer=organizer)
    _login(client, chair)
    data = {"section": "contest", **_contest_data(contest, title="Новое название")}
    response = client.post(reverse("contests:setup", args=[contest.pk]), data)
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.title == "Новое название"
    assert contest.version == 2


def test_a_stale_version_shows_the_stale_message_and_keeps_the_other_save(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, title="Первое")
    _login(client, chair)
    data = {"section": "contest", **_contest_data(contest, title="Моё")}
    Contest.objects.filter(pk=contest.pk).update(version=2, title="Чужое")
    response = client.post(reverse("contests:setup", args=[contest.pk]), data)
    assert response.status_code == 200
    assert "Someone else changed the contest meanwhile" in " ".join(_errors(response).get("__all__", []))
    contest.refresh_from_db()
    assert contest.title == "Чужое"


def test_an_invalid_edit_shows_the_error_beside_the_field(client, organizer, chair):
    contest = ContestFactory(organizer=organizer)
    _login(client, chair)
    data = {"section": "contest", **_contest_data(contest, max_grant="2000000")}
    response = client.post(reverse("contests:setup", args=[contest.pk]), data)
    assert response.status_code == 200
    assert "max_grant" in _errors(response)
    assert 'aria-invalid="true"' in response.content.decode()
    contest.refresh_from_db()
    assert contest.version == 1


def test_an_announced_contest_keeps_its_locked_fields(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.ANNOUNCED, prize_pool=Decimal("500000"))
    _login(client, chair)
    data = {"section": "contest", **_contest_data(contest, rules="Новые правила", prize_pool="1")}
    response = client.post(reverse("contests:setup", args=[contest.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    contest.refresh_from_db()
    assert contest.rules == "Новые правила"
    assert contest.prize_pool == Decimal("500000.00")


def test_criteria_are_saved_from_the_formset(client, organizer, chair):
    contest = ContestFactory(organizer=organizer)
    CriterionFactory(contest=contest, name="Старый")
    _login(client, chair)
    rows = [
        {"name": "Актуальность", "description": "", "scale_min": "0", "scale_max": "10", "weight": "2"},
        {"name": "", "description": "", "scale_min": "", "scale_max": "", "weight": ""},
        {"name": "Бюджет", "description": "Реалистичность", "scale_min": "1", "scale_max": "5", "weight": "1"},
    ]
    data = {"section": "criteria", **_formset("criteria", rows)}
    response = client.post(reverse("contests:setup", args=[contest.pk]), data)
    assert response.status_code == 302
    assert list(Criterion.objects.filter(contest=contest).values_list("name", "scale_max", "weight")) == [
        ("Актуальность", 10, Decimal("2.000")),
        ("Бюджет", 5, Decimal("1.000")),
    ]


def test_a_criterion_without_a_name_is_shown_beside_it_and_nothing_changes(client, organizer, chair):
    contest = ContestFactory(organizer=organizer)
    CriterionFactory(contest=contest, name="Старый")
    _login(client, chair)
    rows = [{"name": "", "description": "Без названия", "scale_min": "0", "scale_max": "10", "weight": "1"}]
    response = client.post(
        reverse("contests:setup", args=[contest.pk]), {"section": "criteria", **_formset("criteria", rows)}
    )
    assert response.status_code == 200
    assert "name" in response.context["criteria_formset"].forms[0].errors
    assert list(Criterion.objects.filter(contest=contest).values_list("name", flat=True)) == ["Старый"]


def test_a_ready_made_set_of_criteria_replaces_the_criteria(client, organizer, chair):
    contest = ContestFactory(organizer=organizer)
    _login(client, chair)
    page = client.get(reverse("contests:setup", args=[contest.pk])).content.decode()
    assert "Presidential Grants Fund" in page or "Фонд президентских грантов" in page
    response = client.post(reverse("contests:setup", args=[contest.pk]), {"section": "template", "template": "pgf10"})
    assert response.status_code == 302
    assert Criterion.objects.filter(contest=contest).count() == 10


def test_nomination_pools_over_the_prize_pool_are_refused(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, prize_pool=Decimal("100000"), max_grant=None)
    _login(client, chair)
    rows = [
        {"name": "Дворы", "description": "", "pool": "80000"},
        {"name": "Спорт", "description": "", "pool": "50000"},
    ]
    response = client.post(
        reverse("contests:setup", args=[contest.pk]), {"section": "nominations", **_formset("nominations", rows)}
    )
    assert response.status_code == 200
    assert response.context["nominations_formset"].non_form_errors()
    assert not Nomination.objects.filter(contest=contest).exists()
    rows[1]["pool"] = "20000"
    response = client.post(
        reverse("contests:setup", args=[contest.pk]), {"section": "nominations", **_formset("nominations", rows)}
    )
    assert response.status_code == 302
    assert Nomination.objects.filter(contest=contest).count() == 2


def test_required_documents_are_saved(client, organizer, chair):
    contest = ContestFactory(organizer=organizer)
    _login(client, chair)
    rows = [{"name": "Протокол собрания", "description": "С подписями"}]
    response = client.post(
        reverse("contests:setup", args=[contest.pk]), {"section": "documents", **_formset("documents", rows)}
    )
    assert response.status_code == 302
    assert list(RequiredDocument.objects.filter(contest=contest).values_list("name", flat=True)) == [
        "Протокол собрания"
    ]


def test_the_set_up_shows_the_checklist(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, rules="")
    _login(client, chair)
    body = client.get(reverse("contests:setup", args=[contest.pk])).content.decode()
    assert "Write the rules of the contest." in body
    assert "Set the evaluation criteria." in body


# --- stage moves ------------------------------------------------------------------------------------------------


def test_announcing_a_complete_draft(client, organizer, chair):
    contest = ContestFactory(
        organizer=organizer,
        applications_open=FUTURE,
        applications_close=FUTURE + timedelta(days=20),
        review_until=None,
        evaluation_until=None,
        results_on=None,
    )
    CriterionFactory(contest=contest)
    _login(client, chair)
    response = client.post(reverse("contests:move", args=[contest.pk, "announce"]))
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.status == ContestStatus.ANNOUNCED


def test_announcing_an_incomplete_draft_goes_back_to_the_set_up(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, rules="")
    _login(client, chair)
    response = client.post(reverse("contests:move", args=[contest.pk, "announce"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("contests:setup", args=[contest.pk])
    assert "Write the rules of the contest." in response.content.decode()
    contest.refresh_from_db()
    assert contest.status == ContestStatus.DRAFT


def test_cancelling_needs_a_reason_beside_the_comment(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.ANNOUNCED)
    _login(client, chair)
    url = reverse("contests:move", args=[contest.pk, "cancel"])
    response = client.post(url, {"comment": "  "})
    assert response.status_code == 200
    assert _errors(response)["comment"] == ["Say why the contest is cancelled."]
    contest.refresh_from_db()
    assert contest.status == ContestStatus.ANNOUNCED
    response = client.post(url, {"comment": "Нет финансирования."})
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.status == ContestStatus.CANCELLED


def test_an_unknown_move_is_404(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.ANNOUNCED)
    _login(client, chair)
    assert client.post(reverse("contests:move", args=[contest.pk, "explode"])).status_code == 404


def test_a_stranger_cannot_move_a_contest(client, organizer):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.ANNOUNCED)
    _login(client, UserFactory())
    assert client.post(reverse("contests:move", args=[contest.pk, "cancel"]), {"comment": "x"}).status_code == 403
    contest.refresh_from_db()
    assert contest.status == ContestStatus.ANNOUNCED


# --- technical review ------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(organizer):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.REVIEW)
    return ApplicationFactory(
        contest=contest, status=ApplicationStatus.SUBMITTED, number="К-0001", submitted_at=timezone.now()
    )


def test_the_review_queue_links_to_each_submitted_application(client, chair, submitted):
    _login(client, chair)
    body = client.get(reverse("contests:review_queue", args=[submitted.contest_id])).content.decode()
    assert reverse("contests:review", args=[submitted.contest_id, submitted.pk]) in body


def test_admitting_an_application(client, chair, submitted):
    _login(client, chair)
    url = reverse("contests:review", args=[submitted.contest_id, submitted.pk])
    response = client.post(url, {"action": "admit", "reason": "", "comment": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.ADMITTED


def test_not_admitting_without_a_reason_shows_the_error_beside_it(client, chair, submitted):
    _login(client, chair)
    url = reverse("contests:review", args=[submitted.contest_id, submitted.pk])
    response = client.post(url, {"action": "not_admit", "reason": "", "comment": ""})
    assert response.status_code == 200
    errors = _errors(response)
    assert "reason" in errors and "comment" in errors
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
    response = client.post(url, {"action": "not_admit", "reason": RejectionReason.INCOMPLETE, "comment": "Нет сметы."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.NOT_ADMITTED
    assert submitted.review_reason == RejectionReason.INCOMPLETE


# --- experts and assignments ----------------------------------------------------------------------------------


def test_inviting_an_expert_by_e_mail(client, organizer, chair, mailoutbox):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.ANNOUNCED)
    invited = UserFactory(email="expert@example.org")
    _login(client, chair)
    response = client.post(reverse("contests:expert_invite", args=[contest.pk]), {"email": "Expert@example.org"})
    assert response.status_code == 302
    assert Expert.objects.get(contest=contest).user == invited


def test_inviting_an_unknown_e_mail_says_so_beside_the_field(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.ANNOUNCED)
    _login(client, chair)
    response = client.post(reverse("contests:expert_invite", args=[contest.pk]), {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "No one is registered with this e-mail" in _errors(response, "invite_form")["email"][0]
    assert not Expert.objects.exists()


def test_inviting_an_expert_twice_says_so_beside_the_field(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.ANNOUNCED)
    expert = ExpertFactory(contest=contest)
    _login(client, chair)
    response = client.post(reverse("contests:expert_invite", args=[contest.pk]), {"email": expert.user.email})
    assert response.status_code == 200
    assert "already an expert" in _errors(response, "invite_form")["email"][0]


def test_removing_an_expert(client, organizer, chair):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.ANNOUNCED)
    expert = ExpertFactory(contest=contest)
    _login(client, chair)
    response = client.post(reverse("contests:expert_remove", args=[contest.pk, expert.pk]))
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.REMOVED


def _admitted_contest(organizer, applications=2, experts=2, **kwargs):
    contest = ContestFactory(organizer=organizer, status=ContestStatus.EVALUATION, **kwargs)
    apps = [
        ApplicationFactory(contest=contest, status=ApplicationStatus.ADMITTED, number=f"К-{n:04d}")
        for n in range(1, applications + 1)
    ]
    pool = [ExpertFactory(contest=contest) for _ in range(experts)]
    return contest, apps, pool


def test_assigning_automatically(client, organizer, chair):
    contest, apps, _experts = _admitted_contest(organizer)
    _login(client, chair)
    response = client.post(reverse("contests:assignments_auto", args=[contest.pk]), follow=True)
    assert response.status_code == 200
    assert Assignment.objects.filter(application__contest=contest).count() == 4
    assert "4 assignments added." in response.content.decode()


def test_assigning_automatically_without_enough_experts_says_why(client, organizer, chair):
    contest, _apps, _experts = _admitted_contest(organizer, experts=1)
    _login(client, chair)
    response = client.post(reverse("contests:assignments_auto", args=[contest.pk]), follow=True)
    assert "Not enough experts without a conflict of interest" in response.content.decode()
    assert not Assignment.objects.exists()


def test_adding_and_removing_an_assignment_by_hand(client, organizer, chair):
    contest, apps, experts = _admitted_contest(organizer)
    _login(client, chair)
    response = client.post(
        reverse("contests:assignment_add", args=[contest.pk]), {"application": apps[0].pk, "expert": experts[0].pk}
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(application=apps[0], expert=experts[0])
    assert assignment.manual
    response = client.post(reverse("contests:assignment_remove", args=[contest.pk, assignment.pk]))
    assert response.status_code == 302
    assert not Assignment.objects.exists()


def test_adding_an_expert_with_a_conflict_shows_the_error_in_the_row(client, organizer, chair):
    contest, apps, experts = _admitted_contest(organizer)
    ConflictFactory(expert=experts[0], organization=apps[0].organization)
    _login(client, chair)
    response = client.post(
        reverse("contests:assignment_add", args=[contest.pk]), {"application": apps[0].pk, "expert": experts[0].pk}
    )
    assert response.status_code == 200
    assert "conflict of interest" in response.content.decode()
    row = next(r for r in response.context["rows"] if r["application"] == apps[0])
    assert row["errors"]
    assert not Assignment.objects.exists()


# --- progress and the ranking ---------------------------------------------------------------------------------


def test_the_progress_flags_a_disagreement(client, organizer, chair):
    contest, apps, experts = _admitted_contest(organizer, disagreement_threshold=Decimal("10"))
    criterion = CriterionFactory(contest=contest, scale_min=0, scale_max=10)
    for expert, value in zip(experts, ("2", "9"), strict=True):
        assignment = AssignmentFactory(application=apps[0], expert=expert, completed_at=timezone.now())
        ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(value))
    _login(client, chair)
    response = client.get(reverse("contests:progress", args=[contest.pk]))
    body = response.content.decode()
    assert "needs a third look" in body
    assert reverse("contests:assignments", args=[contest.pk]) + f"#application-{apps[0].pk}" in body
    assert response.context["board"].disagreements[0].application == apps[0]


def test_recomputing_and_publishing_the_ranking(client, organizer, chair):
    contest, apps, experts = _admitted_contest(organizer, applications=1, experts=1)
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.RANKING)
    criterion = CriterionFactory(contest=contest)
    assignment = AssignmentFactory(application=apps[0], expert=experts[0], completed_at=timezone.now())
    ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal("8"))
    _login(client, chair)
    response = client.post(reverse("contests:results_recompute", args=[contest.pk]))
    assert response.status_code == 302
    assert response.url == reverse("contests:results", args=[contest.pk])
    assert Result.objects.filter(contest=contest).count() == 1
    publish = reverse("contests:move", args=[contest.pk, "publish_results"])
    assert client.get(publish).status_code == 200
    response = client.post(publish)
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.status == ContestStatus.FINISHED
    assert contest.results_published_at is not None


# --- query counts --------------------------------------------------------------------------------------------


def _busy_contest(organizer, applications):
    contest, apps, experts = _admitted_contest(organizer, applications=applications, experts=3)
    criterion = CriterionFactory(contest=contest)
    for application in apps:
        for expert in experts[:2]:
            assignment = AssignmentFactory(application=application, expert=expert, completed_at=timezone.now())
            ScoreFactory(assignment=assignment, criterion=criterion)
        ConflictFactory(expert=experts[2], organization=application.organization)
    return contest


@pytest.mark.parametrize("applications", [2, 10])
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # Each: session, user, contest, the permission, and three of the site's layout (its menu and Django's
        # permissions); then experts, their conflicts and the conflicts' organisations;
        ("contests:experts", 10),
        # applications, their assignments with experts, the accepted experts;
        ("contests:assignments", 10),
        # a second permission (all scores); criteria, applications, assignments, scores, experts.
        ("contests:progress", 13),
    ],
)
def test_the_pages_run_the_same_queries_however_many_applications(
    client, organizer, chair, applications, name, queries, django_assert_num_queries
):
    contest = _busy_contest(organizer, applications)
    _login(client, chair)
    url = reverse(name, args=[contest.pk])
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
