"""Demonstration projects under public control: a dozen projects at every stage in the real cities of the demo
ТОС (Blagoveshchensk, Smolensk, Tyumen), carried out by the demo ТОС and funded by the cities' administrations, and
— when the contests and participation demos are loaded — the projects of an award of the finished Amur contest,
of an accepted initiative proposal and of a funded winner of Blagoveshchensk's published vote.

Everything is made through the projects services, each step at its own moment before `now`, so that every stage,
the timeline, the plan against the spending (one line over its plan), an overdue milestone, reports waiting for
the funder, residents' notes (one problem still open) and ratings can be seen. The photos are generated
placeholder images (a coloured picture saying "placeholder / заглушка"), marked as such. Budgets are in roubles,
from several sources of money.

Everything here is invented and says so: titles end in "(демо)". Idempotent: a project is looked up by its title
(or by its source) first and skipped when it exists. Expects the base demo (load_demo): the demo ТОС, the demo
chair (chair@demo…, the chair of every demo ТОС), the demo staff (staff@demo…, staff of the cities'
administrations) and, for notes and ratings, the participation demo's residents of Blagoveshchensk."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from localbridge.accounts.models import User
from localbridge.organizations.models import Membership, Organization, OrganizationKind

from . import services
from .models import STAGE_ORDER, Origin, PhotoPhase, Project, ProjectStage, Report, ReportKind, Verdict
from .rules import ACTING_ROLES
from .selectors_sources import eligible_awards, eligible_proposals, eligible_vote_projects

__all__ = ["PROJECTS", "ProjectsDemoSummary", "load_projects_demo", "placeholder_image"]

CHAIR_EMAIL = "chair@demo.localbridge.local"
STAFF_EMAIL = "staff@demo.localbridge.local"
RESIDENT_EMAILS = tuple(f"resident{n}@demo.localbridge.local" for n in (2, 3, 4, 5))
AWARD_CONTEST = "Конкурс проектов ТОС по благоустройству Амурской области — весна 2026 (демо)"
PB_VOTE = "Народный бюджет Благовещенска — 2026 (демо)"
PROPOSALS_CITY = "Благовещенск"

LENINA = "ТОС «Улица Ленина, 1–15» (демо)"
OKTYABRSKOY = "ТОС «Улица Октябрьской Революции, 1–9» (демо)"
ZARECHNY = "ТОС «Микрорайон Заречный» (демо)"
ADMINISTRATIONS = {
    LENINA: "Администрация города Благовещенска",
    OKTYABRSKOY: "Администрация города Смоленска",
    ZARECHNY: "Администрация города Тюмени",
}
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PHASE_COLOURS: dict[str, tuple[int, int, int]] = {
    PhotoPhase.BEFORE: (120, 84, 60),
    PhotoPhase.DURING: (30, 90, 150),
    PhotoPhase.AFTER: (40, 120, 60),
}

M, R, S, V, G, RB = "municipal_budget", "residents", "sponsors", "volunteer_labour", "grant", "regional_budget"


@dataclass(frozen=True)
class DemoProject:
    title: str
    owner: str  # a demo ТОС
    stage: str  # where the project ends up
    age: int  # days before `now` it was created
    summary: str
    object_description: str
    beneficiaries: str
    beneficiaries_count: int
    address: str
    point: tuple[str, str]
    lines: tuple[tuple[str, str, str], ...]  # (source, item, planned roubles)
    milestones: tuple[tuple[str, str], ...] = ()  # (title, contractor)
    spent: tuple[str, ...] = ()  # per line, the share of its plan spent ("1.1": ten per cent over)
    overdue: bool = False  # the last milestone is left open past its date


PROJECTS = (
    DemoProject(
        "Детская площадка во дворе домов 3–7 по улице Ленина (демо)",
        LENINA,
        ProjectStage.COMPLETED,
        300,
        "Игровой комплекс, качели и резиновое покрытие во дворе, где не было площадки.",
        "Детская игровая площадка 20 × 15 м с ограждением.",
        "Дети и родители трёх домов",
        180,
        "Благовещенск, ул. Ленина, двор домов 3–7",
        ("50.256900", "127.524100"),
        ((M, "Игровой комплекс и качели", "640000"), (R, "Резиновое покрытие", "120000"), (V, "Монтаж", "60000")),
        (("Подготовка основания", "ООО «АмурСтройДвор»"), ("Монтаж оборудования", "ООО «АмурСтройДвор»")),
        ("1", "1", "1"),
    ),
    DemoProject(
        "Освещение двора у дома 11 по улице Ленина (демо)",
        LENINA,
        ProjectStage.CONTROL,
        160,
        "Восемь светодиодных светильников на опорах во дворе и у подъездов.",
        "Наружное освещение двора: 8 светильников, 220 м кабеля.",
        "Жители дома 11 и соседних домов",
        240,
        "Благовещенск, ул. Ленина, 11",
        ("50.258300", "127.526800"),
        ((M, "Светильники и опоры", "380000"), (R, "Инициативные платежи жителей", "40000"), (S, "Кабель", "35000")),
        (("Прокладка кабеля", "ИП Соловьёв"), ("Установка опор и светильников", "ИП Соловьёв")),
        ("1", "1", "0.9"),
    ),
    DemoProject(
        "Цветники и газоны вдоль улицы Ленина (демо)",
        LENINA,
        ProjectStage.IMPLEMENTATION,
        90,
        "Шесть цветников, восстановленный газон и поливочный водопровод.",
        "Озеленение полосы вдоль улицы Ленина, 400 м².",
        "Жители улицы и прохожие",
        1500,
        "Благовещенск, ул. Ленина, дома 1–15",
        ("50.257700", "127.525200"),
        ((M, "Посадочный материал", "150000"), (S, "Поливочный водопровод", "90000"), (V, "Посадка", "45000")),
        (("Завоз грунта", "МУП «Городское благоустройство»"), ("Посадка цветов", "Жители ТОС")),
        ("0.6", "1.15", "0.3"),
        overdue=True,
    ),
    DemoProject(
        "Ремонт крыльца и пандуса у дома 9 по улице Ленина (демо)",
        LENINA,
        ProjectStage.DESIGN,
        40,
        "Пандус для колясок и ремонт крыльца третьего подъезда.",
        "Крыльцо и пандус подъезда № 3.",
        "Маломобильные жители и родители с колясками",
        60,
        "Благовещенск, ул. Ленина, 9",
        ("50.257100", "127.527600"),
        ((M, "Ремонт крыльца", "210000"), (R, "Пандус", "30000")),
    ),
    DemoProject(
        "Спортивная площадка на пустыре у дома 15 (демо)",
        LENINA,
        ProjectStage.OBJECT_CHOICE,
        12,
        "Жители выбирают между воркаут-площадкой и площадкой для мини-футбола.",
        "Пустырь у дома 15, около 600 м².",
        "Подростки и молодёжь микрорайона",
        300,
        "Благовещенск, ул. Ленина, 15",
        ("50.259100", "127.523700"),
        ((M, "Оборудование площадки", "900000"), (R, "Инициативные платежи", "90000")),
    ),
    DemoProject(
        "Навес для мусорных контейнеров у дома 5 (демо)",
        LENINA,
        ProjectStage.CANCELLED,
        120,
        "Навес над контейнерной площадкой; отменён: площадку переносит управляющая компания.",
        "Контейнерная площадка у дома 5.",
        "Жители дома 5",
        90,
        "Благовещенск, ул. Ленина, 5",
        ("50.256400", "127.525900"),
        ((M, "Навес", "160000"),),
    ),
    DemoProject(
        "Сквер у дома 3 по улице Октябрьской Революции (демо)",
        OKTYABRSKOY,
        ProjectStage.COMPLETION,
        220,
        "Дорожки, скамейки, урны и кусты сирени в сквере у дома 3.",
        "Сквер площадью 0,3 га.",
        "Жители квартала",
        900,
        "Смоленск, ул. Октябрьской Революции, 3",
        ("54.781700", "32.048300"),
        ((M, "Дорожки из плитки", "520000"), (RB, "Скамейки и урны", "260000"), (V, "Посадка кустов", "40000")),
        (("Укладка плитки", "ООО «Смолблагоустрой»"), ("Установка скамеек", "ООО «Смолблагоустрой»")),
        ("1", "0.95", "1"),
    ),
    DemoProject(
        "Субботники и вывоз старых деревьев во дворах (демо)",
        OKTYABRSKOY,
        ProjectStage.IMPLEMENTATION,
        60,
        "Весенние и осенние субботники, вывоз сухостоя и порубочных остатков.",
        "Дворы домов 1–9.",
        "Жители пяти домов",
        420,
        "Смоленск, ул. Октябрьской Революции, 1–9",
        ("54.782200", "32.047100"),
        ((S, "Вывоз порубочных остатков", "70000"), (V, "Работа жителей", "96000")),
        (("Весенний субботник", "Жители ТОС"), ("Осенний субботник", "Жители ТОС")),
        ("0.5", "0.5"),
    ),
    DemoProject(
        "Хоккейная коробка в микрорайоне Заречный (демо)",
        ZARECHNY,
        ProjectStage.COMPLETED,
        330,
        "Хоккейная коробка с освещением; летом — площадка для мини-футбола.",
        "Хоккейная коробка 30 × 15 м.",
        "Дети и подростки микрорайона",
        500,
        "Тюмень, микрорайон Заречный",
        ("57.167400", "65.507800"),
        ((M, "Коробка и борта", "1450000"), (RB, "Освещение", "380000"), (S, "Сетка и ворота", "95000")),
        (("Основание", "ООО «ТюменьСпортСтрой»"), ("Борта и освещение", "ООО «ТюменьСпортСтрой»")),
        ("1", "0.98", "1"),
    ),
    DemoProject(
        "Аллея памяти в микрорайоне Заречный (демо)",
        ZARECHNY,
        ProjectStage.CONTROL,
        150,
        "Аллея из сорока лип с табличками в память о жителях-ветеранах.",
        "Аллея 200 м вдоль набережной.",
        "Жители микрорайона",
        3000,
        "Тюмень, набережная в микрорайоне Заречный",
        ("57.169100", "65.509600"),
        ((M, "Саженцы лип", "240000"), (S, "Таблички", "60000"), (V, "Посадка", "48000")),
        (("Посадка лип", "Жители ТОС"), ("Установка табличек", "ООО «Знак»")),
        ("1", "1", "1"),
    ),
)


@dataclass
class ProjectsDemoSummary:
    created: int = 0
    found: int = 0
    skipped: list[str] = field(default_factory=list)


def placeholder_image(text: str, phase: str = PhotoPhase.DURING, size: tuple[int, int] = (640, 400)) -> bytes:
    """A generated PNG standing in for a photo: a coloured picture saying "placeholder / заглушка" and `text`."""
    image = Image.new("RGB", size, PHASE_COLOURS.get(phase, (90, 90, 90)))
    draw = ImageDraw.Draw(image)
    try:
        big: Any = ImageFont.truetype(str(FONT), 36)
        small: Any = ImageFont.truetype(str(FONT), 20)
    except OSError:  # no DejaVu on this machine: Pillow's own font
        big = small = ImageFont.load_default()
    draw.rectangle((12, 12, size[0] - 12, size[1] - 12), outline=(255, 255, 255), width=3)
    draw.text((36, 40), "placeholder / заглушка", fill=(255, 255, 255), font=big)
    words, line, y = text.split(), "", 120
    for word in words:
        if len(line) + len(word) > 44:
            draw.text((36, y), line, fill=(255, 255, 255), font=small)
            line, y = "", y + 30
        line = f"{line} {word}".strip()
    draw.text((36, y), line, fill=(255, 255, 255), font=small)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _upload(text: str, phase: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("zaglushka.png", placeholder_image(text, phase), content_type="image/png")


class _Clock:
    """Moments from the project's creation towards `now`, one step at a time."""

    def __init__(self, start: datetime, now: datetime, steps: int) -> None:
        self.moment = start
        self.step = max((now - start) / max(steps, 1), timedelta(hours=1))

    def next(self) -> datetime:
        self.moment += self.step
        return self.moment


def _report(project: Project, chair: User, staff: User, clock: _Clock, kind: str, text: str, accept: bool) -> Report:
    report = services.report_create(
        project=project, actor=chair, kind=kind, text=text, volunteer_hours=24, people_reached=150, now=clock.next()
    )
    phases = (
        (PhotoPhase.BEFORE, PhotoPhase.AFTER) if kind == ReportKind.FINAL else (PhotoPhase.BEFORE, PhotoPhase.DURING)
    )
    for phase in phases:
        services.report_photo_add(
            report=report,
            actor=chair,
            upload=_upload(project.title, phase),
            phase=phase,
            caption=f"{PhotoPhase(phase).label}: {project.title}",
            is_placeholder=True,
            now=clock.moment,
        )
    services.report_submit(report=report, actor=chair, now=clock.next())
    if accept:
        services.report_accept(report=report, actor=staff, comment="Принято (демо).", now=clock.next())
    return report


def _advance(project: Project, chair: User, clock: _Clock, comment: str) -> None:
    services.project_advance(project=project, actor=chair, comment=comment, now=clock.next())


def _play(
    project: Project,
    spec: DemoProject | None,
    *,
    chair: User,
    staff: User,
    residents: list[User],
    start: datetime,
    now: datetime,
    target: str,
) -> None:
    """Take a new project to `target` through the services, each step at its own moment: `chair` runs it when
    they are one of the owner's people (else `staff` do), one of the funder's people decides its reports."""
    if not chair.has_perm("projects.change_project", project):
        chair = staff
    staff = _decider(project, not_user=chair) or staff
    clock = _Clock(start, now, 40)
    if target == ProjectStage.CANCELLED:
        services.project_cancel(
            project=project,
            actor=staff,
            reason="Контейнерную площадку переносит управляющая компания (демо).",
            now=clock.next(),
        )
        return
    reached = STAGE_ORDER.index(target) if target in STAGE_ORDER else len(STAGE_ORDER)
    stage = project.stages.get(kind=ProjectStage.OBJECT_CHOICE)
    services.stage_update(
        stage=stage, actor=chair, participants="Совет ТОС, жители на собрании во дворе (демо)", now=clock.next()
    )
    if reached == 0:
        return
    _advance(project, chair, clock, "Объект выбран на собрании жителей (демо).")
    design = project.stages.get(kind=ProjectStage.DESIGN)
    services.stage_update(
        stage=design, actor=chair, chosen_option="Вариант 2 из эскизного проекта (демо)", now=clock.next()
    )
    if reached == 1:
        return
    _advance(project, chair, clock, "Проект и смета согласованы (демо).")
    lines = list(project.budget_lines.order_by("position", "pk"))
    shares = spec.spent if spec is not None else ("0.5",)
    for line, share in zip(lines, shares, strict=False):
        amount = (line.planned * Decimal(share)).quantize(Decimal("0.01"))
        if amount > 0:
            services.expense_record(
                project=project,
                actor=chair,
                line=line,
                amount=amount,
                spent_on=timezone.localdate(clock.next()),
                description=f"Акт выполненных работ (демо): {line.title}",
                document=_upload(f"Акт: {line.title}", PhotoPhase.DURING),
                now=clock.moment,
            )
    if spec is not None:
        for title, contractor in spec.milestones:
            services.milestone_add(
                project=project,
                actor=chair,
                title=title,
                contractor=contractor,
                planned_date=timezone.localdate(clock.moment) + timedelta(days=3),
                percent_done=40,
                now=clock.next(),
            )
    milestones = list(project.milestones.order_by("position", "pk"))
    finishing = reached > 2 or not (spec and spec.overdue)
    for milestone in milestones if finishing else milestones[:-1]:
        services.milestone_complete(milestone=milestone, actor=chair, now=clock.next())
    _report(project, chair, staff, clock, ReportKind.PROGRESS, "Работы идут по графику (демо).", accept=True)
    if reached == 2:
        return
    _advance(project, chair, clock, "Работы закончены, жители приглашены проверить (демо).")
    if project.municipality.name_ru == PROPOSALS_CITY and len(residents) >= 2:
        ok, problem = residents[0], residents[1]
        services.inspection_create(
            project=project,
            actor=ok,
            text="Всё сделано, как обещали (демо).",
            verdict=Verdict.OK,
            photos=[_upload("Проверка жителя", PhotoPhase.AFTER)],
            captions=["Заглушка: фото жителя"],
            now=clock.next(),
        )
        note = services.inspection_create(
            project=project,
            actor=problem,
            text="Один светильник не горит у третьего подъезда (демо).",
            verdict=Verdict.PROBLEMS,
            photos=[_upload("Замечание жителя", PhotoPhase.AFTER)],
            captions=["Заглушка: фото жителя"],
            now=clock.next(),
        )
        services.inspection_answer(
            inspection=note, actor=chair, answer="Подрядчик заменит светильник по гарантии (демо).", now=clock.next()
        )
        if reached > 3:
            services.inspection_resolve(inspection=note, actor=problem, now=clock.next())
        else:
            services.inspection_create(
                project=project,
                actor=residents[-1],
                text="Кабель у детской площадки лежит открыто (демо).",
                verdict=Verdict.PROBLEMS,
                now=clock.next(),
            )
    if reached == 3:
        return
    _advance(project, chair, clock, "Проверка завершена, готовим итоговый отчёт (демо).")
    accept = target == ProjectStage.COMPLETED
    _report(project, chair, staff, clock, ReportKind.FINAL, "Объект построен и принят (демо).", accept=accept)
    if not accept:
        return
    _advance(project, chair, clock, "Итоговый отчёт принят (демо).")
    for score, resident in zip((5, 4, 5, 3), residents, strict=False):
        services.rating_set(project=project, actor=resident, score=score, comment="", now=clock.next())


def _decider(project: Project, *, not_user: User) -> User | None:
    """One of the funder's chair or staff, other than `not_user` (a report is decided by someone else)."""
    if project.funder_id is None:
        return None
    membership = (
        Membership.objects.filter(organization_id=project.funder_id, is_active=True, role__in=ACTING_ROLES)
        .exclude(user=not_user)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _own(spec: DemoProject, *, chair: User, staff: User, residents: list[User], now: datetime) -> bool:
    owner = Organization.objects.filter(name=spec.owner, kind=OrganizationKind.TOS).first()
    funder = Organization.objects.filter(name=ADMINISTRATIONS[spec.owner], kind=OrganizationKind.ADMINISTRATION).first()
    if owner is None or funder is None:
        return False
    start = now - timedelta(days=spec.age)
    project = services.project_create(
        actor=chair,
        owner=owner,
        funder=funder,
        budget=[{"source": s, "title": t, "planned": Decimal(p)} for s, t, p in spec.lines],
        title=spec.title,
        summary=spec.summary,
        object_description=spec.object_description,
        beneficiaries=spec.beneficiaries,
        beneficiaries_count=spec.beneficiaries_count,
        address=spec.address,
        latitude=spec.point[0],
        longitude=spec.point[1],
        now=start,
    )
    locals_ = residents if owner.municipality and owner.municipality.name_ru == PROPOSALS_CITY else []
    _play(project, spec, chair=chair, staff=staff, residents=locals_, start=start, now=now, target=spec.stage)
    return True


def _from_sources(
    *, chair: User, staff: User, residents: list[User], now: datetime, summary: ProjectsDemoSummary
) -> None:
    """The projects of one award of the finished Amur contest, one accepted proposal and one funded vote winner
    of Blagoveshchensk, when those demos are loaded and their projects are not made yet."""
    if Project.objects.filter(origin=Origin.CONTEST_AWARD, application__contest__title=AWARD_CONTEST).exists():
        summary.found += 1
    else:
        application = eligible_awards(chair).filter(contest__title=AWARD_CONTEST).first()
        if application is not None:
            start = now - timedelta(days=70)
            project = services.project_from_award(application=application, actor=chair, now=start)
            _play(
                project,
                None,
                chair=chair,
                staff=staff,
                residents=[],
                start=start,
                now=now,
                target=ProjectStage.IMPLEMENTATION,
            )
            summary.created += 1
    if Project.objects.filter(origin=Origin.INITIATIVE_PROPOSAL, proposal__title__endswith="(демо)").exists():
        summary.found += 1
    else:
        proposal = eligible_proposals(staff).filter(municipality__name_ru=PROPOSALS_CITY).first()
        if proposal is not None:
            start = now - timedelta(days=15)
            project = services.project_from_proposal(proposal=proposal, actor=staff, now=start)
            _play(
                project, None, chair=staff, staff=staff, residents=[], start=start, now=now, target=ProjectStage.DESIGN
            )
            summary.created += 1
    if Project.objects.filter(origin=Origin.PB_WINNER, vote_project__vote__title=PB_VOTE).exists():
        summary.found += 1
    else:
        winner = eligible_vote_projects(staff).filter(vote__title=PB_VOTE).first()
        if winner is not None:
            start = now - timedelta(days=30)
            project = services.project_from_vote_project(vote_project=winner, actor=staff, now=start)
            _play(
                project,
                None,
                chair=staff,
                staff=staff,
                residents=[],
                start=start,
                now=now,
                target=ProjectStage.OBJECT_CHOICE,
            )
            summary.created += 1


@transaction.atomic
def load_projects_demo(*, now: datetime | None = None) -> ProjectsDemoSummary:
    """Load the projects demo (see the module's docstring); what exists (by title or source) is skipped."""
    now = now or timezone.now()
    summary = ProjectsDemoSummary()
    chair, staff = _user(CHAIR_EMAIL), _user(STAFF_EMAIL)
    if chair is None or staff is None:
        summary.skipped.append("the base demo users")
        return summary
    residents = [user for email in RESIDENT_EMAILS if (user := _user(email)) is not None]
    existing = set(Project.objects.filter(title__in=[p.title for p in PROJECTS]).values_list("title", flat=True))
    for spec in PROJECTS:
        if spec.title in existing:
            summary.found += 1
        elif _own(spec, chair=chair, staff=staff, residents=residents, now=now):
            summary.created += 1
        else:
            summary.skipped.append(spec.title)
    _from_sources(chair=chair, staff=staff, residents=residents, now=now, summary=summary)
    return summary
