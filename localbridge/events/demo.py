"""Demonstration events: the five founding events — the real conferences, round table, congress and forum whose
resolutions are in ../shared/data/resolutions/ — as published past events, and three upcoming demo events marked
"(демо)" with a programme, a material and, in Blagoveshchensk, a seminar whose few seats the participation demo's
residents take, so that one of them waits on the list.

The founding events carry what their resolutions say: the title, the date, the city (and, for the Amur
conference, the address), the organisers (the body on the letterhead, or named as organiser), the partners named,
the audience. The resolutions give no hours: the events are shown from 10:00 to 18:00 local time, and their
description says the hours are nominal. Where a resolution does not name its organiser (Smolensk), the
description says whom it names instead. No map point is invented for them.

Each founding event's `source_slug` is its resolution file's stem (FOUNDING_EVENTS' keys), so that the resolutions'
loader finds the event with `selectors.events.event_by_source(stem)` (or `founding_event(stem)` here).

Everything goes through the events services as the demo moderator (platform staff); nothing is sent by e-mail
(load_demo runs with the dummy mail backend). Idempotent: a founding event is looked up by its source, a demo event
by its title; what exists is skipped. Organisations are looked up by name (those load_demo creates); a missing one
is left out, and an event with no organiser at all is skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from localbridge.accounts.models import User
from localbridge.organizations.models import Organization
from localbridge.practices.models import Topic
from localbridge.territories import selectors as territory_selectors
from localbridge.territories.models import Municipality

from .models import Event, EventFormat, EventKind, MaterialKind
from .selectors.events import event_by_source
from .services import events as services

__all__ = ["DEMO_EVENTS", "FOUNDING_EVENTS", "EventsDemoSummary", "founding_event", "load_events_demo"]

MODERATOR_EMAIL = "moderator@demo.localbridge.local"
RESIDENT_EMAILS = tuple(f"resident{n}@demo.localbridge.local" for n in (2, 3, 4, 5))
NOMINAL_HOURS = (time(10, 0), time(18, 0))
HOURS_NOTE = "Время начала и окончания условное: в резолюции указана только дата."

OATOS = "Общенациональная ассоциация территориального общественного самоуправления"
URC = "Союз российских городов"


@dataclass(frozen=True)
class DemoEvent:
    title: str
    kind: str
    region: str  # ISO 3166-2
    city: str  # the municipality's Russian name
    organizers: tuple[str, ...]
    partners: tuple[str, ...] = ()
    date: str = ""  # ISO date of a founding event
    days_ahead: int = 0  # for an upcoming demo event: days after `now`
    hours: tuple[time, time] = NOMINAL_HOURS
    format: str = EventFormat.IN_PERSON
    venue: str = ""
    address: str = ""
    online_url: str = ""
    description: str = ""
    audience: str = ""
    topics: tuple[str, ...] = ()
    capacity: int | None = None
    point: tuple[str, str] | None = None
    sessions: tuple[tuple[str, int, int, str, str], ...] = ()  # (title, start minute, length minutes, room, speakers)
    materials: tuple[tuple[str, str, str], ...] = field(default=())  # (kind, title, url)
    registrants: int = 0  # how many of the demo residents register


FOUNDING_EVENTS: dict[str, DemoEvent] = {
    "2016-10-26-amur-tos-conference": DemoEvent(
        title="Амурская областная конференция ТОС «Наша сила в единстве»",
        kind=EventKind.CONFERENCE,
        date="2016-10-26",
        region="RU-AMU",
        city="Благовещенск",
        venue="Благовещенск",
        address="Амурская область, город Благовещенск, ул. Ленина, 100",
        organizers=("Орган общественной самодеятельности «Ориентир» города Благовещенска",),
        partners=(
            "Правительство Амурской области",
            "Министерство внутренней и информационной политики Амурской области",
            "Администрация города Благовещенска",
        ),
        description=(
            "Основная цель конференции: совместный поиск новых решений в интересах развития НКО и организации "
            "института территориального общественного самоуправления в Амурской области. Участники обсудили "
            "проблемы и перспективы развития движения ТОС в Амурской области. Участников: 121 человек.\n\n" + HOURS_NOTE
        ),
        audience=(
            "Руководители и активисты общественных организаций Амурской области, заместители глав муниципальных "
            "образований по социальным вопросам, специалисты, ответственные за взаимодействие с некоммерческим "
            "сектором, эксперты регионального и межрегионального уровня, представители ТОС Амурской области и "
            "Еврейской автономной области."
        ),
        topics=("charity", "education"),
    ),
    "2017-11-01-volgograd-municipal-diplomacy": DemoEvent(
        title="Круглый стол «Дипломатия муниципалитетов: механизмы и формы взаимодействия»",
        kind=EventKind.ROUND_TABLE,
        date="2017-11-01",
        region="RU-VGG",
        city="Волгоград",
        venue="Волгоград",
        organizers=(URC,),
        description=(
            "Круглый стол в рамках проектного офиса Союза российских городов «Международные отношения»: "
            "международное сотрудничество муниципальных образований, побратимские и партнёрские связи российских "
            "и зарубежных городов.\n\n" + HOURS_NOTE
        ),
        audience="Представители муниципальных образований и национальных ассоциаций местных властей.",
        topics=("international",),
    ),
    "2020-09-08-smolensk-tos-congress": DemoEvent(
        title="III Съезд территориального общественного самоуправления Смоленской области",
        kind=EventKind.CONGRESS,
        date="2020-09-08",
        region="RU-SMO",
        city="Смоленск",
        venue="Смоленск",
        organizers=("Ассоциация «Совет муниципальных образований Смоленской области»",),
        partners=(OATOS, "Департамент Смоленской области по внутренней политике"),
        description=(
            "В работе Съезда приняли участие Губернатор Смоленской области, заместитель директора Общенациональной "
            "ассоциации ТОС, представители органов ТОС, органов государственной власти Смоленской области, органов "
            "местного самоуправления, Ассоциации «Совет муниципальных образований Смоленской области», средств "
            "массовой информации; всего более 200 человек. Организатор в тексте резолюции прямо не назван: "
            "указаны участвовавшие организации.\n\n" + HOURS_NOTE
        ),
        audience="Представители органов ТОС, органов власти и местного самоуправления Смоленской области.",
    ),
    "2020-12-16-moscow-local-communities-conference": DemoEvent(
        title="I Международная конференция «Местные сообщества: диалог, согласие, доверие»",
        kind=EventKind.CONFERENCE,
        date="2020-12-16",
        region="RU-MOW",
        city="Москва",
        venue="Москва",
        organizers=(OATOS,),
        description=(
            "Представители Российской Федерации, Республики Беларусь, Государства Израиль, Финляндской Республики, "
            "Литовской Республики, Республики Польша и Федеративной Республики Германия говорили о решениях на "
            "местном уровне, учитывающих современные вызовы и пандемию коронавируса, о работе благотворительных и "
            "общественных организаций, о сотрудничестве в сфере культуры, о построении мостов между поколениями и "
            "народами.\n\n" + HOURS_NOTE
        ),
        audience="Местные сообщества, благотворительные и общественные организации семи стран.",
        topics=("international", "charity"),
    ),
    "2022-10-20-tyumen-forum-local-authorities": DemoEvent(
        title="Международный форум местных властей «Города настоящего и будущего»",
        kind=EventKind.FORUM,
        date="2022-10-20",
        region="RU-TYU",
        city="Тюмень",
        venue="Тюмень",
        organizers=(URC,),
        description=(
            "Представители руководителей более 200 российских и зарубежных городов, региональных властей, "
            "национальных и международных организаций обсудили развитие городских территорий, местное "
            "самоуправление государств — членов ШОС и приграничное сотрудничество.\n\n" + HOURS_NOTE
        ),
        audience="Руководители городов, региональных властей, национальных и международных организаций.",
        topics=("international", "cross_border"),
    ),
}

DEMO_EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        title="Семинар для председателей ТОС: как подготовить проект на конкурс (демо)",
        kind=EventKind.SEMINAR,
        days_ahead=21,
        region="RU-AMU",
        city="Благовещенск",
        venue="Зал заседаний администрации (демо)",
        address="Благовещенск, ул. Ленина, 133 (демо)",
        organizers=("Администрация города Благовещенска",),
        partners=("Орган общественной самодеятельности «Ориентир» города Благовещенска",),
        description=(
            "Практический семинар: от идеи до заявки. Как описать проблему, посчитать смету, собрать софинансирование "
            "жителей и подготовить отчёт. Демонстрационное событие, сгенерировано LocalBridge."
        ),
        audience="Председатели и активисты ТОС Благовещенска.",
        topics=("landscaping", "education"),
        capacity=3,
        point=("50.257500", "127.534000"),
        sessions=(
            ("Конкурсы для ТОС в 2026 году: сроки и требования (демо)", 0, 60, "Зал 1", "Специалист администрации"),
            ("Смета и софинансирование жителей (демо)", 75, 60, "Зал 1", "Эксперт ресурсного центра"),
            ("Разбор заявок участников (демо)", 150, 90, "Зал 2", "Председатели ТОС"),
        ),
        materials=((MaterialKind.DOCUMENT, "Памятка заявителя (демо)", "https://example.org/localbridge-demo/memo"),),
        registrants=4,
    ),
    DemoEvent(
        title="Онлайн-обучение: инициативное бюджетирование для муниципальных служащих (демо)",
        kind=EventKind.TRAINING,
        days_ahead=35,
        hours=(time(11, 0), time(15, 0)),
        region="RU-MOW",
        city="Москва",
        format=EventFormat.ONLINE,
        online_url="https://example.org/localbridge-demo/online-training",
        organizers=(OATOS,),
        description="Четыре часа о том, как устроить инициативное бюджетирование в муниципалитете. Демонстрационное "
        "событие, сгенерировано LocalBridge.",
        audience="Муниципальные служащие, ответственные за работу с ТОС и инициативными проектами.",
        topics=("education",),
        capacity=100,
        sessions=(
            ("Правила и сроки: что говорит закон (демо)", 0, 90, "", "Эксперт ассоциации"),
            ("Голосование жителей и подсчёт (демо)", 105, 120, "", "Эксперт ассоциации"),
        ),
    ),
    DemoEvent(
        title="Круглый стол: побратимские связи малых городов (демо)",
        kind=EventKind.ROUND_TABLE,
        days_ahead=50,
        region="RU-VGG",
        city="Волгоград",
        format=EventFormat.HYBRID,
        venue="Конференц-зал (демо)",
        online_url="https://example.org/localbridge-demo/round-table",
        organizers=(URC,),
        partners=("Международная ассоциация «Породнённые города»",),
        description="Как малому городу найти побратима и сохранить связи живыми. Демонстрационное событие, "
        "сгенерировано LocalBridge.",
        audience="Главы и специалисты малых городов, представители ассоциаций.",
        topics=("international",),
        point=("48.708000", "44.513000"),
    ),
)


@dataclass
class EventsDemoSummary:
    created: int = 0
    found: int = 0
    skipped: list[str] = field(default_factory=list)
    registrations: int = 0

    def line(self) -> str:
        """What load_demo prints."""
        text = f"Demo events: {self.created} created, {self.found} already there ({self.registrations} registrations)."
        return text + (f" Skipped (no city or organiser): {', '.join(self.skipped)}." if self.skipped else "")


def founding_event(source_slug: str) -> Event | None:
    """The founding event of a resolution file, by the file's stem (the name without .txt)."""
    return event_by_source(source_slug)


def _city(spec: DemoEvent) -> Municipality | None:
    return territory_selectors.municipality_list(region=spec.region).filter(name_ru=spec.city).order_by("pk").first()


def _organizations(names: tuple[str, ...]) -> list[Organization]:
    found = {o.name: o for o in Organization.objects.filter(name__in=names).order_by("pk")}
    return [found[name] for name in names if name in found]


def _make(
    spec: DemoEvent, *, actor: User, now: datetime, source: str | None, summary: EventsDemoSummary
) -> Event | None:
    city = _city(spec)
    organizers = _organizations(spec.organizers)
    if city is None or not organizers:
        summary.skipped.append(spec.title)
        return None
    day = datetime.fromisoformat(spec.date).date() if spec.date else None
    if day is None:
        local_now = now.astimezone(services.event_zone("", city))
        day = (local_now + timedelta(days=spec.days_ahead)).date()
    values: dict[str, Any] = {
        "kind": spec.kind,
        "format": spec.format,
        "title": spec.title,
        "description": spec.description,
        "starts_at": datetime.combine(day, spec.hours[0]),  # naive: the city's wall-clock time
        "ends_at": datetime.combine(day, spec.hours[1]),
        "time_zone": "",
        "venue": spec.venue,
        "address": spec.address,
        "online_url": spec.online_url,
        "municipality": city,
        "audience": spec.audience,
        "capacity": spec.capacity,
        "topics": list(Topic.objects.filter(code__in=spec.topics).order_by("position")),
        "organizers": organizers,
        "partners": _organizations(spec.partners),
    }
    if spec.point:
        values["latitude"], values["longitude"] = spec.point
    created_at = min(now, timezone.make_aware(datetime.combine(day, time(9, 0))) - timedelta(days=30))
    event = services.event_create(actor=actor, now=created_at, source_slug=source, **values)
    for title, start, length, room, speakers in spec.sessions:
        begins = event.starts_at + timedelta(minutes=start)
        services.session_add(
            event=event,
            actor=actor,
            title=title,
            starts_at=begins,
            ends_at=begins + timedelta(minutes=length),
            room=room,
            speakers=speakers,
            now=created_at,
        )
    for kind, title, url in spec.materials:
        services.material_add(event=event, actor=actor, kind=kind, title=title, url=url, now=created_at)
    services.event_publish(event=event, actor=actor, now=created_at + timedelta(hours=1))
    summary.created += 1
    return event


@transaction.atomic
def load_events_demo(now: datetime | None = None) -> EventsDemoSummary:
    """Load the founding events and the demo events (see the module's docstring); what exists is skipped."""
    now = now or timezone.now()
    summary = EventsDemoSummary()
    actor = User.objects.filter(email=MODERATOR_EMAIL, is_staff=True).first()
    if actor is None:
        summary.skipped = [spec.title for spec in (*FOUNDING_EVENTS.values(), *DEMO_EVENTS)]
        return summary
    existing_sources = set(
        Event.objects.filter(source_slug__in=list(FOUNDING_EVENTS)).values_list("source_slug", flat=True)
    )
    for source, spec in FOUNDING_EVENTS.items():
        if source in existing_sources:
            summary.found += 1
            continue
        _make(spec, actor=actor, now=now, source=source, summary=summary)
    existing_titles = set(
        Event.objects.filter(title__in=[s.title for s in DEMO_EVENTS]).values_list("title", flat=True)
    )
    residents = list(User.objects.filter(email__in=RESIDENT_EMAILS).order_by("email"))
    for spec in DEMO_EVENTS:
        if spec.title in existing_titles:
            summary.found += 1
            continue
        event = _make(spec, actor=actor, now=now, source=None, summary=summary)
        if event is None:
            continue
        for minutes, resident in enumerate(residents[: spec.registrants], start=1):
            services.registration_create(event=event, actor=resident, now=now - timedelta(days=1, minutes=-minutes))
            summary.registrations += 1
    return summary
