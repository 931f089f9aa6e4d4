"""The open-data catalogue's pages: the list of datasets, a dataset's data dictionary, and the downloads.
Thin: the catalogue (opendata.py) knows the datasets; everything here is public."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from . import opendata
from .opendata_fields import Group, licence


def links_for(request: HttpRequest) -> opendata.Links:
    """Absolute addresses on this site (the records' pages written into the data)."""
    return opendata.Links(base=request.build_absolute_uri("/").rstrip("/"))


def catalogue(request: HttpRequest) -> HttpResponse:
    datasets = opendata.dataset_list()
    counts = opendata.row_counts(datasets)
    sections = []
    for group in (Group.INDICATORS, Group.REGISTRIES, Group.GRANTS):
        rows = [{"dataset": d, "rows": counts.get(d.slug)} for d in datasets if d.group == group]
        sections.append({"key": group, "label": Group.LABELS[group], "rows": rows})
    return render(
        request,
        "opendata/catalogue.html",
        {"sections": sections, "licence": licence(), "formats": opendata.FORMATS},
    )


def dataset(request: HttpRequest, slug: str) -> HttpResponse:
    found = opendata.dataset_get(slug=slug)
    links = links_for(request)
    return render(
        request,
        "opendata/dataset.html",
        {
            "dataset": found,
            "rows": found.count(),
            "updated": found.updated() if found.updated else None,
            "preview": opendata.preview(found, links),
            "urls": opendata.format_urls(found, links),
            "dictionary_url": opendata.dictionary_url(found, links),
            "licence": licence(),
        },
    )


def download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in opendata.FORMATS:
        raise Http404
    return opendata.download(opendata.dataset_get(slug=slug), fmt, links_for(request))
