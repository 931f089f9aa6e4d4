"""Milestones (overdue by the municipality's clock), the budget plan, spending against it (amounts, currency,
dates, documents), the plan against the actual per line, per source and in total, with warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from localbridge.core.services import error_codes
from localbridge.projects import selectors, services
from localbridge.projects.models import Expense, FundingSource, Milestone
from localbridge.projects.tests.factories import (
    NOW,
    BudgetLineFactory,
    ExpenseFactory,
    MilestoneFactory,
    ProjectFactory,
    make_cast,
    pdf,
    photo,
    truncated_png,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def codes(exc_info) -> set[str]:
    return error_codes(exc_info.value)


# --- milestones ------------------------------------------------------------------------------------------------


def test_milestones_are_added_changed_and_completed():
    cast = make_cast()
    milestone = services.milestone_add(
        project=cast.project,
        actor=cast.owner,
        title="Установка скамеек",
        planned_date="2026-07-01",
        contractor="ООО «Двор»",
        percent_done="40",
        now=NOW,
    )
    assert (milestone.percent_done, milestone.is_done) == (40, False)
    services.milestone_complete(milestone=milestone, actor=cast.owner, now=NOW)
    milestone.refresh_from_db()
    assert milestone.is_done and milestone.percent_done == 100 and milestone.actual_date == date(2026, 6, 10)


def test_milestone_bad_input_is_refused():
    cast = make_cast()
    with pytest.raises(ValidationError) as exc_info:
        services.milestone_add(project=cast.project, actor=cast.owner, title="", planned_date="завтра", now=NOW)
    assert set(exc_info.value.message_dict) == {"title", "planned_date"}
    with pytest.raises(ValidationError) as exc_info:
        services.milestone_add(
            project=cast.project, actor=cast.owner, title="X", planned_date="2026-07-01", percent_done=120, now=NOW
        )
    assert codes(exc_info) == {"out_of_range"}
    with pytest.raises(ValidationError) as exc_info:
        services.milestone_add(
            project=cast.project,
            actor=cast.owner,
            title="X",
            planned_date="2026-07-01",
            actual_date="2026-06-11",  # tomorrow in Yakutsk
            now=NOW,
        )
    assert codes(exc_info) == {"future_date"}
    assert not Milestone.objects.exists()


def test_a_milestone_is_overdue_the_day_after_its_date_in_the_municipalitys_time_zone():
    yakutsk = ProjectFactory(municipality=MunicipalityFactory(timezone="Asia/Yakutsk"))
    moscow = ProjectFactory(municipality=MunicipalityFactory(timezone="Europe/Moscow"))
    due_yakutsk = MilestoneFactory(project=yakutsk, planned_date=date(2026, 6, 10))
    due_moscow = MilestoneFactory(project=moscow, planned_date=date(2026, 6, 10))
    MilestoneFactory(project=yakutsk, planned_date=date(2026, 6, 1), percent_done=100)  # done: never overdue
    MilestoneFactory(project=yakutsk, planned_date=date(2026, 6, 1), actual_date=date(2026, 6, 2))

    evening = datetime(2026, 6, 10, 14, 0, tzinfo=UTC)  # 23:00 in Yakutsk, 17:00 in Moscow: still the 10th
    assert selectors.overdue_milestones(evening) == []
    night = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)  # 01:00 on the 11th in Yakutsk, 19:00 on the 10th in Moscow
    assert selectors.overdue_milestones(night) == [due_yakutsk]
    next_day = datetime(2026, 6, 10, 21, 30, tzinfo=UTC)  # 00:30 on the 11th in Moscow
    assert set(selectors.overdue_milestones(next_day)) == {due_yakutsk, due_moscow}


def test_milestones_of_closed_projects_are_not_overdue():
    project = ProjectFactory(stage="cancelled")
    MilestoneFactory(project=project, planned_date=date(2026, 1, 1))
    assert selectors.overdue_milestones(NOW) == []


def test_a_new_planned_date_lets_the_overdue_notice_go_out_again():
    cast = make_cast()
    milestone = MilestoneFactory(
        project=cast.project, planned_date=date(2026, 6, 1), overdue_notified_on=date(2026, 6, 2)
    )
    services.milestone_update(milestone=milestone, actor=cast.owner, planned_date="2026-06-20", now=NOW)
    milestone.refresh_from_db()
    assert milestone.overdue_notified_on is None
    services.milestone_update(milestone=milestone, actor=cast.owner, contractor="ИП Иванов", now=NOW)
    milestone.overdue_notified_on = date(2026, 6, 21)
    milestone.save()
    services.milestone_update(milestone=milestone, actor=cast.owner, planned_date="2026-06-20", now=NOW)
    milestone.refresh_from_db()
    assert milestone.overdue_notified_on == date(2026, 6, 21)  # the same date: no second notice


# --- the plan and the spending ---------------------------------------------------------------------------------


def test_a_budget_line_cannot_plan_a_negative_amount():
    cast = make_cast()
    with pytest.raises(ValidationError) as exc_info:
        services.budget_line_add(
            project=cast.project, actor=cast.owner, source=FundingSource.SPONSORS, title="Спонсоры", planned="-1"
        )
    assert codes(exc_info) == {"negative"}
    line = services.budget_line_add(
        project=cast.project, actor=cast.owner, source=FundingSource.SPONSORS, title="Спонсоры", planned="1 500,5"
    )
    assert line.planned == Decimal("1500.50")


def test_an_expense_is_recorded_against_a_line_with_its_document():
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project)
    expense = services.expense_record(
        project=cast.project,
        actor=cast.owner,
        line=line,
        amount="12 500,00",
        spent_on="2026-06-05",
        description="Счёт № 17",
        document=pdf(),
        now=NOW,
    )
    assert (expense.amount, expense.currency, expense.spent_on) == (Decimal("12500.00"), "RUB", date(2026, 6, 5))
    assert expense.document_type == "application/pdf" and expense.document.name.endswith(".pdf")
    assert expense.recorded_by == cast.owner


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"amount": "-100"}, {"negative"}),
        ({"amount": "0"}, {"not_positive"}),
        ({"amount": "сто"}, {"invalid"}),
        ({"currency": "USD"}, {"other_currency"}),
        ({"spent_on": "2026-06-11"}, {"future_date"}),
        ({"spent_on": "10.06.2026"}, {"invalid"}),
        ({"document": SimpleUploadedFile("act.pdf", b"not a pdf at all")}, {"file_content"}),
        ({"document": SimpleUploadedFile("act.exe", b"MZ\x90\x00")}, {"file_type"}),
    ],
)
def test_bad_spending_is_refused_and_nothing_is_saved(changes, expected):
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project)
    values = {"line": line, "amount": "100", "spent_on": "2026-06-01", **changes}
    with pytest.raises(ValidationError) as exc_info:
        services.expense_record(project=cast.project, actor=cast.owner, now=NOW, **values)
    assert codes(exc_info) == expected
    assert not Expense.objects.exists()


def test_spending_in_another_currency_is_refused_with_a_clear_message():
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project)
    with pytest.raises(ValidationError) as exc_info:
        services.expense_record(
            project=cast.project, actor=cast.owner, line=line, amount="10", currency="EUR", spent_on="2026-06-01"
        )
    message = exc_info.value.message_dict["currency"][0]
    assert "RUB" in message and "EUR" in message


def test_an_expense_goes_only_against_a_line_of_the_same_project():
    cast = make_cast()
    foreign = BudgetLineFactory()
    with pytest.raises(ValidationError) as exc_info:
        services.expense_record(
            project=cast.project, actor=cast.owner, line=foreign, amount="10", spent_on="2026-06-01"
        )
    assert codes(exc_info) == {"invalid_choice"}


def test_an_image_receipt_must_be_a_real_image():
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project)
    expense = services.expense_record(
        project=cast.project, actor=cast.owner, line=line, amount="10", spent_on="2026-06-01", document=photo("чек.png")
    )
    assert expense.document_type == "image/png"
    with pytest.raises(ValidationError) as exc_info:
        services.expense_record(
            project=cast.project,
            actor=cast.owner,
            line=line,
            amount="10",
            spent_on="2026-06-01",
            document=truncated_png(),
        )
    assert codes(exc_info) == {"not_image"}


def test_a_line_with_spending_is_not_removed():
    cast = make_cast()
    line = BudgetLineFactory(project=cast.project)
    ExpenseFactory(line=line)
    with pytest.raises(ValidationError) as exc_info:
        services.budget_line_remove(line=line, actor=cast.owner)
    assert codes(exc_info) == {"line_has_expenses"}


def test_plan_against_actual_per_line_per_source_and_in_total_with_warnings():
    project = ProjectFactory()
    grant_a = BudgetLineFactory(project=project, source="grant", title="Скамейки", planned=Decimal("100000"))
    grant_b = BudgetLineFactory(project=project, source="grant", title="Фонари", planned=Decimal("50000"))
    residents = BudgetLineFactory(project=project, source="residents", title="Взносы", planned=Decimal("20000"))
    BudgetLineFactory(project=project, source="sponsors", title="Спонсор", planned=Decimal("10000"))
    ExpenseFactory(line=grant_a, amount=Decimal("60000"))
    ExpenseFactory(line=grant_a, amount=Decimal("50000.50"))  # 110 000.50 against 100 000: the line is over
    ExpenseFactory(line=grant_b, amount=Decimal("10000"))  # the grant in all: 120 000.50 against 150 000
    ExpenseFactory(line=residents, amount=Decimal("25000"))  # the residents' source is over by 5 000

    budget = selectors.project_budget(project)

    assert [(s.source, s.planned, s.actual) for s in budget.sources] == [
        ("grant", Decimal("150000.00"), Decimal("120000.50")),
        ("residents", Decimal("20000.00"), Decimal("25000.00")),
        ("sponsors", Decimal("10000.00"), Decimal("0.00")),
    ]
    assert (budget.planned, budget.actual, budget.over) == (Decimal("180000.00"), Decimal("145000.50"), False)
    assert [(row.line.title, row.actual, row.over) for row in budget.lines] == [
        ("Скамейки", Decimal("110000.50"), True),
        ("Фонари", Decimal("10000.00"), False),
        ("Взносы", Decimal("25000.00"), True),
        ("Спонсор", Decimal("0.00"), False),
    ]
    assert [(w.code, w.source, w.line_id) for w in budget.warnings] == [
        ("line_over_plan", "grant", grant_a.pk),
        ("line_over_plan", "residents", residents.pk),
        ("source_over_plan", "residents", None),
    ]
    assert budget.source("grant").percent_spent == Decimal("80.0")
    assert budget.source("regional_budget").planned == 0


def test_plan_and_actual_of_many_projects_in_two_queries(django_assert_num_queries):
    projects = [ProjectFactory() for _ in range(3)]
    for project in projects:
        line = BudgetLineFactory(project=project, source="municipal_budget", planned=Decimal("1000"))
        ExpenseFactory(line=line, amount=Decimal("1500"))
    with django_assert_num_queries(2):
        summaries = selectors.budget_summaries(projects)
    summary = summaries[projects[0].pk]
    assert (summary.planned, summary.actual) == (Decimal("1000.00"), Decimal("1500.00"))
    assert [w.code for w in summary.warnings] == ["source_over_plan", "total_over_plan"]
