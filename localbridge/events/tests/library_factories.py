"""Helpers for the knowledge library's tests: users in each role, files of each type, documents made through the
services."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import LibraryDocument, LibraryDocumentKind
from localbridge.events.services.library import library_document_create, library_document_move
from localbridge.organizations.models import MembershipRole, OrganizationKind
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory, OrganizationFactory
from localbridge.practices.models import Topic
from localbridge.territories.models import Municipality
from localbridge.territories.tests.factories import CountryFactory

TOPICS = {
    "landscaping": "Благоустройство",
    "education": "Образование и просвещение",
    "youth": "Молодёжь",
    "sport": "Спорт",
}


@pytest.fixture(autouse=True)
def library_topics(db: Any) -> None:
    """The practice bank's topics the tests use, seeded again when a transactional test (the concurrency tests on
    PostgreSQL) has flushed the tables that the migrations filled. (Import this fixture into a test module.)"""
    for position, (code, name) in enumerate(TOPICS.items(), start=1):
        Topic.objects.get_or_create(code=code, defaults={"name_ru": name, "name_en": code, "position": position})


def platform_staff() -> Any:
    return UserFactory(is_staff=True)


def association_person(role: str = MembershipRole.STAFF, *, active: bool = True) -> Any:
    user = UserFactory()
    association = OrganizationFactory(
        kind=OrganizationKind.ASSOCIATION_NATIONAL, municipality=None, region=None, country=CountryFactory()
    )
    MembershipFactory(user=user, organization=association, role=role, is_active=active)
    return user


def municipal_staff(municipality: Municipality) -> Any:
    user = UserFactory()
    MembershipFactory(
        user=user, organization=AdministrationFactory(municipality=municipality), role=MembershipRole.STAFF
    )
    return user


def txt(text: str, name: str = "document.txt", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), "text/plain")


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx(*paragraphs: str, name: str = "document.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes(*paragraphs), "application/octet-stream")


def odt(*paragraphs: str, name: str = "document.odt") -> SimpleUploadedFile:
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")


def pdf(name: str = "document.pdf") -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Model charter (test)")
    page.save()
    return SimpleUploadedFile(name, buffer.getvalue(), "application/pdf")


def make_document(
    actor: Any = None,
    *,
    title: str = "Модельный устав ТОС",
    text: str = "Текст устава территориального общественного самоуправления.",
    publish: bool = False,
    **kwargs: Any,
) -> LibraryDocument:
    """A document with one version (a typed text unless `upload` is given), published if asked."""
    actor = actor or platform_staff()
    kwargs.setdefault("kind", LibraryDocumentKind.MODEL_CHARTER)
    kwargs.setdefault("published_on", date(2020, 1, 15))
    document = library_document_create(actor=actor, title=title, text=text, **kwargs)
    if publish:
        library_document_move(document=document, action="publish", actor=actor)
    return document
