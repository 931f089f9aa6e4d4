"""The ТОС indicators on a small known dataset, with the expected numbers written out: counts per municipality
(a city including its intra-city territory), region and country, stocks over the years, and shares recomputed
from their parts at each level."""

from datetime import date

import pytest

from localbridge.organizations.models import OrganizationStatus
from localbridge.organizations.tests.factories import TosFactory

from .factories import at, c, compute, m, make_world, numbers, r

pytestmark = pytest.mark.django_db


def tos(municipality, *, status=OrganizationStatus.ACTIVE, residents=100, region=None, **kwargs):
    organization = TosFactory(
        municipality=municipality,
        region=region or (municipality.region if municipality else None),
        country=(municipality or region).country,
        status=status,
        **kwargs,
    )
    organization.tos.residents_count = residents
    organization.tos.save()
    return organization


@pytest.fixture
def world():
    w = make_world()
    tos(
        w.a1,
        residents=300,
        registered_at=at(2023),
        is_legal_entity=True,
        ogrn="1022800000001",
        legal_registered_on=date(2024, 3, 1),
    )
    tos(w.a1, status=OrganizationStatus.REGISTERED, residents=200, registered_at=at(2024))
    # Registered as a legal entity before the ТОС itself was registered: counts from the ТОС's year.
    tos(
        w.a1_part,
        residents=100,
        registered_at=at(2023),
        is_legal_entity=True,
        ogrn="1022800000002",
        legal_registered_on=date(2022, 5, 1),
    )
    tos(w.a2, residents=50, registered_at=None, founded_on=date(2025, 2, 1))
    tos(w.b1, residents=400, registered_at=at(2024))
    tos(None, region=w.region_a, residents=70, registered_at=at(2024))  # the region's, no municipality
    tos(w.a1, status=OrganizationStatus.CLOSED, residents=999, registered_at=at(2023))
    tos(w.a1, status=OrganizationStatus.DRAFT, residents=999, registered_at=at(2023))
    tos(w.a2, status=OrganizationStatus.SUBMITTED, residents=999, registered_at=at(2023))
    return w


def test_tos_count_is_a_stock_per_municipality_region_and_country(world):
    w = world
    assert compute("tos_count") == numbers(
        {
            m(w.a1, 2023): 2,
            m(w.a1, 2024): 3,
            m(w.a1, 2025): 3,  # with its intra-city territory's
            m(w.a1_part, 2023): 1,
            m(w.a1_part, 2024): 1,
            m(w.a1_part, 2025): 1,
            m(w.a2, 2025): 1,
            m(w.b1, 2024): 1,
            m(w.b1, 2025): 1,
            r(w.region_a, 2023): 2,
            r(w.region_a, 2024): 4,
            r(w.region_a, 2025): 5,  # + the region's own
            r(w.region_b, 2024): 1,
            r(w.region_b, 2025): 1,
            c(w.country, 2023): 2,
            c(w.country, 2024): 5,
            c(w.country, 2025): 6,
        }
    )


def test_tos_legal_entities_count_from_the_later_of_the_two_registrations(world):
    w = world
    assert compute("tos_legal_entities") == numbers(
        {
            m(w.a1, 2023): 1,
            m(w.a1, 2024): 2,
            m(w.a1, 2025): 2,
            m(w.a1_part, 2023): 1,
            m(w.a1_part, 2024): 1,
            m(w.a1_part, 2025): 1,
            r(w.region_a, 2023): 1,
            r(w.region_a, 2024): 2,
            r(w.region_a, 2025): 2,
            c(w.country, 2023): 1,
            c(w.country, 2024): 2,
            c(w.country, 2025): 2,
        }
    )


def test_legal_entity_share_is_recomputed_from_the_counts_at_each_level(world):
    w = world
    assert compute("tos_legal_entities_share") == numbers(
        {
            m(w.a1, 2023): "50.00",
            m(w.a1, 2024): "66.67",
            m(w.a1, 2025): "66.67",
            m(w.a1_part, 2023): "100.00",
            m(w.a1_part, 2024): "100.00",
            m(w.a1_part, 2025): "100.00",
            m(w.a2, 2025): "0.00",
            m(w.b1, 2024): "0.00",
            m(w.b1, 2025): "0.00",
            r(w.region_a, 2023): "50.00",
            r(w.region_a, 2024): "50.00",
            r(w.region_a, 2025): "40.00",
            r(w.region_b, 2024): "0.00",
            r(w.region_b, 2025): "0.00",
            c(w.country, 2023): "50.00",
            c(w.country, 2024): "40.00",
            c(w.country, 2025): "33.33",
        }
    )


def test_tos_residents_sum_the_registered_residents(world):
    w = world
    assert compute("tos_residents") == numbers(
        {
            m(w.a1, 2023): 400,
            m(w.a1, 2024): 600,
            m(w.a1, 2025): 600,
            m(w.a1_part, 2023): 100,
            m(w.a1_part, 2024): 100,
            m(w.a1_part, 2025): 100,
            m(w.a2, 2025): 50,
            m(w.b1, 2024): 400,
            m(w.b1, 2025): 400,
            r(w.region_a, 2023): 400,
            r(w.region_a, 2024): 670,
            r(w.region_a, 2025): 720,
            r(w.region_b, 2024): 400,
            r(w.region_b, 2025): 400,
            c(w.country, 2023): 400,
            c(w.country, 2024): 1070,
            c(w.country, 2025): 1120,
        }
    )


def test_residents_share_divides_rolled_up_parts_and_leaves_out_unknown_populations(world):
    """Region A: (a1 with its part + a2) / (10,000 + 5,000), the part's 2,000 being in a1's 10,000; Smolensk's
    population is unknown, so it has no share and the region of Smolensk none either. The average of a1's 6 %
    and a2's 1 % in 2025 would be 3.5 %: the share is 650 / 15,000, 4.33 %."""
    w = world
    assert compute("tos_residents_share") == numbers(
        {
            m(w.a1, 2023): "4.00",
            m(w.a1, 2024): "6.00",
            m(w.a1, 2025): "6.00",
            m(w.a1_part, 2023): "5.00",
            m(w.a1_part, 2024): "5.00",
            m(w.a1_part, 2025): "5.00",
            m(w.a2, 2023): "0.00",
            m(w.a2, 2024): "0.00",
            m(w.a2, 2025): "1.00",
            r(w.region_a, 2023): "2.67",
            r(w.region_a, 2024): "4.00",
            r(w.region_a, 2025): "4.33",
            c(w.country, 2023): "2.67",
            c(w.country, 2024): "4.00",
            c(w.country, 2025): "4.33",
        }
    )
