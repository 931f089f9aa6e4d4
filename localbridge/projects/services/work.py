"""The work of a project under way: milestones of the implementation, the budget plan by source of money, the
money actually spent against it (with invoices and acts), and the project's documents. Each write is one
transaction under a lock of the project's row, by the owner's members (rules.py), refused for a completed or
cancelled project, audited on the project.

Uploaded files are checked by size and real type before anything is written (core.files, and Pillow for images);
a file is stored when its row is saved, so should the transaction roll back afterwards, the file stays behind
unreferenced under a random name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.services import FieldErrors
from localbridge.core.services import require_perm as _require

from ..models import BudgetLine, Document, DocumentKind, Expense, FundingSource, Milestone, Project, Stage
from .common import (
    EXPENSE_DOCUMENT_TYPES,
    PROJECT_DOCUMENT_TYPES,
    announce,
    check_document,
    clean_date,
    clean_int,
    clean_line,
    clean_money,
    local_today,
    lock_project,
    require_open,
)

__all__ = [
    "EXPENSE_FIELDS",
    "MILESTONE_FIELDS",
    "budget_line_add",
    "budget_line_remove",
    "budget_line_update",
    "clean_budget_lines",
    "document_add",
    "document_remove",
    "expense_record",
    "expense_remove",
    "expense_update",
    "milestone_add",
    "milestone_complete",
    "milestone_remove",
    "milestone_update",
]

MILESTONE_FIELDS = ("title", "planned_date", "actual_date", "percent_done", "contractor")
MAX_MILESTONES = 200
MAX_BUDGET_LINES = 200


def _begin(project: Project, actor: Any) -> None:
    lock_project(project)
    _require(actor, "projects.change_project", project)
    require_open(project)


def _audit(project: Project, action: str, actor: Any, now: datetime | None, **data: Any) -> None:
    audit_record(obj=project, action=action, actor=actor, data=data, now=now or timezone.now())
    announce(project, action, actor)


def _next_position(items: Any) -> int:
    return (items.aggregate(last=Max("position"))["last"] or 0) + 1


# --- milestones ------------------------------------------------------------------------------------------------


def _clean_milestone(
    milestone: Milestone, project: Project, values: Mapping[str, Any], errors: FieldErrors, now: datetime
) -> None:
    for field, value in values.items():
        if field == "title":
            milestone.title = clean_line(errors, "title", value, limit=300, required=True)
        elif field == "contractor":
            milestone.contractor = clean_line(errors, "contractor", value, limit=300)
        elif field == "planned_date":
            planned = clean_date(errors, field, value, required=True)
            if planned is not None:
                if planned != milestone.planned_date:
                    milestone.overdue_notified_on = None  # a new date: a new notice when it passes
                milestone.planned_date = planned
        elif field == "actual_date":
            milestone.actual_date = clean_date(errors, field, value)
            if milestone.actual_date is not None and milestone.actual_date > local_today(project, now):
                errors.add(field, _("The actual date cannot be in the future."), "future_date")
        elif field == "percent_done":
            percent = clean_int(errors, field, value, minimum=0, maximum=100)
            milestone.percent_done = percent if percent is not None else 0


def _check_milestone_fields(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(MILESTONE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


@transaction.atomic
def milestone_add(*, project: Project, actor: Any, now: datetime | None = None, **fields: Any) -> Milestone:
    """A milestone of the implementation: a title, the planned date, the contractor, per cent done."""
    _begin(project, actor)
    _check_milestone_fields(fields)
    now = now or timezone.now()
    if project.milestones.count() >= MAX_MILESTONES:
        raise ValidationError(
            _("A project has at most %(limit)s milestones.") % {"limit": MAX_MILESTONES}, code="too_many"
        )
    milestone = Milestone(project=project, position=_next_position(project.milestones))
    errors = FieldErrors()
    _clean_milestone(milestone, project, {"title": "", "planned_date": None, **fields}, errors, now)
    errors.raise_if_any()
    milestone.save()
    _audit(project, "milestone_add", actor, now, milestone=milestone.pk, title=milestone.title)
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, actor: Any, now: datetime | None = None, **fields: Any) -> Milestone:
    """Change a milestone: a new planned date lets the overdue notice go out again when it passes."""
    project = milestone.project
    _begin(project, actor)
    _check_milestone_fields(fields)
    now = now or timezone.now()
    milestone.refresh_from_db()
    errors = FieldErrors()
    _clean_milestone(milestone, project, fields, errors, now)
    errors.raise_if_any()
    milestone.save()
    _audit(project, "milestone_update", actor, now, milestone=milestone.pk, fields=sorted(fields))
    return milestone


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, actor: Any, actual_date: Any = None, now: datetime | None = None
) -> Milestone:
    """Mark a milestone done: 100 per cent, on `actual_date` (today in the municipality when not given)."""
    project = milestone.project
    _begin(project, actor)
    now = now or timezone.now()
    milestone.refresh_from_db()
    errors = FieldErrors()
    _clean_milestone(
        milestone,
        project,
        {"percent_done": 100, "actual_date": actual_date or local_today(project, now)},
        errors,
        now,
    )
    errors.raise_if_any()
    milestone.save(update_fields=["percent_done", "actual_date"])
    _audit(project, "milestone_complete", actor, now, milestone=milestone.pk, on=str(milestone.actual_date))
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, actor: Any, now: datetime | None = None) -> None:
    project = milestone.project
    _begin(project, actor)
    title, pk = milestone.title, milestone.pk
    milestone.delete()
    _audit(project, "milestone_remove", actor, now, milestone=pk, title=title)


# --- the budget plan -------------------------------------------------------------------------------------------


def _clean_line(line: BudgetLine, values: Mapping[str, Any], errors: FieldErrors, prefix: str = "") -> None:
    for field, value in values.items():
        key = f"{prefix}{field}"
        if field == "source":
            if value not in FundingSource.values:
                errors.add(key, _("Choose a source of money."), "invalid_choice")
                continue
            line.source = value
        elif field == "title":
            line.title = clean_line(errors, key, value, limit=300, required=True)
        elif field == "planned":
            planned = clean_money(errors, key, value)
            if planned is not None:
                line.planned = planned
        else:
            raise TypeError(f"unknown field: {field}")


def clean_budget_lines(rows: Iterable[Mapping[str, Any]], errors: FieldErrors) -> list[BudgetLine]:
    """Lines of a plan typed together (each {"source", "title", "planned"}); errors under "budget-<n>-<field>"."""
    lines = []
    for number, row in enumerate(rows, start=1):
        line = BudgetLine()
        _clean_line(line, {"source": None, "title": "", "planned": None, **row}, errors, prefix=f"budget-{number}-")
        lines.append(line)
    if len(lines) > MAX_BUDGET_LINES:
        errors.add("budget", _("A plan has at most %(limit)s lines.") % {"limit": MAX_BUDGET_LINES}, "too_many")
    return lines


@transaction.atomic
def budget_line_add(
    *, project: Project, actor: Any, source: Any, title: Any, planned: Any, now: datetime | None = None
) -> BudgetLine:
    """A line of the plan: how much is planned from one source (never negative)."""
    _begin(project, actor)
    if project.budget_lines.count() >= MAX_BUDGET_LINES:
        raise ValidationError(_("A plan has at most %(limit)s lines.") % {"limit": MAX_BUDGET_LINES}, code="too_many")
    line = BudgetLine(project=project, position=_next_position(project.budget_lines))
    errors = FieldErrors()
    _clean_line(line, {"source": source, "title": title, "planned": planned}, errors)
    errors.raise_if_any()
    line.save()
    _audit(project, "budget_line_add", actor, now, line=line.pk, source=line.source, planned=str(line.planned))
    return line


@transaction.atomic
def budget_line_update(*, line: BudgetLine, actor: Any, now: datetime | None = None, **fields: Any) -> BudgetLine:
    """Change a line's source, item or planned amount (the change is audited with the old and new amounts)."""
    project = line.project
    _begin(project, actor)
    line.refresh_from_db()
    before = {"source": line.source, "title": line.title, "planned": str(line.planned)}
    errors = FieldErrors()
    _clean_line(line, fields, errors)
    errors.raise_if_any()
    line.save()
    _audit(
        project,
        "budget_line_update",
        actor,
        now,
        line=line.pk,
        before=before,
        after={"source": line.source, "title": line.title, "planned": str(line.planned)},
    )
    return line


@transaction.atomic
def budget_line_remove(*, line: BudgetLine, actor: Any, now: datetime | None = None) -> None:
    """Remove a line of the plan that nothing was spent against."""
    project = line.project
    _begin(project, actor)
    if line.expenses.exists():
        raise ValidationError(_("Money was spent against this line: it cannot be removed."), code="line_has_expenses")
    data = {"line": line.pk, "title": line.title, "source": line.source, "planned": str(line.planned)}
    line.delete()
    _audit(project, "budget_line_remove", actor, now, **data)


# --- spending --------------------------------------------------------------------------------------------------


EXPENSE_FIELDS = ("line", "amount", "currency", "spent_on", "description", "document")
MAX_REASON = 600


@dataclass
class _CleanExpense:
    line: BudgetLine | None
    amount: Decimal | None
    currency: str
    spent_on: date | None
    description: str
    content_type: str


def _clean_expense(
    project: Project,
    errors: FieldErrors,
    now: datetime,
    *,
    line: BudgetLine | int | None,
    amount: Any,
    spent_on: Any,
    currency: str | None = None,
    description: Any = "",
    document: UploadedFile | None = None,
) -> _CleanExpense:
    """The checks of spending, for recording it and for correcting it: a line of this project's plan, more than
    zero, in the project's currency, on a date not in the future, a document that is what it says."""
    line_id = line.pk if isinstance(line, BudgetLine) else line
    plan_line = BudgetLine.objects.filter(pk=line_id, project=project).first() if line_id else None
    if plan_line is None:
        errors.add("line", _("Choose a line of this project's budget plan."), "invalid_choice")
    value = clean_money(errors, "amount", amount, positive=True)
    currency = str(currency or project.currency).strip().upper()
    if currency != project.currency:
        errors.add(
            "currency",
            _("The project's plan is in %(plan)s: record the spending in %(plan)s, not in %(other)s.")
            % {"plan": project.currency, "other": currency or "—"},
            "other_currency",
        )
    day = clean_date(errors, "spent_on", spent_on, required=True)
    if day is not None and day > local_today(project, now):
        errors.add("spent_on", _("The date cannot be in the future."), "future_date")
    text = clean_line(errors, "description", description, limit=600)
    content_type = ""
    if document is not None:
        try:
            content_type = check_document(document, EXPENSE_DOCUMENT_TYPES)
        except ValidationError as exc:
            errors.merge(exc, field="document")
    return _CleanExpense(plan_line, value, currency, day, text, content_type)


def _clean_reason(errors: FieldErrors, reason: Any, missing: str) -> str:
    """The reason a recorded expense is corrected or removed: required, one line (it goes to the public record)."""
    text = " ".join(str(reason or "").split())
    if not text:
        errors.add("reason", missing, "comment_required")
    elif len(text) > MAX_REASON:
        errors.add("reason", _("Too long (%(max)s characters at most).") % {"max": MAX_REASON}, "max_length")
    return text


def _attach(expense: Expense, document: UploadedFile, content_type: str) -> None:
    expense.document = document  # type: ignore[assignment]
    expense.document_name = (document.name or "document")[:255]
    expense.document_type = content_type


def _expense_state(expense: Expense) -> dict[str, str | int]:
    """What the audit keeps of an expense (and the timeline shows of a correction or a removal)."""
    return {
        "line": expense.line_id,
        "line_title": expense.line.title,
        "amount": str(expense.amount),
        "currency": expense.currency,
        "spent_on": expense.spent_on.isoformat(),
        "description": expense.description,
        "document": expense.document_name,
    }


@transaction.atomic
def expense_record(
    *,
    project: Project,
    actor: Any,
    line: BudgetLine | int,
    amount: Any,
    spent_on: Any,
    currency: str | None = None,
    description: str = "",
    document: UploadedFile | None = None,
    now: datetime | None = None,
) -> Expense:
    """Money spent against a line of this project's plan: more than zero, in the project's currency (the plan's;
    another is refused), on a date not in the future, with its invoice or act (PDF or image) when given."""
    _begin(project, actor)
    now = now or timezone.now()
    errors = FieldErrors()
    clean = _clean_expense(
        project,
        errors,
        now,
        line=line,
        amount=amount,
        spent_on=spent_on,
        currency=currency,
        description=description,
        document=document,
    )
    errors.raise_if_any()
    assert clean.line is not None and clean.amount is not None and clean.spent_on is not None
    expense = Expense(
        project=project,
        line=clean.line,
        amount=clean.amount,
        currency=clean.currency,
        spent_on=clean.spent_on,
        description=clean.description,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if document is not None:
        _attach(expense, document, clean.content_type)
    expense.save()
    _audit(
        project,
        "expense_record",
        actor,
        now,
        expense=expense.pk,
        line=clean.line.pk,
        source=clean.line.source,
        amount=str(clean.amount),
        currency=clean.currency,
        document=expense.document_name,
    )
    return expense


@transaction.atomic
def expense_update(*, expense: Expense, actor: Any, reason: Any, now: datetime | None = None, **fields: Any) -> Expense:
    """Correct a recorded expense — its line, amount, currency, date, description; a new invoice or act replaces
    the old one (the old file goes from storage once the transaction commits) — with the reason (required). The
    same checks as expense_record; audited with the values before and after and the reason, which the project's
    public timeline shows. A change that changes nothing writes nothing."""
    project = expense.project
    _begin(project, actor)
    unknown = set(fields) - set(EXPENSE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    now = now or timezone.now()
    expense.refresh_from_db()
    values: dict[str, Any] = {
        "line": expense.line_id,
        "amount": expense.amount,
        "currency": expense.currency,
        "spent_on": expense.spent_on,
        "description": expense.description,
        "document": None,
        **fields,
    }
    errors = FieldErrors()
    clean = _clean_expense(project, errors, now, **values)
    why = _clean_reason(errors, reason, _("Say why the expense is changed."))
    errors.raise_if_any()
    assert clean.line is not None and clean.amount is not None and clean.spent_on is not None
    before = _expense_state(expense)
    old_storage, old_name = expense.document.storage, expense.document.name
    expense.line = clean.line
    expense.amount = clean.amount
    expense.currency = clean.currency
    expense.spent_on = clean.spent_on
    expense.description = clean.description
    document = values["document"]
    if document is not None:
        _attach(expense, document, clean.content_type)
    after = _expense_state(expense)
    changed = [key for key in ("line", "amount", "currency", "spent_on", "description") if before[key] != after[key]]
    if document is not None:
        changed.append("document")
    if not changed:
        return expense
    expense.save()
    if document is not None and old_name:
        transaction.on_commit(lambda: old_storage.delete(old_name))
    _audit(
        project,
        "expense_update",
        actor,
        now,
        expense=expense.pk,
        line=clean.line.pk,
        changed=changed,
        before=before,
        after=after,
        reason=why,
    )
    return expense


@transaction.atomic
def expense_remove(*, expense: Expense, actor: Any, reason: str, now: datetime | None = None) -> None:
    """Remove an expense recorded by mistake, with the reason (required): audited with what it was — the line,
    amount, date, description, document's name — and the reason, which the project's public timeline shows; its
    file goes from storage once the transaction commits."""
    project = expense.project
    _begin(project, actor)
    expense.refresh_from_db()
    errors = FieldErrors()
    why = _clean_reason(errors, reason, _("Say why the expense is removed."))
    errors.raise_if_any()
    data = {"expense": expense.pk, **_expense_state(expense), "reason": why}
    storage, name = expense.document.storage, expense.document.name
    expense.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    _audit(project, "expense_remove", actor, now, **data)


# --- documents -------------------------------------------------------------------------------------------------


@transaction.atomic
def document_add(
    *,
    project: Project,
    actor: Any,
    upload: UploadedFile,
    title: str = "",
    kind: str = DocumentKind.OTHER,
    stage: Stage | None = None,
    now: datetime | None = None,
) -> Document:
    """A document of the project (design, estimate, contract, act…): PDF, office documents or images, checked by
    their real type; optionally tied to one of the project's stages."""
    _begin(project, actor)
    now = now or timezone.now()
    errors = FieldErrors()
    if kind not in DocumentKind.values:
        errors.add("kind", _("Choose the kind of document."), "invalid_choice")
    if stage is not None and stage.project_id != project.pk:
        errors.add("stage", _("Choose a stage of this project."), "invalid_choice")
    name = clean_line(errors, "title", title or upload.name or "", limit=300, required=True)
    content_type = ""
    try:
        content_type = check_document(upload, PROJECT_DOCUMENT_TYPES)
    except ValidationError as exc:
        errors.merge(exc, field="file")
    errors.raise_if_any()
    document = Document(
        project=project,
        stage=stage,
        kind=kind,
        title=name,
        file=upload,
        original_name=(upload.name or "file")[:255],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
    )
    document.save()
    _audit(project, "document_add", actor, now, document=document.pk, kind=kind, file=document.original_name)
    return document


@transaction.atomic
def document_remove(*, document: Document, actor: Any, now: datetime | None = None) -> None:
    project = document.project
    _begin(project, actor)
    storage, name, original = document.file.storage, document.file.name, document.original_name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    _audit(project, "document_remove", actor, now, file=original)
