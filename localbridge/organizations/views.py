"""The public registry of organisations: the filtered list and its exports, an organisation's page, its
documents, and the user's own organisations. Thin: parse the filter, call a selector, render."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.files import DOCUMENT_TYPES, IMAGE_TYPES, file_response
from localbridge.core.pagination import paginate, querystring_without
from localbridge.core.panels import panels_for

from . import selectors, views_tos
from .models import Organization, OrganizationKind

TOS_PANEL_TEMPLATE = "organizations/partials/_tos_panel.html"
_SERVABLE_TYPES = frozenset({*DOCUMENT_TYPES.values(), *IMAGE_TYPES.values()})
_LEGAL_ENTITY_CHOICES = [("", _("any")), ("yes", _("yes")), ("no", _("no"))]


def _yes_no(value: str) -> bool:
    return value == "yes"


class RegistryFilterForm(forms.Form):
    """The registry's filters, read from the query string. Choices that depend on the data (regions, the chosen
    region's municipalities, the statuses the user may see) are filled in by the caller."""

    q = forms.CharField(label=_("Name or registry number"), required=False, max_length=200)
    region = forms.ChoiceField(label=_("Region"), required=False)
    municipality = forms.TypedChoiceField(label=_("Municipality"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("any")), *OrganizationKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False)
    legal_entity = forms.TypedChoiceField(
        label=_("Legal entity"), required=False, choices=_LEGAL_ENTITY_CHOICES, coerce=_yes_no, empty_value=None
    )

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        region_code = str(data.get("region") or "")
        municipality_id = _int_or_none(data.get("municipality"))
        regions = selectors.filter_regions()
        region_field: Any = self.fields["region"]
        region_field.choices = [("", _("all regions")), *[(r.code, r.name) for r in regions]]
        municipality_field: Any = self.fields["municipality"]
        municipality_field.choices = [
            ("", _("all municipalities") if region_code else _("choose a region first")),
            *[
                (m.pk, m.name)
                for m in selectors.filter_municipalities(region=region_code or None, municipality=municipality_id)
            ],
        ]
        status_field: Any = self.fields["status"]
        status_field.choices = [("", _("any")), *selectors.status_choices_for(user)]

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is reported beside its field and ignored)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "region": cleaned.get("region") or None,
            "municipality": cleaned.get("municipality"),
            "kind": cleaned.get("kind") or None,
            "status": cleaned.get("status") or None,
            "legal_entity": cleaned.get("legal_entity"),
            "q": cleaned.get("q") or None,
        }


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def organization_list(request: HttpRequest) -> HttpResponse:
    form = RegistryFilterForm(request.GET, user=request.user)
    organizations = selectors.organization_list(user=request.user, **form.filters())
    page = paginate(request, selectors.organization_ids(organizations))
    page.object_list = selectors.organizations_by_ids(list(page.object_list))
    query = querystring_without(request, "page")
    return render(
        request,
        "organizations/organization_list.html",
        {
            "form": form,
            "page": page,
            "organizations": page.object_list,
            "filter_query": query,
            "export_formats": EXPORT_FORMATS,
        },
    )


def _export_columns() -> list[Column]:
    return [
        Column(_("ID"), lambda o: o.pk),
        Column(_("name"), lambda o: o.name),
        Column(_("short name"), lambda o: o.short_name),
        Column(_("name in English"), lambda o: o.name_en),
        Column(_("kind"), lambda o: o.get_kind_display()),
        Column(_("status"), lambda o: o.get_status_display()),
        Column(_("region code"), lambda o: o.region.code if o.region else ""),
        Column(_("region"), lambda o: o.region.name if o.region else ""),
        Column(_("municipality"), lambda o: o.municipality.name if o.municipality else ""),
        Column(_("settlement"), lambda o: o.settlement.name if o.settlement else ""),
        Column(_("legal entity"), lambda o: o.is_legal_entity),
        Column(_("OGRN"), lambda o: o.ogrn),
        Column(_("registry number"), lambda o: o.registry_number or ""),
        Column(_("founded"), lambda o: o.founded_on),
        Column(_("website"), lambda o: o.website),
        Column(_("contact e-mail"), lambda o: o.email),
        Column(_("contact phone"), lambda o: o.phone),
        Column(_("address"), lambda o: o.address),
        Column(_("generated"), lambda o: o.is_generated),
    ]


def organization_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The whole filtered registry (not one page) as CSV or XLSX."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = RegistryFilterForm(request.GET, user=request.user)
    organizations = selectors.organization_list(user=request.user, **form.filters())
    return export_response(
        organizations.iterator(chunk_size=2000), _export_columns(), filename="organizations", fmt=fmt
    )


def _url_or_none(name: str, *args: Any) -> str | None:
    """A territories page, when that page exists (the territory pages are optional for this one)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _tos_panel(request: HttpRequest, organization: Organization) -> str | None:
    """The ТОС registration panel (views_tos), rendered in its own context, when it is available."""
    panel_context = getattr(views_tos, "tos_panel_context", None)
    if panel_context is None:
        return None
    try:
        template = get_template(TOS_PANEL_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return template.render(panel_context(request, organization), request)


def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_get(pk=pk, user=request.user)
    insider = selectors.organization_is_insider(organization=organization, user=request.user)
    documents = selectors.document_list_visible(organization=organization, user=request.user, insider=insider)
    context: dict[str, Any] = {
        "organization": organization,
        "leaders": selectors.organization_leaders(organization),
        "documents": list(documents),
        "insider": insider,
        "tos_profile": getattr(organization, "tos", None) if organization.is_tos else None,
        "region_url": _url_or_none("territories:region_detail", organization.region.code)
        if organization.region
        else None,
        "municipality_url": _url_or_none("territories:municipality_detail", organization.municipality_id)
        if organization.municipality_id
        else None,
    }
    if organization.is_tos:
        context["tos_panel"] = _tos_panel(request, organization)
    # Sections that higher modules add (the practice bank: practices authored and adopted); core/panels.py.
    context["panels"] = panels_for("organization_detail", request, organization)
    return render(request, "organizations/organization_detail.html", context)


def document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponseBase:
    """A document of an organisation: public ones for everyone who sees the organisation, private ones for its
    members, its municipality's staff and moderators. Served as an attachment with a verified content type."""
    document, allowed = selectors.document_get(organization_pk=pk, document_pk=doc_pk, user=request.user)
    if not allowed:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    content_type = document.content_type if document.content_type in _SERVABLE_TYPES else "application/octet-stream"
    try:
        return file_response(
            document.file, content_type=content_type, filename=document.original_name or f"document-{document.pk}"
        )
    except FileNotFoundError:
        raise Http404


@login_required
def my_organizations(request: HttpRequest) -> HttpResponse:
    """The user's roles in organisations (with each organisation's status), and the drafts they started."""
    mine = selectors.my_organizations(request.user)
    page = paginate(request, mine["memberships"])
    return render(
        request,
        "organizations/my_organizations.html",
        {"page": page, "memberships": page.object_list, "drafts": list(mine["drafts"][:50])},
    )
