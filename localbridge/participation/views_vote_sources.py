"""The staff page that adds projects to a draft vote from another module's source (core/sources.py), such as "From
a contest": choose a group (a contest with published results), tick its projects, add them. Thin: the offer is
read and the projects are added by services/vote_sources.py; the source's own module is never imported."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from localbridge.core.forms import add_service_errors
from localbridge.core.sources import project_source

from . import selectors_votes as selectors
from .forms_votes import SourceProjectsForm
from .models import VoteStatus
from .services import vote_sources as services


@login_required
def vote_add_from_source(request: HttpRequest, pk: int, source: str) -> HttpResponse:
    vote = selectors.vote_get(pk=pk, user=request.user)
    if not request.user.has_perm("participation.manage_process", vote):
        raise PermissionDenied(_("Only the municipality's staff run this vote."))
    project_src = project_source(source)
    if project_src is None:
        raise Http404(_("There is no such source of projects."))
    if vote.status != VoteStatus.DRAFT:
        messages.info(request, _("Only a draft vote can be changed."))
        return redirect("participation:vote_manage", pk=vote.pk)
    group_id = str((request.POST if request.method == "POST" else request.GET).get("group", ""))[:64]
    offer = services.source_offer(vote=vote, source=project_src, group_id=group_id)
    form = SourceProjectsForm(request.POST or None, offer=offer)
    status = 200
    if request.method == "POST":
        if offer.group is None:
            form.add_error(None, _("Choose where to take the projects from."))
        if form.is_valid():
            try:
                done = services.vote_projects_from_source(
                    vote=vote,
                    actor=request.user,
                    source_key=project_src.key,
                    group_id=offer.group.id if offer.group else "",
                    ids=form.cleaned_data["items"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                count = len(done.added)
                messages.success(
                    request,
                    ngettext("%(count)s project is added.", "%(count)s projects are added.", count) % {"count": count},
                )
                if done.skipped:
                    messages.warning(
                        request,
                        _("Already in the vote, not added again: %(titles)s.")
                        % {"titles": "; ".join(c.title for c in done.skipped)},
                    )
                return redirect("participation:vote_manage", pk=vote.pk)
        status = 400
    return render(
        request,
        "participation/votes/vote_from_source.html",
        {
            "section": "votes",
            "vote": vote,
            "offer": offer,
            "form": form,
            "checked": set(request.POST.getlist("items")) if request.method == "POST" else set(),
        },
        status=status,
    )
