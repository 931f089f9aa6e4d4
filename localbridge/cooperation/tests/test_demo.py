"""The cooperation demo (cooperation/demo.py; load_demo runs it after the organisations and the network, and
site/tests/test_load_demo.py runs the whole of load_demo twice): the Union of Russian Cities' six agreements as the
Volgograd resolution states them (no invented dates), demo members marked as such, the URC programme with a late
and a done action, Blagoveshchensk's proposals; a second run adds nothing. The associations are made here under
the names load_demo gives them, so the test needs neither the reference data nor the rest of the demo."""

import pytest
from django.utils import timezone

from localbridge.cooperation.demo import (
    DEMO,
    PROGRAMME_TITLE,
    SMOLENSK_COUNCIL,
    TOS_ASSOCIATION,
    TWIN_CITIES,
    URC,
    URC_PARTNERS,
    load_cooperation_demo,
)
from localbridge.cooperation.models import (
    ActionStatus,
    Agreement,
    AgreementParty,
    AgreementStatus,
    AssociationMember,
    PartnershipProposal,
    Roadmap,
    RoadmapAction,
    TwinLink,
    TwinLinkSource,
)
from localbridge.core.models import AuditEntry
from localbridge.organizations.models import Organization, OrganizationKind
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory, RegionFactory

from .factories import municipal_staff

pytestmark = pytest.mark.django_db

PARTNER_COUNTRIES = ("KG", "BY", "AM", "TR", "KR", "FI")


def _association(name, code="RU", kind=OrganizationKind.ASSOCIATION_NATIONAL, **kwargs):
    country = CountryFactory(code=code, code3=code + "X", name_ru=code, name_en=code)
    return OrganizationFactory(kind=kind, name=name, municipality=None, region=None, country=country, **kwargs)


def _link(a, b):
    first, second = sorted((a.pk, b.pk))
    TwinLink.objects.create(municipality_a_id=first, municipality_b_id=second, source=TwinLinkSource.HEKMAN)


@pytest.fixture
def world():
    urc = _association(URC)
    for name, code in zip(URC_PARTNERS, PARTNER_COUNTRIES, strict=True):
        _association(name, code)
    _association(TWIN_CITIES, kind=OrganizationKind.ASSOCIATION_INTERNATIONAL)
    _association(TOS_ASSOCIATION, short_name="ОАТОС")
    _association(SMOLENSK_COUNCIL)
    amur = RegionFactory(code="RU-AMU")
    city = MunicipalityFactory(
        name_ru="Благовещенск", region=amur, country=amur.country, latitude=50.26, longitude=127.53, population=240_000
    )
    municipal_staff(city)
    OrganizationFactory(kind=OrganizationKind.TOS, name="ТОС «Демо» (демо)", municipality=city, is_generated=True)
    volgograd = MunicipalityFactory(name_ru="Волгоград", region=RegionFactory(code="RU-VGG"), country=amur.country)
    china = CountryFactory(code="CN", code3="CHN", name_ru="Китай", name_en="China")
    heihe = MunicipalityFactory(name_ru="Хэйхэ", country=china, region=None, latitude=50.24, longitude=127.49)
    harbin = MunicipalityFactory(name_ru="Харбин", country=china, region=None, latitude=45.75, longitude=126.65)
    _link(city, heihe)
    _link(volgograd, harbin)
    _link(volgograd, heihe)
    for n in range(3):
        MunicipalityFactory(country=china, region=None, latitude=48 + n, longitude=128 + n, population=200_000)
    return urc


def _state() -> tuple[int, ...]:
    return (
        Agreement.objects.count(),
        AgreementParty.objects.count(),
        AssociationMember.objects.count(),
        Roadmap.objects.count(),
        RoadmapAction.objects.count(),
        PartnershipProposal.objects.count(),
        Organization.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_demo_loads_the_real_association_agreements_and_marked_demo_data_once(world):
    urc = world
    line = load_cooperation_demo(now=timezone.now(), password="demo-password")
    assert "6 association agreements created" in line
    first = _state()
    assert "0 association agreements created, 6 already there" in load_cooperation_demo(now=timezone.now())
    assert _state() == first

    agreements = Agreement.objects.filter(parties__organization=urc, kind="association")
    assert agreements.count() == 6
    partner_countries = set(
        AgreementParty.objects.filter(agreement__in=agreements)
        .exclude(organization=urc)
        .values_list("organization__country__code", flat=True)
    )
    assert partner_countries == set(PARTNER_COUNTRIES)
    for agreement in agreements:
        assert agreement.status == AgreementStatus.SIGNED
        assert (agreement.signed_on, agreement.signed_place) == (None, "")  # the source states neither
        assert "не указаны" in agreement.description

    twin_cities = Organization.objects.get(name=TWIN_CITIES)
    members = AssociationMember.objects.filter(association=twin_cities).select_related("municipality__country")
    assert {m.municipality.name_ru for m in members} == {"Благовещенск", "Волгоград"}
    assert all(DEMO in m.note for m in members)
    tos_members = AssociationMember.objects.filter(association__name=TOS_ASSOCIATION)
    assert {(m.municipality and m.municipality.name_ru) or m.organization.name for m in tos_members} == {
        "Благовещенск",
        SMOLENSK_COUNCIL,
    }
    assert all(DEMO in m.note for m in tos_members)

    programme = Roadmap.objects.get(association=urc, title=PROGRAMME_TITLE)
    today = timezone.localdate()
    actions = list(programme.actions.all())
    assert [a.status for a in actions].count(ActionStatus.DONE) == 1
    assert [a.is_late(today) for a in actions].count(True) == 1
    assert all(DEMO in a.title for a in actions)

    proposals = PartnershipProposal.objects.filter(from_municipality__name_ru="Благовещенск")
    assert sorted(proposals.values_list("status", flat=True)) == ["accepted", "sent"]
    assert not proposals.filter(to_municipality__name_ru="Хэйхэ").exists()  # never to an existing partner
    accepted = proposals.get(status="accepted")
    assert accepted.agreement.status == AgreementStatus.DRAFT
    assert accepted.answered_by.email == "partner@demo.localbridge.local"
    assert all(DEMO in p.message for p in proposals)


def test_without_the_associations_the_demo_says_so_and_makes_nothing():
    assert "not loaded" in load_cooperation_demo(now=timezone.now())
    assert not Agreement.objects.exists()
