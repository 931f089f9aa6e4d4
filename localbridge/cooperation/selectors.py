"""Reads of cooperation: agreements, the network, and partner suggestions (with the finder's index)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import get_language

from localbridge.core.audit import audit_history
from localbridge.core.models import AuditEntry
from localbridge.core.text import normalize_for_search
from localbridge.organizations.models import Organization, municipality_zone
from localbridge.practices import selectors as practice_selectors
from localbridge.practices.models import PracticeOrganizationRole
from localbridge.territories import selectors as territory_selectors
from localbridge.territories.models import Country, Municipality, Region

from . import finder
from .models import (
    CONCLUDED_STATUSES,
    OPEN_ACTION_STATUSES,
    ActionLink,
    ActionResponsible,
    ActionStatus,
    Agreement,
    AgreementParty,
    AssociationMember,
    CooperationArea,
    MunicipalityInterest,
    Roadmap,
    RoadmapAction,
    TwinLink,
    TwinLinkSource,
)
from .rules import ACTING_ROLES


def agreement_list() -> QuerySet[Agreement]:
    return Agreement.objects.prefetch_related(
        "parties__municipality__country", "parties__organization", "areas"
    ).order_by("-created_at", "-pk")


def agreement_visible_to(user: Any) -> QuerySet[Agreement]:
    """Concluded agreements, and for a signed-in user also those to which they act for a party (the SQL twin of
    the "cooperation.view_agreement" rule)."""
    agreements = agreement_list()
    if user is not None and getattr(user, "is_authenticated", False) and (user.is_staff or user.is_superuser):
        return agreements
    visible = Q(status__in=CONCLUDED_STATUSES)
    if user is not None and getattr(user, "is_authenticated", False):
        visible |= Q(
            parties__municipality__organizations__memberships__user=user,
            parties__municipality__organizations__memberships__is_active=True,
            parties__municipality__organizations__memberships__role="staff",
            parties__municipality__organizations__kind="administration",
        ) | Q(
            parties__organization__memberships__user=user,
            parties__organization__memberships__is_active=True,
            parties__organization__memberships__role__in=ACTING_ROLES,
        )
    return agreements.filter(pk__in=Agreement.objects.filter(visible).values("pk"))


def agreement_get(*, id: int) -> Agreement:
    return agreement_list().prefetch_related("documents", "reports").get(pk=id)


def cooperation_areas() -> QuerySet[CooperationArea]:
    return CooperationArea.objects.all()


def partner_ids(*, municipality_id: int) -> set[int]:
    links = TwinLink.objects.filter(Q(municipality_a_id=municipality_id) | Q(municipality_b_id=municipality_id))
    return {b if a == municipality_id else a for a, b in links.values_list("municipality_a_id", "municipality_b_id")}


def network_exists() -> bool:
    """Whether the twin-city network has any link (load_demo imports the real one only into an empty network)."""
    return TwinLink.objects.exists()


# --- the partner finder's index -----------------------------------------------------------------------------

_lock = threading.Lock()
_cached: dict[str, tuple[tuple[Any, ...], finder.Index]] = {}


def finder_invalidate() -> None:
    """Drop the index of this process (services call it after a change to the network or the interests)."""
    with _lock:
        _cached.clear()


def _fingerprint() -> tuple[Any, ...]:
    """A cheap summary that changes whenever a municipality or a link is added or removed, an interest is edited,
    or a practice is published, unpublished or edited, so that other processes (which `finder_invalidate` does
    not reach) rebuild their index too."""
    municipalities = Municipality.objects.aggregate(n=Count("pk"), last=Max("pk"))
    links = TwinLink.objects.aggregate(n=Count("pk"), last=Max("pk"))
    interests = MunicipalityInterest.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    practices = practice_selectors.practice_visible_to(None).aggregate(
        n=Count("pk"), edited=Max("updated_at"), published=Max("published_at")
    )
    return (*municipalities.values(), *links.values(), *interests.values(), *practices.values())


def _practice_topics() -> dict[int, frozenset[str]]:
    """Municipality id -> the topics of the published practices of the municipality or of one of its author
    organisations (two queries)."""
    published = practice_selectors.practice_visible_to(None).filter(topics__isnull=False)
    own = published.filter(municipality__isnull=False).values_list("municipality_id", "topics__code")
    by_authors = published.filter(
        organization_links__role=PracticeOrganizationRole.AUTHOR,
        organization_links__organization__municipality__isnull=False,
    ).values_list("organization_links__organization__municipality_id", "topics__code")
    topics: dict[int, set[str]] = {}
    for rows in (own, by_authors):
        for municipality_id, code in rows.distinct():
            topics.setdefault(municipality_id, set()).add(code)
    return {pk: frozenset(codes) for pk, codes in topics.items()}


def _area_topics(areas: list[tuple[str, str, str]], topics: list[tuple[str, str, str]]) -> dict[str, frozenset[str]]:
    """Area code -> topic codes: `finder.AREA_TOPICS` for the seeded areas; an area it does not name (added later
    by an editor) gets the topic with its code or its Russian or English name, if there is one."""
    by_name: dict[str, set[str]] = {}
    for code, name_ru, name_en in topics:
        for key in (code, name_ru, name_en):
            if key:
                by_name.setdefault(key.strip().casefold(), set()).add(code)
    mapping = {}
    for code, name_ru, name_en in areas:
        if code in finder.AREA_TOPICS:
            mapping[code] = finder.AREA_TOPICS[code]
        else:
            found = set().union(*(by_name.get(k.strip().casefold(), set()) for k in (code, name_ru, name_en) if k))
            mapping[code] = frozenset(found)
    return mapping


def _build(language: str) -> finder.Index:
    english = language.startswith("en")
    countries = {
        code: (name_en or name_ru) if english else name_ru
        for code, name_ru, name_en in Country.objects.values_list("code", "name_ru", "name_en")
    }
    rows = Municipality.objects.order_by("pk").values_list(
        "pk", "name_ru", "name_en", "country__code", "kind", "population", "latitude", "longitude"
    )
    interests: dict[int, set[str]] = {}
    for municipality_id, code in MunicipalityInterest.objects.filter(areas__isnull=False).values_list(
        "municipality_id", "areas__code"
    ):
        interests.setdefault(municipality_id, set()).add(code)
    area_rows = list(CooperationArea.objects.values_list("code", "name_ru", "name_en"))
    areas = {code: (name_en or name_ru) if english else name_ru for code, name_ru, name_en in area_rows}
    topic_rows = list(practice_selectors.topic_list(include_inactive=True).values_list("code", "name_ru", "name_en"))
    return finder.Index.build(
        (
            (pk, ((name_en or name_ru) if english else name_ru), name_en, country, kind, population, lat, lon)
            for pk, name_ru, name_en, country, kind, population, lat, lon in rows.iterator(chunk_size=5000)
        ),
        TwinLink.objects.values_list("municipality_a_id", "municipality_b_id").iterator(chunk_size=10000),
        interests={pk: frozenset(codes) for pk, codes in interests.items()},
        area_names=areas,
        country_names=countries,
        practice_topics=_practice_topics(),
        area_topics=_area_topics(area_rows, topic_rows),
        topic_names={code: (name_en or name_ru) if english else name_ru for code, name_ru, name_en in topic_rows},
    )


def partner_index() -> finder.Index:
    """The finder's index for the active language: built once per process, rebuilt when the data changed."""
    language = (get_language() or "ru")[:2]
    fingerprint = _fingerprint()
    with _lock:
        cached = _cached.get(language)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
    index = _build(language)
    with _lock:
        _cached[language] = (fingerprint, index)
    return index


def partner_suggestions(
    *,
    municipality_id: int,
    limit: int = 10,
    filters: finder.Filters | None = None,
    border_km: float = finder.BORDER_KM,
) -> list[finder.Suggestion]:
    return finder.suggest(partner_index(), municipality_id, limit=limit, filters=filters, border_km=border_km)


def municipality_find(*, name: str, country: str) -> list[Municipality]:
    """Municipalities called exactly `name` (Russian or English, case-insensitive) in the country given by its
    ISO alpha-2 code or by the twin-city file's English country name."""
    from .importing import country_code

    code = country.upper() if len(country) == 2 else country_code(country)
    if code is None:
        return []
    wanted = name.strip().casefold()
    candidates = Municipality.objects.filter(country__code=code).filter(
        Q(name_ru__iexact=name.strip()) | Q(name_en__iexact=name.strip()) | Q(search_name__contains=wanted)
    )
    return [m for m in candidates.select_related("country") if wanted in (m.name_ru.casefold(), m.name_en.casefold())]


# --- the pages' reads ------------------------------------------------------------------------------------------


def agreement_filter(
    agreements: QuerySet[Agreement],
    *,
    kind: str = "",
    status: str = "",
    country: str = "",
    area: str = "",
    municipality: int | None = None,
) -> QuerySet[Agreement]:
    """Narrow a list of agreements by kind, status, a party's country (alpha-2), an area of cooperation and a
    party municipality (its id)."""
    if municipality is not None:
        agreements = agreements.filter(
            pk__in=AgreementParty.objects.filter(municipality_id=municipality).values("agreement_id")
        )
    if kind:
        agreements = agreements.filter(kind=kind)
    if status:
        agreements = agreements.filter(status=status)
    if country:
        parties = AgreementParty.objects.filter(
            Q(municipality__country__code=country) | Q(organization__country__code=country)
        )
        agreements = agreements.filter(pk__in=parties.values("agreement_id"))
    if area:
        agreements = agreements.filter(pk__in=Agreement.objects.filter(areas__code=area).values("pk"))
    return agreements


def country_choices() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in Country.objects.order_by("name_ru")]


def associations() -> QuerySet[Organization]:
    return Organization.objects.filter(kind__startswith="association").order_by("name")


def municipality_get(*, id: int) -> Municipality:
    return Municipality.objects.select_related("country", "region").get(pk=id)


def municipality_partners(*, municipality_id: int) -> list[tuple[Municipality, TwinLink]]:
    """The municipality's partners in the network with the link (its source), by country and name."""
    links = list(
        TwinLink.objects.filter(
            Q(municipality_a_id=municipality_id) | Q(municipality_b_id=municipality_id)
        ).select_related("municipality_a__country", "municipality_b__country")
    )
    partners = [
        (link.municipality_b if link.municipality_a_id == municipality_id else link.municipality_a, link)
        for link in links
    ]
    return sorted(partners, key=lambda pair: (pair[0].country.name, pair[0].name))


def municipality_search(*, query: str, limit: int = 20) -> list[Municipality]:
    """Municipalities of any country whose Russian or English name contains `query`, the most populous first."""
    query = query.strip()
    if not query:
        return []
    found = territory_selectors.municipality_list(q=query).order_by(F("population").desc(nulls_last=True), "pk")
    return list(found[:limit])


# --- roadmaps ----------------------------------------------------------------------------------------------------
# An action is late when it is planned or in progress and its due date has passed for every side responsible for
# it: "today" is the earliest of the dates in the sides' time zones (a municipality's own; an association's is its
# seat's, or the site's when it has none). Pages and the API read it from `ActionRow.late`.

# The furthest ahead of UTC any time zone runs (UTC+14): a date earlier than today there is past everywhere.
LATEST_OFFSET = timedelta(hours=14)


def _side_zone(side: ActionResponsible) -> Any:
    if side.municipality_id is not None:
        return municipality_zone(side.municipality)
    return municipality_zone(side.organization.municipality if side.organization is not None else None)


def action_today_range(action: RoadmapAction, now: datetime | None = None) -> tuple[date, date]:
    """Today where the action's sides are: the earliest and the latest of their dates (the site's date when the
    action has no side)."""
    now = now or timezone.now()
    sides: Iterable[ActionResponsible]
    if "responsibles" in getattr(action, "_prefetched_objects_cache", {}):
        sides = action.responsibles.all()
    else:
        sides = action.responsibles.select_related("municipality", "organization__municipality")
    days = {now.astimezone(_side_zone(side)).date() for side in sides} or {
        now.astimezone(municipality_zone(None)).date()
    }
    return min(days), max(days)


@dataclass(frozen=True)
class ActionRow:
    """An action with what its date makes of it: late, and by how many days (in its sides' time zones)."""

    action: RoadmapAction
    today: date

    @property
    def late(self) -> bool:
        return self.action.is_late(self.today)

    @property
    def days_late(self) -> int:
        return (self.today - self.action.due_on).days if self.late else 0


def action_row(action: RoadmapAction, now: datetime | None = None) -> ActionRow:
    return ActionRow(action=action, today=action_today_range(action, now)[0])


@dataclass
class RoadmapDetail:
    """A roadmap with its actions (by due date) and their progress."""

    roadmap: Roadmap
    rows: list[ActionRow]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.action.status == ActionStatus.DONE)

    @property
    def cancelled(self) -> int:
        return sum(1 for row in self.rows if row.action.status == ActionStatus.CANCELLED)

    @property
    def late(self) -> int:
        return sum(1 for row in self.rows if row.late)

    @property
    def counted(self) -> int:
        """The actions not cancelled: those progress counts."""
        return self.total - self.cancelled

    @property
    def percent_done(self) -> int:
        """Done out of the actions not cancelled, in per cent."""
        return round(100 * self.done / self.counted) if self.counted else 0


def _responsibles() -> Prefetch:
    return Prefetch(
        "responsibles",
        queryset=ActionResponsible.objects.select_related(
            "municipality__country", "organization__municipality"
        ).order_by("pk"),
    )


def _links() -> Prefetch:
    return Prefetch("links", queryset=ActionLink.objects.select_related("project", "practice", "event").order_by("pk"))


def _actions() -> Prefetch:
    return Prefetch(
        "actions",
        queryset=RoadmapAction.objects.select_related("area")
        .prefetch_related(_responsibles(), _links())
        .order_by("due_on", "position", "pk"),
    )


def roadmap_visible_to(user: Any) -> QuerySet[Roadmap]:
    """Associations' programmes, and the roadmaps of the agreements `user` may see (the SQL twin of the
    "cooperation.view_roadmap" rule)."""
    roadmaps = Roadmap.objects.select_related("agreement", "association").order_by("-created_at", "-pk")
    if user is not None and getattr(user, "is_authenticated", False) and (user.is_staff or user.is_superuser):
        return roadmaps
    return roadmaps.filter(
        Q(association__isnull=False) | Q(agreement_id__in=agreement_visible_to(user).order_by().values("pk"))
    )


def roadmap_details(roadmaps: Iterable[Roadmap], now: datetime | None = None) -> list[RoadmapDetail]:
    """Each roadmap with its actions, their sides and results (four queries however many there are)."""
    roadmaps = list(roadmaps)
    prefetch_related_objects(roadmaps, _actions())
    now = now or timezone.now()
    return [RoadmapDetail(r, [action_row(a, now) for a in r.actions.all()]) for r in roadmaps]


def roadmap_get(*, id: int) -> Roadmap:
    """One roadmap with its owner (the agreement and its parties, or the association)."""
    return (
        Roadmap.objects.select_related("agreement", "association")
        .prefetch_related("agreement__parties__municipality__country", "agreement__parties__organization")
        .get(pk=id)
    )


def roadmap_detail(*, roadmap: Roadmap, now: datetime | None = None) -> RoadmapDetail:
    return roadmap_details([roadmap], now)[0]


def agreement_roadmaps(*, agreement_id: int, now: datetime | None = None) -> list[RoadmapDetail]:
    """The agreement's roadmaps, oldest first, with their actions."""
    return roadmap_details(
        Roadmap.objects.filter(agreement_id=agreement_id).select_related("agreement").order_by("created_at", "pk"),
        now,
    )


def association_roadmaps(*, association_id: int, now: datetime | None = None) -> list[RoadmapDetail]:
    """The association's programmes, oldest first, with their actions."""
    return roadmap_details(
        Roadmap.objects.filter(association_id=association_id)
        .select_related("association")
        .order_by("created_at", "pk"),
        now,
    )


@dataclass
class PartnerCooperation:
    """What a municipality does with one partner under an agreement: the agreement, its roadmaps, the next open
    action and how many are late."""

    agreement: Agreement
    roadmaps: list[RoadmapDetail]

    @property
    def rows(self) -> list[ActionRow]:
        return sorted((row for detail in self.roadmaps for row in detail.rows), key=lambda r: r.action.due_on)

    @property
    def next_action(self) -> ActionRow | None:
        return next((row for row in self.rows if row.action.status in OPEN_ACTION_STATUSES), None)

    @property
    def late(self) -> int:
        return sum(detail.late for detail in self.roadmaps)

    @property
    def done(self) -> int:
        return sum(detail.done for detail in self.roadmaps)

    @property
    def counted(self) -> int:
        return sum(detail.counted for detail in self.roadmaps)


def partner_cooperation(
    *, municipality_id: int, user: Any, now: datetime | None = None
) -> dict[int, list[PartnerCooperation]]:
    """For each partner of the municipality under an agreement `user` may see (both are parties to it): the
    agreement with its roadmaps and their actions. A fixed number of queries, however many agreements."""
    agreements = list(agreement_visible_to(user).filter(parties__municipality_id=municipality_id))
    roadmaps = roadmap_details(
        Roadmap.objects.filter(agreement__in=[a.pk for a in agreements]).order_by("created_at", "pk"), now
    )
    by_agreement: dict[int, list[RoadmapDetail]] = {}
    for detail in roadmaps:
        by_agreement.setdefault(detail.roadmap.agreement_id or 0, []).append(detail)
    result: dict[int, list[PartnerCooperation]] = {}
    for agreement in agreements:
        cooperation = PartnerCooperation(agreement, by_agreement.get(agreement.pk, []))
        for party in agreement.parties.all():
            if party.municipality_id is not None and party.municipality_id != municipality_id:
                result.setdefault(party.municipality_id, []).append(cooperation)
    return result


def roadmap_action_get(*, roadmap: Roadmap, id: int) -> RoadmapAction:
    """One action of `roadmap` with its sides and results (RoadmapAction.DoesNotExist if it is another's)."""
    action = (
        RoadmapAction.objects.select_related("area")
        .prefetch_related(_responsibles(), _links())
        .get(pk=id, roadmap_id=roadmap.pk)
    )
    action.roadmap = roadmap
    return action


def late_actions(
    *,
    user: Any,
    now: datetime | None = None,
    agreement_id: int | None = None,
    association_id: int | None = None,
    municipality_id: int | None = None,
) -> list[ActionRow]:
    """Late actions of the roadmaps `user` may see, the longest overdue first: three queries. The database
    narrows to actions past due somewhere on Earth; each action's sides' dates decide.

    Filters: an agreement's roadmaps; what concerns an association (its programmes, the agreements it is a party
    to, the actions it answers for); what concerns a municipality (the agreements it is a party to, the actions
    it answers for)."""
    now = now or timezone.now()
    latest_today = (now.astimezone(UTC) + LATEST_OFFSET).date()
    candidates = RoadmapAction.objects.filter(
        status__in=OPEN_ACTION_STATUSES,
        due_on__lt=latest_today,
        roadmap_id__in=roadmap_visible_to(user).order_by().values("pk"),
    )
    if agreement_id is not None:
        candidates = candidates.filter(roadmap__agreement_id=agreement_id)
    if association_id is not None:
        candidates = candidates.filter(
            Q(roadmap__association_id=association_id)
            | Q(
                roadmap__agreement_id__in=AgreementParty.objects.filter(organization_id=association_id).values(
                    "agreement_id"
                )
            )
            | Q(pk__in=ActionResponsible.objects.filter(organization_id=association_id).values("action_id"))
        )
    if municipality_id is not None:
        candidates = candidates.filter(
            Q(
                roadmap__agreement_id__in=AgreementParty.objects.filter(municipality_id=municipality_id).values(
                    "agreement_id"
                )
            )
            | Q(pk__in=ActionResponsible.objects.filter(municipality_id=municipality_id).values("action_id"))
        )
    candidates = (
        candidates.select_related("roadmap__agreement", "roadmap__association", "area")
        .prefetch_related(_responsibles(), _links())
        .order_by("due_on", "position", "pk")
    )
    rows = [action_row(action, now) for action in candidates]
    return [row for row in rows if row.late]


def programme_side_candidates(*, association_id: int | None) -> dict[str, list[tuple[str, str, Any]]]:
    """The sides an association's programme action may name, in groups: the association itself, its members
    (municipalities and associations: `AssociationMember`), and the other associations. Keys are "m<id>" for a
    municipality and "o<id>" for an association. Three queries."""
    association = Organization.objects.filter(pk=association_id).first() if association_id is not None else None
    groups: dict[str, list[tuple[str, str, Any]]] = {"association": [], "members": [], "others": []}
    taken: set[int] = set()
    if association is not None:
        groups["association"].append((f"o{association.pk}", association.name, association))
        taken.add(association.pk)
    members = AssociationMember.objects.filter(association_id=association_id).select_related(
        "municipality__country", "organization"
    )
    for member in members:
        if member.municipality is not None:
            municipality = member.municipality
            label = f"{municipality.name} ({municipality.country.name})"
            groups["members"].append((f"m{municipality.pk}", label, municipality))
        elif member.organization is not None:
            groups["members"].append((f"o{member.organization.pk}", member.organization.name, member.organization))
            taken.add(member.organization.pk)
    groups["others"] = [(f"o{o.pk}", o.name, o) for o in associations() if o.pk not in taken]
    return groups


# --- the network of a country or a region, and the graphs (aggregated in SQL) ---------------------------------

GRAPH_NODE_CAP = 200  # nodes of a graph by default (the API accepts up to GRAPH_NODE_MAX)
GRAPH_NODE_MAX = 1000


@dataclass(frozen=True)
class NetworkScope:
    """The municipalities of a country, or of one of its regions: what a country's or a region's network page
    counts over. A link is "of the scope" when at least one of its two ends is."""

    country: Country
    region: Region | None = None

    @property
    def _lookup(self) -> tuple[str, int]:
        return ("region_id", self.region.pk) if self.region is not None else ("country_id", self.country.pk)

    def end(self, side: str) -> Q:
        """The link's end `side` ("a" or "b") is in the scope: a subquery of the scope's municipalities' ids, which
        lets both databases start from the links' indexes instead of joining every link to its municipalities."""
        return Q(**{f"municipality_{side}_id__in": Municipality.objects.filter(self.municipalities()).values("pk")})

    def municipalities(self) -> Q:
        field, value = self._lookup
        return Q(**{field: value})

    def parties(self) -> Q:
        field, value = self._lookup
        return Q(**{f"municipality__{field}": value})


@dataclass(frozen=True)
class CountedRow:
    """One line of a count table: what (a country, region or area), its name, the count and its share of the
    largest count (for the bar)."""

    code: str
    name: str
    count: int
    share: float
    object: Any = None


def _counted(rows: list[tuple[str, str, int, Any]]) -> list[CountedRow]:
    """Rows (code, name, count, object), the largest count first, with each one's share of the largest."""
    rows.sort(key=lambda r: (-r[2], r[1]))
    top = rows[0][2] if rows else 0
    return [CountedRow(code, name, count, count / top if top else 0.0, obj) for code, name, count, obj in rows]


def network_country_get(*, code: str) -> Country:
    """The country with this ISO alpha-2 code (any letter case); Country.DoesNotExist otherwise."""
    return Country.objects.get(code=code.strip().upper())


def network_region_get(*, code: str) -> Region:
    """The region with this ISO 3166-2 code (any letter case), with its country; Region.DoesNotExist otherwise."""
    return Region.objects.select_related("country").get(code=code.strip().upper())


def network_scope_links(scope: NetworkScope) -> QuerySet[TwinLink]:
    return TwinLink.objects.filter(scope.end("a") | scope.end("b"))


def network_totals(scope: NetworkScope) -> dict[str, int]:
    """How many links the scope's municipalities have (`links`), how many of them join two of its municipalities
    (`within`) and how many came from agreements on the platform (`from_agreements`): one aggregate query."""
    totals = network_scope_links(scope).aggregate(
        links=Count("pk"),
        within=Count("pk", filter=scope.end("a") & scope.end("b")),
        from_agreements=Count("pk", filter=Q(source=TwinLinkSource.AGREEMENT)),
    )
    return {key: value or 0 for key, value in totals.items()}


def network_by_partner_country(scope: NetworkScope) -> list[CountedRow]:
    """The scope's links counted by the country of the partner (a link between two of the scope's municipalities
    counts once, for their own country): one grouped query, and one for the countries' names."""
    partner_country = Case(
        When(scope.end("a"), then=F("municipality_b__country_id")),
        default=F("municipality_a__country_id"),
        output_field=IntegerField(),
    )
    counts = dict(
        network_scope_links(scope)
        .annotate(partner_country=partner_country)
        .order_by()
        .values("partner_country")
        .annotate(n=Count("pk"))
        .values_list("partner_country", "n")
    )
    countries = Country.objects.in_bulk(list(counts))
    return _counted(
        [(countries[pk].code, countries[pk].name, n, countries[pk]) for pk, n in counts.items() if pk in countries]
    )


def network_by_region(scope: NetworkScope) -> list[CountedRow]:
    """A country's links counted by the region of its municipality (a link between two regions of the country
    counts for each, a link within one region once): one query (two grouped halves in a UNION ALL) and one for
    the regions' names. Municipalities without a region are counted under the code ""."""
    a_side = (
        TwinLink.objects.filter(scope.end("a"))
        .order_by()
        .values(region=F("municipality_a__region_id"))
        .annotate(n=Count("pk"))
    )
    same_region = Q(municipality_a__region_id=F("municipality_b__region_id")) | Q(
        municipality_a__region_id__isnull=True, municipality_b__region_id__isnull=True
    )
    b_side = (
        TwinLink.objects.filter(scope.end("b"))
        .exclude(scope.end("a") & same_region)
        .order_by()
        .values(region=F("municipality_b__region_id"))
        .annotate(n=Count("pk"))
    )
    counts: dict[int | None, int] = {}
    for region_id, n in a_side.union(b_side, all=True).values_list("region", "n"):
        counts[region_id] = counts.get(region_id, 0) + n
    regions = Region.objects.in_bulk([pk for pk in counts if pk is not None])
    rows: list[tuple[str, str, int, Any]] = [
        (regions[pk].code, regions[pk].name, n, regions[pk]) for pk, n in counts.items() if pk in regions
    ]
    if None in counts:
        rows.append(("", "", counts[None], None))
    return _counted(rows)


def network_by_area(scope: NetworkScope) -> tuple[list[CountedRow], int]:
    """Concluded agreements to which a municipality of the scope is a party, counted by area of cooperation (one
    grouped query), and how many there are in all (one count). The links from Wikipedia have no areas."""
    in_scope = AgreementParty.objects.filter(scope.parties()).values("agreement_id")
    concluded = Q(agreements__status__in=CONCLUDED_STATUSES, agreements__pk__in=in_scope)
    areas = CooperationArea.objects.annotate(n=Count("agreements", filter=concluded, distinct=True))
    rows = _counted([(a.code, a.name, a.n, a) for a in areas if a.n])
    total = Agreement.objects.filter(status__in=CONCLUDED_STATUSES, pk__in=in_scope).count()
    return rows, total


@dataclass(frozen=True)
class LinkedMunicipality:
    """A municipality of a country's or a region's network, as its page lists and maps it."""

    id: int
    name: str
    region_name: str
    latitude: float | None
    longitude: float | None
    link_count: int


def network_linked_municipalities(scope: NetworkScope, *, limit: int) -> tuple[list[LinkedMunicipality], int]:
    """The scope's municipalities that have a link, the most linked first (ties by name), at most `limit` of them;
    and how many there are in all. Two queries: the links counted by municipality in SQL (two grouped halves in a
    UNION ALL), and the names and places of those counted (plain rows: a big country has thousands)."""
    a_side = TwinLink.objects.filter(scope.end("a")).order_by().values(m=F("municipality_a_id")).annotate(n=Count("pk"))
    b_side = TwinLink.objects.filter(scope.end("b")).order_by().values(m=F("municipality_b_id")).annotate(n=Count("pk"))
    degree: dict[int, int] = {}
    for pk, n in a_side.union(b_side, all=True).values_list("m", "n"):
        degree[pk] = degree.get(pk, 0) + n
    english = (get_language() or "ru").startswith("en")
    rows = Municipality.objects.filter(pk__in=list(degree)).values_list(
        "pk", "name_ru", "name_en", "region__name_ru", "region__name_en", "latitude", "longitude"
    )
    linked = [
        LinkedMunicipality(
            id=pk,
            name=(name_en or name_ru) if english else name_ru,
            region_name=((region_en or region_ru) if english else region_ru) or "",
            latitude=lat,
            longitude=lon,
            link_count=degree[pk],
        )
        for pk, name_ru, name_en, region_ru, region_en, lat, lon in rows
    ]
    linked.sort(key=lambda m: (-m.link_count, m.name, m.id))
    return linked[:limit], len(degree)


def network_link_list(scope: NetworkScope) -> QuerySet[TwinLink]:
    """The scope's links, by the name of the end in the scope, each with both ends and their countries and
    `a_in_scope` (whether `municipality_a` is the scope's end). Paginate it."""
    return (
        network_scope_links(scope)
        .select_related("municipality_a__country", "municipality_b__country")
        .annotate(
            a_in_scope=Case(When(scope.end("a"), then=Value(True)), default=Value(False), output_field=BooleanField()),
            home_name=Case(
                When(scope.end("a"), then=F("municipality_a__name_ru")), default=F("municipality_b__name_ru")
            ),
        )
        .order_by("home_name", "pk")
    )


# --- graphs: nodes and edges --------------------------------------------------------------------------------


def _graph_nodes(ids: list[int], levels: dict[int, int]) -> list[dict[str, Any]]:
    """Node dicts for the municipalities `ids`, in that order (one query)."""
    found = Municipality.objects.select_related("country").in_bulk(ids)
    return [
        {
            "id": pk,
            "name": found[pk].name,
            "country": found[pk].country.code,
            "lat": found[pk].latitude,
            "lon": found[pk].longitude,
            "population": found[pk].population,
            "level": levels.get(pk, 0),
        }
        for pk in ids
        if pk in found
    ]


def _graph_edges(kept: list[int]) -> list[dict[str, Any]]:
    """Every link between two of the `kept` municipalities (one query)."""
    links = TwinLink.objects.filter(municipality_a_id__in=kept, municipality_b_id__in=kept).order_by("pk")
    return [
        {"source": a, "target": b, "source_kind": source}
        for a, b, source in links.values_list("municipality_a_id", "municipality_b_id", "source")
    ]


def network_graph_of_municipality(*, municipality_id: int, depth: int = 1, cap: int = GRAPH_NODE_CAP) -> dict[str, Any]:
    """The ego network of a municipality: itself (level 0), its partners (level 1) and, at depth 2, the partners of
    its partners (level 2), with every link between them; at most `cap` nodes: partners with more links first,
    then the partners of partners linked to more of its partners first (ties by id). `truncated` says whether
    some were left out. Four queries whatever the size."""
    cap = max(1, min(cap, GRAPH_NODE_MAX))
    first = partner_ids(municipality_id=municipality_id)
    around = TwinLink.objects.filter(Q(municipality_a_id__in=first) | Q(municipality_b_id__in=first))
    degree: dict[int, int] = {}
    reach: dict[int, int] = {}  # a municipality at level 2 -> how many level-1 partners it is linked to
    for a, b in around.values_list("municipality_a_id", "municipality_b_id"):
        for near, far in ((a, b), (b, a)):
            if near in first:
                degree[near] = degree.get(near, 0) + 1
                if far != municipality_id and far not in first:
                    reach[far] = reach.get(far, 0) + 1
    ranked_first = sorted(first, key=lambda pk: (-degree.get(pk, 0), pk))
    kept = [municipality_id, *ranked_first[: cap - 1]]
    levels = {municipality_id: 0, **dict.fromkeys(kept[1:], 1)}
    truncated = len(first) > cap - 1
    if depth >= 2:
        room = cap - len(kept)
        ranked_second = sorted(reach, key=lambda pk: (-reach[pk], pk))
        kept += ranked_second[: max(0, room)]
        levels.update(dict.fromkeys(ranked_second[: max(0, room)], 2))
        truncated = truncated or len(ranked_second) > max(0, room)
    nodes = _graph_nodes(kept, levels)
    return {"center": municipality_id, "nodes": nodes, "edges": _graph_edges(kept), "truncated": truncated}


def network_graph_of_country(*, country: Country, cap: int = GRAPH_NODE_CAP) -> dict[str, Any]:
    """A country's network: its municipalities with links (level 0), the most linked first, up to half the cap,
    then their partners abroad or at home (level 1), those linked to more of the kept ones first; the links among
    them. `truncated` says whether some were left out. Three queries whatever the size (the country's
    municipalities' ids, its links, the kept nodes)."""
    cap = max(2, min(cap, GRAPH_NODE_MAX))
    scope = NetworkScope(country=country)
    in_country = set(Municipality.objects.filter(scope.municipalities()).values_list("pk", flat=True))
    rows = list(network_scope_links(scope).values_list("municipality_a_id", "municipality_b_id", "source"))
    degree: dict[int, int] = {}
    for a, b, _source in rows:
        for pk in (a, b):
            if pk in in_country:
                degree[pk] = degree.get(pk, 0) + 1
    ranked = sorted(degree, key=lambda pk: (-degree[pk], pk))
    kept_home = ranked[: max(1, cap // 2)] if len(ranked) > cap else ranked
    kept_set = set(kept_home)
    reach: dict[int, int] = {}
    for a, b, _source in rows:
        for near, far in ((a, b), (b, a)):
            if near in kept_set and far not in kept_set:
                reach[far] = reach.get(far, 0) + 1
    room = cap - len(kept_home)
    ranked_partners = sorted(reach, key=lambda pk: (-reach[pk], pk))
    kept = [*kept_home, *ranked_partners[:room]]
    kept_set = set(kept)
    levels = {pk: 0 if pk in in_country else 1 for pk in kept}
    edges = [
        {"source": a, "target": b, "source_kind": source}
        for a, b, source in sorted(rows)
        if a in kept_set and b in kept_set
    ]
    truncated = len(kept_home) < len(ranked) or len(ranked_partners) > room
    return {"country": country.code, "nodes": _graph_nodes(kept, levels), "edges": edges, "truncated": truncated}


COUNTRY_GRAPH_SECONDS = 3600


def network_graph_of_countries() -> dict[str, Any]:
    """Countries as nodes (`links`: links of their municipalities; `domestic`: links within the country) and the
    links between two countries as weighted edges (`weight`: how many), heaviest first. Grouping every link by its
    two countries takes a while on SQLite (100–250 ms for 25,000 links), so the graph is cached per language until
    the links change (their count and last id: one cheap aggregate per call) or for an hour."""
    links = TwinLink.objects.aggregate(n=Count("pk"), last=Max("pk"))
    key = f"cooperation:country-graph:{get_language() or 'ru'}:{links['n']}:{links['last']}"
    graph = cache.get(key)
    if graph is None:
        graph = _country_graph()
        cache.set(key, graph, COUNTRY_GRAPH_SECONDS)
    return graph


def _country_graph() -> dict[str, Any]:
    """The graph of countries: one grouped query and one for the names."""
    pairs: dict[tuple[int, int], int] = {}
    for a, b, n in (
        TwinLink.objects.order_by()
        .values("municipality_a__country_id", "municipality_b__country_id")
        .annotate(n=Count("pk"))
        .values_list("municipality_a__country_id", "municipality_b__country_id", "n")
    ):
        key = (min(a, b), max(a, b))
        pairs[key] = pairs.get(key, 0) + n
    countries = Country.objects.in_bulk({pk for pair in pairs for pk in pair})
    links: dict[int, int] = {}
    domestic: dict[int, int] = {}
    for (a, b), n in pairs.items():
        links[a] = links.get(a, 0) + n
        if a == b:
            domestic[a] = n
        else:
            links[b] = links.get(b, 0) + n
    nodes = [
        {"id": countries[pk].code, "name": countries[pk].name, "links": n, "domestic": domestic.get(pk, 0)}
        for pk, n in sorted(links.items(), key=lambda item: (-item[1], countries[item[0]].code))
    ]
    edges = [
        {"source": countries[a].code, "target": countries[b].code, "weight": n}
        for (a, b), n in sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
        if a != b
    ]
    return {"nodes": nodes, "edges": edges}


def agreement_status_history(*, agreement: Agreement) -> QuerySet[AuditEntry]:
    """The agreement's audit rows that changed or set its status (its creation and every lifecycle move), oldest
    first."""
    return audit_history(obj=agreement).exclude(to_status="")


def municipalities_by_ids(ids: list[int]) -> list[Municipality]:
    """The municipalities with these ids (unknown ones left out), in the order given, with country and region."""
    found = Municipality.objects.select_related("country", "region").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def municipality_by_name(*, name: str, limit: int = 20) -> list[Municipality]:
    """Municipalities of any country whose Russian or English name is exactly `name` (any letter case, ё as е), the
    most populous first: the search name is "<Russian> <English>" folded, so an exact name starts or ends it."""
    wanted = normalize_for_search(name)
    if not wanted:
        return []
    found = (
        Municipality.objects.filter(
            Q(search_name=wanted) | Q(search_name__startswith=f"{wanted} ") | Q(search_name__endswith=f" {wanted}")
        )
        .select_related("country", "region")
        .order_by(F("population").desc(nulls_last=True), "pk")
    )
    exact = [
        m for m in found[: limit * 5] if wanted in (normalize_for_search(m.name_ru), normalize_for_search(m.name_en))
    ]
    return exact[:limit]
