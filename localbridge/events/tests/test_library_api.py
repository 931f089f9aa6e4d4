"""The knowledge library in the JSON API: GET /api/v1/events/library/ (search with word forms, filters, paging)
and GET /api/v1/events/library/{id} with every version, for anonymous callers and editors."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from localbridge.events.services.library import library_version_add
from localbridge.events.tests.library_factories import (
    library_topics,  # noqa: F401  (an autouse fixture)
    make_document,
    platform_staff,
    txt,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/library/"


def test_the_list_searches_by_word_forms_and_filters(client):
    municipality = MunicipalityFactory()
    make_document(
        title="Модельный устав ТОС",
        summary="Образец устава.",
        municipality=municipality,
        topics=["landscaping"],
        publish=True,
    )
    make_document(title="Пособие по субботникам", text="Как провести субботник.", kind="guide", publish=True)
    make_document(title="Черновик устава")
    data = client.get(URL, {"q": "уставов"}).json()
    assert data["count"] == 1 and data["messages"] == []
    item = data["items"][0]
    assert item["title"] == "Модельный устав ТОС"
    assert item["kind"] == "model_charter" and item["status"] == "published"
    assert item["region"] == {"code": municipality.region.code, "name": municipality.region.name}
    assert item["municipality"]["id"] == municipality.pk
    assert [t["code"] for t in item["topics"]] == ["landscaping"]
    assert item["current_version"]["number"] == 1
    assert "<mark>" in item["snippet"]
    assert [i["title"] for i in client.get(URL, {"kind": "guide"}).json()["items"]] == ["Пособие по субботникам"]
    assert client.get(URL, {"q": "устав", "topic": "sport"}).json()["count"] == 0


def test_the_list_pages_by_limit_and_offset(client):
    for n in range(3):
        make_document(title=f"Устав {n}", publish=True, published_on=date(2020, 1, n + 1))
    data = client.get(URL, {"limit": 2, "offset": 2}).json()
    assert data["count"] == 3
    assert [i["title"] for i in data["items"]] == ["Устав 0"]
    assert client.get(URL, {"limit": 500}).status_code == 422


def test_an_unsearchable_query_lists_everything_with_a_message(client):
    make_document(title="Устав", publish=True)
    data = client.get(URL, {"q": "!!!"}).json()
    assert data["count"] == 1 and data["messages"]


def test_editors_see_drafts_through_the_api(client):
    make_document(title="Черновик устава")
    assert client.get(URL, {"status": "draft"}).json()["count"] == 0
    client.force_login(platform_staff())
    assert client.get(URL, {"status": "draft"}).json()["count"] == 1
    assert client.get(URL, {"q": "устав", "status": "draft"}).json()["count"] == 1


def test_a_document_with_its_versions(client):
    editor = platform_staff()
    document = make_document(
        editor, text="", upload=txt("Первая.", name="v1.txt"), version_date=date(2019, 3, 15), publish=True
    )
    library_version_add(
        document=document, actor=editor, text="Вторая редакция.", changes="Правки.", published_on=date(2021, 6, 1)
    )
    data = client.get(f"{URL}{document.pk}").json()
    assert data["text"] == "Вторая редакция."
    assert data["current_version"]["number"] == 2
    versions = data["versions"]
    assert [(v["number"], v["published_on"]) for v in versions] == [(2, "2021-06-01"), (1, "2019-03-15")]
    assert versions[1]["file_name"] == "v1.txt" and versions[1]["text_source"] == "extracted"
    assert versions[0]["changes"] == "Правки." and versions[0]["text_source"] == "entered"
    download = client.get(versions[1]["download_url"])
    assert b"".join(download.streaming_content) == "Первая.".encode()


def test_a_draft_is_not_found_by_anonymous_callers(client):
    document = make_document(title="Черновик")
    response = client.get(f"{URL}{document.pk}")
    assert response.status_code == 404
    assert client.get(f"{URL}999999").status_code == 404


def test_the_list_reads_in_the_same_number_of_queries_as_the_library_grows(client):
    make_document(title="Устав 0", topics=["youth"], publish=True)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "устав"})
    for n in range(1, 5):
        make_document(title=f"Устав {n}", topics=["youth", "sport"], municipality=MunicipalityFactory(), publish=True)
    with CaptureQueriesContext(connection) as many:
        data = client.get(URL, {"q": "устав"}).json()
    assert data["count"] == 5
    assert len(many) == len(few)
