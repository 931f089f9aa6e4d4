"""Events' pages: the public calendar with its filters and its iCalendar feed, an event's page (programme,
materials, the venue on a map, registering and cancelling, seats left or the place on the waiting list, the .ics),
"My events" (one's registrations and the events one runs), and the organisers' pages: creating and editing an
event, its programme and materials, publishing or cancelling it, the registrations with attendance and their
download (CSV, XLSX).

Thin: forms parse, services decide and write (and check permissions), selectors read."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from localbridge.core import ical
from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.files import file_response
from localbridge.core.forms import add_service_errors, errors_to_messages
from localbridge.core.pagination import paginate
from localbridge.core.panels import panels_for
from localbridge.core.text import render_markdown

from .events_calendar import event_ics as make_event_ics
from .events_calendar import feed_ics
from .forms_events import CancelForm, EventFilterForm, EventForm, MaterialForm, SessionForm
from .models import EVENT_WORKFLOW, Event, EventStatus, OrganizerRole, RegistrationStatus
from .selectors import events as selectors
from .services import events as services


def _filters(request: HttpRequest) -> tuple[EventFilterForm, dict[str, Any]]:
    form = EventFilterForm(request.GET or None, options=selectors.filter_options())
    return form, form.filters()


def _managed(request: HttpRequest, pk: int) -> Event:
    """The event, if the user runs it (else 403; 404 if they may not see it)."""
    event = selectors.event_get(pk=pk, user=request.user)
    if not request.user.has_perm("events.change_event", event):
        raise PermissionDenied(_("Only the event's organisers may do this."))
    return event


def _parts(event: Event) -> tuple[list[Any], list[Any]]:
    links = list(event.organizer_links.all())
    return (
        [link.organization for link in links if link.role == OrganizerRole.ORGANIZER],
        [link.organization for link in links if link.role == OrganizerRole.PARTNER],
    )


# --- the calendar and the feed -----------------------------------------------------------------------------------


def calendar(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = paginate(request, selectors.event_list(**filters))
    query = urlencode(form.query())
    return render(
        request,
        "events/calendar.html",
        {
            "section": "calendar",
            "form": form,
            "page": page,
            "events": page.object_list,
            "query": query,
            "has_filters": bool(query),
            "feed_url": request.build_absolute_uri(reverse("events:feed")) + (f"?{query}" if query else ""),
            "may_create": request.user.has_perm("events.create_event"),
            "now": timezone.now(),
        },
    )


def feed(request: HttpRequest) -> HttpResponse:
    """The calendar's filters as an iCalendar feed to subscribe to: published (and cancelled) events, upcoming and
    of the last 90 days unless `when` is given."""
    form = EventFilterForm(request.GET or None, options=selectors.filter_options())
    events = selectors.event_feed(**form.filters(default_when=None))
    text = feed_ics(
        events,
        name=_("LocalBridge events"),
        url_of=lambda e: request.build_absolute_uri(reverse("events:detail", args=[e.pk])),
    )
    response = HttpResponse(text, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


# --- an event's page ---------------------------------------------------------------------------------------------


def _registration_state(event: Event, now: Any) -> str:
    """Why registering is (not) possible now: open, draft, cancelled, over, not_yet, closed."""
    if event.status == EventStatus.DRAFT:
        return "draft"
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    if now >= event.ends_at:
        return "over"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_yet"
    if now >= event.registration_closes():
        return "closed"
    return "open"


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(pk=pk, user=request.user)
    registration = selectors.registration_of(event=event, user=request.user)
    manages = request.user.has_perm("events.change_event", event)
    organizers, partners = _parts(event)
    seated = registration is not None and registration.status == RegistrationStatus.REGISTERED
    return render(
        request,
        "events/event_detail.html",
        {
            "section": "calendar",
            "event": event,
            "description": render_markdown(event.description),
            "organizers": organizers,
            "partners": partners,
            "sessions": list(event.sessions.all()),
            "materials": event.event_materials,  # type: ignore[attr-defined]
            "seats": selectors.event_seats(event),
            "registration": registration,
            "registration_state": _registration_state(event, timezone.now()),
            "manages": manages,
            "show_link": bool(event.online_url) and (seated or manages),
            # Sections that higher modules add (cooperation: the roadmap actions it came out of); core/panels.py.
            "panels": panels_for("event_detail", request, event),
        },
    )


def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The event's calendar file; the online link in it for a registered person and the organisers."""
    event = selectors.event_get(pk=pk, user=request.user)
    registration = selectors.registration_of(event=event, user=request.user)
    with_link = (
        registration is not None and registration.status == RegistrationStatus.REGISTERED
    ) or request.user.has_perm("events.change_event", event)
    url = request.build_absolute_uri(reverse("events:detail", args=[event.pk]))
    response = HttpResponse(make_event_ics(event, url=url, with_link=with_link), content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(pk=pk, user=request.user)
    try:
        registration = services.registration_create(event=event, actor=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(
                request, _("You are registered. The confirmation with the calendar file is sent to your e-mail.")
            )
        else:
            messages.warning(
                request,
                _(
                    "All seats are taken: you are on the waiting list, number %(position)s. If a seat becomes free, "
                    "it is yours in the order of the list, and we will write to you."
                )
                % {"position": registration.waitlist_position},
            )
    return redirect("events:detail", pk=event.pk)


@login_required
@require_POST
def event_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(pk=pk, user=request.user)
    try:
        services.registration_cancel_mine(event=event, actor=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:detail", pk=event.pk)


def material_download(request: HttpRequest, pk: int, material_pk: int) -> HttpResponseBase:
    event = selectors.event_get(pk=pk, user=request.user)
    materials = list(event.event_materials)  # type: ignore[attr-defined]
    materials += [m for s in event.sessions.all() for m in s.materials.all()]
    material = next((m for m in materials if m.pk == material_pk), None)
    if material is None or not material.file:
        raise Http404
    suffix = material.original_name.rsplit(".", 1)[-1].lower() if "." in material.original_name else ""
    filename = f"{material.title}.{suffix}" if suffix else material.title
    return file_response(material.file, content_type=material.content_type, filename=filename)


# --- my events ---------------------------------------------------------------------------------------------------


@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/event_my.html",
        {
            "section": "my",
            "upcoming": list(selectors.registrations_mine(user=request.user, when=selectors.WHEN_UPCOMING)[:200]),
            "past": list(selectors.registrations_mine(user=request.user, when=selectors.WHEN_PAST)[:200]),
            "running": list(selectors.events_run_by(user=request.user)[:200]),
            "may_create": request.user.has_perm("events.create_event"),
        },
    )


# --- creating and editing ----------------------------------------------------------------------------------------


def _event_form(request: HttpRequest, event: Event | None) -> EventForm:
    include = [link.organization_id for link in event.organizer_links.all()] if event is not None else []
    return EventForm(
        request.POST or None,
        organizers=selectors.organizer_choices(request.user, include=include),
        partners=selectors.partner_choices(request.user, include=include),
        event=event,
    )


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("events.create_event"):
        raise PermissionDenied(_("Events are created by the chairs and staff of organisations and municipal staff."))
    form = _event_form(request, None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                event = services.event_create(actor=request.user, **form.event_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The event is saved as a draft. Add its programme, then publish it."))
                return redirect("events:manage", pk=event.pk)
        status = 400
    return render(request, "events/event_form.html", {"section": "my", "form": form, "event": None}, status=status)


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    form = _event_form(request, event)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            revision = event.sequence
            try:
                services.event_update(event=event, actor=request.user, **form.event_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if event.sequence != revision:
                    messages.success(
                        request,
                        _("The event is saved; everyone registered or waiting is told of the change by e-mail."),
                    )
                else:
                    messages.success(request, _("The event is saved."))
                return redirect("events:manage", pk=event.pk)
        status = 400
    return render(request, "events/event_form.html", {"section": "my", "form": form, "event": event}, status=status)


def _manage_page(
    request: HttpRequest,
    event: Event,
    *,
    session_form: SessionForm | None = None,
    material_form: MaterialForm | None = None,
    cancel_form: CancelForm | None = None,
) -> HttpResponse:
    bound = session_form or material_form or cancel_form
    organizers, partners = _parts(event)
    return render(
        request,
        "events/event_manage.html",
        {
            "section": "my",
            "event": event,
            "organizers": organizers,
            "partners": partners,
            "sessions": list(event.sessions.all()),
            "materials": event.event_materials,  # type: ignore[attr-defined]
            "seats": selectors.event_seats(event),
            "session_form": session_form or SessionForm(),
            "material_form": material_form or MaterialForm(event=event),
            "cancel_form": cancel_form or CancelForm(),
            "may_publish": EVENT_WORKFLOW.can(event, "publish"),
            "may_cancel": EVENT_WORKFLOW.can(event, "cancel"),
            "publish_problems": [m for ms in services.event_publish_errors(event).errors.values() for m in ms]
            if event.status == EventStatus.DRAFT
            else [],
            "editable": event.status != EventStatus.CANCELLED,
            "may_enter_resolution": event.status == EventStatus.PUBLISHED
            and request.user.has_perm("events.add_resolution", event),
        },
        status=400 if bound is not None else 200,
    )


@login_required
def event_manage(request: HttpRequest, pk: int) -> HttpResponse:
    return _manage_page(request, _managed(request, pk))


@login_required
@require_POST
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    try:
        services.event_publish(event=event, actor=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("events:manage", pk=event.pk)
    messages.success(request, _("The event is published: it is on the calendar, and people may register."))
    return redirect("events:detail", pk=event.pk)


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.event_cancel(event=event, actor=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The event is cancelled; everyone registered is told by e-mail."))
            return redirect("events:detail", pk=event.pk)
    return _manage_page(request, event, cancel_form=form)


# --- programme and materials -------------------------------------------------------------------------------------


@login_required
@require_POST
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.session_add(event=event, actor=request.user, **form.session_fields())
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"speaker_users": "speaker_emails"})
        else:
            messages.success(request, _("The session is added to the programme."))
            return redirect(reverse("events:manage", args=[event.pk]) + "#programme")
    return _manage_page(request, event, session_form=form)


@login_required
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    event = _managed(request, pk)
    session = next((s for s in event.sessions.all() if s.pk == session_pk), None)
    if session is None:
        raise Http404
    form = SessionForm(request.POST or None, session=session, zone_name=event.time_zone)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.session_update(session=session, actor=request.user, **form.session_fields())
            except ValidationError as exc:
                add_service_errors(form, exc, aliases={"speaker_users": "speaker_emails"})
            else:
                messages.success(request, _("The session is saved."))
                return redirect(reverse("events:manage", args=[event.pk]) + "#programme")
        status = 400
    return render(
        request,
        "events/event_session_form.html",
        {"section": "my", "event": event, "session": session, "form": form},
        status=status,
    )


@login_required
@require_POST
def session_remove(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    event = _managed(request, pk)
    session = next((s for s in event.sessions.all() if s.pk == session_pk), None)
    if session is None:
        raise Http404
    try:
        services.session_remove(session=session, actor=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The session is removed."))
    return redirect(reverse("events:manage", args=[event.pk]) + "#programme")


@login_required
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    form = MaterialForm(request.POST, request.FILES, event=event)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.material_add(
                event=event,
                actor=request.user,
                title=data["title"],
                kind=data["kind"],
                language=data["language"],
                upload=data["file"],
                url=data["url"],
                session=data["session"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The material is added."))
            return redirect(reverse("events:manage", args=[event.pk]) + "#materials")
    return _manage_page(request, event, material_form=form)


@login_required
@require_POST
def material_remove(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    event = _managed(request, pk)
    materials = list(event.event_materials)  # type: ignore[attr-defined]
    materials += [m for s in event.sessions.all() for m in s.materials.all()]
    material = next((m for m in materials if m.pk == material_pk), None)
    if material is None:
        raise Http404
    material.event = event
    try:
        services.material_remove(material=material, actor=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The material is removed."))
    return redirect(reverse("events:manage", args=[event.pk]) + "#materials")


# --- registrations -----------------------------------------------------------------------------------------------


def _managed_registrations(request: HttpRequest, pk: int) -> Event:
    event = selectors.event_get(pk=pk, user=request.user)
    if not request.user.has_perm("events.manage_registrations", event):
        raise PermissionDenied(_("Only the event's organisers may do this."))
    return event


@login_required
def event_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_registrations(request, pk)
    page = paginate(request, selectors.registration_list(event=event), per_page=100)
    return render(
        request,
        "events/event_registrations.html",
        {
            "section": "my",
            "event": event,
            "page": page,
            "registrations": page.object_list,
            "seats": selectors.event_seats(event),
            "formats": EXPORT_FORMATS,
            "attendance_open": event.status == EventStatus.PUBLISHED and timezone.now() >= event.starts_at,
        },
    )


@login_required
@require_POST
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_registrations(request, pk)
    shown = request.POST.getlist("shown")
    present = request.POST.getlist("present")
    try:
        count = services.attendance_mark(
            event=event, actor=request.user, present=present, absent=[s for s in shown if s not in present]
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Attendance is saved: %(count)s attended.") % {"count": count})
    page = request.POST.get("page")
    return redirect(reverse("events:registrations", args=[event.pk]) + (f"?page={page}" if page else ""))


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    """An organiser cancels someone's registration (a freed seat goes to the waiting list)."""
    event = _managed_registrations(request, pk)
    registration = selectors.registration_list(event=event).filter(pk=registration_pk).first()
    if registration is None:
        raise Http404
    registration.event = event
    try:
        services.registration_cancel(registration=registration, actor=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The registration is cancelled."))
    return redirect("events:registrations", pk=event.pk)


def _registration_columns(event: Event) -> list[Column]:
    zone = services.event_zone(event.time_zone)

    def local(value: Any) -> Any:
        return value.astimezone(zone).replace(tzinfo=None) if value else None

    return [
        Column(_("No."), lambda r: r.pk),
        Column(_("Name"), lambda r: r.user.full_name),
        Column(_("E-mail"), lambda r: r.user.email),
        Column(_("Status"), lambda r: r.get_status_display()),
        Column(_("Place in the waiting list"), lambda r: r.waitlist_position),
        Column(_("Registered"), lambda r: local(r.created_at)),
        Column(_("Moved from the waiting list"), lambda r: local(r.promoted_at)),
        Column(_("Cancelled"), lambda r: local(r.cancelled_at)),
        Column(_("Attended"), lambda r: _("yes") if r.attended else ""),
    ]


@login_required
def event_registrations_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The event's registrations as CSV or XLSX, times in the event's time zone (one query)."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    event = _managed_registrations(request, pk)
    rows = selectors.registration_list(event=event).iterator()
    return export_response(rows, _registration_columns(event), filename=f"event-{event.pk}-registrations", fmt=fmt)
