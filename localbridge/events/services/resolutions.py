"""Writes of resolutions and their items: creating a resolution from the editor's corrected split of the
parser's proposal (resolution_parser.py), correcting it, and tracking its items to execution — status, comments,
evidence.

Each service takes the acting user, checks the permission (rules.py), validates everything before writing (field
errors with a code, translated; nothing is half-saved), writes in one transaction and audits. An item's status
moves through RESOLUTION_ITEM_WORKFLOW under a lock on the item's row, so two people setting a status at once
queue instead of both winning; «done» needs evidence or a comment, «not accepted» a comment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.services import FieldErrors, clean_text, lock_row, one_line, require_perm
from localbridge.organizations.models import Organization

from ..models import (
    EVIDENCE_FIELDS,
    RESOLUTION_ITEM_MAX,
    RESOLUTION_ITEM_WORKFLOW,
    RESOLUTION_TEXT_MAX,
    Event,
    EvidenceKind,
    ItemComment,
    ItemEvidence,
    Resolution,
    ResolutionItem,
    ResolutionItemStatus,
    ResolutionSection,
)
from ..selectors.resolutions import evidence_target, organizations_for_addressee

TITLE_MAX = 500
PLACE_MAX = 300
ADDRESSEE_MAX = 500
COMMENT_MAX = 5000
EVIDENCE_TITLE_MAX = 300
URL_MAX = 500


@dataclass
class SplitSection:
    """One addressee and its items, as the editor corrected them (the parser's ParsedSection has the same shape)."""

    addressee: str | None
    items: list[str]


def _split_from(sections: Iterable[Any]) -> list[SplitSection]:
    """Sections given as SplitSection/ParsedSection objects or as {"addressee", "items"} mappings (the JSON of
    parse_resolution --json)."""
    result = []
    for section in sections:
        if isinstance(section, Mapping):
            addressee, items = section.get("addressee"), section.get("items") or []
        else:
            addressee, items = section.addressee, section.items
        result.append(SplitSection(addressee=addressee, items=[str(item or "") for item in items]))
    return result


def _clean_split(sections: Sequence[SplitSection], errors: FieldErrors) -> list[SplitSection]:
    """Blank items dropped, texts trimmed, sections left without items dropped; too long texts are errors."""
    cleaned: list[SplitSection] = []
    for number, section in enumerate(sections, start=1):
        addressee = one_line(section.addressee)
        if len(addressee) > ADDRESSEE_MAX:
            errors.add(
                "sections",
                _("The addressee of section %(number)s is longer than %(max)s characters.")
                % {"number": number, "max": ADDRESSEE_MAX},
                code="addressee_too_long",
            )
        items = [clean_text(item) for item in section.items]
        items = [item for item in items if item]
        for position, item in enumerate(items, start=1):
            if len(item) > RESOLUTION_ITEM_MAX:
                errors.add(
                    "sections",
                    _("Item %(position)s of section %(number)s is longer than %(max)s characters.")
                    % {"position": position, "number": number, "max": RESOLUTION_ITEM_MAX},
                    code="item_too_long",
                )
        if items:
            cleaned.append(SplitSection(addressee=addressee, items=items))
    if not cleaned and "sections" not in errors.errors:
        errors.add("sections", _("Add at least one item: a resolution without items cannot be tracked."), "no_items")
    return cleaned


def _check_header(errors: FieldErrors, *, title: str, place: str, source_text: str) -> None:
    if not title:
        errors.add("title", _("Give the resolution a title."), code="required")
    elif len(title) > TITLE_MAX:
        errors.add("title", _("The title is longer than %(max)s characters.") % {"max": TITLE_MAX}, "too_long")
    if len(place) > PLACE_MAX:
        errors.add("place", _("The place is longer than %(max)s characters.") % {"max": PLACE_MAX}, "too_long")
    if len(source_text) > RESOLUTION_TEXT_MAX:
        errors.add(
            "source_text",
            _("The text is longer than %(max)s characters.") % {"max": RESOLUTION_TEXT_MAX},
            code="too_long",
        )


@transaction.atomic
def resolution_create_from_split(
    *,
    actor: Any,
    title: str,
    sections: Iterable[Any],
    adopted_on: date | None = None,
    place: str = "",
    event: Event | None = None,
    source_text: str = "",
    source_name: str = "",
    source_data: bytes | None = None,
    source_slug: str | None = None,
    match_addressees: bool = True,
    now: datetime | None = None,
) -> Resolution:
    """Save a resolution from the editor's corrected split: a section per addressee (its heading as written; None
    or "" when there is none) with its items in order. Each addressee heading is matched to the registry's
    organisations by name or short name (selectors.organizations_for_addressee); what does not match stays free
    text. The source text is kept verbatim, and the uploaded file (`source_name`, `source_data`) with it."""
    require_perm(actor, "events.add_resolution", event)
    now = now or timezone.now()
    errors = FieldErrors()
    title = one_line(title)
    place = one_line(place)
    source_text = str(source_text or "").replace("\r\n", "\n")
    _check_header(errors, title=title, place=place, source_text=source_text)
    split = _clean_split(_split_from(sections), errors)
    if source_data is not None and len(source_data) > settings.UPLOAD_MAX_BYTES:
        errors.add("source_file", _("The file is too large."), code="file_too_large")
    errors.raise_if_any()

    resolution = Resolution(
        title=title,
        adopted_on=adopted_on,
        place=place,
        event=event,
        source_text=source_text,
        source_name=PurePath(source_name).name[:255] if source_name else "",
        source_slug=source_slug or None,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
    )
    if source_data is not None and source_name:
        resolution.source_file.save(PurePath(source_name).name, ContentFile(source_data), save=False)
    resolution.save()
    matches: dict[str, list[Organization]] = {}
    for number, section in enumerate(split, start=1):
        row = ResolutionSection.objects.create(
            resolution=resolution, position=number, addressee=section.addressee or ""
        )
        items = ResolutionItem.objects.bulk_create(
            [
                ResolutionItem(resolution=resolution, section=row, position=position, text=text)
                for position, text in enumerate(section.items, start=1)
            ]
        )
        if match_addressees and section.addressee:
            if section.addressee not in matches:
                matches[section.addressee] = organizations_for_addressee(section.addressee)
            organizations = matches[section.addressee]
            if organizations:
                through = ResolutionItem.addressees.through
                through.objects.bulk_create(
                    [
                        through(resolutionitem_id=item.pk, organization_id=organization.pk)
                        for item in items
                        for organization in organizations
                    ]
                )
    audit_record(
        obj=resolution,
        action="create",
        actor=actor,
        data={
            "sections": len(split),
            "items": sum(len(section.items) for section in split),
            "matched": {label: [o.pk for o in orgs] for label, orgs in matches.items() if orgs},
        },
        now=now,
    )
    return resolution


# --- uploads waiting for their correction ---------------------------------------------------------------------------

# An uploaded resolution file waits here (in the default storage) while its split is corrected; the page carries a
# signed reference to it, valid PENDING_MAX_AGE. Saving the resolution moves the file to the resolution; a
# correction never saved leaves the file behind, for pending_uploads_clean (command `events_clean_pending`).
PENDING_FOLDER = "resolutions/pending"
PENDING_MAX_AGE = timedelta(hours=24)


def pending_uploads_clean(*, older_than: timedelta = PENDING_MAX_AGE, now: datetime | None = None) -> list[str]:
    """Delete the pending uploads last written more than `older_than` ago; return their names (storage paths).
    Below PENDING_MAX_AGE a file whose correction is still open may go (the resolution is then saved without
    it)."""
    from django.core.files.storage import default_storage

    now = now or timezone.now()
    try:
        _folders, files = default_storage.listdir(PENDING_FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return []
    removed = []
    for name in sorted(files):
        path = f"{PENDING_FOLDER}/{name}"
        try:
            if now - default_storage.get_modified_time(path) <= older_than:
                continue
            default_storage.delete(path)
        except FileNotFoundError:  # removed meanwhile (saved, or another run)
            continue
        removed.append(path)
    return removed


@transaction.atomic
def resolution_update(
    *,
    resolution: Resolution,
    actor: Any,
    title: str,
    adopted_on: date | None,
    place: str,
    event: Event | None,
    now: datetime | None = None,
) -> Resolution:
    """Correct a resolution's title, date, place or event (attaching it to another event needs the right to enter
    a resolution for that event)."""
    require_perm(actor, "events.change_resolution", resolution)
    if event is not None and event.pk != resolution.event_id:
        require_perm(actor, "events.add_resolution", event)
    lock_row(resolution)
    errors = FieldErrors()
    title, place = one_line(title), one_line(place)
    _check_header(errors, title=title, place=place, source_text="")
    errors.raise_if_any()
    before = {"title": resolution.title, "adopted_on": str(resolution.adopted_on or ""), "place": resolution.place}
    resolution.title, resolution.adopted_on, resolution.place, resolution.event = title, adopted_on, place, event
    resolution.save(update_fields=["title", "adopted_on", "place", "event", "updated_at"])
    audit_record(obj=resolution, action="update", actor=actor, data={"before": before}, now=now)
    return resolution


@transaction.atomic
def item_update(
    *,
    item: ResolutionItem,
    actor: Any,
    text: str,
    due_on: date | None,
    addressees: Iterable[Organization],
    now: datetime | None = None,
) -> ResolutionItem:
    """Correct an item's text, set its due date, link it to the registry's addressee organisations (editors)."""
    require_perm(actor, "events.change_resolution", item)
    lock_row(item)
    errors = FieldErrors()
    text = clean_text(text)
    if not text:
        errors.add("text", _("The item’s text cannot be empty."), code="required")
    elif len(text) > RESOLUTION_ITEM_MAX:
        errors.add("text", _("The text is longer than %(max)s characters.") % {"max": RESOLUTION_ITEM_MAX}, "too_long")
    errors.raise_if_any()
    organizations = list(addressees)
    item.text, item.due_on = text, due_on
    item.save(update_fields=["text", "due_on", "updated_at"])
    item.addressees.set(organizations)
    audit_record(
        obj=item,
        action="update",
        actor=actor,
        data={"due_on": str(due_on or ""), "addressees": [o.pk for o in organizations]},
        now=now,
    )
    return item


# --- execution: status, comments, evidence ------------------------------------------------------------------------


@dataclass
class EvidenceInput:
    """Evidence to add: a practice, project, contest or library document by its number, or a link."""

    kind: str
    target_id: int | None = None
    url: str = ""
    title: str = ""


def _validated_evidence(evidence: EvidenceInput, errors: FieldErrors) -> dict[str, Any] | None:
    """The fields of an ItemEvidence row, or None with errors added under "evidence"."""
    try:
        kind = EvidenceKind(evidence.kind)
    except ValueError:
        errors.add("evidence_kind", _("Choose what the evidence is."), code="invalid_kind")
        return None
    title = one_line(evidence.title)
    if len(title) > EVIDENCE_TITLE_MAX:
        errors.add(
            "evidence_title",
            _("The title is longer than %(max)s characters.") % {"max": EVIDENCE_TITLE_MAX},
            "too_long",
        )
    if kind == EvidenceKind.URL:
        url = (evidence.url or "").strip()
        if not url:
            errors.add("evidence_url", _("Give the link."), code="required")
            return None
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.add("evidence_url", _("Enter a valid link starting with http:// or https://."), code="invalid_url")
            return None
        if len(url) > URL_MAX:
            errors.add("evidence_url", _("The link is longer than %(max)s characters.") % {"max": URL_MAX}, "too_long")
            return None
        return {"kind": kind, "url": url, "title": title}
    if not evidence.target_id:
        errors.add("evidence_target", _("Give the number or the link of the page."), code="required")
        return None
    target = evidence_target(kind, int(evidence.target_id))
    if target is None:
        errors.add(
            "evidence_target",
            _("No public %(kind)s numbered %(number)s was found.") % {"kind": kind.label, "number": evidence.target_id},
            code="not_found",
        )
        return None
    return {"kind": kind, EVIDENCE_FIELDS[kind]: target, "title": title}


def _add_evidence(item: ResolutionItem, fields: Mapping[str, Any], actor: Any, now: datetime) -> ItemEvidence:
    evidence = ItemEvidence.objects.create(
        item=item, added_by=actor if getattr(actor, "is_authenticated", False) else None, created_at=now, **fields
    )
    audit_record(
        obj=item,
        action="evidence_add",
        actor=actor,
        data={"evidence": evidence.pk, "kind": evidence.kind, "url": evidence.url},
        now=now,
    )
    return evidence


def item_status_errors(
    item: ResolutionItem, status: str, comment: str, *, with_evidence: bool = False, errors: FieldErrors | None = None
) -> FieldErrors:
    """What is wrong with moving `item` to `status` with `comment` (and new evidence, `with_evidence`): an unknown
    or the same status; «done» without evidence (already there or given now) or a comment; «not accepted» without
    a comment. item_set_status checks it; the admin's status column checks it before saving."""
    errors = errors if errors is not None else FieldErrors()
    comment = clean_text(comment)
    if len(comment) > COMMENT_MAX:
        errors.add("comment", _("The comment is longer than %(max)s characters.") % {"max": COMMENT_MAX}, "too_long")
    if status not in ResolutionItemStatus.values:
        errors.add("status", _("Choose a status."), code="invalid_status")
        return errors
    target = ResolutionItemStatus(status)
    if target == item.status:
        errors.add("status", _("The item already has this status."), code="same_status")
    if target == ResolutionItemStatus.DONE and not comment and not with_evidence and not item.evidence.exists():
        errors.add(
            "comment",
            _("To mark the item done, add evidence (a practice, project, contest, document or link) or a comment."),
            code="evidence_or_comment_required",
        )
    if target == ResolutionItemStatus.NOT_ACCEPTED and not comment:
        errors.add("comment", _("Explain why the item is not accepted."), code="comment_required")
    return errors


@transaction.atomic
def item_set_status(
    *,
    item: ResolutionItem,
    actor: Any,
    status: str,
    comment: str = "",
    evidence: EvidenceInput | None = None,
    now: datetime | None = None,
) -> ResolutionItem:
    """Move an item to `status`, with an optional comment and evidence given at the same time. «Done» needs at
    least one piece of evidence (already there or given now) or a comment; «not accepted» needs a comment."""
    require_perm(actor, "events.update_resolution_item", item)
    now = now or timezone.now()
    lock_row(item)
    errors = FieldErrors()
    comment = clean_text(comment)
    evidence_fields = _validated_evidence(evidence, errors) if evidence is not None else None
    item_status_errors(item, status, comment, with_evidence=evidence_fields is not None, errors=errors)
    errors.raise_if_any()
    target = ResolutionItemStatus(status)

    if evidence_fields is not None:
        _add_evidence(item, evidence_fields, actor, now)
    if comment:
        ItemComment.objects.create(
            item=item,
            author=actor if getattr(actor, "is_authenticated", False) else None,
            text=comment,
            status=target,
            created_at=now,
        )
    transition = next(
        t for t in RESOLUTION_ITEM_WORKFLOW.available(item) if t.target == target
    )  # every other status is reachable (models.RESOLUTION_ITEM_WORKFLOW)
    item.status_changed_at = now
    RESOLUTION_ITEM_WORKFLOW.apply(
        item, transition.name, actor=actor, comment=comment, now=now, update_fields=["status_changed_at"]
    )
    return item


@transaction.atomic
def item_comment_add(*, item: ResolutionItem, actor: Any, text: str, now: datetime | None = None) -> ItemComment:
    require_perm(actor, "events.update_resolution_item", item)
    now = now or timezone.now()
    errors = FieldErrors()
    text = clean_text(text)
    if not text:
        errors.add("text", _("Write the comment."), code="required")
    elif len(text) > COMMENT_MAX:
        errors.add("text", _("The comment is longer than %(max)s characters.") % {"max": COMMENT_MAX}, "too_long")
    errors.raise_if_any()
    comment = ItemComment.objects.create(item=item, author=actor, text=text, created_at=now)
    audit_record(obj=item, action="comment", actor=actor, data={"comment": comment.pk}, now=now)
    return comment


@transaction.atomic
def item_evidence_add(
    *, item: ResolutionItem, actor: Any, evidence: EvidenceInput, now: datetime | None = None
) -> ItemEvidence:
    require_perm(actor, "events.update_resolution_item", item)
    now = now or timezone.now()
    errors = FieldErrors()
    fields = _validated_evidence(evidence, errors)
    errors.raise_if_any()
    assert fields is not None
    return _add_evidence(item, fields, actor, now)


@transaction.atomic
def item_evidence_remove(*, evidence: ItemEvidence, actor: Any, now: datetime | None = None) -> None:
    """Remove a piece of evidence (a wrong link). A done item keeps its status: its history shows the removal."""
    item = evidence.item
    require_perm(actor, "events.update_resolution_item", item)
    audit_record(
        obj=item,
        action="evidence_remove",
        actor=actor,
        data={"evidence": evidence.pk, "kind": evidence.kind, "url": evidence.url},
        now=now,
    )
    evidence.delete()
