"""`manage.py load_demo [--if-empty]`: demonstration organisations and users.

The organisations are the real bodies the founding resolutions name (../shared/data/resolutions/*.txt and
DOMAIN.md, "Municipal international cooperation"), placed in their real countries, regions and cities; the
administrations of cities the resolutions name but do not name as a body are marked generated. Websites are
given only where the resolutions or the bodies' own public addresses make them certain.

Demo users share the password DEMO_PASSWORD and have verified e-mail addresses. Idempotent: every organisation
is looked up by name and kind first, every user by e-mail, every role before it is granted. ТОС are not made
here (they go through the registration workflow)."""

import io
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from localbridge.accounts.models import User
from localbridge.organizations.models import Membership, MembershipRole, Organization, OrganizationKind
from localbridge.organizations.services import membership_grant, organization_create
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


USERS = [
    DemoUser(
        "staff@demo.localbridge.local",
        "Анна Демидова (демо)",
        organization="Администрация города Благовещенска",
        role=MembershipRole.STAFF,
        title="Специалист по взаимодействию с ТОС",
    ),
    DemoUser("chair@demo.localbridge.local", "Пётр Демченко (демо)"),
    DemoUser("moderator@demo.localbridge.local", "Мария Модестова (демо)", is_staff=True),
]


@dataclass
class DemoResult:
    organizations_created: int = 0
    organizations_found: int = 0
    users_created: int = 0
    roles_granted: int = 0


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


@transaction.atomic
def demo_load() -> DemoResult:
    result = DemoResult()
    places = Places()
    organizations = {spec.name: _organization(spec, places, result) for spec in ORGANIZATIONS}
    for spec in USERS:
        user = _user(spec, result)
        if spec.organization:
            organization = organizations[spec.organization]
            if not Membership.objects.filter(
                user=user, organization=organization, role=spec.role, is_active=True
            ).exists():
                membership_grant(actor=None, organization=organization, user=user, role=spec.role, title=spec.title)
                result.roles_granted += 1
    return result


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
        result = demo_load()
        self.stdout.write(
            f"Demo organisations: {result.organizations_created} created, {result.organizations_found} already there."
        )
        self.stdout.write(f"Demo users (password “{DEMO_PASSWORD}”): " + ", ".join(u.email for u in USERS))
