"""Writes to territories: loading the reference data.

Reference data is not audited row by row (a load touches thousands of rows and changes nothing on a second
run); `reference_load` returns what it created and updated, and the command prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from .models import Country, Municipality, Region, Settlement, SettlementKind
from .reference import GeoNamesIndex, ReferenceData, reference_read

BATCH = 500


@dataclass
class SyncCount:
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated"


@dataclass
class ReferenceLoadResult:
    countries: SyncCount
    regions: SyncCount
    municipalities: SyncCount
    settlements: SyncCount
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            c.created or c.updated for c in (self.countries, self.regions, self.municipalities, self.settlements)
        )


def _sync(
    model: type[models.Model],
    key_field: str,
    rows: dict[Any, dict[str, Any]],
    existing: models.QuerySet[Any],
) -> SyncCount:
    """Create the rows whose key is new and update those whose values differ, in bulk: update_or_create keyed on
    `key_field`, without a query per row. Rows the source no longer has are kept (organisations may use them)."""
    by_key = {getattr(obj, key_field): obj for obj in existing}
    to_create, to_update = [], []
    fields: set[str] = set()
    for key, values in rows.items():
        obj = by_key.get(key)
        if obj is None:
            to_create.append(model(**{key_field: key}, **values))
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            fields.update(changed)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=BATCH)  # type: ignore[attr-defined]
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=BATCH)  # type: ignore[attr-defined]
    return SyncCount(created=len(to_create), updated=len(to_update))


@transaction.atomic
def reference_load(*, data_dir: Path, geonames: GeoNamesIndex | None = None) -> ReferenceLoadResult:
    """Load countries, Russian regions, municipalities and their settlements from `data_dir` (see reference.py).
    Idempotent: a second run finds every row as it is and writes nothing."""
    data: ReferenceData = reference_read(data_dir, geonames=geonames)

    countries = _sync(
        Country,
        "code",
        {c.code: {"code3": c.code3, "name_ru": c.name_ru, "name_en": c.name_en} for c in data.countries},
        Country.objects.all(),
    )
    country_ids = dict(Country.objects.values_list("code", "pk"))

    regions = _sync(
        Region,
        "code",
        {
            r.code: {
                "country_id": country_ids[r.country_code],
                "name_ru": r.name_ru,
                "name_en": r.name_en,
                "federal_district": r.federal_district,
            }
            for r in data.regions
        },
        Region.objects.all(),
    )
    region_ids = dict(Region.objects.values_list("code", "pk"))

    municipality_rows = {}
    for m in data.municipalities:
        main = m.main
        municipality_rows[m.oktmo] = {
            "country_id": country_ids["RU"],
            "region_id": region_ids[m.region_code],
            "kind": m.kind,
            "name_ru": main.name_ru,
            "name_en": main.name_en,
            "search_name": Municipality.search_name_for(main.name_ru, main.name_en),
            "population": m.population,
            "latitude": main.latitude,
            "longitude": main.longitude,
            "timezone": main.timezone,
            "geonameid": main.geonameid,
        }
    with_oktmo = Municipality.objects.exclude(oktmo="")
    municipalities = _sync(Municipality, "oktmo", municipality_rows, with_oktmo)
    municipality_ids = dict(with_oktmo.values_list("oktmo", "pk"))

    settlement_rows = {
        s.fias_id: {
            "municipality_id": municipality_ids[m.oktmo],
            "kind": SettlementKind.CITY,
            "name_ru": s.name_ru,
            "name_en": s.name_en,
            "oktmo": s.oktmo,
            "population": s.population,
            "latitude": s.latitude,
            "longitude": s.longitude,
            "foundation_year": s.foundation_year,
            "geonameid": s.geonameid,
        }
        for m in data.municipalities
        for s in m.settlements
    }
    # A GeoNames place held by another settlement is released first, so that the unique geonameid never clashes.
    holders = dict(Settlement.objects.filter(geonameid__isnull=False).values_list("geonameid", "fias_id"))
    released = [
        s.geonameid
        for m in data.municipalities
        for s in m.settlements
        if s.geonameid is not None and holders.get(s.geonameid, s.fias_id) != s.fias_id
    ]
    if released:
        Settlement.objects.filter(geonameid__in=released).update(geonameid=None)
    settlements = _sync(Settlement, "fias_id", settlement_rows, Settlement.objects.filter(fias_id__isnull=False))

    return ReferenceLoadResult(
        countries=countries,
        regions=regions,
        municipalities=municipalities,
        settlements=settlements,
        notes=data.notes,
    )
