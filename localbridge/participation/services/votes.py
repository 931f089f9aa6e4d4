"""Participatory-budget votes: a municipality opens a vote over a list of projects with a budget; eligible
residents cast one ballot each (changeable until the vote closes when the vote allows it); staff enter paper
ballots; at close the outcome rule (greedy or the Method of Equal Shares, pb/rules.py) is applied and every
project's result is written with the reason and numbers behind it.

Integrity: one ballot per voter per vote is a database constraint (vote, voter_key); a cast is one transaction
that writes the ballot row and replaces its choices; a repeated submission with the same request_key returns the
same ballot unchanged; a cast holds a shared lock on the vote's row (casts run in parallel, a move of the vote
waits for them), so a cast never races the vote's closing. Vote.ballots_count is set when the results are
computed (close, publish, import); while a vote runs, selectors count the rows. Ballots are rate-limited
per user through the cache (settings.PARTICIPATION_BALLOT_RATE, default 20 per minute).

The .pb bridge (vote_election, vote_import) serves the management commands import_pb, pb_results and
export_pb."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localbridge.core.audit import audit_record
from localbridge.core.services import FieldErrors as _Errors
from localbridge.core.services import lock_row as _lock
from localbridge.core.services import require_perm as _require

from ..eligibility import eligibility_errors
from ..models import (
    VOTE_WORKFLOW,
    Ballot,
    BallotChoice,
    BallotType,
    OutcomeRule,
    Proposal,
    ProposalStatus,
    Vote,
    VoteProject,
    VoteResult,
    VoteStatus,
)
from ..pb import ballots as pb_ballots
from ..pb import format as pb_format
from ..pb import rules as pb_rules
from ..pb.tally import POINT_TYPES

CENT = Decimal("0.01")
EARLIER_KEYS = 20  # submission keys a ballot remembers after changes (a late retry of one is a repeat)
MAX_BALLOT_ENTRIES = 1000  # a ballot naming more projects than this is refused unread
RATE_DEFAULT = (20, 60)  # ballots per user per window of seconds
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed back
PROPOSAL_SOURCES = (ProposalStatus.ACCEPTED, ProposalStatus.SELECTION)
# Our ballot types as the .pb format and pb/ballots.py name them.
PB_VOTE_TYPES = {
    BallotType.APPROVAL: "approval",
    BallotType.KNAPSACK: "approval",
    BallotType.CUMULATIVE: "cumulative",
    BallotType.CHOOSE_ONE: "choose-1",
}
PB_BALLOT_TYPES = {
    BallotType.APPROVAL: pb_ballots.BallotType.APPROVAL,
    BallotType.KNAPSACK: pb_ballots.BallotType.KNAPSACK,
    BallotType.CUMULATIVE: pb_ballots.BallotType.CUMULATIVE,
    BallotType.CHOOSE_ONE: pb_ballots.BallotType.CHOOSE_ONE,
}
# The outcome rules of a vote in pb/rules.py: MES without a completion (add1 reruns the method budget ÷ voters
# times, too slow for a city-wide vote; see docs/participation.md).
PB_RULES = {OutcomeRule.GREEDY: pb_rules.Rule.GREEDY, OutcomeRule.MES: pb_rules.Rule.MES}
HELD_FIELDS = ("status", "opens_at", "closes_at", "allow_change")  # what a cast re-reads under the vote's lock
VOTE_FIELDS = (
    "title",
    "description",
    "budget",
    "currency",
    "ballot_type",
    "max_choices",
    "min_choices",
    "points",
    "rule",
    "allow_change",
    "opens_at",
    "closes_at",
    "settlement",
    "tos",
    "min_age",
)


# --- helpers ----------------------------------------------------------------------------------------------------


def _money(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else 0)).quantize(CENT)


def _plain(value: Any) -> Any:
    """A number from pb/ as JSON: Fractions and Decimals as exact text, ints as they are."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return str(value)
    return value


def new_receipt() -> str:
    """A receipt code such as "K7QX-M2PA-9WTE" (60 bits)."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def normalize_receipt(text: str) -> str:
    raw = "".join(ch for ch in str(text or "").upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def vote_is_open(vote: Vote, now: datetime) -> bool:
    """Open for ballots: status open and opens_at ≤ now < closes_at."""
    return (
        vote.status == VoteStatus.OPEN
        and (vote.opens_at is None or vote.opens_at <= now)
        and (vote.closes_at is None or now < vote.closes_at)
    )


def pb_vote_type(vote: Vote) -> str:
    """The vote's .pb vote_type: an imported scoring or ordinal election keeps its own."""
    imported = str((vote.meta or {}).get("vote_type", "")).strip().lower()
    if imported in ("scoring", "ordinal"):
        return imported
    return PB_VOTE_TYPES[BallotType(vote.ballot_type)]


# --- creating and editing a vote --------------------------------------------------------------------------------


def _check_settings(vote: Vote, errors: _Errors) -> None:
    if not (vote.title or "").strip():
        errors.add("title", _("Give the vote a title."), "required")
    if vote.budget is None or vote.budget <= 0:
        errors.add("budget", _("The budget must be more than zero."), "budget_not_positive")
    if vote.ballot_type == BallotType.CUMULATIVE and not vote.points:
        errors.add("points", _("Say how many points each voter spreads."), "points_required")
    if vote.max_choices is not None and vote.max_choices < max(vote.min_choices, 1):
        errors.add("max_choices", _("The maximum must be at least the minimum and at least one."), "max_below_min")
    if vote.opens_at and vote.closes_at and vote.closes_at <= vote.opens_at:
        errors.add("closes_at", _("The vote must close after it opens."), "closes_before_opens")
    if vote.settlement is not None and vote.settlement.municipality_id != vote.municipality_id:
        errors.add("settlement", _("The settlement is not in the vote's municipality."), "wrong_settlement")
    if vote.tos is not None and vote.tos.municipality_id != vote.municipality_id:
        errors.add("tos", _("The ТОС is not in the vote's municipality."), "wrong_tos")


def _project_rows(vote: Vote, projects: Iterable[Mapping[str, Any]], start: int = 0) -> list[VoteProject]:
    """VoteProject rows from dicts with title, cost and optionally code, description, proposal."""
    rows = []
    errors = _Errors()
    codes = set(VoteProject.objects.filter(vote=vote).values_list("code", flat=True)) if vote.pk else set()
    for position, spec in enumerate(projects, start=start + 1):
        title = " ".join(str(spec.get("title", "")).split())
        try:
            cost = _money(spec.get("cost"))
        except ArithmeticError:
            cost = Decimal(-1)
        code = str(spec.get("code") or position).strip()
        if not title:
            errors.add("projects", _("Project %(n)s has no title.") % {"n": position}, "project_title")
        if cost <= 0:
            errors.add("projects", _("Project %(n)s needs a cost above zero.") % {"n": position}, "project_cost")
        if code in codes:
            errors.add("projects", _("Project code %(code)s appears twice.") % {"code": code}, "project_code")
        codes.add(code)
        proposal = spec.get("proposal")
        rows.append(
            VoteProject(
                vote=vote,
                code=code,
                title=title[:500],
                description=str(spec.get("description", "")),
                cost=cost,
                proposal=proposal,
                position=position,
                source_kind=str(spec.get("source_kind") or "")[:32],
                source_id=str(spec.get("source_id") or "")[:64],
                source_url=str(spec.get("source_url") or "")[:500],
            )
        )
    errors.raise_if_any()
    return rows


def _keep_provenance(vote: Vote, projects: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A retyped project list (the vote's form shows only "title; cost") with what it does not show kept from the
    vote's project of the same title: its code (unless a plain number, which follows the position), description,
    proposal and source (services/vote_sources.py). Each project is matched once, in order; a spec that brings
    its own code, proposal or source is left as it is."""
    existing: dict[str, list[VoteProject]] = {}
    for project in VoteProject.objects.filter(vote=vote).select_related("proposal").order_by("position", "pk"):
        existing.setdefault(" ".join(project.title.split()), []).append(project)
    specs = []
    for given in projects:
        spec = dict(given)
        same = existing.get(" ".join(str(spec.get("title", "")).split()))
        if same and not any(spec.get(key) for key in ("code", "proposal", "source_kind")):
            old = same.pop(0)
            if not old.code.isdigit():
                spec["code"] = old.code
            spec.setdefault("description", old.description)
            spec.update(
                proposal=old.proposal,
                source_kind=old.source_kind,
                source_id=old.source_id,
                source_url=old.source_url,
            )
        specs.append(spec)
    return specs


def proposal_projects(*, vote: Vote, proposals: Iterable[Proposal] | None = None) -> list[dict[str, Any]]:
    """Project specs from the municipality's accepted proposals and those sent to selection (or the given ones,
    which must be such proposals of the vote's municipality)."""
    qs = Proposal.objects.filter(municipality_id=vote.municipality_id, status__in=PROPOSAL_SOURCES)
    if proposals is not None:
        qs = qs.filter(pk__in=[p.pk for p in proposals])
    return [
        {
            "code": f"p{p.pk}",
            "title": p.title,
            "description": p.summary or p.description,
            "cost": max(p.estimated_cost - p.residents_contribution, Decimal("0")) or p.estimated_cost,
            "proposal": p,
        }
        for p in qs.order_by("pk")
    ]


@transaction.atomic
def vote_create(
    *,
    municipality: Any,
    actor: Any,
    title: str,
    budget: Any,
    projects: Sequence[Mapping[str, Any]] = (),
    from_proposals: bool = False,
    proposals: Iterable[Proposal] | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Vote:
    """A draft vote of `municipality` with its projects: `projects` (dicts with title, cost, and optionally code,
    description) followed, with `from_proposals`, by the municipality's accepted proposals and those sent to
    selection (only those of `proposals` when given)."""
    now = now or timezone.now()
    _require(actor, "participation.manage_process", municipality)
    unknown = set(fields) - set(VOTE_FIELDS)
    if unknown:
        raise TypeError(f"unknown vote fields: {sorted(unknown)}")
    vote = Vote(
        municipality=municipality,
        title=" ".join(str(title or "").split()),
        budget=_money(budget) if budget not in (None, "") else None,  # type: ignore[misc]
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    errors = _Errors()
    _check_settings(vote, errors)
    errors.raise_if_any()
    vote.save()
    specs = list(projects)
    if from_proposals:
        specs += proposal_projects(vote=vote, proposals=proposals)
    VoteProject.objects.bulk_create(_project_rows(vote, specs))
    audit_record(obj=vote, action="vote_create", actor=actor, data={"projects": len(specs)}, now=now)
    return vote


@transaction.atomic
def vote_update(
    *,
    vote: Vote,
    actor: Any,
    projects: Sequence[Mapping[str, Any]] | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Vote:
    """Change a draft vote's settings; `projects`, when given, replaces its project list (a project typed with the
    title of one already in the vote keeps its description, proposal and source: _keep_provenance)."""
    now = now or timezone.now()
    _lock(vote)
    _require(actor, "participation.manage_process", vote)
    if vote.status != VoteStatus.DRAFT:
        raise ValidationError(_("Only a draft vote can be changed."), code="not_draft")
    unknown = set(fields) - set(VOTE_FIELDS)
    if unknown:
        raise TypeError(f"unknown vote fields: {sorted(unknown)}")
    old = {name: str(getattr(vote, name)) for name in fields}
    for name, value in fields.items():
        setattr(vote, name, _money(value) if name == "budget" else value)
    errors = _Errors()
    _check_settings(vote, errors)
    errors.raise_if_any()
    vote.save()
    if projects is not None:
        specs = _keep_provenance(vote, projects)
        VoteProject.objects.filter(vote=vote).delete()
        VoteProject.objects.bulk_create(_project_rows(vote, specs))
    audit_record(
        obj=vote,
        action="vote_update",
        actor=actor,
        data={"old": old, "new": {name: str(getattr(vote, name)) for name in fields}, "projects": projects is not None},
        now=now,
    )
    return vote


@transaction.atomic
def vote_projects_add(
    *, vote: Vote, actor: Any, projects: Sequence[Mapping[str, Any]], now: datetime | None = None
) -> list[VoteProject]:
    """Add projects to a draft vote (e.g. proposal_projects(vote=…) or a contest's funded projects)."""
    _lock(vote)
    _require(actor, "participation.manage_process", vote)
    if vote.status != VoteStatus.DRAFT:
        raise ValidationError(_("Only a draft vote can be changed."), code="not_draft")
    start = VoteProject.objects.filter(vote=vote).count()
    rows = VoteProject.objects.bulk_create(_project_rows(vote, projects, start=start))
    audit_record(obj=vote, action="vote_projects_add", actor=actor, data={"added": len(rows)}, now=now)
    return rows


@transaction.atomic
def vote_move(*, vote: Vote, actor: Any, action: str, comment: str = "", now: datetime | None = None) -> Vote:
    """Move the vote along VOTE_WORKFLOW:

    - open: projects and both dates are set, the settings are valid;
    - close: after closes_at; the results are computed (hidden until published);
    - publish: the results are recomputed (paper ballots may have been entered after closing) and made public."""
    now = now or timezone.now()
    _lock(vote)
    _require(actor, "participation.manage_process", vote)
    VOTE_WORKFLOW.get(action)
    if not VOTE_WORKFLOW.can(vote, action):
        raise ValidationError(
            _("This action is not possible in the current state (%(state)s).") % {"state": vote.get_status_display()},
            code="invalid_transition",
        )
    if action == "open":
        errors = _Errors()
        _check_settings(vote, errors)
        count = VoteProject.objects.filter(vote=vote).count()
        needed = 2 if vote.ballot_type == BallotType.CHOOSE_ONE else 1
        if count < needed:
            errors.add("projects", _("Add the projects to vote on first."), "no_projects")
        if vote.opens_at is None or vote.closes_at is None:
            errors.add("closes_at", _("Set when the vote opens and closes."), "dates_required")
        elif vote.closes_at <= now:
            errors.add("closes_at", _("The closing time has already passed."), "closes_in_past")
        errors.raise_if_any()
    elif action == "close" and vote.closes_at is not None and now < vote.closes_at:
        raise ValidationError(
            _("The vote is open until %(closes)s; it can be closed after that.")
            % {"closes": timezone.localtime(vote.closes_at).strftime("%d.%m.%Y %H:%M")},
            code="still_open",
        )
    VOTE_WORKFLOW.apply(vote, action, actor=actor, comment=comment, now=now)
    if action in ("close", "publish"):
        results_compute(vote=vote, now=now)
    return vote


# --- ballots ----------------------------------------------------------------------------------------------------


BALLOT_MESSAGES = {
    "unknown_project": gettext_lazy("This project is not on the ballot."),
    "duplicate_project": gettext_lazy("A project is chosen twice."),
    "empty": gettext_lazy("Choose at least one project."),
    "too_few": gettext_lazy("Choose at least %(min)s projects (you chose %(given)s)."),
    "too_many": gettext_lazy("Choose at most %(max)s projects (you chose %(given)s)."),
    "over_budget": gettext_lazy("The chosen projects cost %(total)s, more than the budget of %(budget)s."),
    "points_missing": gettext_lazy("Give points to the projects."),
    "points_unexpected": gettext_lazy("This ballot takes no points."),
    "points_mismatch": gettext_lazy("Give points to the projects."),
    "points_invalid": gettext_lazy("Points must be whole numbers, zero or more."),
    "points_over_max": gettext_lazy("At most %(max)s points per project."),
    "points_over_total": gettext_lazy("You have %(max)s points to spread; you gave %(given)s."),
    "not_exactly_one": gettext_lazy("Choose exactly one project."),
}


def ballot_errors(vote: Vote, choices: Mapping[Any, Any], projects: Sequence[VoteProject]) -> list[ValidationError]:
    """Faults of a ballot (choices: project id → points; 0 points means not chosen), translated. `projects`: the
    vote's projects, or at least those the ballot names."""
    if len(choices) > MAX_BALLOT_ENTRIES:
        return [ValidationError(BALLOT_MESSAGES["unknown_project"], code="unknown_project")]
    by_pk = {p.pk: p for p in projects}
    ids: list[str] = []
    points: list[int] = []
    errors: list[ValidationError] = []
    for key, raw in choices.items():
        try:
            pk, value = int(key), int(raw)
        except (TypeError, ValueError):
            errors.append(ValidationError(BALLOT_MESSAGES["points_invalid"], code="points_invalid"))
            continue
        if value == 0 and pk in by_pk:
            continue
        ids.append(str(pk))
        points.append(value)
    if errors:
        return errors
    if not ids:
        return [ValidationError(BALLOT_MESSAGES["empty"], code="empty")]
    kind = BallotType(vote.ballot_type)
    cumulative = kind == BallotType.CUMULATIVE
    if not cumulative and any(value != 1 for value in points):
        return [ValidationError(BALLOT_MESSAGES["points_unexpected"], code="points_unexpected")]
    settings_ = pb_ballots.VoteSettings(
        ballot_type=PB_BALLOT_TYPES[kind],
        min_choices=vote.min_choices if kind in (BallotType.APPROVAL, BallotType.KNAPSACK) else 0,
        max_choices=vote.max_choices if kind in (BallotType.APPROVAL, BallotType.KNAPSACK) else None,
        budget=vote.budget if kind == BallotType.KNAPSACK else None,
        total_points=vote.points if cumulative else None,
    )
    costs = {str(p.pk): p.cost for p in projects}
    for fault in pb_ballots.validate_ballot(settings_, ids, points if cumulative else None, costs):
        params = {
            k: (f"{v:,.2f}".replace(",", "\u00a0") if isinstance(v, Decimal) else v) for k, v in fault.params.items()
        }
        if fault.code == "over_budget":
            params = {k: f"{v} {vote.currency}" for k, v in params.items()}
        message = str(BALLOT_MESSAGES.get(fault.code, _("The ballot is not valid.")))
        with contextlib.suppress(KeyError, TypeError, ValueError):
            message = message % params
        errors.append(ValidationError(message, code=fault.code))
    return errors


def _rate_limit(actor: Any, now: datetime) -> None:
    limit, window = getattr(settings, "PARTICIPATION_BALLOT_RATE", RATE_DEFAULT)
    bucket = int(now.timestamp()) // window
    key = f"participation:ballot-rate:{actor.pk}:{bucket}"
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window * 2)
        count = 1
    if count > limit:
        raise ValidationError(
            _("Too many ballots in a short time. Please wait a minute and try again."), code="rate_limited"
        )


def _choice_rows(ballot: Ballot, choices: Mapping[Any, Any], projects: Mapping[int, VoteProject]) -> list[BallotChoice]:
    rows = []
    for position, (key, raw) in enumerate(choices.items()):
        value = int(raw)
        if value == 0:
            continue
        rows.append(BallotChoice(ballot=ballot, project=projects[int(key)], points=value, position=position))
    return rows


def _hold_vote(vote: Vote) -> None:
    """Re-read the vote's state under a shared lock on its row. On PostgreSQL casts hold it together (FOR SHARE),
    so ballots are written in parallel, while a move of the vote (vote_move locks the row FOR UPDATE) waits for the
    casts in flight, and casts after it see the new state: no ballot slips past the closing. SQLite takes the
    database's write lock at BEGIN (IMMEDIATE), which orders every write anyway."""
    query = Vote.objects.filter(pk=vote.pk).values_list(*HELD_FIELDS)
    if connection.vendor == "postgresql":
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} FOR SHARE", params)
            row = cursor.fetchone()
    else:
        row = query.first()
    if row is None:
        raise Vote.DoesNotExist
    for name, value in zip(HELD_FIELDS, row, strict=True):
        setattr(vote, name, value)


def _voter_ballot(vote: Vote, voter_key: str) -> Ballot | None:
    """The voter's ballot, locked for this transaction (a parallel change of the same ballot waits)."""
    return Ballot.objects.select_for_update().filter(vote=vote, voter_key=voter_key).first()


def _write_ballot(
    *,
    vote: Vote,
    ballot: Ballot | None,
    voter_key: str,
    choices: Mapping[Any, Any],
    projects: Mapping[int, VoteProject],
    request_key: str,
    voter: Any = None,
    entered_by: Any = None,
    is_paper: bool = False,
    replace: bool,
) -> tuple[Ballot, str]:
    """Insert the voter's ballot, or replace the choices of `ballot` (theirs, read by _voter_ballot). Returns the
    ballot and what happened: "created", "changed", "repeated" (same request_key: nothing written) or "refused"
    (a ballot exists and may not be replaced)."""
    if ballot is None:
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    ballot = Ballot.objects.create(
                        vote=vote,
                        voter=voter,
                        voter_key=voter_key,
                        receipt=new_receipt(),
                        is_paper=is_paper,
                        entered_by=entered_by,
                        request_key=request_key,
                    )
            except IntegrityError:
                ballot = _voter_ballot(vote, voter_key)
                if ballot is not None:
                    break  # written meanwhile by a parallel request (its transaction committed first)
                continue  # a receipt collision: draw again
            else:
                BallotChoice.objects.bulk_create(_choice_rows(ballot, choices, projects))
                return ballot, "created"
        if ballot is None:  # pragma: no cover - three receipt collisions in a row
            raise IntegrityError("could not draw a unique receipt")
    if request_key and (ballot.request_key == request_key or request_key in ballot.earlier_keys):
        return ballot, "repeated"  # the same submission again, or a late retry of one already replaced
    if not replace:
        return ballot, "refused"
    BallotChoice.objects.filter(ballot=ballot).delete()
    BallotChoice.objects.bulk_create(_choice_rows(ballot, choices, projects))
    if ballot.request_key:
        ballot.earlier_keys = [*ballot.earlier_keys, ballot.request_key][-EARLIER_KEYS:]
    ballot.request_key = request_key
    ballot.save(update_fields=["request_key", "earlier_keys", "updated_at"])
    return ballot, "changed"


def _projects_of(vote: Vote, choices: Mapping[Any, Any]) -> dict[int, VoteProject]:
    """The vote's projects that the ballot names (a city's vote may list hundreds; a ballot names a few)."""
    ids = set()
    for key in list(choices)[:MAX_BALLOT_ENTRIES]:
        with contextlib.suppress(TypeError, ValueError):
            ids.add(int(key))
    if not ids:
        return {}
    return {p.pk: p for p in VoteProject.objects.filter(vote=vote, pk__in=ids).only("pk", "vote_id", "cost")}


@transaction.atomic
def ballot_cast(
    *, vote: Vote, actor: Any, choices: Mapping[Any, Any], request_key: str, now: datetime | None = None
) -> Ballot:
    """Cast or change the actor's ballot. `choices` maps VoteProject ids to points (1 for a chosen project on
    approval, knapsack and choose-one ballots; 0 means not chosen). A repeated submission (same request_key as
    the stored ballot) returns the stored ballot unchanged."""
    now = now or timezone.now()
    _require(actor, "participation.cast_ballot", vote)
    problems = eligibility_errors(actor, vote, now)
    if problems:
        raise ValidationError(problems)
    _rate_limit(actor, now)
    request_key = str(request_key or "")[:64]
    projects = _projects_of(vote, choices)
    faults = ballot_errors(vote, choices, list(projects.values()))
    _hold_vote(vote)
    voter_key = f"u{actor.pk}"
    existing = _voter_ballot(vote, voter_key)
    if existing is not None and request_key and request_key in (existing.request_key, *existing.earlier_keys):
        return existing  # a retry of what was recorded, or of a submission it replaced
    if not vote_is_open(vote, now):
        raise ValidationError(_("The vote is not open for ballots."), code="vote_not_open")
    if faults:
        raise ValidationError({"choices": faults})
    if existing is not None and not vote.allow_change:
        raise ValidationError(_("You have already voted; this vote does not allow changing a ballot."), code="voted")
    ballot, what = _write_ballot(
        vote=vote,
        ballot=existing,
        voter_key=voter_key,
        choices=choices,
        projects=projects,
        request_key=request_key,
        voter=actor,
        replace=vote.allow_change,
    )
    if what == "refused":
        raise ValidationError(_("You have already voted; this vote does not allow changing a ballot."), code="voted")
    if what != "repeated":
        # The audit row says that (and when) the voter voted, never what they chose.
        audit_record(obj=vote, action=f"ballot_{what}", actor=actor, data={"ballot": ballot.pk}, now=now)
    return ballot


@transaction.atomic
def ballot_enter_paper(
    *, vote: Vote, actor: Any, choices: Mapping[Any, Any], paper_number: Any, now: datetime | None = None
) -> Ballot:
    """Enter a paper ballot by its printed number, once: a number already entered is refused. Allowed while the
    vote is open and after it closes, until the results are published."""
    now = now or timezone.now()
    _require(actor, "participation.enter_paper_ballot", vote)
    number = " ".join(str(paper_number or "").split())
    if not number or len(number) > 60:
        raise ValidationError(
            {"paper_number": [ValidationError(_("Give the number printed on the paper ballot."), code="required")]}
        )
    projects = _projects_of(vote, choices)
    faults = ballot_errors(vote, choices, list(projects.values()))
    _hold_vote(vote)
    if vote.status not in (VoteStatus.OPEN, VoteStatus.CLOSED) or (
        vote.status == VoteStatus.OPEN and vote.opens_at is not None and now < vote.opens_at
    ):
        raise ValidationError(
            _("Paper ballots are entered while the vote runs and until publication."), code="vote_not_open"
        )
    if faults:
        raise ValidationError({"choices": faults})
    voter_key = f"paper-{number}"
    ballot, what = _write_ballot(
        vote=vote,
        ballot=_voter_ballot(vote, voter_key),
        voter_key=voter_key,
        choices=choices,
        projects=projects,
        request_key="",
        entered_by=actor,
        is_paper=True,
        replace=False,
    )
    if what != "created":
        raise ValidationError(
            {
                "paper_number": [
                    ValidationError(
                        _("Paper ballot %(number)s has already been entered.") % {"number": number},
                        code="paper_duplicate",
                    )
                ]
            }
        )
    audit_record(obj=vote, action="ballot_paper", actor=actor, data={"ballot": ballot.pk, "number": number}, now=now)
    return ballot


def receipt_check(*, vote: Vote, receipt: str) -> datetime | None:
    """When the ballot with this receipt code was last recorded (None: no such ballot). Reveals nothing else."""
    code = normalize_receipt(receipt)
    if not code:
        return None
    return Ballot.objects.filter(vote=vote, receipt=code).values_list("updated_at", flat=True).first()


# --- the .pb bridge and results ---------------------------------------------------------------------------------


def vote_election(vote: Vote, *, with_results: bool = False) -> pb_format.Election:
    """The vote as a .pb election: META (the imported one, updated with the vote's own settings), projects by
    code with our tally as votes (and score for point ballots), ballots in the order they were cast."""
    from ..pb.tally import tally

    vote_type = pb_vote_type(vote)
    meta = dict(vote.meta or {})  # an imported election's META is written back as it was
    if not meta:
        meta = {"description": vote.title}
        meta.update(vote_type=vote_type, rule=str(PB_RULES[OutcomeRule(vote.rule)]), currency=vote.currency)
    if not _same_number(meta.get("budget"), vote.budget):
        meta["budget"] = _number(vote.budget)
    projects = list(VoteProject.objects.filter(vote=vote).order_by("position", "pk"))
    code_of = {p.pk: p.code for p in projects}
    rows = (
        BallotChoice.objects.filter(ballot__vote=vote)
        .order_by("ballot_id", "position", "pk")
        .values_list("ballot_id", "project_id", "points")
        .iterator(chunk_size=20_000)
    )
    choices: dict[int, list[tuple[str, int]]] = {}
    for ballot_id, project_id, points in rows:
        choices.setdefault(ballot_id, []).append((code_of[project_id], points))
    with_points = vote_type in POINT_TYPES
    ballots: list[pb_format.Ballot] = []
    rows_b = Ballot.objects.filter(vote=vote).order_by("pk").values_list("pk", "voter_key", "extra")
    for number, (pk, voter_key, extra) in enumerate(rows_b.iterator(20_000), start=1):
        listed = choices.get(pk, [])
        voter_id = voter_key[3:] if voter_key.startswith("pb-") else str(number)
        ballots.append(
            pb_format.Ballot(
                voter_id=voter_id,
                choices=[code for code, _points in listed],
                points=[points for _code, points in listed] if with_points else None,
                extra=dict(extra or {}),
            )
        )
    counts = tally(ballots, vote_type, (p.code for p in projects))
    funded: dict[int, bool] = {}
    if with_results:
        funded = dict(VoteResult.objects.filter(vote=vote).values_list("project_id", "funded"))
    pb_projects = []
    for p in projects:
        extra = dict(p.extra or {})
        file_score = extra.pop("score", None)
        file_selected = extra.pop("selected", None)
        selected: bool | None = None
        if p.pk in funded:
            selected = funded[p.pk]
        elif file_selected not in (None, ""):
            selected = str(file_selected).strip() not in ("0", "0.0")
        pb_projects.append(
            pb_format.Project(
                id=p.code,
                cost=_file_number(p.cost),
                name=p.title,
                votes_in_file=counts[p.code].votes,
                score_in_file=counts[p.code].score if (with_points or vote_type == "ordinal" or file_score) else None,
                selected_in_file=selected,
                extra=extra,
            )
        )
    return pb_format.Election(meta, pb_projects, ballots)


def _file_number(value: Decimal) -> Decimal:
    """A cost as the file writes it: 40000, not 40000.00."""
    return value.to_integral_value() if value == value.to_integral_value() else value.normalize()


def _number(value: Any) -> str:
    return str(_file_number(Decimal(value)))


def _same_number(text: Any, value: Any) -> bool:
    try:
        return Decimal(str(text)) == Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        return False


def vote_outcome(vote: Vote, *, rule: str | None = None) -> tuple[pb_format.Election, list[pb_rules.ProjectOutcome]]:
    """The vote's outcome under `rule` (the vote's own by default), computed now, nothing written."""
    election = vote_election(vote)
    chosen = PB_RULES[OutcomeRule(rule or vote.rule)]
    return election, pb_rules.outcome(election, chosen)


@transaction.atomic
def results_compute(*, vote: Vote, actor: Any = None, now: datetime | None = None) -> list[VoteResult]:
    """Apply the vote's rule to its ballots and replace its VoteResult rows (funded first, in the rule's order).
    Called when the vote closes and when it is published; an `actor`, when given, must manage the vote."""
    now = now or timezone.now()
    if actor is not None:
        _require(actor, "participation.manage_process", vote)
    if vote.status not in (VoteStatus.CLOSED, VoteStatus.PUBLISHED):
        raise ValidationError(_("Results are computed once the vote is closed."), code="vote_not_closed")
    election, outcomes = vote_outcome(vote)
    by_code = {p.code: p for p in VoteProject.objects.filter(vote=vote)}
    VoteResult.objects.filter(vote=vote).delete()
    rows = [
        VoteResult(
            vote=vote,
            project=by_code[o.project_id],
            votes=o.votes,
            score=Decimal(o.score),
            funded=o.funded,
            reason=str(o.reason),
            params={key: _plain(value) for key, value in o.params.items()},
            position=position,
        )
        for position, o in enumerate(outcomes, start=1)
        if o.project_id in by_code
    ]
    VoteResult.objects.bulk_create(rows)
    vote.ballots_count = len(election.ballots)
    Vote.objects.filter(pk=vote.pk).update(ballots_count=vote.ballots_count)
    audit_record(
        obj=vote,
        action="vote_results",
        actor=actor,
        data={
            "rule": vote.rule,
            "ballots": len(election.ballots),
            "funded": [r.project.code for r in rows if r.funded],
        },
        now=now,
    )
    return rows


# --- importing a .pb election -----------------------------------------------------------------------------------

IMPORT_TYPES = {
    "approval": BallotType.APPROVAL,
    "choose-1": BallotType.CHOOSE_ONE,
    "cumulative": BallotType.CUMULATIVE,
    "scoring": BallotType.CUMULATIVE,
    "ordinal": BallotType.APPROVAL,
}


def _meta_int(meta: Mapping[str, str], key: str) -> int | None:
    try:
        value = Decimal(str(meta.get(key, "")).strip())
    except ArithmeticError:
        return None
    return int(value) if value == value.to_integral_value() and value >= 0 else None


@transaction.atomic
def vote_import(
    *,
    election: pb_format.Election,
    municipality: Any,
    actor: Any = None,
    title: str = "",
    batch_size: int = 5000,
    now: datetime | None = None,
) -> Vote:
    """Create a closed vote holding a real election: its META, projects and ballots (bulk-inserted in batches).
    Choices of projects the file does not list are dropped; a project listed twice on one ballot is kept once
    (its points added). Used by the import_pb command; an `actor`, when given, must manage the municipality."""
    now = now or timezone.now()
    if actor is not None:
        _require(actor, "participation.manage_process", municipality)
    meta = dict(election.meta)
    kind = IMPORT_TYPES.get(election.vote_type, BallotType.APPROVAL)
    rule = OutcomeRule.MES if election.rule.startswith("equalshares") else OutcomeRule.GREEDY
    max_choices = _meta_int(meta, "max_length") if kind == BallotType.APPROVAL else None
    min_choices = _meta_int(meta, "min_length") if kind == BallotType.APPROVAL else None
    points = _meta_int(meta, "max_sum_points") if kind == BallotType.CUMULATIVE else None
    name = (
        title
        or meta.get("description")
        or " ".join(part for part in (meta.get("unit", ""), meta.get("district", ""), meta.get("instance", "")) if part)
    )
    budget = election.budget
    vote = Vote.objects.create(
        municipality=municipality,
        title=(name or _("Imported vote"))[:300],
        budget=budget.quantize(CENT),
        currency=(meta.get("currency") or "RUB")[:3],
        ballot_type=kind,
        max_choices=max_choices or None,
        min_choices=min_choices or 0,
        points=points if kind == BallotType.CUMULATIVE else None,
        rule=rule,
        allow_change=False,
        status=VoteStatus.CLOSED,
        min_age=0,
        meta=meta,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    projects = []
    for position, p in enumerate(election.projects, start=1):
        extra = dict(p.extra)
        if p.score_in_file is not None:
            extra["score"] = str(p.score_in_file)
        if p.selected_in_file is not None:
            extra["selected"] = "1" if p.selected_in_file else "0"
        projects.append(
            VoteProject(
                vote=vote,
                code=p.id,
                title=(p.name or p.id)[:500],
                cost=p.cost.quantize(CENT),
                position=position,
                extra=extra,
            )
        )
    VoteProject.objects.bulk_create(projects, batch_size=batch_size)
    pk_of = dict(VoteProject.objects.filter(vote=vote).values_list("code", "pk"))
    dropped = 0
    for start in range(0, len(election.ballots), batch_size):
        chunk = election.ballots[start : start + batch_size]
        receipts: set[str] = set()
        ballots = []
        for b in chunk:
            receipt = new_receipt()
            while receipt in receipts:  # pragma: no cover
                receipt = new_receipt()
            receipts.add(receipt)
            ballots.append(Ballot(vote=vote, voter_key=f"pb-{b.voter_id}", receipt=receipt, extra=dict(b.extra)))
        created = Ballot.objects.bulk_create(ballots)
        if created and created[0].pk is None:  # a backend that returns no ids
            ids = dict(
                Ballot.objects.filter(vote=vote, voter_key__in=[x.voter_key for x in ballots]).values_list(
                    "voter_key", "pk"
                )
            )
            for x in created:
                x.pk = ids[x.voter_key]
        rows: list[BallotChoice] = []
        for ballot, b in zip(created, chunk, strict=True):
            merged: dict[str, list[int]] = {}
            for i, code in enumerate(b.choices):
                if code not in pk_of:
                    dropped += 1
                    continue
                value = b.points[i] if b.points is not None else 1
                if code in merged:
                    if b.points is not None:
                        merged[code][1] += value
                    continue
                merged[code] = [len(merged), value]
            rows.extend(
                BallotChoice(ballot=ballot, project_id=pk_of[code], points=value, position=position)
                for code, (position, value) in merged.items()
            )
        BallotChoice.objects.bulk_create(rows, batch_size=batch_size)
    Vote.objects.filter(pk=vote.pk).update(ballots_count=len(election.ballots))
    vote.ballots_count = len(election.ballots)
    audit_record(
        obj=vote,
        action="vote_import",
        actor=actor,
        data={"projects": len(projects), "ballots": len(election.ballots), "dropped_choices": dropped},
        now=now,
    )
    return vote
