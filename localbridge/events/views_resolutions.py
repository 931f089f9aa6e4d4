"""Resolutions' pages: the list, entering a resolution (paste or upload → correct the proposed split → save), a
resolution grouped by addressee with its progress, an item with its status, comments and evidence, and what is
asked of an organisation.

Thin: forms parse, services/resolutions.py decides and writes, rules.py says who may act, selectors/resolutions.py
reads."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from localbridge.core.audit import audit_history
from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.files import file_response
from localbridge.core.forms import add_service_errors, errors_to_messages
from localbridge.core.pagination import paginate
from localbridge.core.rules import is_platform_staff
from localbridge.organizations.models import Organization

from .forms_resolutions import (
    CorrectionForm,
    ItemCommentForm,
    ItemEditForm,
    ItemEvidenceForm,
    ItemStatusForm,
    ResolutionEnterForm,
    ResolutionFilterForm,
    ResolutionHeaderForm,
    SectionRows,
    split_from_post,
)
from .models import RESOLUTION_ITEM_WORKFLOW, ItemEvidence, ResolutionItem, ResolutionItemStatus
from .resolution_parser import ParsedResolution, parse_resolution
from .selectors import resolutions as selectors
from .services import resolutions as services

PENDING_FOLDER = services.PENDING_FOLDER
UPLOAD_SALT = "events.resolution-upload"
# An uploaded file waits a day for its correction to be saved; `events_clean_pending` removes it after that.
UPLOAD_MAX_AGE = int(services.PENDING_MAX_AGE.total_seconds())
HISTORY_LABELS = {
    "create": gettext_lazy("Entered"),
    "update": gettext_lazy("Corrected"),
    "comment": gettext_lazy("Comment"),
    "evidence_add": gettext_lazy("Evidence added"),
    "evidence_remove": gettext_lazy("Evidence removed"),
    **{name: t.label for name, t in RESOLUTION_ITEM_WORKFLOW.transitions.items()},
}


# --- the list -------------------------------------------------------------------------------------------------------


def resolution_list(request: HttpRequest) -> HttpResponse:
    form = ResolutionFilterForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    event_id = _int_or_none(request.GET.get("event"))
    resolutions = selectors.resolution_list(event_id=event_id, q=q)
    page = paginate(request, resolutions)
    return render(
        request,
        "events/resolution_list.html",
        {
            "section": "resolutions",
            "form": form,
            "page": page,
            "has_filters": bool(q or event_id),
            "may_enter": request.user.has_perm("events.enter_resolution"),
        },
    )


def resolution_list_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = ResolutionFilterForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    resolutions = selectors.resolution_list(event_id=_int_or_none(request.GET.get("event")), q=q)
    columns = [
        Column(gettext_lazy("Number"), lambda r: r.pk),
        Column(gettext_lazy("Title"), lambda r: r.title),
        Column(gettext_lazy("Date adopted"), lambda r: r.adopted_on),
        Column(gettext_lazy("Place"), lambda r: r.place),
        Column(gettext_lazy("Event"), lambda r: r.event.title if r.event else ""),
        Column(gettext_lazy("Items"), lambda r: r.items_total),
        Column(gettext_lazy("Done"), lambda r: r.items_done),
        Column(gettext_lazy("In progress"), lambda r: r.items_in_progress),
        Column(gettext_lazy("Not accepted"), lambda r: r.items_not_accepted),
    ]
    return export_response(resolutions.iterator(), columns, filename="resolutions", fmt=fmt)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


# --- entering a resolution ------------------------------------------------------------------------------------------


def _may_choose_no_event(user: Any) -> bool:
    return user.has_perm("events.add_resolution", None)


@login_required
def resolution_enter(request: HttpRequest) -> HttpResponse:
    """Step 1: paste the text or upload a file; the answer is the correction page with the proposed split."""
    if not request.user.has_perm("events.enter_resolution"):
        raise PermissionDenied
    initial_event = _int_or_none(request.GET.get("event"))
    chosen = _int_or_none(request.POST.get("event")) if request.method == "POST" else initial_event
    events = selectors.events_for_resolution(request.user, chosen=chosen)
    event_required = not _may_choose_no_event(request.user)
    if request.method == "POST":
        form = ResolutionEnterForm(request.POST, request.FILES, events=events, event_required=event_required)
        if form.is_valid():
            parsed = parse_resolution(form.source_text)
            upload = ""
            if form.source_data is not None:
                upload = _keep_upload(form.source_name, form.source_data)
            header = CorrectionForm(
                initial={
                    "title": parsed.title or (PurePath(form.source_name).stem if form.source_name else ""),
                    "adopted_on": parsed.date,
                    "place": parsed.place or "",
                    "event": form.cleaned_data.get("event"),
                    "source_text": form.source_text,
                    "upload": upload,
                },
                events=events,
                event_required=event_required,
            )
            sections = [SectionRows(addressee=s.addressee or "", items=list(s.items)) for s in parsed.sections]
            return _correction_page(request, header, sections, parsed=parsed, source_name=form.source_name)
    else:
        form = ResolutionEnterForm(initial={"event": initial_event}, events=events, event_required=event_required)
    return render(request, "events/resolution_enter.html", {"section": "resolutions", "entering": True, "form": form})


def _keep_upload(name: str, data: bytes) -> str:
    """Keep the uploaded file until the correction is saved; the page carries a signed reference to it."""
    extension = PurePath(name).suffix.lower()
    stored = default_storage.save(f"{PENDING_FOLDER}/{uuid.uuid4().hex}{extension}", ContentFile(data))
    return signing.dumps({"path": stored, "name": PurePath(name).name}, salt=UPLOAD_SALT)


def _read_upload(token: str) -> tuple[str, str, bytes] | None:
    """(the stored path, the original name, the bytes) of a kept upload, or None if the reference is bad or old."""
    if not token:
        return None
    try:
        value = signing.loads(token, salt=UPLOAD_SALT, max_age=UPLOAD_MAX_AGE)
        path = str(value["path"])
        if not path.startswith(f"{PENDING_FOLDER}/"):
            return None
        with default_storage.open(path, "rb") as handle:
            return path, str(value["name"]), handle.read()
    except (signing.BadSignature, KeyError, TypeError, OSError):
        return None


def _correction_page(
    request: HttpRequest,
    header: CorrectionForm,
    sections: list[SectionRows],
    *,
    parsed: ParsedResolution | None = None,
    source_name: str = "",
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    numbered = [
        {
            "index": i,
            "number": i + 1,
            "addressee": section.addressee,
            "items": [(j, text, _rows(text)) for j, text in enumerate(section.items)],
        }
        for i, section in enumerate(sections)
    ]
    return render(
        request,
        "events/resolution_correct.html",
        {
            "section": "resolutions",
            "entering": True,
            "form": header,
            "sections": numbered,
            "section_numbers": list(range(1, len(sections) + 1)),
            "parsed": parsed,
            "source_name": source_name,
            "split_errors": errors or [],
            "item_count": sum(len(section.items) for section in sections),
        },
        status=status,
    )


def _rows(text: str) -> int:
    """A text area's height that shows the whole item (about 70 characters a line), from 2 to 14 lines."""
    lines = sum(len(line) // 70 + 1 for line in text.split("\n"))
    return min(14, max(2, lines))


@login_required
@require_POST
def resolution_correct(request: HttpRequest) -> HttpResponse:
    """Step 2: the editor's corrections. "Apply" shows them; "Save" saves the resolution."""
    if not request.user.has_perm("events.enter_resolution"):
        raise PermissionDenied
    events = selectors.events_for_resolution(request.user, chosen=_int_or_none(request.POST.get("event")))
    header = CorrectionForm(request.POST, events=events, event_required=not _may_choose_no_event(request.user))
    sections = split_from_post(request.POST)
    upload = _read_upload(request.POST.get("upload", ""))
    source_name = upload[1] if upload else ""
    if request.POST.get("action") != "save":
        header.is_valid()  # show the header's errors too, if any
        return _correction_page(request, header, sections, source_name=source_name)
    if not header.is_valid():
        return _correction_page(request, header, sections, source_name=source_name, status=400)
    data = header.cleaned_data
    try:
        resolution = services.resolution_create_from_split(
            actor=request.user,
            title=data["title"],
            adopted_on=data.get("adopted_on"),
            place=data.get("place") or "",
            event=data.get("event"),
            sections=[{"addressee": s.addressee, "items": s.items} for s in sections],
            source_text=data.get("source_text") or "",
            source_name=upload[1] if upload else "",
            source_data=upload[2] if upload else None,
        )
    except ValidationError as exc:
        split_errors: list[str] = []
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                if name in header.fields:
                    header.add_error(name, errors)
                else:
                    split_errors.extend(message for error in errors for message in error.messages)
        else:
            split_errors.extend(exc.messages)
        return _correction_page(request, header, sections, source_name=source_name, errors=split_errors, status=400)
    if upload:
        default_storage.delete(upload[0])
    messages.success(
        request,
        _("The resolution is saved: %(items)s item(s) to track.") % {"items": resolution.items.count()},
    )
    return redirect("events:resolution_detail", pk=resolution.pk)


# --- a resolution ---------------------------------------------------------------------------------------------------


def resolution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = selectors.resolution_get(pk=pk)
    view = selectors.resolution_detail(resolution=resolution)
    editor = request.user.has_perm("events.change_resolution", resolution)
    updatable = (
        None if editor else selectors.resolution_items_user_may_update(request.user, resolution)
    )  # None: every item
    return render(
        request,
        "events/resolution_detail.html",
        {
            "section": "resolutions",
            "resolution": resolution,
            "view": view,
            "editor": editor,
            "updatable": updatable,
            "event_public": resolution.event is not None and resolution.event.is_public,
        },
    )


def resolution_items_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    resolution = selectors.resolution_get(pk=pk)
    view = selectors.resolution_detail(resolution=resolution)
    rows = [(section_view.section, item) for section_view in view.sections for item in section_view.items]
    columns = [
        Column(gettext_lazy("Addressee"), lambda row: row[0].addressee),
        Column(gettext_lazy("Number"), lambda row: row[1].position),
        Column(gettext_lazy("Text"), lambda row: row[1].text),
        Column(gettext_lazy("Addressee organisations"), lambda row: "; ".join(o.name for o in row[1].addressees.all())),
        Column(gettext_lazy("Due date"), lambda row: row[1].due_on),
        Column(gettext_lazy("Status"), lambda row: row[1].get_status_display()),
        Column(gettext_lazy("Evidence"), lambda row: row[1].evidence.count()),
    ]
    return export_response(iter(rows), columns, filename=f"resolution-{resolution.pk}", fmt=fmt)


def resolution_source(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The resolution's source: the uploaded file if there is one, else the text as it was pasted."""
    resolution = selectors.resolution_get(pk=pk)
    if resolution.source_file:
        extension = PurePath(resolution.source_file.name).suffix.lower()
        content_type = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if extension == ".docx"
            else "text/plain; charset=utf-8"
        )
        return file_response(
            resolution.source_file,
            content_type=content_type,
            filename=resolution.source_name or f"resolution-{resolution.pk}{extension}",
        )
    response = HttpResponse(resolution.source_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="resolution-{resolution.pk}.txt"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def resolution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = selectors.resolution_get(pk=pk)
    if not request.user.has_perm("events.change_resolution", resolution):
        raise PermissionDenied
    events = selectors.events_for_resolution(  # the current one stays offered
        request.user, also=resolution.event_id, chosen=_int_or_none(request.POST.get("event"))
    )
    form = ResolutionHeaderForm(
        request.POST or None,
        initial={
            "title": resolution.title,
            "adopted_on": resolution.adopted_on,
            "place": resolution.place,
            "event": resolution.event_id,
        },
        events=events,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resolution_update(
                resolution=resolution,
                actor=request.user,
                title=form.cleaned_data["title"],
                adopted_on=form.cleaned_data.get("adopted_on"),
                place=form.cleaned_data.get("place") or "",
                event=form.cleaned_data.get("event"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The resolution is saved."))
            return redirect("events:resolution_detail", pk=resolution.pk)
    return render(
        request, "events/resolution_edit.html", {"section": "resolutions", "resolution": resolution, "form": form}
    )


# --- an item --------------------------------------------------------------------------------------------------------


def _item(pk: int, item_pk: int) -> ResolutionItem:
    return selectors.item_get(pk=item_pk, resolution_pk=pk)


def _history(item: ResolutionItem) -> list[dict[str, Any]]:
    statuses = dict(ResolutionItemStatus.choices)
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "label": HISTORY_LABELS.get(entry.action, entry.action),
            "actor": entry.actor.display_name if entry.actor and hasattr(entry.actor, "display_name") else entry.actor,
            "from_status": statuses.get(entry.from_status, entry.from_status),
            "to_status": statuses.get(entry.to_status, entry.to_status),
            "comment": entry.comment,
        }
        for entry in audit_history(obj=item)
    ]


def _item_page(
    request: HttpRequest,
    item: ResolutionItem,
    *,
    status_form: ItemStatusForm | None = None,
    comment_form: ItemCommentForm | None = None,
    evidence_form: ItemEvidenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_update = request.user.has_perm("events.update_resolution_item", item)
    initial_status = next(
        (choice for choice, _label in ResolutionItemStatus.choices if choice != item.status), item.status
    )
    return render(
        request,
        "events/resolution_item.html",
        {
            "section": "resolutions",
            "resolution": item.resolution,
            "item": item,
            "comments": list(selectors.item_comments(item=item)),
            "history": _history(item),
            "may_update": may_update,
            "editor": request.user.has_perm("events.change_resolution", item),
            "status_form": status_form or ItemStatusForm(initial={"status": initial_status}, prefix="status"),
            "comment_form": comment_form or ItemCommentForm(prefix="comment"),
            "evidence_form": evidence_form or ItemEvidenceForm(prefix="evidence"),
        },
        status=status,
    )


def item_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    return _item_page(request, _item(pk, item_pk))


@login_required
@require_POST
def item_status(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(pk, item_pk)
    if not request.user.has_perm("events.update_resolution_item", item):
        raise PermissionDenied
    form = ItemStatusForm(request.POST, prefix="status")
    if form.is_valid():
        try:
            services.item_set_status(
                item=item,
                actor=request.user,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data.get("comment") or "",
                evidence=form.evidence(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The status is now “%(status)s”.") % {"status": item.get_status_display()})
            return redirect("events:resolution_item", pk=pk, item_pk=item.pk)
    return _item_page(request, _item(pk, item_pk), status_form=form, status=400)


@login_required
@require_POST
def item_comment(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(pk, item_pk)
    if not request.user.has_perm("events.update_resolution_item", item):
        raise PermissionDenied
    form = ItemCommentForm(request.POST, prefix="comment")
    if form.is_valid():
        try:
            services.item_comment_add(item=item, actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The comment is added."))
            return redirect("events:resolution_item", pk=pk, item_pk=item.pk)
    return _item_page(request, item, comment_form=form, status=400)


@login_required
@require_POST
def item_evidence(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(pk, item_pk)
    if not request.user.has_perm("events.update_resolution_item", item):
        raise PermissionDenied
    form = ItemEvidenceForm(request.POST, prefix="evidence")
    if form.is_valid():
        try:
            services.item_evidence_add(item=item, actor=request.user, evidence=form.evidence())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The evidence is added."))
            return redirect("events:resolution_item", pk=pk, item_pk=item.pk)
    return _item_page(request, item, evidence_form=form, status=400)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int, item_pk: int, evidence_pk: int) -> HttpResponse:
    item = _item(pk, item_pk)
    evidence = get_object_or_404(ItemEvidence.objects.select_related("item"), pk=evidence_pk, item=item)
    if not request.user.has_perm("events.update_resolution_item", item):
        raise PermissionDenied
    try:
        services.item_evidence_remove(evidence=evidence, actor=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The evidence is removed."))
    return redirect("events:resolution_item", pk=pk, item_pk=item.pk)


@login_required
def item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(pk, item_pk)
    if not request.user.has_perm("events.change_resolution", item):
        raise PermissionDenied
    current = [o.pk for o in item.addressees.all()]
    suggested = [o.pk for o in selectors.organizations_for_addressee(item.section.addressee)]
    form = ItemEditForm(
        request.POST or None,
        initial={"text": item.text, "due_on": item.due_on, "addressees": current},
        organizations=Organization.objects.filter(pk__in={*current, *suggested}).order_by("name", "pk"),
    )
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data.get("addressees") or [])
        more_ids = form.more_ids()
        more = selectors.organizations_by_ids(more_ids)
        if len(more) < len(set(more_ids)):
            form.add_error("more", _("Some of these numbers are not in the registry."))
        else:
            try:
                services.item_update(
                    item=item,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    due_on=form.cleaned_data.get("due_on"),
                    addressees=[*chosen, *[o for o in more if o not in chosen]],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The item is saved."))
                return redirect("events:resolution_item", pk=pk, item_pk=item.pk)
    return render(
        request,
        "events/resolution_item_edit.html",
        {"section": "resolutions", "resolution": item.resolution, "item": item, "form": form},
    )


# --- what is asked of an organisation -------------------------------------------------------------------------------


def organization_items(request: HttpRequest, org_pk: int) -> HttpResponse:
    organization = get_object_or_404(Organization, pk=org_pk)
    if not organization.is_public and not is_platform_staff(request.user):
        raise Http404
    items = list(selectors.items_for_organization(organization=organization))
    groups: list[dict[str, Any]] = []
    for item in items:
        if not groups or groups[-1]["resolution"].pk != item.resolution_id:
            groups.append({"resolution": item.resolution, "items": []})
        groups[-1]["items"].append(item)
    for group in groups:
        group["progress"] = selectors.progress_of(i.status for i in group["items"])
    return render(
        request,
        "events/resolution_organization.html",
        {
            "section": "resolutions",
            "organization": organization,
            "groups": groups,
            "progress": selectors.progress_of(i.status for i in items),
            # The organisation's acting chair and staff (and platform staff) update its items from here; the
            # events' organisers do it from each resolution's page.
            "may_update": is_platform_staff(request.user) or selectors.user_acts_for(request.user, organization),
        },
    )


__all__ = [
    "evidence_remove",
    "item_comment",
    "item_detail",
    "item_edit",
    "item_evidence",
    "item_status",
    "organization_items",
    "resolution_correct",
    "resolution_detail",
    "resolution_edit",
    "resolution_enter",
    "resolution_items_export",
    "resolution_list",
    "resolution_list_export",
    "resolution_source",
]
