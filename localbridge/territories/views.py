from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def region_list(request: HttpRequest) -> HttpResponse:
    return render(request, "territories/region_list.html", {"regions": selectors.region_list_with_counts()})
