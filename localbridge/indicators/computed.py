"""The indicators the platform computes from its own data, per municipality, region and country and per year.

Each computed indicator is registered here under its code (the codes of the definitions seeded by migration
0002, with `source = computed`). A computation is made of measures: rows of another module's table (ТОС,
practices, applications…), where each row belongs (its municipality, else its region, else its country), which
year it counts in, and what it adds (a count of distinct items, or a sum). A measure is computed by GROUP BY
queries, never by a query per municipality (see Part for the one-query and the per-level forms), at these levels:

- the municipalities: grouped by the municipality a row belongs to, where a municipality that is part of
  another (an intra-city territory of a federal city) counts in itself and in the one it is part of;
- the regions and the countries: grouped by the region and the country of that municipality, or by the region
  or country the row names itself when it names no municipality (a regional contest, a national association).

So a region's count is the sum of its municipalities' counts plus the region's own rows, and a row that belongs
to several municipalities (an agreement of two municipalities of one region) counts once in the region: the
roll-up counts distinct items, it does not add municipalities' figures up blindly. Shares are recomputed at each
level from their rolled-up parts (numerator / denominator), never averaged.

Years: a *flow* counts in the year its row is dated (practices published in the year); a *stock* counts in every
year from the year it starts until the year it ends, if it ends (ТОС registered by the end of the year); a
*snapshot* is the state today, written for the current year only (projects overdue now).

The exact definitions are in docs/indicators.md; each is tested on a small dataset in tests/test_computed_*.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.expressions import Case, When
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from localbridge.contests.models import Application, ApplicationStatus, Contest, ContestStatus, Result
from localbridge.cooperation.models import ActionResponsible, ActionStatus, AgreementParty, AgreementStatus
from localbridge.events.models import (
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    ResolutionItem,
    ResolutionItemStatus,
)
from localbridge.organizations.models import Organization, OrganizationKind, OrganizationStatus
from localbridge.participation.models import Proposal, ProposalStatus
from localbridge.practices.models import Adoption, Practice, PracticeStatus
from localbridge.projects.models import (
    BudgetLine,
    FundingSource,
    Milestone,
    Project,
    ProjectStage,
    Report,
    ReportStatus,
)
from localbridge.territories.models import Municipality

from .models import Level

Key = tuple[str, int, int]  # (level, territory id, year)
Values = dict[Key, Decimal]
Kind = Literal["flow", "stock", "snapshot"]

# The first year a full recomputation writes (flows before it are not stored; stocks count everything before).
DEFAULT_FIRST_YEAR = 2015
# Money indicators sum amounts in this currency only (amounts in other currencies are not converted).
CURRENCY = "RUB"
ZERO = Decimal(0)


def first_year() -> int:
    return int(getattr(settings, "INDICATORS_FIRST_YEAR", DEFAULT_FIRST_YEAR))


@dataclass
class Context:
    """One run of computations: the years to write, today's date (for snapshots), and the measures computed so
    far in this run (a share and its parts read the same numbers)."""

    years: tuple[int, ...]
    today: date
    memo: dict[str, Values] = field(default_factory=dict)

    @classmethod
    def for_years(cls, year: int | None = None, *, today: date | None = None) -> Context:
        today = today or timezone.localdate()
        years = (year,) if year is not None else tuple(range(first_year(), today.year + 1))
        return cls(years=years, today=today)

    def values(self, source: Source) -> Values:
        if source.name not in self.memo:
            self.memo[source.name] = source.compute(self)
        return self.memo[source.name]


# --- where a row belongs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """Where a row belongs: the first of `municipality` (paths to a municipality foreign key) that is set; a row
    with none of them belongs to the first of `region` that is set, else to the first of `country`."""

    municipality: tuple[str, ...]
    region: tuple[str, ...] = ()
    country: tuple[str, ...] = ()

    def _case(self, whens: list[When]) -> Case:
        return Case(*whens, default=Value(None), output_field=models.BigIntegerField())

    def municipality_key(self) -> Case:
        return self._case([When(**{f"{p}__isnull": False}, then=F(p)) for p in self.municipality])

    def parent_key(self) -> Case:
        return self._case([When(**{f"{p}__isnull": False}, then=F(f"{p}__parent")) for p in self.municipality])

    def top_key(self) -> Case:
        """The municipality a row counts in at the top: the one its municipality is part of, else its own."""
        return self._case(
            [When(**{f"{p}__isnull": False}, then=Coalesce(F(f"{p}__parent"), F(p))) for p in self.municipality]
        )

    def region_key(self) -> Case:
        whens = [When(**{f"{p}__isnull": False}, then=F(f"{p}__region")) for p in self.municipality]
        whens += [When(**{f"{p}__isnull": False}, then=F(p)) for p in self.region]
        return self._case(whens)

    def country_key(self) -> Case:
        whens = [When(**{f"{p}__isnull": False}, then=F(f"{p}__country")) for p in self.municipality]
        whens += [When(**{f"{p}__isnull": False}, then=F(f"{p}__country")) for p in self.region]
        whens += [When(**{f"{p}__isnull": False}, then=F(p)) for p in self.country]
        return self._case(whens)


def _year(*fields: str) -> Any:
    """The year of the first of `fields` (dates or date-times, in the site's time zone) that is set."""
    years = [ExtractYear(f) for f in fields]
    return years[0] if len(years) == 1 else Coalesce(*years)


@dataclass(frozen=True)
class Part:
    """Rows of one table that a measure counts: the rows (built at run time), where each belongs, the year it
    starts counting (and, for a stock, the year it stops, when it does), and what it adds.

    `shared`: one item may have several rows in several places (an agreement has a row per party), and the value
    counts distinct items: then each level is grouped by its own query, so that an item counts once in a region
    however many of its rows are there. Otherwise each row is one item in one place, and a single query grouped by
    municipality, region and country is rolled up here by adding (the same numbers, a quarter of the work)."""

    rows: Callable[[Context], models.QuerySet[Any]]
    where: Where
    start: Callable[[Context], Any]
    value: Callable[[], Any]
    end: Callable[[], Any] | None = None
    shared: bool = False


Group = tuple[str, Any, Any, Any, Any]  # (level, territory id, start year, end year, value)


def _shared_groups(part: Part, query: models.QuerySet[Any]) -> Iterator[Group]:
    where = part.where
    per_level = [
        (Level.MUNICIPALITY, query.annotate(_k=where.top_key())),
        # A municipality that is part of another also has its own figure (the top one includes it).
        (
            Level.MUNICIPALITY,
            query.annotate(_k=where.municipality_key(), _p=where.parent_key()).filter(_p__isnull=False),
        ),
        (Level.REGION, query.annotate(_k=where.region_key())),
        (Level.COUNTRY, query.annotate(_k=where.country_key())),
    ]
    for level, level_query in per_level:
        for territory_id, start, stop, value in (
            level_query.values_list("_k", "_y0", "_y1").annotate(_v=part.value()).order_by()
        ):
            yield level, territory_id, start, stop, value


def _single_groups(part: Part, query: models.QuerySet[Any]) -> Iterator[Group]:
    where = part.where
    groups = (
        query.annotate(_m=where.municipality_key(), _t=where.top_key(), _r=where.region_key(), _c=where.country_key())
        .values_list("_m", "_t", "_r", "_c", "_y0", "_y1")
        .annotate(_v=part.value())
        .order_by()
    )
    for municipality_id, top_id, region_id, country_id, start, stop, value in groups:
        yield Level.MUNICIPALITY, top_id, start, stop, value
        if municipality_id != top_id:
            yield Level.MUNICIPALITY, municipality_id, start, stop, value
        yield Level.REGION, region_id, start, stop, value
        yield Level.COUNTRY, country_id, start, stop, value


def _as_decimal(value: Any) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(value)


@dataclass(frozen=True)
class Measure:
    """A count or a sum over one or more parts (disjoint sets of rows), per territory and year."""

    name: str
    parts: tuple[Part, ...]
    kind: Kind = "flow"

    def compute(self, ctx: Context) -> Values:
        years = set(ctx.years)
        if self.kind == "snapshot" and ctx.today.year not in years:
            return {}
        out: dict[Key, Decimal] = defaultdict(Decimal)
        for part in self.parts:
            no_end = Value(None, output_field=models.IntegerField())
            end = part.end() if self.kind == "stock" and part.end else no_end
            query = part.rows(ctx).annotate(_y0=part.start(ctx), _y1=end)
            groups = _shared_groups(part, query) if part.shared else _single_groups(part, query)
            # Rows without a territory or a year, and years outside the window, are dropped here from the (few)
            # groups rather than in SQL: a WHERE on these expressions would evaluate them again for every row (on
            # SQLite a date-time's year in the site's time zone is a Python function call).
            for level, territory_id, start, stop, value in groups:
                if territory_id is None or start is None or not value:
                    continue
                if self.kind != "stock":
                    if start in years:
                        out[(level, territory_id, start)] += _as_decimal(value)
                    continue
                for year in years:
                    if start <= year and (stop is None or year <= stop):
                        out[(level, territory_id, year)] += _as_decimal(value)
        return {key: value for key, value in out.items() if value}


@dataclass(frozen=True)
class Population:
    """The population of the platform's reference data (Rosstat, 1 January 2020: the same figure for every year):
    a municipality's own; a region's or a country's, the sum over its municipalities that are not part of another
    municipality with a known population (so that a city and its intra-city territories are not counted twice)."""

    name: str = "population"

    def compute(self, ctx: Context) -> Values:
        known = Municipality.objects.filter(population__isnull=False, population__gt=0)
        top = known.filter(Q(parent__isnull=True) | Q(parent__population__isnull=True))
        out: Values = {}
        totals: list[tuple[str, Iterable[tuple[int, Any]]]] = [
            (Level.MUNICIPALITY, known.values_list("pk", "population")),
            (
                Level.REGION,
                top.filter(region__isnull=False)
                .values("region")
                .annotate(n=Sum("population"))
                .values_list("region", "n"),
            ),
            (Level.COUNTRY, top.values("country").annotate(n=Sum("population")).values_list("country", "n")),
        ]
        for level, rows in totals:
            for territory_id, population in rows:
                for year in ctx.years:
                    out[(level, territory_id, year)] = Decimal(population)
        return out


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator × scale, at every territory and year where the denominator is above zero: a
    share is computed from its rolled-up parts at each level, never averaged from the municipalities'."""

    name: str
    numerator: Measure
    denominator: Measure | Population
    scale: Decimal = Decimal(100)
    places: int = 2

    def compute(self, ctx: Context) -> Values:
        numerator = ctx.values(self.numerator)
        denominator = ctx.values(self.denominator)
        quantum = Decimal(1).scaleb(-self.places)
        return {
            key: (numerator.get(key, ZERO) * self.scale / total).quantize(quantum, rounding=ROUND_HALF_UP)
            for key, total in denominator.items()
            if total > 0
        }


Source = Measure | Population | Ratio


@dataclass(frozen=True)
class Computation:
    code: str
    source: Source

    @property
    def is_snapshot(self) -> bool:
        return isinstance(self.source, Measure) and self.source.kind == "snapshot"

    def years(self, ctx: Context) -> tuple[int, ...]:
        """The years this computation writes (and so replaces)."""
        if self.is_snapshot:
            return (ctx.today.year,) if ctx.today.year in ctx.years else ()
        return ctx.years

    def run(self, ctx: Context) -> Values:
        return ctx.values(self.source)


REGISTRY: dict[str, Computation] = {}


def register(code: str, source: Source) -> None:
    REGISTRY[code] = Computation(code=code, source=source)


def _count(field_name: str = "pk") -> Callable[[], Any]:
    return lambda: Count(field_name, distinct=True)


def _sum(field_name: str) -> Callable[[], Any]:
    return lambda: Sum(field_name)


def _years(*fields: str) -> Callable[[Context], Any]:
    return lambda ctx: _year(*fields)


# --- ТОС --------------------------------------------------------------------------------------------------------

# A ТОС counts from the year it was registered (else founded, else entered on the platform) while it is registered
# or active; a closed ТОС is not counted in any year (the platform does not record when it closed).
COUNTED_TOS_STATUSES = (OrganizationStatus.REGISTERED, OrganizationStatus.ACTIVE)
TOS_WHERE = Where(municipality=("municipality",), region=("region",), country=("country",))


def _tos(ctx: Context) -> models.QuerySet[Any]:
    return Organization.objects.filter(kind=OrganizationKind.TOS, status__in=COUNTED_TOS_STATUSES)


TOS_YEAR = ("registered_at", "founded_on", "created_at")


def _legal_entity_year(ctx: Context) -> Any:
    """The year of the state registration as a legal entity, but not before the ТОС itself counts (so that the
    legal entities are never more than the ТОС)."""
    tos_year = _year(*TOS_YEAR)
    legal_year = ExtractYear("legal_registered_on")
    return Case(When(GreaterThan(legal_year, tos_year), then=legal_year), default=tos_year)


TOS_COUNT = Measure(
    "tos_count",
    (Part(rows=_tos, where=TOS_WHERE, start=_years(*TOS_YEAR), value=_count()),),
    kind="stock",
)
TOS_LEGAL_ENTITIES = Measure(
    "tos_legal_entities",
    (
        Part(
            rows=lambda ctx: _tos(ctx).filter(is_legal_entity=True),
            where=TOS_WHERE,
            start=_legal_entity_year,
            value=_count(),
        ),
    ),
    kind="stock",
)
TOS_RESIDENTS = Measure(
    "tos_residents",
    (
        Part(
            rows=_tos,
            where=TOS_WHERE,
            start=_years(*TOS_YEAR),
            value=_sum("tos__residents_count"),
        ),
    ),
    kind="stock",
)
# The share's numerator: residents of ТОС in municipalities whose population is known (the others are in neither
# part of the share).
TOS_RESIDENTS_KNOWN_POPULATION = Measure(
    "tos_residents_known_population",
    (
        Part(
            rows=lambda ctx: _tos(ctx).filter(municipality__population__gt=0),
            where=Where(municipality=("municipality",)),
            start=_years(*TOS_YEAR),
            value=_sum("tos__residents_count"),
        ),
    ),
    kind="stock",
)

register("tos_count", TOS_COUNT)
register("tos_legal_entities", TOS_LEGAL_ENTITIES)
register("tos_legal_entities_share", Ratio("tos_legal_entities_share", TOS_LEGAL_ENTITIES, TOS_COUNT))
register("tos_residents", TOS_RESIDENTS)
register("tos_residents_share", Ratio("tos_residents_share", TOS_RESIDENTS_KNOWN_POPULATION, Population()))

# --- practices --------------------------------------------------------------------------------------------------

register(
    "practices_published",
    Measure(
        "practices_published",
        (
            Part(
                rows=lambda ctx: Practice.objects.filter(status=PracticeStatus.PUBLISHED),
                where=Where(municipality=("municipality",), region=("region",), country=("country",)),
                start=_years("published_at"),
                value=_count(),
            ),
        ),
    ),
)
register(
    "practices_adopted",
    Measure(
        "practices_adopted",
        (
            Part(
                rows=lambda ctx: Adoption.objects.all(),
                where=Where(
                    municipality=("municipality", "organization__municipality"),
                    region=("organization__region",),
                    country=("organization__country",),
                ),
                start=_years("adopted_on"),
                value=_count(),
            ),
        ),
    ),
)

# --- contests ---------------------------------------------------------------------------------------------------

HELD_CONTEST_STATUSES = tuple(
    s for s in ContestStatus.values if s not in (ContestStatus.DRAFT, ContestStatus.CANCELLED)
)
COUNTED_APPLICATION_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.ADMITTED,
    ApplicationStatus.ADMITTED_WITH_CONDITIONS,
    ApplicationStatus.NOT_ADMITTED,
)
APPLICANT_WHERE = Where(
    municipality=("municipality", "organization__municipality"),
    region=("organization__region",),
    country=("organization__country",),
)
AWARD_WHERE = Where(
    municipality=("application__municipality", "application__organization__municipality"),
    region=("application__organization__region",),
    country=("application__organization__country",),
)


def _awards(ctx: Context) -> models.QuerySet[Any]:
    return Result.objects.filter(funded=True, contest__status=ContestStatus.FINISHED)


AWARD_YEAR = _years("contest__results_published_at", "contest__results_on")

register(
    "contests_held",
    Measure(
        "contests_held",
        (
            Part(
                rows=lambda ctx: Contest.objects.filter(status__in=HELD_CONTEST_STATUSES),
                where=Where(
                    municipality=("organizer__municipality",),
                    region=("organizer__region", "region"),
                    country=("organizer__country", "country"),
                ),
                start=_years("applications_open", "created_at"),
                value=_count(),
            ),
        ),
    ),
)
register(
    "contest_applications",
    Measure(
        "contest_applications",
        (
            Part(
                rows=lambda ctx: Application.objects.filter(
                    status__in=COUNTED_APPLICATION_STATUSES, submitted_at__isnull=False
                ),
                where=APPLICANT_WHERE,
                start=_years("submitted_at"),
                value=_count(),
            ),
        ),
    ),
)
register(
    "contest_awards",
    Measure("contest_awards", (Part(rows=_awards, where=AWARD_WHERE, start=AWARD_YEAR, value=_count()),)),
)
register(
    "contest_awards_amount",
    Measure(
        "contest_awards_amount",
        (
            Part(
                rows=lambda ctx: _awards(ctx).filter(contest__currency=CURRENCY),
                where=AWARD_WHERE,
                start=AWARD_YEAR,
                value=_sum("amount"),
            ),
        ),
    ),
)

# --- money of community projects (the projects' budget plans) ----------------------------------------------------


def _money(name: str, sources: tuple[str, ...] | None) -> Measure:
    def rows(ctx: Context) -> models.QuerySet[Any]:
        lines = BudgetLine.objects.filter(project__currency=CURRENCY).exclude(project__stage=ProjectStage.CANCELLED)
        return lines if sources is None else lines.filter(source__in=sources)

    return Measure(
        name,
        (
            Part(
                rows=rows,
                where=Where(municipality=("project__municipality",)),
                start=lambda ctx: F("project__year"),
                value=_sum("planned"),
            ),
        ),
    )


MONEY_TOTAL = _money("money_total", None)
MONEY_COMMUNITY = _money(
    "money_community", (FundingSource.RESIDENTS, FundingSource.SPONSORS, FundingSource.VOLUNTEER_LABOUR)
)
register("money_budget", _money("money_budget", (FundingSource.MUNICIPAL_BUDGET, FundingSource.REGIONAL_BUDGET)))
register("money_grants", _money("money_grants", (FundingSource.GRANT,)))
register("money_residents", _money("money_residents", (FundingSource.RESIDENTS,)))
register("money_sponsors", _money("money_sponsors", (FundingSource.SPONSORS,)))
register("money_volunteer_labour", _money("money_volunteer_labour", (FundingSource.VOLUNTEER_LABOUR,)))
register("money_total", MONEY_TOTAL)
register("money_community_share", Ratio("money_community_share", MONEY_COMMUNITY, MONEY_TOTAL))

# --- projects ---------------------------------------------------------------------------------------------------

PROJECT_WHERE = Where(municipality=("municipality",))


def _overdue_milestones(ctx: Context) -> models.QuerySet[Any]:
    return Milestone.objects.filter(planned_date__lt=ctx.today, actual_date__isnull=True, percent_done__lt=100).exclude(
        project__stage__in=(ProjectStage.COMPLETED, ProjectStage.CANCELLED)
    )


register(
    "projects_started",
    Measure(
        "projects_started",
        (
            Part(
                rows=lambda ctx: Project.objects.all(), where=PROJECT_WHERE, start=_years("started_at"), value=_count()
            ),
        ),
    ),
)
register(
    "projects_completed",
    Measure(
        "projects_completed",
        (
            Part(
                rows=lambda ctx: Project.objects.filter(stage=ProjectStage.COMPLETED),
                where=PROJECT_WHERE,
                start=_years("completed_at"),
                value=_count(),
            ),
        ),
    ),
)
register(
    "projects_overdue",
    Measure(
        "projects_overdue",
        (
            Part(
                rows=_overdue_milestones,
                where=Where(municipality=("project__municipality",)),
                start=lambda ctx: Value(ctx.today.year, output_field=models.IntegerField()),
                value=_count("project"),
            ),
        ),
        kind="snapshot",
    ),
)


def _accepted_reports(ctx: Context) -> models.QuerySet[Any]:
    return Report.objects.filter(status=ReportStatus.ACCEPTED)


register(
    "projects_people_reached",
    Measure(
        "projects_people_reached",
        (
            Part(
                rows=_accepted_reports,
                where=Where(municipality=("project__municipality",)),
                start=_years("decided_at", "submitted_at"),
                value=_sum("people_reached"),
            ),
        ),
    ),
)
register(
    "projects_volunteer_hours",
    Measure(
        "projects_volunteer_hours",
        (
            Part(
                rows=_accepted_reports,
                where=Where(municipality=("project__municipality",)),
                start=_years("decided_at", "submitted_at"),
                value=_sum("volunteer_hours"),
            ),
        ),
    ),
)

# --- initiative proposals ---------------------------------------------------------------------------------------

DECIDED_PROPOSAL_STATUSES = (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.SELECTION)
PROPOSAL_WHERE = Where(municipality=("municipality",))


def _proposals(statuses: tuple[str, ...], year_field: str, name: str) -> Measure:
    return Measure(
        name,
        (
            Part(
                rows=lambda ctx: Proposal.objects.filter(status__in=statuses),
                where=PROPOSAL_WHERE,
                start=_years(year_field),
                value=_count(),
            ),
        ),
    )


PUBLISHED_PROPOSAL_STATUSES = tuple(s for s in ProposalStatus.values if s != ProposalStatus.DRAFT)
PROPOSALS_DECIDED = _proposals(DECIDED_PROPOSAL_STATUSES, "decided_at", "proposals_decided")
PROPOSALS_ACCEPTED = _proposals((ProposalStatus.ACCEPTED,), "decided_at", "proposals_accepted")
register("proposals_published", _proposals(PUBLISHED_PROPOSAL_STATUSES, "published_at", "proposals_published"))
register("proposals_decided", PROPOSALS_DECIDED)
register("proposals_accepted", PROPOSALS_ACCEPTED)
register("proposals_rejected", _proposals((ProposalStatus.REJECTED,), "decided_at", "proposals_rejected"))
register("proposals_accepted_share", Ratio("proposals_accepted_share", PROPOSALS_ACCEPTED, PROPOSALS_DECIDED))

# --- cooperation ------------------------------------------------------------------------------------------------

SIDE_WHERE = Where(
    municipality=("municipality", "organization__municipality"),
    region=("organization__region",),
    country=("organization__country",),
)

register(
    "partnerships_active",
    Measure(
        "partnerships_active",
        (
            Part(
                rows=lambda ctx: AgreementParty.objects.filter(
                    agreement__status__in=(AgreementStatus.ACTIVE, AgreementStatus.ENDED)
                ),
                where=SIDE_WHERE,
                start=_years(
                    "agreement__starts_on",
                    "agreement__registered_on",
                    "agreement__signed_on",
                    "agreement__created_at",
                ),
                end=lambda: _year("agreement__ended_on", "agreement__ends_on"),
                value=_count("agreement"),
                shared=True,
            ),
        ),
        kind="stock",
    ),
)
register(
    "roadmap_actions_done",
    Measure(
        "roadmap_actions_done",
        (
            Part(
                rows=lambda ctx: ActionResponsible.objects.filter(action__status=ActionStatus.DONE),
                where=SIDE_WHERE,
                start=_years("action__completed_on", "action__due_on"),
                value=_count("action"),
                shared=True,
            ),
        ),
    ),
)


# --- events and resolutions -------------------------------------------------------------------------------------

# An event counts where it is held (its municipality, else its region), else in the country of its organisers (an
# online national event). It is held once it has started and was not cancelled.
EVENT_WHERE = Where(
    municipality=("municipality",), region=("region",), country=("organizer_links__organization__country",)
)


def _held_events(ctx: Context) -> models.QuerySet[Any]:
    return Event.objects.filter(status=EventStatus.PUBLISHED, starts_at__date__lte=ctx.today)


register(
    "events_held",
    Measure(
        "events_held",
        (Part(rows=_held_events, where=EVENT_WHERE, start=_years("starts_at"), value=_count(), shared=True),),
    ),
)
register(
    "event_participants",
    Measure(
        "event_participants",
        (
            Part(
                rows=lambda ctx: Registration.objects.filter(
                    status=RegistrationStatus.REGISTERED, event__in=_held_events(ctx)
                ),
                where=Where(
                    municipality=("event__municipality",),
                    region=("event__region",),
                    country=("event__organizer_links__organization__country",),
                ),
                start=_years("event__starts_at"),
                value=_count(),
                shared=True,
            ),
        ),
    ),
)


def _items_done(ctx: Context) -> models.QuerySet[Any]:
    return ResolutionItem.objects.filter(status=ResolutionItemStatus.DONE)


# An item done counts for each organisation it is addressed to (where that organisation is); an item addressed to
# no organisation of the registry counts where its resolution's event was held.
ITEM_YEAR = _years("status_changed_at", "updated_at")
register(
    "resolution_items_done",
    Measure(
        "resolution_items_done",
        (
            Part(
                rows=lambda ctx: _items_done(ctx).filter(addressees__isnull=False),
                where=Where(
                    municipality=("addressees__municipality",),
                    region=("addressees__region",),
                    country=("addressees__country",),
                ),
                start=ITEM_YEAR,
                value=_count(),
                shared=True,
            ),
            Part(
                rows=lambda ctx: _items_done(ctx).filter(addressees__isnull=True),
                where=Where(
                    municipality=("resolution__event__municipality",),
                    region=("resolution__event__region",),
                    country=("resolution__event__organizer_links__organization__country",),
                ),
                start=ITEM_YEAR,
                value=_count(),
                shared=True,
            ),
        ),
    ),
)


def computation(code: str) -> Computation:
    return REGISTRY[code]
