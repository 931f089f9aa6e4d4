"""Reads of events: who sees which events (in SQL), the calendar with its filters, an event with its programme,
materials, organisers and seats, a person's registrations, the events a person runs, the registrations of an event
for its organisers, and the event a founding resolution belongs to.

Visibility (rules.py says the same per object; keep the two alike): published and cancelled events for everyone;
drafts for those who run the event — the acting chair and staff of an organiser, the staff of the event's
municipality, platform staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from localbridge.core.rules import is_platform_staff, signed_in
from localbridge.organizations.models import Membership, MembershipRole, Organization, OrganizationKind
from localbridge.organizations.models import OrganizationStatus as OrgStatus
from localbridge.practices.models import Topic
from localbridge.territories.models import Region

from ..models import (
    ACTIVE_REGISTRATION_STATUSES,
    EVENT_PUBLIC_STATUSES,
    FORMATS_ONLINE,
    Event,
    EventFormat,
    EventKind,
    EventOrganization,
    Material,
    OrganizerRole,
    Registration,
    RegistrationStatus,
    Session,
)
from ..rules import EVENT_ACTING_ROLES

WHEN_UPCOMING = "upcoming"
WHEN_PAST = "past"
# The feed carries upcoming events and those of the last FEED_PAST_DAYS days, at most FEED_CAP of them.
FEED_PAST_DAYS = 90
FEED_CAP = 500
# How many organisations the organisers' and partners' lists offer platform staff.
ORGANIZATION_CHOICES_CAP = 2000


def _staff_municipality_ids(user: Any) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(
        user=user,
        is_active=True,
        role=MembershipRole.STAFF,
        organization__kind=OrganizationKind.ADMINISTRATION,
        organization__municipality__isnull=False,
    ).values("organization__municipality_id")


def _organised_event_ids(user: Any) -> QuerySet[EventOrganization, Any]:
    return EventOrganization.objects.filter(
        role=OrganizerRole.ORGANIZER,
        organization__memberships__user=user,
        organization__memberships__is_active=True,
        organization__memberships__role__in=EVENT_ACTING_ROLES,
    ).values("event_id")


def _runs_q(user: Any) -> Q:
    """The events `user` runs, as a filter (none for the public)."""
    if not signed_in(user):
        return Q(pk__in=[])
    if is_platform_staff(user):
        return Q()
    return Q(pk__in=_organised_event_ids(user)) | Q(municipality_id__in=_staff_municipality_ids(user))


def event_visible_to(user: Any) -> QuerySet[Event]:
    """Every event `user` may see: the public ones and those they run."""
    if signed_in(user) and is_platform_staff(user):
        return Event.objects.all()
    return Event.objects.filter(Q(status__in=EVENT_PUBLIC_STATUSES) | _runs_q(user))


def _seats_taken() -> Coalesce:
    taken = (
        Registration.objects.filter(event=OuterRef("pk"), status=RegistrationStatus.REGISTERED)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), Value(0))


def _organizer_links() -> Prefetch:
    return Prefetch(
        "organizer_links",
        queryset=EventOrganization.objects.select_related("organization").order_by("role", "position", "pk"),
    )


def _with_list_data(events: QuerySet[Event]) -> QuerySet[Event]:
    return (
        events.select_related("region", "municipality")
        .prefetch_related(_organizer_links(), Prefetch("topics", queryset=Topic.objects.order_by("position", "pk")))
        .annotate(seats_taken=_seats_taken())
    )


def event_list(
    *,
    region: str | None = None,
    municipality: int | None = None,
    kind: str | None = None,
    topic: str | None = None,
    online: bool | None = None,
    when: str | None = None,
    organization: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Event]:
    """The public calendar: published and cancelled events with `seats_taken`, their place, organisers and topics
    (three queries however many). `region` is an ISO 3166-2 code, `topic` a topic's code, `online` True for
    online and hybrid events and False for those in person only; `when` "upcoming" (not over yet, soonest first),
    "past" (over, latest first), "all" or None (every date, latest first)."""
    now = now or timezone.now()
    events = Event.objects.filter(status__in=EVENT_PUBLIC_STATUSES)
    if region:
        events = events.filter(region__code=region.upper())
    if municipality:
        events = events.filter(municipality_id=municipality)
    if kind:
        events = events.filter(kind=kind)
    if topic:
        events = events.filter(topics__code=topic)
    if online is True:
        events = events.filter(format__in=FORMATS_ONLINE)
    elif online is False:
        events = events.filter(format=EventFormat.IN_PERSON)
    if organization:
        events = events.filter(organizer_links__organization_id=organization)
    if when == WHEN_UPCOMING:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    elif when == WHEN_PAST:
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.order_by("-starts_at", "-pk")
    return _with_list_data(events.distinct() if topic or organization else events)


def event_feed(*, now: datetime | None = None, **filters: Any) -> list[Event]:
    """The events of an iCalendar feed with the calendar's filters: without `when`, upcoming ones and those of the
    last FEED_PAST_DAYS days; else as `when` says ("all": every date). At most FEED_CAP, soonest first."""
    now = now or timezone.now()
    when = filters.pop("when", None)
    events = event_list(when=when, now=now, **filters)
    if when is None:
        events = events.filter(ends_at__gte=now - timedelta(days=FEED_PAST_DAYS))
    return list(events.order_by("starts_at", "pk")[:FEED_CAP])


@dataclass(frozen=True)
class FilterOptions:
    regions: list[Region]
    kinds: list[tuple[str, Any]]
    topics: list[Topic]


def filter_options() -> FilterOptions:
    """The calendar's choices: regions that have public events, every kind, the active topics (two queries)."""
    region_ids = Event.objects.filter(status__in=EVENT_PUBLIC_STATUSES, region__isnull=False).values("region_id")
    regions = list(Region.objects.filter(pk__in=region_ids).order_by("name_ru", "code"))
    topics = list(Topic.objects.filter(is_active=True).order_by("position", "pk"))
    return FilterOptions(regions=regions, kinds=list(EventKind.choices), topics=topics)


def event_get(*, pk: int, user: Any) -> Event:
    """One event with its place, organisers, topics, programme (speakers, materials) and materials, if `user` may
    see it; else Http404."""
    sessions = Session.objects.prefetch_related(
        "speaker_users", Prefetch("materials", queryset=Material.objects.order_by("created_at", "pk"))
    ).order_by("starts_at", "position", "pk")
    event = (
        _with_list_data(event_visible_to(user).filter(pk=pk))
        .prefetch_related(
            Prefetch("sessions", queryset=sessions),
            Prefetch(
                "materials",
                queryset=Material.objects.filter(session__isnull=True).order_by("created_at", "pk"),
                to_attr="event_materials",
            ),
        )
        .first()
    )
    if event is None:
        raise Http404
    return event


def event_by_source(source_slug: str) -> Event | None:
    """The event a founding resolution belongs to, by the resolution file's stem
    (e.g. "2016-10-26-amur-tos-conference")."""
    return Event.objects.filter(source_slug=source_slug).first()


@dataclass(frozen=True)
class Seats:
    capacity: int | None
    taken: int
    waiting: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity


def event_seats(event: Event) -> Seats:
    """Seats taken and people waiting (one query)."""
    counts = Registration.objects.filter(event=event).aggregate(
        taken=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    return Seats(capacity=event.capacity, taken=counts["taken"] or 0, waiting=counts["waiting"] or 0)


def registration_of(*, event: Event, user: Any) -> Registration | None:
    """The person's active registration for the event (a seat or a place in the queue), if any."""
    if not signed_in(user):
        return None
    return (
        Registration.objects.filter(event=event, user=user, status__in=ACTIVE_REGISTRATION_STATUSES)
        .order_by("pk")
        .first()
    )


def registrations_mine(*, user: Any, when: str | None = None, now: datetime | None = None) -> QuerySet[Registration]:
    """The person's active registrations with their events, the soonest first (upcoming) or latest first (past)."""
    now = now or timezone.now()
    if not signed_in(user):
        return Registration.objects.none()
    registrations = (
        Registration.objects.filter(user=user, status__in=ACTIVE_REGISTRATION_STATUSES)
        .select_related("event", "event__region", "event__municipality")
        .prefetch_related(
            Prefetch(
                "event__organizer_links",
                queryset=EventOrganization.objects.select_related("organization").order_by("role", "position", "pk"),
            ),
            Prefetch("event__topics", queryset=Topic.objects.order_by("position", "pk")),
        )
    )
    if when == WHEN_UPCOMING:
        return registrations.filter(event__ends_at__gte=now).order_by("event__starts_at", "pk")
    if when == WHEN_PAST:
        return registrations.filter(event__ends_at__lt=now).order_by("-event__starts_at", "-pk")
    return registrations.order_by("-event__starts_at", "-pk")


def events_run_by(*, user: Any) -> QuerySet[Event]:
    """The events `user` runs as an organiser's chair or staff or as municipal staff, and those they created,
    drafts included, the latest first (platform staff: the ones they created or organise)."""
    if not signed_in(user):
        return Event.objects.none()
    own = Q(pk__in=_organised_event_ids(user)) | Q(municipality_id__in=_staff_municipality_ids(user))
    return (
        Event.objects.filter(own | Q(created_by=user))
        .select_related("region", "municipality")
        .annotate(seats_taken=_seats_taken())
        .order_by("-starts_at", "-pk")
    )


def registration_list(*, event: Event) -> QuerySet[Registration]:
    """An event's registrations for its organisers: seats in the order taken, then the waiting list, then the
    cancelled ones, with each person."""
    order = {RegistrationStatus.REGISTERED: 0, RegistrationStatus.WAITLISTED: 1, RegistrationStatus.CANCELLED: 2}
    rank = Case(*[When(status=s, then=Value(n)) for s, n in order.items()], output_field=IntegerField())
    return (
        Registration.objects.filter(event=event)
        .select_related("user")
        .annotate(rank=rank)
        .order_by("rank", "waitlist_position", "created_at", "pk")
    )


def organizer_choices(user: Any, *, include: list[int] | None = None) -> QuerySet[Organization]:
    """The organisations `user` may name as an organiser: those they act for (chair or staff), those of the
    municipalities whose administration they work for; platform staff, every active or registered organisation
    (at most ORGANIZATION_CHOICES_CAP, by name). `include`: those already named on the event."""
    if not signed_in(user):
        return Organization.objects.none()
    extra = Q(pk__in=list(include or []))
    if is_platform_staff(user):
        ids = Organization.objects.filter(status__in=(OrgStatus.ACTIVE, OrgStatus.REGISTERED)).order_by("name", "pk")
        allowed = Q(pk__in=list(ids.values_list("pk", flat=True)[:ORGANIZATION_CHOICES_CAP]))
        return Organization.objects.filter(allowed | extra).order_by("name", "pk")
    acting = Membership.objects.filter(user=user, is_active=True, role__in=EVENT_ACTING_ROLES).values("organization_id")
    return Organization.objects.filter(
        Q(pk__in=acting) | Q(municipality_id__in=_staff_municipality_ids(user)) | extra
    ).order_by("name", "pk")


def partner_choices(user: Any, *, include: list[int] | None = None) -> QuerySet[Organization]:
    """The organisations that may be named as partners: any active or registered one (at most
    ORGANIZATION_CHOICES_CAP by name), and those already named (`include`)."""
    ids = list(
        Organization.objects.filter(status__in=(OrgStatus.ACTIVE, OrgStatus.REGISTERED))
        .order_by("name", "pk")
        .values_list("pk", flat=True)[:ORGANIZATION_CHOICES_CAP]
    )
    return Organization.objects.filter(pk__in=ids + list(include or [])).order_by("name", "pk")
