"""Public control: residents of the territory (a confirmed residence in the project's municipality, as in the
participation module) who are not the owner's members leave inspection notes with photos and a verdict; the owner
answers each problem note, and it is marked resolved by its author, the funder's staff or the municipality's staff
(INSPECTION_WORKFLOW). A note that finds the work done as promised is born resolved. `Project.open_problems`
counts the unresolved problem notes, kept in the transaction that changes them. Once the project is completed,
residents rate it from 1 to 5, once each (a repeated rating replaces theirs); the project's rating counters are
kept the same way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.services import FieldErrors, lock_row
from localbridge.core.services import actor_id as _actor_id
from localbridge.core.services import require_perm as _require

from ..models import (
    INSPECTION_WORKFLOW,
    Inspection,
    InspectionPhoto,
    InspectionStatus,
    Project,
    ProjectStage,
    Rating,
    Verdict,
)
from .common import announce, check_image, clean_int, clean_line, clean_text, lock_project

__all__ = [
    "MAX_INSPECTION_PHOTOS",
    "inspection_answer",
    "inspection_create",
    "inspection_resolve",
    "rating_set",
]

MAX_INSPECTION_PHOTOS = 10
MAX_TEXT = 10_000


def _refresh_counter(project: Project) -> None:
    project.refresh_from_db(fields=["open_problems", "rating_count", "rating_sum", "updated_at"])


@transaction.atomic
def inspection_create(
    *,
    project: Project,
    actor: Any,
    text: str,
    verdict: str,
    photos: Sequence[UploadedFile] = (),
    captions: Sequence[str] = (),
    now: datetime | None = None,
) -> Inspection:
    """A resident's inspection note with its verdict and photos (real images within the size limit). A problem
    note is open until answered and resolved; a note finding the work done as promised is born resolved."""
    lock_project(project)
    _require(actor, "projects.inspect_project", project)
    now = now or timezone.now()
    if project.stage == ProjectStage.CANCELLED:
        raise ValidationError(_("The project was cancelled: there is nothing to inspect."), code="project_cancelled")
    errors = FieldErrors()
    body = clean_text(text)
    if not body:
        errors.add("text", _("Describe what you saw."), "required")
    elif len(body) > MAX_TEXT:
        errors.add("text", _("Too long (%(max)s characters at most).") % {"max": MAX_TEXT}, "max_length")
    if verdict not in Verdict.values:
        errors.add("verdict", _("Say whether the work is done as promised or problems were found."), "invalid_choice")
    if len(photos) > MAX_INSPECTION_PHOTOS:
        errors.add("photos", _("At most %(limit)s photos.") % {"limit": MAX_INSPECTION_PHOTOS}, "too_many")
    labels = []
    for number, upload in enumerate(photos):
        caption = captions[number] if number < len(captions) else ""
        labels.append(clean_line(errors, f"caption-{number + 1}", caption, limit=300))
        try:
            check_image(upload)
        except ValidationError as exc:
            errors.merge(exc, field="photos")
    errors.raise_if_any()
    problem = verdict == Verdict.PROBLEMS
    inspection = Inspection(
        project=project,
        author=actor,
        text=body,
        verdict=verdict,
        status=InspectionStatus.OPEN if problem else InspectionStatus.RESOLVED,
        created_at=now,
    )
    if not problem:
        inspection.resolved_at = now
    inspection.save()
    for upload, caption in zip(photos, labels, strict=True):
        InspectionPhoto(inspection=inspection, image=upload, caption=caption).save()
    if problem:
        Project.objects.filter(pk=project.pk).update(open_problems=F("open_problems") + 1)
        _refresh_counter(project)
    audit_record(
        obj=project,
        action="inspection_create",
        actor=actor,
        data={"inspection": inspection.pk, "verdict": verdict, "photos": len(labels)},
        now=now,
    )
    announce(project, "inspection_create", actor)
    return inspection


@transaction.atomic
def inspection_answer(*, inspection: Inspection, actor: Any, answer: str, now: datetime | None = None) -> Inspection:
    """The owner answers an open problem note (the answer is required)."""
    project = inspection.project
    lock_project(project)
    lock_row(inspection)
    _require(actor, "projects.answer_inspection", inspection)
    now = now or timezone.now()
    text = clean_text(answer)
    if not text:
        raise ValidationError({"answer": [ValidationError(_("Write the answer."), code="required")]})
    if inspection.verdict != Verdict.PROBLEMS:
        raise ValidationError(_("Only a note that found problems is answered."), code="not_a_problem")
    inspection.answer = text
    inspection.answered_by = actor if _actor_id(actor) else None
    inspection.answered_at = now
    INSPECTION_WORKFLOW.apply(
        inspection, "answer", actor=actor, now=now, update_fields=["answer", "answered_by", "answered_at"]
    )
    audit_record(obj=project, action="inspection_answer", actor=actor, data={"inspection": inspection.pk}, now=now)
    announce(project, "inspection_answer", actor)
    return inspection


@transaction.atomic
def inspection_resolve(
    *, inspection: Inspection, actor: Any, comment: str = "", now: datetime | None = None
) -> Inspection:
    """Mark an answered problem note resolved: its author, the funder's staff or the municipality's staff."""
    project = inspection.project
    lock_project(project)
    lock_row(inspection)
    _require(actor, "projects.resolve_inspection", inspection)
    now = now or timezone.now()
    inspection.resolved_by = actor if _actor_id(actor) else None
    inspection.resolved_at = now
    INSPECTION_WORKFLOW.apply(
        inspection, "resolve", actor=actor, comment=comment, now=now, update_fields=["resolved_by", "resolved_at"]
    )
    Project.objects.filter(pk=project.pk, open_problems__gt=0).update(open_problems=F("open_problems") - 1)
    _refresh_counter(project)
    audit_record(obj=project, action="inspection_resolve", actor=actor, data={"inspection": inspection.pk}, now=now)
    announce(project, "inspection_resolve", actor)
    return inspection


@transaction.atomic
def rating_set(*, project: Project, actor: Any, score: Any, comment: str = "", now: datetime | None = None) -> Rating:
    """A resident's rating of a completed project, 1 to 5; rating again replaces the resident's rating."""
    lock_project(project)
    _require(actor, "projects.rate_project", project)
    now = now or timezone.now()
    if project.stage != ProjectStage.COMPLETED:
        raise ValidationError(_("A project is rated once it is completed."), code="not_completed")
    errors = FieldErrors()
    value = clean_int(errors, "score", score, minimum=1, maximum=5)
    if value is None and "score" not in errors.errors:
        errors.add("score", _("Give a score from 1 to 5."), "required")
    text = clean_text(comment)
    if len(text) > MAX_TEXT:
        errors.add("comment", _("Too long (%(max)s characters at most).") % {"max": MAX_TEXT}, "max_length")
    errors.raise_if_any()
    assert value is not None
    rating = Rating.objects.filter(project=project, user=actor).first()
    if rating is None:
        rating = Rating.objects.create(project=project, user=actor, score=value, comment=text)
        Project.objects.filter(pk=project.pk).update(
            rating_count=F("rating_count") + 1, rating_sum=F("rating_sum") + value
        )
    else:
        previous = rating.score
        rating.score, rating.comment = value, text
        rating.save(update_fields=["score", "comment", "updated_at"])
        Project.objects.filter(pk=project.pk).update(rating_sum=F("rating_sum") + value - previous)
    _refresh_counter(project)
    audit_record(obj=project, action="rating_set", actor=actor, data={"score": value}, now=now)
    announce(project, "rating_set", actor)
    return rating
