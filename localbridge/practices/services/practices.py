"""Practices: create, edit, attach and detach files, delete; the validation they share."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

import pycountry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.core.files import DOCUMENT_TYPES, IMAGE_TYPES, validate_upload
from localbridge.organizations.models import Membership, Organization
from localbridge.organizations.selectors import organization_visible_to
from localbridge.practices.events import (
    PracticeChanged,
    PracticeRemoved,
)
from localbridge.practices.models import (
    EDITABLE_STATUSES,
    TAG_MAX,
    AttachmentKind,
    FigureKind,
    Practice,
    PracticeAttachment,
    PracticeFigure,
    PracticeOrganization,
    PracticeOrganizationRole,
    PracticeStatus,
    Tag,
    Topic,
    tag_normalize,
)
from localbridge.practices.rules import ADOPTER_ROLES, user_is_practice_moderator
from localbridge.territories.models import Country, Municipality, Region

from .common import (
    _DATE,
    _YEAR,
    _actor_id,
    _error,
    _Errors,
    _facet_year,
    _lock,
    _one_line,
    _require,
    _text,
)

# Fields practice_create and practice_update set directly.
PRACTICE_FIELDS = (
    "title",
    "summary",
    "problem",
    "actions",
    "results",
    "resources",
    "partners",
    "started_on",
    "ended_on",
    "start_year",
    "end_year",
    "language",
    "country",
    "region",
    "municipality",
)
# Relations they replace as a whole when given: topics (Topic objects or codes), tags (strings), organizations
# (authors) and partner_organizations (Organization objects), figures (mappings of PracticeFigure fields).
PRACTICE_RELATIONS = ("topics", "tags", "organizations", "partner_organizations", "figures")
FIGURE_FIELDS = ("kind", "label", "value", "value_before", "unit", "currency", "source")

MAX_TOPICS = 5
MAX_TAGS = 20
MAX_FIGURES = 50
MAX_ATTACHMENTS = 30


# --- practices: validation -----------------------------------------------------------------------------


def _clean_territory(practice: Practice, values: Mapping[str, Any], errors: _Errors) -> None:
    """Country, region and municipality agree: the region and country follow from the municipality, the
    country from the region; an explicitly chosen one that disagrees is an error."""
    municipality: Municipality | None = practice.municipality
    region: Region | None = practice.region
    country: Country | None = practice.country
    if municipality is not None:
        if "region" in values and region is not None and municipality.region_id not in (None, region.pk):
            errors.add("municipality", _("This municipality is not in the chosen region."), "territory_mismatch")
            return
        if "country" in values and country is not None and municipality.country_id != country.pk:
            errors.add("municipality", _("This municipality is not in the chosen country."), "territory_mismatch")
            return
        practice.region = municipality.region or region
        practice.country = municipality.country
        region = practice.region
    if region is not None:
        if "country" in values and country is not None and region.country_id != country.pk:
            errors.add("region", _("This region is not in the chosen country."), "territory_mismatch")
            return
        practice.country = region.country


def _clean_period(practice: Practice, errors: _Errors, now: datetime) -> None:
    """Dates give the years; the end is not before the start; the practice did not start in the future."""
    if practice.started_on is not None:
        practice.start_year = practice.started_on.year
    if practice.ended_on is not None:
        practice.end_year = practice.ended_on.year
    today = timezone.localdate(now)
    if practice.started_on is not None and practice.started_on > today:
        errors.add("started_on", _("A practice cannot start in the future."), "in_future")
    elif practice.start_year is not None and practice.start_year > today.year:
        errors.add("start_year", _("A practice cannot start in the future."), "in_future")
    if practice.started_on and practice.ended_on and practice.ended_on < practice.started_on:
        errors.add("ended_on", _("The end cannot be before the start."), "period_order")
    elif practice.start_year and practice.end_year and practice.end_year < practice.start_year:
        errors.add("end_year", _("The end cannot be before the start."), "period_order")


def topics_clean(owner: Any, raw: Iterable[Any], errors: _Errors) -> list[Topic]:
    """Topics of the bank's taxonomy for `owner` (a practice, or anything else with a `topics` relation to Topic,
    such as a library document), given as Topic objects or codes and read afresh: a topic retired meanwhile may be
    kept where the owner has it, not newly chosen; at most MAX_TOPICS."""
    items = list(raw)
    codes = [item for item in items if isinstance(item, str)]
    pks = [item.pk for item in items if isinstance(item, Topic)]
    found = list(Topic.objects.filter(Q(code__in=codes) | Q(pk__in=pks))) if items else []
    by_code = {topic.code: topic for topic in found}
    by_pk = {topic.pk: topic for topic in found}
    current = set(owner.topics.values_list("pk", flat=True)) if owner.pk else set()
    wanted: list[Topic] = []
    for item in items:
        topic = by_code.get(item) if isinstance(item, str) else by_pk.get(getattr(item, "pk", -1))
        if topic is None:
            errors.add("topics", _("Unknown topic “%(topic)s”."), "unknown_topic", {"topic": item})
            continue
        if not topic.is_active and topic.pk not in current:
            errors.add("topics", _("The topic “%(topic)s” is no longer in use."), "inactive_topic", {"topic": topic})
            continue
        if topic not in wanted:
            wanted.append(topic)
    if len(wanted) > MAX_TOPICS:
        errors.add("topics", _("Choose at most %(limit)d topics."), "too_many_topics", {"limit": MAX_TOPICS})
    return wanted


def _clean_tags(raw: Iterable[Any], errors: _Errors) -> list[str]:
    names: list[str] = []
    if isinstance(raw, str):
        raw = raw.split(",")
    for item in raw:
        name = tag_normalize(str(item))
        if not name:
            continue
        if len(name) > TAG_MAX:
            errors.add("tags", _("A tag is at most %(limit)d characters long."), "tag_too_long", {"limit": TAG_MAX})
            continue
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        errors.add("tags", _("Give at most %(limit)d tags."), "too_many_tags", {"limit": MAX_TAGS})
    return names


def _acts_for(actor: Any) -> set[int]:
    """The organisations `actor` holds an active chair, staff or member role in."""
    return set(
        Membership.objects.filter(user=actor, is_active=True, role__in=ADOPTER_ROLES).values_list(
            "organization_id", flat=True
        )
    )


def _clean_organizations(
    practice: Practice,
    values: Mapping[str, Any],
    actor: Any,
    errors: _Errors,
) -> list[tuple[Organization, str]] | None:
    """The new organisation links, or None when neither list was given. An author organisation must be one the
    actor acts for (or already an author, or the actor moderates the bank); a partner must be an organisation
    the actor can see in the registry."""
    if "organizations" not in values and "partner_organizations" not in values:
        return None
    existing = list(practice.organization_links.select_related("organization")) if practice.pk else []
    current = {link.organization_id: link.role for link in existing}
    if "organizations" in values:
        authors = list(values["organizations"] or [])
    else:
        authors = [link.organization for link in existing if link.role == PracticeOrganizationRole.AUTHOR]
    if "partner_organizations" in values:
        partners = list(values["partner_organizations"] or [])
    else:
        partners = [link.organization for link in existing if link.role == PracticeOrganizationRole.PARTNER]
    moderator = user_is_practice_moderator(actor)
    acts_for = _acts_for(actor) if not moderator else set()
    visible = set(organization_visible_to(actor).filter(pk__in=[o.pk for o in partners]).values_list("pk", flat=True))
    links: list[tuple[Organization, str]] = []
    seen: set[int] = set()
    for organization in authors:
        if organization.pk in seen:
            continue
        seen.add(organization.pk)
        already = current.get(organization.pk) == PracticeOrganizationRole.AUTHOR
        if not (moderator or already or organization.pk in acts_for):
            errors.add(
                "organizations",
                _("You can name as author only an organisation you belong to: %(organization)s is not one."),
                "not_member",
                {"organization": organization},
            )
            continue
        links.append((organization, PracticeOrganizationRole.AUTHOR))
    for organization in partners:
        if organization.pk in seen:
            if any(o.pk == organization.pk for o in authors):
                errors.add(
                    "partner_organizations",
                    _("%(organization)s is already an author of this practice."),
                    "duplicate_organization",
                    {"organization": organization},
                )
            continue
        seen.add(organization.pk)
        if organization.pk not in visible and organization.pk not in current:
            errors.add(
                "partner_organizations",
                _("No such organisation in the registry."),
                "organization_not_found",
            )
            continue
        links.append((organization, PracticeOrganizationRole.PARTNER))
    return links


def _decimal(value: Any) -> Any:
    if value is None or value == "" or isinstance(value, Decimal):
        return None if value == "" else value
    try:
        return Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        return value  # full_clean reports it as "invalid"


def _clean_figures(raw: Iterable[Any], errors: _Errors) -> list[PracticeFigure]:
    figures: list[PracticeFigure] = []
    items = list(raw)
    if len(items) > MAX_FIGURES:
        errors.add("figures", _("Give at most %(limit)d figures."), "too_many_figures", {"limit": MAX_FIGURES})
        return []
    for index, item in enumerate(items, start=1):
        data = dict(item) if isinstance(item, Mapping) else {f: getattr(item, f, None) for f in FIGURE_FIELDS}
        unknown = set(data) - set(FIGURE_FIELDS)
        if unknown:
            raise TypeError(f"Unknown figure fields: {sorted(unknown)}")
        kind = str(data.get("kind") or "")
        figure = PracticeFigure(
            kind=kind,
            label=_one_line(data.get("label")),
            value=_decimal(data.get("value")),
            value_before=_decimal(data.get("value_before")),
            unit=_one_line(data.get("unit")),
            currency=_one_line(data.get("currency")).upper(),
            source=str(data.get("source") or ""),
            position=index,
        )
        params = {"number": index}
        if kind != FigureKind.MONEY:
            figure.currency, figure.source = "", ""
        if kind != FigureKind.METRIC:
            figure.value_before = None
        try:
            figure.full_clean(exclude=["practice"], validate_constraints=False)
        except ValidationError as exc:
            for field, field_errors in exc.error_dict.items():
                for error in field_errors:
                    for message in error.messages:
                        label = getattr(PracticeFigure._meta.get_field(field), "verbose_name", field)
                        errors.add(
                            "figures",
                            _("Figure %(number)d, %(field)s: %(message)s"),
                            error.code or "invalid",
                            {"number": index, "field": label, "message": message},
                        )
            continue
        if kind == FigureKind.MONEY:
            if not figure.currency:
                errors.add("figures", _("Figure %(number)d: give the currency."), "currency_required", params)
            elif pycountry.currencies.get(alpha_3=figure.currency) is None:
                errors.add("figures", _("Figure %(number)d: unknown currency."), "invalid_currency", params)
            if not figure.source:
                errors.add("figures", _("Figure %(number)d: say where the money came from."), "source_required", params)
        if kind in (FigureKind.METRIC, FigureKind.OTHER) and not figure.label:
            errors.add("figures", _("Figure %(number)d: say what is counted."), "label_required", params)
        if kind == FigureKind.METRIC and figure.value_before is None:
            errors.add("figures", _("Figure %(number)d: give the value before."), "value_before_required", params)
        if kind != FigureKind.METRIC and figure.value is not None and figure.value < 0:
            errors.add("figures", _("Figure %(number)d cannot be negative."), "negative", params)
        figures.append(figure)
    return figures


@dataclass
class _Relations:
    topics: list[Topic] | None = None
    tags: list[str] | None = None
    organizations: list[tuple[Organization, str]] | None = None
    figures: list[PracticeFigure] | None = None


def _prepare(practice: Practice, values: Mapping[str, Any], *, actor: Any, now: datetime) -> _Relations:
    """Set the practice's fields from `values` and validate everything, writing nothing."""
    unknown = set(values) - set(PRACTICE_FIELDS) - set(PRACTICE_RELATIONS)
    if unknown:
        raise TypeError(f"Unknown practice fields: {sorted(unknown)}")
    errors = _Errors()
    for field in PRACTICE_FIELDS:
        if field not in values:
            continue
        value = values[field]
        if field in ("title", "summary"):
            value = _one_line(value)
        elif field in ("problem", "actions", "results", "resources", "partners"):
            value = _text(value)
        elif field == "language":
            value = str(value or "").strip().lower()
        elif value == "":
            value = None
        elif field in ("started_on", "ended_on", "start_year", "end_year"):
            try:
                value = (_DATE if field.endswith("_on") else _YEAR).to_python(value)
            except ValidationError as exc:
                errors.merge(exc, field=field)
                value = None
        setattr(practice, field, value)
    if not practice.title:
        errors.add("title", _("Give the practice a title."), "required")
    _clean_territory(practice, values, errors)
    _clean_period(practice, errors, now)
    try:
        practice.full_clean(
            exclude=["author", "recommended_by", "country", "region", "municipality", "title"],
            validate_unique=False,
            validate_constraints=False,  # checked above with clearer messages; the database enforces them
        )
    except ValidationError as exc:
        errors.merge(exc)
    if len(practice.title) > (Practice._meta.get_field("title").max_length or 300):
        errors.add("title", _("The title is too long."), "max_length")
    relations = _Relations()
    if "topics" in values:
        relations.topics = topics_clean(practice, values["topics"] or [], errors)
    if "tags" in values:
        relations.tags = _clean_tags(values["tags"] or [], errors)
    relations.organizations = _clean_organizations(practice, values, actor, errors)
    if "figures" in values:
        relations.figures = _clean_figures(values["figures"] or [], errors)
    errors.raise_if_any()
    practice.year = _facet_year(practice, now)
    return relations


def _write_relations(practice: Practice, relations: _Relations) -> None:
    if relations.topics is not None:
        practice.topics.set(relations.topics)
    if relations.tags is not None:
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=relations.tags)}
        missing = [Tag(name=name) for name in relations.tags if name not in existing]
        if missing:
            # ignore_conflicts: a concurrent writer may create the same tag; both then read it back.
            Tag.objects.bulk_create(missing, ignore_conflicts=True)
            existing = {tag.name: tag for tag in Tag.objects.filter(name__in=relations.tags)}
        practice.tags.set([existing[name] for name in relations.tags])
    if relations.organizations is not None:
        PracticeOrganization.objects.filter(practice=practice).delete()
        PracticeOrganization.objects.bulk_create(
            [
                PracticeOrganization(practice=practice, organization=organization, role=role, position=index)
                for index, (organization, role) in enumerate(relations.organizations)
            ]
        )
    if relations.figures is not None:
        PracticeFigure.objects.filter(practice=practice).delete()
        for figure in relations.figures:
            figure.practice = practice
        PracticeFigure.objects.bulk_create(relations.figures)


def practice_completeness_errors(practice: Practice) -> dict[str, list[ValidationError]]:
    """What a practice lacks before it can go to moderation: a title, a summary, what was done, at least one
    topic, its language, and where it took place (at least the country). Empty when complete."""
    errors = _Errors()
    if not practice.title.strip():
        errors.add("title", _("Give the practice a title."), "required")
    if not practice.summary.strip():
        errors.add("summary", _("Write a short summary."), "required")
    if not practice.actions.strip():
        errors.add("actions", _("Describe what was done."), "required")
    if not practice.topics.exists():
        errors.add("topics", _("Choose at least one topic."), "required")
    if not practice.language:
        errors.add("language", _("Say which language the practice is written in."), "required")
    if practice.country_id is None:
        errors.add("country", _("Say where the practice took place: at least the country."), "required")
    return errors.errors


# --- practices: create, edit, files ------------------------------------------------------------------------


class _ActorIsAuthor:
    def __repr__(self) -> str:
        return "ACTOR"


ACTOR = _ActorIsAuthor()


@transaction.atomic
def practice_create(
    *,
    actor: Any,
    title: str,
    author: Any = ACTOR,
    is_generated: bool = False,
    now: datetime | None = None,
    **fields: Any,
) -> Practice:
    """A practice in draft, written by `actor`. `fields` are PRACTICE_FIELDS and PRACTICE_RELATIONS (see
    there); `is_generated` marks demonstration or benchmark data. A moderator may record another `author`, or
    none (imports and demo data: pass author=None)."""
    now = now or timezone.now()
    _require(actor, "practices.create_practice")
    if author is ACTOR:
        author = actor if _actor_id(actor) else None
    elif author != actor and not user_is_practice_moderator(actor):
        raise PermissionDenied(_("Only a moderator may record a practice in another person's name."))
    practice = Practice(
        author=author,
        status=PracticeStatus.DRAFT,
        is_generated=is_generated,
        created_at=now,
    )
    relations = _prepare(practice, {"title": title, **fields}, actor=actor, now=now)
    practice.save()
    _write_relations(practice, relations)
    audit_record(obj=practice, action="create", actor=actor, to_status=practice.status, now=now)
    emit(PracticeChanged(practice.pk, "create", _actor_id(actor), to_status=practice.status))
    return practice


def _require_editable(practice: Practice, actor: Any) -> None:
    _require(actor, "practices.view_practice", practice)
    if practice.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("A practice can be edited only as a draft or when returned for revision (now: %(state)s).")
            % {"state": practice.get_status_display()},
            code="not_editable",
        )
    _require(actor, "practices.change_practice", practice)


@transaction.atomic
def practice_update(*, practice: Practice, actor: Any, now: datetime | None = None, **changes: Any) -> Practice:
    """Edit a draft or a returned practice (its author, or the chair or staff of an author organisation).
    Only the fields given change; a relation given replaces the old one."""
    now = now or timezone.now()
    _lock(practice)
    _require_editable(practice, actor)
    relations = _prepare(practice, changes, actor=actor, now=now)
    practice.save()
    _write_relations(practice, relations)
    audit_record(obj=practice, action="update", actor=actor, data={"fields": sorted(changes)}, now=now)
    emit(PracticeChanged(practice.pk, "update", _actor_id(actor)))
    return practice


@transaction.atomic
def practice_attach(
    *,
    practice: Practice,
    actor: Any,
    upload: UploadedFile,
    caption: str = "",
    kind: str | None = None,
    now: datetime | None = None,
) -> PracticeAttachment:
    """Attach a photo (JPG, PNG, WEBP) or a document (PDF, DOC, DOCX, ODT), checked by its real type. `kind`
    limits what is accepted; without it the kind follows from the file.

    The file is written to storage when the row is saved; should the transaction roll back afterwards, the
    file stays behind unreferenced (its name is random, no row points at it)."""
    now = now or timezone.now()
    _lock(practice)
    _require_editable(practice, actor)
    if kind not in (None, AttachmentKind.PHOTO, AttachmentKind.DOCUMENT):
        raise _error("kind", _("Unknown kind of attachment."), "invalid_choice")
    if practice.attachments.count() >= MAX_ATTACHMENTS:
        raise _error(
            "file", _("A practice has at most %(limit)d files."), "too_many_attachments", {"limit": MAX_ATTACHMENTS}
        )
    caption = _one_line(caption)
    if len(caption) > (PracticeAttachment._meta.get_field("caption").max_length or 300):
        raise _error("caption", _("The caption is too long."), "max_length")
    if kind == AttachmentKind.PHOTO:
        allowed = IMAGE_TYPES
    elif kind == AttachmentKind.DOCUMENT:
        allowed = DOCUMENT_TYPES
    else:
        allowed = {**IMAGE_TYPES, **DOCUMENT_TYPES}
    try:
        content_type = validate_upload(upload, allowed)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list})
    last = practice.attachments.aggregate(last=Max("position"))["last"]
    attachment = PracticeAttachment(
        practice=practice,
        kind=AttachmentKind.PHOTO if content_type in IMAGE_TYPES.values() else AttachmentKind.DOCUMENT,
        file=upload,
        original_name=(upload.name or "file")[:255],
        content_type=content_type,
        size=upload.size or 0,
        caption=caption,
        position=(last or 0) + 1,
        uploaded_by=actor if _actor_id(actor) else None,
        created_at=now,
    )
    attachment.save()
    stored = attachment.file.name
    audit_record(
        obj=practice,
        action="attach",
        actor=actor,
        data={"attachment": attachment.pk, "file": attachment.original_name, "stored": stored},
        now=now,
    )
    emit(PracticeChanged(practice.pk, "attach", _actor_id(actor)))
    return attachment


@transaction.atomic
def practice_detach(*, attachment: PracticeAttachment, actor: Any, now: datetime | None = None) -> None:
    """Remove an attachment (the file goes from storage once the transaction commits)."""
    now = now or timezone.now()
    practice = attachment.practice
    _lock(practice)
    _require_editable(practice, actor)
    storage, name = attachment.file.storage, attachment.file.name
    original = attachment.original_name
    attachment.delete()
    if name:
        transaction.on_commit(partial(storage.delete, name))
    audit_record(obj=practice, action="detach", actor=actor, data={"file": original}, now=now)
    emit(PracticeChanged(practice.pk, "detach", _actor_id(actor)))


@transaction.atomic
def practice_delete(*, practice: Practice, actor: Any, now: datetime | None = None) -> None:
    """Delete a practice: its editors while it was never published (draft, returned, rejected), a moderator at
    any time; never a practice others have adopted (unpublish it instead)."""
    now = now or timezone.now()
    _lock(practice)
    _require(actor, "practices.view_practice", practice)
    _require(actor, "practices.delete_practice", practice)
    if practice.adoptions.exists():
        raise ValidationError(
            _("Other organisations adopted this practice: it cannot be deleted, only unpublished."),
            code="has_adoptions",
        )
    files = [(a.file.storage, a.file.name) for a in practice.attachments.all() if a.file.name]
    practice_id = practice.pk
    audit_record(
        obj=practice,
        action="delete",
        actor=actor,
        from_status=practice.status,
        data={"title": practice.title},
        now=now,
    )
    practice.delete()
    for storage, name in files:
        transaction.on_commit(partial(storage.delete, name))
    emit(PracticeRemoved(practice_id, _actor_id(actor)))
