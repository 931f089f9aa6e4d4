"""`manage.py seed_registry`: generated organisations, clearly marked, spread over the regions, replaceable."""

import io

import pytest
from django.core.management import CommandError, call_command

from localbridge.organizations.models import BodyMember, Organization, OrganizationKind, TosProfile
from localbridge.organizations.services import ogrn_is_valid, organization_search_text
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db


def seed(count, seed=1):
    call_command("seed_registry", organizations=count, seed=seed, stdout=io.StringIO())


@pytest.fixture
def towns():
    regions = [
        RegionFactory(code=code, name_ru=name)
        for code, name in [
            ("RU-AMU", "Амурская область"),
            ("RU-TOM", "Томская область"),
            ("RU-MOS", "Московская область"),
        ]
    ]
    return [MunicipalityFactory(region=regions[i % 3]) for i in range(6)]


def test_without_municipalities_it_says_to_load_the_reference_first():
    with pytest.raises(CommandError, match="load_reference"):
        seed(10)


def test_it_generates_marked_organisations_over_every_region(towns):
    seed(300)
    generated = Organization.objects.filter(is_generated=True)
    assert generated.count() == 300
    assert all("(сгенерировано)" in name for name in generated.values_list("name", flat=True))
    assert set(generated.values_list("region__code", flat=True)) == {"RU-AMU", "RU-TOM", "RU-MOS"}
    kinds = set(generated.values_list("kind", flat=True))
    assert OrganizationKind.TOS in kinds and len(kinds) >= 4
    assert generated.filter(kind="tos").count() > generated.exclude(kind="tos").count()
    assert len(set(generated.values_list("status", flat=True))) >= 4


def test_legal_entities_have_valid_ogrns_and_search_text_is_filled(towns):
    seed(300)
    generated = Organization.objects.filter(is_generated=True)
    legal = generated.filter(is_legal_entity=True)
    assert legal.exists()
    assert all(ogrn_is_valid(ogrn) for ogrn in legal.values_list("ogrn", flat=True))
    for organization in generated.select_related("tos")[:50]:
        assert organization.search_text == organization_search_text(organization)


def test_every_generated_tos_has_its_registration_record_and_a_chair(towns):
    seed(200)
    tos = Organization.objects.filter(is_generated=True, kind="tos")
    assert TosProfile.objects.filter(organization__in=tos).count() == tos.count()
    assert BodyMember.objects.filter(organization__in=tos, role="chair").count() == tos.count()


def test_running_it_again_replaces_generated_rows_and_keeps_real_ones(towns):
    real = OrganizationFactory(name="Настоящая организация")
    seed(120)
    seed(80, seed=2)
    assert Organization.objects.filter(is_generated=True).count() == 80
    assert Organization.objects.filter(pk=real.pk).exists()


def test_the_same_seed_gives_the_same_data(towns):
    seed(50)
    first = list(Organization.objects.filter(is_generated=True).order_by("pk").values_list("name", "status", "kind"))
    seed(50)
    again = list(Organization.objects.filter(is_generated=True).order_by("pk").values_list("name", "status", "kind"))
    assert first == again
