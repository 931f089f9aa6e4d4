"""The data the open-data tests read: indicator values in the small known world of factories.py, and records of
every registry — each public one, and a hidden one of each kind (a pending ТОС, a draft practice, a draft contest,
the awards of unpublished results, a draft agreement) that must never be published."""

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from localbridge.contests.models import ContestStatus
from localbridge.contests.tests.factories import ContestFactory, ResultFactory
from localbridge.cooperation.models import Agreement, AgreementKind, AgreementParty, AgreementStatus
from localbridge.organizations.models import OrganizationKind, OrganizationStatus
from localbridge.organizations.tests.factories import OrganizationFactory, TosFactory
from localbridge.practices.models import PracticeStatus
from localbridge.practices.tests.factories import (
    AdoptionFactory,
    PracticeFactory,
    PracticeOrganizationFactory,
    TopicFactory,
)
from localbridge.projects.models import FundingSource
from localbridge.projects.tests.factories import BudgetLineFactory, ExpenseFactory, ProjectFactory

from .factories import World, at, make_world, put

REGISTRY_SLUGS = ["tos", "practices", "contests", "awards", "awards-360giving", "projects", "agreements"]
PRIVATE = ("chair@example.org", "+7 900 111-22-33", "кв. 5")


def agreement(status, *municipalities, title="Соглашение о побратимстве"):
    made = Agreement.objects.create(kind=AgreementKind.TWINNING, title=title, status=status, signed_on=date(2024, 5, 9))
    for position, municipality in enumerate(municipalities):
        AgreementParty.objects.create(
            agreement=made, municipality=municipality, position=position, signatory="Глава И. И. Иванов"
        )
    return made


def add_records(w, n=1):
    """`n` of each public record (and a hidden one of each kind) in the world `w`."""
    topic = TopicFactory(code="opendata_topic", name_ru="Дворы")
    made = []
    for i in range(n):
        tos = TosFactory(
            status=OrganizationStatus.REGISTERED,
            municipality=w.a1,
            email="chair@example.org",
            phone="+7 900 111-22-33",
            address="ул. Ленина, 1, кв. 5",
            registered_at=at(2024),
            is_generated=True,
        )
        practice = PracticeFactory(
            status=PracticeStatus.PUBLISHED, municipality=w.a1, published_at=at(2024), topics=[topic]
        )
        PracticeOrganizationFactory(practice=practice, organization=tos)
        AdoptionFactory(
            practice=practice, organization=OrganizationFactory(kind=OrganizationKind.NGO, municipality=w.a2)
        )
        result = ResultFactory(
            contest__organizer=OrganizationFactory(kind=OrganizationKind.ADMINISTRATION, municipality=w.a1),
            contest__results_published_at=at(2025, 5, 1),
            application__municipality=w.a2,
        )
        ResultFactory(contest=result.contest, funded=False, amount=Decimal("0.00"))
        project = ProjectFactory(municipality=w.a2, application=result.application, summary=f"Сквер {i}")
        line = BudgetLineFactory(project=project, source=FundingSource.GRANT, planned=Decimal("100000.00"))
        BudgetLineFactory(project=project, source=FundingSource.RESIDENTS, planned=Decimal("20000.50"))
        ExpenseFactory(line=line, amount=Decimal("30000.00"))
        agreement(AgreementStatus.SIGNED, w.a1, w.b1)
        made.append((tos, practice, result, project))
    # Hidden: a ТОС under review, a draft practice, a draft contest, awards of unpublished results, a draft
    # agreement, an NGO (not a ТОС).
    TosFactory(status=OrganizationStatus.UNDER_REVIEW, municipality=w.a2, name="ТОС на рассмотрении")
    PracticeFactory(status=PracticeStatus.DRAFT, municipality=w.a1, title="Черновик практики", topics=[topic])
    ContestFactory(status=ContestStatus.DRAFT, title="Черновой конкурс")
    ResultFactory(
        contest__status=ContestStatus.RANKING,
        contest__title="Конкурс без итогов",
        application__title="Неопубликованная награда",
    )
    agreement(AgreementStatus.DRAFT, w.a2, w.b1, title="Черновик соглашения")
    OrganizationFactory(kind=OrganizationKind.NGO, municipality=w.a1, name="НКО, не ТОС")
    return made


def opendata_world(definitions) -> World:
    """The known world with a few indicator values: tos_count of a municipality (2024, 2025), its region and
    country (2025), and an imported, generated value."""
    w = make_world()
    w.a1.oktmo = "10701000"
    w.a1.latitude, w.a1.longitude = 50.27, 127.53
    w.a1.save()
    tos = definitions["tos_count"]
    put(tos, w.a1, 2024, 3, computed_at=at(2025))
    put(tos, w.a1, 2025, 4, computed_at=at(2025))
    put(tos, w.region_a, 2025, 5, computed_at=at(2025))
    put(tos, w.country, 2025, 7, computed_at=at(2025))
    put(definitions["satisfaction_local_government"], w.a1, 2025, "45.5", source_note="Опрос", is_generated=True)
    return w


def fetch(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def read_csv(body):
    assert body.startswith("\ufeff".encode())  # the BOM, so that spreadsheets read UTF-8 Cyrillic
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(body):
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]
