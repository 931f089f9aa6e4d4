from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from localbridge.organizations import selectors as organization_selectors
from localbridge.territories import selectors as territory_selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "site/home.html",
        {
            "stats": organization_selectors.registry_stats(),
            "regions": territory_selectors.region_list_with_counts()[:24],
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
