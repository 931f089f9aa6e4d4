"""The knowledge library's pages: the searchable list, a document's page with its versions, the editors' forms
(a new document, its description, a new version) and its lifecycle moves, and the versions' downloads.

Thin: forms parse, services/library.py decides and writes, rules.py says who may act, selectors/library.py reads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from localbridge.core.audit import audit_history
from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.files import file_response
from localbridge.core.forms import add_service_errors, errors_to_messages

from .forms_library import LibraryDocumentForm, LibraryFilterForm, LibraryMoveForm, LibraryVersionForm
from .models import LIBRARY_WORKFLOW, DocumentVersion, LibraryDocument, LibraryDocumentStatus, VersionTextSource
from .selectors import library as selectors
from .services import library as services

HISTORY_LABELS = {
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Description changed"),
    "version": gettext_lazy("New version"),
    **{name: t.label for name, t in LIBRARY_WORKFLOW.transitions.items()},
}
PDF_TEXT_NOTE = gettext_lazy(
    "The text of a PDF file is not read automatically: the document is found by its title and summary only. Add "
    "a version with the text pasted in so that the search finds its words."
)


def _document_for(request: HttpRequest, pk: int, perm: str = "") -> LibraryDocument:
    """The document if the user may see it (else 404) and, when `perm` is given, do it (else 403)."""
    try:
        document = selectors.library_document_get(id=pk, user=request.user)
    except LibraryDocument.DoesNotExist:
        raise Http404 from None
    if perm and not request.user.has_perm(perm, document):
        raise PermissionDenied
    return document


def _posted(request: HttpRequest) -> tuple[Any, Any]:
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _history_rows(document: LibraryDocument) -> list[dict[str, Any]]:
    labels = dict(LibraryDocumentStatus.choices)
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "label": HISTORY_LABELS.get(entry.action, entry.action),
            "actor": entry.actor.display_name if entry.actor else _("the system"),
            "from_status": labels.get(entry.from_status, entry.from_status),
            "to_status": labels.get(entry.to_status, entry.to_status),
            "comment": entry.comment,
        }
        for entry in audit_history(obj=document)
    ]


def _warn_pdf_without_text(request: HttpRequest, version: DocumentVersion) -> None:
    if version.extension == "PDF" and version.text_source == VersionTextSource.NONE:
        messages.warning(request, PDF_TEXT_NOTE)


def library_list(request: HttpRequest) -> HttpResponse:
    may_add = request.user.has_perm("events.add_librarydocument")
    form = LibraryFilterForm(
        request.GET or None, choices=selectors.library_filter_choices(request.user), with_status=may_add
    )
    values: dict[str, Any] = dict(form.values())
    query = values.pop("q", "")
    result = selectors.library_search(user=request.user, q=query, page=request.GET.get("page"), **values)
    filter_query = urlencode({**({"q": query} if query else {}), **values})
    return render(
        request,
        "events/library_list.html",
        {
            "form": form,
            "result": result,
            "page": result.page,
            "has_filters": bool(values) or bool(query),
            "may_add": may_add,
            "export_formats": EXPORT_FORMATS,
            "filter_query": filter_query,
        },
    )


def export_columns() -> list[Column]:
    return [
        Column(gettext_lazy("ID"), lambda d: d.pk),
        Column(gettext_lazy("title"), lambda d: d.title),
        Column(gettext_lazy("kind"), lambda d: d.get_kind_display()),
        Column(gettext_lazy("status"), lambda d: d.get_status_display()),
        Column(gettext_lazy("language"), lambda d: d.language),
        Column(gettext_lazy("author or publisher"), lambda d: d.author),
        Column(gettext_lazy("date of publication"), lambda d: d.published_on),
        Column(gettext_lazy("country"), lambda d: d.country.code if d.country else ""),
        Column(gettext_lazy("region"), lambda d: d.region.code if d.region else ""),
        Column(gettext_lazy("municipality"), lambda d: d.municipality.name if d.municipality else ""),
        Column(gettext_lazy("topics"), lambda d: ", ".join(t.name for t in d.topics.all())),
        Column(gettext_lazy("current version"), lambda d: d.current_version.number if d.current_version else ""),
        Column(gettext_lazy("version date"), lambda d: d.current_version.published_on if d.current_version else ""),
        Column(gettext_lazy("summary"), lambda d: d.summary),
    ]


def library_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The list as the user filtered it, as CSV or XLSX (every matching document, not one page)."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = LibraryFilterForm(
        request.GET or None,
        choices=selectors.library_filter_choices(request.user),
        with_status=request.user.has_perm("events.add_librarydocument"),
    )
    values: dict[str, Any] = dict(form.values())
    rows = selectors.library_export_rows(user=request.user, q=values.pop("q", ""), **values)
    return export_response(rows, export_columns(), filename="library", fmt=fmt)


def library_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_for(request, pk)
    may_edit = request.user.has_perm("events.change_librarydocument", document)
    excerpt, cut = selectors.library_excerpt(document)
    return render(
        request,
        "events/library_detail.html",
        {
            "document": document,
            "current": document.current_version,
            "versions": selectors.library_versions(document),
            "topics": list(document.topics.all()),
            "excerpt": excerpt,
            "excerpt_cut": cut,
            "may_edit": may_edit,
            "moves": LIBRARY_WORKFLOW.available(document) if may_edit else [],
            "history": _history_rows(document) if may_edit else [],
            "pdf_text_note": PDF_TEXT_NOTE,
        },
    )


@login_required
def library_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("events.add_librarydocument"):
        raise PermissionDenied
    data, files = _posted(request)
    form = LibraryDocumentForm(data, files, user=request.user)
    if request.method == "POST" and "show_municipalities" in request.POST:
        form.errors.clear()  # "Show the municipalities": the form again, without complaints
    elif request.method == "POST" and form.is_valid():
        try:
            document = services.library_document_create(
                actor=request.user,
                topics=form.cleaned_data["topics"],
                **form.document_values(),
                **form.version_values(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The document is saved as a draft. Publish it when it is ready."))
            if document.current_version is not None:
                _warn_pdf_without_text(request, document.current_version)
            return redirect("events:library_document", document.pk)
    return render(request, "events/library_form.html", {"form": form, "document": None})


@login_required
def library_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_for(request, pk, "events.change_librarydocument")
    data, _files = _posted(request)
    form = LibraryDocumentForm(data, user=request.user, document=document)
    if request.method == "POST" and "show_municipalities" in request.POST:
        form.errors.clear()
    elif request.method == "POST" and form.is_valid():
        try:
            services.library_document_update(
                document=document, actor=request.user, topics=form.cleaned_data["topics"], **form.document_values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The document is saved."))
            return redirect("events:library_document", document.pk)
    return render(request, "events/library_form.html", {"form": form, "document": document})


@login_required
def library_version_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_for(request, pk, "events.change_librarydocument")
    form = LibraryVersionForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            version = services.library_version_add(document=document, actor=request.user, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Version %(number)d is saved; the earlier ones stay available.") % {"number": version.number}
            )
            _warn_pdf_without_text(request, version)
            return redirect("events:library_document", document.pk)
    return render(request, "events/library_version_form.html", {"form": form, "document": document})


@login_required
@require_POST
def library_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    document = _document_for(request, pk, "events.publish_librarydocument")
    if action not in LIBRARY_WORKFLOW.transitions:
        raise Http404
    form = LibraryMoveForm(request.POST)
    form.is_valid()
    try:
        services.library_document_move(
            document=document, action=action, actor=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": LIBRARY_WORKFLOW.get(action).label})
    return redirect("events:library_document", document.pk)


def library_download(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    """A version's file (any version, old ones too), or its text as a .txt file when it has no file."""
    document = _document_for(request, pk)
    try:
        version = selectors.library_version_get(document=document, number=number)
    except DocumentVersion.DoesNotExist:
        raise Http404 from None
    if version.file:
        try:
            return file_response(
                version.file,
                content_type=version.content_type or "application/octet-stream",
                filename=version.original_name or f"document-{document.pk}-v{version.number}",
            )
        except FileNotFoundError:
            raise Http404 from None
    response = HttpResponse(version.text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}-v{version.number}.txt"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
