"""The events' web forms. They parse; the services validate and decide (their errors are put beside the fields by
core.forms.add_service_errors), so a rule is written once for the web and the API.

Dates and times are typed as the wall-clock time of the event's place: the fields give naive datetimes, which
the services read in the event's time zone (not the site's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from localbridge.accounts.models import User
from localbridge.organizations.models import Organization
from localbridge.practices.models import PRACTICE_LANGUAGES, Topic
from localbridge.territories.models import Municipality, Region

from .models import Event, EventFormat, EventKind, MaterialKind, Session
from .selectors.events import WHEN_PAST, WHEN_UPCOMING, FilterOptions
from .services.events import event_zone

# The zones of Russia, west to east, first in the list (an organiser elsewhere finds theirs below).
RUSSIAN_TIME_ZONES = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
)
TEXT = forms.Textarea(attrs={"rows": 4})
LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def time_zone_choices() -> list[tuple[Any, Any]]:
    others = sorted(available_timezones() - set(RUSSIAN_TIME_ZONES))
    return [
        ("", _("the municipality's time zone")),
        (_("Russia"), [(zone, zone) for zone in RUSSIAN_TIME_ZONES]),
        (_("Other time zones"), [(zone, zone) for zone in others]),
    ]


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as typed, without a time zone (the service reads it in the event's zone)."""

    widget = LOCAL_INPUT

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        if result is not None and timezone.is_aware(result):
            result = timezone.make_naive(result, timezone.get_current_timezone())
        return result


def local_value(moment: datetime | None, zone_name: str) -> str:
    """An aware datetime as the form shows it: the wall-clock time in the event's zone."""
    if moment is None:
        return ""
    return moment.astimezone(event_zone(zone_name)).strftime("%Y-%m-%dT%H:%M")


class _Prefixed(forms.Form):
    """A form whose fields' ids start with its own word (several forms share one page); names stay as they are."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


# --- the calendar's filters --------------------------------------------------------------------------------------


class EventFilterForm(forms.Form):
    """The calendar's and the feed's filters; unknown values are simply not applied."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    online = forms.ChoiceField(label=_("Format"), required=False)
    when = forms.ChoiceField(label=_("When"), required=False)

    def __init__(self, data: Any, *, options: FilterOptions) -> None:
        super().__init__(data)
        everything = ("", _("all"))
        region: Any = self.fields["region"]
        region.choices = [everything] + [(r.code, r.name) for r in options.regions]
        kind: Any = self.fields["kind"]
        kind.choices = [everything] + options.kinds
        topic: Any = self.fields["topic"]
        topic.choices = [everything] + [(t.code, t.name) for t in options.topics]
        online: Any = self.fields["online"]
        online.choices = [everything, ("online", _("online or hybrid")), ("in_person", _("in person only"))]
        when: Any = self.fields["when"]
        when.choices = [(WHEN_UPCOMING, _("upcoming")), (WHEN_PAST, _("past")), ("all", _("all dates"))]

    def filters(self, *, default_when: str | None = WHEN_UPCOMING) -> dict[str, Any]:
        """The selectors' keyword arguments; `when` is `default_when` unless chosen ("all": every date)."""
        cleaned: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            cleaned = getattr(self, "cleaned_data", {})
        valid = {name: cleaned.get(name) for name in self.fields}
        when = valid.get("when") or default_when
        online = {"online": True, "in_person": False}.get(valid.get("online") or "")
        return {
            "region": valid.get("region") or None,
            "kind": valid.get("kind") or None,
            "topic": valid.get("topic") or None,
            "online": online,
            "when": when,
        }

    def query(self) -> dict[str, str]:
        """The valid filters as they were typed (for the feed's address and the pages' links)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: str(self.data.get(name)) for name in self.fields if cleaned.get(name)}


# --- the event ---------------------------------------------------------------------------------------------------


class EventForm(_Prefixed):
    """The event's own fields (EVENT_FIELDS of the services)."""

    id_prefix = "event"

    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=EventFormat.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description (Markdown)"), widget=TEXT, required=False)
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        required=False,
        help_text=_("The times above are in this zone. Empty: the municipality's."),
    )
    organizers = forms.ModelMultipleChoiceField(
        label=_("Organisers"),
        queryset=Organization.objects.none(),
        help_text=_("Their chairs and staff run the event with you."),
    )
    partners = forms.ModelMultipleChoiceField(label=_("Partners"), queryset=Organization.objects.none(), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none(), required=False)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False)
    online_url = forms.URLField(label=_("Online link"), max_length=500, required=False, assume_scheme="https")
    audience = forms.CharField(label=_("Audience"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(
        label=_("Seats"), min_value=1, required=False, help_text=_("Empty: unlimited. When full, a waiting list.")
    )
    registration_opens_at = LocalDateTimeField(label=_("Registration opens"), required=False)
    registration_closes_at = LocalDateTimeField(
        label=_("Registration closes"), required=False, help_text=_("Empty: until the event ends.")
    )

    def __init__(
        self,
        *args: Any,
        organizers: QuerySet[Organization],
        partners: QuerySet[Organization],
        event: Event | None = None,
        **kwargs: Any,
    ) -> None:
        unbound = (args[0] if args else kwargs.get("data")) is None
        if event is not None and unbound and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(event)
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organizers"]
        field.queryset = organizers
        field = self.fields["partners"]
        field.queryset = partners
        field = self.fields["region"]
        field.queryset = Region.objects.order_by("name_ru", "code")
        municipality_ids = set(organizers.exclude(municipality=None).values_list("municipality_id", flat=True))
        if event is not None and event.municipality_id:
            municipality_ids.add(event.municipality_id)
        field = self.fields["municipality"]
        field.queryset = Municipality.objects.filter(pk__in=municipality_ids).order_by("name_ru", "pk")
        field = self.fields["topics"]
        field.queryset = Topic.objects.filter(is_active=True).order_by("position", "pk")

    @staticmethod
    def initial_of(event: Event) -> dict[str, Any]:
        links = list(event.organizer_links.all())
        return {
            "kind": event.kind,
            "format": event.format,
            "title": event.title,
            "description": event.description,
            "starts_at": local_value(event.starts_at, event.time_zone),
            "ends_at": local_value(event.ends_at, event.time_zone),
            "time_zone": event.time_zone,
            "organizers": [link.organization_id for link in links if link.role == "organizer"],
            "partners": [link.organization_id for link in links if link.role == "partner"],
            "region": event.region_id,
            "municipality": event.municipality_id,
            "venue": event.venue,
            "address": event.address,
            "latitude": event.latitude,
            "longitude": event.longitude,
            "online_url": event.online_url,
            "audience": event.audience,
            "topics": [t.pk for t in event.topics.all()],
            "capacity": event.capacity,
            "registration_opens_at": local_value(event.registration_opens_at, event.time_zone),
            "registration_closes_at": local_value(event.registration_closes_at, event.time_zone),
        }

    def event_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organizers"] = list(data["organizers"])
        data["partners"] = list(data["partners"])
        data["topics"] = list(data["topics"])
        return data


class CancelForm(_Prefixed):
    id_prefix = "cancel"

    comment = forms.CharField(label=_("Reason for the cancellation"), widget=forms.Textarea(attrs={"rows": 2}))


# --- programme and materials -------------------------------------------------------------------------------------


class SessionForm(_Prefixed):
    id_prefix = "session"

    title = forms.CharField(label=_("Title"), max_length=300)
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"), required=False)
    room = forms.CharField(label=_("Room"), max_length=200, required=False)
    speakers = forms.CharField(
        label=_("Speakers"), widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text=_("Names, positions")
    )
    speaker_emails = forms.CharField(
        label=_("Speakers on the platform"),
        required=False,
        help_text=_("Their e-mail addresses, separated by commas: their names link to the session."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, session: Session | None = None, zone_name: str = "", **kwargs: Any) -> None:
        unbound = (args[0] if args else kwargs.get("data")) is None
        if session is not None and unbound and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": session.title,
                "starts_at": local_value(session.starts_at, zone_name),
                "ends_at": local_value(session.ends_at, zone_name),
                "room": session.room,
                "speakers": session.speakers,
                "speaker_emails": ", ".join(u.email for u in session.speaker_users.all()),
                "description": session.description,
            }
        super().__init__(*args, **kwargs)

    def clean_speaker_emails(self) -> list[User]:
        emails = [e.strip().lower() for e in self.cleaned_data.get("speaker_emails", "").replace(";", ",").split(",")]
        emails = [e for e in dict.fromkeys(emails) if e]
        users = {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)}
        unknown = [e for e in emails if e not in users]
        if unknown:
            raise forms.ValidationError(
                _("No user with the address %(emails)s.") % {"emails": ", ".join(unknown)}, code="unknown_user"
            )
        return [users[e] for e in emails]

    def session_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["speaker_users"] = data.pop("speaker_emails")
        return data


class MaterialForm(_Prefixed):
    id_prefix = "material"

    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices, initial=MaterialKind.PRESENTATION)
    file = forms.FileField(label=_("File"), required=False, help_text=_("PDF, DOCX, ODT, XLSX, ODS, DOC, JPG, PNG"))
    url = forms.URLField(
        label=_("Or a link"), max_length=500, required=False, assume_scheme="https", help_text=_("For a recording")
    )
    language = forms.ChoiceField(label=_("Language"), choices=PRACTICE_LANGUAGES, initial="ru")
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=Session.objects.none(), required=False, empty_label=_("the whole event")
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["session"]
        field.queryset = Session.objects.filter(event=event).order_by("starts_at", "position", "pk")
