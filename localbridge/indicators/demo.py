"""Indicators' demo data: generated yearly values for the real municipalities of the Amur Region, the computed
indicators over the whole demo, and a published demo rating. Called by `load_demo` last, after every other
module's demo data is there (the computed indicators count it).

Why the Amur Region: the demo's ТОС, participation and projects are in Blagoveshchensk and Svobodny, and the
founding conference of 2016 was held there (load_demo). Its municipalities are the reference data's (the urban
okrugs and settlements `load_reference` loads with their OKTMO codes and Rosstat populations), never invented.

What is generated, and marked so: for each of those municipalities and each year from 2019 to this year, values
of the federal evaluation (small businesses per 10,000 residents, investment per resident, substandard roads,
satisfaction with local government), of quality of life (living space, sport, the average wage) and of the
support of ТОС and NGOs that municipalities enter (budget support of ТОС and of NGOs, volunteers). They follow a
trend with noise from a fixed seed, so every load gives the same numbers; money scales with the population. They
are imported as an operator's file is — through `services.values_import` with `is_generated`, so the import is
recorded (`ImportBatch` "demo-amur-indicators.csv", audited), each value points to it, is marked `is_generated`,
and carries the source note "Сгенерировано для демонстрации…". The pages say so (the ratings mark each generated
figure).

Then the computed indicators are recomputed (`services.recompute_all`) over the demo data, and a published demo
rating of the Amur municipalities for this year is saved (`services_ratings.rating_method_create`), mixing computed
indicators (ТОС, practices, projects completed) with imported and entered ones.

Idempotent: the import is skipped when its batch exists, the rating when its code exists; the recomputation
replaces computed values with the same ones. A second run adds nothing."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from localbridge.territories.models import Municipality, Region

from . import services, services_ratings
from .catalogue import seed_definitions
from .models import ImportBatch, IndicatorDefinition, MissingRule, Normalisation, RatingMethod

REGION = "RU-AMU"
FIRST_YEAR = 2019
SEED = "localbridge-indicators-demo"
DEMO_FILE = "demo-amur-indicators.csv"
SOURCE_NOTE = "Сгенерировано для демонстрации, не статистика (демо LocalBridge)"
RATING_CODE = "amur-demo"
DEFAULT_POPULATION = 20_000  # for a municipality whose population the reference data does not give


@dataclass(frozen=True)
class Series:
    """How one indicator's generated values go: a starting value in 2019 between `low` and `high` (per resident
    when `per_resident`), a yearly change between `trend_low` and `trend_high` (a share of the value when
    `relative`, else in the indicator's units), noise of `noise` (likewise), kept within `floor` … `ceiling` and
    rounded to `places`."""

    low: float
    high: float
    trend_low: float
    trend_high: float
    noise: float
    places: int
    relative: bool = True
    per_resident: bool = False
    floor: float = 0.0
    ceiling: float | None = None


SERIES: dict[str, Series] = {
    # the federal evaluation of local government
    "smb_per_10000": Series(230, 420, 0.005, 0.03, 0.02, 1),
    "investment_per_resident": Series(15_000, 90_000, -0.02, 0.08, 0.12, 2),
    "roads_substandard_share": Series(35, 72, -2.5, -0.3, 1.5, 1, relative=False, ceiling=100),
    "satisfaction_local_government": Series(34, 60, 0.3, 2.8, 2.5, 1, relative=False, ceiling=100),
    # quality of life
    "housing_per_resident": Series(21.5, 28.5, 0.15, 0.55, 0.15, 1, relative=False),
    "sport_share": Series(24, 40, 0.8, 2.8, 1.2, 1, relative=False, ceiling=100),
    "average_salary": Series(42_000, 66_000, 0.06, 0.11, 0.02, 0),
    # support of ТОС and NGOs (municipalities enter these; the demo imports them like an operator's file)
    "tos_budget_support": Series(4, 40, 0.0, 0.15, 0.2, 2, per_resident=True),
    "ngo_budget_support": Series(8, 60, -0.02, 0.12, 0.2, 2, per_resident=True),
    "volunteers": Series(0.004, 0.025, 0.04, 0.14, 0.08, 0, per_resident=True),
}

# The demo rating: computed indicators (counted from the demo's ТОС, practices and projects) with imported and
# entered ones, weights relative.
RATING_WEIGHTS: list[tuple[str, str]] = [
    ("tos_count", "2"),
    ("practices_published", "1"),
    ("projects_completed", "1"),
    ("tos_budget_support", "2"),
    ("satisfaction_local_government", "2"),
    ("roads_substandard_share", "1"),
    ("average_salary", "1"),
    ("sport_share", "1"),
]


@dataclass
class IndicatorsDemoSummary:
    imported: int = 0
    import_found: bool = False
    municipalities: int = 0
    computed: int = 0
    rating_created: bool = False
    skipped: str = ""

    def line(self) -> str:
        """What load_demo prints."""
        if self.skipped:
            return f"Demo indicators: skipped ({self.skipped})"
        values = (
            "generated values already there"
            if self.import_found
            else f"{self.imported} generated values of {self.municipalities} municipalities of {REGION} imported"
        )
        rating = "created" if self.rating_created else "already there"
        return f"Demo indicators: {values}; {self.computed} computed values recomputed; demo rating {rating}."


def generated_values(municipalities: list[Municipality], years: range) -> list[dict[str, str]]:
    """The rows of the demo file: each municipality's generated values of SERIES, year by year (deterministic)."""
    rows = []
    for municipality in municipalities:
        key = municipality.oktmo or str(municipality.pk)
        population = municipality.population or DEFAULT_POPULATION
        for code, series in SERIES.items():
            rng = random.Random(f"{SEED}:{code}:{key}")
            value = rng.uniform(series.low, series.high) * (population if series.per_resident else 1)
            trend = rng.uniform(series.trend_low, series.trend_high)
            for year in years:
                if year > years.start:
                    value = value * (1 + trend) if series.relative else value + trend
                noisy = (
                    value * (1 + rng.gauss(0, series.noise)) if series.relative else value + rng.gauss(0, series.noise)
                )
                noisy = max(series.floor, noisy if series.ceiling is None else min(series.ceiling, noisy))
                rows.append(
                    {
                        "code": code,
                        "oktmo": municipality.oktmo,
                        "municipality": "" if municipality.oktmo else str(municipality.pk),
                        "year": str(year),
                        "value": str(round(Decimal(noisy), series.places)),
                        "source_note": SOURCE_NOTE,
                    }
                )
    return rows


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["code", "oktmo", "municipality", "year", "value", "source_note"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def load_indicators_demo(*, now: datetime | None = None) -> str:
    """Load the indicators demo (see the module's docstring); return a line to print."""
    now = now or timezone.now()
    summary = IndicatorsDemoSummary()
    seed_definitions(IndicatorDefinition)  # the catalogue, should a flushed test database have lost it
    region = Region.objects.filter(code=REGION).first()
    municipalities = list(Municipality.objects.filter(region=region).order_by("name_ru", "pk")) if region else []
    if region is None or not municipalities:
        summary.skipped = f"no municipalities of {REGION} in the reference data"
        return summary.line()
    summary.municipalities = len(municipalities)
    this_year = timezone.localdate(now).year
    if ImportBatch.objects.filter(file_name=DEMO_FILE, is_generated=True).exists():
        summary.import_found = True
    else:
        rows = generated_values(municipalities, range(FIRST_YEAR, this_year + 1))
        batch = services.values_import(actor=None, data=_csv(rows), filename=DEMO_FILE, is_generated=True, now=now)
        summary.imported = batch.rows_saved
    written = services.recompute_all(today=timezone.localdate(now))
    summary.computed = sum(written.values())
    if not RatingMethod.objects.filter(code=RATING_CODE).exists():
        definitions = IndicatorDefinition.objects.in_bulk([code for code, _weight in RATING_WEIGHTS], field_name="code")
        services_ratings.rating_method_create(
            actor=None,
            code=RATING_CODE,
            name_ru="Местное самоуправление и качество жизни: муниципальные образования Амурской области (демо)",
            name_en="Local self-government and quality of life: municipalities of the Amur Region (demo)",
            description_ru=(
                "Демонстрационный рейтинг. ТОС, практики и завершённые проекты посчитаны платформой по демо-данным; "
                "показатели оценки эффективности, качества жизни и бюджетной поддержки ТОС сгенерированы "
                "(не статистика) и помечены как сгенерированные."
            ),
            description_en=(
                "A demonstration rating. ТОС, practices and completed projects are counted by the platform from the "
                "demo data; the evaluation, quality-of-life and budget-support figures are generated (not statistics) "
                "and marked as generated."
            ),
            year=this_year,
            region=region,
            normalisation=Normalisation.MINMAX,
            missing_rule=MissingRule.EXCLUDE_OVER_HALF,
            weights=[(definitions[code], Decimal(weight)) for code, weight in RATING_WEIGHTS if code in definitions],
            is_published=True,
            now=now,
        )
        summary.rating_created = True
    return summary.line()
