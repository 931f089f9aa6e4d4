"""Resident participation: verified residence; initiative proposals with supports; participatory-budget votes with
ballots; surveys; public hearings and meetings. Lifecycles are explicit workflows; one ballot per voter per vote,
one support per resident per proposal and one response per identified respondent per survey are database
constraints. Money is Decimal. See docs/participation.md; the pure participatory-budget calculations are in pb/."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from localbridge.core.files import random_upload_name
from localbridge.core.models import TimeStampedModel, user_reference
from localbridge.core.workflow import Transition, Workflow
from localbridge.organizations.models import Organization
from localbridge.territories.models import Municipality, Settlement

ZERO = Decimal("0.00")


# --- who may take part -----------------------------------------------------------------------------------------


class Eligibility(models.Model):
    """Who may take part in a process: confirmed residents of the municipality (or only of one settlement or ТОС
    territory of it), at least `min_age` years old by the profile's birth year."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("settlement")
    )
    tos = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ТОС territory")
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=16, validators=[MaxValueValidator(120)])

    class Meta:
        abstract = True


class ResidencyStatus(models.TextChoices):
    CLAIMED = "claimed", _("awaiting confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")
    REVOKED = "revoked", _("revoked")


class ResidencyMethod(models.TextChoices):
    STAFF = "staff", _("confirmed by the municipality's staff")
    CHAIR = "chair", _("confirmed by the ТОС chair")
    CODE = "code", _("one-time code from the municipality")


class Residency(TimeStampedModel):
    """A user's claim to live in a territory, and its confirmation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="residencies", verbose_name=_("resident")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("settlement")
    )
    tos = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ТОС territory")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ResidencyStatus.choices, default=ResidencyStatus.CLAIMED
    )
    method = models.CharField(_("confirmed by"), max_length=16, choices=ResidencyMethod.choices, blank=True)
    decided_by = user_reference(_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=600, blank=True)

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(status__in=["claimed", "confirmed"]),
                name="participation_one_live_residency_per_municipality",
            )
        ]
        indexes = [models.Index(fields=["municipality", "status"], name="participation_residency_status")]

    def __str__(self) -> str:
        return f"{self.user} — {self.municipality}"


class ResidencyCode(models.Model):
    """A single-use code the municipality hands out on paper. Only a hash of the code is stored."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    batch = models.CharField(_("batch"), max_length=64)
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    hint = models.CharField(_("last characters"), max_length=4)
    created_by = user_reference(_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_by = user_reference(_("used by"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("residency code")
        verbose_name_plural = _("residency codes")
        indexes = [models.Index(fields=["municipality", "batch"], name="participation_code_batch")]

    def __str__(self) -> str:
        return f"…{self.hint}"


# --- initiative proposals --------------------------------------------------------------------------------------


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    COLLECTING = "collecting", _("collecting supports")
    UNDER_REVIEW = "under_review", _("with the administration")
    ACCEPTED = "accepted", pgettext_lazy("proposal status", "accepted")
    REJECTED = "rejected", _("rejected")
    SELECTION = "selection", _("sent to competitive selection")
    WITHDRAWN = "withdrawn", _("withdrawn")


PROPOSAL_WORKFLOW = Workflow(
    [
        Transition("publish", (ProposalStatus.DRAFT,), ProposalStatus.COLLECTING, _("Publish and collect supports")),
        Transition(
            "submit", (ProposalStatus.COLLECTING,), ProposalStatus.UNDER_REVIEW, _("Send to the administration")
        ),
        Transition("accept", (ProposalStatus.UNDER_REVIEW,), ProposalStatus.ACCEPTED, _("Accept")),
        Transition(
            "reject", (ProposalStatus.UNDER_REVIEW,), ProposalStatus.REJECTED, _("Reject"), comment_required=True
        ),
        Transition(
            "to_selection", (ProposalStatus.UNDER_REVIEW,), ProposalStatus.SELECTION, _("Send to competitive selection")
        ),
        Transition(
            "withdraw", (ProposalStatus.DRAFT, ProposalStatus.COLLECTING), ProposalStatus.WITHDRAWN, _("Withdraw")
        ),
    ]
)


class Proposal(Eligibility, TimeStampedModel):
    """An initiative project proposed to the municipality; supports count towards its threshold."""

    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("short description"), max_length=600, blank=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    estimated_cost = models.DecimalField(_("estimated cost"), max_digits=14, decimal_places=2, default=ZERO)
    residents_contribution = models.DecimalField(
        _("residents' contribution"), max_digits=14, decimal_places=2, default=ZERO
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("author")
    )
    proposer_tos = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by the ТОС"),
    )
    status = models.CharField(_("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    support_threshold = models.PositiveIntegerField(_("supports needed"), default=10, validators=[MinValueValidator(1)])
    supports_count = models.PositiveIntegerField(_("supports"), default=0)
    comments_count = models.PositiveIntegerField(_("comments"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("sent to the administration"), null=True, blank=True)
    answer_days = models.PositiveSmallIntegerField(_("days for the administration's answer"), default=30)
    answer_due = models.DateField(_("answer due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.TextField(_("decision"), blank=True)
    # Sort keys the list's sorts read from an index (computed by the database, never written by the code):
    # "closest to the threshold" — proposals collecting supports first, then by the supports still missing; and
    # "answer deadline" — the earliest first, proposals without a deadline last.
    closeness = models.GeneratedField(
        expression=Case(When(status="collecting", then=Value(0)), default=Value(1_000_000_000))
        + Case(
            When(supports_count__lt=F("support_threshold"), then=F("support_threshold") - F("supports_count")),
            default=Value(0),
        ),
        output_field=models.BigIntegerField(),
        db_persist=True,
        verbose_name=_("supports missing (sort key)"),
    )
    deadline_key = models.GeneratedField(
        expression=Coalesce(F("answer_due"), Value(date(9999, 12, 31))),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name=_("answer due (sort key)"),
    )

    class Meta:
        verbose_name = _("initiative proposal")
        verbose_name_plural = _("initiative proposals")
        indexes = [
            models.Index(fields=["municipality", "status", "-published_at"], name="participation_proposal_new"),
            models.Index(fields=["municipality", "status", "-supports_count"], name="participation_proposal_top"),
            models.Index(fields=["status", "answer_due"], name="participation_proposal_due"),
            # The public list of one municipality, newest or most supported first, walked in order (drafts are
            # skipped on the way): no sort of all its proposals.
            models.Index(fields=["municipality", "published_at", "id"], name="participation_proposal_m_pub"),
            models.Index(fields=["municipality", "supports_count", "id"], name="participation_proposal_m_sup"),
            models.Index(fields=["municipality", "closeness", "-id"], name="participation_proposal_m_close"),
            models.Index(fields=["municipality", "deadline_key", "-id"], name="participation_proposal_m_due"),
        ]

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="supports", verbose_name=_("proposal")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports", verbose_name=_("resident")
    )
    created_at = models.DateTimeField(_("supported"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="participation_one_support")]
        indexes = [models.Index(fields=["user", "-created_at"], name="participation_support_user")]

    def __str__(self) -> str:
        return f"{self.user} → {self.proposal}"


class Comment(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="comments", verbose_name=_("proposal")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["proposal", "created_at"], name="participation_comment_order")]

    def __str__(self) -> str:
        return self.text[:60]


# --- participatory-budget votes --------------------------------------------------------------------------------


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("approval: choose up to K projects")
    KNAPSACK = "knapsack", _("knapsack: choose projects that fit the budget")
    CUMULATIVE = "cumulative", _("cumulative: spread N points")
    CHOOSE_ONE = "choose_one", _("choose one project")


class OutcomeRule(models.TextChoices):
    GREEDY = "greedy", _("greedy: by votes, skipping what no longer fits")
    MES = "mes", _("Method of Equal Shares")


class VoteStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed: counting")
    PUBLISHED = "published", _("results published")


VOTE_WORKFLOW = Workflow(
    [
        Transition("open", (VoteStatus.DRAFT,), VoteStatus.OPEN, _("Open the vote")),
        Transition("close", (VoteStatus.OPEN,), VoteStatus.CLOSED, _("Close the vote")),
        Transition("publish", (VoteStatus.CLOSED,), VoteStatus.PUBLISHED, _("Publish the results")),
    ]
)


class Vote(Eligibility, TimeStampedModel):
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    budget = models.DecimalField(_("budget"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    ballot_type = models.CharField(_("ballot"), max_length=16, choices=BallotType.choices, default=BallotType.APPROVAL)
    max_choices = models.PositiveSmallIntegerField(_("at most (approval)"), null=True, blank=True)
    min_choices = models.PositiveSmallIntegerField(_("at least (approval)"), default=0)
    points = models.PositiveSmallIntegerField(_("points to spread (cumulative)"), null=True, blank=True)
    rule = models.CharField(_("outcome rule"), max_length=8, choices=OutcomeRule.choices, default=OutcomeRule.GREEDY)
    allow_change = models.BooleanField(_("ballots may be changed until the vote closes"), default=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=VoteStatus.choices, default=VoteStatus.DRAFT)
    created_by = user_reference(_("created by"))
    meta = models.JSONField(_("imported .pb META"), default=dict, blank=True)
    ballots_count = models.PositiveIntegerField(_("ballots"), default=0)

    class Meta:
        verbose_name = _("participatory-budget vote")
        verbose_name_plural = _("participatory-budget votes")
        indexes = [models.Index(fields=["municipality", "status"], name="participation_vote_status")]

    def __str__(self) -> str:
        return self.title


class VoteProject(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="projects", verbose_name=_("vote"))
    code = models.CharField(_("project id"), max_length=64)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    cost = models.DecimalField(_("cost"), max_digits=16, decimal_places=2)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("proposal")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    extra = models.JSONField(_("other .pb columns"), default=dict, blank=True)
    # Where the project came from when another module offered it (core/sources.py): the source's key ("contest"),
    # the project's id there, and a public page about it. A project is taken from a source once per vote.
    source_kind = models.CharField(_("source"), max_length=32, blank=True)
    source_id = models.CharField(_("id in the source"), max_length=64, blank=True)
    source_url = models.CharField(_("source page"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("project of a vote")
        verbose_name_plural = _("projects of a vote")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "code"], name="participation_project_code"),
            models.UniqueConstraint(
                fields=["vote", "source_kind", "source_id"],
                condition=~Q(source_kind=""),
                name="participation_project_source",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Ballot(models.Model):
    """One voter's ballot. `voter_key` is unique per vote: "u<user id>" for a resident, "paper-<n>" for a paper
    ballot entered by staff, "pb-<voter id>" for an imported one. `request_key` makes a repeated submission (a
    double click, a retry) the same ballot."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("vote"))
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ballots",
        verbose_name=_("voter"),
    )
    voter_key = models.CharField(_("voter key"), max_length=80)
    receipt = models.CharField(_("receipt code"), max_length=32)
    is_paper = models.BooleanField(_("paper ballot"), default=False)
    entered_by = user_reference(_("entered by"))
    request_key = models.CharField(_("submission key"), max_length=64, blank=True)
    # The keys of the submissions this ballot replaced (the latest last, a few at most): a late retry of one of
    # them is a repeat, never a change back to an older choice.
    earlier_keys = models.JSONField(_("earlier submission keys"), default=list, blank=True)
    created_at = models.DateTimeField(_("cast"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    extra = models.JSONField(_("other .pb columns"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["vote", "voter_key"], name="participation_one_ballot_per_voter"),
            models.UniqueConstraint(fields=["vote", "receipt"], name="participation_unique_receipt"),
        ]

    def __str__(self) -> str:
        return f"{self.vote}: {self.voter_key}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices", verbose_name=_("ballot"))
    project = models.ForeignKey(VoteProject, on_delete=models.CASCADE, related_name="+", verbose_name=_("project"))
    points = models.PositiveIntegerField(_("points"), default=1)
    position = models.PositiveSmallIntegerField(_("position on the ballot"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [models.UniqueConstraint(fields=["ballot", "project"], name="participation_one_choice")]
        indexes = [models.Index(fields=["project"], name="participation_choice_project")]

    def __str__(self) -> str:
        return f"{self.project} ({self.points})"


class VoteResult(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="results", verbose_name=_("vote"))
    project = models.OneToOneField(
        VoteProject, on_delete=models.CASCADE, related_name="result", verbose_name=_("project")
    )
    votes = models.PositiveIntegerField(_("votes"))
    score = models.DecimalField(_("score"), max_digits=16, decimal_places=2)
    funded = models.BooleanField(_("funded"))
    reason = models.CharField(_("reason"), max_length=32)
    params = models.JSONField(_("the numbers behind the reason"), default=dict, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["vote", "position"]

    def __str__(self) -> str:
        return f"{self.project}: {self.votes}"


# --- surveys ---------------------------------------------------------------------------------------------------


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


SURVEY_WORKFLOW = Workflow(
    [
        Transition("open", (SurveyStatus.DRAFT,), SurveyStatus.OPEN, _("Publish and open the survey")),
        Transition("close", (SurveyStatus.OPEN,), SurveyStatus.CLOSED, _("Close the survey")),
    ]
)


class Survey(Eligibility, TimeStampedModel):
    """A survey of residents (опрос граждан): advisory; anonymous or identified."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    anonymous = models.BooleanField(_("anonymous answers"), default=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    created_by = user_reference(_("created by"))
    responses_count = models.PositiveIntegerField(_("responses"), default=0)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["municipality", "status"], name="participation_survey_status")]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    SCALE = "scale", _("scale")
    RANKING = "ranking", _("ranking")
    TEXT = "text", _("free text")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey"))
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=600)
    options = models.JSONField(_("options"), default=list, blank=True)  # choices and ranking: the option labels
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One respondent's answers. `respondent_key` is unique per survey, so nobody answers twice: "u<user id>" for
    an identified survey; for an anonymous one "a" + a keyed hash of the survey and the user (services/surveys.py),
    and `user` stays empty, so the database alone does not say whose answers they are."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey"))
    user = user_reference(_("respondent"))
    respondent_key = models.CharField(_("respondent key"), max_length=80)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [models.UniqueConstraint(fields=["survey", "respondent_key"], name="participation_one_response")]

    def __str__(self) -> str:
        return f"{self.survey}: {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question"))
    value = models.JSONField(_("answer"))  # an option index, a list of them, a number, a ranking, or text

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="participation_one_answer")]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"


# --- public hearings and meetings ------------------------------------------------------------------------------


class HearingKind(models.TextChoices):
    HEARING = "hearing", _("public hearing")
    MEETING = "meeting", _("meeting of citizens")
    CONFERENCE = "conference", _("conference of citizens")


class HearingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ANNOUNCED = "announced", _("announced")
    HELD = "held", _("held: minutes published")
    CANCELLED = "cancelled", _("cancelled")


HEARING_WORKFLOW = Workflow(
    [
        Transition("announce", (HearingStatus.DRAFT,), HearingStatus.ANNOUNCED, _("Announce")),
        Transition("held", (HearingStatus.ANNOUNCED,), HearingStatus.HELD, _("Publish the minutes and decision")),
        Transition(
            "cancel",
            (HearingStatus.DRAFT, HearingStatus.ANNOUNCED),
            HearingStatus.CANCELLED,
            _("Cancel"),
            comment_required=True,
        ),
    ]
)


class Hearing(Eligibility, TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=16, choices=HearingKind.choices, default=HearingKind.HEARING)
    subject = models.CharField(_("subject"), max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    proposals_until = models.DateTimeField(_("written proposals until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=HearingStatus.choices, default=HearingStatus.DRAFT)
    minutes = models.TextField(_("minutes (Markdown)"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    attendance = models.PositiveIntegerField(_("attended"), null=True, blank=True)
    created_by = user_reference(_("created by"))

    class Meta:
        verbose_name = _("hearing or meeting")
        verbose_name_plural = _("hearings and meetings")
        indexes = [models.Index(fields=["municipality", "status", "starts_at"], name="participation_hearing_date")]

    def __str__(self) -> str:
        return self.subject


def hearing_document_upload_to(instance: HearingDocument, filename: str) -> str:
    return random_upload_name(f"hearings/{instance.hearing_id}", filename)


class HearingDocument(models.Model):
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="documents", verbose_name=_("hearing"))
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=hearing_document_upload_to)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document of a hearing")
        verbose_name_plural = _("documents of hearings")

    def __str__(self) -> str:
        return self.title


class HearingRegistration(models.Model):
    hearing = models.ForeignKey(
        Hearing, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("hearing")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("participant")
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["hearing", "user"], name="participation_one_registration")]

    def __str__(self) -> str:
        return f"{self.user} → {self.hearing}"


class HearingProposal(models.Model):
    """A participant's written proposal on the hearing's subject, before the date."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("hearing"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("proposal"))
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    answer = models.TextField(_("answer in the minutes"), blank=True)

    class Meta:
        verbose_name = _("written proposal")
        verbose_name_plural = _("written proposals")

    def __str__(self) -> str:
        return self.text[:60]
