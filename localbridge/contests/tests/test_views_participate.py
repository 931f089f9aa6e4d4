"""The applicant's and the expert's pages as contracts through the test client: applying, the draft's steps
(optimistic locking shown, a budget that does not add up refused beside its line), the checklist, submitting and
withdrawing; the expert's invitations, conflicts, assignments and scoring sheet (403 for the unassigned and the
conflicted, the service's errors beside the fields), and query counts that do not grow with the rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from localbridge.contests import services
from localbridge.contests.models import (
    Application,
    ApplicationStatus,
    Conflict,
    ContestStatus,
    ExpertStatus,
    Score,
)
from localbridge.contests.tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    AssignmentFactory,
    BudgetLineFactory,
    ConflictFactory,
    ContestFactory,
    CriterionFactory,
    ExpertFactory,
    RequiredDocumentFactory,
    ScoreFactory,
    chair_of,
)
from localbridge.organizations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
TODAY = timezone.localdate()


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages asserted below are the English msgids
    return client


@pytest.fixture
def contest():
    contest = ContestFactory(
        status=ContestStatus.ANNOUNCED,
        applications_open=TODAY - timedelta(days=10),
        applications_close=TODAY + timedelta(days=10),
    )
    CriterionFactory(contest=contest)
    return contest


@pytest.fixture
def applicant():
    return ApplicantFactory()


@pytest.fixture
def chair(applicant):
    return chair_of(applicant)


@pytest.fixture
def draft(contest, applicant, chair):
    return services.application_create(contest=contest, organization=applicant, actor=chair, title="Двор мечты")


def _complete(draft, chair):
    activity = {
        "name": "Собрание жителей",
        "starts_on": TODAY + timedelta(days=60),
        "ends_on": TODAY + timedelta(days=61),
    }
    line = {"item": "Скамейка", "quantity": "10", "unit_cost": "10000", "grant": "80000", "residents": "20000"}
    return services.application_update(
        application=draft,
        actor=chair,
        version=draft.version,
        problem="Двор без освещения.",
        goals="Осветить двор.",
        expected_results="Светлый двор.",
        beneficiaries=300,
        activities=[activity],
        budget_lines=[line],
    )


def _step(application, step):
    return reverse("contests:application_step", args=[application.contest_id, application.pk, step])


def _budget_post(version, lines, extra=0):
    data = {
        "version": str(version),
        "lines-TOTAL_FORMS": str(len(lines) + extra),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for index, line in enumerate(lines):
        for name, value in line.items():
            data[f"lines-{index}-{name}"] = value
    return data


# --- applying -------------------------------------------------------------------------------------------------


def test_the_contest_page_offers_apply_to_the_chair_of_an_eligible_organisation(client, contest, chair):
    url = reverse("contests:detail", args=[contest.pk])
    apply_url = reverse("contests:apply", args=[contest.pk])
    assert apply_url not in client.get(url).content.decode()
    client.force_login(chair)
    assert apply_url in client.get(url).content.decode()


def test_apply_creates_a_draft_and_opens_its_first_step(client, contest, applicant, chair):
    client.force_login(chair)
    url = reverse("contests:apply", args=[contest.pk])
    assert applicant.display_name in client.get(url).content.decode()
    response = client.post(url, {"organization": applicant.pk, "title": "Двор мечты"})
    application = Application.objects.get(contest=contest, organization=applicant)
    assert application.status == ApplicationStatus.DRAFT and application.title == "Двор мечты"
    assert response.status_code == 302
    assert response.url == reverse("contests:application_edit", args=[contest.pk, application.pk])


def test_apply_refuses_a_second_application_for_the_same_project_beside_the_title(client, draft, chair):
    client.force_login(chair)
    url = reverse("contests:apply", args=[draft.contest_id])
    response = client.post(url, {"organization": draft.organization_id, "title": "двор  мечты"})
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert Application.objects.count() == 1


def test_a_plain_member_cannot_apply_for_the_organisation(client, contest, applicant):
    member = MembershipFactory(organization=applicant).user
    client.force_login(member)
    response = client.post(reverse("contests:apply", args=[contest.pk]), {"organization": applicant.pk, "title": "X"})
    assert response.status_code == 400
    assert not Application.objects.exists()


# --- the draft's steps ------------------------------------------------------------------------------------------


def test_the_general_step_saves_the_draft_and_moves_the_version(client, draft, chair):
    client.force_login(chair)
    url = reverse("contests:application_edit", args=[draft.contest_id, draft.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"version": draft.version, "title": "Двор мечты", "problem": "Темно.", "beneficiaries": "120"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.problem, draft.beneficiaries, draft.version) == ("Темно.", 120, 2)


def test_a_save_over_someone_elses_shows_the_current_version_and_overwrites_nothing(client, draft, chair):
    other = chair_of(draft.organization)
    services.application_update(application=draft, actor=other, version=1, problem="Их текст.")
    client.force_login(chair)
    response = client.post(_step(draft, "general"), {"version": "1", "title": "Моё название", "problem": "Мой текст."})
    assert response.status_code == 409
    body = response.content.decode()
    assert "someone else saved this application meanwhile; your changes were not saved" in body.lower()
    assert "Их текст." in body  # the current version is shown
    assert response.context["form"].initial["version"] == 2
    draft.refresh_from_db()
    assert (draft.title, draft.problem, draft.version) == ("Двор мечты", "Их текст.", 2)


def test_the_activities_step_replaces_the_activities(client, draft, chair):
    client.force_login(chair)
    data = {
        "version": "1",
        "activities-TOTAL_FORMS": "2",
        "activities-INITIAL_FORMS": "0",
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "100",
        "activities-0-name": "Собрание жителей",
        "activities-0-starts_on": "2027-05-01",
        "activities-0-ends_on": "2027-05-02",
    }
    response = client.post(_step(draft, "activities"), data)
    assert response.status_code == 302
    assert [a.name for a in draft.activities.all()] == ["Собрание жителей"]


def test_the_budget_step_saves_the_lines_and_their_totals(client, draft, chair):
    client.force_login(chair)
    lines = [
        {
            "item": "Скамейка",
            "unit": "шт.",
            "quantity": "10",
            "unit_cost": "10 000",
            "grant": "80000",
            "residents": "20 000",
        },
        {"item": "Труд жителей", "quantity": "1", "unit_cost": "5000,00", "volunteer_labour": "5000"},
    ]
    response = client.post(_step(draft, "budget"), _budget_post(1, lines, extra=1))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.total_cost, draft.grant_requested, draft.version) == (Decimal("105000.00"), Decimal("80000.00"), 2)
    page = client.get(_step(draft, "budget"))
    totals = page.context["totals"]
    assert totals.total == Decimal("105000.00") and totals.cofinancing_percent == Decimal("23.81")
    assert page.context["grant_share"] == Decimal("76.19")
    assert 'data-budget-sum="total"' in page.content.decode()
    assert "contests/budget.js" in page.content.decode()


def test_a_budget_that_does_not_add_up_is_refused_beside_its_line_and_changes_nothing(client, draft, chair):
    BudgetLineFactory(application=draft)
    client.force_login(chair)
    lines = [
        {"item": "Скамейка", "quantity": "10", "unit_cost": "10000", "grant": "80000", "residents": "20000"},
        {"item": "Фонарь", "quantity": "2", "unit_cost": "5000", "grant": "4000", "sponsors": "1000"},
    ]
    response = client.post(_step(draft, "budget"), _budget_post(1, lines))
    assert response.status_code == 400
    rows = response.context["rows"]
    assert not rows[0]["form"].errors
    assert "5000.00" in str(rows[1]["form"].non_field_errors())  # "the sources add up to 5000.00, not to …"
    assert 'class="line-errors"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.version == 1
    assert [line.item for line in draft.budget_lines.all()] == ["Скамейка"]


def test_the_budget_page_shows_the_contests_money_rules_broken(client, draft, chair):
    BudgetLineFactory(application=draft, grant=Decimal("100000.00"), residents=Decimal("0"))
    client.force_login(chair)
    response = client.get(_step(draft, "budget"))
    assert any("co-financing" in problem.lower() for problem in response.context["budget_problems"])


@pytest.mark.parametrize("step", ["general", "budget"])
def test_the_edit_page_runs_the_same_queries_with_2_or_10_budget_lines(client, contest, applicant, chair, step):
    small = services.application_create(contest=contest, organization=applicant, actor=chair, title="Малый двор")
    large = services.application_create(contest=contest, organization=applicant, actor=chair, title="Большой двор")
    BudgetLineFactory.create_batch(2, application=small)
    BudgetLineFactory.create_batch(10, application=large)
    client.force_login(chair)
    client.get(_step(small, step))  # warm up (session, content types)
    counts = []
    for application in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_step(application, step)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_documents_are_attached_and_removed(client, contest, draft, chair):
    document = RequiredDocumentFactory(contest=contest)
    client.force_login(chair)
    upload = SimpleUploadedFile("protocol.pdf", PDF, content_type="application/pdf")
    response = client.post(_step(draft, "attachments"), {"requirement": document.pk, "file": upload})
    assert response.status_code == 302
    attachment = draft.attachments.get()
    assert attachment.requirement == document
    detach = reverse("contests:application_detach", args=[contest.pk, draft.pk, attachment.pk])
    assert client.post(detach).status_code == 302
    assert not draft.attachments.exists()


def test_an_upload_of_the_wrong_type_is_refused_beside_the_field(client, draft, chair):
    client.force_login(chair)
    upload = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = client.post(_step(draft, "attachments"), {"requirement": "", "file": upload})
    assert response.status_code == 400
    assert response.context["other_form"].errors["file"]
    assert not draft.attachments.exists()


def test_a_member_who_does_not_act_for_the_applicant_gets_403(client, draft):
    member = MembershipFactory(organization=draft.organization).user
    client.force_login(member)
    assert client.get(_step(draft, "general")).status_code == 403


# --- submitting and withdrawing ------------------------------------------------------------------------------


def test_submit_is_refused_with_the_checklist(client, draft, chair):
    client.force_login(chair)
    url = reverse("contests:application_submit", args=[draft.contest_id, draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    steps = {item["step"] for item in page.context["checklist"]}
    assert {"general", "activities", "budget"} <= steps
    response = client.post(url)
    assert response.status_code == 400
    assert response.context["refused"]
    assert "Add at least one budget line." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.number == ""


def test_a_complete_draft_is_submitted_and_the_confirmation_shows_its_number(client, draft, chair):
    _complete(draft, chair)
    client.force_login(chair)
    url = reverse("contests:application_submit", args=[draft.contest_id, draft.pk])
    assert client.get(url).context["checklist"] == []
    response = client.post(url)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED and draft.number
    assert response.url == reverse("contests:application_submitted", args=[draft.contest_id, draft.pk])
    assert draft.number in client.get(response.url).content.decode()
    # A submitted application is read-only: its edit page leads to the read page.
    edit = client.get(_step(draft, "general"))
    assert edit.status_code == 302 and edit.url == draft.get_absolute_url()


def test_an_application_is_withdrawn(client, draft, chair):
    client.force_login(chair)
    url = reverse("contests:application_withdraw", args=[draft.contest_id, draft.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"comment": "Передумали."}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.WITHDRAWN


# --- the expert -------------------------------------------------------------------------------------------------


@pytest.fixture
def evaluation():
    contest = ContestFactory(status=ContestStatus.EVALUATION)
    criteria = [CriterionFactory(contest=contest, scale_min=0, scale_max=10) for _ in range(2)]
    application = ApplicationFactory(contest=contest, status=ApplicationStatus.ADMITTED, number="1-0001")
    BudgetLineFactory(application=application)
    assignment = AssignmentFactory(application=application)
    return contest, criteria, application, assignment


def _score_url(assignment):
    return reverse("contests:assignment_score", args=[assignment.application.contest_id, assignment.pk])


def test_an_invited_expert_accepts_from_the_list_of_evaluations(client):
    expert = ExpertFactory(status=ExpertStatus.INVITED, contest=ContestFactory(status=ContestStatus.ANNOUNCED))
    client.force_login(expert.user)
    page = client.get(reverse("contests:my_evaluations"))
    assert expert.contest.title in page.content.decode()
    response = client.post(reverse("contests:expert_respond", args=[expert.contest_id]), {"answer": "accept"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.ACCEPTED


def test_an_invited_expert_declines(client):
    expert = ExpertFactory(status=ExpertStatus.INVITED, contest=ContestFactory(status=ContestStatus.ANNOUNCED))
    client.force_login(expert.user)
    client.post(reverse("contests:expert_respond", args=[expert.contest_id]), {"answer": "decline"})
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.DECLINED


def test_an_expert_declares_and_withdraws_a_conflict_with_an_applicant(client):
    contest = ContestFactory(status=ContestStatus.REVIEW)
    application = ApplicationFactory(contest=contest, status=ApplicationStatus.SUBMITTED, number="1-0001")
    ApplicationFactory(contest=contest, status=ApplicationStatus.DRAFT, title="Черновик")
    expert = ExpertFactory(contest=contest)
    client.force_login(expert.user)
    url = reverse("contests:expert_conflicts", args=[contest.pk])
    page = client.get(url)
    choices = list(page.context["form"].fields["organization"].queryset)
    assert choices == [application.organization]  # only organisations that applied; drafts do not count
    assert client.post(url, {"organization": application.organization_id, "comment": "Работал там."}).status_code == 302
    conflict = Conflict.objects.get(expert=expert)
    assert conflict.organization == application.organization
    client.post(reverse("contests:conflict_withdraw", args=[contest.pk, conflict.pk]))
    assert not Conflict.objects.exists()


def test_someone_not_invited_gets_404_on_the_conflicts_page(client):
    contest = ContestFactory(status=ContestStatus.REVIEW)
    client.force_login(ExpertFactory().user)
    assert client.get(reverse("contests:expert_conflicts", args=[contest.pk])).status_code == 404


def test_the_assigned_expert_scores_and_completes(client, evaluation):
    contest, criteria, application, assignment = evaluation
    client.force_login(assignment.expert.user)
    url = _score_url(assignment)
    page = client.get(url)
    assert page.status_code == 200
    assert criteria[0].name in page.content.decode()
    assert page.context["totals"].total == Decimal("100000.00")
    data = {f"criterion_{c.pk}": "7,5" for c in criteria} | {f"comment_{criteria[0].pk}": "Хорошо."}
    assert client.post(url, data).status_code == 302
    assert Score.objects.get(assignment=assignment, criterion=criteria[0]).value == Decimal("7.50")
    response = client.post(url, {**data, "complete": "1"})
    assert response.url == reverse("contests:expert_assignments", args=[contest.pk])
    assignment.refresh_from_db()
    assert assignment.completed_at is not None


def test_a_score_outside_the_scale_is_refused_beside_its_field(client, evaluation):
    _contest, criteria, _application, assignment = evaluation
    client.force_login(assignment.expert.user)
    response = client.post(
        _score_url(assignment), {f"criterion_{criteria[0].pk}": "11", f"criterion_{criteria[1].pk}": "5"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors[f"criterion_{criteria[0].pk}"]
    assert not Score.objects.exists()


def test_completing_with_a_criterion_unscored_is_refused(client, evaluation):
    _contest, criteria, _application, assignment = evaluation
    client.force_login(assignment.expert.user)
    response = client.post(_score_url(assignment), {f"criterion_{criteria[0].pk}": "5", "complete": "1"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assignment.refresh_from_db()
    assert assignment.completed_at is None


def test_scoring_after_the_evaluation_closed_shows_the_services_error(client, evaluation):
    contest, criteria, _application, assignment = evaluation
    contest.status = ContestStatus.RANKING
    contest.save(update_fields=["status"])
    client.force_login(assignment.expert.user)
    response = client.post(_score_url(assignment), {f"criterion_{criteria[0].pk}": "5"})
    assert response.status_code == 400
    assert "Expert evaluation is closed" in str(response.context["form"].non_field_errors())
    assert not Score.objects.exists()


def test_an_unassigned_expert_gets_403_on_the_scoring_page(client, evaluation):
    contest, _criteria, _application, assignment = evaluation
    other = ExpertFactory(contest=contest)
    client.force_login(other.user)
    assert client.get(_score_url(assignment)).status_code == 403
    assert client.post(_score_url(assignment), {}).status_code == 403


def test_a_conflicted_expert_gets_403_on_the_scoring_page(client, evaluation):
    _contest, _criteria, application, assignment = evaluation
    ConflictFactory(expert=assignment.expert, organization=application.organization)
    client.force_login(assignment.expert.user)
    assert client.get(_score_url(assignment)).status_code == 403


def test_other_experts_scores_are_hidden_until_ranking_then_anonymous(client, evaluation):
    contest, criteria, application, assignment = evaluation
    peer = AssignmentFactory(application=application, completed_at=timezone.now())
    ScoreFactory(assignment=peer, criterion=criteria[0], value=Decimal("3"), comment="Слабый бюджет.")
    client.force_login(assignment.expert.user)
    page = client.get(_score_url(assignment))
    assert page.context["peers"] == [] and "Слабый бюджет." not in page.content.decode()
    contest.status = ContestStatus.RANKING
    contest.save(update_fields=["status"])
    page = client.get(_score_url(assignment))
    body = page.content.decode()
    assert "Слабый бюджет." in body
    assert str(peer.expert.user) not in body
    assert [row.expert for row in page.context["peers"]] == [None]


def test_the_assignments_list_shows_progress(client, evaluation):
    contest, criteria, _application, assignment = evaluation
    ScoreFactory(assignment=assignment, criterion=criteria[0])
    client.force_login(assignment.expert.user)
    response = client.get(reverse("contests:expert_assignments", args=[contest.pk]))
    assert response.status_code == 200
    assert [a.scored for a in response.context["assignments"]] == [1]
    assert response.context["criteria_count"] == 2


def test_the_assignments_list_needs_an_accepted_invitation(client, evaluation):
    contest, *_rest = evaluation
    invited = ExpertFactory(contest=contest, status=ExpertStatus.INVITED)
    client.force_login(invited.user)
    assert client.get(reverse("contests:expert_assignments", args=[contest.pk])).status_code == 403


@pytest.mark.parametrize("rows", [2, 10])
def test_the_assignments_list_runs_the_same_queries_however_long(client, rows, django_assert_num_queries):
    contest = ContestFactory(status=ContestStatus.EVALUATION)
    criteria = CriterionFactory.create_batch(2, contest=contest)
    expert = ExpertFactory(contest=contest)
    for _ in range(rows):
        application = ApplicationFactory(contest=contest, status=ApplicationStatus.ADMITTED)
        assignment = AssignmentFactory(application=application, expert=expert)
        ScoreFactory(assignment=assignment, criterion=criteria[0])
    client.force_login(expert.user)
    url = reverse("contests:expert_assignments", args=[contest.pk])
    client.get(url)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [2, 10])
def test_my_evaluations_runs_the_same_queries_however_long(client, rows, django_assert_num_queries):
    user = ExpertFactory().user
    for _ in range(rows - 1):
        ExpertFactory(user=user)
    client.force_login(user)
    url = reverse("contests:my_evaluations")
    client.get(url)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
