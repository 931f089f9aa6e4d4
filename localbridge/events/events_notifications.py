"""E-mail of events, hung off the domain events of services/events.py (connected in apps.py):

- RegistrationMade: the person is told they have a seat — with the event's .ics attached (the online link in it) —
  or that the event is full and which place on the waiting list they have;
- RegistrationPromoted: a seat became free and is theirs now, with the .ics;
- EventChanged: a published event's time, time zone, place, online link or format changed: everyone registered or
  waiting is told what changed (old → new, in the event's time zone); people with a seat get the updated .ics
  (METHOD:REQUEST, the same UID, a higher SEQUENCE) that replaces the one in their calendar;
- EventCancelled: everyone registered or waiting is told, with the reason and an .ics (METHOD:CANCEL,
  STATUS:CANCELLED, a higher SEQUENCE) that takes the event out of their calendar.

Plain-text, translated messages in the platform's language (accounts keep no language per person), sent after the
transaction commits (core.events.emit) with django.core.mail (the console backend in development, SMTP in
production, the locmem outbox in tests). A failing mail server is logged and does not undo the registration or
the change."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation
from django.utils.translation import gettext as _

from localbridge.core.events import subscribe

from .events_calendar import event_ics, event_update_ics, event_url
from .models import ACTIVE_REGISTRATION_STATUSES, Event, EventFormat, Registration, RegistrationStatus
from .services.events import EventCancelled, EventChanged, RegistrationMade, RegistrationPromoted, event_zone

logger = logging.getLogger(__name__)


def connect() -> None:
    subscribe(RegistrationMade, on_registration_made)
    subscribe(RegistrationPromoted, on_registration_promoted)
    subscribe(EventCancelled, on_event_cancelled)
    subscribe(EventChanged, on_event_changed)


def _span(starts_at: datetime, ends_at: datetime, time_zone: str) -> str:
    zone = event_zone(time_zone)
    starts, ends = starts_at.astimezone(zone), ends_at.astimezone(zone)
    if starts.date() == ends.date():
        span = f"{starts:%d.%m.%Y %H:%M}–{ends:%H:%M}"
    else:
        span = f"{starts:%d.%m.%Y %H:%M} – {ends:%d.%m.%Y %H:%M}"
    return f"{span} ({time_zone})"


def _when(event: Event) -> str:
    return _span(event.starts_at, event.ends_at, event.time_zone)


def _where(event: Event, *, with_link: bool) -> list[str]:
    lines = []
    place = ", ".join(p for p in (event.venue, event.address) if p)
    if place:
        lines.append(_("Where: %(place)s") % {"place": place})
    if with_link and event.online_url:
        lines.append(_("Online: %(url)s") % {"url": event.online_url})
    return lines


def _send(message: EmailMessage, what: str, pk: int) -> None:
    try:
        get_connection().send_messages([message])
    except Exception:  # the mail server failed: the registration stands, the person sees it on the site
        logger.exception("Could not send the %s e-mail of registration %s", what, pk)


def _seat_message(registration: Registration, *, promoted: bool) -> EmailMessage:
    event = registration.event
    if promoted:
        subject = _("A seat is yours: %(title)s") % {"title": event.title}
        opening = _(
            "A seat has become free at “%(title)s”, and you were first on the waiting list: you are registered."
        )
    else:
        subject = _("Registration confirmed: %(title)s") % {"title": event.title}
        opening = _("You are registered for “%(title)s”.")
    lines = [
        opening % {"title": event.title},
        "",
        _("When: %(when)s") % {"when": _when(event)},
        *_where(event, with_link=True),
        "",
        _("The event's page (the programme, materials, and cancelling your registration): %(url)s")
        % {"url": event_url(event)},
        "",
        _("The attached file adds the event to your calendar."),
    ]
    message = EmailMessage(" ".join(subject.split()), "\n".join(lines) + "\n", to=[registration.user.email])
    message.attach(f"event-{event.pk}.ics", event_ics(event, with_link=True), "text/calendar")
    return message


def _waitlist_message(registration: Registration) -> EmailMessage:
    event = registration.event
    subject = _("Waiting list: %(title)s") % {"title": event.title}
    lines = [
        _(
            "All seats at “%(title)s” are taken: you are on the waiting list, number %(position)s. If a seat becomes "
            "free, it is yours in the order of the list, and we will write to you."
        )
        % {"title": event.title, "position": registration.waitlist_position},
        "",
        _("When: %(when)s") % {"when": _when(event)},
        *_where(event, with_link=False),
        "",
        _("The event's page: %(url)s") % {"url": event_url(event)},
    ]
    return EmailMessage(" ".join(subject.split()), "\n".join(lines) + "\n", to=[registration.user.email])


def _registration(pk: int) -> Registration | None:
    return (
        Registration.objects.select_related("event", "event__municipality", "user")
        .filter(pk=pk, user__is_active=True)
        .exclude(user__email="")
        .first()
    )


def on_registration_made(event: RegistrationMade) -> None:
    registration = _registration(event.registration_id)
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if registration.status == RegistrationStatus.REGISTERED:
            message = _seat_message(registration, promoted=False)
        else:
            message = _waitlist_message(registration)
    _send(message, "registration", registration.pk)


def on_registration_promoted(event: RegistrationPromoted) -> None:
    registration = _registration(event.registration_id)
    if registration is None or registration.status != RegistrationStatus.REGISTERED:
        return
    with translation.override(settings.LANGUAGE_CODE):
        message = _seat_message(registration, promoted=True)
    _send(message, "promotion", registration.pk)


def on_event_cancelled(cancelled: EventCancelled) -> None:
    event = Event.objects.select_related("municipality").filter(pk=cancelled.event_id).first()
    if event is None:
        return
    registrations = _active_registrations(event)
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join((_("The event is cancelled: %(title)s") % {"title": event.title}).split())
        lines = [
            _("The organisers have cancelled “%(title)s” (%(when)s).") % {"title": event.title, "when": _when(event)},
        ]
        if event.cancellation_reason:
            lines += ["", _("The reason: %(reason)s") % {"reason": event.cancellation_reason}]
        lines += ["", _("The event's page: %(url)s") % {"url": event_url(event)}]
        body = "\n".join(lines) + "\n"
    messages = []
    for registration in registrations:
        message = EmailMessage(subject, body, to=[registration.user.email])
        ics = event_update_ics(event, attendee=registration.user.email, with_link=False)
        message.attach(f"event-{event.pk}.ics", ics, "text/calendar; method=CANCEL")
        messages.append(message)
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:
        logger.exception("Could not send the cancellation of event %s", event.pk)


def _active_registrations(event: Event) -> list[Registration]:
    return list(
        Registration.objects.filter(event=event, status__in=ACTIVE_REGISTRATION_STATUSES, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )


def _change_lines(event: Event, changes: dict[str, tuple[Any, Any]], *, with_link: bool) -> list[str]:
    """What changed, old → new, times in the event's zone (the old times in the old zone); the online link only
    for people with a seat."""

    def old(name: str) -> Any:
        return changes[name][0] if name in changes else getattr(event, name)

    def new(name: str) -> Any:
        return changes[name][1] if name in changes else getattr(event, name)

    def place(pick: Any) -> str:
        return ", ".join(part for part in (pick("venue"), pick("address")) if part) or "—"

    lines = []
    if {"starts_at", "ends_at", "time_zone"} & set(changes):
        before = _span(old("starts_at"), old("ends_at"), old("time_zone"))
        after = _span(new("starts_at"), new("ends_at"), new("time_zone"))
        lines.append(_("When: %(old)s → %(new)s") % {"old": before, "new": after})
    if "format" in changes:
        labels = dict(EventFormat.choices)
        lines.append(
            _("Format: %(old)s → %(new)s")
            % {"old": labels.get(old("format"), old("format")), "new": labels.get(new("format"), new("format"))}
        )
    if {"venue", "address"} & set(changes):
        lines.append(_("Where: %(old)s → %(new)s") % {"old": place(old), "new": place(new)})
    if with_link and "online_url" in changes:
        lines.append(
            _("Online link: %(old)s → %(new)s") % {"old": old("online_url") or "—", "new": new("online_url") or "—"}
        )
    return lines


def on_event_changed(changed: EventChanged) -> None:
    """Tell everyone registered or waiting what changed; people with a seat get the updated calendar file. A
    change that a later one has superseded by the time this runs (the event's revision is higher) sends nothing:
    the later change's e-mail carries the file that counts."""
    event = Event.objects.select_related("municipality").filter(pk=changed.event_id).first()
    if event is None or event.sequence != changed.sequence:
        return
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join((_("The event has changed: %(title)s") % {"title": event.title}).split())
        for registration in _active_registrations(event):
            seated = registration.status == RegistrationStatus.REGISTERED
            what = _change_lines(event, changed.changes, with_link=seated)
            if not what:  # only the link changed, and a waiting person has none yet
                continue
            lines = [_("The organisers have changed “%(title)s”:") % {"title": event.title}, "", *what, ""]
            if seated:
                lines += [_("The attached file updates the event in your calendar."), ""]
            else:
                lines += [
                    _("You are on the waiting list, number %(position)s.")
                    % {"position": registration.waitlist_position},
                    "",
                ]
            lines.append(_("The event's page: %(url)s") % {"url": event_url(event)})
            message = EmailMessage(subject, "\n".join(lines) + "\n", to=[registration.user.email])
            if seated:
                ics = event_update_ics(event, attendee=registration.user.email, with_link=True)
                message.attach(f"event-{event.pk}.ics", ics, "text/calendar; method=REQUEST")
            messages.append(message)
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:  # the mail server failed: the change stands, the page shows it
        logger.exception("Could not send the change of event %s", event.pk)
