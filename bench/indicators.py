"""Indicators at national scale: `scale` municipalities (the reference territories topped up with generated ones),
two ТОС per municipality (40,000 at the default scale), and proportionate practices and projects with budget lines,
all generated with bulk_create and marked; then a full recomputation of every computed indicator timed twice
(into an empty table, then over its own values, as the nightly task does), and the pages that read the values:
a municipality's dashboard, a region's comparison, the map's data, the ratings (a region's and the whole
country's) and the values API."""

import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from bench.base import Built, Scenario

NAME = "indicators"
TITLE = "Indicators: recomputation of the computed indicators, dashboards, map and ratings"
DEFAULT_SCALE = 20_000
SCALE_UNIT = "municipalities"
TOS_PER_MUNICIPALITY = 2
PRACTICES_PER_MUNICIPALITY = 0.2
PROJECTS_PER_MUNICIPALITY = 0.25
SAMPLE = 40  # municipalities the dashboard scenario walks through
GENERATED_RU = "(сгенерировано)"
GENERATED_EN = "(generated)"
BATCH = 2000
NOTES = """\
- Data: `load_reference`, then generated municipalities (named "Муниципальное образование N (сгенерировано)") up to
  the scale, each in the region of a random real Russian municipality, with a population of 0.25–4 times its own;
  two ТОС per municipality (organisations of kind ТОС with their profile: 90 % registered, 10 % in other statuses;
  founded 2005–now; 7 % legal entities; 40–4,000 residents), 0.2 published practices and 0.25 projects per
  municipality (a project carried out by one of its ТОС, 40 % completed, three budget lines from the budget,
  residents and sponsors). All with bulk_create, marked generated, outside the services (no audit).
- "recompute (first)" is `services.recompute_all()` into an empty values table: every computed indicator, every
  year from 2015 to this year, municipalities, regions and the country, one transaction per indicator; "recompute
  (again)" the same over its own values (the nightly run: an upsert of every value and a delete of none);
  "recompute one year" is `recompute_all(year=this year)`. The values written are the facts beside them. Most are
  `tos_residents_share`: a share is stored for every municipality with a known population, zero where it has no
  ТОС (zero is known, not missing), for every year.
- The pages: a municipality's dashboard (walking the 40 municipalities with the most ТОС), the comparison of the
  region with the most ТОС, the map's data (`tos_count` of this year) of that region and of Russia (every
  municipality), the values API of the region, a rating of the region's municipalities (five indicators) and the
  same rating over every municipality of Russia, and a "build your own rating" of the region from the query
  string. A page's query count does not grow with the data (the tests assert it).
- Figures (2 cores, a quiet machine: load average about 1): a full recomputation writes 904,403 values of 33
  computed indicators (241,008 of them `tos_residents_share`) in 24 s on SQLite and 63 s on PostgreSQL into an
  empty table, 17 s and 63 s over its own values, and one year (83,996 values) in 3.6 s and 8.2 s. The whole run
  (both databases, build and 50 requests a page) took 6 minutes. An earlier run on a busy machine (load average
  5–6) took 51 s and 127 s for the first recomputation.
- The rating over every municipality of Russia (20,000, five indicators) is the slowest page: it reads every
  municipality and every value and ranks them all to show 100 lines (0.5–0.6 s p50 on both databases). It took
  1.7 s (SQLite) and 1.0 s (PostgreSQL) when `ratings.composite` worked in Fraction objects and built a line per
  municipality; now each indicator's scores are integers over one denominator (exact, so ties stay ties: a
  property test checks it equals the Fraction computation), a page builds only its own lines, and the
  municipalities are read as plain values. What remains is reading 20,000 municipalities and about 45,000 values
  and the Python loop over them; a cache of the computed rating keyed by the values' last change is the next
  step if country-wide ratings become common. A region's rating (RU-MOS, the busiest) takes 50–60 ms p50."""


def _generated_municipalities(scale: int, rng: random.Random) -> int:
    from localbridge.territories.models import Municipality

    templates = list(
        Municipality.objects.filter(country__code="RU", region__isnull=False)
        .order_by("pk")
        .values_list("country_id", "region_id", "kind", "timezone", "population", "latitude", "longitude")
    )
    missing = max(0, scale - Municipality.objects.count())
    batch = []
    for n in range(missing):
        country_id, region_id, kind, tz, population, lat, lon = rng.choice(templates)
        name_ru = f"Муниципальное образование {n + 1} {GENERATED_RU}"
        name_en = f"Municipality {n + 1} {GENERATED_EN}"
        batch.append(
            Municipality(
                country_id=country_id,
                region_id=region_id,
                kind=kind,
                timezone=tz,
                name_ru=name_ru,
                name_en=name_en,
                search_name=Municipality.search_name_for(name_ru, name_en),
                population=max(100, round((population or 20_000) * 2 ** rng.uniform(-2, 2))),
                latitude=None if lat is None else lat + rng.gauss(0, 0.3),
                longitude=None if lon is None else lon + rng.gauss(0, 0.3),
            )
        )
    Municipality.objects.bulk_create(batch, batch_size=BATCH)
    return missing


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=12)))


def _tos(scale: int, rng: random.Random, today: date) -> int:
    """TOS_PER_MUNICIPALITY ТОС per Russian municipality, with their profiles."""
    from localbridge.organizations.management.commands.seed_registry import ogrn_for
    from localbridge.organizations.models import (
        FoundingForm,
        Organization,
        OrganizationKind,
        OrganizationStatus,
        TosProfile,
        TosTerritoryKind,
    )
    from localbridge.organizations.services import tos_territory_key
    from localbridge.territories.models import Municipality

    places = list(
        Municipality.objects.filter(country__code="RU", region__isnull=False)
        .order_by("pk")
        .values_list("pk", "country_id", "region_id")
    )
    wanted = scale * TOS_PER_MUNICIPALITY
    statuses = [
        (OrganizationStatus.REGISTERED, 90),
        (OrganizationStatus.SUBMITTED, 4),
        (OrganizationStatus.DRAFT, 3),
        (OrganizationStatus.REFUSED, 3),
    ]
    organisations: list[Any] = []
    profiles: list[Any] = []
    made = 0
    span = (today - date(2005, 1, 1)).days
    for index in range(wanted):
        municipality_id, country_id, region_id = (
            places[index % len(places)] if index < len(places) else rng.choice(places)
        )
        status = rng.choices([s for s, _w in statuses], [w for _s, w in statuses])[0]
        founded = date(2005, 1, 1) + timedelta(days=rng.randrange(span))
        territory = f"Участок {index + 1} {GENERATED_RU}"
        organisation = Organization(
            kind=OrganizationKind.TOS,
            name=f"ТОС № {index + 1} {GENERATED_RU}",
            status=status,
            country_id=country_id,
            region_id=region_id,
            municipality_id=municipality_id,
            founded_on=founded,
            territory_key=tos_territory_key(municipality_id, territory),
            search_text=f"тос № {index + 1} сгенерировано",
            is_generated=True,
        )
        if status == OrganizationStatus.REGISTERED:
            registered = min(today, founded + timedelta(days=rng.randrange(10, 60)))
            organisation.registered_at = _aware(registered)
            organisation.registry_number = f"G-IND-{index + 1:06d}"
            if rng.random() < 0.07:
                organisation.is_legal_entity = True
                organisation.legal_registered_on = min(today, registered + timedelta(days=rng.randrange(30, 400)))
                organisation.ogrn = ogrn_for(rng, year=organisation.legal_registered_on.year, region_number=region_id)
        residents = rng.randint(40, 4000)
        organisations.append(organisation)
        profiles.append(
            TosProfile(
                organization=organisation,
                territory_name=territory,
                territory_kind=rng.choice(TosTerritoryKind.values),
                residents_count=residents,
                founding_date=founded,
                founding_form=FoundingForm.MEETING if residents < 1000 else FoundingForm.CONFERENCE,
                participants_count=residents // 3 + 1,
            )
        )
        if len(organisations) >= BATCH:
            made += _flush_tos(organisations, profiles)
    made += _flush_tos(organisations, profiles)
    return made


def _flush_tos(organisations: list[Any], profiles: list[Any]) -> int:
    from localbridge.organizations.models import Organization, TosProfile

    Organization.objects.bulk_create(organisations, batch_size=BATCH)
    for profile in profiles:
        profile.organization_id = profile.organization.pk
    TosProfile.objects.bulk_create(profiles, batch_size=BATCH)
    done = len(organisations)
    organisations.clear()
    profiles.clear()
    return done


def _practices(scale: int, rng: random.Random, today: date) -> int:
    from localbridge.practices.models import Practice, PracticeStatus
    from localbridge.territories.models import Municipality

    places = list(
        Municipality.objects.filter(country__code="RU", region__isnull=False).values_list(
            "pk", "country_id", "region_id"
        )
    )
    span = (today - date(2015, 1, 1)).days
    practices = []
    for index in range(int(scale * PRACTICES_PER_MUNICIPALITY)):
        municipality_id, country_id, region_id = rng.choice(places)
        published = _aware(date(2015, 1, 1) + timedelta(days=rng.randrange(span)))
        practices.append(
            Practice(
                title=f"Практика № {index + 1} {GENERATED_RU}",
                summary="Сгенерированная практика для измерения производительности.",
                status=PracticeStatus.PUBLISHED,
                published_at=published,
                year=published.year,
                country_id=country_id,
                region_id=region_id,
                municipality_id=municipality_id,
                is_generated=True,
            )
        )
    Practice.objects.bulk_create(practices, batch_size=BATCH)
    return len(practices)


def _projects(scale: int, rng: random.Random, today: date) -> tuple[int, int]:
    from localbridge.organizations.models import Organization, OrganizationKind, OrganizationStatus
    from localbridge.projects.models import BudgetLine, FundingSource, Project, ProjectStage

    owners = list(
        Organization.objects.filter(
            kind=OrganizationKind.TOS, status=OrganizationStatus.REGISTERED, is_generated=True
        ).values_list("pk", "municipality_id")
    )
    projects = []
    for index in range(int(scale * PROJECTS_PER_MUNICIPALITY)):
        owner_id, municipality_id = rng.choice(owners)
        year = rng.randint(2015, today.year)
        started = date(year, rng.randint(1, 12), rng.randint(1, 28))
        completed = rng.random() < 0.4 and started + timedelta(days=120) <= today
        projects.append(
            Project(
                title=f"Проект № {index + 1} {GENERATED_RU}",
                owner_id=owner_id,
                municipality_id=municipality_id,
                year=year,
                stage=ProjectStage.COMPLETED if completed else ProjectStage.IMPLEMENTATION,
                started_at=_aware(started),
                completed_at=_aware(started + timedelta(days=120)) if completed else None,
            )
        )
    Project.objects.bulk_create(projects, batch_size=BATCH)
    lines = []
    for project in projects:
        for position, source in enumerate(
            (FundingSource.MUNICIPAL_BUDGET, FundingSource.RESIDENTS, FundingSource.SPONSORS)
        ):
            lines.append(
                BudgetLine(
                    project_id=project.pk,
                    source=source,
                    title=f"Статья {position + 1} {GENERATED_RU}",
                    planned=Decimal(rng.randrange(10_000, 500_000, 1000)),
                    position=position,
                )
            )
    BudgetLine.objects.bulk_create(lines, batch_size=BATCH)
    return len(projects), len(lines)


def build(*, scale: int, seed: int) -> Built:
    from localbridge.indicators import services
    from localbridge.indicators.models import IndicatorValue
    from localbridge.organizations.models import Organization
    from localbridge.territories.models import Municipality

    rng = random.Random(seed)
    today = timezone.localdate()
    started = time.perf_counter()
    generated = _generated_municipalities(scale, rng)
    municipalities_s = round(time.perf_counter() - started, 2)

    started = time.perf_counter()
    tos = _tos(scale, rng, today)
    practices = _practices(scale, rng, today)
    projects, lines = _projects(scale, rng, today)
    activity_s = round(time.perf_counter() - started, 2)

    timings = {}
    written: dict[str, dict[str, int]] = {}
    for label, kwargs in (("first", {}), ("again", {}), ("one year", {"year": today.year})):
        started = time.perf_counter()
        written[label] = services.recompute_all(**kwargs)
        timings[label] = round(time.perf_counter() - started, 2)
    biggest = max(written["first"].items(), key=lambda item: item[1])

    facts = {
        "municipalities": Municipality.objects.count(),
        "generated municipalities": generated,
        "ТОС": tos,
        "practices": practices,
        "projects": projects,
        "budget lines": lines,
        "generating municipalities s": municipalities_s,
        "generating ТОС, practices and projects s": activity_s,
        "computed indicators": len(written["first"]),
        "recompute (first) s": timings["first"],
        "values written (first)": sum(written["first"].values()),
        "recompute (again) s": timings["again"],
        "values written (again)": sum(written["again"].values()),
        "recompute one year s": timings["one year"],
        "values written (one year)": sum(written["one year"].values()),
        "largest indicator": f"{biggest[0]} ({biggest[1]} values)",
        "values stored": IndicatorValue.objects.count(),
        "organisations": Organization.objects.count(),
    }
    return Built(facts=facts, context=_context(today))


def reuse(*, scale: int, seed: int, facts: dict[str, Any]) -> Built:
    return Built(facts=dict(facts), context=_context(timezone.localdate()))


def _context(today: date) -> dict[str, Any]:
    """The region with the most ТОС, the sample of municipalities with the most, and the two ratings."""
    from django.db.models import Count

    from localbridge.indicators.models import (
        IndicatorDefinition,
        MissingRule,
        Normalisation,
        RatingMethod,
        RatingScope,
        RatingWeight,
    )
    from localbridge.organizations.models import Organization, OrganizationKind
    from localbridge.territories.models import Country, Region

    tos = Organization.objects.filter(kind=OrganizationKind.TOS)
    busiest = tos.values("region_id").annotate(n=Count("pk")).order_by("-n", "region_id").first()
    region = Region.objects.get(pk=busiest["region_id"]) if busiest else Region.objects.order_by("pk").first()
    sample = list(
        tos.values_list("municipality_id", flat=True).annotate(n=Count("pk")).order_by("-n", "municipality_id")[:SAMPLE]
    )
    codes = ["tos_count", "tos_residents_share", "practices_published", "projects_completed", "money_total"]
    definitions = IndicatorDefinition.objects.in_bulk(codes, field_name="code")
    russia = Country.objects.get(code="RU")
    for code, scope, territory in (
        ("bench-region", RatingScope.REGION, {"region": region}),
        ("bench-russia", RatingScope.COUNTRY, {"country": russia}),
    ):
        method, created = RatingMethod.objects.get_or_create(
            code=code,
            defaults={
                "name_ru": f"Рейтинг бенчмарка {GENERATED_RU}",
                "year": today.year,
                "scope": scope,
                "normalisation": Normalisation.MINMAX,
                "missing_rule": MissingRule.EXCLUDE_OVER_HALF,
                "is_published": True,
                **territory,
            },
        )
        if created:
            RatingWeight.objects.bulk_create(
                RatingWeight(method=method, definition=definitions[c], weight=Decimal(1 + i % 2), position=i)
                for i, c in enumerate(codes)
                if c in definitions
            )
    return {"region": region.code, "sample": sample, "year": today.year}


def scenarios(built: Built) -> list[Scenario]:
    region: str = built.context["region"]
    sample: list[int] = built.context["sample"]
    year: int = built.context["year"]

    def pick(i: int) -> int:
        return sample[i % len(sample)]

    custom = (
        f"/indicators/ratings/custom/?territory={region}&year={year}&w_tos_count=2&w_practices_published=1"
        "&w_projects_completed=1"
    )
    return [
        Scenario(
            "dashboard",
            "Page: a municipality's dashboard (every indicator over the years)",
            lambda i: f"/indicators/municipality/{pick(i)}/",
        ),
        Scenario(
            "region",
            f"Page: the comparison of the region with the most ТОС ({region})",
            lambda i: f"/indicators/region/{region}/?indicator=tos_count&year={year}",
        ),
        Scenario(
            "map_region",
            f"JSON: the map's data, ТОС of {year} in {region}",
            lambda i: f"/indicators/map/data.json?indicator=tos_count&year={year}&region={region}",
        ),
        Scenario(
            "map_russia",
            f"JSON: the map's data, ТОС of {year} in every municipality of Russia",
            lambda i: f"/indicators/map/data.json?indicator=tos_count&year={year}&country=RU",
        ),
        Scenario(
            "api_region",
            f"API: values of ТОС in {year} at the municipalities of {region}",
            lambda i: f"/api/v1/indicators/values?code=tos_count&year={year}&region={region}&level=municipality",
        ),
        Scenario(
            "rating_region",
            f"Page: a rating of the municipalities of {region} (5 indicators)",
            lambda i: "/indicators/ratings/bench-region/",
        ),
        Scenario(
            "rating_russia",
            "Page: the same rating over every municipality of Russia (first 100 lines)",
            lambda i: "/indicators/ratings/bench-russia/",
        ),
        Scenario(
            "rating_custom",
            f"Page: build your own rating of {region} (3 indicators, from the query string)",
            lambda i: custom,
        ),
    ]
