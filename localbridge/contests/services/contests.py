"""Contests: announce a call (create, edit, criteria, nominations, required documents) and move it through its
stages (models.CONTEST_WORKFLOW)."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localbridge.contests.criteria import CRITERIA_TEMPLATES
from localbridge.contests.events import ContestMoved, ResultsPublished
from localbridge.contests.models import (
    CONTEST_WORKFLOW,
    ApplicationStatus,
    Contest,
    ContestScope,
    ContestStatus,
    Criterion,
    Nomination,
    RequiredDocument,
)
from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.organizations.models import Organization, OrganizationKind
from localbridge.territories.models import Municipality

from .common import (
    _actor_id,
    _date,
    _decimal_or_raw,
    _error,
    _Errors,
    _lock,
    _one_line,
    _require,
    _text,
    contest_deadline,
    contest_is_accepting,
    contest_zone,
    money,
)

__all__ = [
    "CONTEST_FIELDS",
    "contest_apply_template",
    "contest_completeness_errors",
    "contest_create",
    "contest_deadline",
    "contest_is_accepting",
    "contest_move",
    "contest_set_criteria",
    "contest_set_nominations",
    "contest_set_required_documents",
    "contest_update",
]

# Fields contest_create and contest_update set directly; municipalities and countries are lists (replaced whole).
CONTEST_FIELDS = (
    "title",
    "summary",
    "rules",
    "eligible_kinds",
    "scope",
    "region",
    "country",
    "time_zone",
    "currency",
    "applications_open",
    "applications_close",
    "review_until",
    "evaluation_until",
    "results_on",
    "prize_pool",
    "max_grant",
    "min_cofinancing_percent",
    "experts_per_application",
    "disagreement_threshold",
    "min_pass_score",
    "award_rule",
    "tie_break",
)
CONTEST_RELATIONS = ("municipalities", "countries")
STAGE_DATES = ("applications_open", "applications_close", "review_until", "evaluation_until", "results_on")
# What the organiser may still change once the contest is announced: texts, and the later stages' dates.
ANNOUNCED_EDITABLE = ("summary", "rules", "review_until", "evaluation_until", "results_on")
_MONEY_FIELDS = ("prize_pool", "max_grant")
_DECIMAL_FIELDS = ("min_cofinancing_percent", "disagreement_threshold", "min_pass_score")

MAX_CRITERIA = 30
MAX_NOMINATIONS = 30
MAX_REQUIRED_DOCUMENTS = 30

_COMMENT_MESSAGES = {
    "reopen_evaluation": gettext_lazy("Say why the evaluation is reopened."),
    "cancel": gettext_lazy("Say why the contest is cancelled."),
}


# --- validation ---------------------------------------------------------------------------------------------


def _clean_value(field: str, value: Any) -> Any:
    if field in ("title",):
        return _one_line(value)
    if field in ("summary",):
        return _one_line(value)
    if field == "rules":
        return _text(value)
    if field in STAGE_DATES:
        return value  # parsed in _set_fields to report errors by field
    if field in _MONEY_FIELDS:
        number = _decimal_or_raw(value)
        return money(number) if isinstance(number, Decimal) else number
    if field in _DECIMAL_FIELDS:
        return _decimal_or_raw(value)
    if field in ("time_zone", "currency"):
        return _one_line(value)
    if field == "eligible_kinds":
        return [str(kind) for kind in (value or [])]
    return value


def _set_fields(contest: Contest, values: Mapping[str, Any], errors: _Errors) -> None:
    for field, raw in values.items():
        if field not in CONTEST_FIELDS:
            continue
        value = _clean_value(field, raw)
        if field in STAGE_DATES:
            try:
                value = _date(raw)
            except ValidationError as exc:
                errors.merge(exc, field=field)
                continue
        if field == "currency":
            value = value.upper()
        setattr(contest, field, value)


def _clean_contest(contest: Contest, errors: _Errors) -> None:
    """Field-level rules (model validators) and the rules across fields, with the errors keyed by field."""
    try:
        contest.full_clean(exclude=["organizer", "created_by", "status", "version"], validate_constraints=False)
    except ValidationError as exc:
        errors.merge(exc)
    kinds = set(OrganizationKind.values)
    unknown = [kind for kind in contest.eligible_kinds if kind not in kinds]
    if unknown:
        errors.add(
            "eligible_kinds",
            _("Unknown kind of organisation: %(kinds)s."),
            "invalid_choice",
            {"kinds": ", ".join(unknown)},
        )
    contest.eligible_kinds = list(dict.fromkeys(contest.eligible_kinds))
    try:
        ZoneInfo(contest.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.add("time_zone", _("Unknown time zone."), "invalid_time_zone")
    if contest.currency and pycountry.currencies.get(alpha_3=contest.currency) is None:
        errors.add("currency", _("Unknown currency."), "invalid_currency")
    dates = [(name, getattr(contest, name)) for name in STAGE_DATES if getattr(contest, name) is not None]
    for (earlier_name, earlier), (later_name, later) in zip(dates, dates[1:], strict=False):
        if later < earlier and later_name not in errors.errors:
            errors.add(
                later_name,
                _("The stages must follow each other: this date is before %(previous)s."),
                "dates_order",
                {"previous": getattr(Contest._meta.get_field(earlier_name), "verbose_name", earlier_name)},
            )
    if (
        isinstance(contest.max_grant, Decimal)
        and isinstance(contest.prize_pool, Decimal)
        and contest.prize_pool > 0
        and contest.max_grant > contest.prize_pool
    ):
        errors.add("max_grant", _("The maximum grant cannot exceed the prize pool."), "cap_over_pool")
    region = contest.region if contest.region_id is not None else None
    if region is not None and contest.country_id is not None and region.country_id != contest.country_id:
        errors.add("region", _("This region is not in the chosen country."), "territory_mismatch")


def _clean_relations(contest: Contest, values: Mapping[str, Any], errors: _Errors) -> dict[str, list[Any]]:
    relations: dict[str, list[Any]] = {}
    if "municipalities" in values:
        municipalities = list(dict.fromkeys(values["municipalities"] or []))
        if contest.region_id is not None:
            outside = [m for m in municipalities if isinstance(m, Municipality) and m.region_id != contest.region_id]
            if outside:
                errors.add(
                    "municipalities",
                    _("These municipalities are not in the contest's region: %(names)s."),
                    "territory_mismatch",
                    {"names": ", ".join(str(m) for m in outside)},
                )
        relations["municipalities"] = municipalities
    if "countries" in values:
        relations["countries"] = list(dict.fromkeys(values["countries"] or []))
    return relations


def _check_editable(contest: Contest, values: Mapping[str, Any]) -> None:
    if contest.status == ContestStatus.DRAFT:
        return
    if contest.status == ContestStatus.ANNOUNCED:
        locked = sorted(set(values) - set(ANNOUNCED_EDITABLE))
        if not locked:
            return
        raise ValidationError(
            {
                locked[0]: [
                    ValidationError(
                        _(
                            "Once the contest is announced only its description, rules and the dates of the later "
                            "stages can change."
                        ),
                        code="not_editable",
                    )
                ]
            }
        )
    raise ValidationError(_("The contest can no longer be changed."), code="not_editable")


def contest_completeness_errors(contest: Contest, now: datetime | None = None) -> dict[str, list[ValidationError]]:
    """What keeps a draft contest from being announced (for the page, and checked by contest_move)."""
    now = now or timezone.now()
    errors = _Errors()
    _clean_contest(contest, errors)
    if not contest.title:
        errors.add("title", _("Give the contest a title."), "required")
    if not contest.rules:
        errors.add("rules", _("Write the rules of the contest."), "required")
    for name in ("applications_open", "applications_close"):
        if getattr(contest, name) is None:
            errors.add(name, _("Give the dates of applications."), "required")
    deadline = contest_deadline(contest)
    if deadline is not None and deadline <= now:
        errors.add("applications_close", _("The application deadline has already passed."), "deadline_passed")
    if not contest.prize_pool or contest.prize_pool <= 0:
        errors.add("prize_pool", _("Give the prize pool."), "required")
    if contest.scope == ContestScope.REGIONAL and contest.region_id is None:
        errors.add("region", _("Choose the contest's region."), "required")
    if contest.scope == ContestScope.MUNICIPAL and not contest.municipalities.exists():
        errors.add("municipalities", _("Choose the municipalities where projects may be carried out."), "required")
    if contest.scope == ContestScope.NATIONAL and contest.country_id is None:
        errors.add("country", _("Choose the contest's country."), "required")
    if not contest.criteria.exists():
        errors.add("criteria", _("Set the evaluation criteria."), "required")
    pools = [n.pool for n in contest.nominations.all() if n.pool is not None]
    if pools and contest.prize_pool and sum(pools, Decimal(0)) > contest.prize_pool:
        errors.add("nominations", _("The nominations' pools add up to more than the prize pool."), "pools_over_pool")
    return errors.errors


# --- create and edit ------------------------------------------------------------------------------------------


@transaction.atomic
def contest_create(*, actor: Any, organizer: Organization, now: datetime | None = None, **fields: Any) -> Contest:
    """A new contest (a draft) announced by `organizer`, for whose chair or staff `actor` acts."""
    now = now or timezone.now()
    _require(actor, "contests.add_contest")
    _require(actor, "contests.organize_for", organizer)
    unknown = set(fields) - set(CONTEST_FIELDS) - set(CONTEST_RELATIONS)
    if unknown:
        raise TypeError(f"Unknown contest fields: {sorted(unknown)}")
    contest = Contest(organizer=organizer, created_by=actor if _actor_id(actor) else None)
    errors = _Errors()
    _set_fields(contest, fields, errors)
    _clean_contest(contest, errors)
    relations = _clean_relations(contest, fields, errors)
    errors.raise_if_any()
    contest.save()
    for name, items in relations.items():
        getattr(contest, name).set(items)
    audit_record(obj=contest, action="create", actor=actor, data={"title": contest.title}, now=now)
    return contest


@transaction.atomic
def contest_update(
    *, contest: Contest, actor: Any, version: int | None = None, now: datetime | None = None, **changes: Any
) -> Contest:
    """Change the call: anything while it is a draft; once announced, only the texts and the later stages'
    dates. Passing the `version` the user loaded refuses the save if someone changed the contest meanwhile."""
    now = now or timezone.now()
    _lock(contest)
    _require(actor, "contests.change_contest", contest)
    unknown = set(changes) - set(CONTEST_FIELDS) - set(CONTEST_RELATIONS)
    if unknown:
        raise TypeError(f"Unknown contest fields: {sorted(unknown)}")
    if version is not None and version != contest.version:
        raise ValidationError(
            _("Someone else changed the contest meanwhile. Reload the page and make your changes again."),
            code="stale_version",
        )
    _check_editable(contest, changes)
    before = {name: getattr(contest, name) for name in CONTEST_FIELDS if name in changes}
    errors = _Errors()
    _set_fields(contest, changes, errors)
    _clean_contest(contest, errors)
    relations = _clean_relations(contest, changes, errors)
    errors.raise_if_any()
    changed = [name for name in before if before[name] != getattr(contest, name)]
    contest.version += 1
    contest.save(update_fields=[*changed, "version", "updated_at"])
    for name, items in relations.items():
        getattr(contest, name).set(items)
    audit_record(obj=contest, action="update", actor=actor, data={"fields": sorted([*changed, *relations])}, now=now)
    return contest


def _require_draft(contest: Contest, what: str) -> None:
    if contest.status != ContestStatus.DRAFT:
        raise _error(
            what,
            _("This can change only while the contest is a draft, before it is announced."),
            "not_editable",
        )


def _clean_criteria(criteria: Iterable[Mapping[str, Any]], errors: _Errors) -> list[Criterion]:
    items = list(criteria)
    if len(items) > MAX_CRITERIA:
        errors.add("criteria", _("Give at most %(limit)d criteria."), "too_many", {"limit": MAX_CRITERIA})
        return []
    built: list[Criterion] = []
    names: set[str] = set()
    for index, item in enumerate(items, start=1):
        params = {"number": index}
        name = _one_line(item.get("name"))
        weight = _decimal_or_raw(item.get("weight", 1))
        try:
            scale_min = int(item.get("scale_min", 0))
            scale_max = int(item.get("scale_max", 10))
        except (TypeError, ValueError):
            errors.add("criteria", _("Criterion %(number)d: the scale must be whole numbers."), "invalid", params)
            continue
        if not name:
            errors.add("criteria", _("Criterion %(number)d: give its name."), "required", params)
        elif name.casefold() in names:
            errors.add("criteria", _("Criterion %(number)d repeats another one's name."), "duplicate", params)
        names.add(name.casefold())
        if scale_min < 0 or scale_max <= scale_min:
            errors.add(
                "criteria",
                _("Criterion %(number)d: the highest score must be above the lowest, both not negative."),
                "invalid_scale",
                params,
            )
        if not isinstance(weight, Decimal) or weight <= 0 or weight >= 1000:
            errors.add(
                "criteria", _("Criterion %(number)d: the weight must be a positive number."), "invalid_weight", params
            )
            continue
        built.append(
            Criterion(
                name=name[:300],
                description=_text(item.get("description")),
                scale_min=scale_min,
                scale_max=scale_max,
                weight=weight.quantize(Decimal("0.001")),
                position=index,
            )
        )
    return built


@transaction.atomic
def contest_set_criteria(
    *, contest: Contest, actor: Any, criteria: list[dict[str, Any]], now: datetime | None = None
) -> list[Criterion]:
    """Replace the evaluation criteria (name, description, scale_min, scale_max, weight) while the contest is a
    draft."""
    now = now or timezone.now()
    _lock(contest)
    _require(actor, "contests.change_contest", contest)
    _require_draft(contest, "criteria")
    errors = _Errors()
    built = _clean_criteria(criteria, errors)
    errors.raise_if_any()
    contest.criteria.all().delete()
    for criterion in built:
        criterion.contest = contest
    Criterion.objects.bulk_create(built)
    audit_record(
        obj=contest,
        action="set_criteria",
        actor=actor,
        data={
            "criteria": [{"name": c.name, "weight": str(c.weight), "scale": [c.scale_min, c.scale_max]} for c in built]
        },
        now=now,
    )
    return list(contest.criteria.all())


@transaction.atomic
def contest_apply_template(
    *, contest: Contest, actor: Any, template: str, now: datetime | None = None
) -> list[Criterion]:
    """Replace the criteria with a ready-made set from criteria.CRITERIA_TEMPLATES (editable afterwards)."""
    chosen = CRITERIA_TEMPLATES.get(template)
    if chosen is None:
        raise _error("template", _("Unknown set of criteria."), "invalid_choice")
    return contest_set_criteria(contest=contest, actor=actor, criteria=chosen.as_list(), now=now)


@transaction.atomic
def contest_set_nominations(
    *, contest: Contest, actor: Any, nominations: list[dict[str, Any]], now: datetime | None = None
) -> list[Nomination]:
    """Replace the nominations (name, description, pool) while the contest is a draft. The pools, where given,
    may not add up to more than the prize pool."""
    now = now or timezone.now()
    _lock(contest)
    _require(actor, "contests.change_contest", contest)
    _require_draft(contest, "nominations")
    items = list(nominations)
    errors = _Errors()
    if len(items) > MAX_NOMINATIONS:
        errors.add("nominations", _("Give at most %(limit)d nominations."), "too_many", {"limit": MAX_NOMINATIONS})
        errors.raise_if_any()
    built: list[Nomination] = []
    names: set[str] = set()
    for index, item in enumerate(items, start=1):
        params = {"number": index}
        name = _one_line(item.get("name"))
        pool = _decimal_or_raw(item.get("pool"))
        if not name:
            errors.add("nominations", _("Nomination %(number)d: give its name."), "required", params)
        elif name.casefold() in names:
            errors.add("nominations", _("Nomination %(number)d repeats another one's name."), "duplicate", params)
        names.add(name.casefold())
        if pool is not None and (not isinstance(pool, Decimal) or pool < 0):
            errors.add("nominations", _("Nomination %(number)d: the pool must be a sum of money."), "invalid", params)
            continue
        built.append(
            Nomination(
                contest=contest,
                name=name[:200],
                description=_text(item.get("description")),
                pool=money(pool) if pool is not None else None,
                position=index,
            )
        )
    pools = [n.pool for n in built if n.pool is not None]
    if pools and contest.prize_pool and sum(pools, Decimal(0)) > contest.prize_pool:
        errors.add("nominations", _("The nominations' pools add up to more than the prize pool."), "pools_over_pool")
    errors.raise_if_any()
    contest.nominations.all().delete()
    Nomination.objects.bulk_create(built)
    audit_record(
        obj=contest,
        action="set_nominations",
        actor=actor,
        data={"nominations": [{"name": n.name, "pool": str(n.pool or "")} for n in built]},
        now=now,
    )
    return list(contest.nominations.all())


@transaction.atomic
def contest_set_required_documents(
    *, contest: Contest, actor: Any, documents: list[dict[str, Any]], now: datetime | None = None
) -> list[RequiredDocument]:
    """Replace the list of documents every application must attach, while the contest is a draft."""
    now = now or timezone.now()
    _lock(contest)
    _require(actor, "contests.change_contest", contest)
    _require_draft(contest, "required_documents")
    items = list(documents)
    errors = _Errors()
    if len(items) > MAX_REQUIRED_DOCUMENTS:
        errors.add(
            "required_documents", _("Give at most %(limit)d documents."), "too_many", {"limit": MAX_REQUIRED_DOCUMENTS}
        )
        errors.raise_if_any()
    built: list[RequiredDocument] = []
    for index, item in enumerate(items, start=1):
        name = _one_line(item.get("name"))
        if not name:
            errors.add("required_documents", _("Document %(number)d: give its name."), "required", {"number": index})
            continue
        built.append(
            RequiredDocument(
                contest=contest, name=name[:300], description=_one_line(item.get("description"))[:600], position=index
            )
        )
    errors.raise_if_any()
    contest.required_documents.all().delete()
    RequiredDocument.objects.bulk_create(built)
    audit_record(
        obj=contest, action="set_required_documents", actor=actor, data={"documents": [d.name for d in built]}, now=now
    )
    return list(contest.required_documents.all())


# --- stages ---------------------------------------------------------------------------------------------------


@transaction.atomic
def contest_move(
    *, contest: Contest, actor: Any, action: str, comment: str = "", now: datetime | None = None
) -> Contest:
    """Move the contest to its next stage (CONTEST_WORKFLOW):

    - announce: the call is complete (contest_completeness_errors);
    - close_applications: the deadline (end of applications_close in the contest's time zone) has passed;
    - start_evaluation: every submitted application has been reviewed;
    - close_evaluation: the ranking is computed (services.results.results_compute);
    - reopen_evaluation, cancel: with the reason (comment);
    - publish_results: the results become public."""
    now = now or timezone.now()
    _lock(contest)
    _require(actor, "contests.manage_contest", contest)
    transition = CONTEST_WORKFLOW.get(action)
    if not CONTEST_WORKFLOW.can(contest, action):
        raise ValidationError(
            _("This action is not possible in the current state (%(state)s).")
            % {"state": contest.get_status_display()},
            code="invalid_transition",
        )
    comment = _text(comment)
    if transition.comment_required and not comment:
        raise _error(
            "comment", str(_COMMENT_MESSAGES.get(action, _("Please explain the decision."))), "comment_required"
        )
    update_fields: list[str] = []
    if action == "announce":
        problems = contest_completeness_errors(contest, now)
        if problems:
            raise ValidationError(problems)
    elif action == "close_applications":
        deadline = contest_deadline(contest)
        if deadline is not None and now < deadline:
            raise ValidationError(
                _("Applications are accepted until %(deadline)s; they can be closed after that.")
                % {"deadline": timezone.localtime(deadline, contest_zone(contest)).strftime("%d.%m.%Y %H:%M")},
                code="applications_still_open",
            )
    elif action == "start_evaluation":
        pending = contest.applications.filter(status=ApplicationStatus.SUBMITTED).count()
        if pending:
            raise ValidationError(
                _("%(count)d submitted applications still await the technical review.") % {"count": pending},
                code="review_pending",
            )
    elif action == "publish_results":
        contest.results_published_at = now
        update_fields.append("results_published_at")
    elif action == "reopen_evaluation":
        contest.results_published_at = None
        update_fields.append("results_published_at")
    from_status = contest.status
    CONTEST_WORKFLOW.apply(contest, action, actor=actor, comment=comment, now=now, update_fields=update_fields)
    if action == "close_evaluation":
        from .results import results_compute

        results_compute(contest=contest, now=now)
    emit(ContestMoved(contest.pk, _actor_id(actor), action, from_status, contest.status, comment))
    if action == "publish_results":
        emit(ResultsPublished(contest.pk, _actor_id(actor)))
    return contest
