"""Contests and grants: a call (Contest) with its nominations, evaluation criteria and required documents;
applications with budget lines split by source of money; experts, their conflicts of interest, assignments and
scores; and the ranking with awards. Lifecycles are explicit workflows (CONTEST_WORKFLOW, APPLICATION_WORKFLOW);
rules across rows (deadlines, caps, co-financing, conflicts) live in services. Money is Decimal, in roubles (or the
contest's currency) with kopecks. See docs/contests.md."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from localbridge.core.files import random_upload_name
from localbridge.core.models import TimeStampedModel, user_reference
from localbridge.core.workflow import Transition, Workflow
from localbridge.organizations.models import Organization
from localbridge.territories.models import Country, Municipality, Region

ZERO = Decimal("0.00")


class ContestScope(models.TextChoices):
    MUNICIPAL = "municipal", _("municipalities")
    REGIONAL = "regional", _("a region")
    NATIONAL = "national", _("the whole country")
    INTERNATIONAL = "international", _("international")


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ANNOUNCED = "announced", _("announced: applications by the dates")
    REVIEW = "review", _("technical review")
    EVALUATION = "evaluation", _("expert evaluation")
    RANKING = "ranking", _("ranking and the commission's decision")
    FINISHED = "finished", _("results published")
    CANCELLED = "cancelled", _("cancelled")


CONTEST_WORKFLOW = Workflow(
    [
        Transition("announce", (ContestStatus.DRAFT,), ContestStatus.ANNOUNCED, _("Announce")),
        Transition("close_applications", (ContestStatus.ANNOUNCED,), ContestStatus.REVIEW, _("Close applications")),
        Transition("start_evaluation", (ContestStatus.REVIEW,), ContestStatus.EVALUATION, _("Start expert evaluation")),
        Transition("close_evaluation", (ContestStatus.EVALUATION,), ContestStatus.RANKING, _("Close evaluation")),
        Transition(
            "reopen_evaluation",
            (ContestStatus.RANKING,),
            ContestStatus.EVALUATION,
            _("Reopen evaluation"),
            comment_required=True,
        ),
        Transition("publish_results", (ContestStatus.RANKING,), ContestStatus.FINISHED, _("Publish the results")),
        Transition(
            "cancel",
            (
                ContestStatus.DRAFT,
                ContestStatus.ANNOUNCED,
                ContestStatus.REVIEW,
                ContestStatus.EVALUATION,
                ContestStatus.RANKING,
            ),
            ContestStatus.CANCELLED,
            _("Cancel the contest"),
            comment_required=True,
        ),
    ]
)
# Statuses in which the public sees a contest (a draft is the organiser's).
PUBLIC_CONTEST_STATUSES = tuple(s for s in ContestStatus.values if s != ContestStatus.DRAFT)


class AwardRule(models.TextChoices):
    SKIP = "skip", _("skip an application that does not fit the remaining pool and take the next that fits")
    STOP = "stop", _("stop at the first application that does not fit the remaining pool")
    PARTIAL = "partial", _("give the first application that does not fit what remains of the pool, then stop")


class TieBreak(models.TextChoices):
    EARLIER_SUBMISSION = "earlier_submission", _("the earlier submission ranks higher")
    HIGHER_COFINANCING = "higher_cofinancing", _("the higher co-financing share ranks higher")
    SMALLER_GRANT = "smaller_grant", _("the smaller grant requested ranks higher")


class Contest(TimeStampedModel):
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("short description"), max_length=600, blank=True)
    rules = models.TextField(_("rules (Markdown)"), blank=True)
    organizer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="organized_contests", verbose_name=_("organiser")
    )
    created_by = user_reference(_("created by"))
    status = models.CharField(_("status"), max_length=16, choices=ContestStatus.choices, default=ContestStatus.DRAFT)
    # Who may apply: organisation kinds (OrganizationKind values) and territory.
    eligible_kinds = models.JSONField(_("organisation kinds that may apply"), default=list, blank=True)
    scope = models.CharField(_("territory"), max_length=16, choices=ContestScope.choices, default=ContestScope.REGIONAL)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("municipalities")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    countries = models.ManyToManyField(Country, blank=True, related_name="+", verbose_name=_("countries"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    # Stages: dates in the contest's time zone; applications close at the end of `applications_close`.
    applications_open = models.DateField(_("applications open"), null=True, blank=True)
    applications_close = models.DateField(_("applications close"), null=True, blank=True)
    review_until = models.DateField(_("technical review until"), null=True, blank=True)
    evaluation_until = models.DateField(_("expert evaluation until"), null=True, blank=True)
    results_on = models.DateField(_("results announced on"), null=True, blank=True)
    # Money.
    prize_pool = models.DecimalField(
        _("prize pool"), max_digits=14, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    max_grant = models.DecimalField(
        _("maximum grant per application"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    min_cofinancing_percent = models.DecimalField(
        _("minimum co-financing, per cent of the project cost"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
    )
    # Evaluation.
    experts_per_application = models.PositiveSmallIntegerField(
        _("experts per application"), default=3, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement flag: spread of experts' scores above (points of 100)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("25.00"),
    )
    min_pass_score = models.DecimalField(
        _("minimum score for an award (of 100)"), max_digits=5, decimal_places=2, default=ZERO
    )
    award_rule = models.CharField(_("award rule"), max_length=16, choices=AwardRule.choices, default=AwardRule.SKIP)
    tie_break = models.CharField(
        _("tie-break"), max_length=32, choices=TieBreak.choices, default=TieBreak.EARLIER_SUBMISSION
    )
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-applications_close"], name="contests_status_close")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("contests:detail", args=[self.pk])


class Nomination(models.Model):
    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="nominations", verbose_name=_("contest")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    pool = models.DecimalField(
        _("pool of the nomination"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["contest", "name"], name="contests_nomination_unique_name")]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("contest"))
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=10)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=3, default=Decimal("1.000"), validators=[MinValueValidator(ZERO)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(scale_max__gt=models.F("scale_min")), name="contests_criterion_scale"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="contests_criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class RequiredDocument(models.Model):
    """A document every application must attach (a letter of support, the minutes of the ТОС meeting…)."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="required_documents", verbose_name=_("contest")
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.CharField(_("description"), max_length=600, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    ADMITTED = "admitted", _("admitted to evaluation")
    ADMITTED_WITH_CONDITIONS = "admitted_conditions", _("admitted under conditions")
    NOT_ADMITTED = "not_admitted", _("not admitted")
    WITHDRAWN = "withdrawn", _("withdrawn")


APPLICATION_WORKFLOW = Workflow(
    [
        Transition("submit", (ApplicationStatus.DRAFT,), ApplicationStatus.SUBMITTED, _("Submit")),
        Transition("admit", (ApplicationStatus.SUBMITTED,), ApplicationStatus.ADMITTED, _("Admit")),
        Transition(
            "admit_with_conditions",
            (ApplicationStatus.SUBMITTED,),
            ApplicationStatus.ADMITTED_WITH_CONDITIONS,
            _("Admit under conditions"),
            comment_required=True,
        ),
        Transition(
            "not_admit",
            (ApplicationStatus.SUBMITTED,),
            ApplicationStatus.NOT_ADMITTED,
            _("Do not admit"),
            comment_required=True,
        ),
        Transition(
            "withdraw",
            (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED),
            ApplicationStatus.WITHDRAWN,
            _("Withdraw"),
        ),
    ]
)
ADMITTED_STATUSES = (ApplicationStatus.ADMITTED, ApplicationStatus.ADMITTED_WITH_CONDITIONS)
# Applications that hold the organisation's place in a contest for a project title (one live application each).
LIVE_APPLICATION_STATUSES = tuple(s for s in ApplicationStatus.values if s != ApplicationStatus.WITHDRAWN)


class RejectionReason(models.TextChoices):
    LATE = "late", _("submitted after the deadline")
    NOT_ELIGIBLE = "not_eligible", _("the applicant may not take part in this contest")
    OUT_OF_TERRITORY = "out_of_territory", _("the project is outside the contest's territory")
    OFF_TOPIC = "off_topic", _("the project does not match the contest's subject or nomination")
    INCOMPLETE = "incomplete", _("documents missing or incomplete")
    BUDGET = "budget", _("the budget breaks the contest's rules")
    DUPLICATE = "duplicate", _("the project is already funded or submitted twice")
    OTHER = "other", _("other reason")


class Application(TimeStampedModel):
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="applications", verbose_name=_("contest")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="contest_applications", verbose_name=_("applicant")
    )
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("nomination"),
    )
    created_by = user_reference(_("created by"))
    status = models.CharField(
        _("status"), max_length=24, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    number = models.CharField(_("number"), max_length=32, blank=True)
    title = models.CharField(_("project title"), max_length=300)
    title_key = models.CharField(_("normalised title"), max_length=300, editable=False, default="")
    problem = models.TextField(_("problem"), blank=True)
    goals = models.TextField(_("goals and tasks"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    beneficiaries = models.PositiveIntegerField(_("beneficiaries expected"), null=True, blank=True)
    volunteers = models.PositiveIntegerField(_("volunteers expected"), null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("where the project is carried out"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = user_reference(_("submitted by"))
    # Totals of the budget lines, written by the services with the lines (for lists, rankings and exports).
    total_cost = models.DecimalField(_("project cost"), max_digits=14, decimal_places=2, default=ZERO)
    grant_requested = models.DecimalField(_("grant requested"), max_digits=14, decimal_places=2, default=ZERO)
    # Technical review.
    review_reason = models.CharField(_("reason"), max_length=24, choices=RejectionReason.choices, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = user_reference(_("reviewed by"))
    # Optimistic locking: every save of a draft increments it; a save with a stale version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["contest", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "organization", "title_key"],
                condition=~Q(status="withdrawn"),
                name="contests_application_one_per_project",
            ),
            models.UniqueConstraint(
                fields=["contest", "number"], condition=~Q(number=""), name="contests_application_unique_number"
            ),
        ]
        indexes = [
            models.Index(fields=["contest", "status"], name="contests_application_status"),
            models.Index(fields=["organization", "status"], name="contests_application_org"),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('draft')} — {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("contests:application", args=[self.contest_id, self.pk])

    @property
    def cofinancing(self) -> Decimal:
        return self.total_cost - self.grant_requested

    @property
    def cofinancing_percent(self) -> Decimal:
        if not self.total_cost:
            return ZERO
        return (self.cofinancing * 100 / self.total_cost).quantize(Decimal("0.01"))


class Activity(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="activities", verbose_name=_("application")
    )
    name = models.CharField(_("activity"), max_length=300)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """One line of a project's budget: quantity × unit cost = total, the total split by source of money."""

    SOURCES = ("grant", "local_budget", "residents", "sponsors", "volunteer_labour")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("application")
    )
    item = models.CharField(_("item"), max_length=300)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, validators=[MinValueValidator(ZERO)])
    unit_cost = models.DecimalField(
        _("unit cost"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    grant = models.DecimalField(_("grant requested"), max_digits=14, decimal_places=2, default=ZERO)
    local_budget = models.DecimalField(_("municipal or regional budget"), max_digits=14, decimal_places=2, default=ZERO)
    residents = models.DecimalField(_("residents' contributions"), max_digits=14, decimal_places=2, default=ZERO)
    sponsors = models.DecimalField(_("sponsors"), max_digits=14, decimal_places=2, default=ZERO)
    volunteer_labour = models.DecimalField(_("volunteer labour, valued"), max_digits=14, decimal_places=2, default=ZERO)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.item


def attachment_upload_to(instance: ApplicationAttachment, filename: str) -> str:
    return random_upload_name(f"contests/{instance.application_id}", filename)


class ApplicationAttachment(TimeStampedModel):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("application")
    )
    requirement = models.ForeignKey(
        RequiredDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("required document"),
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ExpertStatus(models.TextChoices):
    INVITED = "invited", _("invited")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    REMOVED = "removed", _("removed")


EXPERT_WORKFLOW = Workflow(
    [
        Transition("accept", (ExpertStatus.INVITED,), ExpertStatus.ACCEPTED, _("Accept")),
        Transition("decline", (ExpertStatus.INVITED,), ExpertStatus.DECLINED, _("Decline")),
        Transition(
            "reinvite",
            (ExpertStatus.DECLINED, ExpertStatus.REMOVED),
            ExpertStatus.INVITED,
            _("Invite again"),
        ),
        Transition(
            "remove",
            (ExpertStatus.INVITED, ExpertStatus.ACCEPTED, ExpertStatus.DECLINED),
            ExpertStatus.REMOVED,
            _("Remove"),
        ),
    ]
)


class Expert(TimeStampedModel):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="experts", verbose_name=_("contest"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_experts", verbose_name=_("expert")
    )
    status = models.CharField(_("status"), max_length=16, choices=ExpertStatus.choices, default=ExpertStatus.INVITED)
    invited_by = user_reference(_("invited by"))
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [models.UniqueConstraint(fields=["contest", "user"], name="contests_expert_unique")]

    def __str__(self) -> str:
        return str(self.user)


class Conflict(TimeStampedModel):
    """An expert's declared conflict of interest with an applicant organisation: no assignment to its
    applications."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("expert"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    comment = models.CharField(_("comment"), max_length=600, blank=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["expert", "organization"], name="contests_conflict_unique")]

    def __str__(self) -> str:
        return f"{self.expert} ↔ {self.organization}"


class Assignment(TimeStampedModel):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("application")
    )
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("expert"))
    manual = models.BooleanField(_("assigned by hand"), default=False)
    completed_at = models.DateTimeField(_("evaluation completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="contests_assignment_unique")]
        indexes = [models.Index(fields=["expert", "completed_at"], name="contests_assignment_expert")]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application}"


class Score(models.Model):
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assignment")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="contests_score_unique")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Result(models.Model):
    """One admitted application's line in the ranking: computed when evaluation closes, confirmed by the
    commission, public once the contest's results are published."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="results", verbose_name=_("contest"))
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="result", verbose_name=_("application")
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("nomination")
    )
    score = models.DecimalField(_("score (of 100)"), max_digits=6, decimal_places=2)
    experts = models.PositiveSmallIntegerField(_("experts who scored"), default=0)
    spread = models.DecimalField(_("spread of experts' scores"), max_digits=6, decimal_places=2, default=ZERO)
    rank = models.PositiveIntegerField(_("rank"))
    # The line's place in the published list (nomination groups in order, each by rank), written by the ranking
    # so that pages read a slice of an index instead of sorting the whole contest.
    position = models.PositiveIntegerField(_("position in the list"), default=0)
    amount = models.DecimalField(_("amount awarded"), max_digits=14, decimal_places=2, default=ZERO)
    funded = models.BooleanField(_("funded"), default=False)
    criteria = models.JSONField(_("mean score per criterion"), default=dict, blank=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["contest", "nomination", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "nomination", "rank"], name="contests_result_unique_rank"),
        ]
        indexes = [models.Index(fields=["contest", "position"], name="contests_result_position")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.application}"
