"""Writes to the knowledge library: documents, their versions (file and text), publishing and withdrawing; and
keeping the library's scope of the platform's one search index (core/search) in step.

Each service takes the acting user, checks the permission (rules.py), validates everything before writing (field
errors with a code, translated), writes in one transaction, audits, and re-indexes the document in the same
transaction, so the index never disagrees with what was committed.

Versions are numbered 1, 2, 3… per document under a lock on the document's row, so two editors adding a version
at once get consecutive numbers (the unique constraint on (document, number) backs this up). A new version never
replaces an old one: the old file, text and date stay.

Text of a version, which the search reads: typed in by the editor, or else extracted from the file: a TXT file is
decoded (UTF-8, UTF-16 with its mark, else Windows-1251), a DOCX file is read with python-docx, an ODT file with
the standard library (zipfile and the XML parser: no ODF library is a dependency, and the paragraphs' text is all
the search needs). No PDF text library is a dependency, so a PDF's text is not extracted: the editor pastes it, or
the version is found by its document's title and summary only (the page says so)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any
from xml.etree import ElementTree

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.events import subscribe
from localbridge.core.files import validate_upload
from localbridge.core.search import SearchEntry, register_scope, search_index_many, search_remove
from localbridge.core.services import FieldErrors, clean_text, lock_row, one_line, require_perm
from localbridge.organizations.rules import user_is_municipal_staff
from localbridge.practices.events import TopicChanged
from localbridge.practices.models import PRACTICE_LANGUAGES
from localbridge.practices.services import topics_clean
from localbridge.territories.models import Country, Municipality, Region

from ..models import (
    LIBRARY_SUMMARY_MAX,
    LIBRARY_TEXT_MAX,
    LIBRARY_WORKFLOW,
    DocumentVersion,
    LibraryDocument,
    LibraryDocumentKind,
    LibraryDocumentStatus,
    VersionTextSource,
)
from ..rules import user_is_library_curator

SEARCH_SCOPE = "library"
REINDEX_BATCH = 500
# What a version's file may be, by extension, with the content type it is served with. TXT has no magic bytes to
# check (core/files.py verifies the others), so it is checked here: no known binary signature, decodable text.
LIBRARY_FILE_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain; charset=utf-8",
}
EXTRACTABLE = ("txt", "docx", "odt")
MAX_XML_BYTES = 50 * 1024 * 1024  # the largest document XML read out of a DOCX/ODT (a guard against zip bombs)
DOCUMENT_FIELDS = (
    "kind",
    "title",
    "summary",
    "language",
    "country",
    "region",
    "municipality",
    "author",
    "published_on",
)


# --- files and their text ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    extension: str
    content_type: str
    text: str  # extracted ('' for a PDF)


def _accepted_types() -> str:
    return ", ".join(ext.upper() for ext in LIBRARY_FILE_TYPES)


def _check_text_file(upload: UploadedFile) -> bytes:
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not data:
        raise ValidationError(_("The file is empty."), code="file_empty")
    if filetype.guess(data[:8192]) is not None:
        raise ValidationError(
            _("The file’s content does not match its extension .%(ext)s. Accepted: %(types)s.")
            % {"ext": "txt", "types": _accepted_types()},
            code="file_content",
        )
    return data


def _decode_text(data: bytes) -> str:
    """A TXT file's text: UTF-8 (with or without its mark), UTF-16 with its mark, else Windows-1251 (the usual
    encoding of Russian text files that are not UTF-8). Control characters other than tabs and line ends mean
    the file is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1251", errors="replace")
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text[:100_000]):
        raise ValidationError(
            _("The file’s content does not match its extension .%(ext)s. Accepted: %(types)s.")
            % {"ext": "txt", "types": _accepted_types()},
            code="file_content",
        )
    return text


def _check_archive(data: bytes) -> None:
    """A DOCX or ODT is a zip archive: refuse one that would unpack to more than MAX_XML_BYTES (a zip bomb)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_XML_BYTES:
            raise ValueError("archive too large")


def _zip_xml(data: bytes, member: str) -> ElementTree.Element:
    """Parse one XML member of an ODT archive. The standard parser resolves no external entities, and Expat
    (2.4.1 and later) refuses entity expansion bombs; a document type declaration is refused outright, as no
    office document has one."""
    _check_archive(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(member)
    if b"<!DOCTYPE" in xml[:4096].upper():
        raise ValueError("document type declaration")
    return ElementTree.fromstring(xml)  # noqa: S314  (see the docstring)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _docx_runs(element: Any) -> Iterator[str]:
    for child in element:
        if not isinstance(child.tag, str):  # a comment or a processing instruction
            continue
        if child.tag == f"{_W}t":
            yield child.text or ""
        elif child.tag == f"{_W}tab":
            yield "\t"
        elif child.tag in (f"{_W}br", f"{_W}cr"):
            yield "\n"
        elif child.tag != f"{_W}p":  # a paragraph inside this one (a text box) is read on its own
            yield from _docx_runs(child)


def _docx_text(data: bytes) -> str:
    """The paragraphs of a DOCX in document order, those of tables included, read with python-docx."""
    import docx  # python-docx

    _check_archive(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises its own errors for broken packages
        raise ValueError("not a readable DOCX") from exc
    return "\n".join("".join(_docx_runs(p)) for p in document.element.body.iter(f"{_W}p"))


_ODT_BLOCKS = (f"{_TEXT}p", f"{_TEXT}h")


def _odt_inline(element: ElementTree.Element) -> Iterator[str]:
    if element.text:
        yield element.text
    for child in element:
        if child.tag == f"{_TEXT}s":
            count = child.get(f"{_TEXT}c", "1")
            yield " " * (int(count) if count.isdigit() and int(count) < 1000 else 1)
        elif child.tag == f"{_TEXT}tab":
            yield "\t"
        elif child.tag == f"{_TEXT}line-break":
            yield "\n"
        elif child.tag not in _ODT_BLOCKS:  # a nested paragraph (a note, a frame) is read on its own
            yield from _odt_inline(child)
        if child.tail:
            yield child.tail


def _odt_text(data: bytes) -> str:
    root = _zip_xml(data, "content.xml")
    return "\n".join("".join(_odt_inline(block)) for block in root.iter() if block.tag in _ODT_BLOCKS)


def normalize_version_text(text: str) -> str:
    """Line ends made plain, trailing spaces and runs of blank lines dropped, NUL characters removed."""
    lines = [line.rstrip() for line in clean_text(text).replace("\r", "\n").replace("\x00", "").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def extract_text(data: bytes, extension: str) -> str:
    """The text of a TXT, DOCX or ODT file ('' for other types). Raises ValidationError when the file cannot be
    read as what its extension says."""
    try:
        if extension == "txt":
            return normalize_version_text(_decode_text(data))
        if extension == "docx":
            return normalize_version_text(_docx_text(data))
        if extension == "odt":
            return normalize_version_text(_odt_text(data))
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError, EOFError, OSError):
        raise ValidationError(
            _("The file could not be read as a %(type)s document: it may be damaged. Save it again and upload it.")
            % {"type": extension.upper()},
            code="file_unreadable",
        )
    return ""


def check_library_file(upload: UploadedFile) -> CheckedFile:
    """Check a version's file (PDF, DOCX, ODT or TXT: by extension, size and real content) and extract its text.
    Raises ValidationError (translated, with a code) for anything else."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in LIBRARY_FILE_TYPES:
        raise ValidationError(
            _("Files of this type are not accepted. Accepted: %(types)s.") % {"types": _accepted_types()},
            code="file_type",
        )
    if extension == "txt":
        data = _check_text_file(upload)
    else:
        try:
            validate_upload(upload, [ext for ext in LIBRARY_FILE_TYPES if ext != "txt"])
        except ValidationError as exc:
            if exc.code != "file_content":
                raise
            raise ValidationError(  # the same message, naming TXT among the accepted types
                _("The file’s content does not match its extension .%(ext)s. Accepted: %(types)s.")
                % {"ext": extension, "types": _accepted_types()},
                code="file_content",
            )
        upload.seek(0)
        data = upload.read() if extension in EXTRACTABLE else b""
        upload.seek(0)
    text = extract_text(data, extension)[:LIBRARY_TEXT_MAX] if extension in EXTRACTABLE else ""
    return CheckedFile(upload=upload, extension=extension, content_type=LIBRARY_FILE_TYPES[extension], text=text)


# --- validation ----------------------------------------------------------------------------------------------------


def _clean_territory(document: LibraryDocument, values: Mapping[str, Any], errors: FieldErrors) -> None:
    """A municipality implies its region and country, a region its country; one chosen explicitly that disagrees
    is an error."""
    municipality: Municipality | None = document.municipality
    region: Region | None = document.region
    country: Country | None = document.country
    if municipality is not None:
        if "region" in values and region is not None and municipality.region_id not in (None, region.pk):
            errors.add("municipality", _("This municipality is not in the chosen region."), "territory_mismatch")
            return
        if "country" in values and country is not None and municipality.country_id != country.pk:
            errors.add("municipality", _("This municipality is not in the chosen country."), "territory_mismatch")
            return
        document.region = municipality.region or region
        document.country = municipality.country
        region = document.region
    if region is not None:
        if "country" in values and country is not None and region.country_id != country.pk:
            errors.add("region", _("This region is not in the chosen country."), "territory_mismatch")
            return
        document.country = region.country


def _clean_fields(document: LibraryDocument, values: dict[str, Any], errors: FieldErrors, today: date) -> None:
    """Set and check the document's own fields from `values` (only those given)."""
    if "title" in values:
        values["title"] = one_line(values["title"])
        if not values["title"]:
            errors.add("title", _("Give the document a title."), "required")
        elif len(values["title"]) > 300:
            errors.add("title", _("The title is at most %(limit)d characters long."), "max_length", {"limit": 300})
    if "kind" in values and values["kind"] not in LibraryDocumentKind.values:
        errors.add("kind", _("Choose the kind of document."), "invalid_kind")
    if "language" in values:
        values["language"] = one_line(values["language"]).lower() or "ru"
        if values["language"] not in dict(PRACTICE_LANGUAGES):
            errors.add("language", _("Unknown language."), "invalid_language")
    if "summary" in values:
        values["summary"] = clean_text(values["summary"])
        if len(values["summary"]) > LIBRARY_SUMMARY_MAX:
            errors.add(
                "summary",
                _("The summary is at most %(limit)d characters long."),
                "max_length",
                {"limit": LIBRARY_SUMMARY_MAX},
            )
    if "author" in values:
        values["author"] = one_line(values["author"])
        if len(values["author"]) > 300:
            errors.add("author", _("This is at most %(limit)d characters long."), "max_length", {"limit": 300})
    if values.get("published_on") is not None and values["published_on"] > today:
        errors.add("published_on", _("The date of publication cannot be in the future."), "in_future")
    for name, value in values.items():
        setattr(document, name, value)


def _require_municipality_of_actor(actor: Any, document: LibraryDocument, errors: FieldErrors) -> None:
    """Municipal staff who do not curate the library work on documents of their own municipality only."""
    if user_is_library_curator(actor):
        return
    if document.municipality_id is None or not user_is_municipal_staff(actor, document.municipality_id):
        errors.add(
            "municipality",
            _("Choose your municipality: you may add and edit documents of the municipality you work for."),
            "not_your_municipality",
        )


def _clean_version(
    *,
    upload: UploadedFile | None,
    text: str,
    changes: str,
    published_on: date | None,
    today: date,
    errors: FieldErrors,
) -> tuple[CheckedFile | None, str, str]:
    """The checked file, the version's text and where it comes from (VersionTextSource). Text typed in wins over
    the file's."""
    checked: CheckedFile | None = None
    if upload is not None:
        try:
            checked = check_library_file(upload)
        except ValidationError as exc:
            errors.merge(exc, field="file")
    typed = normalize_version_text(text)
    if len(typed) > LIBRARY_TEXT_MAX:
        errors.add(
            "text", _("The text is at most %(limit)d characters long."), "max_length", {"limit": LIBRARY_TEXT_MAX}
        )
    if len(clean_text(changes)) > 5000:
        errors.add("changes", _("This is at most %(limit)d characters long."), "max_length", {"limit": 5000})
    if published_on is not None and published_on > today:
        errors.add("published_on", _("The version's date cannot be in the future."), "in_future")
    if upload is None and not typed:
        errors.add("file", _("Upload the document's file or paste its text."), "file_or_text_required")
    if typed:
        return checked, typed, VersionTextSource.ENTERED
    if checked is not None and checked.text:
        return checked, checked.text, VersionTextSource.EXTRACTED
    return checked, "", VersionTextSource.NONE


def _write_version(
    document: LibraryDocument,
    *,
    actor: Any,
    checked: CheckedFile | None,
    text: str,
    text_source: str,
    changes: str,
    published_on: date,
    now: datetime,
) -> DocumentVersion:
    """The next version of `document`, whose row the caller holds locked."""
    last = document.versions.aggregate(last=Max("number"))["last"] or 0
    version = DocumentVersion(
        document=document,
        number=last + 1,
        text=text,
        text_source=text_source,
        changes=clean_text(changes),
        published_on=published_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
    )
    if checked is not None:
        version.file = checked.upload  # type: ignore[assignment]
        version.original_name = PurePath(checked.upload.name or f"document.{checked.extension}").name[:255]
        version.content_type = checked.content_type
        version.size = checked.upload.size or 0
    version.save()
    document.current_version = version
    document.save(update_fields=["current_version", "updated_at"])
    return version


# --- documents -----------------------------------------------------------------------------------------------------


@transaction.atomic
def library_document_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    summary: str = "",
    language: str = "ru",
    country: Country | None = None,
    region: Region | None = None,
    municipality: Municipality | None = None,
    topics: Iterable[Any] = (),
    author: str = "",
    published_on: date | None = None,
    upload: UploadedFile | None = None,
    text: str = "",
    changes: str = "",
    version_date: date | None = None,
    is_generated: bool = False,
    now: datetime | None = None,
) -> LibraryDocument:
    """A draft document, with its first version when a file or a text is given (a document is published only
    once it has one)."""
    require_perm(actor, "events.add_librarydocument")
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors = FieldErrors()
    document = LibraryDocument(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    values: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "summary": summary,
        "language": language,
        "country": country,
        "region": region,
        "municipality": municipality,
        "author": author,
        "published_on": published_on,
    }
    _clean_fields(document, values, errors, today)
    _clean_territory(document, values, errors)
    wanted_topics = topics_clean(document, topics, errors)
    _require_municipality_of_actor(actor, document, errors)
    version_wanted = upload is not None or bool(clean_text(text))
    checked: CheckedFile | None = None
    version_text, source = "", str(VersionTextSource.NONE)
    if version_wanted:
        checked, version_text, source = _clean_version(
            upload=upload, text=text, changes=changes, published_on=version_date, today=today, errors=errors
        )
    errors.raise_if_any()
    document.is_generated = bool(is_generated)
    document.created_at = now
    document.save()
    document.topics.set(wanted_topics)
    audit_record(
        obj=document,
        action="create",
        actor=actor,
        to_status=document.status,
        data={"title": document.title, "kind": document.kind},
        now=now,
    )
    if version_wanted:
        version = _write_version(
            document,
            actor=actor,
            checked=checked,
            text=version_text,
            text_source=source,
            changes=changes,
            published_on=version_date or published_on or today,
            now=now,
        )
        _audit_version(document, version, actor, now)
    library_search_index([document.pk])
    return document


@transaction.atomic
def library_document_update(
    *,
    document: LibraryDocument,
    actor: Any,
    topics: Iterable[Any] | None = None,
    now: datetime | None = None,
    **values: Any,
) -> LibraryDocument:
    """Change the document's own fields (DOCUMENT_FIELDS) and topics. Its text and file change by a new version."""
    require_perm(actor, "events.change_librarydocument", document)
    unknown = set(values) - set(DOCUMENT_FIELDS)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    now = now or timezone.now()
    lock_row(document)
    errors = FieldErrors()
    before = _snapshot(document)
    _clean_fields(document, values, errors, timezone.localdate(now))
    _clean_territory(document, values, errors)
    wanted_topics = topics_clean(document, topics, errors) if topics is not None else None
    if {"municipality", "region", "country"} & set(values):
        _require_municipality_of_actor(actor, document, errors)
    if errors:
        document.refresh_from_db()
        errors.raise_if_any()
    after = _snapshot(document)
    changed = [name for name in DOCUMENT_FIELDS if before[name] != after[name]]
    if changed:
        document.save(update_fields=[*changed, "updated_at"])
    if wanted_topics is not None:
        current = set(document.topics.values_list("pk", flat=True))
        if current != {topic.pk for topic in wanted_topics}:
            document.topics.set(wanted_topics)
            changed.append("topics")
    if changed:
        audit_record(obj=document, action="update", actor=actor, data={"fields": changed}, now=now)
        library_search_index([document.pk])
    return document


def _snapshot(document: LibraryDocument) -> dict[str, Any]:
    territory = ("country", "region", "municipality")
    return {name: getattr(document, f"{name}_id" if name in territory else name) for name in DOCUMENT_FIELDS}


def _audit_version(document: LibraryDocument, version: DocumentVersion, actor: Any, now: datetime) -> None:
    audit_record(
        obj=document,
        action="version",
        actor=actor,
        comment=version.changes,
        data={
            "version": version.pk,
            "number": version.number,
            "file": version.original_name,
            "stored": version.file.name if version.file else "",
            "text": version.text_source,
        },
        now=now,
    )


@transaction.atomic
def library_version_add(
    *,
    document: LibraryDocument,
    actor: Any,
    upload: UploadedFile | None = None,
    text: str = "",
    changes: str = "",
    published_on: date | None = None,
    now: datetime | None = None,
) -> DocumentVersion:
    """A new version (the next number) with its file and/or text; it becomes the current one and the old ones
    stay. `published_on` is the version's date (today by default).

    The file is written to storage when the row is saved; should the transaction roll back afterwards, the file
    stays behind unreferenced (its name is random, no row points at it)."""
    require_perm(actor, "events.change_librarydocument", document)
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors = FieldErrors()
    checked, version_text, source = _clean_version(
        upload=upload, text=text, changes=changes, published_on=published_on, today=today, errors=errors
    )
    errors.raise_if_any()
    lock_row(document)  # numbers are given one at a time per document
    version = _write_version(
        document,
        actor=actor,
        checked=checked,
        text=version_text,
        text_source=source,
        changes=changes,
        published_on=published_on or today,
        now=now,
    )
    _audit_version(document, version, actor, now)
    library_search_index([document.pk])
    return version


@transaction.atomic
def library_document_move(
    *, document: LibraryDocument, action: str, actor: Any, comment: str = "", now: datetime | None = None
) -> LibraryDocument:
    """Publish a draft, withdraw a published document (with the reason), or publish a withdrawn one again."""
    require_perm(actor, "events.publish_librarydocument", document)
    now = now or timezone.now()
    lock_row(document)
    transition = LIBRARY_WORKFLOW.get(action)
    if transition.target == LibraryDocumentStatus.PUBLISHED and document.current_version_id is None:
        raise ValidationError(_("Add a version (the document's file or text) before publishing it."), code="no_version")
    LIBRARY_WORKFLOW.apply(document, action, actor=actor, comment=clean_text(comment), now=now)
    library_search_index([document.pk])
    return document


# --- the search index ----------------------------------------------------------------------------------------------


def _with_relations(documents: QuerySet[LibraryDocument]) -> QuerySet[LibraryDocument]:
    return documents.select_related("country", "region", "municipality", "current_version").prefetch_related("topics")


def library_search_entry(document: LibraryDocument) -> SearchEntry:
    """What the index holds for a document (relations prefetched: _with_relations): the title, the summary, and as
    the body the current version's text, the author, the topics' and the territory's names. Public when
    published. Its filter values: kind, language, topic codes, country and region codes, municipality id."""
    names: list[str] = [document.author]
    for topic in document.topics.all():
        names += [topic.name_ru, topic.name_en]
    for place in (document.country, document.region, document.municipality):
        if place is not None:
            names += [place.name_ru, place.name_en]
    version = document.current_version
    body = "\n\n".join(part for part in (version.text if version else "", "\n".join(n for n in names if n)) if part)
    return SearchEntry(
        obj=document,
        scope=SEARCH_SCOPE,
        language=document.language,
        title=document.title,
        summary=document.summary,
        body=body,
        public=document.status == LibraryDocumentStatus.PUBLISHED,
        updated_at=document.updated_at,
        facets={
            "kind": document.kind,
            "language": document.language,
            "topic": [topic.code for topic in document.topics.all()],
            "country": document.country.code if document.country else None,
            "region": document.region.code if document.region else None,
            "municipality": document.municipality_id,
        },
    )


def library_search_index(document_ids: Iterable[int]) -> int:
    """(Re)index these documents as the database holds them now; those that no longer exist leave the index."""
    ids = sorted({int(i) for i in document_ids})
    written = 0
    for start in range(0, len(ids), REINDEX_BATCH):
        chunk = ids[start : start + REINDEX_BATCH]
        documents = list(_with_relations(LibraryDocument.objects.filter(pk__in=chunk)))
        written += search_index_many((library_search_entry(d) for d in documents), batch_size=REINDEX_BATCH)
        for gone in set(chunk) - {d.pk for d in documents}:
            search_remove(LibraryDocument(pk=gone))
    return written


def library_search_reindex() -> int:
    """Index every document (the callable `search_reindex` runs for the "library" scope)."""
    return library_search_index(LibraryDocument.objects.order_by("pk").values_list("pk", flat=True))


def _on_topic(event: TopicChanged) -> None:
    # A topic's names are part of its documents' indexed text.
    if event.action != "create":
        library_search_index(
            LibraryDocument.topics.through.objects.filter(topic_id=event.topic_id).values_list(
                "librarydocument_id", flat=True
            )
        )


def connect_library_search() -> None:
    """Register the library's scope (`manage.py search_reindex --scope library`) and follow topic renames (from
    EventsConfig.ready())."""
    register_scope(SEARCH_SCOPE, library_search_reindex)
    subscribe(TopicChanged, _on_topic)
