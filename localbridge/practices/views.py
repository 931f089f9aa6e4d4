"""The practice bank's web pages: search with facets and its exports, a practice's page (figures, files, history,
moderation, similar practices, where it spread, "we adopted this"), the write/edit form, the moderators' queue and
the author's own practices. Thin: forms parse, selectors read, services decide and write."""

import math
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.files import DOCUMENT_TYPES, IMAGE_TYPES, file_response
from localbridge.core.forms import add_service_errors
from localbridge.core.pagination import PAGE_SIZE, paginate

from . import selectors, services
from .forms import (
    FACETS,
    AdoptionForm,
    CommentForm,
    FigureFormSet,
    PracticeFilterForm,
    PracticeForm,
    PracticeQuery,
    RecommendForm,
    adopting_organizations,
    figure_initial,
    formset_figures,
    practice_browse,
    practices_by_ids,
    search_module,
)
from .models import (
    PRACTICE_WORKFLOW,
    AttachmentKind,
    FigureKind,
    MoneySource,
    Practice,
    PracticeAttachment,
    PracticeOrganizationRole,
    PracticeStatus,
)
from .rules import allowed_moves, user_is_practice_moderator

# What the history shows for each audited action.
ACTION_LABELS = {
    "create": gettext_lazy("Draft created"),
    "update": gettext_lazy("Edited"),
    "attach": gettext_lazy("File attached"),
    "detach": gettext_lazy("File removed"),
    "submit": gettext_lazy("Sent to moderation"),
    "withdraw": gettext_lazy("Withdrawn from moderation"),
    "resubmit": gettext_lazy("Sent to moderation again"),
    "publish": gettext_lazy("Published"),
    "return": gettext_lazy("Returned for revision"),
    "reject": gettext_lazy("Rejected"),
    "unpublish": gettext_lazy("Unpublished"),
    "restore": gettext_lazy("Published again"),
    "recommend": gettext_lazy("Recommended"),
    "unrecommend": gettext_lazy("Recommendation withdrawn"),
}
FACET_LABELS = {
    "topic": gettext_lazy("Topic"),
    "country": gettext_lazy("Country"),
    "region": gettext_lazy("Region"),
    "municipality": gettext_lazy("Municipality"),
    "organization_kind": gettext_lazy("Kind of organisation"),
    "year": gettext_lazy("Year"),
    "language": gettext_lazy("Language"),
    "recommended": gettext_lazy("Recommended"),
}
# Facets shown open; the others start folded.
OPEN_FACETS = {"topic", "region", "recommended"}
# Moves whose comment is asked for with their own wording.
COMMENT_LABELS = {
    "return": gettext_lazy("Remarks for the author"),
    "reject": gettext_lazy("Reason for the rejection"),
    "unpublish": gettext_lazy("Reason for unpublishing"),
}
PRIMARY_MOVES = {"submit", "resubmit", "publish", "restore"}
SIMILAR_COUNT = 5
EXPORT_MAX_ROWS = 10_000
EXPORT_BATCH = 100  # practice_browse's most per call
_SERVABLE_TYPES = frozenset({*DOCUMENT_TYPES.values(), *IMAGE_TYPES.values()})
_IMAGE_TYPES = frozenset(IMAGE_TYPES.values())


def _status_label(code: str) -> str:
    try:
        return str(PracticeStatus(code).label)
    except ValueError:
        return code


# --- the list and its exports -------------------------------------------------------------------------------


def _facet_groups(query: PracticeQuery, facets: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The facets as the page shows them: each value a link that adds it to the current query (or, when chosen,
    removes it), with its count."""
    params = query.params()
    groups = []
    for name in FACETS:
        chosen = params.get(name)
        without = _urlencode({k: v for k, v in params.items() if k not in (name, "page")})
        values = []
        for value in facets.get(name, []):
            selected = chosen is not None and str(value.value) == chosen
            link = {k: v for k, v in params.items() if k != name}
            if not selected:
                link[name] = str(value.value)
            values.append({"label": value.label, "count": value.count, "selected": selected, "query": _urlencode(link)})
        if chosen is not None and not any(v["selected"] for v in values):
            # A chosen value with no matches left still shows, so that it can be removed.
            values.insert(0, {"label": chosen, "count": 0, "selected": True, "query": without})
        if values:
            groups.append(
                {
                    "name": name,
                    "label": FACET_LABELS[name],
                    "values": values,
                    "open": name in OPEN_FACETS or chosen is not None,
                }
            )
    return groups


def _urlencode(params: dict[str, str]) -> str:
    return urlencode(params)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _search_page(request: HttpRequest, query: PracticeQuery) -> tuple[Page, Any]:
    """The requested page of the search (the nearest valid page when out of range) and the search's result."""
    number = _page_number(request)
    result = practice_browse(query, user=request.user, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    last = max(1, math.ceil(result.count / PAGE_SIZE))
    if number > last:
        number = last
        result = practice_browse(query, user=request.user, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    page = Paginator(range(result.count), PAGE_SIZE).page(number)
    page.object_list = result.items  # type: ignore[assignment]  # the page of practices the search returned
    return page, result


def practice_list(request: HttpRequest) -> HttpResponse:
    """Search and browse published practices: the query box, facets with counts, highlighted snippets."""
    form = PracticeFilterForm(request.GET)
    query = form.query()
    page, result = _search_page(request, query)
    params = query.params()
    filter_query = _urlencode(params)
    feed_params = {k: v for k, v in params.items() if k in ("topic", "region")}
    return render(
        request,
        "practices/practice_list.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "practices": page.object_list,
            "result": result,
            "facet_groups": _facet_groups(query, result.facets),
            "filter_query": filter_query,
            "has_filters": bool(params),
            "export_formats": EXPORT_FORMATS,
            "feed_query": _urlencode(feed_params),
        },
    )


def export_columns() -> list[Column]:
    return [
        Column(gettext_lazy("ID"), lambda p: p.pk),
        Column(gettext_lazy("title"), lambda p: p.title),
        Column(gettext_lazy("summary"), lambda p: p.summary),
        Column(gettext_lazy("topics"), lambda p: ", ".join(t.name for t in p.topics.all())),
        Column(
            gettext_lazy("organisations"),
            lambda p: ", ".join(link.organization.display_name for link in p.organization_links.all()),
        ),
        Column(gettext_lazy("country"), lambda p: p.country.name if p.country else ""),
        Column(gettext_lazy("region code"), lambda p: p.region.code if p.region else ""),
        Column(gettext_lazy("region"), lambda p: p.region.name if p.region else ""),
        Column(gettext_lazy("municipality"), lambda p: p.municipality.name if p.municipality else ""),
        Column(gettext_lazy("year"), lambda p: p.year),
        Column(gettext_lazy("language"), lambda p: p.get_language_display()),
        Column(gettext_lazy("recommended"), lambda p: p.is_recommended),
        Column(gettext_lazy("adopted by"), lambda p: getattr(p, "adoption_count", 0)),
        Column(gettext_lazy("published"), lambda p: p.published_at),
        Column(gettext_lazy("generated"), lambda p: p.is_generated),
        Column(gettext_lazy("link"), lambda p: p.url),
    ]


def _export_rows(request: HttpRequest, query: PracticeQuery) -> Any:
    """Every result of the search (in its order, up to EXPORT_MAX_ROWS), fetched a batch at a time."""
    offset = 0
    while offset < EXPORT_MAX_ROWS:
        result = practice_browse(query, user=request.user, limit=EXPORT_BATCH, offset=offset, facets=False)
        for practice in result.items:
            url = request.build_absolute_uri(reverse("practices:detail", args=[practice.pk]))
            practice.url = url  # type: ignore[attr-defined]
            yield practice
        offset += EXPORT_BATCH
        if len(result.items) < EXPORT_BATCH:
            return


def practice_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The current results (all pages, not one) as CSV or XLSX."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    query = PracticeFilterForm(request.GET).query()
    return export_response(_export_rows(request, query), export_columns(), filename="practices", fmt=fmt)


# --- a practice's page -----------------------------------------------------------------------------------------


def _history_rows(practice: Practice) -> list[dict[str, Any]]:
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "label": ACTION_LABELS.get(entry.action, entry.action),
            "actor": entry.actor.display_name if entry.actor else _("the system"),
            "from_status": _status_label(entry.from_status) if entry.from_status else "",
            "to_status": _status_label(entry.to_status) if entry.to_status else "",
            "comment": entry.comment,
        }
        for entry in selectors.practice_history(practice=practice)
    ]


def _figure_groups(practice: Practice) -> dict[str, Any]:
    figures = list(practice.figures.all())
    money: OrderedDict[str, list[Any]] = OrderedDict()
    sources = dict(MoneySource.choices)
    for figure in figures:
        if figure.kind == FigureKind.MONEY:
            money.setdefault(str(sources.get(figure.source, figure.source)), []).append(figure)
    return {
        "beneficiaries": [f for f in figures if f.kind == FigureKind.BENEFICIARIES],
        "volunteers": [f for f in figures if f.kind == FigureKind.VOLUNTEERS],
        "money": list(money.items()),
        "money_totals": sorted(selectors.money_by_currency(figures).items()),
        "metrics": [f for f in figures if f.kind == FigureKind.METRIC],
        "other": [f for f in figures if f.kind == FigureKind.OTHER],
        "any": bool(figures),
    }


def _similar(practice: Practice) -> list[Practice]:
    """Published practices like this one: by the words they share (practices.search.practice_similar, when the
    search integration is installed), else by the topics they share."""
    similar = getattr(search_module(), "practice_similar", None)
    if similar is not None:
        found = [hit.practice for hit in similar(practice, limit=SIMILAR_COUNT) if hit.practice.pk != practice.pk]
        if found:
            return found
    topic_ids = [topic.pk for topic in practice.topics.all()]
    if not topic_ids:
        return []
    ids = list(
        selectors.practice_visible_to(None)
        .filter(topics__in=topic_ids)
        .exclude(pk=practice.pk)
        .values("pk")
        .annotate(shared=Count("pk"))
        .order_by("-shared", "-published_at", "-pk")
        .values_list("pk", flat=True)[:SIMILAR_COUNT]
    )
    return practices_by_ids(ids)


def _map_points(adoptions: list[Any], practice: Practice) -> list[dict[str, Any]]:
    points = []
    for adoption in adoptions:
        if adoption.latitude is None or adoption.longitude is None:
            continue
        place = adoption.municipality or adoption.organization.municipality
        points.append(
            {
                "lat": adoption.latitude,
                "lng": adoption.longitude,
                "name": adoption.organization.display_name,
                "place": place.name if place else "",
                "date": adoption.adopted_on.isoformat(),
                "url": reverse("organizations:detail", args=[adoption.organization_id]),
            }
        )
    return points


def _origin_point(practice: Practice) -> dict[str, Any] | None:
    municipality = practice.municipality
    if municipality is None or municipality.latitude is None or municipality.longitude is None:
        return None
    return {
        "lat": municipality.latitude,
        "lng": municipality.longitude,
        "name": practice.title,
        "place": municipality.name,
    }


def _moves(user: Any, practice: Practice) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "label": t.label,
            "url": reverse("practices:move", args=[practice.pk, t.name]),
            "comment_required": t.comment_required,
            "comment_label": COMMENT_LABELS.get(t.name, gettext_lazy("Comment (optional)")),
            "moderator": t.name not in ("submit", "withdraw", "resubmit"),
            "primary": t.name in PRIMARY_MOVES,
        }
        for t in allowed_moves(user, practice)
    ]


def _detail_context(
    request: HttpRequest, practice: Practice, *, adoption_form: AdoptionForm | None = None
) -> dict[str, Any]:
    user = request.user
    can_edit = user.has_perm("practices.change_practice", practice)
    is_editor = user.has_perm("practices.submit_practice", practice)
    is_moderator = user_is_practice_moderator(user)
    adoptions = list(selectors.adoptions_for_practice(practice=practice))
    organizations = selectors.practice_organizations(practice=practice)
    attachments = list(practice.attachments.all())
    moves = _moves(user, practice)
    context: dict[str, Any] = {
        "practice": practice,
        "authors": [link for link in organizations if link.role == PracticeOrganizationRole.AUTHOR],
        "partner_links": [link for link in organizations if link.role == PracticeOrganizationRole.PARTNER],
        "figures": _figure_groups(practice),
        "photos": [a for a in attachments if a.kind == AttachmentKind.PHOTO],
        "documents": [a for a in attachments if a.kind == AttachmentKind.DOCUMENT],
        "can_edit": can_edit,
        "can_delete": user.has_perm("practices.delete_practice", practice),
        "show_status": not practice.is_published or is_editor or is_moderator,
        "show_history": is_editor or is_moderator,
        "editor_moves": [m for m in moves if not m["moderator"]],
        "moderator_moves": [m for m in moves if m["moderator"]],
        "can_recommend": practice.is_published and user.has_perm("practices.recommend_practice", practice),
        "comment_form": CommentForm(),
        "recommend_form": RecommendForm(),
        "adoptions": adoptions,
        "map_data": {"origin": _origin_point(practice), "points": _map_points(adoptions, practice)},
        "similar": _similar(practice) if practice.is_published else [],
    }
    context["show_map"] = bool(context["map_data"]["points"])
    if context["show_history"]:
        context["history"] = _history_rows(practice)
    if can_edit:
        missing = services.practice_completeness_errors(practice)
        context["missing"] = [str(m) for errors in missing.values() for e in errors for m in e.messages]
    if practice.is_published and user.is_authenticated:
        organizations_qs = adopting_organizations(user, practice)
        form = adoption_form or AdoptionForm(organizations=organizations_qs, auto_id="adopt_%s")
        context["adoption_form"] = form
        context["can_adopt"] = bool(form.fields["organization"].queryset)  # type: ignore[attr-defined]
    return context


def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get(pk=pk, user=request.user)
    return render(request, "practices/practice_detail.html", _detail_context(request, practice))


def practice_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """A photo (shown inline) or a document (downloaded) of a practice the user may see."""
    visible = selectors.practice_visible_to(request.user).filter(pk=pk).values("pk")
    attachment = PracticeAttachment.objects.filter(pk=file_pk, practice_id__in=visible).first()
    if attachment is None:
        raise Http404
    content_type = attachment.content_type if attachment.content_type in _SERVABLE_TYPES else "application/octet-stream"
    try:
        return file_response(
            attachment.file,
            content_type=content_type,
            filename=attachment.original_name or f"file-{attachment.pk}",
            inline=content_type in _IMAGE_TYPES,
        )
    except FileNotFoundError:
        raise Http404


# --- moderation, recommendation, adoption -------------------------------------------------------------------


def _error_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@login_required
@require_POST
def practice_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow move (submit, withdraw, resubmit, publish, return, reject, unpublish, restore)."""
    if action not in PRACTICE_WORKFLOW.transitions:
        raise Http404
    practice = selectors.practice_get(pk=pk, user=request.user)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.practice_move(practice=practice, actor=request.user, action=action, comment=comment)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
        return redirect("practices:detail", pk=pk)
    messages.success(
        request,
        _("Done: %(action)s. The status is now “%(status)s”.")
        % {"action": PRACTICE_WORKFLOW.get(action).label, "status": practice.get_status_display()},
    )
    return redirect("practices:detail", pk=pk)


@login_required
@require_POST
def practice_recommend(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark as recommended with a justification, or (button `unrecommend`) withdraw the recommendation."""
    practice = selectors.practice_get(pk=pk, user=request.user)
    form = RecommendForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if "unrecommend" in request.POST:
            services.practice_unrecommend(practice=practice, actor=request.user, note=note)
            messages.success(request, _("The recommendation is withdrawn."))
        else:
            services.practice_recommend(practice=practice, actor=request.user, note=note)
            messages.success(request, _("The practice is marked as recommended."))
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    return redirect("practices:detail", pk=pk)


@login_required
def practice_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """ "We adopted this": record that one of the user's organisations replicated the practice."""
    practice = selectors.practice_get(pk=pk, user=request.user)
    if request.method != "POST":
        return redirect(reverse("practices:detail", args=[pk]) + "#adopt")
    form = AdoptionForm(request.POST, organizations=adopting_organizations(request.user, practice), auto_id="adopt_%s")
    if form.is_valid():
        try:
            services.adoption_record(
                practice=practice,
                organization=form.cleaned_data["organization"],
                actor=request.user,
                adopted_on=form.cleaned_data["adopted_on"],
                adaptation=form.cleaned_data["adaptation"],
                result=form.cleaned_data["result"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you: the adoption is recorded."))
            return redirect(reverse("practices:detail", args=[pk]) + "#spread")
    context = _detail_context(request, practice, adoption_form=form)
    return render(request, "practices/practice_detail.html", context, status=400)


# --- writing and editing ---------------------------------------------------------------------------------------


def _refresh_initial(request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for key in request.POST:
        values = request.POST.getlist(key)
        initial[key] = values if key in ("organizations", "topics") else values[-1]
    initial.pop("attachments", None)
    return initial


def _form_page(request: HttpRequest, practice: Practice | None) -> HttpResponse:
    url = request.path
    if request.method == "GET" and request.GET.get("partial") == "place":
        # htmx asks for the municipalities of the chosen region.
        form = PracticeForm(initial=request.GET.dict(), user=request.user, htmx_url=url)
        return render(request, "practices/partials/_place_fields.html", {"form": form})
    status = 200
    if request.method == "POST" and "refresh" in request.POST:
        # Without JavaScript: reload the form with the chosen region's municipalities, keeping what was typed.
        form = PracticeForm(initial=_refresh_initial(request), user=request.user, practice=practice, htmx_url=url)
        formset = FigureFormSet(request.POST, prefix="figures")
        formset.is_valid()
    elif request.method == "POST":
        form = PracticeForm(request.POST, request.FILES, user=request.user, practice=practice, htmx_url=url)
        formset = FigureFormSet(request.POST, prefix="figures")
        forms_valid = form.is_valid()
        figures_valid = formset.is_valid()
        if forms_valid and figures_valid:
            kwargs = form.service_kwargs()
            kwargs["figures"] = formset_figures(formset)
            saved = _save(request, form, formset, practice, kwargs)
            if saved is not None:
                return _after_save(request, saved)
        status = 400
    else:
        form = PracticeForm(user=request.user, practice=practice, htmx_url=url)
        formset = FigureFormSet(initial=figure_initial(practice), prefix="figures")
    missing: list[str] = []
    if practice is not None:
        errors = services.practice_completeness_errors(practice)
        missing = [str(m) for field_errors in errors.values() for e in field_errors for m in e.messages]
    return render(
        request,
        "practices/practice_form.html",
        {
            "form": form,
            "formset": formset,
            "practice": practice,
            "missing": missing,
            "attachments": list(practice.attachments.all()) if practice is not None else [],
        },
        status=status,
    )


def _save(
    request: HttpRequest, form: PracticeForm, formset: Any, practice: Practice | None, kwargs: dict[str, Any]
) -> Practice | None:
    """Create or update the practice and attach the new files, all or nothing; errors go beside the fields."""
    try:
        with transaction.atomic():
            if practice is None:
                saved = services.practice_create(actor=request.user, **kwargs)
            else:
                saved = services.practice_update(practice=practice, actor=request.user, **kwargs)
            for upload in form.cleaned_data.get("attachments") or []:
                services.practice_attach(practice=saved, actor=request.user, upload=upload)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "figures" in exc.error_dict:
            formset._non_form_errors = formset.error_class(
                [m for e in exc.error_dict["figures"] for m in e.messages], renderer=formset.renderer
            )
        add_service_errors(form, exc, aliases={"file": "attachments"})
        if hasattr(exc, "error_dict") and set(exc.error_dict) == {"figures"}:
            form.add_error(None, _("Please correct the figures."))
        return None
    return saved


def _after_save(request: HttpRequest, practice: Practice) -> HttpResponse:
    if "submit" not in request.POST:
        messages.success(request, _("The practice is saved. Send it to moderation when it is complete."))
        return redirect("practices:detail", pk=practice.pk)
    action = "resubmit" if practice.status == PracticeStatus.RETURNED else "submit"
    try:
        services.practice_move(practice=practice, actor=request.user, action=action)
    except ValidationError as exc:
        messages.warning(request, _("The practice is saved, but it cannot be sent to moderation yet:"))
        for message in _error_messages(exc):
            messages.error(request, message)
        return redirect("practices:edit", pk=practice.pk)
    messages.success(request, _("The practice is sent to moderation. You will see the moderator’s decision here."))
    return redirect("practices:detail", pk=practice.pk)


@login_required
def practice_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("practices.create_practice"):
        raise PermissionDenied
    return _form_page(request, None)


@login_required
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get(pk=pk, user=request.user)
    if not request.user.has_perm("practices.change_practice", practice):
        raise PermissionDenied
    return _form_page(request, practice)


@login_required
@require_POST
def practice_detach(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    practice = selectors.practice_get(pk=pk, user=request.user)
    attachment = next((a for a in practice.attachments.all() if a.pk == file_pk), None)
    if attachment is None:
        raise Http404
    try:
        services.practice_detach(attachment=attachment, actor=request.user)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The file is removed."))
    return redirect("practices:edit", pk=pk)


@login_required
def practice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get(pk=pk, user=request.user)
    if not request.user.has_perm("practices.delete_practice", practice):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.practice_delete(practice=practice, actor=request.user)
        except ValidationError as exc:
            for message in _error_messages(exc):
                messages.error(request, message)
            return redirect("practices:detail", pk=pk)
        messages.success(request, _("The practice is deleted."))
        return redirect("practices:mine")
    return render(request, "practices/practice_confirm_delete.html", {"practice": practice})


# --- the moderators' queue and the author's practices ----------------------------------------------------


QUEUE_STATUSES = (
    PracticeStatus.ON_MODERATION,
    PracticeStatus.RETURNED,
    PracticeStatus.PUBLISHED,
    PracticeStatus.REJECTED,
    PracticeStatus.ARCHIVED,
)


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("practices.moderation_queue"):
        raise PermissionDenied
    status = request.GET.get("status") or PracticeStatus.ON_MODERATION
    if status not in QUEUE_STATUSES:
        status = PracticeStatus.ON_MODERATION
    page = paginate(request, selectors.practice_list_for_moderation(status=status))
    return render(
        request,
        "practices/moderation_queue.html",
        {
            "page": page,
            "practices": page.object_list,
            "status": status,
            "statuses": [(s.value, s.label) for s in QUEUE_STATUSES],
        },
    )


@login_required
def my_practices(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.practice_list_mine(user=request.user))
    return render(request, "practices/my_practices.html", {"page": page, "practices": page.object_list})
