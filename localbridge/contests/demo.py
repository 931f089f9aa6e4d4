"""Demonstration contests, made only through the contests' services (and the organisations' services for the
applicants), each step at its own moment relative to `now`, so that every stage of a contest can be seen.

Everything here is invented and says so: the contests' titles end in "(демо)" and their rules open with a note
that the contest is generated; the demo residents' associations and NGOs are marked generated
(Organization.is_generated).

- Three copies of a regional contest of ТОС landscaping projects in the Amur region (the demo's ТОС are there;
  its registered ТОС applies beside six generated residents' associations),
  announced by the region's Ministry of Internal and Information Policy: one accepting applications (drafts and
  submitted applications), one in expert evaluation (admitted applications, three experts, some scores) and one
  finished (results published). A dozen applications each, budgets split by source with co-financing.
- The international youth contest «Мир без войны и насилия» (finished), announced by the International
  Association "Twin Cities", with three nominations and applicants from Russia, Belarus, Israel, Finland,
  Lithuania, Poland and Germany.

Idempotent: a contest is looked up by its title and skipped when it exists; organisations by name and kind,
users by e-mail. It expects the base demo (load_demo) to be loaded: the demo users, the organiser bodies and the
Amur ТОС reviewer."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from localbridge.accounts.models import User
from localbridge.organizations.models import (
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    OrganizationStatus,
)
from localbridge.organizations.services import (
    membership_grant,
    organization_create,
)
from localbridge.territories.models import Country, Municipality, Region

from . import services
from .models import Application, Assignment, Contest, ContestScope, Criterion, Expert

__all__ = ["DEMO_EXPERTS", "ContestDemoSummary", "load_contest_demo"]

GENERATED_NOTE = (
    "Демонстрационные данные: конкурс, организации-участники, заявки и оценки сгенерированы LocalBridge и не "
    "относятся к реальному конкурсу."
)
DEFAULT_PASSWORD = "localbridge-demo"  # noqa: S105  (the documented demo password; load_demo passes its own)
ORGANISER_EMAIL = "staff@demo.localbridge.local"
APPLICANT_EMAIL = "chair@demo.localbridge.local"
DEMO_EXPERTS = (
    ("expert1@demo.localbridge.local", "Ирина Экспертова (демо)"),
    ("expert2@demo.localbridge.local", "Олег Оценщиков (демо)"),
    ("expert3@demo.localbridge.local", "Светлана Рецензентова (демо)"),
)
REGION = "RU-AMU"
REGIONAL_ORGANISER = "Министерство внутренней и информационной политики Амурской области"
INTERNATIONAL_ORGANISER = "Международная ассоциация «Породнённые города»"
ORGANISER_TITLE = "Консультант по конкурсам (демо)"

REGIONAL_RULES = """{note}

**Кто может участвовать:** территориальные общественные самоуправления (ТОС) Амурской области и
общественные объединения жителей, действующие в интересах ТОС.

**Что поддерживается:** проекты благоустройства дворов, скверов, детских и спортивных площадок, мест памяти.

**Деньги:** грант до 300 000 ₽ на проект; софинансирование — не менее 10 % стоимости проекта (средства
местного бюджета, жителей, спонсоров, трудовое участие жителей в денежной оценке).

**Оценка:** два эксперта на заявку по шести критериям ТОС-благоустройства (0–5 баллов); проходной балл — 40
из 100. При равенстве баллов выше заявка, поданная раньше."""

INTERNATIONAL_RULES = """{note}

Международный молодёжный конкурс рисунков, эссе и проектов о мире без войны и насилия. Участники — молодёжные
и общественные некоммерческие организации породнённых городов России, Беларуси, Израиля, Финляндии, Литвы,
Польши и Германии; авторы — молодёжь от 14 до 30 лет.

Каждая номинация имеет свой призовой фонд; премия — до 150 000 ₽ на проект организации (выставка, публикация,
молодёжная встреча). Работы оценивают три эксперта по четырём критериям (0–10 баллов)."""


@dataclass
class ContestDemoSummary:
    contests_created: int = 0
    contests_found: int = 0
    applications_created: int = 0
    organizations_created: int = 0
    users_created: int = 0


# --- the projects ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    title: str
    problem: str
    lines: tuple[tuple[str, str, str, str], ...]  # item, unit, quantity, unit cost (paid by the grant and others)
    volunteer_hours: int  # residents' labour, valued at 300 ₽ an hour
    beneficiaries: int


TOS_PROJECTS = (
    Project(
        "Двор нашего детства: детская площадка на ул. Ленина",
        "Во дворе нет детской площадки: дети играют у проезжей части.",
        (("Игровой комплекс «Городок»", "шт.", "1", "185000"), ("Резиновое покрытие", "м²", "60", "1900")),
        120,
        240,
    ),
    Project(
        "Сквер памяти земляков — участников Великой Отечественной войны",
        "Памятный знак в квартале разрушается, вокруг нет дорожек и освещения.",
        (("Ремонт памятного знака", "усл.", "1", "90000"), ("Тротуарная плитка", "м²", "80", "1500")),
        200,
        600,
    ),
    Project(
        "Спортивная площадка «Здоровый двор»",
        "Подросткам негде заниматься спортом рядом с домом.",
        (("Уличные тренажёры", "шт.", "6", "28000"), ("Ограждение площадки", "м", "40", "1800")),
        90,
        350,
    ),
    Project(
        "Светлая улица: уличное освещение на ул. Зейской",
        "Улица не освещена, вечером по ней опасно ходить.",
        (("Светодиодный светильник", "шт.", "12", "9500"), ("Монтаж опор и кабеля", "усл.", "1", "95000")),
        60,
        180,
    ),
    Project(
        "Зелёный двор: озеленение и цветники",
        "Двор вытоптан, деревья погибли после строительства теплотрассы.",
        (("Саженцы деревьев и кустарников", "шт.", "60", "1400"), ("Плодородный грунт", "м³", "30", "1600")),
        240,
        200,
    ),
    Project(
        "Скамейки и урны для улицы Железнодорожной",
        "Пожилым жителям негде присесть по дороге в магазин и поликлинику.",
        (("Скамейка парковая", "шт.", "10", "12000"), ("Урна металлическая", "шт.", "10", "3500")),
        40,
        150,
    ),
    Project(
        "Хоккейная коробка для микрорайона Северный",
        "Зимой детям негде кататься на коньках и играть в хоккей.",
        (("Борта хоккейной коробки", "компл.", "1", "210000"), ("Освещение катка", "шт.", "4", "11000")),
        150,
        900,
    ),
    Project(
        "Тропа здоровья вдоль берега Амура",
        "Берег замусорен, прогулочной дорожки нет.",
        (("Отсыпка дорожки щебнем", "м²", "300", "450"), ("Информационные щиты", "шт.", "4", "7500")),
        300,
        1200,
    ),
    Project(
        "Площадка для выгула собак",
        "Собак выгуливают на детской площадке, жители жалуются.",
        (("Сетчатое ограждение", "м", "80", "1300"), ("Снаряды для дрессировки", "компл.", "1", "65000")),
        50,
        300,
    ),
    Project(
        "Ремонт дворового проезда и парковочных карманов",
        "Проезд разбит, машины паркуются на газонах.",
        (("Асфальтирование", "м²", "200", "1050"), ("Бордюрный камень", "м", "60", "850")),
        30,
        260,
    ),
    Project(
        "Летняя сцена для праздников двора",
        "Жителям негде проводить праздники и концерты самодеятельности.",
        (("Деревянный помост с навесом", "шт.", "1", "160000"), ("Скамьи для зрителей", "шт.", "8", "9000")),
        110,
        500,
    ),
    Project(
        "Контейнерная площадка для раздельного сбора отходов",
        "Мусор собирают в переполненные баки без навеса.",
        (("Навес и ограждение площадки", "шт.", "1", "120000"), ("Контейнеры для вторсырья", "шт.", "4", "14000")),
        40,
        700,
    ),
    Project(
        "Мини-футбольное поле с искусственным покрытием",
        "Школьники играют в футбол на пустыре с битым стеклом.",
        (("Искусственный газон", "м²", "200", "950"), ("Ворота футбольные", "шт.", "2", "18000")),
        120,
        400,
    ),
    Project(
        "Аллея выпускников в квартале Центральный",
        "Пустырь у школы зарастает бурьяном.",
        (("Саженцы клёнов и лип", "шт.", "40", "2200"), ("Садовые фонари", "шт.", "10", "6500")),
        180,
        800,
    ),
    Project(
        "Качели и карусель для малышей",
        "Старые качели демонтированы как опасные, новых нет.",
        (("Качели на гибкой подвеске", "шт.", "2", "42000"), ("Карусель", "шт.", "1", "68000")),
        60,
        120,
    ),
    Project(
        "Благоустройство родника «Ключик»",
        "Жители ходят к роднику по размытому склону, сруб сгнил.",
        (("Сруб и навес над родником", "шт.", "1", "95000"), ("Ступени и перила", "м", "25", "3200")),
        140,
        1500,
    ),
    Project(
        "Теннисные столы и площадка для настольного тенниса",
        "Молодёжи негде проводить время во дворе.",
        (("Всепогодный теннисный стол", "шт.", "3", "38000"), ("Основание из плитки", "м²", "45", "1500")),
        70,
        250,
    ),
    Project(
        "Игровой городок «Амурские сказки»",
        "В новом квартале нет ни одной детской площадки.",
        (("Деревянные игровые фигуры", "шт.", "5", "36000"), ("Песочница с крышкой", "шт.", "1", "25000")),
        100,
        330,
    ),
)


@dataclass(frozen=True)
class DemoTosSpec:
    name: str
    city: str
    territory: str
    residents: int
    chair: str


# Residents' associations of the Amur region that apply beside the demo's registered ТОС (load_demo's other
# ТОС are drafts, under review or refused): invented, marked generated. They are NGOs: a ТОС itself is made only
# through the registration workflow, and load_demo owns the demo ТОС.
AMUR_ASSOCIATIONS = (
    DemoTosSpec("Совет жителей «Берег Амура» (демо)", "Благовещенск", "ул. Набережная, дома 1–40", 900, ""),
    DemoTosSpec("Совет жителей микрорайона «Солнечный» (демо)", "Благовещенск", "микрорайон Солнечный", 2400, ""),
    DemoTosSpec("Совет жителей улицы Горького (демо)", "Благовещенск", "ул. Горького, дома 50–90", 520, ""),
    DemoTosSpec("Совет жителей посёлка Мухинка (демо)", "Благовещенск", "посёлок Мухинка", 1300, ""),
    DemoTosSpec("Совет жителей Рабочего посёлка (демо)", "Свободный", "Рабочий посёлок", 700, ""),
    DemoTosSpec("Совет жителей улицы Кирова (демо)", "Свободный", "ул. Кирова, дома 2–30", 380, ""),
)


@dataclass(frozen=True)
class DemoNgo:
    name: str
    name_en: str
    country: str


INTERNATIONAL_NGOS = (
    DemoNgo("Молодёжный центр «Мост дружбы», Волгоград (демо)", "Friendship Bridge Youth Centre (demo)", "RU"),
    DemoNgo("Клуб юных художников «Палитра», Брест (демо)", "Palitra Young Artists' Club, Brest (demo)", "BY"),
    DemoNgo("Молодёжное объединение «Шалом — Мир», Хайфа (демо)", "Shalom-Mir Youth Association (demo)", "IL"),
    DemoNgo("Молодёжная ассоциация «Рауха», Лахти (демо)", "Rauha Youth Association, Lahti (demo)", "FI"),
    DemoNgo("Молодёжный клуб «Таика», Каунас (демо)", "Taika Youth Club, Kaunas (demo)", "LT"),
    DemoNgo("Общество «Покуй», Гданьск (демо)", "Pokój Society, Gdańsk (demo)", "PL"),
    DemoNgo("Молодёжная мастерская «Фриден», Кёльн (демо)", "Frieden Youth Workshop, Cologne (demo)", "DE"),
)

PEACE_NOMINATIONS = (
    ("Рисунок", "Рисунки и плакаты молодых авторов о мире без войны и насилия.", Decimal("300000")),
    ("Эссе", "Эссе и рассказы о мире, дружбе городов и ненасилии.", Decimal("300000")),
    ("Молодёжный проект", "Проекты молодёжных встреч, выставок и акций за мир.", Decimal("900000")),
)
PEACE_CRITERIA = (
    ("Раскрытие темы мира и ненасилия", "Насколько глубоко работа раскрывает тему конкурса."),
    ("Оригинальность замысла", "Собственный взгляд автора, новизна формы."),
    ("Качество исполнения", "Художественное, литературное или организационное качество работы."),
    ("Участие молодёжи разных стран", "Вовлечение молодёжи из породнённых городов."),
)
# (applicant index in INTERNATIONAL_NGOS, nomination index, title, grant asked)
PEACE_ENTRIES = (
    (0, 2, "Молодёжный форум породнённых городов «Волга — Рейн»", "150000"),
    (0, 0, "Выставка детского рисунка «Небо без войны»", "60000"),
    (1, 0, "Серия плакатов «Голуби над Брестской крепостью»", "55000"),
    (1, 1, "Сборник эссе «Письмо сверстнику из другой страны»", "48000"),
    (2, 1, "Эссе «Соседи: как мы учимся слышать друг друга»", "40000"),
    (2, 2, "Летний лагерь диалога для подростков", "150000"),
    (3, 0, "Рисунки «Мир глазами детей Лахти»", "50000"),
    (3, 2, "Медиапроект «Города-побратимы: голоса молодёжи»", "140000"),
    (4, 1, "Эссе «Память и примирение»", "45000"),
    (5, 0, "Мурал «Мирное небо» на стене молодёжного центра", "90000"),
    (5, 2, "Велопробег дружбы Гданьск — Калининград", "150000"),
    (6, 1, "Эссе «Что значит жить без страха»", "42000"),
)


# --- helpers ----------------------------------------------------------------------------------------------------


def _user(email: str, full_name: str, password: str, summary: ContestDemoSummary) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        summary.users_created += 1
    if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _required_user(email: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        raise ImproperlyConfigured(f"{email} is missing: load the base demo (load_demo) first.")
    return user


def _required_organization(name: str) -> Organization:
    organization = Organization.objects.filter(name=name).order_by("pk").first()
    if organization is None:
        raise ImproperlyConfigured(f"{name} is missing: load the base demo (load_demo) first.")
    return organization


def _role(user: User, organization: Organization, role: str, title: str = "") -> None:
    if not Membership.objects.filter(user=user, organization=organization, role=role, is_active=True).exists():
        membership_grant(actor=None, organization=organization, user=user, role=role, title=title)


def _city(name: str) -> Municipality:
    municipality = Municipality.objects.filter(region__code=REGION, name_ru=name).order_by("pk").first()
    if municipality is None:
        raise ImproperlyConfigured(f"{name} ({REGION}) is not loaded: run load_reference first.")
    return municipality


def _association(spec: DemoTosSpec, applicant: User, summary: ContestDemoSummary) -> Organization:
    """A demo residents' association (NGO) of the Amur region, the demo chair its chair."""
    organization = Organization.objects.filter(name=spec.name, kind=OrganizationKind.NGO).order_by("pk").first()
    if organization is None:
        organization = organization_create(
            actor=None,
            kind=OrganizationKind.NGO,
            name=spec.name,
            municipality=_city(spec.city),
            description=f"Объединение жителей: {spec.territory}, около {spec.residents} жителей. {GENERATED_NOTE}",
            is_generated=True,
        )
        summary.organizations_created += 1
    _role(applicant, organization, MembershipRole.CHAIR, "Председатель совета (демо)")
    return organization


def _budget(project: Project, variant: int) -> list[dict[str, Any]]:
    """Budget lines: the materials mostly paid by the grant, the rest by the local budget, residents and sponsors;
    the residents' labour as a line of its own, valued. Co-financing comes to about 15–25 % of the cost."""
    lines: list[dict[str, Any]] = []
    shares = (Decimal("0.80"), Decimal("0.85"), Decimal("0.75"))[variant % 3]
    for item, unit, quantity, unit_cost in project.lines:
        total = (Decimal(quantity) * Decimal(unit_cost)).quantize(Decimal("0.01"))
        grant = (total * shares).quantize(Decimal("1"))
        rest = total - grant
        local_budget = (rest / 2).quantize(Decimal("1"))
        residents = (rest / 4).quantize(Decimal("1"))
        sponsors = rest - local_budget - residents
        lines.append(
            {
                "item": item,
                "unit": unit,
                "quantity": quantity,
                "unit_cost": unit_cost,
                "grant": grant,
                "local_budget": local_budget,
                "residents": residents,
                "sponsors": sponsors,
            }
        )
    lines.append(
        {
            "item": "Трудовое участие жителей (субботники), в денежной оценке",
            "unit": "чел.-ч",
            "quantity": project.volunteer_hours,
            "unit_cost": "300",
            "volunteer_labour": Decimal(project.volunteer_hours * 300),
        }
    )
    return lines


def _activities(start: date) -> list[dict[str, Any]]:
    return [
        {"name": "Собрание жителей и согласование проекта", "starts_on": start, "ends_on": start + timedelta(days=14)},
        {
            "name": "Закупка материалов и оборудования",
            "starts_on": start + timedelta(days=15),
            "ends_on": start + timedelta(days=45),
        },
        {
            "name": "Работы с участием жителей, открытие объекта",
            "starts_on": start + timedelta(days=46),
            "ends_on": start + timedelta(days=90),
        },
    ]


def _moment(now: datetime, days: float) -> datetime:
    return now + timedelta(days=days)


# --- the regional contests --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionalCopy:
    title: str
    state: str  # "open", "evaluation", "finished"
    offset: int  # days from `now` to the first day of applications
    first_project: int  # index in TOS_PROJECTS of the first of its twelve projects


REGIONAL_COPIES = (
    RegionalCopy("Конкурс проектов ТОС по благоустройству Амурской области — весна 2026 (демо)", "finished", -200, 0),
    RegionalCopy("Конкурс проектов ТОС по благоустройству Амурской области — осень 2026 (демо)", "evaluation", -60, 6),
    RegionalCopy("Конкурс проектов ТОС по благоустройству Амурской области — 2027 (демо)", "open", -10, 3),
)


def _regional(
    copy: RegionalCopy,
    *,
    now: datetime,
    organiser: User,
    applicant: User,
    experts: list[User],
    applicants: list[Organization],
    summary: ContestDemoSummary,
) -> Contest:
    start = timezone.localdate(now) + timedelta(days=copy.offset)
    created = _moment(now, copy.offset - 5)
    region = Region.objects.get(code=REGION)
    contest = services.contest_create(
        actor=organiser,
        organizer=_required_organization(REGIONAL_ORGANISER),
        now=created,
        title=copy.title,
        summary="Гранты ТОС Амурской области на благоустройство дворов, скверов и площадок. " + GENERATED_NOTE,
        rules=REGIONAL_RULES.format(note=GENERATED_NOTE),
        eligible_kinds=[OrganizationKind.TOS, OrganizationKind.NGO],
        scope=ContestScope.REGIONAL,
        region=region,
        time_zone="Asia/Yakutsk",
        applications_open=start,
        applications_close=start + timedelta(days=21),
        review_until=start + timedelta(days=31),
        evaluation_until=start + timedelta(days=52),
        results_on=start + timedelta(days=60),
        prize_pool=Decimal("2500000"),
        max_grant=Decimal("300000"),
        min_cofinancing_percent=Decimal("10"),
        experts_per_application=2,
        min_pass_score=Decimal("40"),
    )
    services.contest_apply_template(contest=contest, actor=organiser, template="tos_landscaping", now=created)
    for expert_user in experts:
        expert = services.expert_invite(contest=contest, actor=organiser, user=expert_user, now=created)
        services.expert_respond(expert=expert, actor=expert_user, accept=True, now=_moment(created, 1))
    services.contest_move(contest=contest, actor=organiser, action="announce", now=_moment(created, 2))
    # Expert 3 lives in the first applicant's quarter: a declared conflict of interest.
    expert3 = Expert.objects.get(contest=contest, user=experts[2])
    services.conflict_declare(
        expert=expert3,
        actor=experts[2],
        organization=applicants[0],
        comment="Живу на территории этого ТОС (демо).",
        now=_moment(created, 3),
    )
    drafts = 5 if copy.state == "open" else 0
    applications: list[Application] = []
    for index in range(12):
        project = TOS_PROJECTS[(copy.first_project + index) % len(TOS_PROJECTS)]
        organization = applicants[index % len(applicants)]
        at = _moment(now, copy.offset + 1 + index * (8 if copy.state == "open" else 1.5) / 12 + 0.1)
        application = services.application_create(
            contest=contest,
            organization=organization,
            actor=applicant,
            now=at,
            title=project.title,
            problem=project.problem + " (демо)",
        )
        application = services.application_update(
            application=application,
            actor=applicant,
            version=application.version,
            now=_moment(at, 0.1),
            goals="Сделать территорию удобной и безопасной для жителей всех возрастов.",
            expected_results="Объект построен и передан на содержание ТОС; проведён праздник открытия.",
            beneficiaries=project.beneficiaries,
            volunteers=max(10, project.volunteer_hours // 6),
            activities=_activities(start + timedelta(days=75)),
            budget_lines=_budget(project, index),
        )
        summary.applications_created += 1
        if index >= 12 - drafts:
            continue  # a draft being written
        services.application_submit(application=application, actor=applicant, now=_moment(at, 0.2))
        applications.append(application)
    if copy.state == "open":
        return contest
    services.contest_move(
        contest=contest, actor=organiser, action="close_applications", now=_moment(now, copy.offset + 22.5)
    )
    for index, application in enumerate(applications):
        at = _moment(now, copy.offset + 24 + index * 0.2)
        if index == 10:
            services.application_review(
                application=application,
                actor=organiser,
                action="admit_with_conditions",
                comment="Приложить смету, согласованную с управляющей компанией (демо).",
                now=at,
            )
        elif index == 11:
            services.application_review(
                application=application,
                actor=organiser,
                action="not_admit",
                reason="budget",
                comment="Часть расходов не относится к благоустройству (демо).",
                now=at,
            )
        else:
            services.application_review(application=application, actor=organiser, action="admit", now=at)
    services.contest_move(
        contest=contest, actor=organiser, action="start_evaluation", now=_moment(now, copy.offset + 32)
    )
    services.assignments_auto(contest=contest, actor=organiser, now=_moment(now, copy.offset + 32))
    _score(contest, now=_moment(now, copy.offset + 33), everything=copy.state == "finished", seed=copy.offset)
    if copy.state == "finished":
        services.contest_move(
            contest=contest, actor=organiser, action="close_evaluation", now=_moment(now, copy.offset + 53)
        )
        services.contest_move(
            contest=contest, actor=organiser, action="publish_results", now=_moment(now, copy.offset + 60)
        )
    return contest


def _score(contest: Contest, *, now: datetime, everything: bool, seed: int) -> None:
    """Experts score their assignments: all of them (and complete), or about two in three (some completed)."""
    rng = random.Random(f"{contest.title}:{seed}")
    criteria = list(Criterion.objects.filter(contest=contest).order_by("position", "pk"))
    assignments = list(
        Assignment.objects.filter(application__contest=contest)
        .select_related("expert__user", "application__contest", "expert__contest")
        .order_by("application__number", "expert_id")
    )
    for index, assignment in enumerate(assignments):
        if not everything and index % 3 == 2:
            continue  # not scored yet
        at = now + timedelta(hours=6 * index)
        quality = rng.uniform(0.45, 0.95)
        values = {
            criterion.pk: (
                Decimal(
                    max(
                        criterion.scale_min,
                        min(
                            criterion.scale_max,
                            round(criterion.scale_min + quality * (criterion.scale_max - criterion.scale_min))
                            + rng.choice((-1, 0, 0, 1)),
                        ),
                    )
                ),
                "",
            )
            for criterion in criteria
        }
        first = criteria[0].pk
        values[first] = (values[first][0], "Оценка сгенерирована для демонстрации (демо).")
        user = assignment.expert.user
        services.scores_record(assignment=assignment, actor=user, values=values, now=at)
        if everything or index % 3 == 0:
            services.assignment_complete(assignment=assignment, actor=user, now=at + timedelta(hours=1))


# --- the international contest ----------------------------------------------------------------------------------

PEACE_TITLE = "Международный молодёжный конкурс «Мир без войны и насилия» (демо)"


def _peace(
    *,
    now: datetime,
    organiser: User,
    applicant: User,
    experts: list[User],
    summary: ContestDemoSummary,
) -> Contest:
    countries = {c.code: c for c in Country.objects.filter(code__in={ngo.country for ngo in INTERNATIONAL_NGOS})}
    missing = {ngo.country for ngo in INTERNATIONAL_NGOS} - set(countries)
    if missing:
        raise ImproperlyConfigured(f"Countries {sorted(missing)} are not loaded: run load_reference first.")
    ngos: list[Organization] = []
    for spec in INTERNATIONAL_NGOS:
        ngo = Organization.objects.filter(name=spec.name, kind=OrganizationKind.NGO).order_by("pk").first()
        if ngo is None:
            ngo = organization_create(
                actor=None,
                kind=OrganizationKind.NGO,
                name=spec.name,
                name_en=spec.name_en,
                country=countries[spec.country],
                is_generated=True,
            )
            summary.organizations_created += 1
        _role(applicant, ngo, MembershipRole.CHAIR, "Руководитель (демо)")
        ngos.append(ngo)
    start = timezone.localdate(now) - timedelta(days=150)
    created = _moment(now, -155)
    contest = services.contest_create(
        actor=organiser,
        organizer=_required_organization(INTERNATIONAL_ORGANISER),
        now=created,
        title=PEACE_TITLE,
        summary="Рисунки, эссе и проекты молодёжи породнённых городов о мире без войны и насилия. " + GENERATED_NOTE,
        rules=INTERNATIONAL_RULES.format(note=GENERATED_NOTE),
        eligible_kinds=[OrganizationKind.NGO],
        scope=ContestScope.INTERNATIONAL,
        countries=[countries[code] for code in dict.fromkeys(ngo.country for ngo in INTERNATIONAL_NGOS)],
        time_zone="Europe/Moscow",
        applications_open=start,
        applications_close=start + timedelta(days=30),
        review_until=start + timedelta(days=40),
        evaluation_until=start + timedelta(days=60),
        results_on=start + timedelta(days=70),
        prize_pool=Decimal("1500000"),
        max_grant=Decimal("150000"),
        experts_per_application=3,
        min_pass_score=Decimal("50"),
    )
    services.contest_set_nominations(
        contest=contest,
        actor=organiser,
        nominations=[{"name": n, "description": d, "pool": p} for n, d, p in PEACE_NOMINATIONS],
        now=created,
    )
    services.contest_set_criteria(
        contest=contest,
        actor=organiser,
        criteria=[{"name": n, "description": d, "scale_min": 0, "scale_max": 10} for n, d in PEACE_CRITERIA],
        now=created,
    )
    for expert_user in experts:
        expert = services.expert_invite(contest=contest, actor=organiser, user=expert_user, now=created)
        services.expert_respond(expert=expert, actor=expert_user, accept=True, now=_moment(created, 1))
    services.contest_move(contest=contest, actor=organiser, action="announce", now=_moment(created, 2))
    nominations = list(contest.nominations.order_by("position"))
    applications: list[Application] = []
    for index, (who, nomination, title, grant) in enumerate(PEACE_ENTRIES):
        at = _moment(now, -149 + index * 2)
        application = services.application_create(
            contest=contest,
            organization=ngos[who],
            actor=applicant,
            now=at,
            title=title,
            nomination=nominations[nomination],
            problem="Молодёжь породнённых городов мало знает друг о друге; тема мира требует живого разговора (демо).",
            goals="Показать взгляд молодёжи на мир без войны и насилия и познакомить авторов из разных стран.",
            expected_results="Работы опубликованы и показаны на выставке породнённых городов (демо).",
            beneficiaries=200 + 37 * index,
            volunteers=5 + index,
            activities=[
                {"name": "Подготовка работ авторами", "starts_on": start, "ends_on": start + timedelta(days=25)},
                {
                    "name": "Выставка, публикация или встреча",
                    "starts_on": start + timedelta(days=90),
                    "ends_on": start + timedelta(days=120),
                },
            ],
            budget_lines=[
                {
                    "item": "Материалы, печать, аренда площадки",
                    "unit": "усл.",
                    "quantity": "1",
                    "unit_cost": grant,
                    "grant": grant,
                },
                {
                    "item": "Работа волонтёров, в денежной оценке",
                    "unit": "чел.-ч",
                    "quantity": "60",
                    "unit_cost": "300",
                    "volunteer_labour": "18000",
                },
            ],
        )
        services.application_submit(application=application, actor=applicant, now=_moment(at, 0.5))
        summary.applications_created += 1
        applications.append(application)
    services.contest_move(contest=contest, actor=organiser, action="close_applications", now=_moment(now, -118))
    for index, application in enumerate(applications):
        services.application_review(
            application=application, actor=organiser, action="admit", now=_moment(now, -117 + index * 0.1)
        )
    services.contest_move(contest=contest, actor=organiser, action="start_evaluation", now=_moment(now, -110))
    services.assignments_auto(contest=contest, actor=organiser, now=_moment(now, -110))
    _score(contest, now=_moment(now, -108), everything=True, seed=7)
    services.contest_move(contest=contest, actor=organiser, action="close_evaluation", now=_moment(now, -90))
    services.contest_move(contest=contest, actor=organiser, action="publish_results", now=_moment(now, -80))
    return contest


# --- entry point ------------------------------------------------------------------------------------------------


@transaction.atomic
def load_contest_demo(*, now: datetime | None = None, password: str = DEFAULT_PASSWORD) -> ContestDemoSummary:
    """Load the demo contests (see the module's docstring); contests that exist (by title) are skipped."""
    now = now or timezone.now()
    summary = ContestDemoSummary()
    organiser = _required_user(ORGANISER_EMAIL)
    applicant = _required_user(APPLICANT_EMAIL)
    experts = [_user(email, name, password, summary) for email, name in DEMO_EXPERTS]
    _role(organiser, _required_organization(REGIONAL_ORGANISER), MembershipRole.STAFF, ORGANISER_TITLE)
    _role(organiser, _required_organization(INTERNATIONAL_ORGANISER), MembershipRole.STAFF, ORGANISER_TITLE)

    regional_titles = [copy.title for copy in REGIONAL_COPIES]
    existing = set(Contest.objects.filter(title__in=[*regional_titles, PEACE_TITLE]).values_list("title", flat=True))
    if set(regional_titles) - existing:
        applicants = list(
            Organization.objects.filter(
                kind=OrganizationKind.TOS, region__code=REGION, status=OrganizationStatus.REGISTERED
            ).order_by("pk")
        )
        applicants += [_association(spec, applicant, summary) for spec in AMUR_ASSOCIATIONS]
        applicants = [
            o
            for o in dict.fromkeys(applicants)
            if Membership.objects.filter(
                user=applicant, organization=o, is_active=True, role__in=(MembershipRole.CHAIR, MembershipRole.STAFF)
            ).exists()
        ]
        for copy in REGIONAL_COPIES:
            if copy.title in existing:
                summary.contests_found += 1
                continue
            _regional(
                copy,
                now=now,
                organiser=organiser,
                applicant=applicant,
                experts=experts,
                applicants=applicants,
                summary=summary,
            )
            summary.contests_created += 1
    else:
        summary.contests_found += len(regional_titles)
    if PEACE_TITLE in existing:
        summary.contests_found += 1
    else:
        _peace(now=now, organiser=organiser, applicant=applicant, experts=experts, summary=summary)
        summary.contests_created += 1
    return summary
