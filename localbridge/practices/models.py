"""The best-practice bank: practices with their results in numbers, photos and documents, the curated topic
taxonomy and free tags, the organisations behind a practice, and the adoptions ("we adopted this") that trace
how a practice spread. See docs/practices.md."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from localbridge.core.files import random_upload_name
from localbridge.core.i18n import LocalizedNameMixin
from localbridge.core.models import TimeStampedModel, user_reference
from localbridge.core.text import normalize_for_search
from localbridge.core.workflow import Transition, Workflow
from localbridge.organizations.models import Organization
from localbridge.territories.models import Country, Municipality, Region

# Long texts are Markdown; this cap only keeps absurd input out (a long practice write-up is ~20,000 characters).
LONG_TEXT_MAX = 50_000
SUMMARY_MAX = 1000
TAG_MAX = 64
MIN_YEAR, MAX_YEAR = 1900, 2100


class Topic(LocalizedNameMixin, TimeStampedModel):
    """A heading of the curated taxonomy (благоустройство, культура и досуг, ...). Moderators edit it; a topic is
    retired by deactivating it (practices keep it), never deleted. `code` is stable: URLs and imports use it."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "pk"]


def tag_normalize(name: str) -> str:
    """The stored form of a free tag: without a leading '#', case-folded, ё→е, single spaces."""
    return normalize_for_search((name or "").strip().lstrip("#"))


class Tag(models.Model):
    """A free tag. `name` is stored normalised (tag_normalize), so «Двор», «#двор» and «ДВОР» are one tag."""

    name = models.CharField(_("name"), max_length=TAG_MAX, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PracticeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ON_MODERATION = "on_moderation", _("on moderation")
    PUBLISHED = "published", _("published")
    RETURNED = "returned", _("returned for revision")
    REJECTED = "rejected", _("rejected")
    ARCHIVED = "archived", _("unpublished")


# The moderation workflow. Only these moves exist; each is one service in services.py and one audit row.
PRACTICE_WORKFLOW = Workflow(
    [
        Transition("submit", (PracticeStatus.DRAFT,), PracticeStatus.ON_MODERATION, _("Send to moderation")),
        Transition("withdraw", (PracticeStatus.ON_MODERATION,), PracticeStatus.DRAFT, _("Withdraw from moderation")),
        Transition("resubmit", (PracticeStatus.RETURNED,), PracticeStatus.ON_MODERATION, _("Resubmit")),
        Transition("publish", (PracticeStatus.ON_MODERATION,), PracticeStatus.PUBLISHED, _("Publish")),
        Transition(
            "return",
            (PracticeStatus.ON_MODERATION,),
            PracticeStatus.RETURNED,
            _("Return for revision"),
            comment_required=True,
        ),
        Transition(
            "reject", (PracticeStatus.ON_MODERATION,), PracticeStatus.REJECTED, _("Reject"), comment_required=True
        ),
        Transition(
            "unpublish", (PracticeStatus.PUBLISHED,), PracticeStatus.ARCHIVED, _("Unpublish"), comment_required=True
        ),
        Transition("restore", (PracticeStatus.ARCHIVED,), PracticeStatus.PUBLISHED, _("Publish again")),
    ]
)
# The author and the organisation's chair or staff may edit a practice only in these statuses.
EDITABLE_STATUSES = (PracticeStatus.DRAFT, PracticeStatus.RETURNED)

# The languages a practice may be written in (ISO 639-1): those of the platform's countries and partners.
PRACTICE_LANGUAGES = [
    ("ru", _("Russian")),
    ("en", _("English")),
    ("be", _("Belarusian")),
    ("uk", _("Ukrainian")),
    ("kk", _("Kazakh")),
    ("ky", _("Kyrgyz")),
    ("uz", _("Uzbek")),
    ("tg", _("Tajik")),
    ("tk", _("Turkmen")),
    ("hy", _("Armenian")),
    ("az", _("Azerbaijani")),
    ("ka", _("Georgian")),
    ("ro", _("Romanian")),
    ("tt", _("Tatar")),
    ("ba", _("Bashkir")),
    ("cv", _("Chuvash")),
    ("mn", _("Mongolian")),
    ("zh", _("Chinese")),
    ("ko", _("Korean")),
    ("ja", _("Japanese")),
    ("vi", _("Vietnamese")),
    ("hi", _("Hindi")),
    ("fa", _("Persian")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
    ("fi", _("Finnish")),
    ("et", _("Estonian")),
    ("lv", _("Latvian")),
    ("lt", _("Lithuanian")),
    ("pl", _("Polish")),
    ("cs", _("Czech")),
    ("sk", _("Slovak")),
    ("hu", _("Hungarian")),
    ("sr", _("Serbian")),
    ("bg", _("Bulgarian")),
    ("el", _("Greek")),
    ("de", _("German")),
    ("fr", _("French")),
    ("it", _("Italian")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("nl", _("Dutch")),
    ("sv", _("Swedish")),
    ("no", _("Norwegian")),
    ("da", _("Danish")),
]


class Practice(TimeStampedModel):
    """A documented, replicable local solution (лучшая практика)."""

    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("short summary"), max_length=SUMMARY_MAX, blank=True)
    problem = models.TextField(
        _("the problem"), blank=True, help_text=_("Markdown"), validators=[MaxLengthValidator(LONG_TEXT_MAX)]
    )
    actions = models.TextField(
        _("what was done"), blank=True, help_text=_("Markdown"), validators=[MaxLengthValidator(LONG_TEXT_MAX)]
    )
    results = models.TextField(
        _("results"), blank=True, help_text=_("Markdown"), validators=[MaxLengthValidator(LONG_TEXT_MAX)]
    )
    resources = models.TextField(
        _("resources needed"), blank=True, help_text=_("Markdown"), validators=[MaxLengthValidator(LONG_TEXT_MAX)]
    )
    partners = models.TextField(
        _("partners"), blank=True, help_text=_("Markdown"), validators=[MaxLengthValidator(LONG_TEXT_MAX)]
    )
    # The period: exact dates when known, else years (the years follow from the dates when dates are given).
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(
        _("start year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    # The year facets count by: the start year when known, else the year of publication (of creation while
    # unpublished). Kept by the services.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=PRACTICE_LANGUAGES, default="ru")
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="practices", verbose_name=_("region")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("municipality"),
    )
    organizations: "models.ManyToManyField[Organization, PracticeOrganization]" = models.ManyToManyField(
        Organization,
        through="PracticeOrganization",
        related_name="practices",
        blank=True,
        verbose_name=_("organisations"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("author"),
    )
    topics = models.ManyToManyField(Topic, related_name="practices", blank=True, verbose_name=_("topics"))
    tags = models.ManyToManyField(Tag, related_name="practices", blank=True, verbose_name=_("tags"))
    status = models.CharField(_("status"), max_length=16, choices=PracticeStatus.choices, default=PracticeStatus.DRAFT)
    submitted_at = models.DateTimeField(_("sent to moderation"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The moderator's last remarks (returned) or reason (rejected, unpublished), shown to the author; the whole
    # history is in the audit trail.
    moderation_comment = models.TextField(_("moderator's remarks"), blank=True)
    is_recommended = models.BooleanField(_("recommended"), default=False)
    recommendation_note = models.TextField(_("why it is recommended"), blank=True)
    recommended_by = user_reference(_("recommended by"))
    recommended_at = models.DateTimeField(_("recommended on"), null=True, blank=True)
    is_generated = models.BooleanField(
        _("generated"), default=False, help_text=_("Demonstration or benchmark data, not a real practice")
    )

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        # Newest publications first, unpublished ones last (alike on SQLite and PostgreSQL, which sort nulls
        # differently by default).
        ordering = [models.F("published_at").desc(nulls_last=True), "-pk"]
        # Each filter of the bank's browsing (no query: newest first) has an index that leads with its equality and
        # ends with the order, so that a filtered list walks a few index entries in order instead of every
        # published practice's (wide) row; see practices/search.py, _filtered().
        indexes = [
            models.Index(fields=["status", "-published_at"], name="practices_status_published"),
            models.Index(fields=["status", "year", "-published_at"], name="practices_status_year"),
            models.Index(fields=["status", "language", "-published_at"], name="practices_status_language"),
            # Few practices are recommended, but a boolean's statistics say half: a partial index the planner
            # cannot mistake (its condition is the literal the ORM writes; SQLite cannot match a bound parameter).
            models.Index(
                fields=["status", "-published_at"], condition=Q(is_recommended=True), name="practices_recommended"
            ),
            models.Index(fields=["status", "submitted_at"], name="practices_status_submitted"),
            models.Index(fields=["country", "status", "-published_at"], name="practices_country_status"),
            models.Index(fields=["region", "status", "-published_at"], name="practices_region_status"),
            models.Index(fields=["municipality", "status", "-published_at"], name="practices_municipality_status"),
            models.Index(fields=["author", "status"], name="practices_author_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_recommended=False) | Q(status=PracticeStatus.PUBLISHED),
                name="practices_recommended_only_published",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="practices_period_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="practices_period_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PracticeStatus.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def search_body(self) -> str:
        """The text the search index reads as the body: the sections in reading order (Markdown as written)."""
        return "\n\n".join(
            part for part in (self.problem, self.actions, self.results, self.resources, self.partners) if part
        )


class PracticeOrganizationRole(models.TextChoices):
    AUTHOR = "author", _("author")
    PARTNER = "partner", _("partner")


class PracticeOrganization(models.Model):
    """An organisation behind a practice: its author (the ТОС, administration or association that did it) or a
    partner. Members of an author organisation with a chair or staff role may edit the practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="organization_links")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="practice_links", verbose_name=_("organisation")
    )
    role = models.CharField(
        _("role"), max_length=16, choices=PracticeOrganizationRole.choices, default=PracticeOrganizationRole.AUTHOR
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("organisation of a practice")
        verbose_name_plural = _("organisations of practices")
        ordering = ["role", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "organization"], name="practices_organization_once"),
        ]
        indexes = [models.Index(fields=["organization", "role"], name="practices_org_role")]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class FigureKind(models.TextChoices):
    BENEFICIARIES = "beneficiaries", _("people who benefited")
    VOLUNTEERS = "volunteers", _("volunteers")
    MONEY = "money", _("money")
    METRIC = "metric", _("before and after")
    OTHER = "other", _("other figure")


class MoneySource(models.TextChoices):
    GRANT = "grant", _("grant")
    FEDERAL_BUDGET = "federal_budget", _("federal budget")
    REGIONAL_BUDGET = "regional_budget", _("regional budget")
    MUNICIPAL_BUDGET = "municipal_budget", _("municipal budget")
    RESIDENTS = "residents", _("residents' contributions")
    SPONSORS = "sponsors", _("sponsors and businesses")
    OWN_FUNDS = "own_funds", _("the organisation's own funds")
    VOLUNTEER_LABOUR = "volunteer_labour", _("volunteer labour (valued)")
    OTHER = "other", _("other sources")


class PracticeFigure(models.Model):
    """One result in numbers: people who benefited, volunteers, money from one source (with its currency), a
    before/after metric (value_before → value), or another labelled figure. Structured, so that totals and
    comparisons are computed, not read from prose."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="figures")
    kind = models.CharField(_("kind"), max_length=16, choices=FigureKind.choices)
    label = models.CharField(
        _("label"), max_length=200, blank=True, help_text=_("What is counted, e.g. “lit courtyards”")
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    value_before = models.DecimalField(_("value before"), max_digits=18, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("e.g. people, m², trees"))
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("An ISO 4217 code of three capital letters, e.g. RUB."))],
    )
    source = models.CharField(_("source of money"), max_length=20, choices=MoneySource.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["position", "pk"]
        constraints = [
            # Money has a source and a currency; nothing else has either.
            models.CheckConstraint(
                condition=(Q(kind=FigureKind.MONEY) & ~Q(currency="") & ~Q(source=""))
                | (~Q(kind=FigureKind.MONEY) & Q(currency="") & Q(source="")),
                name="practices_figure_money_has_source_and_currency",
            ),
            # A before/after metric has a label and a value before; nothing else has a value before.
            models.CheckConstraint(
                condition=(Q(kind=FigureKind.METRIC) & Q(value_before__isnull=False) & ~Q(label=""))
                | (~Q(kind=FigureKind.METRIC) & Q(value_before__isnull=True)),
                name="practices_figure_metric_has_before",
            ),
            models.CheckConstraint(
                condition=~Q(kind=FigureKind.OTHER) | ~Q(label=""), name="practices_figure_other_has_label"
            ),
            # Counts and money are not negative; a metric may be (a temperature, a balance).
            models.CheckConstraint(
                condition=Q(kind=FigureKind.METRIC) | Q(value__gte=0), name="practices_figure_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("photo")
    DOCUMENT = "document", _("document")


def attachment_upload_to(instance: "PracticeAttachment", filename: str) -> str:
    return random_upload_name(f"practices/{instance.practice_id}", filename)


class PracticeAttachment(TimeStampedModel):
    """A photo (JPG, PNG, WEBP) or a document (PDF, DOC, DOCX, ODT), checked by its real type on upload."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_by = user_reference()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption or self.original_name


class Adoption(TimeStampedModel):
    """ "We adopted this": an organisation replicated a published practice — when, where (a municipality, whose
    coordinates put it on the map), with what adaptation and result. One per practice and organisation."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("practice")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("organisation")
    )
    adopted_on = models.DateField(_("adopted on"))
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("where"),
    )
    adaptation = models.TextField(
        _("what was adapted"), blank=True, help_text=_("Markdown"), validators=[MaxLengthValidator(LONG_TEXT_MAX)]
    )
    result = models.TextField(
        _("result"), blank=True, help_text=_("Markdown"), validators=[MaxLengthValidator(LONG_TEXT_MAX)]
    )
    created_by = user_reference()

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["-adopted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "organization"], name="practices_adoption_once"),
        ]
        indexes = [
            models.Index(fields=["practice", "-adopted_on"], name="practices_adoption_practice"),
            models.Index(fields=["organization", "-adopted_on"], name="practices_adoption_org"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ← {self.practice}"
