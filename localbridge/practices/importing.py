"""Bulk import of practices from a JSON array or a CSV file (`manage.py import_practices`, load_demo).

Each record is one practice with the columns `title`, `summary`, `body` (Markdown), `topics` (codes or
Russian/English names), `tags`, `language`, `country` (ISO 3166-1 alpha-2), `region` (ISO 3166-2, optional),
`municipality` (a name, matched within the region, optional), `organization` (a name, optional), `year`.
Optional columns: `external_id` (a stable key: re-importing matches on it), `problem`, `actions`, `results`,
`resources`, `partners` (the practice's sections, used as they are), `start_year`/`end_year`, `figures` (a list
of {kind, label, value, value_before, unit, currency, source}; in CSV a JSON text), `generated` (true for
demonstration data). In CSV, `topics` and `tags` are separated by ";".

`body` goes to the practice's sections: a body with level-2 Markdown headings named after the sections
(«## Проблема», «## Что сделано», «## Результаты», «## Ресурсы», «## Партнёры», or the English "Problem",
"What was done", "Results", "Resources", "Partners") is split at them; a body without such headings is "what was
done". Explicit section columns win over the body.

Every record goes through the practice services, as a person would: practice_create → practice_submit →
practice_publish (by default; `status` may stop at the draft or on moderation), each record in its own
transaction, so a bad record saves nothing and the good ones are kept; the audit trail and the search index
follow the services' events. The moves are made by the system account (SYSTEM_EMAIL) unless a moderator is
given; an "import" audit row records the file, the record number and the external id.

Re-importing adds nothing: a record is skipped when a practice with its external id was imported before, or,
without an external id, when a practice with the same title, territory and organisation exists.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.accounts.models import User
from localbridge.core.audit import audit_record
from localbridge.core.models import AuditEntry
from localbridge.core.text import normalize_for_search
from localbridge.organizations.models import Organization
from localbridge.organizations.selectors import organization_visible_to
from localbridge.territories import selectors as territory_selectors
from localbridge.territories.models import Country, Municipality, Region

from .models import Practice, PracticeStatus, Topic
from .services import practice_create, practice_publish, practice_submit

# The account imports act as when no moderator is given: a superuser that cannot sign in (no usable password).
SYSTEM_EMAIL = "system@localbridge.local"
SYSTEM_NAME = "LocalBridge (system)"

IMPORT_STATUSES = (PracticeStatus.DRAFT, PracticeStatus.ON_MODERATION, PracticeStatus.PUBLISHED)
COLUMNS = (
    "external_id",
    "title",
    "summary",
    "body",
    "problem",
    "actions",
    "results",
    "resources",
    "partners",
    "topics",
    "tags",
    "language",
    "country",
    "region",
    "municipality",
    "organization",
    "year",
    "start_year",
    "end_year",
    "figures",
    "generated",
)
SECTIONS = ("problem", "actions", "results", "resources", "partners")
# Level-2 headings of `body` that name a section (compared case-folded, ё as е, without a trailing colon).
SECTION_HEADINGS = {
    "проблема": "problem",
    "problem": "problem",
    "the problem": "problem",
    "что сделано": "actions",
    "что было сделано": "actions",
    "what was done": "actions",
    "actions": "actions",
    "результаты": "results",
    "результат": "results",
    "results": "results",
    "ресурсы": "resources",
    "необходимые ресурсы": "resources",
    "resources": "resources",
    "resources needed": "resources",
    "партнеры": "partners",
    "partners": "partners",
}
MAX_RECORDS = 100_000
TRUE_WORDS = {"1", "true", "yes", "да", "y"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not JSON or CSV, not a list of records, too many records)."""


@dataclass
class RowError:
    row: int  # the record's number in the file, from 1 (a CSV's header line is not counted)
    title: str
    messages: list[str]


@dataclass
class RowDone:
    row: int
    practice_id: int
    title: str


@dataclass
class ImportReport:
    total: int = 0
    created: list[RowDone] = field(default_factory=list)
    skipped: list[RowDone] = field(default_factory=list)  # imported before
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


class _DryRun(Exception):
    """Raised inside a record's transaction to roll back what a dry run did."""


# --- reading files ----------------------------------------------------------------------------------------


def read_records(source: str | Path | bytes, *, name: str = "") -> list[dict[str, Any]]:
    """The records of a JSON array or a CSV file (UTF-8, with or without a BOM; comma-separated, header first).
    `source` is a path or the file's bytes; `name` says which format bytes are in when it ends in .json/.csv."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFileError(_("Cannot read the file: %(error)s") % {"error": exc.strerror or exc}) from exc
    else:
        data = source
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The file is not in UTF-8.")) from exc
    suffix = Path(name).suffix.lower()
    if suffix == ".json" or (suffix != ".csv" and text.lstrip().startswith("[")):
        records = _read_json(text)
    else:
        records = _read_csv(text)
    if len(records) > MAX_RECORDS:
        raise ImportFileError(_("At most %(limit)d records can be imported at once.") % {"limit": MAX_RECORDS})
    return records


def _read_json(text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("The file is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": exc.lineno, "column": exc.colno}
        ) from exc
    if not isinstance(data, list):
        raise ImportFileError(_("The JSON file must hold an array of practices."))
    return [item if isinstance(item, dict) else {"__invalid__": item} for item in data]


def _read_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ImportFileError(_("The file is not valid CSV: %(error)s") % {"error": exc}) from exc
    if not reader.fieldnames or "title" not in [(f or "").strip().lower() for f in reader.fieldnames]:
        raise ImportFileError(_("The CSV file needs a header line with at least a “title” column."))
    records = []
    for row in rows:
        record: dict[str, Any] = {}
        for key, value in row.items():
            if key is None:  # more cells than header columns
                record["__extra__"] = value
                continue
            record[key.strip().lower()] = value if isinstance(value, str) else ""
        records.append(record)
    return records


# --- one record -------------------------------------------------------------------------------------------


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [_str(item) for item in value if _str(item)]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def split_body(body: str) -> dict[str, str]:
    """`body` split into the practice's sections at level-2 headings that name one (see SECTION_HEADINGS); text
    before the first such heading belongs to the problem. A body without them is "what was done"."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    preface: list[str] = []
    for line in body.replace("\r\n", "\n").split("\n"):
        if line.startswith("## "):
            key = normalize_for_search(line[3:].strip().rstrip(":").strip("#").strip())
            if key in SECTION_HEADINGS:
                current = SECTION_HEADINGS[key]
                sections.setdefault(current, [])
                continue
        (sections[current] if current else preface).append(line)
    if not sections:
        return {"actions": body.strip()} if body.strip() else {}
    result = {name: "\n".join(lines).strip() for name, lines in sections.items()}
    if "\n".join(preface).strip():
        result["problem"] = "\n\n".join(p for p in ("\n".join(preface).strip(), result.get("problem", "")) if p)
    return {name: text for name, text in result.items() if text}


class _Lookups:
    """Reference data read once per import: topics by code and name, countries and regions by code,
    municipalities and organisations by name (cached)."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.topics: dict[str, str] = {}
        for topic in Topic.objects.all():
            for key in (topic.code, topic.name_ru, topic.name_en):
                if key:
                    self.topics.setdefault(normalize_for_search(key), topic.code)
        self.countries = {c.code: c for c in Country.objects.all()}
        self.regions: dict[str, Region | None] = {}
        self.municipalities: dict[tuple[int, int | None, str], list[Municipality]] = {}
        self.organizations: dict[str, list[Organization]] = {}

    def region(self, code: str) -> Region | None:
        code = code.upper()
        if code not in self.regions:
            self.regions[code] = Region.objects.select_related("country").filter(code=code).first()
        return self.regions[code]

    def municipality(self, name: str, country: Country, region: Region | None) -> list[Municipality]:
        key = (country.pk, region.pk if region else None, normalize_for_search(name))
        if key not in self.municipalities:
            found = territory_selectors.municipality_list(region=region) if region else None
            if found is None:
                found = territory_selectors.municipality_list().filter(country=country)
            needle = normalize_for_search(name)
            exact = [m for m in found.filter(search_name__contains=needle) if needle in _names(m)]
            # Several formations of one name (a city and a settlement): the most populous is meant.
            exact.sort(key=lambda m: (-(m.population or 0), m.pk))
            self.municipalities[key] = exact
        return self.municipalities[key]

    def organization(self, name: str) -> list[Organization]:
        key = normalize_for_search(name)
        if key not in self.organizations:
            self.organizations[key] = list(
                organization_visible_to(self.actor)
                .filter(Q(name=name) | Q(short_name=name) | Q(name_en=name))
                .order_by("pk")[:2]
            )
        return self.organizations[key]


def _names(municipality: Municipality) -> set[str]:
    return {normalize_for_search(municipality.name_ru), normalize_for_search(municipality.name_en)}


@dataclass
class _Parsed:
    title: str
    fields: dict[str, Any]
    external_id: str
    generated: bool
    organization: Organization | None


def _parse(record: Any, lookups: _Lookups) -> tuple[_Parsed | None, list[str]]:
    """The practice_create arguments of one record, or the reasons it cannot be imported."""
    errors: list[str] = []
    if not isinstance(record, Mapping) or "__invalid__" in record:
        return None, [_("The record is not an object with named fields.")]
    if record.get("__extra__"):
        errors.append(_("The line has more cells than the header has columns."))
    title = " ".join(_str(record.get("title")).split())
    if not title:
        errors.append(_("Give the practice a title."))
    fields: dict[str, Any] = {"summary": _str(record.get("summary"))}
    body = _str(record.get("body"))
    fields.update(split_body(body) if body else {})
    for section in SECTIONS:
        if _str(record.get(section)):
            fields[section] = _str(record.get(section))
    topics: list[str] = []
    for name in _list(record.get("topics")):
        code = lookups.topics.get(normalize_for_search(name))
        if code is None:
            errors.append(_("Unknown topic “%(topic)s”.") % {"topic": name})
        elif code not in topics:
            topics.append(code)
    fields["topics"] = topics
    fields["tags"] = _list(record.get("tags"))
    fields["language"] = _str(record.get("language")).lower() or "ru"
    country: Country | None = None
    country_code = _str(record.get("country")).upper()
    if country_code:
        country = lookups.countries.get(country_code)
        if country is None:
            errors.append(_("Unknown country “%(code)s” (give an ISO 3166-1 alpha-2 code).") % {"code": country_code})
    region: Region | None = None
    region_code = _str(record.get("region")).upper()
    if region_code:
        region = lookups.region(region_code)
        if region is None:
            errors.append(_("Unknown region “%(code)s” (give an ISO 3166-2 code).") % {"code": region_code})
        elif country is None and not country_code:
            country = region.country
        elif country is not None and region.country_id != country.pk:
            errors.append(
                _("The region %(region)s is not in %(country)s.") % {"region": region_code, "country": country}
            )
    if not country_code and not region_code:
        errors.append(_("Give the country (an ISO 3166-1 alpha-2 code)."))
    municipality_name = " ".join(_str(record.get("municipality")).split())
    if municipality_name and country is not None and not (region_code and region is None):
        found = lookups.municipality(municipality_name, country, region)
        if not found:
            errors.append(
                _("No municipality “%(name)s” in %(place)s.") % {"name": municipality_name, "place": region or country}
            )
        elif region is None and len({m.region_id for m in found}) > 1:
            errors.append(
                _("There are municipalities named “%(name)s” in several regions: give the region.")
                % {"name": municipality_name}
            )
        else:
            fields["municipality"] = found[0]
            # The practice takes the municipality's region and country (as the services would).
            region = region or found[0].region
            country = found[0].country
    fields["country"], fields["region"] = country, region
    organization: Organization | None = None
    organization_name = " ".join(_str(record.get("organization")).split())
    if organization_name:
        matches = lookups.organization(organization_name)
        if not matches:
            errors.append(_("No organisation “%(name)s” in the registry.") % {"name": organization_name})
        elif len(matches) > 1:
            errors.append(_("Several organisations are named “%(name)s”.") % {"name": organization_name})
        else:
            organization = matches[0]
            fields["organizations"] = [organization]
    year = _str(record.get("start_year")) or _str(record.get("year"))
    if year:
        fields["start_year"] = year
    if _str(record.get("end_year")):
        fields["end_year"] = _str(record.get("end_year"))
    figures = record.get("figures")
    if isinstance(figures, str) and figures.strip():
        try:
            figures = json.loads(figures)
        except json.JSONDecodeError:
            errors.append(_("“figures” is not a JSON list."))
            figures = None
    if figures:
        if not isinstance(figures, list) or not all(isinstance(f, dict) for f in figures):
            errors.append(_("“figures” must be a list of objects."))
        else:
            allowed = {"kind", "label", "value", "value_before", "unit", "currency", "source"}
            unknown = sorted({key for f in figures for key in f} - allowed)
            if unknown:
                errors.append(_("Unknown figure fields: %(fields)s.") % {"fields": ", ".join(unknown)})
            else:
                fields["figures"] = figures
    generated = record.get("generated")
    is_generated = generated is True or _str(generated).lower() in TRUE_WORDS
    return _Parsed(title, fields, _str(record.get("external_id")), is_generated, organization), errors


def _messages(exc: ValidationError) -> list[str]:
    """A ValidationError as lines "field: message", the field named as the form names it."""
    lines: list[str] = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            label = _field_label(name)
            for error in errors:
                for message in error.messages:
                    lines.append(f"{label}: {message}" if label else message)
    else:
        lines.extend(exc.messages)
    return lines


def _field_label(name: str) -> str:
    if name in ("__all__", ""):
        return ""
    if name == "partner_organizations":
        return _("partners")
    try:
        field = Practice._meta.get_field(name)
    except FieldDoesNotExist:  # a key of the services' own: say it as it is
        return name
    return str(getattr(field, "verbose_name", name))


def _practice_type() -> ContentType:
    return ContentType.objects.get_for_model(Practice)


def _already_imported(parsed: _Parsed) -> Practice | None:
    if parsed.external_id:
        entry = (
            AuditEntry.objects.filter(
                content_type=_practice_type(), action="import", data__external_id=parsed.external_id
            )
            .order_by("pk")
            .first()
        )
        if entry is not None:
            return Practice.objects.filter(pk=int(entry.object_id)).first()
        return None
    practices = Practice.objects.filter(
        title=parsed.title,
        country=parsed.fields.get("country"),
        region=parsed.fields.get("region"),
        municipality=parsed.fields.get("municipality"),
    )
    if parsed.organization is not None:
        practices = practices.filter(organization_links__organization=parsed.organization)
    return practices.order_by("pk").first()


# --- the import -------------------------------------------------------------------------------------------


def system_actor() -> User:
    """The account imports and other system jobs act as: a superuser without a usable password (it cannot sign
    in), made on first use."""
    user = User.objects.filter(email=SYSTEM_EMAIL).first()
    if user is None:
        # No password: set_password(None) makes it unusable. Not staff: it has no business in the admin.
        user = User.objects.create_user(email=SYSTEM_EMAIL, password=None, full_name=SYSTEM_NAME, is_superuser=True)
    return user


def practices_import(
    *,
    records: Sequence[Any],
    status: str = PracticeStatus.PUBLISHED,
    author: Any = None,
    moderator: Any = None,
    actor: Any = None,
    source: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import `records` (see the module's docstring), each in its own transaction. `author` is recorded as the
    practices' author (none by default); `moderator` publishes them (the system account by default), `actor`
    creates and submits them (the system account by default). A dry run validates everything and saves
    nothing. `progress(done, total)` is called after each record."""
    if status not in IMPORT_STATUSES:
        raise ValueError(f"status must be one of {IMPORT_STATUSES}")
    now = now or timezone.now()
    actor = actor or system_actor()
    publisher = moderator or actor
    report = ImportReport(total=len(records), dry_run=dry_run)
    known = set(COLUMNS) | {"__invalid__", "__extra__"}
    report.ignored_columns = sorted(
        {key for record in records if isinstance(record, Mapping) for key in record if key not in known}
    )
    lookups = _Lookups(actor)
    seen: dict[str, int] = {}
    for index, record in enumerate(records, start=1):
        parsed, errors = _parse(record, lookups)
        title = parsed.title if parsed else ""
        key = parsed.external_id if parsed and parsed.external_id else ""
        if key and key in seen:
            errors.append(_("The external id “%(id)s” is repeated (record %(row)d).") % {"id": key, "row": seen[key]})
        elif key:
            seen[key] = index
        if parsed is not None and not errors:
            existing = _already_imported(parsed)
            if existing is not None:
                report.skipped.append(RowDone(index, existing.pk, existing.title))
                parsed = None
        if errors or parsed is None:
            if errors:
                report.errors.append(RowError(index, title, errors))
        else:
            try:
                practice = _import_one(
                    parsed, index, status=status, author=author, actor=actor, publisher=publisher,
                    source=source, dry_run=dry_run, now=now,
                )  # fmt: skip
                report.created.append(RowDone(index, practice.pk, practice.title))
            except ValidationError as exc:
                report.errors.append(RowError(index, title, _messages(exc)))
            except PermissionDenied as exc:
                report.errors.append(RowError(index, title, [str(exc) or _("You do not have permission to do this.")]))
        if progress is not None:
            progress(index, len(records))
    return report


def _import_one(
    parsed: _Parsed,
    row: int,
    *,
    status: str,
    author: Any,
    actor: Any,
    publisher: Any,
    source: str,
    dry_run: bool,
    now: datetime,
) -> Practice:
    try:
        with transaction.atomic():
            practice = practice_create(
                actor=actor,
                author=author,
                title=parsed.title,
                is_generated=parsed.generated,
                now=now,
                **parsed.fields,
            )
            audit_record(
                obj=practice,
                action="import",
                actor=actor,
                data={"external_id": parsed.external_id, "file": source, "row": row},
                now=now,
            )
            if status in (PracticeStatus.ON_MODERATION, PracticeStatus.PUBLISHED):
                practice_submit(practice=practice, actor=actor, now=now)
            if status == PracticeStatus.PUBLISHED:
                practice_publish(practice=practice, actor=publisher, comment=_("Imported"), now=now)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return practice


def import_summary(report: ImportReport) -> list[str]:
    """The report as printed lines: totals, then each rejected record with its reasons."""
    lines = []
    if report.dry_run:
        lines.append(_("Dry run: nothing was saved."))
    lines.append(
        _("Records: %(total)d; imported: %(created)d; already there: %(skipped)d; with errors: %(errors)d.")
        % {
            "total": report.total,
            "created": len(report.created),
            "skipped": len(report.skipped),
            "errors": len(report.errors),
        }
    )
    if report.ignored_columns:
        lines.append(_("Ignored columns: %(columns)s.") % {"columns": ", ".join(report.ignored_columns)})
    for error in report.errors:
        head = _("Record %(row)d") % {"row": error.row}
        if error.title:
            head += f" «{error.title}»"
        lines.append(f"{head}:")
        lines.extend(f"  - {message}" for message in error.messages)
    return lines


def records_from(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Records given as Python mappings (the demo corpus, tests), keys lower-cased as a file's would be."""
    return [{str(k).lower(): v for k, v in item.items()} for item in items]
