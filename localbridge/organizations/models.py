"""Organisations that act on a territory (ТОС, administrations, associations, NGOs, ...), their members and
roles, their documents, and the ТОС registration record."""

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from localbridge.core.files import random_upload_name
from localbridge.core.models import TimeStampedModel, user_reference
from localbridge.core.workflow import Transition, Workflow
from localbridge.territories.models import Country, Municipality, Region, Settlement


class OrganizationKind(models.TextChoices):
    TOS = "tos", _("ТОС (territorial public self-government)")
    ADMINISTRATION = "administration", _("municipal administration")
    REPRESENTATIVE_BODY = "representative_body", _("municipal representative body")
    REGIONAL_AUTHORITY = "regional_authority", _("regional authority")
    ASSOCIATION_NATIONAL = "association_national", _("national association")
    ASSOCIATION_INTERNATIONAL = "association_international", _("international association")
    NGO = "ngo", _("non-profit organisation")
    RESOURCE_CENTRE = "resource_centre", _("resource centre")
    SPONSOR = "sponsor", _("sponsor")


class OrganizationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    UNDER_REVIEW = "under_review", _("under review")
    RETURNED = "returned", _("returned for revision")
    REGISTERED = "registered", _("registered")
    REFUSED = "refused", _("refused")
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")


# Statuses the public registry shows; the others are seen only by members, reviewers and moderators.
PUBLIC_STATUSES = (OrganizationStatus.REGISTERED, OrganizationStatus.ACTIVE, OrganizationStatus.CLOSED)
# A ТОС in one of these statuses holds its territory: a second one may not claim the same territory
# ("two ТОС may not act on the same territory", DOMAIN.md).
TERRITORY_HOLDING_STATUSES = (
    OrganizationStatus.SUBMITTED,
    OrganizationStatus.UNDER_REVIEW,
    OrganizationStatus.RETURNED,
    OrganizationStatus.REGISTERED,
)


# The ТОС registration workflow: draft → submitted → under review → registered | returned | refused, and a
# returned application goes back to submitted when the applicant resubmits it. Only these moves exist.
TOS_WORKFLOW = Workflow(
    [
        Transition("submit", (OrganizationStatus.DRAFT,), OrganizationStatus.SUBMITTED, _("Submit for registration")),
        Transition("resubmit", (OrganizationStatus.RETURNED,), OrganizationStatus.SUBMITTED, _("Resubmit")),
        Transition(
            "start_review", (OrganizationStatus.SUBMITTED,), OrganizationStatus.UNDER_REVIEW, _("Start the review")
        ),
        Transition(
            "return",
            (OrganizationStatus.UNDER_REVIEW,),
            OrganizationStatus.RETURNED,
            _("Return for revision"),
            comment_required=True,
        ),
        Transition("register", (OrganizationStatus.UNDER_REVIEW,), OrganizationStatus.REGISTERED, _("Register")),
        Transition(
            "refuse",
            (OrganizationStatus.UNDER_REVIEW,),
            OrganizationStatus.REFUSED,
            _("Refuse registration"),
            comment_required=True,
        ),
    ]
)
# A ТОС may be edited by its applicant only in these statuses.
TOS_EDITABLE_STATUSES = (OrganizationStatus.DRAFT, OrganizationStatus.RETURNED)
# A ТОС in these statuses awaits the administration's decision (the review deadline runs).
TOS_PENDING_STATUSES = (OrganizationStatus.SUBMITTED, OrganizationStatus.UNDER_REVIEW)


def municipality_zone(municipality: "Municipality | None") -> ZoneInfo:
    """The municipality's time zone (deadlines are compared there), the site's zone when unknown."""
    name = getattr(municipality, "timezone", "") or settings.TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def municipality_today(municipality: "Municipality | None", now: datetime | None = None) -> date:
    """Today's date in the municipality's time zone."""
    return (now or timezone.now()).astimezone(municipality_zone(municipality)).date()


class Organization(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OrganizationStatus.choices, default=OrganizationStatus.ACTIVE
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("region"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("municipality"),
    )
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settlement"),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    founded_on = models.DateField(_("founded"), null=True, blank=True)
    is_legal_entity = models.BooleanField(_("legal entity"), default=False)
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True)
    legal_registered_on = models.DateField(_("state registration date"), null=True, blank=True)
    registry_number = models.CharField(_("registry number"), max_length=40, null=True, blank=True, unique=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    territory_key = models.CharField(max_length=400, null=True, blank=True, editable=False)
    search_text = models.TextField(editable=False, default="")
    is_generated = models.BooleanField(
        _("generated"), default=False, help_text=_("Demonstration or benchmark data, not a real organisation")
    )
    created_by = user_reference()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["name", "id"], name="organizations_name_id_idx"),
            models.Index(fields=["status", "name"]),
            models.Index(fields=["region", "status", "name"]),
            models.Index(fields=["municipality", "status", "name"]),
            models.Index(fields=["kind", "status", "name"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["territory_key"],
                condition=models.Q(kind="tos", status__in=[s.value for s in TERRITORY_HOLDING_STATUSES]),
                name="organizations_one_tos_per_territory",
            ),
            models.CheckConstraint(
                condition=~models.Q(is_legal_entity=True) | ~models.Q(ogrn=""),
                name="organizations_legal_entity_has_ogrn",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "ru").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def is_tos(self) -> bool:
        return self.kind == OrganizationKind.TOS

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class TosTerritoryKind(models.TextChoices):
    # The territory types a ТОС may act on (DOMAIN.md, "ТОС").
    STAIRWELL = "stairwell", _("stairwell (подъезд)")
    BUILDING = "building", _("apartment building")
    BUILDING_GROUP = "building_group", _("group of buildings")
    MICRODISTRICT = "microdistrict", _("residential microdistrict")
    RURAL_LOCALITY = "rural_locality", _("rural locality")
    OTHER = "other", _("other residential area")


class FoundingForm(models.TextChoices):
    MEETING = "meeting", _("meeting (собрание)")
    CONFERENCE = "conference", _("conference (конференция)")


class TosProfile(models.Model):
    """What a ТОС registration carries beyond the common organisation fields."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="tos",
        verbose_name=_("organisation"),
    )
    territory_name = models.CharField(
        _("territory"),
        max_length=300,
        help_text=_("For example: “ул. Ленина, дома 1–15” or “микрорайон Северный”"),
    )
    territory_kind = models.CharField(_("territory type"), max_length=20, choices=TosTerritoryKind.choices)
    territory_description = models.TextField(_("territory boundaries"), blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    residents_count = models.PositiveIntegerField(
        _("residents aged 16+ living on the territory"), null=True, blank=True
    )
    founding_date = models.DateField(_("founding meeting date"), null=True, blank=True)
    founding_form = models.CharField(
        _("founding meeting form"), max_length=16, choices=FoundingForm.choices, default=FoundingForm.MEETING
    )
    participants_count = models.PositiveIntegerField(_("participants present"), null=True, blank=True)
    delegates_elected = models.PositiveIntegerField(_("delegates elected (conference)"), null=True, blank=True)
    charter = models.ForeignKey(
        "Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("charter"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    review_due_on = models.DateField(_("decision due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reviewer = user_reference()

    class Meta:
        verbose_name = _("ТОС registration")
        verbose_name_plural = _("ТОС registrations")

    def __str__(self) -> str:
        return self.territory_name

    def decision_overdue(self, now: datetime | None = None) -> bool:
        """Whether the administration's decision is past `review_due_on`, counted in the municipality's time
        zone: a pending application whose due date has passed, or a decision taken after that date."""
        if self.review_due_on is None:
            return False
        organization = self.organization
        if organization.status in TOS_PENDING_STATUSES:
            return municipality_today(organization.municipality, now) > self.review_due_on
        if self.decided_at is not None:
            return municipality_today(organization.municipality, self.decided_at) > self.review_due_on
        return False

    @property
    def is_overdue(self) -> bool:
        return self.decision_overdue()


class BodyRole(models.TextChoices):
    CHAIR = "chair", _("chair")
    COUNCIL = "council", _("council member")
    AUDITOR = "auditor", _("audit commission member")


class BodyMember(models.Model):
    """A person elected to the organisation's bodies (the ТОС chair and council), as the charter records them."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="body_members")
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=16, choices=BodyRole.choices, default=BodyRole.COUNCIL)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("elected body member")
        verbose_name_plural = _("elected body members")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("chair")
    MEMBER = "member", _("member")
    STAFF = "staff", _("staff")
    EXPERT = "expert", _("expert")
    MODERATOR = "moderator", _("moderator")


class Membership(TimeStampedModel):
    """A user's role in an organisation. Staff of a municipal administration review that municipality's ТОС."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices)
    title = models.CharField(_("position"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="organizations_membership_unique")
        ]
        indexes = [models.Index(fields=["user", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organization}"


class DocumentKind(models.TextChoices):
    CHARTER = "charter", _("charter")
    MINUTES = "minutes", _("minutes of a meeting")
    DECISION = "decision", _("decision")
    REPORT = "report", _("report")
    OTHER = "other", _("other")


def document_upload_to(instance: "Document", filename: str) -> str:
    return random_upload_name(f"organizations/{instance.organization_id}", filename)


class Document(TimeStampedModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="documents", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(default=0)
    is_public = models.BooleanField(_("public"), default=True)
    uploaded_by = user_reference()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title
