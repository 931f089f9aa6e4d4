"""Writes to cooperation: agreements and their parties, documents and yearly reports, and partnership interests.

Each service takes the acting user, checks the permission (rules.py), validates, writes in one transaction and
audits. Rules across rows (at least two parties, no party twice, a term that ends after it starts) are checked
here with translated errors carrying a code; the database constraints back the single-row ones up."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.rules import is_platform_staff
from localbridge.core.services import FieldErrors, clean_text, lock_row, one_line, require_perm
from localbridge.organizations.models import Organization, OrganizationKind
from localbridge.territories.models import Municipality

from . import selectors
from .models import (
    AGREEMENT_WORKFLOW,
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementParty,
    AgreementReport,
    AgreementStatus,
    CooperationArea,
    MunicipalityInterest,
    TwinLink,
    TwinLinkSource,
)
from .rules import user_acts_for_party

ASSOCIATION_KINDS = (OrganizationKind.ASSOCIATION_NATIONAL, OrganizationKind.ASSOCIATION_INTERNATIONAL)
# Fields of an agreement that `agreement_update` may change while it is a draft or awaits approval.
EDITABLE_STATUSES = (AgreementStatus.DRAFT, AgreementStatus.AWAITING_APPROVAL)


@dataclass(frozen=True)
class PartyIn:
    """One side: exactly one of municipality and organization (an association)."""

    municipality: Municipality | None = None
    organization: Organization | None = None
    signatory: str = ""

    @property
    def key(self) -> tuple[str, int | None]:
        if self.municipality is not None:
            return ("municipality", self.municipality.pk)
        return ("organization", self.organization.pk if self.organization is not None else None)


def _validate_parties(parties: Sequence[PartyIn], errors: FieldErrors) -> None:
    seen: set[tuple[str, int | None]] = set()
    for party in parties:
        if (party.municipality is None) == (party.organization is None):
            errors.add("parties", _("Each party is either a municipality or an association."), "party_kind")
            continue
        if party.organization is not None and party.organization.kind not in ASSOCIATION_KINDS:
            errors.add(
                "parties",
                _("%(name)s is not an association of local authorities.") % {"name": party.organization.name},
                "party_not_association",
            )
        if party.key in seen:
            name = party.municipality.name if party.municipality is not None else party.organization.name  # type: ignore[union-attr]
            errors.add("parties", _("%(name)s is listed as a party twice.") % {"name": name}, "party_twice")
        seen.add(party.key)
    if len(seen) < 2:
        errors.add("parties", _("An agreement needs at least two parties."), "too_few_parties")


def _validate_term(starts_on: date | None, ends_on: date | None, errors: FieldErrors) -> None:
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors.add("ends_on", _("The agreement cannot end before it starts."), "ends_before_start")


def _require_acts_for_a_party(actor: Any, parties: Iterable[PartyIn]) -> None:
    if is_platform_staff(actor):
        return
    for party in parties:
        model = AgreementParty(municipality=party.municipality, organization=party.organization)
        if user_acts_for_party(actor, model):
            return
    raise PermissionDenied(_("You may only create agreements to which your municipality or association is a party."))


def _set_parties(agreement: Agreement, parties: Sequence[PartyIn]) -> None:
    agreement.parties.all().delete()
    AgreementParty.objects.bulk_create(
        AgreementParty(
            agreement=agreement,
            municipality=p.municipality,
            organization=p.organization,
            signatory=one_line(p.signatory),
            position=i,
        )
        for i, p in enumerate(parties)
    )


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    parties: Sequence[PartyIn],
    areas: Iterable[CooperationArea] = (),
    description: str = "",
    signed_on: date | None = None,
    signed_place: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    now: datetime | None = None,
) -> Agreement:
    """A draft agreement with its parties and areas."""
    require_perm(actor, "cooperation.add_agreement")
    errors = FieldErrors()
    title = one_line(title)
    if not title:
        errors.add("title", _("Give the agreement a title."), "required")
    if kind not in AgreementKind.values:
        errors.add("kind", _("Choose the kind of agreement."), "invalid_kind")
    _validate_parties(parties, errors)
    _validate_term(starts_on, ends_on, errors)
    errors.raise_if_any()
    _require_acts_for_a_party(actor, parties)
    agreement = Agreement.objects.create(
        kind=kind,
        title=title,
        description=clean_text(description),
        signed_on=signed_on,
        signed_place=one_line(signed_place),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now or timezone.now(),
    )
    _set_parties(agreement, parties)
    agreement.areas.set(list(areas))
    audit_record(
        obj=agreement,
        action="create",
        actor=actor,
        to_status=agreement.status,
        data={"parties": [list(p.key) for p in parties]},
        now=now,
    )
    return agreement


UPDATABLE_FIELDS = ("kind", "title", "description", "signed_on", "signed_place", "starts_on", "ends_on")


@transaction.atomic
def agreement_update(
    *,
    agreement: Agreement,
    actor: Any,
    parties: Sequence[PartyIn] | None = None,
    areas: Iterable[CooperationArea] | None = None,
    now: datetime | None = None,
    **values: Any,
) -> Agreement:
    """Change the agreement's fields (`UPDATABLE_FIELDS`), parties or areas. Parties change only before signing;
    the term may be corrected at any time before the agreement ends."""
    require_perm(actor, "cooperation.change_agreement", agreement)
    lock_row(agreement)
    unknown = set(values) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    errors = FieldErrors()
    if agreement.status == AgreementStatus.ENDED:
        errors.add("__all__", _("An ended agreement can no longer be changed."), "agreement_ended")
    if parties is not None:
        if agreement.status not in EDITABLE_STATUSES:
            errors.add("parties", _("The parties cannot change once the agreement is signed."), "parties_frozen")
        _validate_parties(parties, errors)
    if "kind" in values and values["kind"] not in AgreementKind.values:
        errors.add("kind", _("Choose the kind of agreement."), "invalid_kind")
    if "title" in values:
        values["title"] = one_line(values["title"])
        if not values["title"]:
            errors.add("title", _("Give the agreement a title."), "required")
    _validate_term(values.get("starts_on", agreement.starts_on), values.get("ends_on", agreement.ends_on), errors)
    errors.raise_if_any()
    changed = [name for name, value in values.items() if getattr(agreement, name) != value]
    for name in changed:
        setattr(agreement, name, values[name])
    if changed:
        agreement.save(update_fields=[*changed, "updated_at"])
    if parties is not None:
        _set_parties(agreement, parties)
    if areas is not None:
        agreement.areas.set(list(areas))
    audit_record(
        obj=agreement,
        action="update",
        actor=actor,
        data={"fields": changed, "parties": parties is not None, "areas": areas is not None},
        now=now,
    )
    return agreement


@transaction.atomic
def agreement_move(
    *,
    agreement: Agreement,
    action: str,
    actor: Any,
    comment: str = "",
    signed_on: date | None = None,
    signed_place: str | None = None,
    registration_number: str = "",
    registration_authority: str = "",
    registered_on: date | None = None,
    ended_on: date | None = None,
    end_reason: str = "",
    now: datetime | None = None,
) -> Agreement:
    """Move the agreement along its lifecycle (models.AGREEMENT_WORKFLOW):
    submit (to regional approval), return (to draft, with a comment), sign (date, place), register (number and
    authority), activate, end (date and reason). Activating an agreement between municipalities adds their
    links to the twin-city network."""
    require_perm(actor, "cooperation.move_agreement", agreement)
    lock_row(agreement)
    now = now or timezone.now()
    transition = AGREEMENT_WORKFLOW.get(action)
    errors = FieldErrors()
    fields: list[str] = []
    data: dict[str, Any] = {}
    if transition.name == "submit":
        parties = [PartyIn(municipality=p.municipality, organization=p.organization) for p in agreement.parties.all()]
        _validate_parties(parties, errors)
    elif transition.name == "sign":
        agreement.signed_on = signed_on or agreement.signed_on or timezone.localdate(now)
        if signed_place is not None:
            agreement.signed_place = one_line(signed_place)
        fields += ["signed_on", "signed_place"]
        data["signed_on"] = agreement.signed_on.isoformat()
    elif transition.name == "register":
        number, authority = one_line(registration_number), one_line(registration_authority)
        if not number:
            errors.add("registration_number", _("Give the registration number."), "required")
        if not authority:
            errors.add("registration_authority", _("Name the authority that registered it."), "required")
        agreement.registration_number, agreement.registration_authority = number, authority
        agreement.registered_on = registered_on or timezone.localdate(now)
        fields += ["registration_number", "registration_authority", "registered_on"]
        data.update(registration_number=number, registration_authority=authority)
    elif transition.name == "end":
        reason = clean_text(end_reason)
        if not reason:
            errors.add("end_reason", _("Say why the agreement ends."), "required")
        agreement.ended_on = ended_on or timezone.localdate(now)
        if agreement.starts_on is not None and agreement.ended_on < agreement.starts_on:
            errors.add("ended_on", _("The agreement cannot end before it starts."), "ends_before_start")
        agreement.end_reason = reason
        fields += ["ended_on", "end_reason"]
        data["ended_on"] = agreement.ended_on.isoformat()
    errors.raise_if_any()
    AGREEMENT_WORKFLOW.apply(agreement, action, actor=actor, comment=comment, now=now, update_fields=fields, data=data)
    if transition.name == "activate":
        twin_links_from_agreement(agreement=agreement)
    return agreement


def twin_links_from_agreement(*, agreement: Agreement) -> int:
    """Add a network link for every pair of municipalities that are parties; returns how many were new."""
    ids = sorted({p.municipality_id for p in agreement.parties.all() if p.municipality_id is not None})
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    if not pairs:
        return 0
    existing = set(
        TwinLink.objects.filter(municipality_a_id__in=ids, municipality_b_id__in=ids).values_list(
            "municipality_a_id", "municipality_b_id"
        )
    )
    new = [
        TwinLink(municipality_a_id=a, municipality_b_id=b, source=TwinLinkSource.AGREEMENT, agreement=agreement)
        for a, b in pairs
        if (a, b) not in existing
    ]
    TwinLink.objects.bulk_create(new)
    if new:
        transaction.on_commit(selectors.finder_invalidate)
    return len(new)


@transaction.atomic
def agreement_document_save(
    *,
    agreement: Agreement,
    actor: Any,
    language: str,
    title: str = "",
    text: str = "",
    file: Any = None,
    now: datetime | None = None,
) -> AgreementDocument:
    """The agreement's text in `language` (created, or replaced if there is one)."""
    require_perm(actor, "cooperation.change_agreement", agreement)
    errors = FieldErrors()
    language = one_line(language).lower()
    if not language or len(language) > 8:
        errors.add("language", _("Give the document's language (for example ru or en)."), "invalid_language")
    if not clean_text(text) and file is None:
        errors.add("text", _("Give the text of the document or attach a file."), "required")
    errors.raise_if_any()
    document, created = AgreementDocument.objects.get_or_create(agreement=agreement, language=language)
    document.title = one_line(title)
    document.text = clean_text(text)
    if file is not None:
        document.file = file
    document.save()
    audit_record(
        obj=agreement, action="document", actor=actor, data={"language": language, "created": created}, now=now
    )
    return document


@transaction.atomic
def agreement_report_submit(
    *, agreement: Agreement, actor: Any, year: int, text: str, now: datetime | None = None
) -> AgreementReport:
    """The yearly activity report (one per year; submitting again replaces the year's text)."""
    require_perm(actor, "cooperation.report_agreement", agreement)
    now = now or timezone.now()
    errors = FieldErrors()
    if agreement.status not in (AgreementStatus.REGISTERED, AgreementStatus.ACTIVE, AgreementStatus.ENDED):
        errors.add("__all__", _("Reports are kept for agreements in force."), "not_in_force")
    if not 1900 <= year <= timezone.localdate(now).year:
        errors.add("year", _("Reports are for past or current years."), "invalid_year")
    text = clean_text(text)
    if not text:
        errors.add("text", _("Describe what was done in the year."), "required")
    errors.raise_if_any()
    report, created = AgreementReport.objects.update_or_create(
        agreement=agreement, year=year, defaults={"text": text, "author": actor}
    )
    audit_record(obj=agreement, action="report", actor=actor, data={"year": year, "created": created}, now=now)
    return report


@transaction.atomic
def municipality_interest_save(
    *,
    municipality: Municipality,
    actor: Any,
    areas: Iterable[CooperationArea],
    text: str = "",
    now: datetime | None = None,
) -> MunicipalityInterest:
    """What the municipality seeks in a partner."""
    require_perm(actor, "cooperation.change_interest", municipality)
    areas = list(areas)
    interest, _created = MunicipalityInterest.objects.get_or_create(municipality=municipality)
    interest.text = clean_text(text)
    interest.updated_by = actor
    interest.save()
    interest.areas.set(areas)
    audit_record(obj=interest, action="update", actor=actor, data={"areas": [a.code for a in areas]}, now=now)
    transaction.on_commit(selectors.finder_invalidate)
    return interest
