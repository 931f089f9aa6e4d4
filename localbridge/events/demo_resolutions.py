"""The five founding resolutions (settings.SHARED_DATA_DIR / "resolutions" / *.txt) as demo data, loaded through the
same parser and the same service as an editor's upload: each file is parsed (resolution_parser.py), saved with its
proposed split unchanged (resolution_create_from_split, which matches the addressees to the registry), kept with
its text and file, and attached to its founding event when the events demo made it (events/demo.py's
`founding_event(stem)`, by the file's stem).

A few items then get a status, a comment and evidence from the other demos (a contest, practices, library
documents). These statuses are invented for the demonstration: every comment says "(демо)". The resolutions'
texts are real and unchanged.

Idempotent: a resolution is looked up by its file's stem (Resolution.source_slug) and skipped when it exists; its
demo statuses are set only when it is created."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from localbridge.contests.selectors import contest_visible_to
from localbridge.practices.importing import system_actor
from localbridge.practices.selectors import practice_visible_to

from .demo import founding_event
from .models import EvidenceKind, LibraryDocument, LibraryDocumentStatus, Resolution, ResolutionItemStatus
from .resolution_parser import parse_resolution_file
from .services.resolutions import EvidenceInput, item_set_status, resolution_create_from_split

__all__ = ["DEMO_STATUSES", "ResolutionsDemoSummary", "load_resolutions_demo"]


@dataclass(frozen=True)
class DemoStatus:
    """A demo status of item `item` (1…) of section `section` (1…) of the resolution `stem`, with a comment and,
    where the other demos made it, evidence found by the start of its title."""

    stem: str
    section: int
    item: int
    status: str
    comment: str
    evidence_kind: str = ""
    evidence_title: str = ""


AMUR = "2016-10-26-amur-tos-conference"
VOLGOGRAD = "2017-11-01-volgograd-municipal-diplomacy"
SMOLENSK = "2020-09-08-smolensk-tos-congress"
MOSCOW = "2020-12-16-moscow-local-communities-conference"
TYUMEN = "2022-10-20-tyumen-forum-local-authorities"

# Invented statuses, for the demonstration only (демо): the comments say so.
DEMO_STATUSES: tuple[DemoStatus, ...] = (
    DemoStatus(  # «Правительству Амурской области: 1. Разработать механизмы софинансирования программ грантов…»
        AMUR,
        1,
        1,
        ResolutionItemStatus.DONE,
        "(демо) Областной конкурс проектов ТОС с софинансированием проводится на платформе.",
        EvidenceKind.CONTEST,
        "Конкурс проектов ТОС по благоустройству Амурской области",
    ),
    DemoStatus(  # «Органам местного самоуправления…: 5. Организовать обучение председателей, активистов ТОС…»
        AMUR,
        3,
        5,
        ResolutionItemStatus.DONE,
        "(демо) Школа активиста ТОС проведена, опыт описан в банке практик.",
        EvidenceKind.PRACTICE,
        "Школа активиста ТОС",
    ),
    DemoStatus(  # «Совету … ВСМС: 1. Выступить с инициативой по разработке … модельного положения о ТОС»
        AMUR,
        4,
        1,
        ResolutionItemStatus.IN_PROGRESS,
        "(демо) Проект модельного положения опубликован в библиотеке для обсуждения.",
        EvidenceKind.DOCUMENT,
        "Модельное положение о территориальном общественном самоуправлении",
    ),
    DemoStatus(  # «Общественной палате…: 1. Разработать Проект Типовой муниципальной программы…»
        AMUR,
        5,
        1,
        ResolutionItemStatus.DONE,
        "(демо) Типовая программа подготовлена и опубликована в библиотеке.",
        EvidenceKind.DOCUMENT,
        "Типовая муниципальная программа поддержки и развития ТОС",
    ),
    DemoStatus(  # «…продолжить совместную работу между … «Породненные города» и Союзом российских городов…»
        VOLGOGRAD,
        1,
        4,
        ResolutionItemStatus.IN_PROGRESS,
        "(демо) Побратимские связи российских городов собраны в разделе «Сотрудничество».",
    ),
    DemoStatus(  # «Органам местного самоуправления…: 5) рассмотреть возможность разработки … муниципальной программы»
        SMOLENSK,
        2,
        5,
        ResolutionItemStatus.IN_PROGRESS,
        "(демо) Программы обсуждаются в муниципалитетах; типовая программа есть в библиотеке.",
        EvidenceKind.DOCUMENT,
        "Типовая муниципальная программа поддержки и развития ТОС",
    ),
    DemoStatus(  # «Ассоциации «Совет муниципальных образований…»: 2) … подготовка … методической литературы…»
        SMOLENSK,
        5,
        2,
        ResolutionItemStatus.DONE,
        "(демо) Методическое пособие издано и доступно в библиотеке.",
        EvidenceKind.DOCUMENT,
        "Как создать ТОС",
    ),
    DemoStatus(  # «- 4. Выстраивание взаимодействия … через побратимские связи»
        MOSCOW,
        1,
        4,
        ResolutionItemStatus.IN_PROGRESS,
        "(демо) Молодёжные обмены городов-побратимов описаны в банке практик.",
        EvidenceKind.PRACTICE,
        "Молодёжный обмен городов-побратимов",
    ),
    DemoStatus(  # «11. … Создать развитую информационно-коммуникационную систему обмена … опытом…»
        TYUMEN,
        1,
        11,
        ResolutionItemStatus.DONE,
        "(демо) Опыт приграничных городов собран в банке практик платформы.",
        EvidenceKind.PRACTICE,
        "Два берега Амура",
    ),
)


@dataclass
class ResolutionsDemoSummary:
    created: int = 0
    found: int = 0
    items: int = 0
    attached: int = 0
    statuses: int = 0
    missing: list[str] = field(default_factory=list)

    def line(self) -> str:
        """What load_demo prints."""
        text = (
            f"Demo resolutions: {self.created} created ({self.items} items, {self.attached} attached to their "
            f"events, {self.statuses} demo statuses), {self.found} already there."
        )
        return text + (f" Not found: {', '.join(self.missing)}." if self.missing else "")


def _evidence(spec: DemoStatus) -> EvidenceInput | None:
    target: Any = None
    if spec.evidence_kind == EvidenceKind.CONTEST:
        target = contest_visible_to(None).filter(title__startswith=spec.evidence_title).order_by("pk").first()
    elif spec.evidence_kind == EvidenceKind.PRACTICE:
        target = practice_visible_to(None).filter(title__startswith=spec.evidence_title).order_by("pk").first()
    elif spec.evidence_kind == EvidenceKind.DOCUMENT:
        target = (
            LibraryDocument.objects.filter(
                title__startswith=spec.evidence_title, status=LibraryDocumentStatus.PUBLISHED
            )
            .order_by("pk")
            .first()
        )
    return EvidenceInput(kind=spec.evidence_kind, target_id=target.pk) if target is not None else None


def _set_demo_statuses(resolution: Resolution, stem: str, actor: Any, now: datetime) -> int:
    count = 0
    for spec in DEMO_STATUSES:
        if spec.stem != stem:
            continue
        item = resolution.items.filter(section__position=spec.section, position=spec.item).first()
        if item is None:  # pragma: no cover  (the parser's split and this table disagree)
            continue
        item_set_status(
            item=item,
            actor=actor,
            status=spec.status,
            comment=spec.comment,
            evidence=_evidence(spec) if spec.evidence_kind else None,
            now=now,
        )
        count += 1
    return count


def load_resolutions_demo(*, now: datetime | None = None, folder: Path | None = None) -> ResolutionsDemoSummary:
    """Load the five founding resolutions (see the module's docstring)."""
    now = now or timezone.now()
    folder = folder or Path(settings.SHARED_DATA_DIR) / "resolutions"
    summary = ResolutionsDemoSummary()
    paths = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not paths:
        summary.missing.append(str(folder))
        return summary
    actor = None
    for path in paths:
        stem = path.stem
        if Resolution.objects.filter(source_slug=stem).exists():
            summary.found += 1
            continue
        actor = actor or system_actor()
        data = path.read_bytes()
        text, parsed = parse_resolution_file(path.name, data)
        event = founding_event(stem)
        with transaction.atomic():
            resolution = resolution_create_from_split(
                actor=actor,
                title=parsed.title or stem,
                adopted_on=parsed.date,
                place=parsed.place or "",
                event=event,
                sections=parsed.sections,
                source_text=text,
                source_name=path.name,
                source_data=data,
                source_slug=stem,
                now=now,
            )
            summary.statuses += _set_demo_statuses(resolution, stem, actor, now)
        summary.created += 1
        summary.items += resolution.items.count()
        summary.attached += event is not None
    return summary
