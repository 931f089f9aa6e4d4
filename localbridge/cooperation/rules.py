"""Who may see and do what in cooperation, as django-rules predicates. The matrix is in docs/cooperation.md and
tested in tests/test_rules.py.

- Everyone reads concluded agreements (signed, registered, active, ended), the twin-city network and partner
  suggestions. Drafts and agreements awaiting approval are seen by the parties' people and platform staff.
- A party's people: the staff of the administration of a party municipality
  (organizations.rules.user_is_municipal_staff), or an active chair or staff of a party association.
- They edit the agreement, its parties, documents and reports, and move it through its lifecycle; platform
  staff may do all of it.
- Municipal staff (of any municipality) and association chairs/staff create agreements; the services then
  require the creator to act for one of the parties (platform staff excepted).
- A municipality's staff and platform staff state what the municipality seeks (its partnership interest).
"""

from typing import Any

import rules

from localbridge.core.rules import is_platform_staff, signed_in
from localbridge.organizations.models import Membership, MembershipRole
from localbridge.organizations.rules import user_is_any_municipal_staff, user_is_municipal_staff
from localbridge.territories.models import Municipality

from .models import CONCLUDED_STATUSES, Agreement, AgreementParty

ACTING_ROLES = (MembershipRole.CHAIR, MembershipRole.STAFF)


def user_acts_for_party(user: Any, party: AgreementParty) -> bool:
    if party.municipality_id is not None:
        return user_is_municipal_staff(user, party.municipality_id)
    return user_acts_for_organization(user, party.organization_id)


def user_acts_for_organization(user: Any, organization_id: int | None) -> bool:
    if organization_id is None or not signed_in(user):
        return False
    return Membership.objects.filter(
        user=user, organization_id=organization_id, is_active=True, role__in=ACTING_ROLES
    ).exists()


def _agreement(obj: Any) -> Agreement | None:
    if isinstance(obj, Agreement):
        return obj
    agreement = getattr(obj, "agreement", None)
    return agreement if isinstance(agreement, Agreement) else None


@rules.predicate
def is_party_person(user: Any, obj: Any) -> bool:
    """Staff of a party municipality, or an acting chair/staff of a party association."""
    agreement = _agreement(obj)
    if agreement is None or agreement.pk is None or not signed_in(user):
        return False
    return any(user_acts_for_party(user, party) for party in agreement.parties.all())


@rules.predicate
def is_concluded(user: Any, obj: Any) -> bool:
    agreement = _agreement(obj)
    return agreement is not None and agreement.status in CONCLUDED_STATUSES


@rules.predicate
def may_start_agreements(user: Any) -> bool:
    if not signed_in(user):
        return False
    return (
        user_is_any_municipal_staff(user)
        or Membership.objects.filter(
            user=user, is_active=True, role__in=ACTING_ROLES, organization__kind__startswith="association"
        ).exists()
    )


@rules.predicate
def is_staff_of_municipality(user: Any, municipality: Municipality | None) -> bool:
    return municipality is not None and user_is_municipal_staff(user, municipality.pk)


manage_agreement = is_party_person | is_platform_staff

rules.add_perm("cooperation.view_agreement", is_concluded | manage_agreement)
rules.add_perm("cooperation.add_agreement", may_start_agreements | is_platform_staff)
rules.add_perm("cooperation.change_agreement", manage_agreement)
rules.add_perm("cooperation.move_agreement", manage_agreement)
rules.add_perm("cooperation.report_agreement", manage_agreement)
rules.add_perm("cooperation.change_interest", is_staff_of_municipality | is_platform_staff)
