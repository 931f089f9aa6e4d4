"""Projects: made directly by an organisation (or the municipality's staff for it), or from a decision of another
module — an awarded contest application, an accepted initiative proposal, a funded participatory-budget winner —
each source making at most one project (unique constraints back the check). A project then moves one stage at a
time through PROJECT_WORKFLOW, or is cancelled with a reason; every move is audited.

Stage dates are dates in the municipality's time zone. A new project starts at the choice of the object with that
stage's actual start set to the day; each move closes the stage it leaves (its actual end, if not given, is the
day) and opens the next. Completion needs the final report accepted and every milestone done."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.contests.models import Application, ContestStatus, Result
from localbridge.contests.models import BudgetLine as ApplicationBudgetLine
from localbridge.core.audit import audit_record
from localbridge.core.services import FieldErrors
from localbridge.core.services import require_perm as _require
from localbridge.organizations.models import Organization, OrganizationKind
from localbridge.participation.models import (
    Hearing,
    Proposal,
    ProposalStatus,
    Survey,
    VoteProject,
    VoteResult,
    VoteStatus,
)
from localbridge.territories.models import Municipality, Settlement

from ..models import (
    ADVANCE_MOVES,
    PROJECT_WORKFLOW,
    STAGE_ORDER,
    BudgetLine,
    FundingSource,
    Milestone,
    Origin,
    Project,
    ProjectStage,
    Report,
    ReportKind,
    ReportStatus,
    Stage,
    StageKind,
)
from .common import (
    administration_of,
    announce,
    clean_date,
    clean_int,
    clean_line,
    clean_text,
    local_today,
    lock_project,
    require_open,
    to_decimal,
)
from .work import clean_budget_lines

__all__ = [
    "PROJECT_FIELDS",
    "STAGE_FIELDS",
    "project_advance",
    "project_advance_errors",
    "project_cancel",
    "project_create",
    "project_from_award",
    "project_from_proposal",
    "project_from_vote_project",
    "project_update",
    "stage_update",
]

PROJECT_FIELDS = (
    "title",
    "summary",
    "description",
    "object_description",
    "beneficiaries",
    "beneficiaries_count",
    "settlement",
    "address",
    "latitude",
    "longitude",
)
STAGE_FIELDS = (
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "participants",
    "notes",
    "survey",
    "hearing",
    "chosen_option",
)
# Organisations that work on one municipality's territory: their projects are in that municipality.
LOCAL_KINDS = (OrganizationKind.TOS, OrganizationKind.ADMINISTRATION, OrganizationKind.REPRESENTATIVE_BODY)
# A contest application's co-financing columns, and the source of money each becomes in the project's plan.
APPLICATION_SOURCES = {
    "local_budget": FundingSource.MUNICIPAL_BUDGET,
    "residents": FundingSource.RESIDENTS,
    "sponsors": FundingSource.SPONSORS,
    "volunteer_labour": FundingSource.VOLUNTEER_LABOUR,
}


# --- the project's own fields ----------------------------------------------------------------------------------


def _clean_fields(project: Project, values: Mapping[str, Any], errors: FieldErrors) -> None:
    for field, value in values.items():
        if field == "title":
            project.title = clean_line(errors, "title", value, limit=300, required=True)
        elif field in ("summary", "address"):
            setattr(project, field, clean_line(errors, field, value, limit=600 if field == "summary" else 300))
        elif field in ("description", "object_description", "beneficiaries"):
            setattr(project, field, clean_text(value))
        elif field == "beneficiaries_count":
            project.beneficiaries_count = clean_int(errors, field, value, minimum=0, maximum=100_000_000)
        elif field in ("latitude", "longitude"):
            number = to_decimal(value)
            bound = Decimal(90 if field == "latitude" else 180)
            if value not in (None, "") and (number is None or not -bound <= number <= bound):
                errors.add(
                    field, _("Give a number from %(min)s to %(max)s.") % {"min": -bound, "max": bound}, "invalid"
                )
                continue
            setattr(project, field, number.quantize(Decimal("0.000001")) if number is not None else None)
        elif field == "settlement":
            if value in (None, ""):
                project.settlement = None
                continue
            settlement = value if isinstance(value, Settlement) else Settlement.objects.filter(pk=value).first()
            if settlement is None or settlement.municipality_id != project.municipality_id:
                errors.add("settlement", _("Choose a settlement of this municipality."), "invalid_choice")
                continue
            project.settlement = settlement
    if (project.latitude is None) != (project.longitude is None) and not (
        "latitude" in errors.errors or "longitude" in errors.errors
    ):
        errors.add("longitude", _("Give both the latitude and the longitude, or neither."), "incomplete_point")


def _check_fields(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _create_stages(project: Project, now: datetime) -> None:
    today = local_today(project, now)
    Stage.objects.bulk_create(
        Stage(
            project=project,
            kind=kind,
            position=position,
            actual_start=today if kind == StageKind.OBJECT_CHOICE else None,
        )
        for position, kind in enumerate(STAGE_ORDER, start=1)
    )


def _taken_message(origin: str) -> str:
    if origin == Origin.CONTEST_AWARD:
        return _("A project has already been made from this application.")
    if origin == Origin.INITIATIVE_PROPOSAL:
        return _("A project has already been made from this initiative proposal.")
    return _("A project has already been made from this winner of the vote.")


def _source_taken_error(origin: str) -> ValidationError:
    return ValidationError(_taken_message(origin), code="source_taken")


def _save_new(project: Project) -> None:
    """Insert the project; a source another request has just used is refused, not half-saved."""
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise _source_taken_error(project.origin)


def _start(
    project: Project,
    *,
    actor: Any,
    now: datetime,
    lines: list[BudgetLine],
    milestones: list[Milestone] | None = None,
    source: dict[str, Any] | None = None,
) -> Project:
    project.year = project.year or local_today(project, now).year
    project.started_at = now
    project.created_at = now
    project.created_by = actor if getattr(actor, "is_authenticated", False) else None
    _save_new(project)
    _create_stages(project, now)
    for position, line in enumerate(lines, start=1):
        line.project = project
        line.position = position
    BudgetLine.objects.bulk_create(lines)
    for position, milestone in enumerate(milestones or [], start=1):
        milestone.project = project
        milestone.position = position
    Milestone.objects.bulk_create(milestones or [])
    audit_record(
        obj=project,
        action="create",
        actor=actor,
        to_status=project.stage,
        data={"origin": project.origin, **(source or {}), "budget": str(sum((x.planned for x in lines), Decimal(0)))},
        now=now,
    )
    announce(project, "create", actor)
    return project


@transaction.atomic
def project_create(
    *,
    actor: Any,
    owner: Organization,
    municipality: Municipality | None = None,
    funder: Organization | None = None,
    currency: str = "RUB",
    budget: list[Mapping[str, Any]] | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Project:
    """A project an organisation carries out on its own decision (a ТОС's own work): by a member of the owner or
    the staff of its municipality. The municipality defaults to the owner's (a ТОС or an administration works
    only in its own). `budget`: lines of the plan, each {"source", "title", "planned"}."""
    _require(actor, "projects.create_project", owner)
    _check_fields(fields)
    now = now or timezone.now()
    errors = FieldErrors()
    municipality = municipality or owner.municipality
    if municipality is None:
        errors.add("municipality", _("Choose the municipality where the project is carried out."), "required")
        errors.raise_if_any()
    assert municipality is not None
    if owner.kind in LOCAL_KINDS and owner.municipality_id not in (None, municipality.pk):
        errors.add("municipality", _("This organisation works in another municipality."), "owner_elsewhere")
    currency = str(currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        errors.add("currency", _("Give the currency as a three-letter code, for example RUB."), "invalid")
    project = Project(
        owner=owner, funder=funder, municipality=municipality, currency=currency, origin=Origin.OWN, year=0
    )
    _clean_fields(project, {"title": "", **fields}, errors)
    lines = clean_budget_lines(budget or [], errors)
    errors.raise_if_any()
    return _start(project, actor=actor, now=now, lines=lines)


@transaction.atomic
def project_update(*, project: Project, actor: Any, now: datetime | None = None, **fields: Any) -> Project:
    """Change the project's description, place and beneficiaries (not a completed or cancelled one)."""
    lock_project(project)
    _require(actor, "projects.change_project", project)
    _check_fields(fields)
    require_open(project)
    errors = FieldErrors()
    _clean_fields(project, fields, errors)
    errors.raise_if_any()
    project.save()
    audit_record(obj=project, action="update", actor=actor, data={"fields": sorted(fields)}, now=now)
    announce(project, "update", actor)
    return project


# --- from other modules' decisions -----------------------------------------------------------------------------


def _paragraphs(*parts: tuple[str, str]) -> str:
    """Markdown sections ("## heading" and text) for the parts that have text."""
    return "\n\n".join(f"## {heading}\n\n{text.strip()}" for heading, text in parts if text and text.strip())


@transaction.atomic
def project_from_award(*, application: Application, actor: Any, now: datetime | None = None) -> Project:
    """The project of an awarded (funded) application of a contest whose results are published: carried out by the
    applicant, funded by the contest's organiser; the plan is the grant awarded plus the co-financing lines of the
    application's budget, and the application's activities with an end date become milestones."""
    _require(actor, "projects.create_from_award", application)
    now = now or timezone.now()
    result = Result.objects.select_related("contest").filter(application=application).first()
    if result is None or result.contest.status != ContestStatus.FINISHED or not result.funded or result.amount <= 0:
        raise ValidationError(
            _("Only an application funded in a contest whose results are published can become a project."),
            code="not_awarded",
        )
    if Project.objects.filter(application=application).exists():
        raise _source_taken_error(Origin.CONTEST_AWARD)
    contest = result.contest
    organization = application.organization
    municipality = application.municipality or organization.municipality
    if municipality is None:
        raise ValidationError(
            _("The application does not say in which municipality the project is carried out."),
            code="no_municipality",
        )
    project = Project(
        title=application.title,
        description=_paragraphs(
            (_("Problem"), application.problem),
            (_("Goals and tasks"), application.goals),
            (_("Expected results"), application.expected_results),
        ),
        beneficiaries_count=application.beneficiaries,
        owner=organization,
        funder=contest.organizer,
        municipality=municipality,
        currency=contest.currency,
        origin=Origin.CONTEST_AWARD,
        application=application,
        year=0,
    )
    lines = [
        BudgetLine(
            source=FundingSource.GRANT,
            title=_("Grant of the contest “%(contest)s”") % {"contest": contest.title},
            planned=result.amount,
        )
    ]
    for item in ApplicationBudgetLine.objects.filter(application=application).order_by("position", "pk"):
        for column, source in APPLICATION_SOURCES.items():
            amount = getattr(item, column) or Decimal(0)
            if amount > 0:
                lines.append(BudgetLine(source=source, title=item.item[:300], planned=amount))
    milestones = [
        Milestone(title=activity.name[:300], planned_date=activity.ends_on)
        for activity in application.activities.order_by("position", "pk")
        if activity.ends_on is not None
    ]
    return _start(
        project,
        actor=actor,
        now=now,
        lines=lines,
        milestones=milestones,
        source={"application": application.pk, "contest": contest.pk, "awarded": str(result.amount)},
    )


def _local_owner(municipality_id: int, tos: Organization | None) -> tuple[Organization, Organization]:
    """(owner, funder) of a project the municipality pays for: the proposing ТОС (or the administration) carries
    it out, the administration funds it."""
    administration = administration_of(municipality_id)
    if administration is None:
        raise ValidationError(
            _("The municipality has no administration registered on the platform to fund the project."),
            code="no_administration",
        )
    return (tos or administration), administration


@transaction.atomic
def project_from_proposal(*, proposal: Proposal, actor: Any, now: datetime | None = None) -> Project:
    """The project of an accepted initiative proposal: carried out by the proposing ТОС (or the administration),
    funded by the municipality's administration. The plan: the residents' contribution from the residents, the
    rest of the estimated cost from the municipal budget (initiative payments are not asked of the budget)."""
    _require(actor, "projects.create_from_proposal", proposal)
    now = now or timezone.now()
    if proposal.status != ProposalStatus.ACCEPTED:
        raise ValidationError(
            _("Only an initiative proposal the administration accepted can become a project."), code="not_accepted"
        )
    if Project.objects.filter(proposal=proposal).exists():
        raise _source_taken_error(Origin.INITIATIVE_PROPOSAL)
    owner, funder = _local_owner(proposal.municipality_id, proposal.proposer_tos)
    project = Project(
        title=proposal.title,
        summary=proposal.summary,
        description=proposal.description,
        owner=owner,
        funder=funder,
        municipality=proposal.municipality,
        settlement=proposal.settlement,
        address=proposal.address,
        latitude=proposal.latitude,
        longitude=proposal.longitude,
        origin=Origin.INITIATIVE_PROPOSAL,
        proposal=proposal,
        year=0,
    )
    residents = proposal.residents_contribution or Decimal(0)
    municipal = max((proposal.estimated_cost or Decimal(0)) - residents, Decimal(0))
    lines = []
    if municipal > 0:
        lines.append(BudgetLine(source=FundingSource.MUNICIPAL_BUDGET, title=_("Municipal budget"), planned=municipal))
    if residents > 0:
        lines.append(BudgetLine(source=FundingSource.RESIDENTS, title=_("Initiative payments"), planned=residents))
    return _start(project, actor=actor, now=now, lines=lines, source={"proposal": proposal.pk})


@transaction.atomic
def project_from_vote_project(*, vote_project: VoteProject, actor: Any, now: datetime | None = None) -> Project:
    """The project of a funded winner of a participatory-budget vote whose results are published: carried out by
    the ТОС that proposed it (or the administration), funded by the administration, its cost from the municipal
    budget in the vote's currency."""
    _require(actor, "projects.create_from_vote_project", vote_project)
    now = now or timezone.now()
    vote = vote_project.vote
    result = VoteResult.objects.filter(project=vote_project).first()
    if vote.status != VoteStatus.PUBLISHED or result is None or not result.funded:
        raise ValidationError(
            _("Only a project funded by a vote whose results are published can become a project."),
            code="not_funded",
        )
    if Project.objects.filter(vote_project=vote_project).exists():
        raise _source_taken_error(Origin.PB_WINNER)
    proposal = vote_project.proposal
    owner, funder = _local_owner(vote.municipality_id, proposal.proposer_tos if proposal is not None else None)
    project = Project(
        title=vote_project.title[:300],
        description=vote_project.description,
        owner=owner,
        funder=funder,
        municipality=vote.municipality,
        currency=vote.currency,
        origin=Origin.PB_WINNER,
        vote_project=vote_project,
        year=0,
    )
    if proposal is not None:
        project.summary = proposal.summary
        project.address = proposal.address
        project.latitude, project.longitude = proposal.latitude, proposal.longitude
        if proposal.settlement_id and proposal.municipality_id == vote.municipality_id:
            project.settlement = proposal.settlement
    lines = [
        BudgetLine(
            source=FundingSource.MUNICIPAL_BUDGET,
            title=_("Participatory budget: %(vote)s") % {"vote": vote.title},
            planned=vote_project.cost,
        )
    ]
    return _start(
        project,
        actor=actor,
        now=now,
        lines=lines,
        source={"vote": vote.pk, "vote_project": vote_project.pk},
    )


# --- stages ----------------------------------------------------------------------------------------------------


def _current_stage(project: Project) -> Stage | None:
    return Stage.objects.filter(project=project, kind=project.stage).first()


def project_advance_errors(project: Project, now: datetime | None = None) -> list[ValidationError]:
    """Why the project cannot move on to its next stage now (none when it can)."""
    now = now or timezone.now()
    if project.stage not in ADVANCE_MOVES:
        return [
            ValidationError(
                _("The project is %(stage)s: it does not move any further.") % {"stage": project.get_stage_display()},
                code="project_closed",
            )
        ]
    errors: list[ValidationError] = []
    stage = _current_stage(project)
    today = local_today(project, now)
    if stage is not None and stage.actual_start is not None and stage.actual_start > today:
        errors.append(
            ValidationError(
                _("The stage “%(stage)s” has not started yet (it starts on %(date)s).")
                % {"stage": stage.get_kind_display(), "date": stage.actual_start.isoformat()},
                code="stage_not_started",
            )
        )
    if (
        stage is not None
        and stage.actual_end is not None
        and stage.actual_start is not None
        and stage.actual_end < stage.actual_start
    ):
        errors.append(ValidationError(_("The stage cannot end before it starts."), code="dates_out_of_order"))
    if project.stage == ProjectStage.COMPLETION:
        open_milestones = [m for m in Milestone.objects.filter(project=project) if not m.is_done]
        if open_milestones:
            errors.append(
                ValidationError(
                    _("%(count)s milestone(s) are not done yet: %(titles)s.")
                    % {"count": len(open_milestones), "titles": "; ".join(m.title for m in open_milestones[:5])},
                    code="open_milestones",
                )
            )
        if not Report.objects.filter(project=project, kind=ReportKind.FINAL, status=ReportStatus.ACCEPTED).exists():
            errors.append(
                ValidationError(
                    _("The funder has not accepted the final report yet."), code="final_report_not_accepted"
                )
            )
    return errors


@transaction.atomic
def project_advance(*, project: Project, actor: Any, comment: str = "", now: datetime | None = None) -> Project:
    """Move the project on to its next stage: the stage it leaves ends (today, unless its end was given), the next
    starts (today, unless given); from completion the project is completed. Refused with the reasons (codes)
    when the project cannot move on (project_advance_errors)."""
    lock_project(project)
    _require(actor, "projects.advance_project", project)
    now = now or timezone.now()
    problems = project_advance_errors(project, now)
    if problems:
        raise ValidationError(problems)
    today = local_today(project, now)
    from_stage = project.stage
    stage = _current_stage(project)
    if stage is not None:
        changed = []
        if stage.actual_start is None:
            stage.actual_start = today
            changed.append("actual_start")
        if stage.actual_end is None:
            stage.actual_end = max(today, stage.actual_start)
            changed.append("actual_end")
        if changed:
            stage.save(update_fields=changed)
    move = ADVANCE_MOVES[ProjectStage(from_stage)]
    update_fields: list[str] = []
    if move == "complete":
        project.completed_at = now
        update_fields.append("completed_at")
    PROJECT_WORKFLOW.apply(project, move, actor=actor, comment=comment, now=now, update_fields=update_fields)
    if project.stage in STAGE_ORDER:
        Stage.objects.filter(project=project, kind=project.stage, actual_start__isnull=True).update(actual_start=today)
    announce(project, move, actor)
    return project


@transaction.atomic
def project_cancel(*, project: Project, actor: Any, reason: str, now: datetime | None = None) -> Project:
    """Cancel a project under way, with the reason (required); the stage it was at ends today."""
    lock_project(project)
    _require(actor, "projects.cancel_project", project)
    now = now or timezone.now()
    if project.stage in STAGE_ORDER:
        Stage.objects.filter(project=project, kind=project.stage, actual_end__isnull=True).update(
            actual_end=local_today(project, now)
        )
    PROJECT_WORKFLOW.apply(project, "cancel", actor=actor, comment=reason, now=now)
    announce(project, "cancel", actor)
    return project


def _clean_stage(stage: Stage, project: Project, values: Mapping[str, Any], errors: FieldErrors) -> None:
    for field, value in values.items():
        if field in ("planned_start", "planned_end", "actual_start", "actual_end"):
            setattr(stage, field, clean_date(errors, field, value))
        elif field in ("participants", "notes", "chosen_option"):
            if field == "chosen_option" and stage.kind != StageKind.DESIGN and clean_text(value):
                errors.add(field, _("The option chosen is recorded at the design stage."), "wrong_stage")
                continue
            setattr(stage, field, clean_text(value))
        elif field in ("survey", "hearing"):
            if value in (None, ""):
                setattr(stage, field, None)
                continue
            if stage.kind != StageKind.OBJECT_CHOICE:
                errors.add(field, _("Residents' input is linked to the stage of choosing the object."), "wrong_stage")
                continue
            process: Survey | Hearing | None
            if field == "survey":
                process = value if isinstance(value, Survey) else Survey.objects.filter(pk=value).first()
            else:
                process = value if isinstance(value, Hearing) else Hearing.objects.filter(pk=value).first()
            if process is None or process.municipality_id != project.municipality_id:
                errors.add(field, _("Choose one of this municipality's surveys or meetings."), "invalid_choice")
                continue
            setattr(stage, field, process)
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        first, last = getattr(stage, start), getattr(stage, end)
        if first is not None and last is not None and last < first and end not in errors.errors:
            errors.add(end, _("The end cannot be before the start."), "dates_out_of_order")


@transaction.atomic
def stage_update(*, stage: Stage, actor: Any, now: datetime | None = None, **fields: Any) -> Stage:
    """Change a stage's dates, participants and notes; link residents' input (a survey or a meeting of the
    municipality) to the choice of the object, or record the option chosen at design. Dates out of order are
    refused and nothing is saved."""
    project = stage.project
    lock_project(project)
    _require(actor, "projects.change_project", project)
    unknown = set(fields) - set(STAGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    require_open(project)
    stage.refresh_from_db()
    errors = FieldErrors()
    _clean_stage(stage, project, fields, errors)
    errors.raise_if_any()
    stage.save()
    audit_record(
        obj=project,
        action="stage_update",
        actor=actor,
        data={"stage": stage.kind, "fields": sorted(fields)},
        now=now or timezone.now(),
    )
    announce(project, "stage_update", actor)
    return stage
