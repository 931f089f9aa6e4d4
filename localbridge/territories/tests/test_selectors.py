import pytest
from django.http import Http404

from localbridge.territories import selectors
from localbridge.territories.models import MunicipalityKind
from localbridge.territories.tests.factories import (
    CountryFactory,
    MunicipalityFactory,
    RegionFactory,
    SettlementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def amur():
    return RegionFactory(code="RU-AMU", name_ru="Амурская область", federal_district="far_eastern")


@pytest.fixture
def smolensk():
    return RegionFactory(code="RU-SMO", name_ru="Смоленская область", federal_district="central")


def test_region_list_with_counts_gives_russian_regions_with_municipality_counts_in_one_query(
    amur, smolensk, django_assert_num_queries
):
    MunicipalityFactory.create_batch(3, region=amur)
    MunicipalityFactory(region=smolensk)
    finland = CountryFactory(code="FI", code3="FIN", name_ru="Финляндия", name_en="Finland")
    RegionFactory(code="FI-18", country=finland, name_ru="Уусимаа")
    with django_assert_num_queries(1):
        regions = {r.code: r.municipality_count for r in selectors.region_list_with_counts()}
    assert regions == {"RU-AMU": 3, "RU-SMO": 1}


def test_region_list_filters_by_federal_district(amur, smolensk):
    assert [r.code for r in selectors.region_list(federal_district="central")] == ["RU-SMO"]


def test_region_get_is_case_insensitive_and_404_for_an_unknown_code(amur):
    assert selectors.region_get("ru-amu") == amur
    with pytest.raises(Http404):
        selectors.region_get("RU-XXX")


def test_country_list_with_territories_gives_only_countries_that_have_some(amur):
    CountryFactory(code="FI", code3="FIN", name_ru="Финляндия", name_en="Finland")
    MunicipalityFactory(region=amur)
    countries = list(selectors.country_list_with_territories())
    assert [(c.code, c.region_count, c.municipality_count) for c in countries] == [("RU", 1, 1)]


def test_municipality_search_folds_cyrillic_case_and_yo(amur):
    MunicipalityFactory(region=amur, name_ru="Благовещенск", name_en="Blagoveshchensk")
    MunicipalityFactory(region=amur, name_ru="Свободный", name_en="Svobodnyy")
    MunicipalityFactory(region=amur, name_ru="Шимановск", name_en="")
    orel = MunicipalityFactory(region=amur, name_ru="Орёл", name_en="Orel")
    assert [m.name_ru for m in selectors.municipality_list(q="БЛАГОВЕЩ")] == ["Благовещенск"]
    assert [m.name_ru for m in selectors.municipality_list(q="svobod")] == ["Свободный"]
    assert list(selectors.municipality_list(q="орел")) == [orel]
    assert selectors.municipality_list(q="  ").count() == 4


def test_a_renamed_municipality_is_found_by_its_new_name(amur):
    municipality = MunicipalityFactory(region=amur, name_ru="Старое")
    municipality.name_ru = "Новое Имя"
    municipality.save(update_fields=["name_ru"])
    assert list(selectors.municipality_list(q="новое")) == [municipality]


def test_municipality_list_filters_by_region_and_kind(amur, smolensk):
    a = MunicipalityFactory(region=amur, kind=MunicipalityKind.URBAN_OKRUG)
    b = MunicipalityFactory(region=amur, kind=MunicipalityKind.URBAN_SETTLEMENT)
    c = MunicipalityFactory(region=smolensk, kind=MunicipalityKind.URBAN_OKRUG)
    assert set(selectors.municipality_list(region="RU-AMU")) == {a, b}
    assert set(selectors.municipality_list(region=amur, kind="urban_okrug")) == {a}
    assert set(selectors.municipality_list(kind="urban_okrug")) == {a, c}


def test_municipality_get_counts_settlements_and_404s(amur):
    municipality = MunicipalityFactory(region=amur)
    SettlementFactory.create_batch(2, municipality=municipality)
    assert selectors.municipality_get(municipality.pk).settlement_count == 2
    with pytest.raises(Http404):
        selectors.municipality_get(municipality.pk + 1000)


def test_settlement_list_of_a_municipality(amur):
    municipality = MunicipalityFactory(region=amur)
    mine = SettlementFactory(municipality=municipality, name_ru="Б")
    other = SettlementFactory(municipality=municipality, name_ru="А")
    SettlementFactory()
    assert list(selectors.settlement_list(municipality=municipality)) == [other, mine]
    assert list(selectors.settlement_list(municipality=municipality.pk)) == [other, mine]
