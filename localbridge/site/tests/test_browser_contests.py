"""A contest of community projects from the call to the published results, in headless Chromium, each person in
their own browser, with an axe check on the main pages.

The staff of a regional authority announce a contest through the pages (the form, a ready-made set of criteria,
"Announce"); the chair of a ТОС applies (the general step, an activity, a budget of two lines split by sources,
watching the live totals of budget.js change as the figures are typed) and submits; the organiser closes
applications, admits the application in the technical review, starts the evaluation, invites two experts, who
accept, and assigns them automatically; each expert scores every criterion and completes; the organiser closes
the evaluation, previews the ranking and publishes it; an anonymous visitor reads the results (score, rank and
amount, no expert named), and the API gives the same row.

The live server runs on the real clock: the contest's dates are computed around today in the contest's time zone.
Elements are found by ids, names and form actions rather than by visible text, so that the test keeps passing
when the Russian translations arrive. Run by `./dev test` (pytest -m browser, with DJANGO_ALLOW_ASYNC_UNSAFE=true
for the live server)."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.contests.models import (
    Application,
    ApplicationStatus,
    Assignment,
    Contest,
    ContestStatus,
    Criterion,
    Expert,
    ExpertStatus,
    Result,
)
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.organizations.models import MembershipRole, OrganizationKind, OrganizationStatus
from localbridge.organizations.tests.factories import MembershipFactory, OrganizationFactory, TosFactory
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIME_ZONE = "Asia/Yakutsk"  # the Amur region's
CONTEST_TITLE = "Двор, в котором хочется жить — 2026"
PROJECT_TITLE = "Сквер на улице Садовой"
RULES = "Заявки принимаются от ТОС и НКО Амурской области.\n\nСофинансирование — не менее 10 % стоимости."
# The ready-made set "ТОС landscaping": six criteria scored 0–5, weights 2, 2, 1.5, 1.5, 1, 1.
TEMPLATE = "tos_landscaping"
# Expert A: (2×5 + 2×4 + 1.5×4 + 1.5×3 + 1×5 + 1×4) / 5 / 9 × 100 = 83.33…; expert B, all 4: 80; mean 81.67.
SCORES_A = ("5", "4", "4", "3", "5", "4")
SCORES_B = ("4", "4", "4", "4", "4", "4")
EXPECTED_SCORE = Decimal("81.67")


def log_in(page, base: str, email: str) -> None:
    browser_log_in(page, base, email, TEST_PASSWORD)


def text_of(page, selector: str) -> str:
    """An element's text without spaces of any kind (the ru number format groups digits by narrow spaces)."""
    return re.sub(r"\s", "", page.locator(selector).first.inner_text())


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def move(page, base: str, contest: Contest, action: str) -> None:
    """A stage move by its button on the organiser's page."""
    page.goto(base + reverse("contests:manage", args=[contest.pk]))
    click_and_wait(page, f'form[action="{reverse("contests:move", args=[contest.pk, action])}"] button[type=submit]')


def fill_line(page, index: int, **values: str) -> None:
    for name, value in values.items():
        page.fill(f"#id_lines-{index}-{name}", value)


def test_a_contest_from_the_call_to_the_published_results(live_server, new_page):
    base = live_server.url
    amur = RegionFactory(code="RU-AMU", name_ru="Амурская область", name_en="Amur Oblast")
    city = MunicipalityFactory(region=amur, country=amur.country, name_ru="Благовещенск", name_en="Blagoveshchensk")
    ministry = OrganizationFactory(
        kind=OrganizationKind.REGIONAL_AUTHORITY,
        name="Министерство внутренней политики Амурской области",
        municipality=None,
        region=amur,
        country=amur.country,
    )
    organiser = UserFactory(full_name="Галина Организаторова")
    MembershipFactory(user=organiser, organization=ministry, role=MembershipRole.STAFF)
    tos = TosFactory(name="ТОС «Садовый»", municipality=city, status=OrganizationStatus.REGISTERED)
    chair = UserFactory(full_name="Ольга Ильина")
    MembershipFactory(user=chair, organization=tos, role=MembershipRole.CHAIR)
    expert_a = UserFactory(full_name="Пётр Экспертов")
    expert_b = UserFactory(full_name="Вера Оценщикова")
    today = datetime.now(ZoneInfo(TIME_ZONE)).date()

    # 1. The organiser announces the contest through the pages: the form, a ready-made set of criteria, "Announce".
    staff = new_page()
    log_in(staff, base, organiser.email)
    staff.goto(base + reverse("contests:list"))
    click_and_wait(staff, f'main a[href="{reverse("contests:create")}"]')
    assert_accessible(staff)
    staff.select_option("#id_organizer", str(ministry.pk))
    staff.fill("#id_title", CONTEST_TITLE)
    staff.fill("#id_summary", "Гранты ТОС и НКО на благоустройство дворов и скверов.")
    staff.fill("#id_rules", RULES)
    staff.check(f'input[name=eligible_kinds][value="{OrganizationKind.TOS}"]')
    staff.check(f'input[name=eligible_kinds][value="{OrganizationKind.NGO}"]')
    staff.select_option("#id_scope", "regional")
    staff.select_option("#id_region", str(amur.pk))
    staff.select_option("#id_time_zone", TIME_ZONE)
    for field, days in [
        ("applications_open", -3),
        ("applications_close", 7),
        ("review_until", 14),
        ("evaluation_until", 28),
        ("results_on", 35),
    ]:
        staff.fill(f"#id_{field}", (today + timedelta(days=days)).isoformat())
    staff.fill("#id_prize_pool", "1000000")
    staff.fill("#id_max_grant", "300000")
    staff.fill("#id_min_cofinancing_percent", "10")
    staff.fill("#id_experts_per_application", "2")
    click_and_wait(staff, "form.manage-form button[type=submit]")
    contest = Contest.objects.get(title=CONTEST_TITLE)
    assert staff.url.startswith(base + reverse("contests:setup", args=[contest.pk]))
    assert (contest.status, contest.organizer_id, contest.time_zone) == (ContestStatus.DRAFT, ministry.pk, TIME_ZONE)

    assert_accessible(staff)
    staff.click("#criteria ~ details > summary")
    template_form = staff.locator("form:has(input[name=section][value=template])")
    template_form.locator("select[name=template]").select_option(TEMPLATE)
    with staff.expect_navigation():
        template_form.locator("button[type=submit]").click()
    criteria = list(Criterion.objects.filter(contest=contest).order_by("position", "pk"))
    assert len(criteria) == len(SCORES_A)
    assert staff.locator(f"#id_criteria-{len(criteria) - 1}-name").input_value() == criteria[-1].name
    click_and_wait(staff, f'form[action="{reverse("contests:move", args=[contest.pk, "announce"])}"] button')
    contest.refresh_from_db()
    assert contest.status == ContestStatus.ANNOUNCED, staff.locator("main").inner_text()

    # 2. The chair of the ТОС applies: the organisation and title, the general step, an activity, the budget.
    applicant = new_page()
    log_in(applicant, base, chair.email)
    applicant.goto(base + reverse("contests:detail", args=[contest.pk]))
    assert_accessible(applicant)
    click_and_wait(applicant, f'main a[href="{reverse("contests:apply", args=[contest.pk])}"]')
    applicant.select_option("#id_organization", str(tos.pk))
    applicant.fill("#id_title", PROJECT_TITLE)
    click_and_wait(applicant, "form.application-form button[type=submit]")
    application = Application.objects.get(contest=contest, organization=tos)
    assert applicant.url.startswith(base + reverse("contests:application_edit", args=[contest.pk, application.pk]))

    applicant.select_option("#id_municipality", str(city.pk))
    applicant.fill("#id_problem", "Пустырь между домами зарос, детям негде гулять.")
    applicant.fill("#id_goals", "Разбить сквер: дорожки, скамейки, освещение.")
    applicant.fill("#id_expected_results", "Сквер площадью 0,3 га, которым пользуются 600 жителей.")
    applicant.fill("#id_beneficiaries", "600")
    applicant.fill("#id_volunteers", "40")
    click_and_wait(applicant, "button[name=next]")
    assert applicant.url.endswith(reverse("contests:application_step", args=[contest.pk, application.pk, "activities"]))

    applicant.fill("#id_activities-0-name", "Укладка дорожек и установка скамеек")
    applicant.fill("#id_activities-0-starts_on", (today + timedelta(days=60)).isoformat())
    applicant.fill("#id_activities-0-ends_on", (today + timedelta(days=90)).isoformat())
    click_and_wait(applicant, "button[name=next]")
    assert applicant.url.endswith(reverse("contests:application_step", args=[contest.pk, application.pk, "budget"]))

    # budget.js recomputes the line's total, the column totals and the shares as the figures are typed.
    assert text_of(applicant, '[data-budget-sum="total"]') == "0,00"
    fill_line(applicant, 0, item="Скамейки", unit="шт.", quantity="10", unit_cost="15000", grant="120000")
    row = applicant.locator("[data-budget-row]").nth(0)
    assert re.sub(r"\s", "", row.locator("[data-budget-line-total]").inner_text()) == "150000,00"
    assert row.locator("[data-budget-hint]").is_visible(), "the sources do not add up to the line's total yet"
    fill_line(applicant, 0, residents="30000")
    assert row.locator("[data-budget-hint]").is_hidden()
    assert text_of(applicant, '[data-budget-sum="total"]') == "150000,00"
    assert text_of(applicant, '[data-budget-share="cofinancing"]') == "20,00"
    fill_line(applicant, 1, item="Укладка плитки", unit="м²", quantity="100", unit_cost="1200,5")
    fill_line(applicant, 1, grant="100000", local_budget="10050", volunteer_labour="10000")
    assert text_of(applicant, '[data-budget-sum="total"]') == "270050,00"
    assert text_of(applicant, '[data-budget-sum="grant"]') == "220000,00"
    assert text_of(applicant, '[data-budget-sum="cofinancing"]') == "50050,00"
    assert text_of(applicant, '[data-budget-share="grant"]') == "81,47"
    assert text_of(applicant, '[data-budget-share="cofinancing"]') == "18,53"
    assert_accessible(applicant)
    click_and_wait(applicant, "button[name=next]")
    application.refresh_from_db()
    assert (application.total_cost, application.grant_requested) == (Decimal("270050.00"), Decimal("220000.00"))
    assert application.cofinancing_percent == Decimal("18.53")

    # No document is required: from the documents step to the check and the submission, which gives the number.
    click_and_wait(
        applicant, f'main a[href="{reverse("contests:application_submit", args=[contest.pk, application.pk])}"]'
    )
    assert applicant.locator("aside.checklist .ready").count() == 1, applicant.locator("aside.checklist").inner_text()
    click_and_wait(applicant, "main form[method=post] button[type=submit]")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.number
    assert applicant.url.endswith(reverse("contests:application_submitted", args=[contest.pk, application.pk])), (
        applicant.locator("main").inner_text()
    )
    assert application.number in applicant.locator("main .message-success").inner_text()
    applicant.goto(base + reverse("contests:application", args=[contest.pk, application.pk]))
    assert_accessible(applicant)

    # 3. The organiser may not close applications before the deadline: the page says so and nothing moves.
    move(staff, base, contest, "close_applications")
    assert staff.locator("main .message-error").count() >= 1
    contest.refresh_from_db()
    assert contest.status == ContestStatus.ANNOUNCED
    # The live server runs on the real clock and the pages let no one move an announced contest's application
    # dates; so time is moved here in the database, as if the deadline had passed (yesterday, in the contest's
    # time zone).
    Contest.objects.filter(pk=contest.pk).update(
        applications_open=today - timedelta(days=10), applications_close=today - timedelta(days=1)
    )
    move(staff, base, contest, "close_applications")
    contest.refresh_from_db()
    assert contest.status == ContestStatus.REVIEW, staff.locator("main").inner_text()

    # ... admits the application in the technical review ...
    staff.goto(base + reverse("contests:review_queue", args=[contest.pk]))
    assert_accessible(staff)
    click_and_wait(staff, f'main a[href="{reverse("contests:review", args=[contest.pk, application.pk])}"]')
    staff.check("input[name=action][value=admit]")
    click_and_wait(staff, "form.manage-form button[type=submit]")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED

    # ... starts the evaluation and invites two experts, who accept in their own browsers ...
    move(staff, base, contest, "start_evaluation")
    contest.refresh_from_db()
    assert contest.status == ContestStatus.EVALUATION
    staff.goto(base + reverse("contests:experts", args=[contest.pk]))
    for expert in (expert_a, expert_b):
        staff.fill("#id_email", expert.email)
        click_and_wait(staff, f'form[action="{reverse("contests:expert_invite", args=[contest.pk])}"] button')
    assert Expert.objects.filter(contest=contest, status=ExpertStatus.INVITED).count() == 2
    assert_accessible(staff)
    experts = {}
    for user in (expert_a, expert_b):
        page = experts[user.pk] = new_page()
        log_in(page, base, user.email)
        page.goto(base + reverse("contests:my_evaluations"))
        respond = reverse("contests:expert_respond", args=[contest.pk])
        click_and_wait(page, f'form[action="{respond}"] button[value=accept]')
    assert Expert.objects.filter(contest=contest, status=ExpertStatus.ACCEPTED).count() == 2

    # ... and assigns them automatically.
    staff.goto(base + reverse("contests:assignments", args=[contest.pk]))
    click_and_wait(staff, f'form[action="{reverse("contests:assignments_auto", args=[contest.pk])}"] button')
    assert Assignment.objects.filter(application=application).count() == 2
    assert expert_a.full_name in staff.locator(f"#application-{application.pk}").inner_text()

    # 4. Each expert scores every criterion and completes the evaluation.
    for user, values in ((expert_a, SCORES_A), (expert_b, SCORES_B)):
        page = experts[user.pk]
        click_and_wait(page, f'main a[href="{reverse("contests:expert_assignments", args=[contest.pk])}"]')
        assignment = Assignment.objects.get(application=application, expert__user=user)
        click_and_wait(page, f'main a[href="{reverse("contests:assignment_score", args=[contest.pk, assignment.pk])}"]')
        for criterion, value in zip(criteria, values, strict=True):
            page.fill(f'input[name="criterion_{criterion.pk}"]', value)
        page.fill(f'textarea[name="comment_{criteria[0].pk}"]', "Проект нужен жителям.")
        if user == expert_a:
            assert_accessible(page)
        click_and_wait(page, "form.score-sheet button[name=complete]")
        assignment.refresh_from_db()
        assert assignment.completed_at is not None, page.locator("main").inner_text()
        assert page.url.endswith(reverse("contests:expert_assignments", args=[contest.pk]))

    # 5. The organiser closes the evaluation (the ranking is computed), previews it and publishes the results.
    staff.goto(base + reverse("contests:progress", args=[contest.pk]))
    assert_accessible(staff)
    move(staff, base, contest, "close_evaluation")
    contest.refresh_from_db()
    assert contest.status == ContestStatus.RANKING
    result = Result.objects.get(application=application)
    assert (result.score, result.rank, result.amount, result.funded) == (EXPECTED_SCORE, 1, Decimal("220000.00"), True)
    click_and_wait(staff, f'main a[href="{reverse("contests:results", args=[contest.pk])}"]')
    assert staff.locator(".preview-banner").count() == 1
    publish = reverse("contests:move", args=[contest.pk, "publish_results"])
    staff.goto(base + reverse("contests:manage", args=[contest.pk]))
    click_and_wait(staff, f'main a[href="{publish}"]')
    click_and_wait(staff, "form.manage-form button[type=submit]")
    contest.refresh_from_db()
    assert contest.status == ContestStatus.FINISHED and contest.results_published_at is not None

    # 6. Anyone reads the results: the project with its score, rank and amount, and no expert named.
    visitor = new_page()
    visitor.goto(base + reverse("contests:results", args=[contest.pk]))
    assert visitor.locator(".preview-banner").count() == 0
    assert_accessible(visitor)
    line = visitor.locator("main tbody tr", has_text=PROJECT_TITLE)
    cells = [re.sub(r"\s", "", text) for text in line.locator("td, th").all_inner_texts()]
    assert cells[:5] == [
        "1",
        application.number,
        re.sub(r"\s", "", PROJECT_TITLE),
        re.sub(r"\s", "", tos.name),
        "81,67",
    ]
    assert cells[-2] == "220000,00"
    page_text = visitor.locator("body").inner_text()
    for user in (expert_a, expert_b):
        assert user.full_name not in page_text and user.email not in page_text

    response = visitor.request.get(f"{base}/api/v1/contests/{contest.pk}/results")
    assert response.status == 200
    data = response.json()
    assert (data["contest"], data["pool"], data["awarded"]) == (contest.pk, "1000000.00", "220000.00")
    assert data["items"] == [
        {
            "number": application.number,
            "title": PROJECT_TITLE,
            "organization": tos.name,
            "nomination": None,
            "score": "81.67",
            "rank": 1,
            "amount": "220000.00",
            "funded": True,
        }
    ]
