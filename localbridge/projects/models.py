"""Implementation under public control: a project follows a decision (a contest award, an accepted initiative
proposal, a participatory-budget winner, or an organisation's own plan) through its stages — the choice of the
object, design, implementation, public control, completion — with milestones, the budget plan by source of money
against the actual spending, documents, progress and final reports with photos, residents' inspection notes and
ratings. The project's stage and a report's status are explicit workflows (PROJECT_WORKFLOW, REPORT_WORKFLOW);
single-row truths are constraints here, rules across rows live in services/. Money is Decimal in the project's
currency. See docs/projects.md."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from localbridge.contests.models import Application
from localbridge.core.files import random_upload_name
from localbridge.core.models import TimeStampedModel, user_reference
from localbridge.core.workflow import Transition, Workflow
from localbridge.organizations.models import Organization
from localbridge.participation.models import Hearing, Proposal, Survey, VoteProject
from localbridge.territories.models import Municipality, Settlement

ZERO = Decimal("0.00")


# --- the project and its stages --------------------------------------------------------------------------------


class ProjectStage(models.TextChoices):
    OBJECT_CHOICE = "object_choice", _("choice of the object")
    DESIGN = "design", _("design")
    IMPLEMENTATION = "implementation", _("implementation")
    CONTROL = "control", _("public control")
    COMPLETION = "completion", _("completion and acceptance")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


class StageKind(models.TextChoices):
    """The stages a project passes through, in order (ProjectStage without its two ends)."""

    OBJECT_CHOICE = "object_choice", _("choice of the object")
    DESIGN = "design", _("design")
    IMPLEMENTATION = "implementation", _("implementation")
    CONTROL = "control", _("public control")
    COMPLETION = "completion", _("completion and acceptance")


STAGE_ORDER: tuple[str, ...] = tuple(StageKind.values)
# Stages in which the project is under way (it can still be changed, advanced or cancelled).
ACTIVE_STAGES: tuple[str, ...] = STAGE_ORDER
CLOSED_STAGES = (ProjectStage.COMPLETED, ProjectStage.CANCELLED)

# One stage forward at a time: "advance" from each stage to the next, "complete" from completion; "cancel" (with
# a reason) from any stage under way.
PROJECT_WORKFLOW = Workflow(
    [
        Transition("to_design", (ProjectStage.OBJECT_CHOICE,), ProjectStage.DESIGN, _("Go on to design")),
        Transition(
            "to_implementation", (ProjectStage.DESIGN,), ProjectStage.IMPLEMENTATION, _("Go on to implementation")
        ),
        Transition("to_control", (ProjectStage.IMPLEMENTATION,), ProjectStage.CONTROL, _("Go on to public control")),
        Transition("to_completion", (ProjectStage.CONTROL,), ProjectStage.COMPLETION, _("Go on to completion")),
        Transition("complete", (ProjectStage.COMPLETION,), ProjectStage.COMPLETED, _("Complete the project")),
        Transition("cancel", ACTIVE_STAGES, ProjectStage.CANCELLED, _("Cancel the project"), comment_required=True),
    ],
    field="stage",
)
# The move that leaves each stage forward.
ADVANCE_MOVES = {
    ProjectStage.OBJECT_CHOICE: "to_design",
    ProjectStage.DESIGN: "to_implementation",
    ProjectStage.IMPLEMENTATION: "to_control",
    ProjectStage.CONTROL: "to_completion",
    ProjectStage.COMPLETION: "complete",
}


class Origin(models.TextChoices):
    CONTEST_AWARD = "contest_award", _("contest award")
    INITIATIVE_PROPOSAL = "initiative_proposal", _("accepted initiative proposal")
    PB_WINNER = "pb_winner", _("participatory-budget winner")
    OWN = "own", _("the organisation's own project")


class Project(TimeStampedModel):
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("short description"), max_length=600, blank=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    object_description = models.TextField(_("the object: what is built or done"), blank=True)
    beneficiaries = models.TextField(_("beneficiaries"), blank=True)
    beneficiaries_count = models.PositiveIntegerField(_("number of beneficiaries"), null=True, blank=True)
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="projects", verbose_name=_("carried out by")
    )
    # The contest organiser or the municipality's administration: its staff accept the final report (without a
    # funder, the staff of the project's municipality do).
    funder = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_projects",
        verbose_name=_("funder"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("settlement")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    stage = models.CharField(
        _("stage"), max_length=20, choices=ProjectStage.choices, default=ProjectStage.OBJECT_CHOICE
    )
    origin = models.CharField(_("where it came from"), max_length=24, choices=Origin.choices, default=Origin.OWN)
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contest application"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initiative proposal"),
    )
    vote_project = models.ForeignKey(
        VoteProject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project of a participatory-budget vote"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    created_by = user_reference(_("created by"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Counters kept by the services in the transaction that changes them, so that lists need no aggregates.
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    rating_sum = models.PositiveIntegerField(_("sum of the ratings"), default=0)
    open_problems = models.PositiveIntegerField(_("unresolved problem notes"), default=0)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(application__isnull=False), name="projects_one_per_application"
            ),
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(proposal__isnull=False), name="projects_one_per_proposal"
            ),
            models.UniqueConstraint(
                fields=["vote_project"], condition=Q(vote_project__isnull=False), name="projects_one_per_vote_project"
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "stage"], name="projects_municipality_stage"),
            models.Index(fields=["year"], name="projects_year"),
            models.Index(fields=["origin"], name="projects_origin"),
            models.Index(fields=["stage", "-created_at"], name="projects_stage_new"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    @property
    def rating_average(self) -> Decimal | None:
        if not self.rating_count:
            return None
        return (Decimal(self.rating_sum) / self.rating_count).quantize(Decimal("0.1"))


def _ordered_dates(start: str, end: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__isnull": True}) | Q(**{f"{start}__lte": F(end)}),
        name=name,
    )


class Stage(models.Model):
    """One stage of a project, with its planned and actual dates (dates in the municipality's time zone) and its
    own participants. Residents' input at the choice of the object: a survey or a hearing (meeting) of the
    participation module; the design stage records the option chosen."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages", verbose_name=_("project"))
    kind = models.CharField(_("stage"), max_length=20, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    notes = models.TextField(_("notes (Markdown)"), blank=True)
    survey = models.ForeignKey(
        Survey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("survey")
    )
    hearing = models.ForeignKey(
        Hearing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hearing or meeting"),
    )
    chosen_option = models.TextField(_("the option chosen"), blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="projects_one_stage_of_a_kind"),
            _ordered_dates("planned_start", "planned_end", "projects_stage_planned_in_order"),
            _ordered_dates("actual_start", "actual_end", "projects_stage_actual_in_order"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Milestone(models.Model):
    """A step of the implementation with its planned date and how far it is done. Done: 100 per cent or an actual
    date; overdue: not done and its planned date is before today in the municipality's time zone.
    `overdue_notified_on` is the background task's memory: the owner and the municipality's staff are told once."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=300)
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    percent_done = models.PositiveSmallIntegerField(_("per cent done"), default=0)
    contractor = models.CharField(_("contractor"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    overdue_notified_on = models.DateField(_("overdue notice sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "position", "planned_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent_done__lte=100), name="projects_milestone_percent"),
        ]
        indexes = [
            # The background task's scan: milestones not done, by planned date.
            models.Index(
                fields=["planned_date"],
                condition=Q(actual_date__isnull=True, percent_done__lt=100),
                name="projects_milestone_open",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.percent_done >= 100 or self.actual_date is not None

    def is_overdue(self, today: date) -> bool:
        """Not done and its planned date is before `today` (the municipality's date)."""
        return not self.is_done and self.planned_date < today


# --- money -----------------------------------------------------------------------------------------------------


class FundingSource(models.TextChoices):
    GRANT = "grant", _("grant")
    MUNICIPAL_BUDGET = "municipal_budget", _("municipal budget")
    REGIONAL_BUDGET = "regional_budget", _("regional budget")
    RESIDENTS = "residents", _("residents: initiative payments, self-taxation")
    SPONSORS = "sponsors", _("sponsors")
    VOLUNTEER_LABOUR = "volunteer_labour", _("volunteer labour, valued in money")
    OTHER = "other", _("other")


class BudgetLine(models.Model):
    """A line of the budget plan: how much is planned from one source of money for one item."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("project")
    )
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    title = models.CharField(_("item"), max_length=300)
    planned = models.DecimalField(_("planned"), max_digits=14, decimal_places=2, default=ZERO)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(planned__gte=0), name="projects_budget_line_planned")]
        indexes = [models.Index(fields=["source", "project"], name="projects_budget_line_source")]

    def __str__(self) -> str:
        return self.title


def expense_upload_to(instance: Expense, filename: str) -> str:
    return random_upload_name(f"projects/{instance.project_id}/expenses", filename)


class Expense(models.Model):
    """Money actually spent against a line of the plan, with its document (an invoice or an act: PDF or image)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="expenses", verbose_name=_("project"))
    line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("budget line")
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    spent_on = models.DateField(_("spent on"))
    description = models.CharField(_("description"), max_length=600, blank=True)
    document = models.FileField(_("document"), upload_to=expense_upload_to, max_length=300, blank=True)
    document_name = models.CharField(_("file name"), max_length=255, blank=True)
    document_type = models.CharField(_("file type"), max_length=100, blank=True)
    recorded_by = user_reference(_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["project", "spent_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="projects_expense_positive")]
        indexes = [models.Index(fields=["project", "spent_on"], name="projects_expense_date")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


# --- documents and reports -------------------------------------------------------------------------------------


class DocumentKind(models.TextChoices):
    DESIGN = "design", _("design documents")
    ESTIMATE = "estimate", _("cost estimate")
    CONTRACT = "contract", _("contract")
    ACT = "act", _("act of acceptance")
    OTHER = "other", _("other")


def document_upload_to(instance: Document, filename: str) -> str:
    return random_upload_name(f"projects/{instance.project_id}/documents", filename)


class Document(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents", verbose_name=_("project"))
    stage = models.ForeignKey(
        Stage, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents", verbose_name=_("stage")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = user_reference(_("uploaded by"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["project", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("progress report")
    FINAL = "final", _("final report")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned with remarks")


REPORT_WORKFLOW = Workflow(
    [
        Transition("submit", (ReportStatus.DRAFT, ReportStatus.RETURNED), ReportStatus.SUBMITTED, _("Submit")),
        Transition("accept", (ReportStatus.SUBMITTED,), ReportStatus.ACCEPTED, _("Accept")),
        Transition(
            "return", (ReportStatus.SUBMITTED,), ReportStatus.RETURNED, _("Return with remarks"), comment_required=True
        ),
    ]
)
REPORT_EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Report(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices, default=ReportKind.PROGRESS)
    text = models.TextField(_("text (Markdown)"), blank=True)
    volunteer_hours = models.PositiveIntegerField(_("volunteer hours"), default=0)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    remarks = models.TextField(_("remarks"), blank=True)
    created_by = user_reference(_("written by"))
    submitted_by = user_reference(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = user_reference(_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["project", "created_at", "pk"]
        constraints = [
            # One final report per project; a returned one is corrected and submitted again.
            models.UniqueConstraint(fields=["project"], condition=Q(kind="final"), name="projects_one_final_report"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.project}"


class PhotoPhase(models.TextChoices):
    BEFORE = "before", _("before")
    DURING = "during", _("during")
    AFTER = "after", _("after")


def report_photo_upload_to(instance: ReportPhoto, filename: str) -> str:
    return random_upload_name(f"projects/reports/{instance.report_id}", filename)


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report"))
    image = models.ImageField(
        _("photo"), upload_to=report_photo_upload_to, max_length=300, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    phase = models.CharField(_("when"), max_length=8, choices=PhotoPhase.choices, default=PhotoPhase.DURING)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    # A generated demo image, not a real photo: the pages say so.
    is_placeholder = models.BooleanField(_("placeholder image"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["report", "position", "pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name


# --- public control --------------------------------------------------------------------------------------------


class Verdict(models.TextChoices):
    OK = "ok", _("done as promised")
    PROBLEMS = "problems", _("problems found")


class InspectionStatus(models.TextChoices):
    OPEN = "open", _("awaiting the answer")
    ANSWERED = "answered", _("answered")
    RESOLVED = "resolved", _("resolved")


INSPECTION_WORKFLOW = Workflow(
    [
        Transition("answer", (InspectionStatus.OPEN,), InspectionStatus.ANSWERED, _("Answer")),
        Transition("resolve", (InspectionStatus.ANSWERED,), InspectionStatus.RESOLVED, _("Mark as resolved")),
    ]
)


class Inspection(TimeStampedModel):
    """A resident's public-control note. A problem note stays open until the owner answers it and it is marked
    resolved; a note that finds the work done as promised is born resolved."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("project")
    )
    author = user_reference(_("author"))
    text = models.TextField(_("what was seen"))
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.OPEN
    )
    answer = models.TextField(_("the owner's answer"), blank=True)
    answered_by = user_reference(_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    resolved_by = user_reference(_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection note")
        verbose_name_plural = _("inspection notes")
        ordering = ["project", "-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "status"], name="projects_inspection_status")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_problem(self) -> bool:
        return self.verdict == Verdict.PROBLEMS

    @property
    def is_unresolved(self) -> bool:
        return self.verdict == Verdict.PROBLEMS and self.status != InspectionStatus.RESOLVED


def inspection_photo_upload_to(instance: InspectionPhoto, filename: str) -> str:
    return random_upload_name(f"projects/inspections/{instance.inspection_id}", filename)


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("inspection note")
    )
    image = models.ImageField(
        _("photo"), upload_to=inspection_photo_upload_to, max_length=300, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class Rating(models.Model):
    """A resident's rating of a completed project, 1 to 5, once per resident (a repeated rating replaces it)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("project"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("resident")
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["project", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="projects_one_rating_per_resident"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="projects_rating_score"),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.score}"
