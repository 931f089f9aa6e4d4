"""What the projects services share: the municipality's clock, typed values made clean (money, dates, text),
uploaded photos and documents checked for what they really are, and the domain event every write announces."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from PIL import Image

from localbridge.core.events import emit
from localbridge.core.files import DOCUMENT_TYPES, IMAGE_TYPES, validate_upload
from localbridge.core.services import FieldErrors, lock_row
from localbridge.core.services import actor_id as _actor_id
from localbridge.organizations.models import (
    Organization,
    OrganizationKind,
    OrganizationStatus,
    municipality_today,
)

from ..models import CLOSED_STAGES, Project

CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")
# An image larger than this many pixels is refused (a "decompression bomb" in a small file).
MAX_IMAGE_PIXELS = 50_000_000
# What an expense's document may be: an invoice or an act, scanned (an image) or as PDF.
EXPENSE_DOCUMENT_TYPES = {"pdf": DOCUMENT_TYPES["pdf"], **IMAGE_TYPES}
PROJECT_DOCUMENT_TYPES = {**DOCUMENT_TYPES, **IMAGE_TYPES}


@dataclass(frozen=True)
class ProjectChanged:
    """Announced after commit by every write of the projects module (for notifications, indexes, indicators)."""

    project_id: int
    action: str
    actor_id: int | None


def announce(project: Project, action: str, actor: Any) -> None:
    emit(ProjectChanged(project_id=project.pk, action=action, actor_id=_actor_id(actor)))


def local_today(project: Project, now: datetime) -> date:
    """Today's date in the project's municipality's time zone (deadlines and dates are compared there)."""
    return municipality_today(project.municipality, now)


def lock_project(project: Project) -> None:
    lock_row(project)


def require_open(project: Project) -> None:
    """Refuse a change to a completed or cancelled project."""
    if project.stage in CLOSED_STAGES:
        raise ValidationError(
            _("The project is %(stage)s: it can no longer be changed.") % {"stage": project.get_stage_display()},
            code="project_closed",
        )


def administration_of(municipality_id: int) -> Organization | None:
    """The municipality's administration (the oldest active one when there are several)."""
    administrations: QuerySet[Organization] = Organization.objects.filter(
        kind=OrganizationKind.ADMINISTRATION,
        municipality_id=municipality_id,
        status__in=(OrganizationStatus.ACTIVE, OrganizationStatus.REGISTERED),
    ).order_by("pk")
    return administrations.first()


def to_decimal(value: Any) -> Decimal | None:
    """A number typed by a person ("150 000,50") or given by code; None for blank or not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def clean_money(
    errors: FieldErrors, field: str, value: Any, *, positive: bool = False, required: bool = True
) -> Decimal | None:
    """An amount with kopecks: never negative (never zero when `positive`); errors go under `field`."""
    if value is None or value == "":
        if required:
            errors.add(field, _("Give an amount."), "required")
        return None
    number = to_decimal(value)
    if number is None:
        errors.add(field, _("Give an amount as a number, for example 150000.00."), "invalid")
        return None
    if number < 0:
        errors.add(field, _("The amount cannot be negative."), "negative")
        return None
    if number > MAX_MONEY:
        errors.add(field, _("The amount is too large."), "too_large")
        return None
    number = number.quantize(CENT)
    if positive and number == 0:
        errors.add(field, _("The amount must be more than zero."), "not_positive")
        return None
    return number


def to_date(value: Any) -> date | None:
    """A date, or an ISO date (2026-06-01) as text; raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def clean_date(errors: FieldErrors, field: str, value: Any, *, required: bool = False) -> date | None:
    try:
        result = to_date(value)
    except ValueError:
        errors.add(field, _("Give a date, for example 2026-06-01."), "invalid")
        return None
    if result is None and required:
        errors.add(field, _("Give a date."), "required")
    return result


def clean_int(
    errors: FieldErrors, field: str, value: Any, *, minimum: int = 0, maximum: int | None = None
) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.add(field, _("Give a whole number."), "invalid")
        return None
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            errors.add(field, _("Give a whole number."), "invalid")
            return None
    if number < minimum or (maximum is not None and number > maximum):
        if maximum is None:
            errors.add(field, _("Give a number of at least %(min)s.") % {"min": minimum}, "out_of_range")
        else:
            errors.add(
                field,
                _("Give a number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum},
                "out_of_range",
            )
        return None
    return number


def clean_line(errors: FieldErrors, field: str, value: Any, *, limit: int, required: bool = False) -> str:
    """One line of text, runs of whitespace collapsed, at most `limit` characters."""
    text = " ".join(str(value or "").split())
    if required and not text:
        errors.add(field, _("This field is required."), "required")
    elif len(text) > limit:
        errors.add(field, _("Too long (%(max)s characters at most).") % {"max": limit}, "max_length")
    return text[:limit]


def clean_text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


def check_image(upload: UploadedFile) -> str:
    """Check an uploaded photo: within settings.UPLOAD_MAX_BYTES, a JPG, PNG or WEBP by its content, and an image
    Pillow can read whole (not a file dressed as one, not truncated, not a decompression bomb). Returns the MIME
    type; raises ValidationError with a code (file_too_large, file_empty, file_type, file_content, not_image,
    image_too_large)."""
    content_type = validate_upload(upload, IMAGE_TYPES)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _("The image is too large (%(width)s × %(height)s pixels).")
                        % {"width": image.width, "height": image.height},
                        code="image_too_large",
                    )
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()  # verify() does not decode the pixels: a truncated file fails only here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The image is too large to be shown."), code="image_too_large")
    except Exception:  # Pillow reports a broken file in many ways (OSError, SyntaxError, struct.error…)
        raise ValidationError(_("The file is not an image that can be shown."), code="not_image")
    finally:
        upload.seek(0)
    return content_type


def check_document(upload: UploadedFile, allowed: dict[str, str]) -> str:
    """Check an uploaded document by its size and real type; an image must also be a readable image."""
    content_type = validate_upload(upload, allowed)
    if content_type in IMAGE_TYPES.values():
        check_image(upload)
    return content_type


def file_errors(errors: FieldErrors, field: str, exc: ValidationError) -> None:
    errors.merge(exc, field=field)
