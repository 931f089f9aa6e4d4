"""`manage.py load_demo [--if-empty]`: demonstration organisations and users.

The organisations are the real bodies the founding resolutions name (../shared/data/resolutions/*.txt and
DOMAIN.md, "Municipal international cooperation"), placed in their real countries, regions and cities; the
administrations of cities the resolutions name but do not name as a body are marked generated. Websites are
given only where the resolutions or the bodies' own public addresses make them certain.

Demo users share the password DEMO_PASSWORD and have verified e-mail addresses. Idempotent: every organisation
is looked up by name and kind first, every user by e-mail, every role before it is granted.

Demo ТОС (TOS_DEMOS) are invented, so they are marked generated and named "… (демо)". They are made only through
the registration workflow's services, as the demo chair (the applicant) and the demo reviewer (staff of each
demo city's administration) would make them, with a generated one-page PDF as the charter, so that every status
and a full history can be seen. A ТОС is looked up by name first: a second run adds nothing. Loading them sends
no e-mail (the demo addresses are not real mailboxes).

Demo practices (localbridge/practices/fixtures/demo_practices.json) are invented and marked generated. They are
loaded after the organisations through the practices' import service (localbridge/practices/importing.py): each
is created, sent to moderation and published by the system account, with its audit trail and search index. Every
record has an external id, so a second run adds nothing.

The demo contests (localbridge/contests/demo.py) and the demo participation in Blagoveshchensk (residents,
proposals, votes, a survey, hearings: localbridge/participation/demo.py) follow, made through their services and
looked up by title first. The demo projects under public control (localbridge/projects/demo.py: a dozen at every
stage in Blagoveshchensk, Smolensk and Tyumen, and the projects of a contest award, an accepted proposal and a vote
winner) come after them, made through the projects services.

Last, the real twin-city network (settings.DEMO_TWIN_CITIES_FILE, by default
../shared/data/twincities_hekman/twin_cities_geocoded.csv) is imported as `import_twin_cities` does, when the file
exists and the network has no link yet (about 10 s); otherwise it is left as it is.

After the cooperation demo, the indicators' demo (localbridge/indicators/demo.py): generated yearly values for the
real municipalities of the Amur Region imported through the import service (marked generated), the computed
indicators recomputed over the whole demo, and a published demo rating."""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from localbridge.accounts.models import User
from localbridge.contests.demo import DEMO_EXPERTS, load_contest_demo
from localbridge.cooperation import selectors as cooperation_selectors
from localbridge.cooperation.demo import load_cooperation_demo
from localbridge.cooperation.importing import twin_cities_import
from localbridge.events.demo import load_events_demo
from localbridge.events.demo_library import load_library_demo
from localbridge.events.demo_resolutions import load_resolutions_demo
from localbridge.indicators.demo import load_indicators_demo
from localbridge.organizations.models import (
    FoundingForm,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    TosTerritoryKind,
)
from localbridge.organizations.services import (
    membership_grant,
    organization_create,
    tos_attach_charter,
    tos_create_draft,
    tos_record_legal_entity,
    tos_refuse,
    tos_register,
    tos_resubmit,
    tos_return,
    tos_start_review,
    tos_submit,
    tos_update,
)
from localbridge.participation.demo import DEMO_RESIDENTS, load_participation_demo
from localbridge.practices.importing import practices_import, read_records
from localbridge.projects.demo import load_projects_demo
from localbridge.territories import selectors as territory_selectors
from localbridge.territories.models import Country, Municipality, Region

DEMO_PASSWORD = "localbridge-demo"  # noqa: S105  (documented demo accounts, never for production data)

K = OrganizationKind


@dataclass(frozen=True)
class DemoOrganization:
    name: str
    kind: str
    name_en: str = ""
    short_name: str = ""
    country: str = "RU"
    region: str = ""  # ISO 3166-2
    city: str = ""  # a municipality of the region, by its Russian name
    website: str = ""
    generated: bool = False
    source: str = ""  # where the body is named


AMUR = "2016-10-26-amur-tos-conference"
VOLGOGRAD = "2017-11-01-volgograd-municipal-diplomacy"
SMOLENSK = "2020-09-08-smolensk-tos-congress"
MOSCOW = "2020-12-16-moscow-local-communities-conference"
TYUMEN = "2022-10-20-tyumen-forum-local-authorities"

ORGANIZATIONS = [
    # national and international associations
    DemoOrganization(
        "Общенациональная ассоциация территориального общественного самоуправления",
        K.ASSOCIATION_NATIONAL,
        name_en="Russian National TOS Association",
        short_name="ОАТОС",
        region="RU-MOW",
        city="Москва",
        source=MOSCOW,
    ),
    DemoOrganization(
        "Союз российских городов",
        K.ASSOCIATION_NATIONAL,
        name_en="Union of Russian Cities",
        short_name="СРГ",
        region="RU-MOW",
        city="Москва",
        website="https://www.urc.ru",
        source=VOLGOGRAD,
    ),
    DemoOrganization(
        "Общероссийский Конгресс муниципальных образований",
        K.ASSOCIATION_NATIONAL,
        name_en="All-Russian Congress of Municipalities",
        short_name="ОКМО",
        region="RU-MOW",
        city="Москва",
        source=SMOLENSK,
    ),
    DemoOrganization(
        "Международная ассоциация «Породнённые города»",
        K.ASSOCIATION_INTERNATIONAL,
        name_en="International Association “Twin Cities”",
        short_name="МАПГ",
        region="RU-MOW",
        city="Москва",
        source=VOLGOGRAD,
    ),
    # the national associations the Union of Russian Cities has cooperation agreements with (Volgograd, 2017)
    DemoOrganization(
        "Государственное агентство по делам местного самоуправления и межэтнических отношений "
        "при Правительстве Кыргызской Республики",
        K.ASSOCIATION_NATIONAL,
        name_en="State Agency for Local Self-Government and Interethnic Relations under the Government of the "
        "Kyrgyz Republic",
        country="KG",
        source=VOLGOGRAD,
    ),
    DemoOrganization(
        "Совет по взаимодействию органов местного самоуправления при Совете Республики Национального собрания "
        "Республики Беларусь",
        K.ASSOCIATION_NATIONAL,
        name_en="Council for Interaction of Local Self-Government Bodies under the Council of the Republic of the "
        "National Assembly of the Republic of Belarus",
        country="BY",
        source=VOLGOGRAD,
    ),
    DemoOrganization(
        "Союз общин Республики Армения",
        K.ASSOCIATION_NATIONAL,
        name_en="Union of Communities of Armenia",
        country="AM",
        source=VOLGOGRAD,
    ),
    DemoOrganization(
        "Союз муниципалитетов Тюркского мира",
        K.ASSOCIATION_INTERNATIONAL,
        name_en="Union of Municipalities of the Turkic World",
        short_name="TDBB",
        country="TR",
        website="https://www.tdbb.org.tr",
        source=VOLGOGRAD,
    ),
    DemoOrganization(
        "Национальная ассоциация мэров Республики Корея",
        K.ASSOCIATION_NATIONAL,
        name_en="National Association of Mayors of the Republic of Korea",
        country="KR",
        source=VOLGOGRAD,
    ),
    DemoOrganization(
        "Ассоциация финских местных и региональных властей",
        K.ASSOCIATION_NATIONAL,
        name_en="Association of Finnish Local and Regional Authorities",
        short_name="Kuntaliitto",
        country="FI",
        website="https://www.kuntaliitto.fi",
        source=VOLGOGRAD,
    ),
    DemoOrganization(
        "Конгресс местных и региональных властей Совета Европы",
        K.ASSOCIATION_INTERNATIONAL,
        name_en="Congress of Local and Regional Authorities of the Council of Europe",
        country="FR",
        website="https://www.coe.int/en/web/congress",
        source=MOSCOW,
    ),
    DemoOrganization(
        "Всемирная организация «Объединённые города и местные власти»",
        K.ASSOCIATION_INTERNATIONAL,
        name_en="United Cities and Local Governments",
        short_name="UCLG",
        country="ES",
        website="https://www.uclg.org",
        source=TYUMEN,
    ),
    # Amur region (conference of 2016)
    DemoOrganization(
        "Правительство Амурской области",
        K.REGIONAL_AUTHORITY,
        name_en="Government of the Amur Region",
        region="RU-AMU",
        city="Благовещенск",
        source=AMUR,
    ),
    DemoOrganization(
        "Министерство внутренней и информационной политики Амурской области",
        K.REGIONAL_AUTHORITY,
        name_en="Ministry of Internal and Information Policy of the Amur Region",
        region="RU-AMU",
        city="Благовещенск",
        source=AMUR,
    ),
    DemoOrganization(
        "Администрация города Благовещенска",
        K.ADMINISTRATION,
        name_en="Blagoveshchensk City Administration",
        region="RU-AMU",
        city="Благовещенск",
        source=AMUR,
    ),
    DemoOrganization(
        "Орган общественной самодеятельности «Ориентир» города Благовещенска",
        K.NGO,
        name_en="“Orientir” community self-organisation, Blagoveshchensk",
        short_name="«Ориентир»",
        region="RU-AMU",
        city="Благовещенск",
        source=AMUR,
    ),
    DemoOrganization(
        "Амурское региональное отделение общероссийской общественной организации «Всероссийский Совет местного "
        "самоуправления»",
        K.NGO,
        name_en="Amur branch of the All-Russian Council of Local Self-Government",
        short_name="Амурское отделение ВСМС",
        region="RU-AMU",
        city="Благовещенск",
        source=AMUR,
    ),
    DemoOrganization(
        "Общественная палата Амурской области",
        K.NGO,
        name_en="Civic Chamber of the Amur Region",
        region="RU-AMU",
        city="Благовещенск",
        source=AMUR,
    ),
    DemoOrganization(
        "Администрация города Свободного",
        K.ADMINISTRATION,
        name_en="Svobodny City Administration",
        region="RU-AMU",
        city="Свободный",
        generated=True,
        source=AMUR,
    ),
    # Smolensk region (congress of 2020)
    DemoOrganization(
        "Ассоциация «Совет муниципальных образований Смоленской области»",
        K.ASSOCIATION_NATIONAL,
        name_en="Association “Council of Municipalities of the Smolensk Region”",
        region="RU-SMO",
        city="Смоленск",
        source=SMOLENSK,
    ),
    DemoOrganization(
        "Департамент Смоленской области по внутренней политике",
        K.REGIONAL_AUTHORITY,
        name_en="Smolensk Region Department of Internal Policy",
        region="RU-SMO",
        city="Смоленск",
        source=SMOLENSK,
    ),
    DemoOrganization(
        "Администрация города Смоленска",
        K.ADMINISTRATION,
        name_en="Smolensk City Administration",
        region="RU-SMO",
        city="Смоленск",
        generated=True,
        source=SMOLENSK,
    ),
    # the host cities of the Volgograd round table and the Tyumen forum
    DemoOrganization(
        "Администрация Волгограда",
        K.ADMINISTRATION,
        name_en="Volgograd City Administration",
        region="RU-VGG",
        city="Волгоград",
        generated=True,
        source=VOLGOGRAD,
    ),
    DemoOrganization(
        "Администрация города Тюмени",
        K.ADMINISTRATION,
        name_en="Tyumen City Administration",
        region="RU-TYU",
        city="Тюмень",
        generated=True,
        source=TYUMEN,
    ),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    is_staff: bool = False
    organization: str = ""  # the name of an organisation above
    role: str = ""
    title: str = ""


REVIEWER_EMAIL = "staff@demo.localbridge.local"
APPLICANT_EMAIL = "chair@demo.localbridge.local"
REVIEWER_TITLE = "Специалист по взаимодействию с ТОС"

USERS = [
    DemoUser(
        REVIEWER_EMAIL,
        "Анна Демидова (демо)",
        organization="Администрация города Благовещенска",
        role=MembershipRole.STAFF,
        title="Специалист по взаимодействию с ТОС",
    ),
    DemoUser(APPLICANT_EMAIL, "Пётр Демченко (демо)"),
    DemoUser("moderator@demo.localbridge.local", "Мария Модестова (демо)", is_staff=True),
]


S = OrganizationStatus


@dataclass(frozen=True)
class DemoTos:
    """An invented ТОС and the status the demo brings it to through the workflow.

    `path` is the sequence of moves after the draft: "charter" (attach the generated charter), "submit",
    "start_review", "return", "fix" (the applicant completes the boundaries' description), "resubmit",
    "register", "refuse", "legal_entity" (record `ogrn`). `started` is how many days ago the draft was made; the
    moves follow `step` days apart."""

    name: str
    region: str
    city: str
    administration: str
    territory_name: str
    territory_kind: str
    status: str
    path: tuple[str, ...]
    started: int
    step: int = 3
    territory_description: str = ""
    founding_form: str = FoundingForm.MEETING
    residents: int = 0
    participants: int = 0
    delegates: int | None = None
    chair: str = ""
    council: tuple[str, ...] = ()
    remarks: str = ""
    ogrn: str = ""
    boundary: dict[str, Any] | None = field(default=None, hash=False)


def ogrn_with_check_digit(first_twelve: str) -> str:
    """An OGRN from its first twelve digits: the thirteenth is their number modulo 11, modulo 10."""
    return first_twelve + str(int(first_twelve) % 11 % 10)


BLAGOVESHCHENSK_ADMINISTRATION = "Администрация города Благовещенска"
RETURN_REMARKS = (
    "Опишите границы территории: улицы и номера домов, входящих в ТОС. Приложите устав в редакции, принятой "
    "учредительным собранием (демо)."
)

TOS_DEMOS = [
    DemoTos(
        "ТОС «Улица Ленина, 1–15» (демо)",
        "RU-AMU",
        "Благовещенск",
        BLAGOVESHCHENSK_ADMINISTRATION,
        territory_name="ул. Ленина, дома 1–15 (демо)",
        territory_kind=TosTerritoryKind.BUILDING_GROUP,
        territory_description="Чётная и нечётная стороны улицы Ленина от дома 1 до дома 15 (демо).",
        residents=240,
        participants=96,
        chair="Ильина Ольга Петровна",
        council=("Кравцов Сергей Андреевич", "Лаптева Нина Юрьевна", "Рябов Виктор Степанович"),
        status=S.REGISTERED,
        path=("charter", "submit", "start_review", "register", "legal_entity"),
        started=420,
        step=10,
        ogrn=ogrn_with_check_digit("122280000731"),  # 1: legal entity, 22: 2022, 28: Amur region
        boundary={
            "type": "Polygon",
            "coordinates": [
                [
                    [127.5225, 50.2565],
                    [127.5300, 50.2590],
                    [127.5290, 50.2620],
                    [127.5215, 50.2597],
                    [127.5225, 50.2565],
                ]
            ],
        },
    ),
    DemoTos(
        "ТОС «Микрорайон Северный» (демо)",
        "RU-AMU",
        "Благовещенск",
        BLAGOVESHCHENSK_ADMINISTRATION,
        territory_name="микрорайон Северный (демо)",
        territory_kind=TosTerritoryKind.MICRODISTRICT,
        territory_description="Кварталы между улицами Северной и Театральной (демо).",
        founding_form=FoundingForm.CONFERENCE,
        residents=3200,
        delegates=60,
        participants=45,
        chair="Сомова Елена Викторовна",
        council=("Баранов Алексей Игоревич", "Гусева Татьяна Олеговна"),
        status=S.UNDER_REVIEW,
        path=("charter", "submit", "start_review"),
        started=12,
    ),
    DemoTos(
        "ТОС «Улица Зейская, 100–120» (демо)",
        "RU-AMU",
        "Благовещенск",
        BLAGOVESHCHENSK_ADMINISTRATION,
        territory_name="ул. Зейская, дома 100–120 (демо)",
        territory_kind=TosTerritoryKind.BUILDING_GROUP,
        residents=180,
        participants=70,
        chair="Фомин Денис Сергеевич",
        status=S.RETURNED,
        path=("charter", "submit", "start_review", "return"),
        started=25,
        remarks=RETURN_REMARKS,
    ),
    DemoTos(
        "ТОС «Дом на Амурской, 5» (демо)",
        "RU-AMU",
        "Благовещенск",
        BLAGOVESHCHENSK_ADMINISTRATION,
        territory_name="ул. Амурская, дом 5 (демо)",
        territory_kind=TosTerritoryKind.BUILDING,
        residents=90,
        participants=40,
        chair="Орлова Марина Александровна",
        status=S.REFUSED,
        path=("charter", "submit", "start_review", "refuse"),
        started=90,
        remarks="Устав не соответствует порядку организации ТОС, утверждённому представительным органом (демо).",
    ),
    DemoTos(
        "ТОС «Улица Железнодорожная» (демо)",
        "RU-AMU",
        "Свободный",
        "Администрация города Свободного",
        territory_name="ул. Железнодорожная (демо)",
        territory_kind=TosTerritoryKind.BUILDING_GROUP,
        residents=150,
        participants=60,
        chair="Демченко Пётр Иванович",
        status=S.DRAFT,
        path=(),  # the charter is not attached yet: the page lists what is missing before submission
        started=2,
    ),
    DemoTos(
        "ТОС «Квартал Центральный» (демо)",
        "RU-AMU",
        "Свободный",
        "Администрация города Свободного",
        territory_name="квартал Центральный (демо)",
        territory_kind=TosTerritoryKind.MICRODISTRICT,
        territory_description="Квартал в границах улиц Ленина, Кирова, Почтамтской и Карла Маркса (демо).",
        residents=600,
        participants=230,
        chair="Никитина Вера Павловна",
        council=("Зуев Михаил Олегович",),
        status=S.SUBMITTED,
        path=("charter", "submit"),
        started=6,
    ),
    DemoTos(
        "ТОС «Улица Октябрьской Революции, 1–9» (демо)",
        "RU-SMO",
        "Смоленск",
        "Администрация города Смоленска",
        territory_name="ул. Октябрьской Революции, дома 1–9 (демо)",
        territory_kind=TosTerritoryKind.BUILDING_GROUP,
        residents=320,
        participants=140,
        chair="Ковалёв Игорь Николаевич",
        council=("Мельникова Анна Сергеевна", "Тарасов Павел Викторович"),
        status=S.REGISTERED,
        path=("charter", "submit", "start_review", "register"),
        started=200,
        step=7,
    ),
    DemoTos(
        "ТОС «Микрорайон Заречный» (демо)",
        "RU-TYU",
        "Тюмень",
        "Администрация города Тюмени",
        territory_name="микрорайон Заречный (демо)",
        territory_kind=TosTerritoryKind.MICRODISTRICT,
        residents=2100,
        participants=720,
        chair="Белова Светлана Игоревна",
        council=("Гришин Артём Валерьевич", "Данилова Юлия Романовна", "Ершов Константин Ильич"),
        status=S.REGISTERED,
        path=("charter", "submit", "start_review", "return", "fix", "resubmit", "start_review", "register"),
        started=120,
        step=5,
        remarks=RETURN_REMARKS,
    ),
    DemoTos(
        "ТОС «Улица Мира, 10–20» (демо)",
        "RU-VGG",
        "Волгоград",
        "Администрация Волгограда",
        territory_name="ул. Мира, дома 10–20 (демо)",
        territory_kind=TosTerritoryKind.BUILDING_GROUP,
        residents=400,
        participants=150,
        chair="Соколов Андрей Михайлович",
        status=S.SUBMITTED,
        path=("charter", "submit"),
        started=40,  # submitted more than TOS_REVIEW_DAYS ago: the queue shows it overdue
        step=1,
    ),
]


def demo_charter_pdf(title: str = "Demo charter") -> bytes:
    """A small but well-formed one-page PDF (ASCII text in a standard font) standing in for a ТОС charter."""
    text = title.encode("ascii", "replace").replace(b"\\", b"").replace(b"(", b"[").replace(b")", b"]")
    stream = (
        b"BT /F1 14 Tf 72 770 Td (" + text + b") Tj 0 -24 Td /F1 11 Tf "
        b"(Generated by LocalBridge load_demo. Not a real document.) Tj ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\nstartxref\n"
    out += str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)


@dataclass
class DemoResult:
    organizations_created: int = 0
    organizations_found: int = 0
    users_created: int = 0
    roles_granted: int = 0
    tos_created: int = 0
    tos_found: int = 0
    practices_created: int = 0
    practices_found: int = 0
    practice_errors: list[str] = field(default_factory=list)


class Places:
    """Countries, regions and cities by code and name, read once."""

    def __init__(self) -> None:
        self.countries = {c.code: c for c in Country.objects.all()}
        self.regions = {r.code: r for r in territory_selectors.region_list(country=None)}
        self._cities: dict[tuple[str, str], Municipality | None] = {}

    def country(self, code: str) -> Country:
        if code not in self.countries:
            raise CommandError(f"Country {code} is not loaded: run load_reference first.")
        return self.countries[code]

    def region(self, code: str) -> Region:
        if code not in self.regions:
            raise CommandError(f"Region {code} is not loaded: run load_reference first.")
        return self.regions[code]

    def city(self, region: str, name: str) -> Municipality:
        key = (region, name)
        if key not in self._cities:
            municipalities = territory_selectors.municipality_list(region=region).filter(name_ru=name)
            self._cities[key] = municipalities.order_by("pk").first()
        municipality = self._cities[key]
        if municipality is None:
            raise CommandError(f"{name} ({region}) is not loaded: run load_reference first.")
        return municipality


def _organization(spec: DemoOrganization, places: Places, result: DemoResult) -> Organization:
    existing = Organization.objects.filter(name=spec.name, kind=spec.kind).order_by("pk").first()
    if existing is not None:
        result.organizations_found += 1
        return existing
    fields: dict[str, Any] = {
        "name_en": spec.name_en,
        "short_name": spec.short_name,
        "website": spec.website,
        "is_generated": spec.generated,
        "country": places.country(spec.country),
    }
    if spec.city:
        fields["municipality"] = places.city(spec.region, spec.city)
    if spec.region:
        fields["region"] = places.region(spec.region)
    result.organizations_created += 1
    return organization_create(actor=None, kind=spec.kind, name=spec.name, **fields)


def _user(spec: DemoUser, result: DemoResult) -> User:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User.objects.create_user(
            email=spec.email, password=DEMO_PASSWORD, full_name=spec.full_name, is_staff=spec.is_staff
        )
        result.users_created += 1
    if not EmailAddress.objects.filter(user=user, email__iexact=spec.email, verified=True).exists():
        EmailAddress.objects.update_or_create(user=user, email=spec.email, defaults={"verified": True, "primary": True})
    return user


def _role(user: User, organization: Organization, role: str, title: str, result: DemoResult) -> None:
    if not Membership.objects.filter(user=user, organization=organization, role=role, is_active=True).exists():
        membership_grant(actor=None, organization=organization, user=user, role=role, title=title)
        result.roles_granted += 1


def _tos(spec: DemoTos, places: Places, applicant: User, reviewer: User, base: datetime) -> Organization:
    """Make one demo ТОС through the workflow's services, each move at its own moment in the past."""
    moments = (base - timedelta(days=spec.started) + timedelta(days=spec.step * i) for i in range(100))
    municipality = places.city(spec.region, spec.city)
    created = next(moments)
    tos = tos_create_draft(
        actor=applicant,
        municipality=municipality,
        name=spec.name,
        territory_name=spec.territory_name,
        territory_kind=spec.territory_kind,
        territory_description=spec.territory_description if "fix" not in spec.path else "",
        boundary=spec.boundary,
        founding_date=timezone.localdate(created) - timedelta(days=7),
        founding_form=spec.founding_form,
        residents_count=spec.residents,
        participants_count=spec.participants,
        delegates_elected=spec.delegates,
        chair=spec.chair,
        council=list(spec.council),
        is_generated=True,
        now=created,
    )
    for move in spec.path:
        now = next(moments)
        if move == "charter":
            upload = SimpleUploadedFile(
                "ustav-tos-demo.pdf", demo_charter_pdf(f"Charter of a TOS (demo), {tos.pk}"), "application/pdf"
            )
            tos_attach_charter(tos=tos, actor=applicant, upload=upload, now=now)
        elif move == "submit":
            tos_submit(tos=tos, actor=applicant, now=now)
        elif move == "resubmit":
            tos_resubmit(tos=tos, actor=applicant, now=now)
        elif move == "fix":
            description = "Границы: улицы Набережная, Полевая, Заречная и берег реки (демо)."
            tos_update(tos=tos, actor=applicant, territory_description=description, now=now)
        elif move == "start_review":
            tos_start_review(tos=tos, actor=reviewer, now=now)
        elif move == "return":
            tos_return(tos=tos, actor=reviewer, comment=spec.remarks, now=now)
        elif move == "register":
            tos_register(tos=tos, actor=reviewer, comment="Устав зарегистрирован (демо).", now=now)
        elif move == "refuse":
            tos_refuse(tos=tos, actor=reviewer, comment=spec.remarks, now=now)
        elif move == "legal_entity":
            registered_on: date = timezone.localdate(now)
            tos_record_legal_entity(tos=tos, actor=applicant, ogrn=spec.ogrn, registered_on=registered_on, now=now)
        else:  # pragma: no cover  (a typo in TOS_DEMOS)
            raise CommandError(f"Unknown demo move {move!r} for {spec.name}")
    if tos.status != spec.status:  # pragma: no cover  (TOS_DEMOS and the path disagree)
        raise CommandError(f"{spec.name} ended {tos.status}, expected {spec.status}")
    return tos


@transaction.atomic
def demo_load(*, now: datetime | None = None) -> DemoResult:
    result = DemoResult()
    places = Places()
    organizations = {spec.name: _organization(spec, places, result) for spec in ORGANIZATIONS}
    users: dict[str, User] = {}
    for spec in USERS:
        user = users[spec.email] = _user(spec, result)
        if spec.organization:
            _role(user, organizations[spec.organization], spec.role, spec.title, result)
    applicant, reviewer = users[APPLICANT_EMAIL], users[REVIEWER_EMAIL]
    # The demo reviewer reviews in every city that has demo ТОС, as staff of its administration.
    for administration in dict.fromkeys(spec.administration for spec in TOS_DEMOS):
        _role(reviewer, organizations[administration], MembershipRole.STAFF, REVIEWER_TITLE, result)
    existing = set(
        Organization.objects.filter(kind=OrganizationKind.TOS, name__in=[t.name for t in TOS_DEMOS]).values_list(
            "name", flat=True
        )
    )
    base = now or timezone.now()
    for tos_spec in TOS_DEMOS:
        if tos_spec.name in existing:
            result.tos_found += 1
            continue
        _tos(tos_spec, places, applicant, reviewer, base)
        result.tos_created += 1
    _practices(result, base)
    return result


DEMO_PRACTICES = Path(__file__).resolve().parents[3] / "practices" / "fixtures" / "demo_practices.json"


def _practices(result: DemoResult, now: datetime) -> None:
    """The demo practices, published through the import service; those imported before are skipped. They are
    published a day and a half apart, the first of the file the newest, so that lists and feeds have an order."""
    for row, record in enumerate(read_records(DEMO_PRACTICES), start=1):
        moment = now - timedelta(hours=36 * (row - 1) + 1)
        report = practices_import(records=[record], source=DEMO_PRACTICES.name, now=moment)
        result.practices_created += len(report.created)
        result.practices_found += len(report.skipped)
        result.practice_errors += [f"{row} «{e.title}»: {'; '.join(e.messages)}" for e in report.errors]


def _twin_cities() -> str:
    """Import the real twin-city network when its file is there and the network is empty; a line to print."""
    path = Path(settings.DEMO_TWIN_CITIES_FILE)
    if cooperation_selectors.network_exists():
        return "Twin-city network: already there."
    if not path.is_file():
        return f"Twin-city network: {path} not found, not loaded."
    imported = twin_cities_import(path=path)
    return (
        f"Twin-city network: {imported.links_created} links, {imported.municipalities_created} municipalities "
        f"created ({len(imported.errors)} rows with errors)."
    )


class Command(BaseCommand):
    help = "Load demonstration organisations (the bodies the founding resolutions name) and demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the registry already has organisations."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Organization.objects.exists():
            self.stdout.write("The registry already has organisations: demo data not loaded.")
            return
        if not territory_selectors.regions_exist():
            call_command("load_reference", stdout=io.StringIO())
            self.stdout.write("Reference territories loaded.")
        # The workflow notifies applicants and reviewers by e-mail after each move; the demo addresses are not
        # real mailboxes, so loading the demo sends nothing.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            result = demo_load()
            contests = load_contest_demo(now=timezone.now(), password=DEMO_PASSWORD)
            participation = load_participation_demo(now=timezone.now(), password=DEMO_PASSWORD)
            projects = load_projects_demo(now=timezone.now())
            self.stdout.write(load_events_demo(now=timezone.now()).line())
            self.stdout.write(load_library_demo(now=timezone.now()).line())
            self.stdout.write(load_resolutions_demo(now=timezone.now()).line())
        network = _twin_cities()
        self.stdout.write(
            f"Demo organisations: {result.organizations_created} created, {result.organizations_found} already there."
        )
        self.stdout.write(f"Demo ТОС: {result.tos_created} created, {result.tos_found} already there.")
        self.stdout.write(
            f"Demo practices: {result.practices_created} created, {result.practices_found} already there."
        )
        self.stdout.write(
            f"Demo contests: {contests.contests_created} created, {contests.contests_found} already there "
            f"({contests.applications_created} applications, {contests.organizations_created} organisations, "
            f"{contests.users_created} experts created)."
        )
        self.stdout.write(
            f"Demo participation in Blagoveshchensk: {participation.created} created, {participation.found} already "
            f"there ({participation.proposals_created} proposals, {participation.votes_created} votes, "
            f"{participation.ballots_created} ballots, {participation.surveys_created} surveys, "
            f"{participation.hearings_created} hearings, {participation.users_created} residents created)."
        )
        self.stdout.write(f"Demo projects: {projects.created} created, {projects.found} already there.")
        self.stdout.write(network)
        self.stdout.write(load_cooperation_demo(now=timezone.now(), password=DEMO_PASSWORD))
        self.stdout.write(load_indicators_demo(now=timezone.now()))
        for error in result.practice_errors:  # pragma: no cover  (the corpus and the reference data disagree)
            self.stderr.write(f"Demo practice {error}")
        emails = [u.email for u in USERS] + [email for email, _name in DEMO_EXPERTS]
        emails += [spec[0] for spec in DEMO_RESIDENTS]
        self.stdout.write(f"Demo users (password “{DEMO_PASSWORD}”): " + ", ".join(emails))
