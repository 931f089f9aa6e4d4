"""Who may see and do what in events, the knowledge library and resolutions, as django-rules predicates."""

# ---------------------------------------------------------------------------------------------------------------
# The knowledge library (matrix in docs/events.md, "Knowledge library"; tests/test_library_rules.py)
#
# - Everyone reads published documents; drafts and withdrawn ones are seen by their editors and their creator.
# - Editors of any document: platform staff and the acting chairs and staff of associations (national and
#   international associations of local authorities and of ТОС), who curate the library.
# - Editors of a municipality's documents: the staff of its administration. Any municipal staff may add documents;
#   the services then require the document to be of their municipality.
# - Editors change a document, add versions, publish and withdraw it.
# ---------------------------------------------------------------------------------------------------------------

from typing import Any

import rules

from localbridge.core.rules import is_platform_staff, signed_in
from localbridge.organizations.models import Membership, MembershipRole, OrganizationKind
from localbridge.organizations.rules import user_is_any_municipal_staff, user_is_municipal_staff

from .models import LibraryDocumentStatus

LIBRARY_ACTING_ROLES = (MembershipRole.CHAIR, MembershipRole.STAFF)
LIBRARY_ASSOCIATION_KINDS = (OrganizationKind.ASSOCIATION_NATIONAL, OrganizationKind.ASSOCIATION_INTERNATIONAL)


def user_acts_for_an_association(user: Any) -> bool:
    """An active chair or staff membership in a national or international association."""
    if not signed_in(user):
        return False
    return Membership.objects.filter(
        user=user, is_active=True, role__in=LIBRARY_ACTING_ROLES, organization__kind__in=LIBRARY_ASSOCIATION_KINDS
    ).exists()


def user_is_library_curator(user: Any) -> bool:
    """Platform staff or an association's acting chair/staff: may edit any library document."""
    return bool(is_platform_staff(user)) or user_acts_for_an_association(user)


@rules.predicate
def is_library_curator(user: Any) -> bool:
    return user_is_library_curator(user)


@rules.predicate
def is_any_municipal_staff_for_library(user: Any) -> bool:
    return user_is_any_municipal_staff(user)


@rules.predicate
def is_staff_of_document_municipality(user: Any, document: Any) -> bool:
    municipality_id = getattr(document, "municipality_id", None)
    return municipality_id is not None and user_is_municipal_staff(user, municipality_id)


@rules.predicate
def is_published_document(user: Any, document: Any) -> bool:
    return getattr(document, "status", None) == LibraryDocumentStatus.PUBLISHED


@rules.predicate
def is_document_creator(user: Any, document: Any) -> bool:
    return signed_in(user) and document is not None and getattr(document, "created_by_id", None) == user.pk


edit_library_document = is_library_curator | is_staff_of_document_municipality

rules.add_perm("events.view_librarydocument", is_published_document | edit_library_document | is_document_creator)
rules.add_perm("events.add_librarydocument", is_library_curator | is_any_municipal_staff_for_library)
rules.add_perm("events.change_librarydocument", edit_library_document)
rules.add_perm("events.publish_librarydocument", edit_library_document)


# ---------------------------------------------------------------------------------------------------------------
# Events, registrations, materials (matrix in docs/events.md, "Events"; tests/test_events_rules.py)
#
# - Everyone reads published and cancelled events; drafts are seen by those who run the event.
# - An event is run (edited, its programme and materials changed, published, cancelled, its registrations seen,
#   attendance marked, the list downloaded) by the acting chair and staff of an organiser organisation (not of a
#   partner), by the staff of the event's municipality, and by platform staff.
# - An event is created for an organiser organisation by its acting chair or staff, by the staff of the
#   organisation's municipality, or by platform staff.
# - Any signed-in person registers for a published event (the services check the dates and the seats); a
#   registration is cancelled by its person or by those who run the event.
# ---------------------------------------------------------------------------------------------------------------

import typing as _typing  # noqa: E402

import rules as _event_rules  # noqa: E402

from localbridge.core import rules as _core_rules  # noqa: E402
from localbridge.organizations import models as _organization_models  # noqa: E402
from localbridge.organizations import rules as _organization_rules  # noqa: E402

from . import models as _event_models  # noqa: E402

# Roles that act for an organiser organisation.
EVENT_ACTING_ROLES = (_organization_models.MembershipRole.CHAIR, _organization_models.MembershipRole.STAFF)


def _event_of(obj: object) -> "_event_models.Event | None":
    if isinstance(obj, _event_models.Event):
        return obj
    event = getattr(obj, "event", None)
    return event if isinstance(event, _event_models.Event) else None


def user_organises_event(user: _typing.Any, event: "_event_models.Event") -> bool:
    """An active chair or staff membership in one of the event's organiser organisations (one query)."""
    if event.pk is None or not _core_rules.signed_in(user):
        return False
    return _organization_models.Membership.objects.filter(
        user=user,
        is_active=True,
        role__in=EVENT_ACTING_ROLES,
        organization__event_links__event=event,
        organization__event_links__role=_event_models.OrganizerRole.ORGANIZER,
    ).exists()


def user_may_organise_for(user: _typing.Any, organization: object) -> bool:
    """The organisation's acting chair or staff, or the staff of its municipality."""
    if not isinstance(organization, _organization_models.Organization) or not _core_rules.signed_in(user):
        return False
    acting = _organization_models.Membership.objects.filter(
        user=user, organization=organization, is_active=True, role__in=EVENT_ACTING_ROLES
    ).exists()
    return acting or _organization_rules.user_is_municipal_staff(user, organization.municipality_id)


def user_may_create_events(user: _typing.Any) -> bool:
    """Someone who may organise for at least one organisation (an acting role anywhere, or municipal staff)."""
    if not _core_rules.signed_in(user):
        return False
    return _organization_models.Membership.objects.filter(
        user=user, is_active=True, role__in=EVENT_ACTING_ROLES
    ).exists() or _organization_rules.user_is_any_municipal_staff(user)


@_event_rules.predicate
def is_event_organiser(user: _typing.Any, obj: object) -> bool:
    event = _event_of(obj)
    return event is not None and user_organises_event(user, event)


@_event_rules.predicate
def is_event_municipal_staff(user: _typing.Any, obj: object) -> bool:
    event = _event_of(obj)
    return event is not None and _organization_rules.user_is_municipal_staff(user, event.municipality_id)


@_event_rules.predicate
def is_public_event(user: _typing.Any, obj: object) -> bool:
    event = _event_of(obj)
    return event is not None and event.is_public


@_event_rules.predicate
def is_registration_owner(user: _typing.Any, registration: object) -> bool:
    return (
        isinstance(registration, _event_models.Registration)
        and _core_rules.signed_in(user)
        and registration.user_id == getattr(user, "pk", None)
    )


@_event_rules.predicate
def may_organise_for(user: _typing.Any, organization: object) -> bool:
    return user_may_organise_for(user, organization)


@_event_rules.predicate
def may_create_events(user: _typing.Any) -> bool:
    return user_may_create_events(user)


runs_event = is_event_organiser | is_event_municipal_staff | _core_rules.is_platform_staff

_event_rules.add_perm("events.view_event", is_public_event | runs_event)
_event_rules.add_perm("events.create_event", may_create_events | _core_rules.is_platform_staff)  # no object
_event_rules.add_perm("events.organise_for", may_organise_for | _core_rules.is_platform_staff)  # object: organisation
_event_rules.add_perm("events.change_event", runs_event)  # details, programme, materials
_event_rules.add_perm("events.publish_event", runs_event)
_event_rules.add_perm("events.cancel_event", runs_event)
_event_rules.add_perm("events.manage_registrations", runs_event)  # the list, attendance, the download
_event_rules.add_perm("events.register_event", _core_rules.is_signed_in)
# object: the registration
_event_rules.add_perm("events.cancel_registration", is_registration_owner | runs_event)


# ---------------------------------------------------------------------------------------------------------------
# Resolutions and their items (matrix in docs/events.md, "Resolutions"; tests/test_resolution_rules.py)
#
# - Everyone, signed in or not, reads resolutions, their items, statuses, comments and evidence: they are public.
# - Resolution editors: platform staff, and the acting chair and staff of an organiser organisation (not a
#   partner) of the resolution's event. A resolution without an event is edited by platform staff only.
# - A resolution is entered by platform staff (for any event or none) or by an organiser's acting chair or staff
#   for their event; the "Enter a resolution" page opens to anyone who acts for an organiser of some event.
# - An item's status is set, and comments and evidence added, by the resolution's editors and by the acting chair
#   and staff of an organisation the item is addressed to (its registry addressees).
# ---------------------------------------------------------------------------------------------------------------

from typing import Any  # noqa: E402

import rules as _resolution_rules  # noqa: E402

from localbridge.core import rules as _resolution_core_rules  # noqa: E402
from localbridge.organizations import models as _resolution_org_models  # noqa: E402

from . import models as _resolution_models  # noqa: E402

RESOLUTION_ACTING_ROLES = (_resolution_org_models.MembershipRole.CHAIR, _resolution_org_models.MembershipRole.STAFF)


def _acting_memberships(user: Any) -> Any:
    return _resolution_org_models.Membership.objects.filter(user=user, is_active=True, role__in=RESOLUTION_ACTING_ROLES)


def user_organises_event_of_resolution(user: Any, event_id: int | None) -> bool:
    """An acting chair or staff of an organiser organisation of event `event_id` (one query)."""
    if event_id is None or not _resolution_core_rules.signed_in(user):
        return False
    return (
        _acting_memberships(user)
        .filter(
            organization__event_links__event_id=event_id,
            organization__event_links__role=_resolution_models.OrganizerRole.ORGANIZER,
        )
        .exists()
    )


def user_organises_any_event(user: Any) -> bool:
    if not _resolution_core_rules.signed_in(user):
        return False
    return (
        _acting_memberships(user)
        .filter(organization__event_links__role=_resolution_models.OrganizerRole.ORGANIZER)
        .exists()
    )


def user_acts_for_item_addressee(user: Any, item: Any) -> bool:
    """An acting chair or staff of one of the organisations the item is addressed to (one query)."""
    if not isinstance(item, _resolution_models.ResolutionItem) or not _resolution_core_rules.signed_in(user):
        return False
    return _acting_memberships(user).filter(organization__resolution_items=item).exists()


def _resolution_of(obj: Any) -> Any:
    if isinstance(obj, _resolution_models.Resolution):
        return obj
    if isinstance(obj, _resolution_models.ResolutionItem):
        return obj.resolution
    return None


@_resolution_rules.predicate
def is_resolution_event_organiser(user: Any, obj: Any) -> bool:
    resolution = _resolution_of(obj)
    return resolution is not None and user_organises_event_of_resolution(user, resolution.event_id)


@_resolution_rules.predicate
def is_organiser_of_event(user: Any, event: Any) -> bool:
    """The object is an Event (the event a new resolution is entered for)."""
    return isinstance(event, _resolution_models.Event) and user_organises_event_of_resolution(user, event.pk)


@_resolution_rules.predicate
def organises_any_event(user: Any) -> bool:
    return user_organises_any_event(user)


@_resolution_rules.predicate
def acts_for_item_addressee(user: Any, item: Any) -> bool:
    return user_acts_for_item_addressee(user, item)


edits_resolution = is_resolution_event_organiser | _resolution_core_rules.is_platform_staff

_resolution_rules.add_perm("events.view_resolution", _resolution_rules.always_allow)
# No object: may open the "Enter a resolution" page.
_resolution_rules.add_perm("events.enter_resolution", organises_any_event | _resolution_core_rules.is_platform_staff)
# Object: the event the resolution is entered for, or None (then platform staff only).
_resolution_rules.add_perm("events.add_resolution", is_organiser_of_event | _resolution_core_rules.is_platform_staff)
_resolution_rules.add_perm("events.change_resolution", edits_resolution)  # object: the resolution or an item
# Object: the item. Status, comments and evidence.
_resolution_rules.add_perm("events.update_resolution_item", edits_resolution | acts_for_item_addressee)
