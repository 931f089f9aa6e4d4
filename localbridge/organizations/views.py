from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import PUBLIC_STATUSES, Organization


def organization_list(request: HttpRequest) -> HttpResponse:
    items = Organization.objects.filter(status__in=PUBLIC_STATUSES)[:25]
    return render(request, "organizations/organization_list.html", {"items": items})


@login_required
def my_organizations(request: HttpRequest) -> HttpResponse:
    return render(request, "organizations/organization_list.html", {"items": []})


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    from django.http import Http404

    raise Http404


organization_export = organization_detail = document_download = _todo
