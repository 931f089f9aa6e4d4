"""The knowledge library's pages as contracts through the test client: the searchable list and a document's page
(read in a constant number of queries), the editors' forms with errors beside the fields, downloads of every
version, lifecycle moves, and who is let in."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import LibraryDocument, LibraryDocumentKind, LibraryDocumentStatus
from localbridge.events.services.library import library_version_add
from localbridge.events.tests.library_factories import (
    docx,
    library_topics,  # noqa: F401  (an autouse fixture)
    make_document,
    municipal_staff,
    pdf,
    platform_staff,
    txt,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
LIST = reverse("events:library")


def documents_on(response):
    return [hit.document.title for hit in response.context["page"].object_list]


# --- the list ------------------------------------------------------------------------------------------------


def test_the_main_menu_links_to_the_library(client):
    response = client.get(reverse("site:home"))
    assert f'href="{LIST}"' in response.content.decode()


def test_the_list_shows_published_documents_and_finds_them_by_word_forms(client):
    make_document(title="Модельный устав ТОС", publish=True)
    make_document(title="Черновик положения")
    response = client.get(LIST)
    assert response.status_code == 200
    assert documents_on(response) == ["Модельный устав ТОС"]
    response = client.get(LIST, {"q": "уставами"})
    assert documents_on(response) == ["Модельный устав ТОС"]
    assert "<mark>" in response.content.decode()
    assert documents_on(client.get(LIST, {"q": "уставами", "kind": "law"})) == []


def test_a_bad_filter_value_is_ignored_not_an_error(client):
    make_document(title="Устав", publish=True)
    response = client.get(LIST, {"kind": "poem", "municipality": "abc", "page": "-3"})
    assert response.status_code == 200
    assert documents_on(response) == ["Устав"]


def test_the_status_filter_is_offered_to_editors_only(client):
    make_document(title="Устав", publish=True)
    assert "status" not in client.get(LIST).context["form"].fields
    client.force_login(platform_staff())
    assert "status" in client.get(LIST).context["form"].fields


@pytest.mark.parametrize("query", ["", "устав"])
def test_the_list_reads_in_the_same_number_of_queries_as_the_library_grows(client, query):
    editor = platform_staff()
    make_document(editor, title="Устав 0", topics=["landscaping"], municipality=MunicipalityFactory(), publish=True)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"q": query})
    for n in range(1, 6):
        document = make_document(
            editor,
            title=f"Устав {n}",
            topics=["landscaping", "youth"],
            municipality=MunicipalityFactory(),
            publish=True,
        )
        library_version_add(document=document, actor=editor, text=f"Редакция {n} устава.")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST, {"q": query})
    assert len(documents_on(response)) == 6
    assert len(many) == len(few)


def test_the_list_is_paginated(client):
    for n in range(22):
        make_document(title=f"Устав {n}", publish=True)
    first = client.get(LIST)
    assert len(documents_on(first)) == 20
    second = client.get(LIST, {"page": 2})
    assert len(documents_on(second)) == 2


# --- a document's page ---------------------------------------------------------------------------------------


def test_the_page_shows_the_current_version_and_every_version_with_its_date(client):
    editor = platform_staff()
    document = make_document(
        editor,
        text="",
        upload=txt("Первая редакция устава.", name="ustav-v1.txt"),
        version_date=date(2019, 3, 15),
        topics=["education"],
        publish=True,
    )
    library_version_add(
        document=document,
        actor=editor,
        upload=docx("Вторая редакция устава."),
        changes="Добавлены инициативные проекты.",
        published_on=date(2021, 6, 1),
    )
    response = client.get(reverse("events:library_document", args=[document.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Вторая редакция устава." in html  # the excerpt of the current version
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert "15.03.2019" in html and "01.06.2021" in html
    assert "Добавлены инициативные проекты." in html
    assert reverse("events:library_download", args=[document.pk, 1]) in html
    assert reverse("events:library_download", args=[document.pk, 2]) in html


def test_an_old_version_stays_downloadable(client):
    editor = platform_staff()
    document = make_document(editor, text="", upload=txt("Старый текст.", name="old.txt"), publish=True)
    library_version_add(document=document, actor=editor, upload=txt("Новый текст.", name="new.txt"))
    old = client.get(reverse("events:library_download", args=[document.pk, 1]))
    assert old.status_code == 200
    assert b"".join(old.streaming_content) == "Старый текст.".encode()
    assert 'filename="old.txt"' in old["Content-Disposition"]
    assert old["X-Content-Type-Options"] == "nosniff"
    new = client.get(reverse("events:library_download", args=[document.pk, 2]))
    assert b"".join(new.streaming_content) == "Новый текст.".encode()
    assert client.get(reverse("events:library_download", args=[document.pk, 3])).status_code == 404


def test_a_version_without_a_file_downloads_as_its_text(client):
    document = make_document(text="Только текст.", publish=True)
    response = client.get(reverse("events:library_download", args=[document.pk, 1]))
    assert response.content == "Только текст.".encode()
    assert response["Content-Type"].startswith("text/plain")


def test_the_page_reads_in_the_same_number_of_queries_however_many_versions(client):
    editor = platform_staff()
    document = make_document(editor, topics=["education"], publish=True)
    client.force_login(editor)
    url = reverse("events:library_document", args=[document.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        library_version_add(document=document, actor=editor, text=f"Редакция {n}.", changes=f"Правка {n}.")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["versions"]) == 6
    assert len(many) == len(few)


def test_a_draft_is_not_found_by_the_public(client):
    document = make_document(title="Черновик")
    assert client.get(reverse("events:library_document", args=[document.pk])).status_code == 404
    assert client.get(reverse("events:library_download", args=[document.pk, 1])).status_code == 404


# --- the editors' forms ------------------------------------------------------------------------------------


def test_an_editor_adds_a_document_with_its_file(client):
    client.force_login(platform_staff())
    response = client.post(
        reverse("events:library_create"),
        {
            "kind": LibraryDocumentKind.MODEL_REGULATION,
            "title": "Модельное положение о ТОС",
            "summary": "Для администраций.",
            "language": "ru",
            "topics": ["landscaping"],
            "file": txt("Положение о ТОС. Статья 1."),
        },
    )
    document = LibraryDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:library_document", args=[document.pk])
    assert document.status == LibraryDocumentStatus.DRAFT
    assert document.current_version.text == "Положение о ТОС. Статья 1."


def test_an_unsupported_file_is_refused_beside_the_field_and_nothing_is_saved(client):
    client.force_login(platform_staff())
    response = client.post(
        reverse("events:library_create"),
        {
            "kind": LibraryDocumentKind.REPORT,
            "title": "Отчёт",
            "language": "ru",
            "file": txt("MZ", name="report.exe"),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors and "PDF, DOCX, ODT, TXT" in errors[0]
    assert not LibraryDocument.objects.exists()


def test_show_the_municipalities_reloads_the_form_without_saving(client):
    municipality = MunicipalityFactory()
    client.force_login(platform_staff())
    response = client.post(
        reverse("events:library_create"), {"region": municipality.region_id, "show_municipalities": "1"}
    )
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert municipality in response.context["form"].fields["municipality"].queryset
    assert not LibraryDocument.objects.exists()


def test_a_new_version_of_a_pdf_without_text_says_the_text_is_not_read(client):
    editor = platform_staff()
    document = make_document(editor, publish=True)
    client.force_login(editor)
    response = client.post(
        reverse("events:library_version_add", args=[document.pk]),
        {"file": pdf(), "changes": "Скан подписанной редакции."},
        follow=True,
    )
    assert response.status_code == 200
    texts = [str(m) for m in get_messages(response.wsgi_request)] + [str(m) for m in response.context["messages"]]
    assert any("PDF" in text for text in texts)
    assert document.versions.count() == 2


def test_the_description_is_changed_through_the_form(client):
    editor = platform_staff()
    document = make_document(editor, title="Устав")
    client.force_login(editor)
    response = client.post(
        reverse("events:library_edit", args=[document.pk]),
        {"kind": LibraryDocumentKind.MODEL_CHARTER, "title": "Модельный устав", "language": "ru"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "Модельный устав"


def test_publishing_and_withdrawing_from_the_page(client):
    editor = platform_staff()
    document = make_document(editor)
    client.force_login(editor)
    client.post(reverse("events:library_move", args=[document.pk, "publish"]))
    document.refresh_from_db()
    assert document.status == LibraryDocumentStatus.PUBLISHED
    response = client.post(reverse("events:library_move", args=[document.pk, "withdraw"]), follow=True)
    document.refresh_from_db()
    assert document.status == LibraryDocumentStatus.PUBLISHED  # a reason is required
    assert "Обоснуйте решение." in [str(m) for m in response.context["messages"]]  # "Please explain the decision."
    client.post(reverse("events:library_move", args=[document.pk, "withdraw"]), {"comment": "Устарел."})
    document.refresh_from_db()
    assert document.status == LibraryDocumentStatus.WITHDRAWN


def test_who_is_let_into_the_editors_pages(client):
    municipality = MunicipalityFactory()
    document = make_document(municipal_staff(municipality), municipality=municipality, publish=True)
    create = reverse("events:library_create")
    version = reverse("events:library_version_add", args=[document.pk])
    assert client.get(create).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(create).status_code == 403
    assert client.get(version).status_code == 403
    assert client.post(reverse("events:library_move", args=[document.pk, "withdraw"])).status_code == 403
    client.force_login(municipal_staff(MunicipalityFactory()))
    assert client.get(create).status_code == 200
    assert client.get(version).status_code == 403
    client.force_login(municipal_staff(municipality))
    assert client.get(version).status_code == 200
    assert client.get(reverse("events:library_edit", args=[document.pk])).status_code == 200


@pytest.mark.parametrize("query", ["", "уставы"])
def test_the_filtered_list_downloads_as_csv_and_xlsx(client, query):
    make_document(title="Устав ТОС", kind=LibraryDocumentKind.MODEL_CHARTER, topics=["youth"], publish=True)
    make_document(title="Отчёт об уставах", kind=LibraryDocumentKind.REPORT, publish=True)
    make_document(title="Черновик устава")
    page = client.get(LIST, {"q": query, "kind": "model_charter"}).content.decode()
    assert reverse("events:library_export", args=["csv"]) in page
    response = client.get(reverse("events:library_export", args=["csv"]), {"q": query, "kind": "model_charter"})
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert len(lines) == 2 and "Устав ТОС" in lines[1] and "Молодёжь" in lines[1]
    xlsx = client.get(reverse("events:library_export", args=["xlsx"]), {"q": query})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("events:library_export", args=["pdf"])).status_code == 404
