"""`manage.py seed_registry --organizations 40000 [--seed 1]`: generated organisations for benchmarks and
demonstrations, spread over every Russian region that has municipalities (load_reference first).

Every generated row is marked: is_generated=True and "(сгенерировано)" in its name. Running the command again
replaces the generated rows (real organisations are never touched), so the registry holds exactly the number
asked for. It writes with bulk_create in batches, outside the per-object services: these rows are fixtures for
measuring, not acts of a user, so they are neither audited nor announced."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from localbridge.organizations.models import (
    BodyMember,
    BodyRole,
    Document,
    FoundingForm,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    TosProfile,
    TosTerritoryKind,
)
from localbridge.organizations.services import organization_search_text, tos_territory_key
from localbridge.territories.models import Municipality, Region

GENERATED = "сгенерировано"
BATCH_SIZE = 2000

# Share of each kind among the generated organisations (ТОС are the bulk of any real registry).
KIND_WEIGHTS: dict[str, float] = {
    OrganizationKind.TOS: 85.0,
    OrganizationKind.NGO: 6.0,
    OrganizationKind.ADMINISTRATION: 3.5,
    OrganizationKind.REPRESENTATIVE_BODY: 2.5,
    OrganizationKind.RESOURCE_CENTRE: 1.0,
    OrganizationKind.SPONSOR: 1.0,
    OrganizationKind.REGIONAL_AUTHORITY: 0.6,
    OrganizationKind.ASSOCIATION_NATIONAL: 0.2,
    OrganizationKind.ASSOCIATION_INTERNATIONAL: 0.2,
}
TOS_STATUS_WEIGHTS: dict[str, float] = {
    OrganizationStatus.REGISTERED: 72.0,
    OrganizationStatus.CLOSED: 4.0,
    OrganizationStatus.DRAFT: 7.0,
    OrganizationStatus.SUBMITTED: 5.0,
    OrganizationStatus.UNDER_REVIEW: 4.0,
    OrganizationStatus.RETURNED: 4.0,
    OrganizationStatus.REFUSED: 4.0,
}
OTHER_STATUS_WEIGHTS: dict[str, float] = {
    OrganizationStatus.ACTIVE: 93.0,
    OrganizationStatus.CLOSED: 5.0,
    OrganizationStatus.DRAFT: 2.0,
}
# In 2019 6.9% of ТОС were legal entities (DOMAIN.md, "Indicators").
TOS_LEGAL_ENTITY_SHARE = 0.07
REGION_LEVEL_KINDS = {
    OrganizationKind.REGIONAL_AUTHORITY,
    OrganizationKind.ASSOCIATION_NATIONAL,
    OrganizationKind.ASSOCIATION_INTERNATIONAL,
}

TOS_NAMES = (
    "Северный",
    "Южный",
    "Рассвет",
    "Надежда",
    "Берёзка",
    "Ёлочка",
    "Солнечный",
    "Дружба",
    "Радуга",
    "Молодёжный",
    "Центральный",
    "Заречье",
    "Луч",
    "Родник",
    "Заря",
    "Истоки",
    "Уют",
    "Наш дом",
    "Содружество",
    "Лесная поляна",
    "Черёмушки",
    "Садовый",
    "Вишнёвый",
    "Ключи",
    "Импульс",
    "Перспектива",
    "Единство",
    "Старый город",
    "Слобода",
    "Весна",
    "Победа",
    "Мечта",
    "Гармония",
    "Соседи",
    "Околица",
    "Светлый",
    "Ивушка",
    "Рябинка",
    "Лира",
    "Исток",
)
STREETS = (
    "ул. Ленина",
    "ул. Советская",
    "ул. Мира",
    "ул. Садовая",
    "ул. Молодёжная",
    "ул. Школьная",
    "ул. Лесная",
    "ул. Набережная",
    "ул. Полевая",
    "ул. Центральная",
    "ул. Новая",
    "ул. Гагарина",
    "ул. Пушкина",
    "ул. Заречная",
    "ул. Октябрьская",
    "ул. Комсомольская",
    "ул. Берёзовая",
    "ул. Луговая",
    "пер. Почтовый",
    "ул. Строителей",
)
NGO_NAMES = (
    "Добрые соседи",
    "Зелёный город",
    "Память поколений",
    "Открытый мир",
    "Здоровое поколение",
    "Мастерская идей",
    "Ремёсла края",
    "Активное долголетие",
    "Территория роста",
    "Культурное наследие",
)
SURNAMES = (
    "Иванова",
    "Петров",
    "Смирнова",
    "Кузнецов",
    "Попова",
    "Соколов",
    "Лебедева",
    "Новиков",
    "Морозова",
    "Волков",
    "Соловьёва",
    "Васильев",
    "Зайцева",
    "Павлов",
    "Семёнова",
    "Голубев",
)
INITIALS = "АБВГДЕИКЛМНОПРСТ"


@dataclass(frozen=True)
class _Place:
    region_id: int
    region_code: str
    region_name: str
    country_id: int
    municipality_id: int
    municipality_name: str
    oktmo: str


def ogrn_for(rng: random.Random, *, year: int, region_number: int) -> str:
    """A well-formed OGRN of a legal entity: sign 1, year, region, serial, and its check digit (the first twelve
    digits as a number, modulo 11, modulo 10)."""
    head = f"1{year % 100:02d}{region_number % 100:02d}{rng.randrange(10**7):07d}"
    return head + str(int(head) % 11 % 10)


class Command(BaseCommand):
    help = "Generate organisations for benchmarks (marked as generated); replaces earlier generated ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organizations", type=int, default=40_000, help="How many (default 40,000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same data.")

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["organizations"]
        if count < 0:
            raise CommandError("--organizations must be zero or more.")
        rng = random.Random(options["seed"])
        places = self._places()
        started = timezone.now()
        with transaction.atomic():
            removed = self._remove_generated()
            created = self._generate(count, rng=rng, places=places)
        seconds = (timezone.now() - started).total_seconds()
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} generated organisations in {len({p.region_id for p in places})} regions "
                f"({removed} earlier generated removed) in {seconds:.1f} s."
            )
        )

    def _places(self) -> list[_Place]:
        rows = (
            Municipality.objects.filter(country__code="RU", region__isnull=False)
            .select_related("region")
            .order_by("region__code", "pk")
        )
        places = [
            _Place(
                region_id=m.region.pk,
                region_code=m.region.code,
                region_name=m.region.name_ru,
                country_id=m.country_id,
                municipality_id=m.pk,
                municipality_name=m.name_ru,
                oktmo=m.oktmo,
            )
            for m in rows
            if m.region is not None
        ]
        if not places:
            raise CommandError(
                "No Russian municipalities in the database: load the reference territories first "
                "(`manage.py load_reference`)."
            )
        return places

    def _remove_generated(self) -> int:
        """Delete the earlier generated organisations with plain DELETE statements (Django's collector would
        load every row into memory first). Rows of other apps that point at them make the transaction fail
        on its foreign keys rather than leave dangling references."""
        generated = Organization.objects.filter(is_generated=True)
        removed = generated.count()
        if not removed:
            return 0
        # Documents go through the ORM, so that their files go with them (there are few or none).
        Document.objects.filter(organization__is_generated=True).delete()
        for model in (BodyMember, TosProfile, Membership):
            model.objects.filter(organization__is_generated=True)._raw_delete(model.objects.db)
        generated._raw_delete(generated.db)
        return removed

    def _generate(self, count: int, *, rng: random.Random, places: list[_Place]) -> int:
        by_region: dict[int, list[_Place]] = {}
        for place in places:
            by_region.setdefault(place.region_id, []).append(place)
        region_ids = sorted(by_region)
        region_numbers = {
            rid: n
            for n, rid in enumerate(
                Region.objects.filter(pk__in=region_ids).order_by("code").values_list("pk", flat=True), start=1
            )
        }
        kinds = list(KIND_WEIGHTS)
        kind_weights = list(KIND_WEIGHTS.values())
        per_municipality: dict[int, int] = {}
        organizations: list[Organization] = []
        profiles: list[TosProfile] = []
        bodies: list[BodyMember] = []
        created = 0
        for index in range(count):
            # The first pass over the regions gives each one an organisation; after that, regions with more
            # municipalities get more.
            pool = by_region[region_ids[index]] if index < len(region_ids) else places
            place = rng.choice(pool)
            kind = rng.choices(kinds, kind_weights)[0]
            organization, profile, members = self._one(
                index,
                kind=kind,
                place=place,
                rng=rng,
                per_municipality=per_municipality,
                region_number=region_numbers.get(place.region_id, 0),
            )
            organizations.append(organization)
            if profile is not None:
                profiles.append(profile)
            bodies.extend(members)
            if len(organizations) >= BATCH_SIZE:
                created += self._flush(organizations, profiles, bodies)
        created += self._flush(organizations, profiles, bodies)
        return created

    @staticmethod
    def _flush(organizations: list[Organization], profiles: list[TosProfile], bodies: list[BodyMember]) -> int:
        if not organizations:
            return 0
        Organization.objects.bulk_create(organizations, batch_size=BATCH_SIZE)
        for profile in profiles:
            profile.organization_id = profile.organization.pk
        for member in bodies:
            member.organization_id = member.organization.pk
        TosProfile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
        BodyMember.objects.bulk_create(bodies, batch_size=BATCH_SIZE)
        done = len(organizations)
        organizations.clear()
        profiles.clear()
        bodies.clear()
        return done

    def _one(
        self,
        index: int,
        *,
        kind: str,
        place: _Place,
        rng: random.Random,
        per_municipality: dict[int, int],
        region_number: int,
    ) -> tuple[Organization, TosProfile | None, list[BodyMember]]:
        is_tos = kind == OrganizationKind.TOS
        weights = TOS_STATUS_WEIGHTS if is_tos else OTHER_STATUS_WEIGHTS
        status = rng.choices(list(weights), list(weights.values()))[0]
        region_level = kind in REGION_LEVEL_KINDS
        founded = date(2005, 1, 1) + timedelta(days=rng.randrange(20 * 365))
        organization = Organization(
            kind=kind,
            name=self._name(kind, index, place, rng),
            status=status,
            country_id=place.country_id,
            region_id=place.region_id,
            municipality_id=None if region_level else place.municipality_id,
            description=(
                "Запись **сгенерирована** для проверки производительности реестра: такой организации нет. "
                f"Территория: {place.municipality_name}, {place.region_name}."
            ),
            address="" if region_level else f"{place.municipality_name}, {rng.choice(STREETS)}, {rng.randint(1, 120)}",
            email=f"org{index}@example.org" if rng.random() < 0.3 else "",
            founded_on=founded if status != OrganizationStatus.DRAFT else None,
            is_generated=True,
        )
        legal = (
            rng.random() < TOS_LEGAL_ENTITY_SHARE
            if is_tos
            else kind not in (OrganizationKind.RESOURCE_CENTRE,) and status != OrganizationStatus.DRAFT
        )
        if legal and status in (OrganizationStatus.REGISTERED, OrganizationStatus.ACTIVE, OrganizationStatus.CLOSED):
            organization.is_legal_entity = True
            organization.legal_registered_on = founded + timedelta(days=rng.randrange(30, 400))
            organization.ogrn = ogrn_for(rng, year=organization.legal_registered_on.year, region_number=region_number)
        profile = None
        members: list[BodyMember] = []
        if is_tos:
            number = per_municipality[place.municipality_id] = per_municipality.get(place.municipality_id, 0) + 1
            first = rng.randint(1, 60)
            territory = (
                f"{rng.choice(STREETS)}, дома {first}–{first + rng.randint(2, 30)} (участок {number}, {GENERATED})"
            )
            residents = rng.randint(40, 4000)
            profile = TosProfile(
                organization=organization,
                territory_name=territory,
                territory_kind=rng.choice(TosTerritoryKind.values),
                residents_count=residents,
                founding_date=founded,
                founding_form=FoundingForm.MEETING if residents < 1000 else FoundingForm.CONFERENCE,
                participants_count=residents // 3 + rng.randint(1, 50),
            )
            organization.territory_key = tos_territory_key(place.municipality_id, territory)
            if status in (OrganizationStatus.REGISTERED, OrganizationStatus.CLOSED):
                prefix = place.oktmo or f"M{place.municipality_id}"
                organization.registry_number = f"G-{prefix}-{number:05d}"
                organization.registered_at = timezone.make_aware(
                    datetime.combine(founded + timedelta(days=rng.randrange(10, 40)), time(12))
                )
            members = [
                BodyMember(organization=organization, full_name=self._person(rng), role=BodyRole.CHAIR, position=0),
                *[
                    BodyMember(
                        organization=organization, full_name=self._person(rng), role=BodyRole.COUNCIL, position=position
                    )
                    for position in range(1, rng.randint(1, 3))
                ],
            ]
        organization.search_text = organization_search_text(organization)
        return organization, profile, members

    @staticmethod
    def _person(rng: random.Random) -> str:
        return f"{rng.choice(SURNAMES)} {rng.choice(INITIALS)}. {rng.choice(INITIALS)}."

    @staticmethod
    def _name(kind: str, index: int, place: _Place, rng: random.Random) -> str:
        mark = f"({GENERATED})"
        if kind == OrganizationKind.TOS:
            return f"ТОС «{rng.choice(TOS_NAMES)}» № {index + 1} {mark}"
        if kind == OrganizationKind.NGO:
            return f"АНО «{rng.choice(NGO_NAMES)}» № {index + 1} {mark}"
        if kind == OrganizationKind.ADMINISTRATION:
            return f"Администрация: {place.municipality_name} № {index + 1} {mark}"
        if kind == OrganizationKind.REPRESENTATIVE_BODY:
            return f"Совет депутатов: {place.municipality_name} № {index + 1} {mark}"
        if kind == OrganizationKind.RESOURCE_CENTRE:
            return f"Ресурсный центр поддержки ТОС № {index + 1}, {place.municipality_name} {mark}"
        if kind == OrganizationKind.SPONSOR:
            return f"ООО «Партнёр-{index + 1}» {mark}"
        if kind == OrganizationKind.REGIONAL_AUTHORITY:
            return f"Министерство по делам местного самоуправления № {index + 1}: {place.region_name} {mark}"
        if kind == OrganizationKind.ASSOCIATION_NATIONAL:
            return f"Ассоциация муниципальных образований № {index + 1} {mark}"
        return f"Международная ассоциация местных сообществ № {index + 1} {mark}"
