"""Reports of a project: progress reports and one final report, each with its text, figures (volunteer hours,
people reached) and photos (before, during, after). The owner's members write and submit them; the funder's chair
or staff (without a funder, the municipality's staff) accept a report or return it with remarks, and a returned
report is corrected and submitted again (REPORT_WORKFLOW). A final report is refused while any milestone is
open; the person who submitted a report does not decide on it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.services import FieldErrors, lock_row
from localbridge.core.services import actor_id as _actor_id
from localbridge.core.services import require_perm as _require

from ..models import (
    REPORT_EDITABLE_STATUSES,
    REPORT_WORKFLOW,
    Milestone,
    PhotoPhase,
    Project,
    Report,
    ReportKind,
    ReportPhoto,
)
from .common import announce, check_image, clean_int, clean_line, clean_text, lock_project, require_open

__all__ = [
    "MAX_PHOTOS",
    "REPORT_FIELDS",
    "report_accept",
    "report_create",
    "report_photo_add",
    "report_photo_remove",
    "report_return",
    "report_submit",
    "report_update",
]

REPORT_FIELDS = ("text", "volunteer_hours", "people_reached")
MAX_PHOTOS = 30
MAX_FIGURE = 100_000_000


def _open_milestones_error(project: Project) -> ValidationError | None:
    titles = [m.title for m in Milestone.objects.filter(project=project) if not m.is_done]
    if not titles:
        return None
    return ValidationError(
        _("A final report cannot be filed while milestones are open (%(count)s not done: %(titles)s).")
        % {"count": len(titles), "titles": "; ".join(titles[:5])},
        code="open_milestones",
    )


def _clean(report: Report, values: Mapping[str, Any], errors: FieldErrors) -> None:
    unknown = set(values) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for field, value in values.items():
        if field == "text":
            report.text = clean_text(value)
        else:
            number = clean_int(errors, field, value, minimum=0, maximum=MAX_FIGURE)
            setattr(report, field, number or 0)


def _audit(report: Report, action: str, actor: Any, now: datetime, **data: Any) -> None:
    audit_record(obj=report.project, action=action, actor=actor, data={"report": report.pk, **data}, now=now)
    announce(report.project, action, actor)


@transaction.atomic
def report_create(
    *, project: Project, actor: Any, kind: str = ReportKind.PROGRESS, now: datetime | None = None, **fields: Any
) -> Report:
    """A draft report (progress or final) by the owner's members. A final report is refused while milestones are
    open, and a project has one final report."""
    lock_project(project)
    _require(actor, "projects.change_project", project)
    require_open(project)
    now = now or timezone.now()
    if kind not in ReportKind.values:
        raise ValidationError({"kind": [ValidationError(_("Choose the kind of report."), code="invalid_choice")]})
    if kind == ReportKind.FINAL:
        problem = _open_milestones_error(project)
        if problem is not None:
            raise problem
        if Report.objects.filter(project=project, kind=ReportKind.FINAL).exists():
            raise ValidationError(_("The project already has a final report."), code="final_report_exists")
    report = Report(
        project=project,
        kind=kind,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
    )
    errors = FieldErrors()
    _clean(report, fields, errors)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(_("The project already has a final report."), code="final_report_exists")
    _audit(report, "report_create", actor, now, kind=kind)
    return report


def _begin(report: Report, actor: Any) -> Project:
    project = report.project
    lock_project(project)
    lock_row(report)
    _require(actor, "projects.change_project", project)
    return project


def _require_editable(report: Report) -> None:
    if report.status not in REPORT_EDITABLE_STATUSES:
        raise ValidationError(
            _("The report is %(status)s: it can no longer be changed.") % {"status": report.get_status_display()},
            code="report_locked",
        )


@transaction.atomic
def report_update(*, report: Report, actor: Any, now: datetime | None = None, **fields: Any) -> Report:
    """Change a draft or returned report's text and figures."""
    project = _begin(report, actor)
    require_open(project)
    _require_editable(report)
    now = now or timezone.now()
    errors = FieldErrors()
    _clean(report, fields, errors)
    errors.raise_if_any()
    report.save()
    _audit(report, "report_update", actor, now, fields=sorted(fields))
    return report


@transaction.atomic
def report_submit(*, report: Report, actor: Any, now: datetime | None = None) -> Report:
    """Submit a draft (or a corrected returned) report to the funder. It needs a text; a final report is refused
    while milestones are open."""
    project = _begin(report, actor)
    require_open(project)
    now = now or timezone.now()
    if not report.text:
        raise ValidationError(
            {"text": [ValidationError(_("Write what was done before submitting the report."), code="required")]}
        )
    if report.kind == ReportKind.FINAL:
        problem = _open_milestones_error(project)
        if problem is not None:
            raise problem
    from_status = report.status
    report.submitted_at = now
    report.submitted_by = actor if _actor_id(actor) else None
    REPORT_WORKFLOW.apply(
        report,
        "submit",
        actor=actor,
        now=now,
        update_fields=["submitted_at", "submitted_by"],
        data={"project": project.pk, "kind": report.kind},
    )
    _audit(report, "report_submit", actor, now, kind=report.kind, from_status=from_status)
    return report


def _decide(report: Report, actor: Any, now: datetime) -> Project:
    project = report.project
    lock_project(project)
    lock_row(report)
    _require(actor, "projects.decide_report", project)
    if report.submitted_by_id is not None and report.submitted_by_id == _actor_id(actor):
        raise ValidationError(_("The report is decided by someone other than who submitted it."), code="own_report")
    return project


@transaction.atomic
def report_accept(*, report: Report, actor: Any, comment: str = "", now: datetime | None = None) -> Report:
    """The funder accepts a submitted report (a final report only when every milestone is done)."""
    now = now or timezone.now()
    project = _decide(report, actor, now)
    if report.kind == ReportKind.FINAL:
        problem = _open_milestones_error(project)
        if problem is not None:
            raise problem
    report.decided_by = actor if _actor_id(actor) else None
    report.decided_at = now
    REPORT_WORKFLOW.apply(
        report,
        "accept",
        actor=actor,
        comment=comment,
        now=now,
        update_fields=["decided_by", "decided_at"],
        data={"project": project.pk, "kind": report.kind},
    )
    _audit(report, "report_accept", actor, now, kind=report.kind)
    return report


@transaction.atomic
def report_return(*, report: Report, actor: Any, remarks: str, now: datetime | None = None) -> Report:
    """The funder returns a submitted report with remarks (required); the owner corrects and submits it again."""
    now = now or timezone.now()
    project = _decide(report, actor, now)
    remarks = clean_text(remarks)
    if not remarks:
        raise ValidationError(
            {"remarks": [ValidationError(_("Write the remarks the report is returned with."), code="comment_required")]}
        )
    report.remarks = remarks
    report.decided_by = actor if _actor_id(actor) else None
    report.decided_at = now
    REPORT_WORKFLOW.apply(
        report,
        "return",
        actor=actor,
        comment=remarks,
        now=now,
        update_fields=["remarks", "decided_by", "decided_at"],
        data={"project": project.pk, "kind": report.kind},
    )
    _audit(report, "report_return", actor, now, kind=report.kind)
    return report


@transaction.atomic
def report_photo_add(
    *,
    report: Report,
    actor: Any,
    upload: UploadedFile,
    phase: str = PhotoPhase.DURING,
    caption: str = "",
    is_placeholder: bool = False,
    now: datetime | None = None,
) -> ReportPhoto:
    """A photo of a draft or returned report: a real image (JPG, PNG, WEBP) within the size limit, marked as before,
    during or after the work. Generated demo images are marked as placeholders."""
    project = _begin(report, actor)
    require_open(project)
    _require_editable(report)
    now = now or timezone.now()
    errors = FieldErrors()
    if phase not in PhotoPhase.values:
        errors.add("phase", _("Say whether the photo is from before, during or after the work."), "invalid_choice")
    text = clean_line(errors, "caption", caption, limit=300)
    if report.photos.count() >= MAX_PHOTOS:
        errors.add("image", _("A report has at most %(limit)s photos.") % {"limit": MAX_PHOTOS}, "too_many")
    else:
        try:
            check_image(upload)
        except ValidationError as exc:
            errors.merge(exc, field="image")
    errors.raise_if_any()
    position = (report.photos.aggregate(last=Max("position"))["last"] or 0) + 1
    photo = ReportPhoto(
        report=report, image=upload, phase=phase, caption=text, is_placeholder=bool(is_placeholder), position=position
    )
    photo.save()
    _audit(report, "report_photo_add", actor, now, photo=photo.pk, phase=phase, placeholder=bool(is_placeholder))
    return photo


@transaction.atomic
def report_photo_remove(*, photo: ReportPhoto, actor: Any, now: datetime | None = None) -> None:
    """Remove a photo of a draft or returned report (of a project under way); its file goes once committed."""
    report = photo.report
    project = _begin(report, actor)
    require_open(project)
    _require_editable(report)
    storage, name, pk = photo.image.storage, photo.image.name, photo.pk
    photo.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    _audit(report, "report_photo_remove", actor, now or timezone.now(), photo=pk)
