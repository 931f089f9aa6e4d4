"""The partner finder: a pure, explainable score over an in-memory index of municipalities and their links.

No database here: `selectors.partner_index()` builds the `Index` once per process (and again when the network
or the interests change) and `selectors.partner_suggestions()` asks `suggest()`.

A candidate's score is the sum of its components, each `weight × value` with value in [0, 1]; the reasons a
suggestion shows are exactly its components with a positive contribution, largest first, so the reason shown is
the reason it ranked. The components (docs/cooperation.md has the same table):

| code | weight | value |
| --- | --- | --- |
| partners_of_partners | 0.35 | common partners / 3, at most 1 (partner of your partners) |
| border_neighbour | 0.25 | 1 if in another country within `border_km` (150 km by default) |
| distance | 0.10 | 1 within 500 km, 0.5 within 1,500 km |
| similar_size | 0.20 | 1 − |ln(population ratio)| / ln 8 (0 from 8 times larger or smaller) |
| shared_interests | 0.20 | share of the areas the municipality seeks that the candidate seeks too |
| practice_topics | 0.15 | share of the areas the municipality seeks on whose topics the candidate published practices |
| well_connected | 0.10 | ln(1 + partners) / ln 31, at most 1 (active in twinning) |
| new_country | 0.05 | 1 if the candidate's country is neither yours nor any of your partners' (diversity) |
| same_type | 0.05 | 1 if both are Russian municipalities of the same kind |

A municipality never suggests itself or one of its partners.

Practice topics: an area of cooperation is matched to the practice bank's topics by `AREA_TOPICS` below (and, for
an area added later that is not there, to the topic with the same code or name: `selectors._area_topics`). A
candidate "publishes practices on topics you seek" when a published practice of it (its municipality, or an
author organisation of that municipality) has one of the topics of an area the seeker seeks; the value is the
share of the seeker's areas so covered.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WEIGHTS = {
    "partners_of_partners": 0.35,
    "border_neighbour": 0.25,
    "distance": 0.10,
    "similar_size": 0.20,
    "shared_interests": 0.20,
    "practice_topics": 0.15,
    "well_connected": 0.10,
    "new_country": 0.05,
    "same_type": 0.05,
}
BORDER_KM = 150.0
DISTANCE_BANDS = ((500.0, 1.0), (1500.0, 0.5))
FOF_FULL = 3  # common partners for the full value
SIZE_SPAN = math.log(8)
CONNECTED_SPAN = math.log(31)
FOREIGN_KIND = "foreign"
EARTH_KM = 6371.0

# Areas of cooperation (cooperation's CooperationArea codes) -> the practice bank's topics (practices' Topic codes,
# seeded by practices/migrations/0002_topics.py) that publish experience in that area.
AREA_TOPICS: dict[str, frozenset[str]] = {
    "culture": frozenset({"culture", "memory"}),
    "education": frozenset({"education"}),
    "youth": frozenset({"youth"}),
    "sport": frozenset({"sport"}),
    "economy": frozenset({"local_economy"}),
    "tourism": frozenset({"tourism"}),
    "healthcare": frozenset({"health", "older_people"}),
    "management": frozenset({"housing", "landscaping", "safety"}),
    "ecology": frozenset({"ecology"}),
    "humanitarian": frozenset({"charity", "volunteering", "interethnic"}),
}
KM_PER_DEGREE = math.pi * EARTH_KM / 180


@dataclass
class Index:
    """Municipalities as parallel lists (position i is one municipality) and the links between them."""

    ids: list[int]
    names: list[str]
    names_en: list[str]
    countries: list[str]
    kinds: list[str]
    populations: list[int | None]
    latitudes: list[float | None]
    longitudes: list[float | None]
    partners: list[frozenset[int]]  # positions
    interests: dict[int, frozenset[str]] = field(default_factory=dict)  # position -> area codes
    area_names: dict[str, str] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    practice_topics: dict[int, frozenset[str]] = field(default_factory=dict)  # position -> topics of its practices
    area_topics: dict[str, frozenset[str]] = field(default_factory=dict)  # area code -> topic codes
    topic_names: dict[str, str] = field(default_factory=dict)
    position: dict[int, int] = field(init=False)
    _logpop: list[float | None] = field(init=False)
    _rlat: list[float | None] = field(init=False)
    _rlon: list[float | None] = field(init=False)
    _coslat: list[float] = field(init=False)
    _connected: list[float] = field(init=False)

    def __post_init__(self) -> None:
        self.position = {pk: i for i, pk in enumerate(self.ids)}
        self._logpop = [math.log(p) if p else None for p in self.populations]
        self._rlat = [math.radians(v) if v is not None else None for v in self.latitudes]
        self._rlon = [math.radians(v) if v is not None else None for v in self.longitudes]
        self._coslat = [math.cos(v) if v is not None else 0.0 for v in self._rlat]
        self._connected = [min(1.0, math.log1p(len(p)) / CONNECTED_SPAN) for p in self.partners]

    @classmethod
    def build(
        cls,
        municipalities: Iterable[tuple[int, str, str, str, str, int | None, float | None, float | None]],
        links: Iterable[tuple[int, int]],
        interests: dict[int, frozenset[str]] | None = None,
        area_names: dict[str, str] | None = None,
        country_names: dict[str, str] | None = None,
        practice_topics: dict[int, frozenset[str]] | None = None,
        area_topics: dict[str, frozenset[str]] | None = None,
        topic_names: dict[str, str] | None = None,
    ) -> Index:
        """From rows (id, name, name_en, country code, kind, population, latitude, longitude), links (id, id),
        interests (sought area codes) and the topics of published practices by municipality id, and the map of
        areas to topics (`AREA_TOPICS` when not given)."""
        rows = list(municipalities)
        position = {row[0]: i for i, row in enumerate(rows)}
        partners: list[set[int]] = [set() for _ in rows]
        for a, b in links:
            i, j = position.get(a), position.get(b)
            if i is not None and j is not None and i != j:
                partners[i].add(j)
                partners[j].add(i)
        return cls(
            ids=[r[0] for r in rows],
            names=[r[1] for r in rows],
            names_en=[r[2] for r in rows],
            countries=[r[3] for r in rows],
            kinds=[r[4] for r in rows],
            populations=[r[5] for r in rows],
            latitudes=[r[6] for r in rows],
            longitudes=[r[7] for r in rows],
            partners=[frozenset(p) for p in partners],
            interests={position[pk]: areas for pk, areas in (interests or {}).items() if pk in position},
            area_names=area_names or {},
            country_names=country_names or {},
            practice_topics={
                position[pk]: topics for pk, topics in (practice_topics or {}).items() if pk in position and topics
            },
            area_topics=dict(AREA_TOPICS if area_topics is None else area_topics),
            topic_names=topic_names or {},
        )

    def km(self, i: int, j: int) -> float | None:
        lat1, lat2, lon1, lon2 = self._rlat[i], self._rlat[j], self._rlon[i], self._rlon[j]
        if lat1 is None or lat2 is None or lon1 is None or lon2 is None:
            return None
        a = math.sin((lat2 - lat1) / 2) ** 2 + self._coslat[i] * self._coslat[j] * math.sin((lon2 - lon1) / 2) ** 2
        return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Reason:
    code: str
    contribution: float
    text: str


@dataclass(frozen=True)
class Suggestion:
    id: int
    name: str
    name_en: str
    country: str
    latitude: float | None
    longitude: float | None
    population: int | None
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Filters:
    """Which candidates may be suggested."""

    country: str | None = None  # ISO alpha-2
    max_km: float | None = None
    min_population: int | None = None
    max_population: int | None = None
    area: str | None = None  # the candidate seeks this area of cooperation
    cross_border_only: bool = False  # within border_km across a state border


@dataclass
class _Context:
    """What is fixed for one seeker."""

    index: Index
    me: int
    border_km: float
    excluded: set[int]
    my_logpop: float | None
    my_kind: str
    my_areas: frozenset[str]
    my_topic_groups: tuple[frozenset[str], ...]  # per sought area: its topics (areas without topics left out)
    sought_topics: frozenset[str]
    common: dict[int, int]  # position -> number of common partners
    network_countries: frozenset[str]
    has_partners: bool


def _context(index: Index, me: int, border_km: float) -> _Context:
    partners = index.partners[me]
    my_areas = index.interests.get(me, frozenset())
    groups = tuple(index.area_topics[a] for a in sorted(my_areas) if index.area_topics.get(a))
    common: dict[int, int] = {}
    for p in partners:
        for q in index.partners[p]:
            common[q] = common.get(q, 0) + 1
    return _Context(
        index=index,
        me=me,
        border_km=border_km,
        excluded={me, *partners},
        my_logpop=index._logpop[me],
        my_kind=index.kinds[me],
        my_areas=my_areas,
        my_topic_groups=groups,
        sought_topics=frozenset().union(*groups),
        common=common,
        network_countries=frozenset({index.countries[me], *(index.countries[p] for p in partners)}),
        has_partners=bool(partners),
    )


def _values(ctx: _Context, j: int) -> dict[str, float]:
    """Each component's value in [0, 1] for candidate j (zeros left out). The one place the scoring is defined:
    `suggest` ranks by it and explains by it."""
    index = ctx.index
    values: dict[str, float] = {}
    common = ctx.common.get(j)
    if common:
        values["partners_of_partners"] = min(1.0, common / FOF_FULL)
    distance = index.km(ctx.me, j)
    if distance is not None:
        if distance <= ctx.border_km and index.countries[j] != index.countries[ctx.me]:
            values["border_neighbour"] = 1.0
        for limit, value in DISTANCE_BANDS:
            if distance <= limit:
                values["distance"] = value
                break
    logpop = index._logpop[j]
    if ctx.my_logpop is not None and logpop is not None:
        gap = abs(logpop - ctx.my_logpop)
        if gap < SIZE_SPAN:
            values["similar_size"] = 1 - gap / SIZE_SPAN
    if ctx.my_areas:
        shared = ctx.my_areas & index.interests.get(j, frozenset())
        if shared:
            values["shared_interests"] = len(shared) / len(ctx.my_areas)
    if ctx.my_topic_groups:
        published = index.practice_topics.get(j)
        if published and not published.isdisjoint(ctx.sought_topics):
            covered = sum(1 for topics in ctx.my_topic_groups if not topics.isdisjoint(published))
            values["practice_topics"] = covered / len(ctx.my_areas)
    if index._connected[j]:
        values["well_connected"] = index._connected[j]
    if ctx.has_partners and index.countries[j] not in ctx.network_countries:
        values["new_country"] = 1.0
    if ctx.my_kind != FOREIGN_KIND and index.kinds[j] == ctx.my_kind:
        values["same_type"] = 1.0
    return values


def _score(ctx: _Context, j: int) -> float:
    """The sum of the weighted components (the hot loop: `_values` inlined where it is cheap)."""
    index = ctx.index
    score = 0.0
    common = ctx.common.get(j)
    if common:
        score += WEIGHTS["partners_of_partners"] * min(1.0, common / FOF_FULL)
    lat_me, lat_j = index._rlat[ctx.me], index._rlat[j]
    # Beyond the widest band (1,500 km is under 13.5° of latitude) no geography component applies.
    if lat_me is not None and lat_j is not None and abs(lat_j - lat_me) * EARTH_KM <= DISTANCE_BANDS[-1][0]:
        distance = index.km(ctx.me, j)
        if distance is not None:
            if distance <= ctx.border_km and index.countries[j] != index.countries[ctx.me]:
                score += WEIGHTS["border_neighbour"]
            for limit, value in DISTANCE_BANDS:
                if distance <= limit:
                    score += WEIGHTS["distance"] * value
                    break
    logpop = index._logpop[j]
    if ctx.my_logpop is not None and logpop is not None:
        gap = abs(logpop - ctx.my_logpop)
        if gap < SIZE_SPAN:
            score += WEIGHTS["similar_size"] * (1 - gap / SIZE_SPAN)
    if ctx.my_areas:
        theirs = index.interests.get(j)
        if theirs:
            score += WEIGHTS["shared_interests"] * len(ctx.my_areas & theirs) / len(ctx.my_areas)
    if ctx.my_topic_groups:
        published = index.practice_topics.get(j)
        if published and not published.isdisjoint(ctx.sought_topics):
            covered = sum(1 for topics in ctx.my_topic_groups if not topics.isdisjoint(published))
            score += WEIGHTS["practice_topics"] * covered / len(ctx.my_areas)
    score += WEIGHTS["well_connected"] * index._connected[j]
    if ctx.has_partners and index.countries[j] not in ctx.network_countries:
        score += WEIGHTS["new_country"]
    if ctx.my_kind != FOREIGN_KIND and index.kinds[j] == ctx.my_kind:
        score += WEIGHTS["same_type"]
    return score


def _reason_text(ctx: _Context, j: int, code: str) -> str:
    index = ctx.index
    if code == "partners_of_partners":
        names = [index.names[p] for p in sorted(index.partners[j] & index.partners[ctx.me])]
        shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
        return ngettext(
            "partner of your partner: %(names)s",
            "partner of %(count)d of your partners: %(names)s",
            len(names),
        ) % {"count": len(names), "names": shown}
    if code == "border_neighbour":
        return _("border neighbour (%(km)d km)") % {"km": round(index.km(ctx.me, j) or 0)}
    if code == "distance":
        return _("within %(km)s km") % {"km": f"{round(index.km(ctx.me, j) or 0):,}".replace(",", "\u00a0")}
    if code == "similar_size":
        population = f"{index.populations[j] or 0:,}".replace(",", "\u00a0")
        return _("similar size (population %(population)s)") % {"population": population}
    if code == "shared_interests":
        shared = sorted(ctx.my_areas & index.interests.get(j, frozenset()))
        return _("shares interests: %(areas)s") % {"areas": ", ".join(index.area_names.get(a, a) for a in shared)}
    if code == "practice_topics":
        topics = sorted(ctx.sought_topics & index.practice_topics.get(j, frozenset()))
        listed = ", ".join(index.topic_names.get(t, t) for t in topics)
        return _("publishes practices on topics you seek: %(topics)s") % {"topics": listed}
    if code == "well_connected":
        count = len(index.partners[j])
        return ngettext("has %(count)d twin city", "has %(count)d twin cities", count) % {"count": count}
    if code == "new_country":
        country = index.countries[j]
        return _("a country new to your network: %(country)s") % {"country": index.country_names.get(country, country)}
    if code == "same_type":
        return _("the same type of municipality")
    raise ValueError(code)


def explain(index: Index, me: int, j: int, *, border_km: float = BORDER_KM) -> tuple[float, tuple[Reason, ...]]:
    """Candidate j's score for municipality `me` (positions) and its reasons, largest contribution first."""
    ctx = _context(index, me, border_km)
    return _explain(ctx, j)


def _explain(ctx: _Context, j: int) -> tuple[float, tuple[Reason, ...]]:
    values = _values(ctx, j)
    reasons = [
        Reason(code=code, contribution=WEIGHTS[code] * value, text=_reason_text(ctx, j, code))
        for code, value in values.items()
        if WEIGHTS[code] * value > 0
    ]
    reasons.sort(key=lambda r: (-r.contribution, r.code))
    return sum(r.contribution for r in reasons), tuple(reasons)


def _allowed(ctx: _Context, j: int, filters: Filters) -> bool:
    index = ctx.index
    if filters.country and index.countries[j] != filters.country:
        return False
    population = index.populations[j]
    if filters.min_population is not None and (population is None or population < filters.min_population):
        return False
    if filters.max_population is not None and (population is None or population > filters.max_population):
        return False
    if filters.area and filters.area not in index.interests.get(j, frozenset()):
        return False
    if filters.max_km is not None or filters.cross_border_only:
        distance = index.km(ctx.me, j)
        if distance is None:
            return False
        if filters.max_km is not None and distance > filters.max_km:
            return False
        if filters.cross_border_only and (distance > ctx.border_km or index.countries[j] == index.countries[ctx.me]):
            return False
    return True


def suggest(
    index: Index,
    municipality_id: int,
    *,
    limit: int = 10,
    filters: Filters | None = None,
    border_km: float = BORDER_KM,
) -> list[Suggestion]:
    """The `limit` best partners for the municipality, best first (ties by id), never itself or a partner."""
    me = index.position.get(municipality_id)
    if me is None or limit <= 0:
        return []
    ctx = _context(index, me, border_km)
    filters = filters or Filters()
    filtering = filters != Filters()
    excluded = ctx.excluded
    ranked = heapq.nlargest(
        limit,
        (
            (_score(ctx, j), -index.ids[j], j)
            for j in range(len(index.ids))
            if j not in excluded and (not filtering or _allowed(ctx, j, filters))
        ),
    )
    suggestions = []
    for _score_value, _neg_id, j in ranked:
        score, reasons = _explain(ctx, j)
        suggestions.append(
            Suggestion(
                id=index.ids[j],
                name=index.names[j],
                name_en=index.names_en[j],
                country=index.countries[j],
                latitude=index.latitudes[j],
                longitude=index.longitudes[j],
                population=index.populations[j],
                score=round(score, 4),
                reasons=reasons,
            )
        )
    return suggestions
