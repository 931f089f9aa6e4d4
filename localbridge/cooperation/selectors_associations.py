"""Reads of associations of local authorities: the list with member and agreement counts, an association's
members, agreements and programmes (roadmaps)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from localbridge.organizations.models import PUBLIC_STATUSES, Organization, OrganizationKind

from . import selectors
from .models import CONCLUDED_STATUSES, Agreement, AgreementParty, AssociationMember, Roadmap

ASSOCIATION_KINDS = (OrganizationKind.ASSOCIATION_NATIONAL, OrganizationKind.ASSOCIATION_INTERNATIONAL)


def _count(queryset: QuerySet[Any], field: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` rows whose `field` is the outer row (no join that multiplies rows)."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def association_list(*, kind: str = "", country: str = "") -> QuerySet[Organization]:
    """Public national and international associations by name, each with `member_count` and `agreement_count`
    (concluded agreements: signed, registered, active, ended)."""
    associations = Organization.objects.filter(kind__in=ASSOCIATION_KINDS, status__in=PUBLIC_STATUSES)
    if kind in ASSOCIATION_KINDS:
        associations = associations.filter(kind=kind)
    if country:
        associations = associations.filter(country__code=country)
    concluded = AgreementParty.objects.filter(agreement__status__in=CONCLUDED_STATUSES)
    return (
        associations.select_related("country")
        .annotate(
            member_count=_count(AssociationMember.objects.all(), "association"),
            agreement_count=_count(concluded, "organization"),
        )
        .order_by("name", "pk")
    )


def association_get(*, id: int) -> Organization:
    return Organization.objects.select_related("country", "municipality").get(
        pk=id, kind__in=ASSOCIATION_KINDS, status__in=PUBLIC_STATUSES
    )


def association_choices() -> QuerySet[Organization]:
    return Organization.objects.filter(kind__in=ASSOCIATION_KINDS, status__in=PUBLIC_STATUSES).order_by("name", "pk")


def association_members(*, association_id: int) -> list[AssociationMember]:
    """Member associations first, then municipalities, each by country and name."""
    members = AssociationMember.objects.filter(association_id=association_id).select_related(
        "municipality__country", "organization__country"
    )

    def key(member: AssociationMember) -> tuple[int, str, str]:
        if member.organization is not None:
            return (0, member.organization.country.name, member.organization.name)
        assert member.municipality is not None
        return (1, member.municipality.country.name, member.municipality.name)

    return sorted(members, key=key)


def association_memberships(*, association_id: int) -> QuerySet[AssociationMember]:
    """The associations this one is a member of."""
    return AssociationMember.objects.filter(organization_id=association_id).select_related("association__country")


def association_agreements(*, association_id: int, user: Any) -> list[Agreement]:
    """The agreements the association is a party to that the user may see, with their parties, newest first."""
    ids = AgreementParty.objects.filter(organization_id=association_id).values("agreement_id")
    return list(
        selectors.agreement_visible_to(user).filter(pk__in=ids).prefetch_related("parties__organization__country")
    )


def association_programmes(*, association_id: int) -> QuerySet[Roadmap]:
    return Roadmap.objects.filter(association_id=association_id).order_by("-starts_on", "title", "pk")


def association_countries() -> list[tuple[str, str]]:
    """(code, name) of the countries that have a public association, by name."""
    countries = {
        org.country.code: org.country.name
        for org in Organization.objects.filter(kind__in=ASSOCIATION_KINDS, status__in=PUBLIC_STATUSES).select_related(
            "country"
        )
    }
    return sorted(countries.items(), key=lambda item: item[1])


def association_member_get(*, association_id: int, id: int) -> AssociationMember:
    return AssociationMember.objects.select_related("association").get(pk=id, association_id=association_id)
