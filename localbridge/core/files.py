"""Uploaded files: checked by size and by their real type (magic bytes), not by the name alone; served back
with a safe content type, as attachments, never executed."""

from collections.abc import Iterable
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DOCUMENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# Slides: accepted where a module asks for them (an event's materials), not among DOCUMENT_TYPES.
PRESENTATION_TYPES: dict[str, str] = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
IMAGE_TYPES: dict[str, str] = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_EQUIVALENT_EXTENSIONS = {"jpeg": "jpg"}


def validate_upload(upload: UploadedFile, allowed: Iterable[str]) -> str:
    """Check an uploaded file; return its verified MIME type or raise ValidationError (translated)."""
    allowed = list(allowed)
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="file_empty")
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    extension = _EQUIVALENT_EXTENSIONS.get(extension, extension)
    allowed_list = ", ".join(ext.upper() for ext in allowed)
    if extension not in allowed:
        raise ValidationError(
            _("Files of this type are not accepted. Accepted: %(types)s.") % {"types": allowed_list},
            code="file_type",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    detected = kind.extension if kind else None
    detected = _EQUIVALENT_EXTENSIONS.get(detected or "", detected)
    if detected != extension:
        raise ValidationError(
            _("The file’s content does not match its extension .%(ext)s. Accepted: %(types)s.")
            % {"ext": extension, "types": allowed_list},
            code="file_content",
        )
    return {**DOCUMENT_TYPES, **PRESENTATION_TYPES, **IMAGE_TYPES}[extension]


def file_response(field: FieldFile, *, content_type: str, filename: str, inline: bool = False) -> FileResponse:
    """Serve a stored file with the verified content type; documents download as attachments."""
    response = FileResponse(field.open("rb"), content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def random_upload_name(folder: str, filename: str) -> str:
    """Where an upload is stored: `folder`/a random name with the file's extension. The user's file name is kept
    only as metadata and never used as a path."""
    import uuid
    from pathlib import PurePath

    return f"{folder}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"
