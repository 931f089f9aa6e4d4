"""The knowledge library's services: documents, versions (old ones kept with their dates), text read from TXT,
DOCX and ODT files (not from PDF), unsupported and damaged files refused with a clear error, territory and
lifecycle rules, the audit trail."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.events.models import DocumentVersion, LibraryDocumentKind, LibraryDocumentStatus, VersionTextSource
from localbridge.events.services.library import (
    extract_text,
    library_document_create,
    library_document_move,
    library_document_update,
    library_version_add,
)
from localbridge.events.tests.library_factories import (
    docx,
    docx_bytes,
    library_topics,  # noqa: F401  (an autouse fixture)
    make_document,
    municipal_staff,
    odt,
    pdf,
    platform_staff,
    txt,
)
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2024, 5, 20, 9, 0, tzinfo=UTC)


def field_codes(exc: ValidationError, field: str) -> set[str]:
    return {e.code or "" for e in exc.error_dict.get(field, [])}


# --- versioning ------------------------------------------------------------------------------------------------


def test_a_new_version_keeps_the_old_one_with_its_date_and_file():
    editor = platform_staff()
    document = make_document(
        editor,
        text="",
        upload=txt("Редакция первая: устав ТОС.", name="ustav-2019.txt"),
        version_date=date(2019, 3, 15),
        now=NOW,
    )
    first = document.current_version
    second = library_version_add(
        document=document,
        actor=editor,
        upload=txt("Редакция вторая: добавлены инициативные проекты.", name="ustav-2021.txt"),
        changes="Добавлены инициативные проекты.",
        published_on=date(2021, 6, 1),
        now=NOW,
    )
    document.refresh_from_db()
    assert document.current_version == second
    versions = list(document.versions.order_by("number"))
    assert [(v.number, v.published_on) for v in versions] == [(1, date(2019, 3, 15)), (2, date(2021, 6, 1))]
    assert versions[0].pk == first.pk
    assert versions[0].text == "Редакция первая: устав ТОС."
    assert versions[0].original_name == "ustav-2019.txt"
    assert versions[0].file.read().decode() == "Редакция первая: устав ТОС."
    assert versions[1].changes == "Добавлены инициативные проекты."


def test_a_version_is_dated_today_by_default_and_cannot_be_dated_in_the_future():
    editor = platform_staff()
    document = make_document(editor, now=NOW)
    version = library_version_add(document=document, actor=editor, text="Новая редакция.", now=NOW)
    assert version.published_on == date(2024, 5, 20)
    assert version.number == 2
    with pytest.raises(ValidationError) as caught:
        library_version_add(
            document=document, actor=editor, text="Из будущего.", published_on=date(2030, 1, 1), now=NOW
        )
    assert field_codes(caught.value, "published_on") == {"in_future"}
    assert document.versions.count() == 2


def test_a_version_needs_a_file_or_a_text():
    editor = platform_staff()
    document = make_document(editor)
    with pytest.raises(ValidationError) as caught:
        library_version_add(document=document, actor=editor, text="   ")
    assert field_codes(caught.value, "file") == {"file_or_text_required"}


def test_a_document_without_a_version_cannot_be_published():
    editor = platform_staff()
    document = library_document_create(actor=editor, kind=LibraryDocumentKind.GUIDE, title="Пособие")
    assert document.current_version is None
    with pytest.raises(ValidationError) as caught:
        library_document_move(document=document, action="publish", actor=editor)
    assert error_codes(caught.value) == {"no_version"}
    library_version_add(document=document, actor=editor, text="Текст пособия.")
    library_document_move(document=document, action="publish", actor=editor)
    assert document.status == LibraryDocumentStatus.PUBLISHED


def test_withdrawing_asks_for_the_reason_and_is_audited():
    editor = platform_staff()
    document = make_document(editor, publish=True)
    with pytest.raises(ValidationError) as caught:
        library_document_move(document=document, action="withdraw", actor=editor)
    assert field_codes(caught.value, "comment") == {"comment_required"}
    library_document_move(document=document, action="withdraw", actor=editor, comment="Утратил силу.")
    library_document_move(document=document, action="republish", actor=editor)
    actions = [(e.action, e.from_status, e.to_status) for e in audit_history(obj=document)]
    assert actions == [
        ("create", "", "draft"),
        ("version", "", ""),
        ("publish", "draft", "published"),
        ("withdraw", "published", "withdrawn"),
        ("republish", "withdrawn", "published"),
    ]


# --- text of a version -------------------------------------------------------------------------------------------


def test_the_text_of_txt_docx_and_odt_files_is_read():
    editor = platform_staff()
    document = make_document(editor, text="", upload=txt("Устав в TXT.\r\n\r\n\r\nВторой абзац."))
    assert document.current_version.text == "Устав в TXT.\n\nВторой абзац."
    assert document.current_version.text_source == VersionTextSource.EXTRACTED
    assert document.current_version.content_type.startswith("text/plain")
    version = library_version_add(document=document, actor=editor, upload=docx("Положение о ТОС", "Статья 1."))
    assert version.text == "Положение о ТОС\nСтатья 1."
    assert version.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    version = library_version_add(document=document, actor=editor, upload=odt("Программа", "Мероприятия"))
    assert version.text == "Программа\nМероприятия"
    assert version.extension == "ODT"


def test_a_windows_1251_text_file_is_read():
    document = make_document(text="", upload=txt("Устав ТОС «Заречье»", encoding="cp1251"))
    assert document.current_version.text == "Устав ТОС «Заречье»"


def test_the_text_of_a_pdf_is_not_read_but_may_be_typed_in():
    editor = platform_staff()
    document = make_document(editor, text="", upload=pdf())
    version = document.current_version
    assert version.extension == "PDF" and version.content_type == "application/pdf"
    assert version.text == "" and version.text_source == VersionTextSource.NONE
    typed = library_version_add(document=document, actor=editor, upload=pdf(), text="Текст, вставленный вручную.")
    assert typed.text == "Текст, вставленный вручную." and typed.text_source == VersionTextSource.ENTERED


def test_typed_text_wins_over_the_files_text():
    document = make_document(text="Исправленный текст.", upload=docx("Текст из файла."))
    assert document.current_version.text == "Исправленный текст."
    assert document.current_version.text_source == VersionTextSource.ENTERED


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("ustav.exe", b"MZ\x90\x00binary", "application/octet-stream"), "file_type"),
        (SimpleUploadedFile("ustav.doc", b"\xd0\xcf\x11\xe0old word", "application/msword"), "file_type"),
        (SimpleUploadedFile("ustav.rtf", b"{\\rtf1 text}", "application/rtf"), "file_type"),
        (SimpleUploadedFile("ustav", b"no extension", "text/plain"), "file_type"),
        (SimpleUploadedFile("ustav.pdf", b"not a pdf at all", "application/pdf"), "file_content"),
        (SimpleUploadedFile("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "text/plain"), "file_content"),
        (SimpleUploadedFile("binary.txt", b"text\x00\x01\x02 with control bytes", "text/plain"), "file_content"),
        (SimpleUploadedFile("empty.txt", b"", "text/plain"), "file_empty"),
    ],
)
def test_an_unsupported_or_mislabelled_file_is_refused_with_a_clear_error(upload, code):
    editor = platform_staff()
    document = make_document(editor)
    with pytest.raises(ValidationError) as caught:
        library_version_add(document=document, actor=editor, upload=upload)
    assert field_codes(caught.value, "file") == {code}
    message = " ".join(caught.value.message_dict["file"])
    assert "PDF, DOCX, ODT, TXT" in message or code == "file_empty"
    assert document.versions.count() == 1


def test_an_unsupported_file_on_creation_saves_nothing():
    editor = platform_staff()
    with pytest.raises(ValidationError) as caught:
        library_document_create(
            actor=editor,
            kind=LibraryDocumentKind.REPORT,
            title="Отчёт",
            upload=SimpleUploadedFile("report.xlsx", b"PK\x03\x04", "application/octet-stream"),
        )
    assert field_codes(caught.value, "file") == {"file_type"}
    assert not DocumentVersion.objects.exists()


def test_a_damaged_docx_is_refused_as_unreadable():
    editor = platform_staff()
    document = make_document(editor)
    data = docx_bytes("Текст")
    damaged = data[:200] + b"\x00" * 200 + data[400:]
    with pytest.raises(ValidationError) as caught:
        library_version_add(
            document=document, actor=editor, upload=SimpleUploadedFile("broken.docx", damaged, "application/zip")
        )
    assert field_codes(caught.value, "file") & {"file_unreadable", "file_content"}


def test_extracting_an_odt_with_spaces_tabs_and_line_breaks():
    upload = odt('Первый<text:s text:c="3"/>абзац<text:tab/>с табуляцией<text:line-break/>и переносом')
    assert extract_text(upload.read(), "odt") == "Первый   абзац\tс табуляцией\nи переносом"


# --- the description ---------------------------------------------------------------------------------------------


def test_a_municipality_gives_the_documents_region_and_country():
    municipality = MunicipalityFactory()
    document = make_document(municipality=municipality)
    assert document.region == municipality.region
    assert document.country == municipality.country


def test_a_municipality_outside_the_chosen_region_is_refused():
    municipality = MunicipalityFactory()
    other_region = RegionFactory(code="RU-SMO", name_ru="Смоленская область")
    with pytest.raises(ValidationError) as caught:
        make_document(municipality=municipality, region=other_region)
    assert field_codes(caught.value, "municipality") == {"territory_mismatch"}


def test_title_kind_and_topics_are_checked():
    editor = platform_staff()
    with pytest.raises(ValidationError) as caught:
        library_document_create(actor=editor, kind="poem", title="  ", topics=["no-such-topic"])
    errors = caught.value.message_dict
    assert set(errors) == {"title", "kind", "topics"}


def test_an_update_changes_the_description_and_topics_and_is_audited():
    editor = platform_staff()
    document = make_document(editor, topics=["landscaping"])
    library_document_update(
        document=document,
        actor=editor,
        title="Модельный устав ТОС, редакция для сельских поселений",
        kind=LibraryDocumentKind.MODEL_REGULATION,
        topics=["education", "youth"],
    )
    document.refresh_from_db()
    assert document.kind == LibraryDocumentKind.MODEL_REGULATION
    assert sorted(t.code for t in document.topics.all()) == ["education", "youth"]
    update = [e for e in audit_history(obj=document) if e.action == "update"]
    assert update[0].data == {"fields": ["kind", "title", "topics"]}


def test_a_failed_update_leaves_the_document_as_it_was():
    editor = platform_staff()
    document = make_document(editor, title="Устав")
    with pytest.raises(ValidationError):
        library_document_update(document=document, actor=editor, title="", summary="Новое описание")
    document.refresh_from_db()
    assert document.title == "Устав" and document.summary == ""


def test_municipal_staff_add_documents_of_their_municipality_only():
    municipality = MunicipalityFactory()
    staff = municipal_staff(municipality)
    with pytest.raises(ValidationError) as caught:
        make_document(staff, municipality=MunicipalityFactory())
    assert field_codes(caught.value, "municipality") == {"not_your_municipality"}
    with pytest.raises(ValidationError):
        make_document(staff)  # no municipality at all
    document = make_document(staff, municipality=municipality)
    assert document.created_by == staff
    with pytest.raises(ValidationError) as caught:
        library_document_update(document=document, actor=staff, municipality=MunicipalityFactory())
    assert field_codes(caught.value, "municipality") == {"not_your_municipality"}


def test_someone_without_a_role_cannot_add_a_document():
    from localbridge.accounts.tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        make_document(UserFactory())
