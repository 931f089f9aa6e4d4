"""Twinning and partnership agreements between municipalities and associations, the twin-city network, and
what each municipality seeks in a partner. See docs/cooperation.md."""

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from localbridge.core.i18n import LocalizedNameMixin
from localbridge.core.models import TimeStampedModel, user_reference
from localbridge.core.workflow import Transition, Workflow
from localbridge.organizations.models import Organization
from localbridge.territories.models import Municipality


class CooperationArea(LocalizedNameMixin):
    """An area of cooperation (culture, youth, tourism...): an editable list, seeded by a data migration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("area of cooperation")
        verbose_name_plural = _("areas of cooperation")
        ordering = ["position", "code"]


class AgreementKind(models.TextChoices):
    TWINNING = "twinning", _("twinning (побратимство)")
    PARTNERSHIP = "partnership", _("partnership")
    ASSOCIATION = "association", _("cooperation agreement between associations")
    CROSS_BORDER = "cross_border", _("cross-border cooperation")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    AWAITING_APPROVAL = "awaiting_approval", _("awaiting regional approval")
    SIGNED = "signed", _("signed")
    REGISTERED = "registered", _("registered")
    ACTIVE = "active", _("active")
    ENDED = "ended", pgettext_lazy("agreement status", "ended")


# Agreements that are in force or were: the ones the public sees and that count in the network.
CONCLUDED_STATUSES = (
    AgreementStatus.SIGNED,
    AgreementStatus.REGISTERED,
    AgreementStatus.ACTIVE,
    AgreementStatus.ENDED,
)


class Agreement(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=16, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    areas = models.ManyToManyField(
        CooperationArea, blank=True, related_name="agreements", verbose_name=_("areas of cooperation")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT, db_index=True
    )
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    signed_place = models.CharField(_("place of signing"), max_length=200, blank=True)
    starts_on = models.DateField(_("in force from"), null=True, blank=True)
    # Empty: open-ended (a twinning is, by European practice, not limited in time).
    ends_on = models.DateField(_("in force until"), null=True, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=100, blank=True)
    registration_authority = models.CharField(_("registering authority"), max_length=300, blank=True)
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    created_by = user_reference(_("created by"))

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="cooperation_agreement_term_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open_ended(self) -> bool:
        return self.ends_on is None


AGREEMENT_WORKFLOW = Workflow(
    [
        Transition(
            "submit", (AgreementStatus.DRAFT,), AgreementStatus.AWAITING_APPROVAL, _("Send for regional approval")
        ),
        Transition("return", (AgreementStatus.AWAITING_APPROVAL,), AgreementStatus.DRAFT, _("Return to draft"), True),
        Transition("sign", (AgreementStatus.AWAITING_APPROVAL,), AgreementStatus.SIGNED, _("Record the signing")),
        Transition("register", (AgreementStatus.SIGNED,), AgreementStatus.REGISTERED, _("Record the registration")),
        Transition("activate", (AgreementStatus.REGISTERED,), AgreementStatus.ACTIVE, _("Put into effect")),
        Transition(
            "end",
            (AgreementStatus.SIGNED, AgreementStatus.REGISTERED, AgreementStatus.ACTIVE),
            AgreementStatus.ENDED,
            _("End the agreement"),
        ),
    ]
)


def one_side_constraints(prefix: str, owner: str | None = None) -> list[models.BaseConstraint]:
    """The constraints of a row that stands for one side — a municipality or an association (`organization`), never
    both, never neither — named `cooperation_<prefix>_…`. With `owner` (the field of what the sides belong to), a
    municipality or an association is a side of the same owner at most once."""
    constraints: list[models.BaseConstraint] = [
        models.CheckConstraint(
            condition=Q(municipality__isnull=False, organization__isnull=True)
            | Q(municipality__isnull=True, organization__isnull=False),
            name=f"cooperation_{prefix}_one_kind",
        )
    ]
    if owner:
        constraints += [
            models.UniqueConstraint(
                fields=[owner, side],
                condition=Q(**{f"{side}__isnull": False}),
                name=f"cooperation_{prefix}_{side}_once",
            )
            for side in ("municipality", "organization")
        ]
    return constraints


class AgreementParty(models.Model):
    """One side of an agreement: a municipality, or an association (national or international)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("association"),
    )
    signatory = models.CharField(_("signed for this party by"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("party to an agreement")
        verbose_name_plural = _("parties to agreements")
        ordering = ["position", "pk"]
        constraints = one_side_constraints("party", owner="agreement")

    def __str__(self) -> str:
        return str(self.municipality or self.organization)


def agreement_document_path(instance: "AgreementDocument", filename: str) -> str:
    return f"cooperation/agreements/{instance.agreement_id}/{filename}"


class AgreementDocument(TimeStampedModel):
    """The agreement's text in one language (the text, a signed scan, or both)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    language = models.CharField(_("language"), max_length=8)
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to=agreement_document_path, blank=True)

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "language"], name="cooperation_document_language_once")
        ]


class AgreementReport(TimeStampedModel):
    """The yearly report of what was done under an agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("activities"))
    author = user_reference()

    class Meta:
        verbose_name = _("yearly agreement report")
        verbose_name_plural = _("yearly agreement reports")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["agreement", "year"], name="cooperation_report_year_once")]


class TwinLinkSource(models.TextChoices):
    HEKMAN = "hekman", _("Wikipedia list of twin towns (Hekman dataset)")
    AGREEMENT = "agreement", _("agreement on the platform")


class TwinLink(models.Model):
    """An undirected twin-city (partnership) link, stored once: municipality_a has the smaller id."""

    municipality_a = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    municipality_b = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=16, choices=TwinLinkSource.choices)
    agreement = models.ForeignKey(Agreement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("twin-city link")
        verbose_name_plural = _("twin-city links")
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality_a__lt=F("municipality_b")), name="cooperation_twinlink_ordered"
            ),
            models.UniqueConstraint(fields=["municipality_a", "municipality_b"], name="cooperation_twinlink_once"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_a_id}–{self.municipality_b_id}"


class ImportedMunicipality(models.Model):
    """Marks a municipality that the twin-city import created (it was not in the registry), with the name and
    country the source file gave."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, primary_key=True, related_name="cooperation_import"
    )
    source = models.CharField(max_length=16, choices=TwinLinkSource.choices, default=TwinLinkSource.HEKMAN)
    source_name = models.CharField(max_length=255)
    source_country = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("municipality created by the twin-city import")
        verbose_name_plural = _("municipalities created by the twin-city import")

    def __str__(self) -> str:
        return f"{self.source_name} ({self.source_country})"


class MunicipalityInterest(models.Model):
    """What a municipality seeks in a partner: areas of cooperation and a free text."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="cooperation_interest")
    areas = models.ManyToManyField(CooperationArea, blank=True, related_name="+", verbose_name=_("areas sought"))
    text = models.TextField(_("what we seek"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = user_reference()

    class Meta:
        verbose_name = _("partnership interest")
        verbose_name_plural = _("partnership interests")

    def __str__(self) -> str:
        return str(self.municipality)


class AssociationMember(models.Model):
    """A member of an association of local authorities: a municipality, or another association (a national
    association in an international one)."""

    association = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="association_members", verbose_name=_("association")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="association_memberships",
        verbose_name=_("member association"),
    )
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("member of an association")
        verbose_name_plural = _("members of associations")
        ordering = ["association", "pk"]
        constraints = [
            *one_side_constraints("member", owner="association"),
            models.CheckConstraint(
                condition=Q(organization__isnull=True) | ~Q(organization=F("association")),
                name="cooperation_member_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality or self.organization} ∈ {self.association_id}"


class Roadmap(TimeStampedModel):
    """A plan of joint work (дорожная карта): under an agreement, or an association's programme."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roadmaps",
        verbose_name=_("agreement"),
    )
    association = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cooperation_programmes",
        verbose_name=_("association (for its programme)"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = user_reference()

    class Meta:
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreement__isnull=False, association__isnull=True)
                | Q(agreement__isnull=True, association__isnull=False),
                name="cooperation_roadmap_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="cooperation_roadmap_term_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


# An action in one of these statuses is late once its due date has passed.
OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class RoadmapAction(TimeStampedModel):
    """One action of a roadmap: what, when, who on each side, how it went, and what came out of it."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    area = models.ForeignKey(
        CooperationArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area of cooperation"),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED, db_index=True
    )
    completed_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("roadmap action")
        verbose_name_plural = _("roadmap actions")
        ordering = ["due_on", "position", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="cooperation_action_late_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(due_on__gte=F("starts_on")),
                name="cooperation_action_dates_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: Any) -> bool:
        return self.status in OPEN_ACTION_STATUSES and self.due_on < today


class ActionResponsible(models.Model):
    """Who answers for an action on one side: the side (a municipality or an association) and a person."""

    action = models.ForeignKey(RoadmapAction, on_delete=models.CASCADE, related_name="responsibles")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("municipality")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("association")
    )
    person = models.CharField(_("responsible person or office"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("responsible party")
        verbose_name_plural = _("responsible parties")
        ordering = ["pk"]
        constraints = one_side_constraints("responsible")

    def __str__(self) -> str:
        side = str(self.municipality or self.organization)
        return f"{side}: {self.person}" if self.person else side


class ActionLink(models.Model):
    """Something that came out of an action: a project, a practice or an event (exactly one)."""

    action = models.ForeignKey(RoadmapAction, on_delete=models.CASCADE, related_name="links")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("practice"),
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("event")
    )

    class Meta:
        verbose_name = _("result of an action")
        verbose_name_plural = _("results of actions")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, practice__isnull=True, event__isnull=True)
                | Q(project__isnull=True, practice__isnull=False, event__isnull=True)
                | Q(project__isnull=True, practice__isnull=True, event__isnull=False),
                name="cooperation_link_one_kind",
            ),
            models.UniqueConstraint(
                fields=["action", "project"], condition=Q(project__isnull=False), name="cooperation_link_project_once"
            ),
            models.UniqueConstraint(
                fields=["action", "practice"],
                condition=Q(practice__isnull=False),
                name="cooperation_link_practice_once",
            ),
            models.UniqueConstraint(
                fields=["action", "event"], condition=Q(event__isnull=False), name="cooperation_link_event_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.project or self.practice or self.event)


class ProposalStatus(models.TextChoices):
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", pgettext_lazy("partnership proposal status", "accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class PartnershipProposal(TimeStampedModel):
    """An expression of interest: one municipality proposes to cooperate with another, which accepts (a draft
    agreement of both is made) or declines."""

    from_municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("from")
    )
    to_municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("to"))
    kind = models.CharField(
        _("kind of agreement proposed"),
        max_length=16,
        choices=AgreementKind.choices,
        default=AgreementKind.PARTNERSHIP,
    )
    areas = models.ManyToManyField(CooperationArea, blank=True, related_name="+", verbose_name=_("areas"))
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.SENT, db_index=True
    )
    sent_by = user_reference()
    answered_by = user_reference()
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    agreement = models.OneToOneField(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("draft agreement"),
    )

    class Meta:
        verbose_name = _("partnership proposal")
        verbose_name_plural = _("partnership proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_municipality=F("to_municipality")), name="cooperation_proposal_not_to_itself"
            ),
            # One open proposal between the same two municipalities in the same direction.
            models.UniqueConstraint(
                fields=["from_municipality", "to_municipality"],
                condition=Q(status="sent"),
                name="cooperation_proposal_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_municipality_id} → {self.to_municipality_id}"
