"""Factories and helpers for cooperation tests."""

from typing import Any

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation.models import Agreement, AgreementKind, CooperationArea
from localbridge.cooperation.services import PartyIn, agreement_create
from localbridge.organizations.models import MembershipRole, OrganizationKind
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory, OrganizationFactory
from localbridge.territories.models import Municipality
from localbridge.territories.tests.factories import CountryFactory


def municipal_staff(municipality: Municipality) -> Any:
    """A user with a staff membership in the municipality's administration."""
    user = UserFactory()
    MembershipFactory(
        user=user, organization=AdministrationFactory(municipality=municipality), role=MembershipRole.STAFF
    )
    return user


def association(**kwargs: Any) -> Any:
    return OrganizationFactory(
        kind=OrganizationKind.ASSOCIATION_NATIONAL, municipality=None, region=None, country=CountryFactory(), **kwargs
    )


def area(code: str) -> CooperationArea:
    """A seeded area (seeded again when a transactional test has flushed the tables)."""
    return CooperationArea.objects.get_or_create(code=code, defaults={"name_ru": code, "name_en": code})[0]


def draft_agreement(actor: Any, *municipalities: Municipality, **kwargs: Any) -> Agreement:
    kwargs.setdefault("kind", AgreementKind.TWINNING)
    kwargs.setdefault("title", "Соглашение о побратимстве")
    return agreement_create(actor=actor, parties=[PartyIn(municipality=m) for m in municipalities], **kwargs)


# --- roadmaps ----------------------------------------------------------------------------------------------------


def signed_agreement(actor: Any, *municipalities: Municipality, **kwargs: Any) -> Agreement:
    """A concluded (signed) agreement of the municipalities: the public sees it and its roadmaps."""
    from localbridge.cooperation.services import agreement_move

    agreement = draft_agreement(actor, *municipalities, **kwargs)
    agreement_move(agreement=agreement, action="submit", actor=actor)
    agreement_move(agreement=agreement, action="sign", actor=actor)
    return agreement


def side(party: Any, person: str = "") -> Any:
    """A responsible side (services_roadmaps.SideIn) for a municipality or an association."""
    from localbridge.cooperation.services_roadmaps import SideIn

    if isinstance(party, Municipality):
        return SideIn(municipality=party, person=person)
    return SideIn(organization=party, person=person)


def roadmap(actor: Any, owner: Any, **kwargs: Any) -> Any:
    """A roadmap of an agreement, or a programme of an association (`owner`)."""
    from localbridge.cooperation.services_roadmaps import roadmap_create

    kwargs.setdefault("title", "Дорожная карта на 2025–2026 годы")
    if isinstance(owner, Agreement):
        return roadmap_create(actor=actor, agreement=owner, **kwargs)
    return roadmap_create(actor=actor, association=owner, **kwargs)


def action(actor: Any, roadmap: Any, *sides: Any, **kwargs: Any) -> Any:
    """An action of `roadmap` answered for by `sides` (municipalities or associations, or SideIn)."""
    from datetime import date

    from localbridge.cooperation.services_roadmaps import SideIn, action_add

    kwargs.setdefault("title", "Обмен делегациями молодёжи")
    kwargs.setdefault("due_on", date(2025, 6, 1))
    responsibles = [s if isinstance(s, SideIn) else side(s) for s in sides]
    return action_add(roadmap=roadmap, actor=actor, responsibles=responsibles, **kwargs)


def association_member(association: Any, member: Any) -> Any:
    """`member` (a municipality or an association) joins `association`."""
    from localbridge.cooperation.models import AssociationMember

    if isinstance(member, Municipality):
        return AssociationMember.objects.create(association=association, municipality=member)
    return AssociationMember.objects.create(association=association, organization=member)


def association_chair(association: Any) -> Any:
    """A user who is the active chair of the association."""
    user = UserFactory()
    MembershipFactory(user=user, organization=association, role=MembershipRole.CHAIR)
    return user
