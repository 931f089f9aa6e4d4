"""Pages of associations of local authorities: the list (national and international, country, members,
agreements) and an association's page (members with a map, agreements, programmes) with a simple form for its
acting chair or staff to add and remove members.

Thin: forms parse, services_associations decides and writes, rules say who may act; reads from
selectors_associations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from localbridge.core.forms import add_service_errors, errors_to_messages
from localbridge.core.pagination import paginate
from localbridge.organizations.models import Organization

from . import selectors_associations as reads
from . import services_associations
from .forms_associations import AssociationFilterForm, MemberForm
from .models import AssociationMember


def _association(pk: int) -> Organization:
    try:
        return reads.association_get(id=pk)
    except Organization.DoesNotExist:
        raise Http404 from None


def _url(name: str, pk: int) -> str | None:
    """A roadmap page's address ("cooperation:roadmap", "cooperation:programme_create"), where those pages are
    mounted."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def association_list(request: HttpRequest) -> HttpResponse:
    form = AssociationFilterForm(request.GET or None, countries=reads.association_countries())
    page = paginate(request, reads.association_list(**form.filters()))
    return render(
        request,
        "cooperation/association_list.html",
        {"form": form, "page": page, "has_filters": bool(request.GET), "section": "associations"},
    )


def _detail(request: HttpRequest, association: Organization, member_form: MemberForm | None = None) -> HttpResponse:
    members = reads.association_members(association_id=association.pk)
    agreements = reads.association_agreements(association_id=association.pk, user=request.user)
    rows = [
        (agreement, [p for p in agreement.parties.all() if p.organization_id != association.pk])
        for agreement in agreements
    ]
    with_associations: list[Any] = []
    with_municipalities: list[Any] = []
    for agreement, others in rows:
        between_associations = bool(others) and all(p.organization_id is not None for p in others)
        (with_associations if between_associations else with_municipalities).append((agreement, others))
    points = [
        {
            "name": m.municipality.name,
            "lat": m.municipality.latitude,
            "lon": m.municipality.longitude,
            "url": reverse("cooperation:network", args=[m.municipality_id]),
        }
        for m in members
        if m.municipality is not None and m.municipality.latitude is not None and m.municipality.longitude is not None
    ]
    programmes = reads.association_programmes(association_id=association.pk)
    may_manage = request.user.has_perm("cooperation.manage_association_members", association)
    if may_manage and member_form is None:
        member_form = MemberForm(association=association)
    return render(
        request,
        "cooperation/association_detail.html",
        {
            "association": association,
            "members": members,
            "member_count": len(members),
            "memberships": list(reads.association_memberships(association_id=association.pk)),
            "with_associations": with_associations,
            "with_municipalities": with_municipalities,
            "programmes": [(r, _url("cooperation:roadmap", r.pk)) for r in programmes],
            "programme_create_url": _url("cooperation:programme_create", association.pk)
            if request.user.has_perm("cooperation.add_roadmap", association)
            else None,
            "map_data": {"home": None, "partners": points},
            "has_points": bool(points),
            "may_manage": may_manage,
            "member_form": member_form if may_manage else None,
            "section": "associations",
        },
        status=400 if member_form is not None and member_form.errors else 200,
    )


def association_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _association(pk))


@require_POST
@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    association = _association(pk)
    if not request.user.has_perm("cooperation.manage_association_members", association):
        raise PermissionDenied
    form = MemberForm(request.POST, association=association)
    if form.is_valid():
        try:
            member = services_associations.association_member_add(
                actor=request.user, association=association, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"member": "municipality"})
        else:
            name = member.municipality.name if member.municipality else member.organization.name  # type: ignore[union-attr]
            messages.success(request, _("%(name)s is now a member.") % {"name": name})
            return redirect("cooperation:association", association.pk)
    return _detail(request, association, form)


@require_POST
@login_required
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    association = _association(pk)
    if not request.user.has_perm("cooperation.manage_association_members", association):
        raise PermissionDenied
    try:
        member = reads.association_member_get(association_id=association.pk, id=member_pk)
    except AssociationMember.DoesNotExist:
        raise Http404 from None
    try:
        services_associations.association_member_remove(actor=request.user, member=member)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The member is removed."))
    return redirect("cooperation:association", association.pk)
