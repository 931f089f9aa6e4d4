"""The open-data catalogue in headless Chromium: a visitor opens the catalogue, reads a dataset's dictionary and
downloads its CSV. Every page passes axe and the CSP.

Run by `./dev test` (pytest -m browser, with DJANGO_ALLOW_ASYNC_UNSAFE=true for the live server)."""

import csv
import io

import pytest
from django.urls import reverse

from localbridge.core.testing.browser import assert_accessible

from .factories import seed
from .opendata_data import add_records, opendata_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_a_dictionary_and_downloads_the_csv(page, live_server):
    world = opendata_world(seed())
    add_records(world)
    base = live_server.url

    page.goto(base + reverse("indicators:list"))
    page.click(f'a[href="{reverse("opendata:list")}"]')
    page.wait_for_selector('tr[data-slug="indicator-tos_count"]')
    assert_accessible(page)

    page.click('tr[data-slug="tos"] td:first-child a')
    page.wait_for_selector('tr[data-column="territory_name"]')
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.click('a[href$="/opendata/tos.csv"]')
    path = download_info.value.path()
    with open(path, encoding="utf-8-sig") as downloaded:
        rows = list(csv.DictReader(io.StringIO(downloaded.read())))
    assert len(rows) == 1 and rows[0]["status"] == "registered"
