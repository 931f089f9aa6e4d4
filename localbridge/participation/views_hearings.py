"""Hearing and meeting pages: the list, a hearing's page (documents, registration, written proposals — the staff
see them all, the public after the hearing — and the minutes with the decision once held), its iCalendar file,
and the staff's management page (the announcement's form, documents, registrations with attendance, the
proposals' answers, and the moves: announce, held, cancel). Thin: forms parse, services write, selectors read."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from localbridge.core import ical
from localbridge.core.files import file_response
from localbridge.core.forms import add_service_errors, errors_to_messages
from localbridge.core.pagination import paginate
from localbridge.core.text import render_markdown

from . import selectors_surveys as selectors
from .forms_surveys import (
    CancelForm,
    DocumentForm,
    HearingForm,
    HeldForm,
    ProcessFilterForm,
    ProposalAnswerForm,
    ProposalForm,
)
from .models import Hearing, HearingDocument, HearingProposal, HearingStatus
from .services import hearings as services

SECTION = "hearings"


def _manage_or_403(request: HttpRequest, hearing: Hearing) -> None:
    if not request.user.has_perm("participation.manage_process", hearing):
        raise PermissionDenied(_("Only the municipality's staff may do this."))


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    errors_to_messages(request, exc)


def hearing_list(request: HttpRequest) -> HttpResponse:
    form = ProcessFilterForm(request.GET or None, model=Hearing)
    page = paginate(request, selectors.hearing_list(user=request.user, **form.filters()))
    may_create = request.user.is_authenticated and selectors.manageable_municipalities(request.user).exists()
    return render(
        request,
        "participation/hearings/list.html",
        {"section": SECTION, "form": form, "page": page, "hearings": page.object_list, "may_create": may_create},
    )


def hearing_detail(request: HttpRequest, pk: int, proposal_form: ProposalForm | None = None) -> HttpResponse:
    hearing = selectors.hearing_get(pk=pk, user=request.user)
    state = selectors.hearing_state(hearing=hearing, user=request.user)
    return render(
        request,
        "participation/hearings/detail.html",
        {
            "section": SECTION,
            "hearing": hearing,
            "state": state,
            "description": render_markdown(hearing.description),
            "minutes": render_markdown(hearing.minutes) if hearing.status == HearingStatus.HELD else "",
            "documents": list(hearing.documents.all()),
            "proposals": list(selectors.hearing_proposals_visible_to(hearing=hearing, user=request.user)),
            "proposal_form": proposal_form or ProposalForm(),
            "warnings": services.hearing_notice_warnings(hearing) if state.manages else [],
        },
        status=400 if proposal_form is not None else 200,
    )


def hearing_calendar(hearing: Hearing, *, url: str = "", now: datetime | None = None) -> str:
    """The announcement as an iCalendar text (core/ical.py); `url` is the hearing's page (absolute)."""
    description = hearing.description or ""
    if hearing.online_url:
        description = f"{description}\n\n{hearing.online_url}".strip()
    if url:
        description = f"{description}\n\n{url}".strip()
    event = ical.CalendarEvent(
        uid=ical.uid("hearing", hearing.pk),
        starts_at=hearing.starts_at,
        ends_at=hearing.ends_at,
        summary=f"{hearing.get_kind_display()}: {hearing.subject}",
        location=hearing.place or hearing.online_url,
        url=url or hearing.online_url,
        description=description,
        cancelled=hearing.status == HearingStatus.CANCELLED,
        last_modified=hearing.updated_at,
    )
    return ical.calendar([event], now=now)


def hearing_ics(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = selectors.hearing_get(pk=pk, user=request.user)
    url = request.build_absolute_uri(reverse("participation:hearing_detail", args=[hearing.pk]))
    response = HttpResponse(hearing_calendar(hearing, url=url), content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="hearing-{hearing.pk}.ics"'
    return response


def hearing_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponseBase:
    hearing = selectors.hearing_get(pk=pk, user=request.user)
    document = next((d for d in hearing.documents.all() if d.pk == document_pk), None)
    if document is None:
        raise Http404
    suffix = document.file.name.rsplit(".", 1)[-1] if "." in document.file.name else ""
    return file_response(document.file, content_type=document.content_type, filename=f"{document.title}.{suffix}")


@login_required
@require_POST
def hearing_register(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = selectors.hearing_get(pk=pk, user=request.user)
    register = request.POST.get("register", "1") != "0"
    try:
        registered = services.registration_toggle(hearing=hearing, actor=request.user, register=register)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("You are registered.") if registered else _("Your registration is withdrawn."))
    return redirect("participation:hearing_detail", pk=hearing.pk)


@login_required
def hearing_propose(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = selectors.hearing_get(pk=pk, user=request.user)
    if request.method != "POST":
        return redirect(reverse("participation:hearing_detail", args=[hearing.pk]) + "#propose")
    form = ProposalForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_submit(hearing=hearing, actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your proposal is submitted."))
            return redirect("participation:hearing_detail", pk=hearing.pk)
    return hearing_detail(request, pk, proposal_form=form)


# --- the staff's pages ----------------------------------------------------------------------------------------


def _form_page(request: HttpRequest, hearing: Hearing | None) -> HttpResponse:
    municipalities = selectors.manageable_municipalities(request.user)
    form = HearingForm(request.POST or None, instance=hearing, municipalities=municipalities)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if hearing is None:
                    hearing = services.hearing_create(actor=request.user, **form.values())
                else:
                    changes = {k: v for k, v in form.values().items() if k in form.changed_data}
                    hearing = services.hearing_update(hearing=hearing, actor=request.user, **changes)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                for warning in services.hearing_notice_warnings(hearing):
                    messages.warning(request, warning)
                messages.success(request, _("The hearing is saved."))
                return redirect("participation:hearing_manage", pk=hearing.pk)
        status = 400
    return render(
        request,
        "participation/hearings/form.html",
        {"section": SECTION, "hearing": hearing, "form": form},
        status=status,
    )


@login_required
def hearing_create(request: HttpRequest) -> HttpResponse:
    if not selectors.manageable_municipalities(request.user).exists():
        raise PermissionDenied(_("Only the municipality's staff may do this."))
    return _form_page(request, None)


@login_required
def hearing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = selectors.hearing_get(pk=pk, user=request.user)
    _manage_or_403(request, hearing)
    if hearing.status not in (HearingStatus.DRAFT, HearingStatus.ANNOUNCED):
        messages.info(request, _("The hearing can no longer be changed."))
        return redirect("participation:hearing_manage", pk=hearing.pk)
    return _form_page(request, hearing)


@login_required
def hearing_manage(
    request: HttpRequest,
    pk: int,
    *,
    document_form: DocumentForm | None = None,
    held_form: HeldForm | None = None,
    cancel_form: CancelForm | None = None,
) -> HttpResponse:
    hearing = selectors.hearing_get(pk=pk, user=request.user)
    _manage_or_403(request, hearing)
    registrations = list(selectors.hearing_registrations(hearing=hearing))
    attended = sum(1 for r in registrations if r.attended)
    invalid = any(f is not None for f in (document_form, held_form, cancel_form))
    return render(
        request,
        "participation/hearings/manage.html",
        {
            "section": SECTION,
            "hearing": hearing,
            "documents": list(hearing.documents.all()),
            "registrations": registrations,
            "proposals": list(selectors.hearing_proposals_visible_to(hearing=hearing, user=request.user)),
            "transitions": services.HEARING_WORKFLOW.available(hearing),
            "warnings": services.hearing_notice_warnings(hearing),
            "document_form": document_form or DocumentForm(),
            "held_form": held_form or HeldForm(initial={"attendance": attended or None}),
            "cancel_form": cancel_form or CancelForm(),
            "answer_form": ProposalAnswerForm(),
        },
        status=400 if invalid else 200,
    )


def _staff_hearing(request: HttpRequest, pk: int) -> Hearing:
    hearing = selectors.hearing_get(pk=pk, user=request.user)
    _manage_or_403(request, hearing)
    return hearing


@login_required
@require_POST
def hearing_move(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = _staff_hearing(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "held":
            held = HeldForm(request.POST)
            if not held.is_valid():
                return hearing_manage(request, pk, held_form=held)
            try:
                services.hearing_move(hearing=hearing, actor=request.user, action="held", **held.cleaned_data)
            except ValidationError as exc:
                add_service_errors(held, exc)
                return hearing_manage(request, pk, held_form=held)
        elif action == "cancel":
            cancel = CancelForm(request.POST)
            if not cancel.is_valid():
                return hearing_manage(request, pk, cancel_form=cancel)
            services.hearing_move(
                hearing=hearing, actor=request.user, action="cancel", comment=cancel.cleaned_data["comment"]
            )
        else:
            services.hearing_move(hearing=hearing, actor=request.user, action=action)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("participation:hearing_manage", pk=hearing.pk)


@login_required
@require_POST
def hearing_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = _staff_hearing(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                hearing=hearing, actor=request.user, title=form.cleaned_data["title"], upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The document is attached."))
            return redirect("participation:hearing_manage", pk=hearing.pk)
    return hearing_manage(request, pk, document_form=form)


@login_required
@require_POST
def hearing_document_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    hearing = _staff_hearing(request, pk)
    document = HearingDocument.objects.filter(hearing=hearing, pk=document_pk).first()
    if document is None:
        raise Http404
    try:
        services.document_remove(document=document, actor=request.user)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("participation:hearing_manage", pk=hearing.pk)


@login_required
@require_POST
def hearing_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = _staff_hearing(request, pk)
    ids = [int(v) for v in request.POST.getlist("attended") if v.isdigit()]
    try:
        count = services.attendance_mark(hearing=hearing, actor=request.user, attended_user_ids=ids)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Attendance is saved: %(n)s attended.") % {"n": count})
    return redirect("participation:hearing_manage", pk=hearing.pk)


@login_required
@require_POST
def hearing_proposal_answer(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    hearing = _staff_hearing(request, pk)
    proposal = HearingProposal.objects.filter(hearing=hearing, pk=proposal_pk).select_related("hearing").first()
    if proposal is None:
        raise Http404
    form = ProposalAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_answer(proposal=proposal, actor=request.user, answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("The answer is saved."))
    return redirect("participation:hearing_manage", pk=hearing.pk)
