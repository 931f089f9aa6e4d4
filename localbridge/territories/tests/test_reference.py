"""The pure parts of the reference loader: OKTMO, time zones, names, GeoNames matching, region names."""

import pytest

from localbridge.territories.models import MunicipalityKind
from localbridge.territories.reference import (
    GeoNamesIndex,
    city_name,
    municipality_kind,
    municipality_oktmo,
    read_countries,
    read_regions,
    utc_offset_zone,
)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("10701000", MunicipalityKind.URBAN_OKRUG),  # Благовещенск
        ("11518000", MunicipalityKind.MUNICIPAL_OKRUG),  # Каргопольский муниципальный округ
        ("96634101", MunicipalityKind.URBAN_SETTLEMENT),  # Урус-Мартан in Урус-Мартановский район
        ("84640440", MunicipalityKind.RURAL_SETTLEMENT),  # Карагайское in Усть-Коксинский район
        ("45301000", MunicipalityKind.INTRACITY),  # an intra-city territory of Moscow
        ("45000000", MunicipalityKind.FEDERAL_CITY),  # Moscow itself
        ("71876000", MunicipalityKind.URBAN_OKRUG),  # Сургут: Khanty-Mansi okrug, urban okrug series 50-98
        ("71826105", MunicipalityKind.URBAN_SETTLEMENT),  # Лянтор in Сургутский район
        ("71936000", MunicipalityKind.MUNICIPAL_OKRUG),  # Надым: a district code with a city directly in it
        ("11851000", MunicipalityKind.URBAN_OKRUG),  # Нарьян-Мар: Nenets okrug
    ],
)
def test_the_kind_of_municipality_follows_the_oktmo_structure(code, kind):
    assert municipality_kind(code) == kind


@pytest.mark.parametrize("code", ["1070100", "abcdefgh", "10401000"])
def test_an_oktmo_code_that_does_not_say_its_kind_gives_none(code):
    assert municipality_kind(code) is None


def test_a_locality_code_belongs_to_the_municipality_of_its_first_eight_digits():
    assert municipality_oktmo("10701000001") == "10701000"
    assert municipality_oktmo("45000000") == "45000000"


@pytest.mark.parametrize(
    ("offset", "zone"),
    [
        ("UTC+3", "Etc/GMT-3"),
        ("UTC+12", "Etc/GMT-12"),
        ("UTC-5", "Etc/GMT+5"),
        ("UTC", "Etc/UTC"),
        ("UTC+0", "Etc/UTC"),
    ],
)
def test_a_utc_offset_maps_to_the_etc_zone_with_the_inverted_sign(offset, zone):
    assert utc_offset_zone(offset) == zone


def _row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(["settlement_type", "settlement", "city", "area_type", "area", "region"], "")
    row.update(values)
    return row


def test_the_city_name_is_found_wherever_hflabs_puts_it():
    assert city_name(_row(city="Благовещенск", region="Амурская")) == "Благовещенск"
    assert city_name(_row(settlement_type="г", settlement="Урус-Мартан", region="Чеченская")) == "Урус-Мартан"
    assert city_name(_row(area_type="г", area="Воскресенск", region="Московская")) == "Воскресенск"
    assert city_name(_row(area_type="г", area="Наро-Фоминск", city="Апрелевка")) == "Апрелевка"
    assert city_name(_row(region="Москва")) == "Москва"


def _place(geonameid: int, name: str, cyrillic: str, lat: float, lon: float, country: str = "RU") -> dict:
    return {
        "geonameid": geonameid,
        "name": name,
        "alternatenames": [name, cyrillic],
        "latitude": lat,
        "longitude": lon,
        "countrycode": country,
        "timezone": "Asia/Yakutsk",
    }


def test_geonames_match_takes_the_nearest_place_of_that_cyrillic_name_in_the_country():
    index = GeoNamesIndex(
        [
            _place(1, "Belogorsk", "Белогорск", 50.92, 128.47),  # Amur region
            _place(2, "Bilohirsk", "Белогорск", 45.05, 34.60, country="UA"),
            _place(3, "Belogorsk", "Белогорск", 55.0, 90.0),
            _place(4, "Svobodnyy", "Свободный", 51.37, 128.13),
        ]
    )
    assert index.match("белогорск", 50.93, 128.48)["geonameid"] == 1
    assert index.match("Белогорск", 45.05, 34.60) is None  # the Ukrainian one is not in the country; Russian ones far
    assert index.match("Свободный", 51.4, 128.1)["geonameid"] == 4
    assert index.match("Шимановск", 52.0, 127.7) is None
    assert index.match("Свободный", None, None) is None


def test_region_names_come_from_towns_and_a_missing_one_is_reported_not_guessed():
    towns = [
        {
            "region_iso_code": "RU-AMU",
            "region_name": "Амурская область",
            "region_name_ao": "",
            "federal_district": "Дальневосточный",
        },
        {
            "region_iso_code": "RU-ARK",
            "region_name": "Архангельская область",
            "region_name_ao": "",
            "federal_district": "Северо-Западный",
        },
        {
            "region_iso_code": "RU-ARK",
            "region_name": "Архангельская область",
            "region_name_ao": "Ненецкий автономный округ",
            "federal_district": "Северо-Западный",
        },
        {
            "region_iso_code": "RU-KHM",
            "region_name": "Тюменская область",
            "region_name_ao": "Ханты-Мансийский автономный округ – Югра",
            "federal_district": "Уральский",
        },
    ]
    notes: list[str] = []
    regions = {r.code: r for r in read_regions(towns, notes)}
    assert len(regions) == 83
    assert (regions["RU-AMU"].name_ru, regions["RU-AMU"].federal_district) == ("Амурская область", "far_eastern")
    assert regions["RU-ARK"].name_ru == "Архангельская область"
    assert regions["RU-NEN"].name_ru == "Ненецкий автономный округ"
    assert regions["RU-KHM"].name_ru == "Ханты-Мансийский автономный округ – Югра"
    assert regions["RU-MOW"].name_ru == "Moskva"  # not in these towns: the ISO name stays, and it is reported
    assert any(note.startswith("RU-MOW: no Russian name") for note in notes)


def test_countries_are_every_iso_3166_1_code_with_russian_names():
    countries = {c.code: c for c in read_countries()}
    assert len(countries) == 249
    assert (countries["FI"].name_ru, countries["FI"].name_en, countries["FI"].code3) == ("Финляндия", "Finland", "FIN")
