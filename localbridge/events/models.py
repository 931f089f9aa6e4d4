"""Events (seminars, conferences, round tables...), their registrations and materials; the knowledge library;
resolutions and their items tracked to execution. See docs/events.md."""

# ---------------------------------------------------------------------------------------------------------------
# Events, sessions, registrations, materials
# ---------------------------------------------------------------------------------------------------------------

# The file's first imports (the sections below import what they add after their own heading).
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from localbridge.core.files import random_upload_name as _event_upload_name
from localbridge.core.models import TimeStampedModel, user_reference
from localbridge.core.workflow import Transition, Workflow
from localbridge.organizations.models import Organization
from localbridge.practices.models import PRACTICE_LANGUAGES, Topic
from localbridge.territories.models import Municipality, Region


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("seminar")
    TRAINING = "training", _("training")
    ROUND_TABLE = "round_table", _("round table")
    CONFERENCE = "conference", _("conference")
    FORUM = "forum", _("forum")
    CONGRESS = "congress", _("congress")
    FESTIVAL = "festival", _("festival")
    EXCHANGE_VISIT = "exchange_visit", _("exchange visit")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")
    HYBRID = "hybrid", _("hybrid (in person and online)")


# Formats with a venue, and formats with an online link.
FORMATS_WITH_VENUE = (EventFormat.IN_PERSON, EventFormat.HYBRID)
FORMATS_ONLINE = (EventFormat.ONLINE, EventFormat.HYBRID)


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    CANCELLED = "cancelled", _("cancelled")


# Statuses everyone sees (a cancelled event stays on the calendar, marked, so that nobody comes in vain).
EVENT_PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)

# An event's lifecycle: draft → published → cancelled (a draft may be cancelled too). Only these moves exist,
# each one audited (services/events.py).
EVENT_WORKFLOW = Workflow(
    [
        Transition("publish", (EventStatus.DRAFT,), EventStatus.PUBLISHED, _("Publish")),
        Transition(
            "cancel",
            (EventStatus.DRAFT, EventStatus.PUBLISHED),
            EventStatus.CANCELLED,
            _("Cancel the event"),
            comment_required=True,
        ),
    ]
)


class Event(TimeStampedModel):
    """A seminar, training, round table, conference, forum, congress, festival or exchange visit: when (aware
    datetimes, shown in `time_zone`), where (a venue with a map point, an online link, or both), who organises it
    and who partners, its programme (Session), capacity and registrations, and its materials."""

    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    format = models.CharField(_("format"), max_length=16, choices=EventFormat.choices, default=EventFormat.IN_PERSON)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # An IANA name; by default the municipality's (territories.Municipality.timezone), else the site's.
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("municipality"),
    )
    organizations: models.ManyToManyField[Organization, "EventOrganization"] = models.ManyToManyField(
        Organization, through="EventOrganization", related_name="events", verbose_name=_("organisers and partners")
    )
    audience = models.TextField(_("audience"), blank=True)
    topics = models.ManyToManyField(Topic, related_name="events", blank=True, verbose_name=_("topics"))
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True, help_text=_("Empty: unlimited"))
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: until the event ends")
    )
    status = models.CharField(_("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for the cancellation"), blank=True)
    # The revision of its iCalendar files (SEQUENCE): raised when a published event's time, place, link or format
    # changes and when it is cancelled, so that the updated file sent to the people registered replaces theirs.
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    # The file stem of the founding resolution this event adopted (../shared/data/resolutions/<stem>.txt), so that
    # the resolution can find its event; empty for other events.
    source_slug = models.SlugField(_("source"), max_length=100, null=True, blank=True, unique=True)
    created_by = user_reference(_("created by"))

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="events_event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="events_event_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="events_event_point_whole",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gte=F("registration_opens_at")),
                name="events_event_registration_window",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="events_event_status_start"),
            models.Index(fields=["region", "status", "starts_at"], name="events_event_region"),
            models.Index(fields=["municipality", "status", "starts_at"], name="events_event_municipality"),
            models.Index(fields=["kind", "status", "starts_at"], name="events_event_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in EVENT_PUBLIC_STATUSES

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_online(self) -> bool:
        return self.format in FORMATS_ONLINE

    def registration_closes(self) -> datetime:
        """When registration closes: `registration_closes_at`, else the end of the event."""
        return self.registration_closes_at or self.ends_at

    @property
    def seats_left(self) -> int | None:
        """Free seats, where the list's selectors annotated `seats_taken`; None without a limit (or a count)."""
        taken = getattr(self, "seats_taken", None)
        if self.capacity is None or taken is None:
            return None
        return max(self.capacity - taken, 0)


class OrganizerRole(models.TextChoices):
    ORGANIZER = "organizer", _("organiser")
    PARTNER = "partner", _("partner")


class EventOrganization(models.Model):
    """An organisation's part in an event: an organiser (its acting chair and staff run the event) or a partner."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organizer_links")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="event_links", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=16, choices=OrganizerRole.choices, default=OrganizerRole.ORGANIZER)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("organiser or partner")
        verbose_name_plural = _("organisers and partners")
        ordering = ["event", "role", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "organization"], name="events_one_part_per_organization")
        ]
        indexes = [models.Index(fields=["organization", "role"], name="events_part_organization")]

    def __str__(self) -> str:
        return f"{self.organization} — {self.get_role_display()}"


class Session(models.Model):
    """A part of the programme: a talk, a panel, a workshop, with its time, room and speakers (named in text, or
    the platform's users)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=200, blank=True)
    speakers = models.TextField(_("speakers"), blank=True)
    speaker_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("speakers on the platform")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("programme")
        ordering = ["starts_at", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="events_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    WAITLISTED = "waitlisted", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")


# A registration that holds a seat or a place in the queue.
ACTIVE_REGISTRATION_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class Registration(models.Model):
    """A person's registration for an event: a seat (registered), a place in the waiting list (1 is next), or
    cancelled. One active registration per person and event; a cancelled one stays as history, and the person may
    register again. The services keep the waiting list's positions 1…n without gaps, under the event's lock."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=_("participant"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    waitlist_position = models.PositiveIntegerField(_("place in the waiting list"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status="cancelled"),
                name="events_one_active_registration",
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="events_waitlist_position_iff_waitlisted",
            ),
            models.CheckConstraint(
                condition=Q(attended=False) | Q(status="registered"), name="events_attended_only_registered"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waitlist_position"], name="events_registration_queue"),
            models.Index(fields=["user", "status"], name="events_registration_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.event} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_REGISTRATION_STATUSES


class MaterialKind(models.TextChoices):
    PRESENTATION = "presentation", _("presentation")
    RECORDING = "recording", _("recording (link)")
    DOCUMENT = "document", _("document")


def event_material_upload_to(instance: "Material", filename: str) -> str:
    return _event_upload_name(f"events/{instance.event_id}", filename)


class Material(TimeStampedModel):
    """A presentation, a recording's link or a document of an event, or of one of its sessions: a file or a link,
    never both."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials", verbose_name=_("event"))
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="materials",
        verbose_name=_("session"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MaterialKind.choices, default=MaterialKind.DOCUMENT)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=event_material_upload_to, max_length=300, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField(_("link"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=PRACTICE_LANGUAGES, default="ru")
    uploaded_by = user_reference()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["event", "session", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="events_material_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return self.original_name.rsplit(".", 1)[-1].upper() if "." in self.original_name else ""


# ---------------------------------------------------------------------------------------------------------------
# The knowledge library
# ---------------------------------------------------------------------------------------------------------------

# What this section uses besides the file's first imports.
from django.utils.translation import pgettext_lazy  # noqa: E402

from localbridge.core.files import random_upload_name  # noqa: E402
from localbridge.territories.models import Country  # noqa: E402

LIBRARY_TEXT_MAX = 1_000_000  # characters of a version's text (a long methodological guide is ~300,000)
LIBRARY_SUMMARY_MAX = 2000


class LibraryDocumentKind(models.TextChoices):
    MODEL_CHARTER = "model_charter", _("model charter of a ТОС")
    MODEL_REGULATION = "model_regulation", _("model regulation")
    MODEL_PROGRAMME = "model_programme", _("model municipal programme")
    GUIDE = "guide", _("methodological guide")
    LAW = "law", _("law or act")
    REPORT = "report", _("report")
    STUDY = "study", _("study")


class LibraryDocumentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", pgettext_lazy("library document", "published")
    WITHDRAWN = "withdrawn", pgettext_lazy("library document", "withdrawn")


# A document's lifecycle: only these moves exist, each one audited (services/library.py).
LIBRARY_WORKFLOW = Workflow(
    [
        Transition("publish", (LibraryDocumentStatus.DRAFT,), LibraryDocumentStatus.PUBLISHED, _("Publish")),
        Transition(
            "withdraw",
            (LibraryDocumentStatus.PUBLISHED,),
            LibraryDocumentStatus.WITHDRAWN,
            _("Withdraw"),
            comment_required=True,
        ),
        Transition(
            "republish", (LibraryDocumentStatus.WITHDRAWN,), LibraryDocumentStatus.PUBLISHED, _("Publish again")
        ),
    ]
)


class LibraryDocument(TimeStampedModel):
    """A document of the knowledge library: a model charter of a ТОС, a model regulation or municipal programme,
    a methodological guide, a law, a report, a study. Its text and file live in its versions (DocumentVersion);
    `current_version` points at the latest one, kept by the services under a lock on this row."""

    kind = models.CharField(_("kind"), max_length=32, choices=LibraryDocumentKind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), max_length=LIBRARY_SUMMARY_MAX, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=PRACTICE_LANGUAGES, default="ru")
    # The territory the document is about or comes from (none: of general use). The services keep the three
    # consistent: a municipality implies its region and country, a region its country.
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="library_documents",
        verbose_name=_("municipality"),
    )
    topics = models.ManyToManyField(Topic, related_name="library_documents", blank=True, verbose_name=_("topics"))
    author = models.CharField(_("author or publisher"), max_length=300, blank=True)
    published_on = models.DateField(_("date of publication"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=LibraryDocumentStatus.choices, default=LibraryDocumentStatus.DRAFT
    )
    current_version = models.ForeignKey(
        "DocumentVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    created_by = user_reference(_("created by"))
    is_generated = models.BooleanField(
        _("generated"), default=False, help_text=_("Demonstration data, not a real document")
    )

    class Meta:
        verbose_name = _("library document")
        verbose_name_plural = _("library documents")
        ordering = [models.F("published_on").desc(nulls_last=True), "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_on"], name="events_libdoc_status"),
            models.Index(fields=["kind", "status"], name="events_libdoc_kind"),
            models.Index(fields=["municipality", "status"], name="events_libdoc_municipality"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == LibraryDocumentStatus.PUBLISHED


class VersionTextSource(models.TextChoices):
    EXTRACTED = "extracted", _("extracted from the file")
    ENTERED = "entered", _("entered by the editor")
    NONE = "none", _("no text")


def library_version_upload_to(instance: "DocumentVersion", filename: str) -> str:
    return random_upload_name(f"library/{instance.document_id}", filename)


class DocumentVersion(models.Model):
    """One version of a library document: a file (PDF, DOCX, ODT or TXT) and/or its text, numbered 1, 2, 3…
    per document. Old versions stay, with their dates and files: a new version never replaces an old one."""

    document = models.ForeignKey(
        LibraryDocument, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=library_version_upload_to, max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # The text the search reads and the page quotes: extracted from a DOCX, ODT or TXT file, or typed in.
    text = models.TextField(_("text"), blank=True)
    text_source = models.CharField(
        _("text"), max_length=16, choices=VersionTextSource.choices, default=VersionTextSource.NONE
    )
    changes = models.TextField(_("what changed"), blank=True)
    published_on = models.DateField(_("version date"))
    created_by = user_reference(_("added by"))
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="events_docversion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="events_docversion_number_positive"),
            models.CheckConstraint(condition=~Q(file="") | ~Q(text=""), name="events_docversion_file_or_text"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    @property
    def extension(self) -> str:
        return self.original_name.rsplit(".", 1)[-1].upper() if "." in self.original_name else ""


# ---------------------------------------------------------------------------------------------------------------
# Resolutions and their items
# ---------------------------------------------------------------------------------------------------------------

# The models this section links items' evidence to (the section's own imports; the rest come from the file's top).
from typing import Any  # noqa: E402

from localbridge.contests.models import Contest  # noqa: E402
from localbridge.practices.models import Practice  # noqa: E402
from localbridge.projects.models import Project  # noqa: E402

RESOLUTION_TEXT_MAX = 500_000  # characters of a resolution's source text (the founding ones are under 15,000)
RESOLUTION_ITEM_MAX = 20_000  # characters of one item


def resolution_upload_to(instance: "Resolution", filename: str) -> str:
    return _event_upload_name("resolutions", filename)


class Resolution(TimeStampedModel):
    """What an event decided: a title, the date and place of adoption, the source text kept verbatim (as pasted
    or read from the uploaded file, which is kept too), and its items grouped by addressee (ResolutionSection,
    ResolutionItem). Created from the editor's corrected split of the parser's proposal (resolution_parser.py)."""

    title = models.CharField(_("title"), max_length=500)
    adopted_on = models.DateField(_("date adopted"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("event"),
    )
    source_text = models.TextField(_("source text"), max_length=RESOLUTION_TEXT_MAX, blank=True)
    source_file = models.FileField(_("source file"), upload_to=resolution_upload_to, max_length=300, blank=True)
    source_name = models.CharField(_("source file name"), max_length=255, blank=True)
    # The file stem of a founding resolution (../shared/data/resolutions/<stem>.txt) loaded as demo data, so that
    # loading it again finds it; empty for resolutions entered by editors.
    source_slug = models.SlugField(_("source"), max_length=100, null=True, blank=True, unique=True)
    created_by = user_reference(_("entered by"))

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = [models.F("adopted_on").desc(nulls_last=True), "-pk"]
        indexes = [models.Index(fields=["event"], name="events_resolution_event")]

    def __str__(self) -> str:
        return self.title


class ResolutionSection(models.Model):
    """The items of a resolution addressed to one body, in the resolution's order: the addressee as written
    («Правительству Амурской области»); empty when the resolution names none."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="sections", verbose_name=_("resolution")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    addressee = models.CharField(_("addressee"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("addressee of a resolution")
        verbose_name_plural = _("addressees of a resolution")
        ordering = ["resolution", "position"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "position"], name="events_ressection_unique_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="events_ressection_position_positive"),
        ]

    def __str__(self) -> str:
        return self.addressee or "—"


class ResolutionItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    NOT_ACCEPTED = "not_accepted", _("not accepted")


# An item's status may move between any two states except onto itself; each move is one transition, audited.
# «Done» asks for evidence or a comment, «not accepted» for a comment (services/resolutions.py checks both).
RESOLUTION_ITEM_WORKFLOW = Workflow(
    [
        Transition(
            "start",
            (ResolutionItemStatus.NOT_STARTED, ResolutionItemStatus.DONE, ResolutionItemStatus.NOT_ACCEPTED),
            ResolutionItemStatus.IN_PROGRESS,
            _("In progress"),
        ),
        Transition(
            "complete",
            (ResolutionItemStatus.NOT_STARTED, ResolutionItemStatus.IN_PROGRESS, ResolutionItemStatus.NOT_ACCEPTED),
            ResolutionItemStatus.DONE,
            _("Done"),
        ),
        Transition(
            "not_accept",
            (ResolutionItemStatus.NOT_STARTED, ResolutionItemStatus.IN_PROGRESS, ResolutionItemStatus.DONE),
            ResolutionItemStatus.NOT_ACCEPTED,
            _("Not accepted"),
            comment_required=True,
        ),
        Transition(
            "reset",
            (ResolutionItemStatus.IN_PROGRESS, ResolutionItemStatus.DONE, ResolutionItemStatus.NOT_ACCEPTED),
            ResolutionItemStatus.NOT_STARTED,
            _("Not started"),
        ),
    ]
)


class ResolutionItem(models.Model):
    """One recommendation of a resolution: its text, its addressee (the section's heading, and the registry's
    organisations it was matched to or linked with), an optional due date, and a status tracked to execution
    with comments and evidence."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="items", verbose_name=_("resolution")
    )
    section = models.ForeignKey(
        ResolutionSection, on_delete=models.CASCADE, related_name="items", verbose_name=_("addressee")
    )
    position = models.PositiveSmallIntegerField(_("number"))  # 1, 2, 3… within the section
    text = models.TextField(_("text"), max_length=RESOLUTION_ITEM_MAX)
    addressees = models.ManyToManyField(
        Organization, related_name="resolution_items", blank=True, verbose_name=_("addressee organisations")
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ResolutionItemStatus.choices, default=ResolutionItemStatus.NOT_STARTED
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("resolution item")
        verbose_name_plural = _("resolution items")
        ordering = ["section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "position"], name="events_resitem_unique_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="events_resitem_position_positive"),
        ]
        indexes = [models.Index(fields=["resolution", "status"], name="events_resitem_status")]

    def __str__(self) -> str:
        return self.text[:80]


class ItemComment(models.Model):
    """A comment on an item's execution, possibly the one given with a status change (`status` then says which)."""

    item = models.ForeignKey(ResolutionItem, on_delete=models.CASCADE, related_name="comments", verbose_name=_("item"))
    author = user_reference()
    text = models.TextField(_("comment"), max_length=5000)
    status = models.CharField(_("status set"), max_length=16, choices=ResolutionItemStatus.choices, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("comment on an item")
        verbose_name_plural = _("comments on items")
        ordering = ["item", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class EvidenceKind(models.TextChoices):
    PRACTICE = "practice", _("practice")
    PROJECT = "project", _("project")
    CONTEST = "contest", _("contest")
    DOCUMENT = "document", _("library document")
    URL = "url", _("link")


# Which field holds the evidence of each kind.
EVIDENCE_FIELDS = {
    EvidenceKind.PRACTICE: "practice",
    EvidenceKind.PROJECT: "project",
    EvidenceKind.CONTEST: "contest",
    EvidenceKind.DOCUMENT: "document",
    EvidenceKind.URL: "url",
}


class ItemEvidence(models.Model):
    """What shows an item was carried out: a practice of the bank, a project, a contest, a document of the library,
    or an external link — exactly one of them, as `kind` says."""

    item = models.ForeignKey(ResolutionItem, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("item"))
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices)
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("practice")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("contest")
    )
    document = models.ForeignKey(
        LibraryDocument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("library document"),
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    added_by = user_reference()
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence of execution")
        verbose_name_plural = _("evidence of execution")
        ordering = ["item", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="practice",
                        practice__isnull=False,
                        project__isnull=True,
                        contest__isnull=True,
                        document__isnull=True,
                        url="",
                    )
                    | Q(
                        kind="project",
                        practice__isnull=True,
                        project__isnull=False,
                        contest__isnull=True,
                        document__isnull=True,
                        url="",
                    )
                    | Q(
                        kind="contest",
                        practice__isnull=True,
                        project__isnull=True,
                        contest__isnull=False,
                        document__isnull=True,
                        url="",
                    )
                    | Q(
                        kind="document",
                        practice__isnull=True,
                        project__isnull=True,
                        contest__isnull=True,
                        document__isnull=False,
                        url="",
                    )
                    | (
                        Q(
                            kind="url",
                            practice__isnull=True,
                            project__isnull=True,
                            contest__isnull=True,
                            document__isnull=True,
                        )
                        & ~Q(url="")
                    )
                ),
                name="events_evidence_exactly_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.get_kind_display()

    @property
    def target(self) -> Any:
        """The practice, project, contest or library document; None for a link."""
        return getattr(self, EVIDENCE_FIELDS[EvidenceKind(self.kind)]) if self.kind != EvidenceKind.URL else None
