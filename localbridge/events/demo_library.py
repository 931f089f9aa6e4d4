"""Demonstration documents of the knowledge library: the model documents the founding resolutions ask for
(../shared/data/resolutions/): a model charter of a ТОС in two versions, the model regulation on ТОС that the Amur
conference of 2016 asks the Amur branch of the All-Russian Council of Local Self-Government to initiate, the
model municipal programme of ТОС support that the Smolensk congress of 2020 asks municipalities to adopt, and the
methodological literature both ask for.

The texts are short, invented for the demonstration and say so: every title and text is marked "(демо)" and the
documents are marked generated. They are written as TXT files through the library's services (so their text is
extracted, indexed for search and audited), by the system account, and published. Idempotent: a document is looked
up by its title first and skipped when it exists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from localbridge.practices.importing import system_actor
from localbridge.territories.models import Country, Region

from .models import LibraryDocument, LibraryDocumentKind
from .services.library import library_document_create, library_document_move, library_version_add

__all__ = ["DEMO_DOCUMENTS", "LibraryDemoSummary", "load_library_demo"]

PUBLISHER = "LocalBridge — демонстрационные материалы (демо)"


@dataclass(frozen=True)
class DemoVersion:
    published_on: date
    text: str
    changes: str = ""


@dataclass(frozen=True)
class DemoDocument:
    title: str
    kind: str
    summary: str
    versions: tuple[DemoVersion, ...]
    country: str = "RU"
    region: str = ""
    topics: tuple[str, ...] = ()
    author: str = PUBLISHER
    filename: str = "document.txt"


CHARTER_V1 = """МОДЕЛЬНЫЙ УСТАВ ТЕРРИТОРИАЛЬНОГО ОБЩЕСТВЕННОГО САМОУПРАВЛЕНИЯ (демо)
Редакция 1

1. Общие положения
1.1. Территориальное общественное самоуправление «______» (далее — ТОС) — самоорганизация граждан по месту их
жительства на части территории муниципального образования для самостоятельного и под свою ответственность
осуществления собственных инициатив по вопросам местного значения.
1.2. ТОС осуществляется в соответствии со статьёй 27 Федерального закона от 06.10.2003 № 131-ФЗ «Об общих
принципах организации местного самоуправления в Российской Федерации», положением о ТОС муниципального
образования и настоящим уставом.

2. Территория
2.1. Границы территории ТОС: улицы и дома, перечисленные в приложении к уставу, установленные решением
представительного органа муниципального образования.

3. Цели и основные направления деятельности
3.1. Благоустройство дворов и улиц, озеленение, организация досуга жителей, помощь пожилым и семьям с детьми,
участие в профилактике правонарушений, сохранение памяти земляков.

4. Органы ТОС
4.1. Высший орган — собрание (конференция) граждан. Исполнительный орган — совет ТОС во главе с председателем.
4.2. Контроль за деятельностью — ревизионная комиссия.

5. Порядок принятия решений
5.1. Собрание правомочно, если в нём участвует не менее одной трети жителей территории, достигших
шестнадцатилетнего возраста; решения принимаются большинством голосов присутствующих.

6. Прекращение деятельности
6.1. Деятельность ТОС прекращается по решению собрания граждан либо по решению суда.

Текст составлен для демонстрации платформы LocalBridge и не является официальным документом (демо).
"""

CHARTER_V2 = CHARTER_V1.replace("Редакция 1", "Редакция 2").replace(
    "6. Прекращение деятельности",
    """5.2. ТОС вправе выдвигать инициативные проекты, участвовать в конкурсах проектов и в обсуждении
муниципальных программ, вносить инициативные платежи вместе с жителями.
5.3. Совет ТОС ежегодно отчитывается перед жителями о своей работе и о расходовании средств; отчёт
публикуется на платформе.

6. Прекращение деятельности""",
)

REGULATION = """МОДЕЛЬНОЕ ПОЛОЖЕНИЕ О ТЕРРИТОРИАЛЬНОМ ОБЩЕСТВЕННОМ САМОУПРАВЛЕНИИ В МУНИЦИПАЛЬНОМ ОБРАЗОВАНИИ (демо)

1. Настоящее положение определяет порядок организации и осуществления территориального общественного
самоуправления, регистрации уставов ТОС и взаимодействия ТОС с органами местного самоуправления.
2. Границы территории ТОС устанавливаются представительным органом по предложению жителей.
3. Устав ТОС регистрируется администрацией муниципального образования в течение 30 дней со дня подачи
документов; в регистрации может быть отказано только по основаниям, установленным положением.
4. Администрация ведёт реестр ТОС и оказывает им методическую, информационную и организационную помощь.
5. Финансовая поддержка проектов ТОС оказывается на конкурсной основе в рамках муниципальной программы.
6. Представители ТОС включаются в общественные комиссии по обсуждению муниципальных программ благоустройства.

Подготовлено для демонстрации: резолюция Амурской областной конференции ТОС (Благовещенск, 26 октября 2016 года)
рекомендует выступить с инициативой по разработке и утверждению модельного положения о ТОС (демо).
"""

PROGRAMME = """ТИПОВАЯ МУНИЦИПАЛЬНАЯ ПРОГРАММА
«ПОДДЕРЖКА И РАЗВИТИЕ ТЕРРИТОРИАЛЬНОГО ОБЩЕСТВЕННОГО САМОУПРАВЛЕНИЯ» (демо)

Паспорт программы
Цель: вовлечение жителей в решение вопросов местного значения через территориальное общественное самоуправление.
Задачи: создание новых ТОС; финансирование проектов ТОС на конкурсной основе; обучение председателей и активистов
ТОС; поощрение лидеров ТОС; информирование жителей о лучших практиках.
Целевые показатели: число ТОС; доля жителей, проживающих на территориях ТОС; число реализованных проектов ТОС;
объём софинансирования проектов жителями.

Мероприятия
1. Ежегодный конкурс проектов ТОС по благоустройству дворов, детских и спортивных площадок.
2. Обучающие семинары для активистов ТОС и специалистов администрации не реже двух раз в год.
3. Премия «Лучший ТОС года» и поощрение активистов.
4. Включение представителей ТОС в общественные комиссии по программам формирования комфортной городской среды.

Подготовлено для демонстрации: резолюция III Съезда ТОС Смоленской области (8 сентября 2020 года) рекомендует
органам местного самоуправления разработать муниципальные программы развития ТОС с финансированием проектов ТОС
и поощрением лидеров и активистов (демо).
"""

GUIDE = """КАК СОЗДАТЬ ТОС: ПОШАГОВОЕ МЕТОДИЧЕСКОЕ ПОСОБИЕ (демо)

Шаг 1. Соберите инициативную группу соседей и определите границы будущего ТОС: подъезд, дом, группа домов,
микрорайон или сельский населённый пункт.
Шаг 2. Обратитесь в администрацию: узнайте порядок установления границ и регистрации устава, возьмите модельный
устав из библиотеки платформы.
Шаг 3. Проведите учредительное собрание (конференцию) жителей: примите устав, изберите совет, председателя и
ревизионную комиссию, оформите протокол и лист регистрации участников.
Шаг 4. Подайте устав на регистрацию через платформу и следите за статусом заявления.
Шаг 5. Составьте план работы: благоустройство, досуг, помощь соседям. Подайте первый проект на конкурс.
Шаг 6. Отчитывайтесь перед жителями и рассказывайте о результатах: опубликуйте свою практику в банке практик.

Типичные ошибки: не описаны границы территории; протокол собрания без подписей; устав противоречит положению о ТОС.

Подготовлено для демонстрации: резолюции конференций ТОС просят о подготовке методической литературы и обучении
активистов ТОС и специалистов органов местного самоуправления (демо).
"""

DEMO_DOCUMENTS = (
    DemoDocument(
        title="Модельный устав территориального общественного самоуправления (демо)",
        kind=LibraryDocumentKind.MODEL_CHARTER,
        summary="Образец устава ТОС: территория, цели, органы, порядок принятия решений, отчётность перед "
        "жителями. Во второй редакции добавлены участие в инициативных проектах и ежегодный отчёт (демо).",
        versions=(
            DemoVersion(date(2019, 3, 15), CHARTER_V1, "Первая редакция (демо)."),
            DemoVersion(
                date(2021, 6, 1),
                CHARTER_V2,
                "Добавлены право выдвигать инициативные проекты и ежегодный отчёт совета ТОС перед жителями (демо).",
            ),
        ),
        filename="modelnyi-ustav-tos-demo.txt",
    ),
    DemoDocument(
        title="Модельное положение о территориальном общественном самоуправлении в муниципальном образовании (демо)",
        kind=LibraryDocumentKind.MODEL_REGULATION,
        summary="Порядок организации ТОС, установления границ, регистрации уставов и поддержки ТОС органами "
        "местного самоуправления. Модельное положение просит резолюция Амурской областной конференции ТОС 2016 "
        "года (демо).",
        versions=(DemoVersion(date(2017, 4, 20), REGULATION),),
        region="RU-AMU",
        filename="modelnoe-polozhenie-tos-demo.txt",
    ),
    DemoDocument(
        title="Типовая муниципальная программа поддержки и развития ТОС (демо)",
        kind=LibraryDocumentKind.MODEL_PROGRAMME,
        summary="Паспорт, цели, показатели и мероприятия муниципальной программы развития ТОС: конкурс проектов, "
        "обучение, поощрение активистов. О такой программе просит резолюция III Съезда ТОС Смоленской области "
        "(демо).",
        versions=(DemoVersion(date(2021, 2, 10), PROGRAMME),),
        region="RU-SMO",
        topics=("landscaping",),
        filename="tipovaya-programma-tos-demo.txt",
    ),
    DemoDocument(
        title="Как создать ТОС: пошаговое методическое пособие (демо)",
        kind=LibraryDocumentKind.GUIDE,
        summary="Для инициативных групп и специалистов администраций: от собрания соседей до регистрации устава "
        "и первого проекта, с типичными ошибками (демо).",
        versions=(DemoVersion(date(2022, 9, 1), GUIDE),),
        topics=("education",),
        filename="kak-sozdat-tos-demo.txt",
    ),
)


@dataclass
class LibraryDemoSummary:
    created: int = 0
    found: int = 0
    titles: list[str] = field(default_factory=list)

    def line(self) -> str:
        """What `load_demo` prints."""
        return f"Demo library: {self.created} documents created, {self.found} already there."


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _upload(spec: DemoDocument, version: DemoVersion) -> SimpleUploadedFile:
    return SimpleUploadedFile(spec.filename, version.text.encode("utf-8"), "text/plain")


@transaction.atomic
def load_library_demo(*, now: datetime | None = None) -> LibraryDemoSummary:
    """Create the demo documents that are not there yet (see the module's docstring)."""
    del now  # the documents carry their own dates
    summary = LibraryDemoSummary()
    existing = set(
        LibraryDocument.objects.filter(title__in=[d.title for d in DEMO_DOCUMENTS]).values_list("title", flat=True)
    )
    actor: Any = None
    for spec in DEMO_DOCUMENTS:
        if spec.title in existing:
            summary.found += 1
            continue
        actor = actor or system_actor()
        first, *later = spec.versions
        document = library_document_create(
            actor=actor,
            kind=spec.kind,
            title=spec.title,
            summary=spec.summary,
            language="ru",
            country=Country.objects.filter(code=spec.country).first() if spec.country else None,
            region=Region.objects.filter(code=spec.region).first() if spec.region else None,
            topics=list(spec.topics),
            author=spec.author,
            published_on=first.published_on,
            upload=_upload(spec, first),
            changes=first.changes,
            version_date=first.published_on,
            is_generated=True,
            now=_moment(first.published_on),
        )
        library_document_move(document=document, action="publish", actor=actor, now=_moment(first.published_on))
        for version in later:
            library_version_add(
                document=document,
                actor=actor,
                upload=_upload(spec, version),
                changes=version.changes,
                published_on=version.published_on,
                now=_moment(version.published_on) + timedelta(hours=1),
            )
        summary.created += 1
        summary.titles.append(spec.title)
    return summary
