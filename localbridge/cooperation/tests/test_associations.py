"""Associations of local authorities: members added and removed by the association's acting chair or staff (or
platform staff) with coded errors; the list with member and agreement counts; an association's page with its
members on a map, its agreements (with associations, with municipalities), its programmes; query counts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation import selectors_associations
from localbridge.cooperation.models import AssociationMember, Roadmap
from localbridge.cooperation.services import PartyIn, agreement_create, agreement_move
from localbridge.cooperation.services_associations import association_member_add, association_member_remove
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.organizations.models import MembershipRole, OrganizationKind
from localbridge.organizations.tests.factories import MembershipFactory, OrganizationFactory
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

from .factories import association, municipal_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def union():
    return association(name="Союз российских городов", short_name="СРГ")


@pytest.fixture
def chair(union):
    user = UserFactory()
    MembershipFactory(user=user, organization=union, role=MembershipRole.CHAIR)
    return user


def codes(excinfo) -> set[str]:
    return error_codes(excinfo.value)


def concluded(actor, *parties, title="Соглашение о сотрудничестве"):
    agreement = agreement_create(actor=actor, kind="association", title=title, parties=list(parties))
    agreement_move(agreement=agreement, action="submit", actor=actor)
    agreement_move(agreement=agreement, action="sign", actor=actor)
    return agreement


# --- the services ------------------------------------------------------------------------------------------------


def test_the_chair_adds_a_municipality_and_an_association_and_removes_them_audited(union, chair):
    city, national = MunicipalityFactory(), association()
    member = association_member_add(actor=chair, association=union, municipality=city, note="  с 1991 года ")
    other = association_member_add(actor=chair, association=union, organization=national)
    assert (member.municipality, member.note) == (city, "с 1991 года")
    assert other.organization == national
    association_member_remove(actor=chair, member=member)
    assert list(AssociationMember.objects.filter(association=union)) == [other]
    assert [e.action for e in audit_history(obj=union)] == ["member_add", "member_add", "member_remove"]


def test_who_may_manage_members(union, chair):
    staff, plain_member, platform = UserFactory(), UserFactory(), UserFactory(is_staff=True)
    MembershipFactory(user=staff, organization=union, role=MembershipRole.STAFF)
    MembershipFactory(user=plain_member, organization=union, role=MembershipRole.MEMBER)
    other_chair = UserFactory()
    MembershipFactory(user=other_chair, organization=association(), role=MembershipRole.CHAIR)
    for user in (chair, staff, platform):
        assert user.has_perm("cooperation.manage_association_members", union)
    for user in (plain_member, other_chair, municipal_staff(MunicipalityFactory()), UserFactory()):
        assert not user.has_perm("cooperation.manage_association_members", union)
        with pytest.raises(PermissionDenied):
            association_member_add(actor=user, association=union, municipality=MunicipalityFactory())
    member = association_member_add(actor=staff, association=union, municipality=MunicipalityFactory())
    with pytest.raises(PermissionDenied):
        association_member_remove(actor=plain_member, member=member)
    association_member_remove(actor=platform, member=member)


def test_an_association_is_not_its_own_member(union, chair):
    with pytest.raises(ValidationError) as excinfo:
        association_member_add(actor=chair, association=union, organization=union)
    assert codes(excinfo) == {"member_itself"}


def test_a_member_is_added_once(union, chair):
    city, national = MunicipalityFactory(), association()
    association_member_add(actor=chair, association=union, municipality=city)
    association_member_add(actor=chair, association=union, organization=national)
    with pytest.raises(ValidationError) as excinfo:
        association_member_add(actor=chair, association=union, municipality=city)
    assert codes(excinfo) == {"member_twice"}
    with pytest.raises(ValidationError) as excinfo:
        association_member_add(actor=chair, association=union, organization=national)
    assert codes(excinfo) == {"member_twice"}
    assert AssociationMember.objects.count() == 2


def test_a_member_is_a_municipality_or_an_association_of_local_authorities(union, chair):
    with pytest.raises(ValidationError) as excinfo:
        association_member_add(actor=chair, association=union)
    assert codes(excinfo) == {"member_kind"}
    with pytest.raises(ValidationError) as excinfo:
        association_member_add(
            actor=chair, association=union, municipality=MunicipalityFactory(), organization=association()
        )
    assert codes(excinfo) == {"member_kind"}
    with pytest.raises(ValidationError) as excinfo:
        association_member_add(actor=chair, association=union, organization=OrganizationFactory())
    assert codes(excinfo) == {"member_not_association"}


def test_membership_cannot_go_both_ways(union, chair):
    international = association()
    association_member_add(actor=UserFactory(is_staff=True), association=international, organization=union)
    with pytest.raises(ValidationError) as excinfo:
        association_member_add(actor=chair, association=union, organization=international)
    assert codes(excinfo) == {"member_cycle"}


def test_only_an_association_has_members(chair):
    ngo = OrganizationFactory()
    with pytest.raises(ValidationError) as excinfo:
        association_member_add(actor=UserFactory(is_staff=True), association=ngo, municipality=MunicipalityFactory())
    assert codes(excinfo) == {"not_association"}


# --- the list ----------------------------------------------------------------------------------------------------


def test_the_list_counts_members_and_concluded_agreements_and_filters(client, union, chair):
    finland = CountryFactory(code="FI", code3="FIN", name_ru="Финляндия", name_en="Finland")
    finns = association(name="Ассоциация финских местных и региональных властей")
    finns.country = finland
    finns.save()
    twin = association(name="Породнённые города")
    twin.kind = OrganizationKind.ASSOCIATION_INTERNATIONAL
    twin.save()
    for _ in range(3):
        association_member_add(actor=chair, association=union, municipality=MunicipalityFactory())
    concluded(chair, PartyIn(organization=union), PartyIn(organization=finns))
    agreement_create(  # a draft: not counted on the public list
        actor=chair,
        kind="association",
        title="Черновик",
        parties=[PartyIn(organization=union), PartyIn(organization=twin)],
    )
    OrganizationFactory(kind=OrganizationKind.NGO, name="Не ассоциация")
    url = reverse("cooperation:associations")
    rows = {a.name: (a.member_count, a.agreement_count) for a in client.get(url).context["page"].object_list}
    assert rows == {union.name: (3, 1), finns.name: (0, 1), twin.name: (0, 0)}
    shown = [a.pk for a in client.get(url, {"country": "FI"}).context["page"].object_list]
    assert shown == [finns.pk]
    shown = [a.pk for a in client.get(url, {"kind": "association_international"}).context["page"].object_list]
    assert shown == [twin.pk]


def test_the_list_reads_in_the_same_number_of_queries_as_associations_grow(client, union):
    url = reverse("cooperation:associations")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    platform = UserFactory(is_staff=True)
    for _ in range(4):
        other = association()
        association_member_add(actor=platform, association=other, municipality=MunicipalityFactory())
        concluded(platform, PartyIn(organization=other), PartyIn(organization=union))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 5
    assert len(many) == len(few)


# --- an association's page ---------------------------------------------------------------------------------------


def test_the_page_shows_members_on_a_map_agreements_by_kind_of_partner_and_programmes(client, union, chair):
    city = MunicipalityFactory(name_ru="Волгоград", latitude=48.7, longitude=44.5)
    no_coordinates = MunicipalityFactory(name_ru="Без координат")
    national = association(name="Союз общин Республики Армения")
    for kwargs in ({"municipality": city}, {"municipality": no_coordinates}, {"organization": national}):
        association_member_add(actor=chair, association=union, **kwargs)
    with_association = concluded(chair, PartyIn(organization=union), PartyIn(organization=national))
    with_city = concluded(chair, PartyIn(organization=union), PartyIn(municipality=city), title="С городом")
    hidden = agreement_create(
        actor=chair,
        kind="association",
        title="Черновик",
        parties=[PartyIn(organization=union), PartyIn(municipality=city)],
    )
    programme = Roadmap.objects.create(association=union, title="Программа «Международные отношения»")

    response = client.get(reverse("cooperation:association", args=[union.pk]))
    assert response.status_code == 200
    context = response.context
    assert [m.organization_id or m.municipality_id for m in context["members"]][0] == national.pk
    assert context["map_data"]["partners"] == [
        {"name": "Волгоград", "lat": 48.7, "lon": 44.5, "url": reverse("cooperation:network", args=[city.pk])}
    ]
    assert [a.pk for a, _others in context["with_associations"]] == [with_association.pk]
    assert [(a.pk, [p.municipality_id for p in others]) for a, others in context["with_municipalities"]] == [
        (with_city.pk, [city.pk])
    ]
    page = response.content.decode()
    assert hidden.title not in page  # a draft is for its parties only
    assert reverse("cooperation:roadmap", args=[programme.pk]) in page
    assert 'id="member-form"' not in page  # the public may not manage members

    client.force_login(chair)
    response = client.get(reverse("cooperation:association", args=[union.pk]))
    assert 'id="member-form"' in response.content.decode()
    assert [a.pk for a, _o in response.context["with_municipalities"]] == [hidden.pk, with_city.pk]


def test_the_page_reads_in_the_same_number_of_queries_as_members_and_agreements_grow(client, union, chair):
    client.force_login(chair)
    url = reverse("cooperation:association", args=[union.pk])

    def grow(n):
        city = MunicipalityFactory(latitude=10 + n, longitude=10)
        association_member_add(actor=chair, association=union, municipality=city)
        association_member_add(actor=chair, association=union, organization=association())
        concluded(chair, PartyIn(organization=union), PartyIn(municipality=city), PartyIn(organization=association()))
        concluded(chair, PartyIn(organization=union), PartyIn(organization=association()))
        Roadmap.objects.create(association=union, title=f"Программа {n}")

    grow(0)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 5):
        grow(n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["member_count"] == 10
    assert len(many) == len(few)


def test_members_are_added_and_removed_on_the_page_with_errors_beside_the_field(client, union, chair):
    city = MunicipalityFactory()
    add = reverse("cooperation:association_member_add", args=[union.pk])
    client.force_login(UserFactory())
    assert client.post(add, {"municipality": city.pk}).status_code == 403
    client.force_login(chair)
    assert client.get(add).status_code == 405
    response = client.post(add, {"municipality": city.pk, "note": "демо"})
    assert response["Location"] == reverse("cooperation:association", args=[union.pk])
    member = AssociationMember.objects.get()
    response = client.post(add, {"municipality": city.pk})
    assert response.status_code == 400
    assert [e.code for e in response.context["member_form"].errors.as_data()["municipality"]] == ["member_twice"]
    response = client.post(add, {})
    assert [e.code for e in response.context["member_form"].errors.as_data()["municipality"]] == ["member_kind"]
    response = client.post(add, {"municipality": "нет такого"})
    assert response.status_code == 400
    assert AssociationMember.objects.count() == 1

    remove = reverse("cooperation:association_member_remove", args=[union.pk, member.pk])
    client.force_login(UserFactory())
    assert client.post(remove).status_code == 403
    client.force_login(chair)
    assert client.post(reverse("cooperation:association_member_remove", args=[union.pk, 10**9])).status_code == 404
    assert client.post(remove).status_code == 302
    assert not AssociationMember.objects.exists()


def test_an_organisation_that_is_not_an_association_has_no_page(client):
    assert client.get(reverse("cooperation:association", args=[OrganizationFactory().pk])).status_code == 404
    assert client.get(reverse("cooperation:association", args=[10**9])).status_code == 404


def test_the_selector_lists_memberships_of_an_association(union, chair):
    international = association()
    association_member_add(actor=UserFactory(is_staff=True), association=international, organization=union)
    assert [m.association for m in selectors_associations.association_memberships(association_id=union.pk)] == [
        international
    ]
