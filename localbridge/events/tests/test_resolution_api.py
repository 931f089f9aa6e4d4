"""GET /api/v1/events/resolutions/ and /resolutions/{id}: resolutions with items, addressees, statuses, progress."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from localbridge.events.models import ResolutionItemStatus
from localbridge.events.services.resolutions import EvidenceInput, item_set_status
from localbridge.events.tests.events_factories import EventFactory
from localbridge.practices.tests.factories import PublishedPracticeFactory

from .resolution_factories import government, make_resolution, staff_user

pytestmark = pytest.mark.django_db

BASE = "/api/v1/events/resolutions/"


def test_the_list_gives_each_resolution_with_its_progress(client):
    event = EventFactory()
    resolution = make_resolution(event=event)
    item = resolution.items.order_by("section__position", "position").first()
    item_set_status(item=item, actor=staff_user(), status=ResolutionItemStatus.DONE, comment="Сделано.")
    data = client.get(BASE).json()
    assert data["count"] == 1
    [row] = data["items"]
    assert row["id"] == resolution.pk and row["title"] == resolution.title
    assert row["event"] == {"id": event.pk, "title": event.title}
    assert row["progress"] == {
        "total": 3,
        "done": 1,
        "in_progress": 0,
        "not_accepted": 0,
        "not_started": 2,
        "percent": 33,
    }
    assert row["url"].endswith(f"/events/resolutions/{resolution.pk}/")


def test_the_list_filters_by_event_and_pages(client):
    event = EventFactory()
    make_resolution(event=event)
    for n in range(3):
        make_resolution(title=f"Резолюция {n}")
    assert client.get(BASE, {"event": event.pk}).json()["count"] == 1
    page = client.get(BASE, {"limit": 2, "offset": 2}).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert client.get(BASE, {"limit": 500}).status_code == 422


def test_the_list_runs_a_constant_number_of_queries(client):
    make_resolution()
    with CaptureQueriesContext(connection) as one:
        client.get(BASE)
    for n in range(5):
        make_resolution(title=f"Ещё {n}")
    with CaptureQueriesContext(connection) as six:
        client.get(BASE)
    assert len(six) == len(one)


def test_one_resolution_with_its_sections_items_addressees_and_evidence(client):
    organization = government()
    resolution = make_resolution()
    first = resolution.items.order_by("section__position", "position").first()
    practice = PublishedPracticeFactory()
    item_set_status(
        item=first,
        actor=staff_user(),
        status=ResolutionItemStatus.DONE,
        evidence=EvidenceInput(kind="practice", target_id=practice.pk),
    )
    data = client.get(f"{BASE}{resolution.pk}").json()
    assert data["progress"]["done"] == 1 and data["progress"]["total"] == 3
    assert [(s["position"], s["addressee"], len(s["items"])) for s in data["sections"]] == [
        (1, "Правительству Амурской области", 2),
        (2, "Средствам массовой информации", 1),
    ]
    government_section = data["sections"][0]
    assert government_section["progress"]["done"] == 1 and government_section["progress"]["percent"] == 50
    item = government_section["items"][0]
    assert item["number"] == 1 and item["status"] == "done" and item["text"] == first.text
    assert [a["id"] for a in item["addressees"]] == [organization.pk]
    [evidence] = item["evidence"]
    assert evidence["kind"] == "practice" and evidence["target_id"] == practice.pk
    assert evidence["url"].endswith(f"/practices/{practice.pk}/") and evidence["title"] == practice.title
    assert data["sections"][1]["items"][0]["addressees"] == []
    assert data["source_url"].endswith(f"/events/resolutions/{resolution.pk}/source/")


def test_a_section_without_addressee_is_null(client):
    resolution = make_resolution(sections=[{"addressee": None, "items": ["Одно."]}])
    assert client.get(f"{BASE}{resolution.pk}").json()["sections"][0]["addressee"] is None


def test_a_missing_resolution_is_404(client):
    assert client.get(f"{BASE}999999").status_code == 404


def test_the_detail_runs_a_constant_number_of_queries(client):
    small = make_resolution()
    large = make_resolution(sections=[{"addressee": f"Органам {n}", "items": ["А.", "Б."]} for n in range(8)])
    with CaptureQueriesContext(connection) as few:
        client.get(f"{BASE}{small.pk}")
    with CaptureQueriesContext(connection) as many:
        client.get(f"{BASE}{large.pk}")
    assert len(many) == len(few)
