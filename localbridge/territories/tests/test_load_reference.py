"""load_reference on the real files of the shared data folder (settings.SHARED_DATA_DIR)."""

import hashlib
import io

import pytest
from django.core.management import call_command

from localbridge.territories.models import Country, Municipality, MunicipalityKind, Region, Settlement

pytestmark = pytest.mark.django_db


def _checksum() -> str:
    digest = hashlib.sha256()
    for model in (Country, Region, Municipality, Settlement):
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Country, Region, Municipality, Settlement))


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def test_every_iso_country_is_loaded_with_russian_and_english_names(reference_data):
    assert Country.objects.count() == 249
    russia = Country.objects.get(code="RU")
    assert (russia.code3, russia.name_ru, russia.name_en) == ("RUS", "Российская Федерация", "Russian Federation")
    assert Country.objects.get(code="KR").name_ru == "Южная Корея"
    assert all(_is_cyrillic(name) for name in Country.objects.values_list("name_ru", flat=True))


def test_the_83_russian_regions_have_russian_names_and_federal_districts(reference_data):
    regions = Region.objects.filter(country__code="RU")
    assert regions.count() == 83
    assert all(_is_cyrillic(r.name_ru) and r.name_en and r.federal_district for r in regions)
    amur = Region.objects.get(code="RU-AMU")
    assert (amur.name_ru, amur.name_en, amur.federal_district) == (
        "Амурская область",
        "Amurskaya oblast'",
        "far_eastern",
    )
    # towns.csv files Нарьян-Мар under RU-ARK; the Nenets okrug is a subject of its own in ISO 3166-2
    assert Region.objects.get(code="RU-NEN").name_ru == "Ненецкий автономный округ"
    assert Region.objects.get(code="RU-KHM").name_ru == "Ханты-Мансийский автономный округ – Югра"
    assert Region.objects.get(code="RU-ARK").name_ru == "Архангельская область"


def test_cities_become_municipalities_with_oktmo_kind_population_and_time_zone(reference_data):
    assert Municipality.objects.count() >= 1000
    blagoveshchensk = Municipality.objects.get(region__code="RU-AMU", name_ru="Благовещенск")
    assert blagoveshchensk.oktmo == "10701000"
    assert blagoveshchensk.kind == MunicipalityKind.URBAN_OKRUG
    assert blagoveshchensk.name_en == "Blagoveshchensk"
    assert blagoveshchensk.timezone == "Asia/Yakutsk"
    assert blagoveshchensk.population > 200_000
    assert 50 < blagoveshchensk.latitude < 51 and 127 < blagoveshchensk.longitude < 128
    city = blagoveshchensk.settlements.get()
    assert (city.name_ru, city.oktmo, city.kind, city.foundation_year) == ("Благовещенск", "10701000001", "city", 1856)
    assert city.geonameid == blagoveshchensk.geonameid is not None


def test_oktmo_tells_urban_settlements_and_municipal_okrugs(reference_data):
    svobodny = Municipality.objects.get(region__code="RU-AMU", name_ru="Свободный")
    assert svobodny.kind == MunicipalityKind.URBAN_OKRUG
    urus_martan = Municipality.objects.get(oktmo="96634101")
    assert (urus_martan.name_ru, urus_martan.kind) == ("Урус-Мартан", MunicipalityKind.URBAN_SETTLEMENT)
    kargopol = Municipality.objects.get(oktmo="11518000")
    assert (kargopol.name_ru, kargopol.kind) == ("Каргополь", MunicipalityKind.MUNICIPAL_OKRUG)
    nadym = Municipality.objects.get(oktmo="71936000")
    assert (nadym.region.code, nadym.kind) == ("RU-YAN", MunicipalityKind.MUNICIPAL_OKRUG)


def test_cities_of_one_urban_okrug_share_its_municipality(reference_data):
    odintsovo = Municipality.objects.get(oktmo="46755000")
    assert odintsovo.name_ru == "Одинцово"
    assert set(odintsovo.settlements.values_list("name_ru", flat=True)) == {
        "Одинцово",
        "Голицыно",
        "Звенигород",
        "Кубинка",
    }


def test_moscow_and_st_petersburg_are_regions_and_federal_city_municipalities(reference_data):
    moscow = Municipality.objects.get(oktmo="45000000")
    assert (moscow.name_ru, moscow.kind, moscow.region.code) == ("Москва", MunicipalityKind.FEDERAL_CITY, "RU-MOW")
    assert Municipality.objects.get(oktmo="40000000").region.code == "RU-SPE"


def test_cities_outside_the_iso_subdivisions_of_russia_are_skipped_and_reported(reference_data):
    assert not Municipality.objects.filter(name_ru__in=["Севастополь", "Симферополь", "Ялта"]).exists()
    assert "UA-43" in reference_data and "Симферополь" in reference_data
    assert "UA-40" in reference_data and "Севастополь" in reference_data


def test_time_zone_falls_back_to_the_utc_offset_when_geonames_has_no_match(reference_data):
    # Иннополис (founded 2012) is not among GeoNames' places
    innopolis = Settlement.objects.get(name_ru="Иннополис")
    assert innopolis.geonameid is None and innopolis.name_en == ""
    assert innopolis.municipality.timezone == "Etc/GMT-3"


def test_a_second_run_changes_nothing(reference_data):
    before_counts, before_sum = _counts(), _checksum()
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert _counts() == before_counts
    assert _checksum() == before_sum
    assert "No changes." in out.getvalue()


def test_if_empty_does_nothing_when_regions_exist(reference_data):
    Region.objects.filter(code="RU-AMU").update(name_en="changed")
    out = io.StringIO()
    call_command("load_reference", "--if-empty", stdout=out)
    assert Region.objects.get(code="RU-AMU").name_en == "changed"
    assert "already loaded" in out.getvalue()


def test_a_changed_row_is_put_back(reference_data):
    Municipality.objects.filter(oktmo="10701000").update(population=1, name_en="x")
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    municipality = Municipality.objects.get(oktmo="10701000")
    assert municipality.population > 200_000 and municipality.name_en == "Blagoveshchensk"
    assert municipality.search_name == "благовещенск blagoveshchensk"
    assert "municipalities: 0 created, 1 updated" in out.getvalue()
