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
- Partnership proposals: the sending municipality's staff send and withdraw them, the receiving municipality's
  staff accept or decline them; both sides' staff read them; platform staff may do all of it.
- Association members: the association's active chair or staff, and platform staff, add and remove them.
- Roadmaps: a roadmap of an agreement is read like the agreement (concluded ones by everyone) and planned by the
  parties' people; an association's programme is public and planned by its active chair or staff; platform staff
  may do all of it ("cooperation.view_roadmap", "add_roadmap" with the agreement or association, "change_roadmap").
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


# --- roadmaps (services_roadmaps.py) ---------------------------------------------------------------------------
# A roadmap of an agreement is read with the agreement (concluded ones by everyone, drafts by the parties' people)
# and planned by the parties' people; an association's programme is public and planned by the association's
# acting chair or staff. Platform staff may do all of it.


def _roadmap_of(obj: Any) -> Any:
    """The roadmap of a roadmap, of one of its actions, or of an action's responsible side or result."""
    from .models import Roadmap, RoadmapAction

    if isinstance(obj, Roadmap):
        return obj
    if isinstance(obj, RoadmapAction):
        return obj.roadmap
    action = getattr(obj, "action", None)
    return action.roadmap if isinstance(action, RoadmapAction) else None


@rules.predicate
def plans_roadmap(user: Any, obj: Any) -> bool:
    """The people of the roadmap's owner: a party's people for an agreement's roadmap, the association's acting
    chair or staff for its programme."""
    roadmap = _roadmap_of(obj)
    if roadmap is None or not signed_in(user):
        return False
    if roadmap.agreement_id is not None:
        return bool(is_party_person(user, roadmap.agreement))
    return user_acts_for_organization(user, roadmap.association_id)


@rules.predicate
def is_public_roadmap(user: Any, obj: Any) -> bool:
    """An association's programme, or a roadmap of a concluded agreement."""
    roadmap = _roadmap_of(obj)
    if roadmap is None:
        return False
    if roadmap.agreement_id is None:
        return True
    return roadmap.agreement.status in CONCLUDED_STATUSES


@rules.predicate
def may_plan_for(user: Any, owner: Any) -> bool:
    """May start a roadmap for `owner`: an agreement (a party's people) or an association (its acting chair or
    staff)."""
    if not signed_in(user):
        return False
    if isinstance(owner, Agreement):
        return bool(is_party_person(user, owner))
    return owner is not None and user_acts_for_organization(user, getattr(owner, "pk", None))


rules.add_perm("cooperation.view_roadmap", is_public_roadmap | plans_roadmap | is_platform_staff)
rules.add_perm("cooperation.add_roadmap", may_plan_for | is_platform_staff)
rules.add_perm("cooperation.change_roadmap", plans_roadmap | is_platform_staff)


# --- partnership proposals and association members (services_proposals.py, services_associations.py) ----------


@rules.predicate
def is_proposal_sender_staff(user: Any, proposal: Any) -> bool:
    return proposal is not None and user_is_municipal_staff(user, proposal.from_municipality_id)


@rules.predicate
def is_proposal_receiver_staff(user: Any, proposal: Any) -> bool:
    return proposal is not None and user_is_municipal_staff(user, proposal.to_municipality_id)


@rules.predicate
def acts_for_association(user: Any, association: Any) -> bool:
    """The association's active chair or staff."""
    return association is not None and user_acts_for_organization(user, association.pk)


rules.add_perm("cooperation.send_proposal", is_staff_of_municipality | is_platform_staff)
rules.add_perm("cooperation.view_proposal", is_proposal_sender_staff | is_proposal_receiver_staff | is_platform_staff)
rules.add_perm("cooperation.answer_proposal", is_proposal_receiver_staff | is_platform_staff)
rules.add_perm("cooperation.withdraw_proposal", is_proposal_sender_staff | is_platform_staff)
rules.add_perm("cooperation.manage_association_members", acts_for_association | is_platform_staff)
