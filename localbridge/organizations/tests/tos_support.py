"""Helpers the ТОС registration tests share: real files in bytes and ТОС brought to each state through the
services (no shortcuts around the workflow)."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations import services
from localbridge.organizations.models import MembershipRole, Organization, OrganizationStatus, TosTerritoryKind
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory
from localbridge.territories.tests.factories import MunicipalityFactory

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow by design; these tests create many users and never test hashing, so use a fast hasher.
    (Import this fixture into a test module to apply it there.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def docx_bytes() -> bytes:
    """A minimal but real Word (OOXML) document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Устав ТОС</w:t></w:r></w:p></w:body></w:document>',
        )
    return buffer.getvalue()


def pdf_upload(name: str = "устав.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def staff_of(municipality, user=None):
    """A user who is staff of the municipality's administration (a reviewer of its ТОС)."""
    user = user or UserFactory()
    administration = AdministrationFactory(municipality=municipality)
    MembershipFactory(user=user, organization=administration, role=MembershipRole.STAFF)
    return user


def draft_fields(**overrides):
    fields = {
        "name": "ТОС «Северный»",
        "territory_name": "микрорайон Северный, дома 1–15",
        "territory_kind": TosTerritoryKind.MICRODISTRICT,
        "territory_description": "От улицы Ленина до реки",
        "founding_date": timezone.localdate() - timedelta(days=60),
        "founding_form": "meeting",
        "participants_count": 120,
        "residents_count": 300,
        "email": "tos@example.org",
        "phone": "+7 416 200-00-00",
    }
    fields.update(overrides)
    return fields


def complete_draft(*, chair=None, municipality=None, now=None, charter=True, **overrides) -> Organization:
    """A draft ТОС with everything a submission needs, created by its chair through the services."""
    chair = chair or UserFactory()
    municipality = municipality or MunicipalityFactory()
    return services.tos_create_draft(
        actor=chair,
        municipality=municipality,
        chair=overrides.pop("chair_name", "Петрова Анна Сергеевна"),
        council=overrides.pop("council", ["Иванов Иван", "Сидорова Мария"]),
        charter=pdf_upload() if charter else None,
        now=now,
        **draft_fields(**overrides),
    )


def chair_of(tos: Organization):
    return tos.memberships.get(role=MembershipRole.CHAIR).user


def bring_to(tos: Organization, status: str, *, reviewer=None) -> Organization:
    """Move a complete draft along the workflow to `status` with its chair and a reviewer of its municipality."""
    chair = chair_of(tos)
    reviewer = reviewer or staff_of(tos.municipality)
    path = {
        OrganizationStatus.DRAFT: [],
        OrganizationStatus.SUBMITTED: ["submit"],
        OrganizationStatus.UNDER_REVIEW: ["submit", "start_review"],
        OrganizationStatus.RETURNED: ["submit", "start_review", "return"],
        OrganizationStatus.REGISTERED: ["submit", "start_review", "register"],
        OrganizationStatus.REFUSED: ["submit", "start_review", "refuse"],
    }[status]
    for action in path:
        actor = chair if action in ("submit", "resubmit") else reviewer
        services.tos_move(tos=tos, actor=actor, action=action, comment="Замечания: уточните границы")
    assert tos.status == status
    return tos
