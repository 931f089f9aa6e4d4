"""What the owner changes after the fact on the management page: a line of the budget plan (its own form per line),
recorded spending (corrected or removed, each with its reason, both kept in the audit trail and shown in the
project's public timeline), a draft or returned report's text and figures, and its photos. Who may (the owner's
people; the others 403, another project's object 404), bad input kept in the form with the errors beside the
fields and nothing saved, the audit entries, and pages whose query counts do not grow with the rows."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.projects import services
from localbridge.projects.models import Expense, ProjectStage, ReportPhoto, ReportStatus
from localbridge.projects.tests.factories import (
    NOW,
    ROLES,
    BudgetLineFactory,
    ExpenseFactory,
    ProjectFactory,
    ReportFactory,
    ReportPhotoFactory,
    make_cast,
    pdf,
    photo,
)

pytestmark = pytest.mark.django_db


def _manage(project, anchor=""):
    return reverse("projects:manage", args=[project.pk]) + (f"#{anchor}" if anchor else "")


def _audit(project, action):
    return [entry for entry in audit_history(obj=project) if entry.action == action]


def _login(client, cast, role):
    user = cast.role(role)
    if user.is_authenticated:
        client.force_login(user)
    return user


def _ids(page: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', page)


# --- services: correcting and removing spending ------------------------------------------------------------------


def test_spending_is_corrected_with_its_reason_and_audited_before_and_after():
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project, title="Скамейки")
    other = BudgetLineFactory(project=cast.project, title="Фонари", source="sponsors")
    expense = ExpenseFactory(line=line, amount=Decimal("1000.00"), spent_on=date(2026, 6, 1))
    services.expense_update(
        expense=expense,
        actor=cast.owner,
        reason="  Опечатка   в сумме ",
        line=other,
        amount="1 200,50",
        spent_on="2026-06-03",
        description="Счёт № 18",
        now=NOW,
    )
    expense.refresh_from_db()
    assert (expense.line, expense.amount, expense.spent_on) == (other, Decimal("1200.50"), date(2026, 6, 3))
    assert expense.description == "Счёт № 18"
    (entry,) = _audit(cast.project, "expense_update")
    assert entry.actor == cast.owner
    assert entry.data["reason"] == "Опечатка в сумме"
    assert entry.data["changed"] == ["line", "amount", "spent_on", "description"]
    assert entry.data["before"]["amount"] == "1000.00" and entry.data["before"]["line_title"] == "Скамейки"
    assert entry.data["after"]["amount"] == "1200.50" and entry.data["after"]["line_title"] == "Фонари"


def test_a_correction_that_changes_nothing_writes_nothing():
    cast = make_cast()
    expense = ExpenseFactory(line=BudgetLineFactory(project=cast.project))
    services.expense_update(expense=expense, actor=cast.owner, reason="Проверка", amount=str(expense.amount), now=NOW)
    assert not _audit(cast.project, "expense_update")


def test_a_new_document_replaces_the_old_one_whose_file_goes_after_commit(django_capture_on_commit_callbacks):
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project)
    expense = services.expense_record(
        project=cast.project, actor=cast.owner, line=line, amount="10", spent_on="2026-06-01", document=pdf(), now=NOW
    )
    old = expense.document.name
    storage = expense.document.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_update(
            expense=expense, actor=cast.owner, reason="Не тот акт", document=photo("акт.png"), now=NOW
        )
    expense.refresh_from_db()
    assert expense.document_type == "image/png" and expense.document_name == "акт.png"
    assert storage.exists(expense.document.name) and not storage.exists(old)
    (entry,) = _audit(cast.project, "expense_update")
    assert entry.data["changed"] == ["document"]
    assert (entry.data["before"]["document"], entry.data["after"]["document"]) == ("act.pdf", "акт.png")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"amount": "-100"}, {"negative"}),
        ({"amount": "0"}, {"not_positive"}),
        ({"amount": "сто"}, {"invalid"}),
        ({"currency": "USD"}, {"other_currency"}),
        ({"spent_on": "2026-06-11"}, {"future_date"}),
        ({"spent_on": "10.06.2026"}, {"invalid"}),
        ({"line": 0}, {"invalid_choice"}),
        ({"document": SimpleUploadedFile("act.pdf", b"not a pdf at all")}, {"file_content"}),
        ({"reason": "   "}, {"comment_required"}),
        ({"reason": "я" * 601}, {"max_length"}),
    ],
)
def test_a_bad_correction_is_refused_as_recording_would_be_and_nothing_changes(changes, expected):
    cast = make_cast()
    expense = ExpenseFactory(line=BudgetLineFactory(project=cast.project), amount=Decimal("50.00"))
    values = {"reason": "Исправление", "amount": "70", **changes}
    with pytest.raises(ValidationError) as exc_info:
        services.expense_update(expense=expense, actor=cast.owner, now=NOW, **values)
    assert error_codes(exc_info.value) == expected
    expense.refresh_from_db()
    assert expense.amount == Decimal("50.00")
    assert not _audit(cast.project, "expense_update")


def test_spending_goes_only_to_a_line_of_its_own_project():
    cast = make_cast()
    expense = ExpenseFactory(line=BudgetLineFactory(project=cast.project))
    with pytest.raises(ValidationError) as exc_info:
        services.expense_update(expense=expense, actor=cast.owner, reason="x", line=BudgetLineFactory(), now=NOW)
    assert error_codes(exc_info.value) == {"invalid_choice"}


def test_an_unknown_field_is_a_programming_error():
    cast = make_cast()
    expense = ExpenseFactory(line=BudgetLineFactory(project=cast.project))
    with pytest.raises(TypeError):
        services.expense_update(expense=expense, actor=cast.owner, reason="x", recorded_by=cast.owner)


@pytest.mark.parametrize("stage", [ProjectStage.COMPLETED, ProjectStage.CANCELLED])
def test_spending_of_a_closed_project_is_neither_corrected_nor_removed(stage):
    cast = make_cast(stage=stage)
    expense = ExpenseFactory(line=BudgetLineFactory(project=cast.project))
    with pytest.raises(ValidationError) as exc_info:
        services.expense_update(expense=expense, actor=cast.owner, reason="x", amount="5", now=NOW)
    assert error_codes(exc_info.value) == {"project_closed"}
    with pytest.raises(ValidationError) as exc_info:
        services.expense_remove(expense=expense, actor=cast.owner, reason="x", now=NOW)
    assert error_codes(exc_info.value) == {"project_closed"}
    assert Expense.objects.filter(pk=expense.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owners_people_correct_and_remove_spending(role):
    cast = make_cast()
    user = cast.role(role)
    expense = ExpenseFactory(line=BudgetLineFactory(project=cast.project), amount=Decimal("50.00"))
    calls = [
        lambda: services.expense_update(expense=expense, actor=user, reason="x", amount="70", now=NOW),
        lambda: services.expense_remove(expense=expense, actor=user, reason="x", now=NOW),
    ]
    for call in calls:
        if role == "owner":
            call()
        else:
            with pytest.raises(PermissionDenied):
                call()
    assert Expense.objects.filter(pk=expense.pk).exists() is (role != "owner")
    assert len(_audit(cast.project, "expense_update")) == (1 if role == "owner" else 0)


def test_a_removal_keeps_what_the_spending_was_and_the_reason():
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project, title="Скамейки")
    expense = ExpenseFactory(line=line, amount=Decimal("900.00"), description="Счёт № 3")
    with pytest.raises(ValidationError) as exc_info:
        services.expense_remove(expense=expense, actor=cast.owner, reason=" ", now=NOW)
    assert error_codes(exc_info.value) == {"comment_required"}
    services.expense_remove(expense=expense, actor=cast.owner, reason="Записали дважды", now=NOW)
    assert not Expense.objects.exists()
    (entry,) = _audit(cast.project, "expense_remove")
    assert entry.data["reason"] == "Записали дважды"
    assert entry.data["line_title"] == "Скамейки" and entry.data["amount"] == "900.00"
    assert entry.data["spent_on"] == "2026-06-01" and entry.data["description"] == "Счёт № 3"


def test_a_photo_of_a_closed_projects_draft_is_not_removed():
    cast = make_cast(stage=ProjectStage.COMPLETED)
    picture = ReportPhotoFactory(report=ReportFactory(project=cast.project))
    with pytest.raises(ValidationError) as exc_info:
        services.report_photo_remove(photo=picture, actor=cast.owner)
    assert error_codes(exc_info.value) == {"project_closed"}
    assert ReportPhoto.objects.filter(pk=picture.pk).exists()


# --- a line of the plan, from its form on the management page ---------------------------------------------------


def test_the_management_page_has_an_edit_form_per_line(client):
    cast = make_cast()
    lines = [BudgetLineFactory(project=cast.project) for _ in range(3)]
    client.force_login(cast.owner)
    response = client.get(_manage(cast.project))
    rows = response.context["budget_rows"]
    assert [row.line for row, _form in rows] == lines
    assert all(form.initial["planned"] == line.planned for (_row, form), line in zip(rows, lines, strict=True))
    page = response.content.decode()
    for line in lines:
        assert reverse("projects:budget_line_edit", args=[cast.project.pk, line.pk]) in page
        assert f'id="line-{line.pk}-planned"' in page


def test_the_owner_changes_a_line_and_the_change_is_audited(client):
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project, title="Скамейки", planned=Decimal("1000.00"))
    client.force_login(cast.owner)
    response = client.post(
        reverse("projects:budget_line_edit", args=[cast.project.pk, line.pk]),
        {"source": "sponsors", "title": "Скамейки и урны", "planned": "1500"},
    )
    assert response.status_code == 302
    assert response["Location"] == _manage(cast.project, f"budget-line-{line.pk}")
    line.refresh_from_db()
    assert (line.source, line.title, line.planned) == ("sponsors", "Скамейки и урны", Decimal("1500.00"))
    (entry,) = _audit(cast.project, "budget_line_update")
    assert entry.actor == cast.owner
    assert entry.data["before"] == {"source": "grant", "title": "Скамейки", "planned": "1000.00"}
    assert entry.data["after"] == {"source": "sponsors", "title": "Скамейки и урны", "planned": "1500.00"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"source": "grant", "title": "Скамейки", "planned": "-5"}, "planned"),
        ({"source": "grant", "title": "", "planned": "5"}, "title"),
        ({"source": "gold", "title": "Скамейки", "planned": "5"}, "source"),
        ({"source": "grant", "title": "Скамейки", "planned": "много"}, "planned"),
    ],
)
def test_a_bad_line_keeps_its_form_with_the_errors_and_changes_nothing(client, values, field):
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project, title="Было", planned=Decimal("1000.00"))
    BudgetLineFactory(project=cast.project)
    client.force_login(cast.owner)
    response = client.post(reverse("projects:budget_line_edit", args=[cast.project.pk, line.pk]), values)
    assert response.status_code == 400
    assert response.context["editing_line"] == line.pk
    forms = {row.line.pk: form for row, form in response.context["budget_rows"]}
    assert forms[line.pk].errors[field]
    assert forms[line.pk].data["title"] == values["title"]  # what was typed is kept
    assert all(not form.is_bound for pk, form in forms.items() if pk != line.pk)
    page = response.content.decode()
    assert re.search(rf'<details class="line-edit" open>\s*<summary>[^<]*</summary>\s*<form[^>]+/{line.pk}/#', page)
    line.refresh_from_db()
    assert (line.title, line.planned) == ("Было", Decimal("1000.00"))
    assert not _audit(cast.project, "budget_line_update")


@pytest.mark.parametrize(("role", "status"), [("funder", 403), ("resident", 403), ("other", 403), ("public", 302)])
def test_only_the_owners_people_change_a_line(client, role, status):
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project, planned=Decimal("1000.00"))
    _login(client, cast, role)
    response = client.post(
        reverse("projects:budget_line_edit", args=[cast.project.pk, line.pk]),
        {"source": "grant", "title": "X", "planned": "1"},
    )
    assert response.status_code == status
    line.refresh_from_db()
    assert line.planned == Decimal("1000.00")


def test_a_line_of_another_project_is_404_and_get_is_not_allowed(client):
    cast = make_cast()
    foreign = BudgetLineFactory()
    client.force_login(cast.owner)
    url = reverse("projects:budget_line_edit", args=[cast.project.pk, foreign.pk])
    assert client.post(url, {"source": "grant", "title": "X", "planned": "1"}).status_code == 404
    own = BudgetLineFactory(project=cast.project)
    assert client.get(reverse("projects:budget_line_edit", args=[cast.project.pk, own.pk])).status_code == 405


def test_a_closed_projects_line_is_not_changed_and_no_form_is_offered(client):
    cast = make_cast(stage=ProjectStage.COMPLETED)
    line = BudgetLineFactory(project=cast.project, planned=Decimal("1000.00"))
    client.force_login(cast.owner)
    response = client.post(
        reverse("projects:budget_line_edit", args=[cast.project.pk, line.pk]),
        {"source": "grant", "title": "X", "planned": "1"},
    )
    assert response.status_code == 302 and response["Location"] == _manage(cast.project, "budget")
    line.refresh_from_db()
    assert line.planned == Decimal("1000.00")
    response = client.get(_manage(cast.project))
    assert [form for _row, form in response.context["budget_rows"]] == [None]
    assert "line-edit-form" not in response.content.decode()


# --- correcting spending ------------------------------------------------------------------------------------------


def _edit_url(expense):
    return reverse("projects:expense_edit", args=[expense.project_id, expense.pk])


def _remove_url(expense):
    return reverse("projects:expense_remove", args=[expense.project_id, expense.pk])


def test_the_spending_table_offers_correction_and_removal_to_the_owner_only(client):
    cast = make_cast()
    expense = ExpenseFactory(line=BudgetLineFactory(project=cast.project))
    client.force_login(cast.owner)
    page = client.get(_manage(cast.project)).content.decode()
    assert _edit_url(expense) in page and _remove_url(expense) in page
    public = client.get(reverse("projects:detail", args=[cast.project.pk])).content.decode()
    assert _edit_url(expense) not in public and _remove_url(expense) not in public


def test_the_owner_corrects_spending(client):
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project)
    expense = ExpenseFactory(line=line, amount=Decimal("1000.00"))
    client.force_login(cast.owner)
    response = client.get(_edit_url(expense))
    assert response.status_code == 200
    assert response.context["form"].initial["amount"] == Decimal("1000.00")
    response = client.post(
        _edit_url(expense),
        {
            "line": line.pk,
            "amount": "1100.00",
            "currency": "RUB",
            "spent_on": "2026-06-02",
            "description": "Счёт № 5",
            "document": pdf("счёт.pdf"),
            "reason": "Сумма из счёта",
        },
    )
    assert response.status_code == 302 and response["Location"] == _manage(cast.project, "spending")
    expense.refresh_from_db()
    assert (expense.amount, expense.spent_on, expense.document_name) == (
        Decimal("1100.00"),
        date(2026, 6, 2),
        "счёт.pdf",
    )
    (entry,) = _audit(cast.project, "expense_update")
    assert entry.data["reason"] == "Сумма из счёта"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"spent_on": "2099-01-01"}, "spent_on"),
        ({"currency": "USD"}, "currency"),
        ({"amount": "0"}, "amount"),
        ({"amount": "-3"}, "amount"),
        ({"reason": ""}, "reason"),
        ({"line": "999999"}, "line"),
        ({"document": SimpleUploadedFile("act.pdf", b"not a pdf at all")}, "document"),
    ],
)
def test_a_bad_correction_keeps_the_form_with_the_errors_and_changes_nothing(client, changes, field):
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project)
    expense = ExpenseFactory(line=line, amount=Decimal("1000.00"))
    client.force_login(cast.owner)
    values = {
        "line": line.pk,
        "amount": "1100.00",
        "currency": "RUB",
        "spent_on": "2026-06-02",
        "description": "Счёт № 5",
        "reason": "Сумма из счёта",
        **changes,
    }
    response = client.post(_edit_url(expense), values)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field]
    assert form.data["description"] == "Счёт № 5"  # what was typed is kept
    expense.refresh_from_db()
    assert expense.amount == Decimal("1000.00")
    assert not _audit(cast.project, "expense_update")


@pytest.mark.parametrize(("role", "status"), [("funder", 403), ("resident", 403), ("other", 403), ("public", 302)])
def test_only_the_owners_people_open_the_correction_and_removal_pages(client, role, status):
    cast = make_cast()
    expense = ExpenseFactory(line=BudgetLineFactory(project=cast.project))
    _login(client, cast, role)
    for url in (_edit_url(expense), _remove_url(expense)):
        assert client.get(url).status_code == status
        assert client.post(url, {"reason": "x", "amount": "1"}).status_code == status
    assert Expense.objects.filter(pk=expense.pk, amount=expense.amount).exists()


def test_spending_of_another_project_is_404(client):
    cast = make_cast()
    foreign = ExpenseFactory()
    client.force_login(cast.owner)
    for name in ("projects:expense_edit", "projects:expense_remove"):
        assert client.get(reverse(name, args=[cast.project.pk, foreign.pk])).status_code == 404


def test_a_closed_projects_spending_pages_send_back_to_the_management_page(client):
    cast = make_cast(stage=ProjectStage.CANCELLED)
    expense = ExpenseFactory(line=BudgetLineFactory(project=cast.project))
    client.force_login(cast.owner)
    for url in (_edit_url(expense), _remove_url(expense)):
        response = client.post(url, {"reason": "x"})
        assert response.status_code == 302 and response["Location"] == _manage(cast.project, "spending")
    assert Expense.objects.filter(pk=expense.pk).exists()
    page = client.get(_manage(cast.project)).content.decode()
    assert _edit_url(expense) not in page


# --- removing spending ----------------------------------------------------------------------------------------------


def test_removal_asks_for_confirmation_and_a_reason_then_shows_in_the_timeline(client):
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project, title="Скамейки")
    expense = ExpenseFactory(line=line, amount=Decimal("900.00"))
    client.force_login(cast.owner)
    response = client.get(_remove_url(expense))
    assert response.status_code == 200
    assert f'data-expense="{expense.pk}"' in response.content.decode()
    assert Expense.objects.filter(pk=expense.pk).exists()  # looking is not removing
    response = client.post(_remove_url(expense), {"reason": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert Expense.objects.filter(pk=expense.pk).exists()
    response = client.post(_remove_url(expense), {"reason": "Записали дважды"})
    assert response.status_code == 302 and response["Location"] == _manage(cast.project, "spending")
    assert not Expense.objects.filter(pk=expense.pk).exists()
    (entry,) = _audit(cast.project, "expense_remove")
    assert entry.actor == cast.owner and entry.data["reason"] == "Записали дважды"

    client.logout()
    response = client.get(reverse("projects:detail", args=[cast.project.pk]))
    (removed,) = [e for e, _label in response.context["timeline"] if e.kind == "expense_removed"]
    assert removed.title == "Скамейки" and removed.obj == entry
    page = response.content.decode()
    item = re.search(r'<li data-kind="expense_removed">(.*?)</li>', page, re.S)
    assert item is not None and "Записали дважды" in item.group(1) and "900,00" in item.group(1)
    assert response.context["detail"].budget.actual == Decimal("0")


def test_corrections_of_the_plan_and_spending_show_in_the_public_timeline(client):
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project, title="Скамейки", planned=Decimal("1000.00"))
    expense = ExpenseFactory(line=line, amount=Decimal("500.00"))
    services.budget_line_update(line=line, actor=cast.owner, planned="1200", now=NOW)
    services.budget_line_update(line=line, actor=cast.owner, planned="1200", now=NOW)  # no change: not shown
    services.expense_update(expense=expense, actor=cast.owner, reason="Опечатка", amount="550", now=NOW)
    response = client.get(reverse("projects:detail", args=[cast.project.pk]))
    kinds = [entry.kind for entry, _label in response.context["timeline"]]
    assert kinds.count("plan_changed") == 1 and kinds.count("expense_changed") == 1
    page = response.content.decode()
    changed = re.search(r'<li data-kind="expense_changed">(.*?)</li>', page, re.S)
    assert changed is not None and "Опечатка" in changed.group(1) and "550,00" in changed.group(1)
    plan = re.search(r'<li data-kind="plan_changed">(.*?)</li>', page, re.S)
    assert plan is not None and re.search(r"1\s?200,00", plan.group(1))


# --- reports: text, figures, photos -------------------------------------------------------------------------------


def _report_url(report):
    return reverse("projects:report_edit", args=[report.project_id, report.pk])


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.RETURNED])
def test_the_owner_edits_a_draft_or_returned_report(client, status):
    cast = make_cast()
    report = ReportFactory(project=cast.project, status=status, text="Было", remarks="Мало фото")
    client.force_login(cast.owner)
    manage = client.get(_manage(cast.project)).content.decode()
    assert _report_url(report) in manage
    response = client.get(_report_url(report))
    assert response.status_code == 200 and response.context["form"].initial["text"] == "Было"
    response = client.post(_report_url(report), {"text": "Стало", "volunteer_hours": "12", "people_reached": "40"})
    assert response.status_code == 302 and response["Location"] == _manage(cast.project, f"report-{report.pk}")
    report.refresh_from_db()
    assert (report.text, report.volunteer_hours, report.people_reached, report.status) == ("Стало", 12, 40, status)
    (entry,) = _audit(cast.project, "report_update")
    assert entry.data["report"] == report.pk and entry.actor == cast.owner


def test_a_bad_report_edit_keeps_the_form_with_the_errors(client):
    cast = make_cast()
    report = ReportFactory(project=cast.project, text="Было")
    client.force_login(cast.owner)
    response = client.post(_report_url(report), {"text": "Стало", "volunteer_hours": "-1", "people_reached": "x"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["volunteer_hours"] and form.errors["people_reached"]
    assert form.data["text"] == "Стало"
    report.refresh_from_db()
    assert report.text == "Было"
    assert not _audit(cast.project, "report_update")


@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
def test_a_submitted_or_accepted_report_is_not_edited(client, status):
    cast = make_cast()
    report = ReportFactory(project=cast.project, status=status, text="Было")
    picture = ReportPhotoFactory(report=report)
    client.force_login(cast.owner)
    page = client.get(_manage(cast.project)).content.decode()
    assert _report_url(report) not in page
    assert reverse("projects:report_photo_remove", args=[cast.project.pk, report.pk, picture.pk]) not in page
    for method in (client.get, client.post):
        response = method(_report_url(report), {"text": "Стало", "volunteer_hours": "0", "people_reached": "0"})
        assert response.status_code == 302 and response["Location"] == _manage(cast.project, f"report-{report.pk}")
    response = client.post(reverse("projects:report_photo_remove", args=[cast.project.pk, report.pk, picture.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.text == "Было" and ReportPhoto.objects.filter(pk=picture.pk).exists()


@pytest.mark.parametrize(("role", "status"), [("funder", 403), ("resident", 403), ("other", 403), ("public", 302)])
def test_only_the_owners_people_edit_a_report_and_remove_its_photos(client, role, status):
    cast = make_cast()
    report = ReportFactory(project=cast.project, text="Было")
    picture = ReportPhotoFactory(report=report)
    _login(client, cast, role)
    assert client.get(_report_url(report)).status_code == status
    response = client.post(_report_url(report), {"text": "Стало", "volunteer_hours": "0", "people_reached": "0"})
    assert response.status_code == status
    remove = reverse("projects:report_photo_remove", args=[cast.project.pk, report.pk, picture.pk])
    assert client.post(remove).status_code == status
    report.refresh_from_db()
    assert report.text == "Было" and ReportPhoto.objects.filter(pk=picture.pk).exists()


def test_a_report_or_photo_of_another_project_is_404(client):
    cast = make_cast()
    foreign = ReportFactory()
    picture = ReportPhotoFactory(report=foreign)
    own = ReportFactory(project=cast.project)
    client.force_login(cast.owner)
    assert client.get(reverse("projects:report_edit", args=[cast.project.pk, foreign.pk])).status_code == 404
    url = reverse("projects:report_photo_remove", args=[cast.project.pk, own.pk, picture.pk])
    assert client.post(url).status_code == 404
    assert ReportPhoto.objects.filter(pk=picture.pk).exists()


def test_the_owner_removes_a_photo_from_the_management_page_or_the_report_page(client):
    cast = make_cast()
    report = ReportFactory(project=cast.project, status=ReportStatus.RETURNED)
    first, second = ReportPhotoFactory(report=report), ReportPhotoFactory(report=report)
    client.force_login(cast.owner)
    first_url = reverse("projects:report_photo_remove", args=[cast.project.pk, report.pk, first.pk])
    second_url = reverse("projects:report_photo_remove", args=[cast.project.pk, report.pk, second.pk])
    assert first_url in client.get(_manage(cast.project)).content.decode()
    edit_page = client.get(_report_url(report))
    assert [p.pk for p in edit_page.context["photos"]] == [first.pk, second.pk]
    assert second_url in edit_page.content.decode()
    response = client.post(first_url)
    assert response["Location"] == _manage(cast.project, f"report-{report.pk}")
    response = client.post(second_url, {"back": "edit"})
    assert response["Location"] == _report_url(report)
    assert not ReportPhoto.objects.filter(report=report).exists()
    removed = [entry.data["photo"] for entry in _audit(cast.project, "report_photo_remove")]
    assert removed == [first.pk, second.pk]


# --- the pages: no duplicate ids, constant query counts -----------------------------------------------------------


def _many(project, n):
    """n lines with spending, editable reports with photos, submitted reports with photos, and corrections of the
    plan and the spending (by a platform staff member: the same permission as the owner's)."""
    staff = UserFactory(is_staff=True)
    for _ in range(n):
        line = BudgetLineFactory(project=project)
        expense = ExpenseFactory(line=line)
        ReportPhotoFactory(report=ReportFactory(project=project, status=ReportStatus.DRAFT))
        ReportPhotoFactory(report=ReportFactory(project=project, status=ReportStatus.RETURNED))
        ReportPhotoFactory(report=ReportFactory(project=project, status=ReportStatus.SUBMITTED))
        BudgetLineFactory(project=project)
        services.budget_line_update(line=line, actor=staff, planned="7", now=NOW)
        services.expense_update(expense=expense, actor=staff, reason="Опечатка", amount="9", now=NOW)
        services.expense_remove(expense=ExpenseFactory(line=line), actor=staff, reason="Дубль", now=NOW)


def test_the_management_page_runs_as_many_queries_with_many_lines_expenses_and_reports(client):
    cast = make_cast()
    _many(cast.project, 1)
    client.force_login(cast.owner)
    with CaptureQueriesContext(connection) as few:
        client.get(_manage(cast.project))
    _many(cast.project, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_manage(cast.project))
    assert response.status_code == 200
    assert len(response.context["budget_rows"]) == 18
    assert len(many) == len(few)
    ids = _ids(response.content.decode())
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_the_public_page_runs_as_many_queries_with_many_corrections(client):
    cast = make_cast()
    _many(cast.project, 1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("projects:detail", args=[cast.project.pk]))
    _many(cast.project, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("projects:detail", args=[cast.project.pk]))
    kinds = [entry.kind for entry, _label in response.context["timeline"]]
    assert kinds.count("expense_removed") == 9 and kinds.count("expense_changed") == 9
    assert len(many) == len(few)


def test_the_correction_pages_have_no_duplicate_ids(client):
    cast = make_cast()
    expense = ExpenseFactory(line=BudgetLineFactory(project=cast.project))
    report = ReportFactory(project=cast.project)
    ReportPhotoFactory(report=report)
    client.force_login(cast.owner)
    for url in (_edit_url(expense), _remove_url(expense), _report_url(report)):
        ids = _ids(client.get(url).content.decode())
        assert len(ids) == len(set(ids)), (url, sorted({i for i in ids if ids.count(i) > 1}))


def test_an_unknown_project_is_404(client):
    cast = make_cast()
    client.force_login(cast.owner)
    other = ProjectFactory()
    expense = ExpenseFactory(line=BudgetLineFactory(project=other))
    assert client.get(reverse("projects:expense_edit", args=[999999, expense.pk])).status_code == 404
