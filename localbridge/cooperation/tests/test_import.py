import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from localbridge.cooperation.importing import GeoNamesPlaces, country_code, fold, russian_name, twin_cities_import
from localbridge.cooperation.models import ImportedMunicipality, TwinLink
from localbridge.territories.models import Country, Municipality, MunicipalityKind
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
SMALL = DATA / "twin_small.csv"
EXCLUDE = DATA / "exclude.csv"

PLACES = [
    {
        "geonameid": 472757,
        "name": "Volgograd",
        "latitude": 48.71939,
        "longitude": 44.50183,
        "countrycode": "RU",
        "population": 1011417,
        "timezone": "Europe/Volgograd",
        "alternatenames": ["Stalingrad", "Волгоград", "Сталинград", "Валгаград"],
    },
    {
        "geonameid": 2886242,
        "name": "Köln",
        "latitude": 50.93333,
        "longitude": 6.95,
        "countrycode": "DE",
        "population": 963395,
        "timezone": "Europe/Berlin",
        "alternatenames": ["Cologne", "Koeln", "Кёльн"],
    },
    {
        "geonameid": 633679,
        "name": "Turku",
        "latitude": 60.45148,
        "longitude": 22.26869,
        "countrycode": "FI",
        "population": 175945,
        "timezone": "Europe/Helsinki",
        "alternatenames": ["Åbo", "Турку"],
    },
]


@pytest.fixture
def geonames():
    return GeoNamesPlaces(PLACES)


@pytest.fixture
def registry():
    """Two Russian municipalities as load_reference leaves them: Russian names, GeoNames' English names."""
    russia = CountryFactory()
    volgograd = MunicipalityFactory(
        country=russia, name_ru="Волгоград", name_en="", latitude=48.7, longitude=44.5, geonameid=472757
    )
    arkhangelsk = MunicipalityFactory(
        country=russia, name_ru="Архангельск", name_en="Arkhangel’sk", latitude=64.54, longitude=40.52
    )
    return volgograd, arkhangelsk


def linked(a: Municipality, b: Municipality) -> bool:
    low, high = sorted((a.pk, b.pk))
    return TwinLink.objects.filter(municipality_a_id=low, municipality_b_id=high).exists()


def by_name(name: str, country: str) -> Municipality:
    return Municipality.objects.get(name_en=name, country__code=country)


def test_every_row_has_an_outcome_and_bad_rows_are_reported_by_line(registry, geonames):
    result = twin_cities_import(path=SMALL, geonames=geonames)
    assert result.rows == 11
    assert (result.links_created, result.links_existing, result.repeated, result.excluded) == (6, 0, 1, 0)
    assert [(e.line, e.code) for e in result.errors] == [
        (6, "unknown_country"),
        (8, "same_municipality"),
        (9, "unknown_country"),
        (11, "bad_coordinates"),
    ]
    assert "Atlantis" in result.errors[0].message
    assert result.accounted == result.rows
    assert result.unknown_countries == {"Island": 1, "": 1}
    assert TwinLink.objects.count() == 6


def test_cities_are_matched_to_the_registry_by_geonames_and_by_name(registry, geonames):
    volgograd, arkhangelsk = registry
    result = twin_cities_import(path=SMALL, geonames=geonames)
    assert result.matched == 2
    assert linked(volgograd, by_name("Coventry", "GB"))
    assert linked(volgograd, by_name("Cologne", "DE"))
    assert linked(arkhangelsk, by_name("Tromsø", "NO"))
    assert not ImportedMunicipality.objects.filter(municipality__in=registry).exists()


def test_unmatched_cities_are_created_in_their_country_and_marked(registry, geonames):
    result = twin_cities_import(path=SMALL, geonames=geonames)
    created = ImportedMunicipality.objects.select_related("municipality__country")
    assert result.municipalities_created == created.count() == 8
    cologne = by_name("Cologne", "DE")
    assert (cologne.kind, cologne.population, cologne.timezone, cologne.geonameid) == (
        MunicipalityKind.FOREIGN,
        963395,
        "Europe/Berlin",
        2886242,
    )
    assert by_name("Turku", "FI").name_ru == "Турку"
    # Two towns of one name in one country stay two municipalities, linked to each other.
    first, second = Municipality.objects.filter(name_en="Nienburg").order_by("latitude")
    assert linked(first, second)
    assert by_name("Varna", "BG").cooperation_import.source_name == "Varna"


def test_a_second_run_changes_nothing(registry, geonames):
    twin_cities_import(path=SMALL, geonames=geonames)
    municipalities, links = Municipality.objects.count(), TwinLink.objects.count()
    again = twin_cities_import(path=SMALL, geonames=geonames)
    assert (again.links_created, again.links_existing, again.municipalities_created) == (0, 6, 0)
    assert (Municipality.objects.count(), TwinLink.objects.count()) == (municipalities, links)


def test_excluded_pairs_are_left_out_in_either_order(registry, geonames):
    result = twin_cities_import(path=SMALL, exclude=EXCLUDE, geonames=geonames)
    assert (result.links_created, result.excluded) == (5, 1)
    assert not linked(by_name("Cologne", "DE"), by_name("Turku", "FI"))


def test_an_empty_database_gets_the_countries_it_needs(geonames):
    assert not Country.objects.exists()
    result = twin_cities_import(path=SMALL, geonames=geonames)
    assert set(Country.objects.values_list("code", flat=True)) == {"RU", "GB", "DE", "FI", "BG", "NO", "UA"}
    assert result.countries_created == 7
    assert Country.objects.get(code="DE").name_ru == "Германия"
    assert result.links_created == 6


def test_a_file_without_the_source_columns_is_refused(tmp_path, geonames):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ValueError):
        twin_cities_import(path=wrong, geonames=geonames)


def test_the_command_prints_errors_and_counts(registry, monkeypatch):
    monkeypatch.setattr(GeoNamesPlaces, "load", classmethod(lambda cls: cls(PLACES)))
    out = io.StringIO()
    call_command("import_twin_cities", str(SMALL), "--exclude", str(EXCLUDE), "--list-created", stdout=out)
    text = out.getvalue()
    assert "line 6: unknown country “Island”" in text
    assert "links created 5" in text and "excluded 1" in text and "errors 4" in text
    assert "created: Tromsø (NO)" in text
    with pytest.raises(CommandError):
        call_command("import_twin_cities", str(DATA / "missing.csv"))


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("England, United Kingdom", "GB"),
        ("Georgia (country)", "GE"),
        ("Republic of Ireland", "IE"),
        ("Turkey", "TR"),
        ("Russia", "RU"),
        ("Martinique, France", "FR"),
        ("Germany", "DE"),
        ("Island", None),
        ("", None),
    ],
)
def test_country_names_of_the_source_file(name, code):
    assert country_code(name) == code


def test_names_are_compared_without_case_accents_or_apostrophes():
    assert fold("Arkhangel’sk") == fold("Arkhangelsk") == fold("ARKHANGEL'SK")
    assert russian_name("Volgograd", ["Stalingrad", "Валгаград", "Волгоград", "Сталинград"]) == "Волгоград"
    assert russian_name("Paris", ["Parigi"]) == ""
