"""Applications: written in steps as a draft (optimistic locking on `version`), files attached, submitted
(frozen and numbered) with every rule checked, withdrawn, and decided in the technical review."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.contests.budget import budget_errors, budget_totals, line_total, to_decimal
from localbridge.contests.events import ApplicationReviewed, ApplicationSubmitted
from localbridge.contests.models import (
    APPLICATION_WORKFLOW,
    Activity,
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    BudgetLine,
    Contest,
    ContestScope,
    ContestStatus,
    Nomination,
    RejectionReason,
    RequiredDocument,
)
from localbridge.core.audit import audit_record, counter_next
from localbridge.core.events import emit
from localbridge.core.files import DOCUMENT_TYPES, IMAGE_TYPES, validate_upload
from localbridge.organizations.models import Organization
from localbridge.territories.models import Municipality

from .common import (
    _actor_id,
    _date,
    _error,
    _Errors,
    _lock,
    _one_line,
    _require,
    _text,
    contest_deadline,
    contest_is_accepting,
    contest_zone,
    money,
    title_key,
)

__all__ = [
    "APPLICATION_FIELDS",
    "ATTACHMENT_TYPES",
    "MAX_ATTACHMENTS",
    "application_attach",
    "application_create",
    "application_detach",
    "application_eligibility_errors",
    "application_errors",
    "application_review",
    "application_submit",
    "application_update",
    "application_withdraw",
]

# Fields application_create and application_update set directly; activities and budget_lines are lists of
# mappings that replace the application's rows as a whole when given.
APPLICATION_FIELDS = (
    "title",
    "nomination",
    "problem",
    "goals",
    "expected_results",
    "beneficiaries",
    "volunteers",
    "municipality",
)
APPLICATION_RELATIONS = ("activities", "budget_lines")
ACTIVITY_FIELDS = ("name", "starts_on", "ends_on")
BUDGET_LINE_FIELDS = ("item", "unit", "quantity", "unit_cost", *BudgetLine.SOURCES)
# Filled in before submission (besides the budget, activities and required documents).
REQUIRED_FOR_SUBMISSION = ("title", "problem", "goals", "expected_results", "beneficiaries")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ATTACHMENT_TYPES: dict[str, str] = {
    "pdf": DOCUMENT_TYPES["pdf"],
    "docx": DOCUMENT_TYPES["docx"],
    "odt": DOCUMENT_TYPES["odt"],
    "xlsx": XLSX_TYPE,
    "jpg": IMAGE_TYPES["jpg"],
    "png": IMAGE_TYPES["png"],
}
MAX_ATTACHMENTS = 10
MAX_ACTIVITIES = 100
MAX_BUDGET_LINES = 200
# Statuses in which the technical review may decide.
REVIEW_STAGES = (ContestStatus.ANNOUNCED, ContestStatus.REVIEW)
# Statuses in which an applicant may withdraw a submitted application (before the evaluation starts).
WITHDRAW_STAGES = (ContestStatus.ANNOUNCED, ContestStatus.REVIEW)

REVIEW_ACTIONS = ("admit", "admit_with_conditions", "not_admit")


# --- eligibility and the deadline -----------------------------------------------------------------------------


def application_eligibility_errors(contest: Contest, organization: Organization) -> list[ValidationError]:
    """Why `organization` may not apply to `contest` (its kind, its territory); empty when it may."""
    errors: list[ValidationError] = []
    if contest.eligible_kinds and organization.kind not in contest.eligible_kinds:
        errors.append(
            ValidationError(
                _("Organisations of this kind (%(kind)s) may not apply to this contest.")
                % {"kind": organization.get_kind_display()},
                code="kind_not_eligible",
            )
        )
    territory_ok = True
    if contest.scope == ContestScope.REGIONAL:
        territory_ok = contest.region_id is not None and organization.region_id == contest.region_id
    elif contest.scope == ContestScope.MUNICIPAL:
        territory_ok = (
            organization.municipality_id is not None
            and contest.municipalities.filter(pk=organization.municipality_id).exists()
        )
    elif contest.scope == ContestScope.NATIONAL:
        territory_ok = contest.country_id is not None and organization.country_id == contest.country_id
    elif contest.scope == ContestScope.INTERNATIONAL:
        territory_ok = not contest.countries.exists() or contest.countries.filter(pk=organization.country_id).exists()
    if not territory_ok:
        errors.append(
            ValidationError(
                _("The contest is open to organisations of another territory than yours."),
                code="territory_not_eligible",
            )
        )
    return errors


def _deadline_error(contest: Contest, now: datetime) -> ValidationError | None:
    if contest_is_accepting(contest, now):
        return None
    deadline = contest_deadline(contest)
    if contest.status == ContestStatus.ANNOUNCED and deadline is not None and now >= deadline:
        local = timezone.localtime(deadline, contest_zone(contest))
        return ValidationError(
            _("The deadline has passed: applications were accepted until %(deadline)s (%(zone)s).")
            % {"deadline": local.strftime("%d.%m.%Y %H:%M"), "zone": contest.time_zone},
            code="deadline_passed",
        )
    return ValidationError(_("The contest is not accepting applications now."), code="not_accepting")


# --- validation of the fields ---------------------------------------------------------------------------------


def _clean_fields(application: Application, values: Mapping[str, Any], errors: _Errors) -> None:
    contest = application.contest
    for field in APPLICATION_FIELDS:
        if field not in values:
            continue
        value = values[field]
        if field == "title":
            value = _one_line(value)
            if not value:
                errors.add("title", _("Give the project a title."), "required")
            application.title = value[:300]
            application.title_key = title_key(value)[:300]
        elif field in ("problem", "goals", "expected_results"):
            setattr(application, field, _text(value))
        elif field in ("beneficiaries", "volunteers"):
            if value is None or value == "":
                setattr(application, field, None)
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                errors.add(field, _("Give a whole number."), "invalid")
                continue
            if number < 0:
                errors.add(field, _("The number cannot be negative."), "negative")
                continue
            setattr(application, field, number)
        elif field == "nomination":
            if value in (None, ""):
                application.nomination = None
                continue
            nomination = value if isinstance(value, Nomination) else Nomination.objects.filter(pk=value).first()
            if nomination is None or nomination.contest_id != contest.pk:
                errors.add("nomination", _("Choose one of the contest's nominations."), "invalid_choice")
                continue
            application.nomination = nomination
        elif field == "municipality":
            if value in (None, ""):
                application.municipality = None
                continue
            municipality = value if isinstance(value, Municipality) else Municipality.objects.filter(pk=value).first()
            if municipality is None:
                errors.add("municipality", _("No such municipality."), "invalid_choice")
                continue
            if not _municipality_in_contest(contest, municipality):
                errors.add(
                    "municipality",
                    _("This municipality is outside the contest's territory."),
                    "out_of_territory",
                )
                continue
            application.municipality = municipality


def _municipality_in_contest(contest: Contest, municipality: Municipality) -> bool:
    if contest.scope == ContestScope.MUNICIPAL:
        return contest.municipalities.filter(pk=municipality.pk).exists()
    if contest.scope == ContestScope.REGIONAL:
        return contest.region_id is None or municipality.region_id == contest.region_id
    if contest.scope == ContestScope.NATIONAL:
        return contest.country_id is None or municipality.country_id == contest.country_id
    return not contest.countries.exists() or contest.countries.filter(pk=municipality.country_id).exists()


def _clean_activities(raw: Iterable[Any], errors: _Errors) -> list[Activity]:
    items = list(raw)
    if len(items) > MAX_ACTIVITIES:
        errors.add("activities", _("Give at most %(limit)d activities."), "too_many", {"limit": MAX_ACTIVITIES})
        return []
    activities: list[Activity] = []
    for index, item in enumerate(items, start=1):
        data = dict(item)
        unknown = set(data) - set(ACTIVITY_FIELDS)
        if unknown:
            raise TypeError(f"Unknown activity fields: {sorted(unknown)}")
        params = {"number": index}
        name = _one_line(data.get("name"))
        if not name:
            errors.add("activities", _("Activity %(number)d: say what will be done."), "required", params)
            continue
        try:
            starts_on, ends_on = _date(data.get("starts_on")), _date(data.get("ends_on"))
        except ValidationError:
            errors.add("activities", _("Activity %(number)d: the dates are not valid."), "invalid_date", params)
            continue
        if starts_on and ends_on and ends_on < starts_on:
            errors.add("activities", _("Activity %(number)d ends before it starts."), "period_order", params)
            continue
        activities.append(Activity(name=name[:300], starts_on=starts_on, ends_on=ends_on, position=index))
    return activities


def _clean_budget_lines(raw: Iterable[Any], errors: _Errors) -> list[BudgetLine]:
    """Budget lines as given: the total is quantity × unit cost; the sum rules are checked on submission
    (a draft may be incomplete), only unreadable or negative numbers are refused here."""
    items = list(raw)
    if len(items) > MAX_BUDGET_LINES:
        errors.add("budget_lines", _("Give at most %(limit)d budget lines."), "too_many", {"limit": MAX_BUDGET_LINES})
        return []
    lines: list[BudgetLine] = []
    for index, item in enumerate(items, start=1):
        data = dict(item)
        data.pop("total", None)  # always computed
        unknown = set(data) - set(BUDGET_LINE_FIELDS)
        if unknown:
            raise TypeError(f"Unknown budget line fields: {sorted(unknown)}")
        params = {"line": index}
        item_name = _one_line(data.get("item"))
        if not item_name:
            errors.add("budget_lines", _("Line %(line)d: say what the money is for."), "required", params)
            continue
        numbers: dict[str, Decimal] = {}
        bad = False
        for name in ("quantity", "unit_cost", *BudgetLine.SOURCES):
            raw_value = data.get(name)
            number = to_decimal(raw_value)
            if number is None and raw_value not in (None, ""):
                bad = True
                break
            numbers[name] = number if number is not None else Decimal(0)
        if bad:
            errors.add("budget_lines", _("Line %(line)d: the amounts must be numbers."), "invalid", params)
            continue
        if any(number < 0 for number in numbers.values()):
            errors.add("budget_lines", _("Line %(line)d: amounts cannot be negative."), "negative_amount", params)
            continue
        quantity = numbers["quantity"].quantize(Decimal("0.001"))
        unit_cost = money(numbers["unit_cost"])
        total = line_total(quantity, unit_cost)
        if total >= Decimal("1e12"):
            errors.add("budget_lines", _("Line %(line)d: the amount is too large."), "too_large", params)
            continue
        lines.append(
            BudgetLine(
                item=item_name[:300],
                unit=_one_line(data.get("unit"))[:32],
                quantity=quantity,
                unit_cost=unit_cost,
                total=total,
                position=index,
                **{source: money(numbers[source]) for source in BudgetLine.SOURCES},
            )
        )
    return lines


def _check_duplicate(application: Application) -> None:
    duplicate = (
        Application.objects.filter(
            contest_id=application.contest_id,
            organization_id=application.organization_id,
            title_key=application.title_key,
        )
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exclude(pk=application.pk)
        .exists()
    )
    if duplicate:
        raise _duplicate_error()


def _duplicate_error() -> ValidationError:
    return _error(
        "title",
        _("Your organisation already has an application with this project in this contest."),
        "duplicate_project",
    )


def _save_relations(
    application: Application, activities: list[Activity] | None, lines: list[BudgetLine] | None
) -> None:
    if activities is not None:
        application.activities.all().delete()
        for activity in activities:
            activity.application = application
        Activity.objects.bulk_create(activities)
    if lines is not None:
        application.budget_lines.all().delete()
        for line in lines:
            line.application = application
        BudgetLine.objects.bulk_create(lines)
        totals = budget_totals(lines)
        application.total_cost, application.grant_requested = totals.total, totals.grant


def _save(application: Application, update_fields: list[str] | None = None) -> None:
    """Save, turning a lost race on the one-application-per-project constraint into the same clear error."""
    try:
        with transaction.atomic():
            application.save(update_fields=update_fields)
    except IntegrityError as exc:
        if "one_per_project" in str(exc) or "title_key" in str(exc):
            raise _duplicate_error() from exc
        raise


def _require_draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(
            _("A submitted application cannot be changed."),
            code="not_editable",
        )


# --- create and edit ----------------------------------------------------------------------------------------


@transaction.atomic
def application_create(
    *, contest: Contest, organization: Organization, actor: Any, now: datetime | None = None, **fields: Any
) -> Application:
    """A new draft application of `organization` (for whose chair or staff `actor` acts) to `contest`, while the
    contest accepts applications and the organisation is eligible."""
    now = now or timezone.now()
    _require(actor, "contests.apply_as", organization)
    unknown = set(fields) - set(APPLICATION_FIELDS) - set(APPLICATION_RELATIONS)
    if unknown:
        raise TypeError(f"Unknown application fields: {sorted(unknown)}")
    deadline_error = _deadline_error(contest, now)
    if deadline_error is not None:
        raise deadline_error
    eligibility = application_eligibility_errors(contest, organization)
    if eligibility:
        raise ValidationError(eligibility)
    application = Application(
        contest=contest, organization=organization, created_by=actor if _actor_id(actor) else None
    )
    if "title" not in fields:
        fields = {**fields, "title": ""}
    errors = _Errors()
    _clean_fields(application, fields, errors)
    activities = _clean_activities(fields["activities"], errors) if "activities" in fields else None
    lines = _clean_budget_lines(fields["budget_lines"], errors) if "budget_lines" in fields else None
    errors.raise_if_any()
    if application.municipality is None and contest.scope != ContestScope.INTERNATIONAL:
        municipality = organization.municipality
        if municipality is not None and _municipality_in_contest(contest, municipality):
            application.municipality = municipality
    _check_duplicate(application)
    _save(application)
    _save_relations(application, activities, lines)
    if lines is not None:
        application.save(update_fields=["total_cost", "grant_requested"])
    audit_record(obj=application, action="create", actor=actor, data={"title": application.title}, now=now)
    return application


def _stale_error() -> ValidationError:
    return ValidationError(
        _("Someone else saved this application meanwhile. Reload it to see their changes, then edit again."),
        code="stale_version",
    )


@transaction.atomic
def application_update(
    *, application: Application, actor: Any, version: int, now: datetime | None = None, **fields: Any
) -> Application:
    """Save a step of the draft. `version` is the one the user loaded: if someone saved in between, the save is
    refused (code "stale_version") instead of silently overwriting their work."""
    now = now or timezone.now()
    unknown = set(fields) - set(APPLICATION_FIELDS) - set(APPLICATION_RELATIONS)
    if unknown:
        raise TypeError(f"Unknown application fields: {sorted(unknown)}")
    _require(actor, "contests.change_application", application)
    # Claim the loaded version: the conditional UPDATE takes the row lock, so of two saves from one version
    # exactly one matches; the other finds the version moved on. A refusal below rolls the claim back.
    claimed = Application.objects.filter(pk=application.pk, version=version).update(version=F("version") + 1)
    application.refresh_from_db()
    if not claimed:
        raise _stale_error()
    _require_draft(application)
    if application.contest.status != ContestStatus.ANNOUNCED:
        raise ValidationError(_("The contest is no longer accepting applications."), code="not_accepting")
    before = {name: getattr(application, name) for name in APPLICATION_FIELDS if name in fields}
    errors = _Errors()
    _clean_fields(application, fields, errors)
    activities = _clean_activities(fields["activities"], errors) if "activities" in fields else None
    lines = _clean_budget_lines(fields["budget_lines"], errors) if "budget_lines" in fields else None
    errors.raise_if_any()
    if "title" in fields:
        _check_duplicate(application)
    _save_relations(application, activities, lines)
    changed = [name for name in before if before[name] != getattr(application, name)]
    update_fields = [*changed, "updated_at"]
    if "title" in changed:
        update_fields.append("title_key")
    if lines is not None:
        update_fields += ["total_cost", "grant_requested"]
    _save(application, update_fields=update_fields)
    audit_record(
        obj=application,
        action="update",
        actor=actor,
        data={"fields": sorted([*changed, *(name for name in APPLICATION_RELATIONS if name in fields)])},
        now=now,
    )
    return application


# --- files ------------------------------------------------------------------------------------------------------


def _validate_attachment(upload: UploadedFile) -> str:
    """The verified type of an uploaded attachment (core.files.validate_upload checks the size and the real type)."""
    return validate_upload(upload, ATTACHMENT_TYPES)


@transaction.atomic
def application_attach(
    *,
    application: Application,
    actor: Any,
    upload: UploadedFile,
    requirement: RequiredDocument | None = None,
    now: datetime | None = None,
) -> ApplicationAttachment:
    """Attach a file (PDF, DOCX, ODT, XLSX, JPG, PNG; checked by its real type) to a draft, optionally as one of
    the contest's required documents. At most MAX_ATTACHMENTS files."""
    now = now or timezone.now()
    _lock(application)
    _require(actor, "contests.change_application", application)
    _require_draft(application)
    if requirement is not None and requirement.contest_id != application.contest_id:
        raise _error("requirement", _("Choose one of the contest's required documents."), "invalid_choice")
    if application.attachments.count() >= MAX_ATTACHMENTS:
        raise _error(
            "file",
            _("An application has at most %(limit)d files."),
            "too_many_attachments",
            {"limit": MAX_ATTACHMENTS},
        )
    try:
        content_type = _validate_attachment(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    attachment = ApplicationAttachment(
        application=application,
        requirement=requirement,
        file=upload,
        original_name=(upload.name or "file")[:255],
        content_type=content_type,
        size=upload.size or 0,
        created_at=now,
    )
    attachment.save()
    audit_record(
        obj=application,
        action="attach",
        actor=actor,
        data={
            "attachment": attachment.pk,
            "file": attachment.original_name,
            "requirement": requirement.pk if requirement else None,
        },
        now=now,
    )
    return attachment


@transaction.atomic
def application_detach(
    *, application: Application, actor: Any, attachment: ApplicationAttachment, now: datetime | None = None
) -> None:
    """Remove a file from a draft (it leaves storage once the transaction commits)."""
    now = now or timezone.now()
    _lock(application)
    _require(actor, "contests.change_application", application)
    _require_draft(application)
    if attachment.application_id != application.pk:
        raise _error("attachment", _("No such file in this application."), "invalid_choice")
    storage, name, original = attachment.file.storage, attachment.file.name, attachment.original_name
    attachment.delete()
    if name:
        transaction.on_commit(partial(storage.delete, name))
    audit_record(obj=application, action="detach", actor=actor, data={"file": original}, now=now)


# --- submission -------------------------------------------------------------------------------------------------


def application_errors(application: Application, now: datetime | None = None) -> dict[str, list[ValidationError]]:
    """Everything that blocks submitting the application now, keyed by field ("__all__" for the contest's
    deadline and eligibility). Empty when it can be submitted."""
    now = now or timezone.now()
    contest = application.contest
    errors = _Errors()
    deadline_error = _deadline_error(contest, now)
    if deadline_error is not None:
        errors.merge(deadline_error)
    for error in application_eligibility_errors(contest, application.organization):
        errors.merge(error)
    labels = {
        name: getattr(Application._meta.get_field(name), "verbose_name", name) for name in REQUIRED_FOR_SUBMISSION
    }
    for name in REQUIRED_FOR_SUBMISSION:
        if getattr(application, name) in (None, ""):
            errors.add(name, _("Fill in “%(field)s”."), "required", {"field": labels[name]})
    if application.nomination_id is None and contest.nominations.exists():
        errors.add("nomination", _("Choose the nomination."), "required")
    if contest.scope != ContestScope.INTERNATIONAL and application.municipality_id is None:
        errors.add("municipality", _("Say where the project is carried out."), "required")
    if not application.activities.exists():
        errors.add("activities", _("Add at least one activity with its dates."), "required")
    elif (
        application.activities.filter(starts_on__isnull=True).exists()
        or application.activities.filter(ends_on__isnull=True).exists()
    ):
        errors.add("activities", _("Give the dates of every activity."), "activity_dates")
    for problem in budget_errors(
        list(application.budget_lines.all()),
        max_grant=contest.max_grant,
        min_cofinancing_percent=contest.min_cofinancing_percent,
    ):
        errors.add("budget_lines", problem.message, problem.code, problem.params or None)
    attached = set(application.attachments.exclude(requirement=None).values_list("requirement_id", flat=True))
    for document in contest.required_documents.all():
        if document.pk not in attached:
            errors.add(
                "attachments",
                _("Attach the required document “%(document)s”."),
                "document_missing",
                {"document": document.name},
            )
    return errors.errors


@transaction.atomic
def application_submit(*, application: Application, actor: Any, now: datetime | None = None) -> Application:
    """Submit a complete draft before the deadline: it is frozen and numbered ("<contest>-0007"), and the
    applicant is sent a confirmation (ApplicationSubmitted)."""
    now = now or timezone.now()
    _lock(application)
    _require(actor, "contests.submit_application", application)
    _require_draft(application)
    problems = application_errors(application, now)
    if problems:
        raise ValidationError(problems)
    _check_duplicate(application)
    sequence = counter_next(key=f"contests.application.{application.contest_id}")
    application.number = f"{application.contest_id}-{sequence:04d}"
    application.submitted_at = now
    application.submitted_by = actor if _actor_id(actor) else None
    application.version += 1
    APPLICATION_WORKFLOW.apply(
        application,
        "submit",
        actor=actor,
        now=now,
        update_fields=["number", "submitted_at", "submitted_by", "version"],
        data={
            "number": application.number,
            "total_cost": str(application.total_cost),
            "grant_requested": str(application.grant_requested),
        },
    )
    emit(ApplicationSubmitted(application.pk, _actor_id(actor)))
    return application


@transaction.atomic
def application_withdraw(
    *, application: Application, actor: Any, comment: str = "", now: datetime | None = None
) -> Application:
    """The applicant withdraws a draft, or a submitted application before the expert evaluation starts. The
    project's title is then free for a new application."""
    now = now or timezone.now()
    _lock(application)
    _require(actor, "contests.withdraw_application", application)
    if application.status == ApplicationStatus.SUBMITTED and application.contest.status not in WITHDRAW_STAGES:
        raise ValidationError(
            _("The expert evaluation has started: the application can no longer be withdrawn."),
            code="invalid_transition",
        )
    application.version += 1
    APPLICATION_WORKFLOW.apply(
        application, "withdraw", actor=actor, comment=_text(comment), now=now, update_fields=["version"]
    )
    return application


# --- technical review -----------------------------------------------------------------------------------------


@transaction.atomic
def application_review(
    *,
    application: Application,
    actor: Any,
    action: str,
    reason: str = "",
    comment: str = "",
    now: datetime | None = None,
) -> Application:
    """The organiser's technical review of a submitted application: admit; admit under conditions (the
    conditions in the comment); or not admit, with a reason from RejectionReason and a comment."""
    now = now or timezone.now()
    _lock(application)
    _require(actor, "contests.review_application", application)
    if action not in REVIEW_ACTIONS:
        raise _error("action", _("Unknown decision."), "invalid_choice")
    if application.contest.status not in REVIEW_STAGES:
        raise ValidationError(_("The technical review is over for this contest."), code="review_closed")
    if not APPLICATION_WORKFLOW.can(application, action):
        raise ValidationError(
            _("This action is not possible in the current state (%(state)s).")
            % {"state": application.get_status_display()},
            code="invalid_transition",
        )
    comment = _text(comment)
    reason = str(reason or "")
    errors = _Errors()
    if action == "not_admit":
        if not reason:
            errors.add("reason", _("Choose the reason for not admitting the application."), "required")
        elif reason not in RejectionReason.values:
            errors.add("reason", _("Choose one of the listed reasons."), "invalid_choice")
        if not comment:
            errors.add("comment", _("Explain the decision to the applicant."), "comment_required")
    elif action == "admit_with_conditions" and not comment:
        errors.add("comment", _("Write the conditions of admission."), "comment_required")
    errors.raise_if_any()
    application.review_reason = reason if action == "not_admit" else ""
    application.review_comment = comment
    application.reviewed_at = now
    application.reviewed_by = actor if _actor_id(actor) else None
    APPLICATION_WORKFLOW.apply(
        application,
        action,
        actor=actor,
        comment=comment,
        now=now,
        update_fields=["review_reason", "review_comment", "reviewed_at", "reviewed_by"],
        data={"reason": application.review_reason} if application.review_reason else None,
    )
    emit(ApplicationReviewed(application.pk, _actor_id(actor), action, application.status))
    return application
