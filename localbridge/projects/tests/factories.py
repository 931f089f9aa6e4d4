"""Factories of the projects module, and a small cast of people around one project (`Cast`): the owner's chair,
the funder's staff, a resident of the territory, a resident of another municipality and the public."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory, TosFactory
from localbridge.participation.tests.factories import MunicipalStaffFactory, ResidentFactory
from localbridge.projects.models import (
    STAGE_ORDER,
    BudgetLine,
    Document,
    DocumentKind,
    Expense,
    FundingSource,
    Inspection,
    InspectionPhoto,
    InspectionStatus,
    Milestone,
    Project,
    ProjectStage,
    Rating,
    Report,
    ReportKind,
    ReportPhoto,
    ReportStatus,
    Stage,
    Verdict,
)
from localbridge.territories.tests.factories import MunicipalityFactory

# 09:00 UTC is 18:00 in Yakutsk (the factories' municipalities are in Asia/Yakutsk, UTC+9).
NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


def png_bytes(size: tuple[int, int] = (16, 12), fmt: str = "PNG") -> bytes:
    """A small picture of noise (it does not compress away, so half of it is a truncated image)."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(buffer, fmt)
    return buffer.getvalue()


def truncated_png() -> SimpleUploadedFile:
    """A PNG whose header is right and whose picture data is cut in half."""
    data = png_bytes()
    return SimpleUploadedFile("photo.png", data[: len(data) // 2], content_type="image/png")


def photo(name: str = "photo.png", **kwargs: Any) -> SimpleUploadedFile:
    """A real small PNG upload."""
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def pdf(name: str = "act.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n", content_type="application/pdf"
    )


class ProjectFactory(factory.django.DjangoModelFactory):
    """A ТОС's own project at implementation, funded by the municipality's administration, with its five stages."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Благоустройство двора № {n}")
    summary = "Площадка, скамейки и освещение."
    object_description = "Детская площадка во дворе дома 5."
    beneficiaries = "Жители трёх домов"
    municipality = factory.SubFactory(MunicipalityFactory)
    owner = factory.SubFactory(TosFactory, municipality=factory.SelfAttribute("..municipality"))
    funder = factory.SubFactory(AdministrationFactory, municipality=factory.SelfAttribute("..municipality"))
    stage = ProjectStage.IMPLEMENTATION
    year = 2026
    started_at = NOW
    created_at = NOW

    @factory.post_generation
    def stages(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        Stage.objects.bulk_create(
            Stage(project=obj, kind=kind, position=position) for position, kind in enumerate(STAGE_ORDER, start=1)
        )


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Этап работ {n}")
    planned_date = date(2026, 7, 1)
    percent_done = 0
    contractor = "ООО «Двор»"
    position = factory.Sequence(lambda n: n)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    project = factory.SubFactory(ProjectFactory)
    source = FundingSource.GRANT
    title = "Оборудование площадки"
    planned = Decimal("100000.00")
    position = factory.Sequence(lambda n: n)


class ExpenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expense

    line = factory.SubFactory(BudgetLineFactory)
    project = factory.SelfAttribute("line.project")
    amount = Decimal("10000.00")
    currency = "RUB"
    spent_on = date(2026, 6, 1)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    project = factory.SubFactory(ProjectFactory)
    kind = ReportKind.PROGRESS
    text = "Установили скамейки."
    status = ReportStatus.DRAFT


class ReportPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportPhoto

    report = factory.SubFactory(ReportFactory)
    image = factory.django.ImageField(width=4, height=3)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    project = factory.SubFactory(ProjectFactory)
    kind = DocumentKind.CONTRACT
    title = factory.Sequence(lambda n: f"Договор подряда № {n}")
    file = factory.django.FileField(filename="contract.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "contract.pdf"
    content_type = "application/pdf"


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    project = factory.SubFactory(ProjectFactory)
    author = factory.SubFactory(UserFactory)
    text = "Скамейка шатается."
    verdict = Verdict.PROBLEMS
    status = InspectionStatus.OPEN


class InspectionPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionPhoto

    inspection = factory.SubFactory(InspectionFactory)
    image = factory.django.ImageField(width=4, height=3)


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    project = factory.SubFactory(ProjectFactory, stage=ProjectStage.COMPLETED)
    user = factory.SubFactory(UserFactory)
    score = 4


@dataclass
class Cast:
    """One project and the people around it."""

    project: Project
    owner: Any  # the chair of the owner ТОС
    funder: Any  # staff of the funder (the municipality's administration)
    resident: Any  # a confirmed resident of the project's municipality
    other: Any  # a confirmed resident of another municipality
    public: Any  # nobody signed in

    def role(self, name: str) -> Any:
        return getattr(self, name)


ROLES = ("owner", "funder", "resident", "other", "public")


def make_cast(**project_fields: Any) -> Cast:
    project = ProjectFactory(**project_fields)
    owner = MembershipFactory(organization=project.owner, role=MembershipRole.CHAIR).user
    if project.funder is not None:
        funder = MembershipFactory(organization=project.funder, role=MembershipRole.STAFF).user
    else:  # without a funder, the municipality's staff decide the reports
        funder = MunicipalStaffFactory(municipality=project.municipality)
    resident = ResidentFactory(residence=project.municipality)
    other = ResidentFactory(residence=MunicipalityFactory())
    return Cast(project=project, owner=owner, funder=funder, resident=resident, other=other, public=AnonymousUser())
