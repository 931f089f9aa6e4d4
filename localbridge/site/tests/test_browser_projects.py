"""A project under public control in headless Chromium, each person in their own browser, with an axe check on
the main pages: the chair of a ТОС creates the ТОС's own project, adds a milestone, a line of the budget plan and
the spending against it; a resident of the municipality files an inspection note with a photo; the chair answers
it, completes the milestone and writes the final report with a photo and submits it; the administration's staff
(the funder) accept it on the project's public page, which shows the whole timeline.

Elements are found by ids, names and form actions rather than by visible text, so that the test keeps passing
when the Russian translations arrive. Run by `./dev test` (pytest -m browser, with DJANGO_ALLOW_ASYNC_UNSAFE=true
for the live server)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.core.testing.browser import assert_accessible
from localbridge.core.testing.browser import log_in as browser_log_in
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory, TosFactory
from localbridge.participation.tests.factories import ResidentFactory
from localbridge.projects.models import Inspection, InspectionStatus, Project, ProjectStage, Report, ReportStatus
from localbridge.projects.tests.factories import png_bytes
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, email: str) -> None:
    browser_log_in(page, base, email, TEST_PASSWORD)


def submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def test_a_project_from_creation_to_the_accepted_final_report(live_server, new_page, tmp_path):
    base = live_server.url
    amur = RegionFactory(code="RU-AMU", name_ru="Амурская область", name_en="Amur Oblast")
    city = MunicipalityFactory(
        region=amur, country=amur.country, name_ru="Благовещенск", name_en="Blagoveshchensk", timezone="Asia/Yakutsk"
    )
    tos = TosFactory(municipality=city, name="ТОС «Северный»")
    administration = AdministrationFactory(municipality=city)
    chair_user = UserFactory(full_name="Мария Председателева")
    MembershipFactory(organization=tos, user=chair_user, role=MembershipRole.CHAIR)
    staff_user = UserFactory(full_name="Анна Специалистова")
    MembershipFactory(organization=administration, user=staff_user, role=MembershipRole.STAFF)
    resident_user = ResidentFactory(residence=city, full_name="Ольга Жителева")
    picture = tmp_path / "lamp.png"
    picture.write_bytes(png_bytes((64, 48)))
    today = timezone.localdate().isoformat()

    # The chair creates the ТОС's own project.
    chair = new_page()
    log_in(chair, base, chair_user.email)
    chair.goto(base + reverse("projects:my"))
    assert_accessible(chair)
    with chair.expect_navigation():
        chair.click("#create-direct")
    chair.select_option("#id_owner", str(tos.pk))
    chair.fill("#id_title", "Освещение двора на улице Северной")
    chair.fill("#id_address", "ул. Северная, 12")
    chair.fill("#id_latitude", "50.2907")
    chair.fill("#id_longitude", "127.5272")
    submit(chair, "#project-form")
    project = Project.objects.get(owner=tos)
    assert chair.url.endswith(reverse("projects:manage", args=[project.pk]))

    # A milestone, a line of the plan and the spending against it.
    chair.fill("#milestone-title", "Установка фонарей")
    chair.fill("#milestone-planned_date", "2030-01-15")
    submit(chair, "#milestone-form")
    chair.select_option("#line-source", "residents")
    chair.fill("#line-title", "Фонари и кабель")
    chair.fill("#line-planned", "85000")
    submit(chair, "#line-form")
    line = project.budget_lines.get()
    chair.select_option("#expense-line", str(line.pk))
    chair.fill("#expense-amount", "42000")
    chair.fill("#expense-spent_on", today)
    chair.set_input_files("#expense-document", str(picture))
    submit(chair, "#expense-form")
    assert project.expenses.get().document_name == "lamp.png"
    assert chair.locator("[data-expense]").count() == 1
    assert_accessible(chair)

    # A resident of the municipality files a note with a photo.
    resident = new_page()
    log_in(resident, base, resident_user.email)
    resident.goto(base + reverse("projects:detail", args=[project.pk]))
    resident.check("#inspection-form input[name=verdict][value=problems]")
    resident.fill("#inspection-text", "Один фонарь не горит у подъезда 3.")
    resident.set_input_files("#inspection-photo", str(picture))
    submit(resident, "#inspection-form")
    note = Inspection.objects.get(project=project)
    assert note.photos.count() == 1
    assert resident.locator("#problems").count() == 1
    assert_accessible(resident)

    # The chair answers it.
    chair.goto(base + reverse("projects:detail", args=[project.pk]))
    chair.fill(f"#answer-{note.pk}", "Заменили лампу 20-го числа.")
    submit(chair, f"form[action='{reverse('projects:inspection_answer', args=[project.pk, note.pk])}']")
    note.refresh_from_db()
    assert note.status == InspectionStatus.ANSWERED

    # The milestone is done; the final report with a photo is submitted.
    chair.goto(base + reverse("projects:manage", args=[project.pk]))
    milestone = project.milestones.get()
    submit(chair, f"form[action='{reverse('projects:milestone_action', args=[project.pk, milestone.pk, 'complete'])}']")
    chair.select_option("#report-kind", "final")
    chair.fill("#report-text", "Во дворе установлено 6 фонарей.")
    chair.fill("#report-volunteer_hours", "24")
    chair.fill("#report-people_reached", "350")
    submit(chair, "#report-form")
    report = Report.objects.get(project=project)
    chair.set_input_files(f"#photo-{report.pk}", str(picture))
    chair.select_option(f"#phase-{report.pk}", "after")
    submit(chair, f"#report-{report.pk} .photo-form")
    submit(chair, f"#report-{report.pk} .submit-form")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.photos.count() == 1

    # The funder's staff accept it on the public page.
    staff = new_page()
    log_in(staff, base, staff_user.email)
    staff.goto(base + reverse("projects:my"))
    assert staff.locator("#awaiting a").count() == 1
    staff.goto(base + reverse("projects:detail", args=[project.pk]))
    submit(staff, f"form[action='{reverse('projects:report_accept', args=[project.pk, report.pk])}']")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    project.refresh_from_db()
    assert project.stage == ProjectStage.OBJECT_CHOICE
    kinds = set(staff.locator(".timeline li").evaluate_all("items => items.map(i => i.dataset.kind)"))
    assert {"expense", "milestone_done", "inspection", "inspection_answered", "report_submitted"} <= kinds
    assert_accessible(staff)

    # The list and the map page.
    staff.goto(base + reverse("projects:list"))
    assert staff.locator(f"tr[data-project='{project.pk}']").count() == 1
    assert_accessible(staff)
    staff.goto(base + reverse("projects:map"))
    staff.wait_for_selector("#project-map[data-loaded='1']")
    assert staff.locator("#project-map").get_attribute("data-markers") == "1"
    assert_accessible(staff)
