"""Writes to indicators: recomputing the computed indicators, a municipality's entered values, and an operator's
import of a file of values.

Each service takes the acting user (None for the system: the background task, a command), checks the permission
(rules.py), validates with translated errors carrying a code, and writes in one transaction with an audit row."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.services import FieldErrors, lock_row, one_line, require_perm
from localbridge.territories.models import Municipality, Region

from . import computed
from .importing import RawRow, parse_number, parse_year, read_table
from .models import (
    MIN_YEAR,
    VALUE_DIGITS,
    VALUE_PLACES,
    ImportBatch,
    IndicatorDefinition,
    IndicatorValue,
    Level,
    Source,
)

log = logging.getLogger(__name__)

BATCH = 2000
SOURCE_NOTE_MAX = 500
QUANTUM = Decimal(1).scaleb(-VALUE_PLACES)
LARGEST = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES)


# --- recomputation ------------------------------------------------------------------------------------------------


def recompute_all(
    *, year: int | None = None, codes: Iterable[str] | None = None, today: date | None = None
) -> dict[str, int]:
    """Recompute the computed indicators (all, or those of `codes`) for `year` (default: every year from
    computed.first_year() to this year), one transaction per indicator. Returns the number of values written
    per code. Values of those years that no longer hold (a count fallen to zero) are removed."""
    today = today or timezone.localdate()
    _check_recompute_year(year, today)
    ctx = computed.Context.for_years(year, today=today)
    wanted = set(codes) if codes is not None else set(computed.REGISTRY)
    unknown = wanted - set(computed.REGISTRY)
    if unknown:
        raise ValidationError(
            _("No computed indicator has the code %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            code="unknown_code",
        )
    definitions = IndicatorDefinition.objects.filter(source=Source.COMPUTED, is_active=True, code__in=wanted).in_bulk(
        field_name="code"
    )
    written = {}
    for code, computation in computed.REGISTRY.items():
        definition = definitions.get(code)
        if definition is None:
            continue
        written[code] = _recompute_one(definition, computation, ctx)
    return written


def _check_recompute_year(year: int | None, today: date) -> None:
    if year is not None and not MIN_YEAR <= year <= today.year:
        raise ValidationError(
            _("Enter a year from %(first)s to %(last)s.") % {"first": MIN_YEAR, "last": today.year}, code="bad_year"
        )


def recompute_request(*, actor: Any, year: int | None = None) -> Any:
    """Platform staff's "recompute now": queue the recomputation for the task worker (done at once where tasks
    run immediately). Returns the task's result handle."""
    require_perm(actor, "indicators.recompute")
    _check_recompute_year(year, timezone.localdate())
    from .tasks import recompute_indicators  # tasks call this module: imported here, not at the top

    return recompute_indicators.enqueue(year=year)


@transaction.atomic
def _recompute_one(definition: IndicatorDefinition, computation: computed.Computation, ctx: computed.Context) -> int:
    lock_row(definition)  # two recomputations of one indicator queue here instead of interleaving
    years = computation.years(ctx)
    if not years:
        return 0
    stamp = timezone.now()
    values = computation.run(ctx)
    rows = [
        UpsertRow(definition.pk, level, territory_id, year, value, computed_at=stamp)
        for (level, territory_id, year), value in values.items()
        if year in years
    ]
    upsert_values(rows)
    IndicatorValue.objects.filter(definition=definition, year__in=years).exclude(computed_at=stamp).delete()
    return len(rows)


@dataclass(frozen=True)
class UpsertRow:
    definition_id: int
    level: str
    territory_id: int
    year: int
    value: Decimal
    source_note: str = ""
    computed_at: datetime | None = None
    entered_by_id: int | None = None
    entered_at: datetime | None = None
    import_batch_id: int | None = None
    is_generated: bool = False


UPSERT_COLUMNS = (
    "definition_id",
    "level",
    "territory_id",
    "municipality_id",
    "region_id",
    "country_id",
    "year",
    "value",
    "source_note",
    "computed_at",
    "entered_by_id",
    "entered_at",
    "import_batch_id",
    "is_generated",
)


def upsert_values(rows: Iterable[UpsertRow]) -> None:
    """Insert the values, replacing those with the same (definition, level, territory, year).

    Written as one INSERT … ON CONFLICT … DO UPDATE statement run with executemany (the same SQL on SQLite 3.24+ and
    PostgreSQL) rather than `bulk_create(update_conflicts=True)`: the ORM builds a model instance and prepares every
    field of every row in Python, which took 90 % of a recomputation (a minute for 50,000 values on the benchmark
    machine); this takes a second. The caller holds the transaction."""
    ops = connection.ops
    table = ops.quote_name(IndicatorValue._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in UPSERT_COLUMNS)
    updated = ", ".join(
        f"{ops.quote_name(c)} = excluded.{ops.quote_name(c)}"
        for c in UPSERT_COLUMNS
        if c not in ("definition_id", "level", "territory_id", "year")
    )
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(UPSERT_COLUMNS))}) "  # noqa: S608
        f"ON CONFLICT (definition_id, level, year, territory_id) DO UPDATE SET {updated}"
    )

    def params(row: UpsertRow) -> tuple[Any, ...]:
        return (
            row.definition_id,
            row.level,
            row.territory_id,
            row.territory_id if row.level == Level.MUNICIPALITY else None,
            row.territory_id if row.level == Level.REGION else None,
            row.territory_id if row.level == Level.COUNTRY else None,
            row.year,
            ops.adapt_decimalfield_value(
                row.value.quantize(QUANTUM, rounding=ROUND_HALF_UP), VALUE_DIGITS, VALUE_PLACES
            ),
            row.source_note,
            ops.adapt_datetimefield_value(row.computed_at),
            row.entered_by_id,
            ops.adapt_datetimefield_value(row.entered_at),
            row.import_batch_id,
            row.is_generated,
        )

    with connection.cursor() as cursor:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(params(row))
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


# --- entered values -----------------------------------------------------------------------------------------------


def _check_value(
    definition: IndicatorDefinition, value: Decimal | None, errors: FieldErrors, name: str = "value"
) -> None:
    if value is None or not value.is_finite():
        errors.add(name, _("Enter a number."), "bad_value")
        return
    if abs(value) >= LARGEST:
        errors.add(name, _("The number is too large."), "bad_value")
        return
    low, high = definition.value_min, definition.value_max
    if (low is not None and value < low) or (high is not None and value > high):
        errors.add(
            name,
            _("The value must be between %(low)s and %(high)s.")
            % {"low": "−∞" if low is None else _plain(low), "high": "∞" if high is None else _plain(high)},
            "out_of_range",
        )


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def _check_year(year: int | None, errors: FieldErrors, today: date, name: str = "year") -> None:
    if year is None or not MIN_YEAR <= year <= today.year:
        errors.add(
            name,
            _("Enter a year from %(first)s to %(last)s.") % {"first": MIN_YEAR, "last": today.year},
            "bad_year",
        )


@transaction.atomic
def value_enter(
    *,
    actor: Any,
    definition: IndicatorDefinition,
    municipality: Municipality,
    year: int | None,
    value: Decimal | None,
    source_note: str,
    now: datetime | None = None,
) -> IndicatorValue:
    """A municipality's yearly value of an indicator it enters itself, with the source of the figure. Entering
    the same indicator and year again replaces the value (the old one stays in the audit trail)."""
    require_perm(actor, "indicators.enter_value", municipality)
    now = now or timezone.now()
    errors = FieldErrors()
    if definition.source != Source.ENTERED or not definition.is_active:
        errors.add("definition", _("This indicator is not entered by municipalities."), "not_enterable")
    _check_year(year, errors, timezone.localdate(now))
    _check_value(definition, value, errors)
    source_note = one_line(source_note)
    if not source_note:
        errors.add("source_note", _("Say where the figure comes from."), "required")
    elif len(source_note) > SOURCE_NOTE_MAX:
        errors.add("source_note", _("Keep it under %(max)s characters.") % {"max": SOURCE_NOTE_MAX}, "too_long")
    errors.raise_if_any()
    assert year is not None and value is not None
    territory = {**IndicatorValue.territory_fields(Level.MUNICIPALITY, municipality.pk), "year": year}
    old = IndicatorValue.objects.select_for_update().filter(definition=definition, **territory).first()
    # An upsert: two people entering the same figure at once both succeed, the later one wins.
    upsert_values(
        [
            UpsertRow(
                definition.pk,
                Level.MUNICIPALITY,
                municipality.pk,
                year,
                value,
                source_note=source_note,
                entered_by_id=actor.pk,
                entered_at=now,
            )
        ]
    )
    saved = IndicatorValue.objects.get(definition=definition, **territory)
    audit_record(
        obj=saved,
        action="enter",
        actor=actor,
        data={
            "indicator": definition.code,
            "municipality": municipality.pk,
            "year": year,
            "value": str(saved.value),
            "previous": str(old.value) if old is not None else None,
            "source_note": source_note,
        },
        now=now,
    )
    return saved


@transaction.atomic
def value_remove(*, actor: Any, value: IndicatorValue, now: datetime | None = None) -> None:
    """Remove an entered value (entered by mistake)."""
    if value.municipality is None:
        raise ValidationError(_("Only a municipality's entered values can be removed here."), code="not_removable")
    require_perm(actor, "indicators.enter_value", value.municipality)
    if value.definition.source != Source.ENTERED:
        raise ValidationError(_("Only a municipality's entered values can be removed here."), code="not_removable")
    audit_record(
        obj=value,
        action="remove",
        actor=actor,
        data={"indicator": value.definition.code, "year": value.year, "value": str(value.value)},
        now=now,
    )
    value.delete()


# --- imports ------------------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "code": self.code, "message": self.message}


@dataclass
class _Lookups:
    """Everything the rows name, read in a few queries."""

    definitions: dict[str, IndicatorDefinition]
    regions: dict[str, Region]
    by_id: dict[int, Municipality]
    by_oktmo: dict[str, Municipality]
    by_name: dict[str, list[Municipality]] = field(default_factory=dict)

    @classmethod
    def read(cls, rows: list[RawRow]) -> _Lookups:
        codes = {r.cells.get("code", "") for r in rows}
        region_codes = {r.cells.get("region", "").upper() for r in rows} - {""}
        ids, names, oktmos = set(), set(), set()
        for r in rows:
            name = r.cells.get("municipality", "")
            if name.isdigit():
                ids.add(int(name))
            elif name:
                names.add(name)
            if r.cells.get("oktmo"):
                oktmos.add(r.cells["oktmo"])
        municipalities = Municipality.objects.select_related("region")
        lookups = cls(
            definitions=IndicatorDefinition.objects.filter(code__in=codes).in_bulk(field_name="code"),
            regions=Region.objects.filter(code__in=region_codes).in_bulk(field_name="code"),
            by_id=municipalities.filter(pk__in=ids).in_bulk(),
            by_oktmo={m.oktmo: m for m in municipalities.filter(oktmo__in=oktmos)},
        )
        if names:
            for m in municipalities.filter(Q(name_ru__in=names) | Q(name_en__in=names)):
                for name in {m.name_ru, m.name_en} & names:
                    lookups.by_name.setdefault(name, []).append(m)
        return lookups


def _row_territory(row: RawRow, lookups: _Lookups, errors: list[RowError]) -> tuple[str, int] | None:
    cells = row.cells
    region_code = cells.get("region", "").upper()
    region = lookups.regions.get(region_code) if region_code else None
    if region_code and region is None:
        errors.append(
            RowError(
                row.number, "region", "unknown_region", _("No region has the code %(code)s.") % {"code": region_code}
            )
        )
        return None
    oktmo, name = cells.get("oktmo", ""), cells.get("municipality", "")
    if oktmo:
        municipality = lookups.by_oktmo.get(oktmo)
        if municipality is None:
            message = _("No municipality has the OKTMO code %(code)s.") % {"code": oktmo}
            errors.append(RowError(row.number, "oktmo", "unknown_municipality", message))
            return None
        return Level.MUNICIPALITY, municipality.pk
    if name.isdigit():
        municipality = lookups.by_id.get(int(name))
        if municipality is None:
            message = _("No municipality has the id %(id)s.") % {"id": name}
            errors.append(RowError(row.number, "municipality", "unknown_municipality", message))
            return None
        return Level.MUNICIPALITY, municipality.pk
    if name:
        candidates = lookups.by_name.get(name, [])
        if region is not None:
            candidates = [m for m in candidates if m.region_id == region.pk]
        if not candidates:
            if region is not None:
                message = _("No municipality is named “%(name)s” in %(region)s.") % {
                    "name": name,
                    "region": region.name,
                }
            else:
                message = _("No municipality is named “%(name)s”.") % {"name": name}
            errors.append(RowError(row.number, "municipality", "unknown_municipality", message))
            return None
        if len(candidates) > 1:
            message = _("Several municipalities are named “%(name)s”: give the region or the OKTMO code.") % {
                "name": name
            }
            errors.append(RowError(row.number, "municipality", "ambiguous_municipality", message))
            return None
        return Level.MUNICIPALITY, candidates[0].pk
    if region is not None:
        return Level.REGION, region.pk
    errors.append(
        RowError(row.number, "municipality", "missing_territory", _("Name the municipality (or the region)."))
    )
    return None


def _row_value(row: RawRow, lookups: _Lookups, today: date) -> tuple[IndicatorValue | None, list[RowError]]:
    errors: list[RowError] = []
    code = row.cells.get("code", "")
    definition = lookups.definitions.get(code)
    if definition is None or not definition.is_active:
        errors.append(
            RowError(row.number, "code", "unknown_code", _("No indicator has the code “%(code)s”.") % {"code": code})
        )
    elif definition.source == Source.COMPUTED:
        message = _("“%(code)s” is computed by the platform and cannot be imported.") % {"code": code}
        errors.append(RowError(row.number, "code", "computed_not_importable", message))
    territory = _row_territory(row, lookups, errors)
    year = parse_year(row.cells.get("year", ""))
    if year is None or not MIN_YEAR <= year <= today.year:
        message = _("Enter a year from %(first)s to %(last)s.") % {"first": MIN_YEAR, "last": today.year}
        errors.append(RowError(row.number, "year", "bad_year", message))
    value = parse_number(row.cells.get("value", ""))
    if definition is not None:
        checks = FieldErrors()
        _check_value(definition, value, checks)
        for problems in checks.errors.values():
            errors.extend(RowError(row.number, "value", e.code or "bad_value", str(e.message)) for e in problems)
    elif value is None:
        errors.append(RowError(row.number, "value", "bad_value", _("Enter a number.")))
    note = one_line(row.cells.get("source_note", ""))
    if len(note) > SOURCE_NOTE_MAX:
        message = _("Keep it under %(max)s characters.") % {"max": SOURCE_NOTE_MAX}
        errors.append(RowError(row.number, "source_note", "too_long", message))
    if errors:
        return None, errors
    assert definition is not None and territory is not None and year is not None and value is not None
    return (
        IndicatorValue(
            definition=definition,
            **IndicatorValue.territory_fields(*territory),
            year=year,
            value=value.quantize(QUANTUM, rounding=ROUND_HALF_UP),
            source_note=note,
        ),
        [],
    )


def values_import(
    *,
    actor: Any,
    data: bytes,
    filename: str,
    is_generated: bool = False,
    now: datetime | None = None,
) -> ImportBatch:
    """Import a CSV or XLSX file of values (see importing.py for its columns). Each row is checked on its own:
    good rows are saved (replacing the value of the same indicator, territory and year), bad rows are not, and
    each bad row is reported with its line, column and reason in the returned batch's `errors`. A file that
    cannot be read at all raises ValidationError and saves nothing. `is_generated` marks invented demo values.
    `actor` None is the system (the command line, demo loading): no permission check."""
    if actor is not None:
        require_perm(actor, "indicators.import_values")
    now = now or timezone.now()
    rows = read_table(data, filename)
    lookups = _Lookups.read(rows)
    today = timezone.localdate(now)
    good: list[IndicatorValue] = []
    errors: list[RowError] = []
    seen: dict[tuple[int, str, int, int], int] = {}
    for row in rows:
        value, problems = _row_value(row, lookups, today)
        if value is not None:
            key = (value.definition_id, value.level, value.territory_id, value.year)
            if key in seen:
                message = _("The same indicator, territory and year as line %(line)s.") % {"line": seen[key]}
                problems = [RowError(row.number, "code", "duplicate_row", message)]
                value = None
            else:
                seen[key] = row.number
        if value is not None:
            good.append(value)
        errors.extend(problems)
    failed_rows = len({e.row for e in errors})
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=(filename or "")[:255],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
            rows_total=len(rows),
            rows_saved=len(good),
            rows_failed=failed_rows,
            errors=[e.as_dict() for e in errors],
            is_generated=is_generated,
        )
        upsert_values(
            UpsertRow(
                v.definition_id,
                v.level,
                v.territory_id,
                v.year,
                v.value,
                source_note=v.source_note,
                entered_by_id=batch.created_by_id,
                entered_at=now,
                import_batch_id=batch.pk,
                is_generated=is_generated,
            )
            for v in good
        )
        audit_record(
            obj=batch,
            action="import",
            actor=actor,
            data={"file": batch.file_name, "saved": len(good), "refused": failed_rows, "generated": is_generated},
            now=now,
        )
    return batch
