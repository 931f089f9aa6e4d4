"""Demonstration participation data for Blagoveshchensk (Amur region), where the base demo has its ТОС and where
the demo staff member (staff@demo.localbridge.local) serves the city's administration. Made only through the
participation services, each step at its own moment relative to `now`, so that every state can be seen.

Everything here is invented and says so: titles end in "(демо)" and descriptions open with a note that the data is
generated.

- Five demo residents (resident1..5@demo.localbridge.local, birth years set): four confirmed by the staff (one on
  the territory of the demo ТОС «Улица Ленина, 1–15»), one by a one-time code the staff generated.
- Initiative proposals in every state: a draft, one collecting supports, one with the administration (answer due
  in the future), one overdue, one accepted, one rejected with the reasons, one sent to competitive selection.
- An open knapsack vote (typed projects and the accepted and selected proposals, a few ballots; resident5 has not
  voted yet), and a finished approval vote counted by the Method of Equal Shares with its results published.
- A closed anonymous survey with answers (results public).
- A public hearing held (registrations, a written proposal answered, attendance, the minutes and decision) and a
  meeting of citizens announced.

Idempotent: each proposal, vote, survey and hearing is looked up by its title in the city and skipped when it
exists; residents by e-mail, residence by the resident's live residency. Expects the base demo (load_demo)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from localbridge.accounts.models import User
from localbridge.organizations.models import Organization, OrganizationKind
from localbridge.territories.models import Municipality

from . import services
from .models import (
    BallotType,
    Hearing,
    HearingKind,
    OutcomeRule,
    Proposal,
    ProposalStatus,
    QuestionKind,
    Residency,
    ResidencyCode,
    ResidencyStatus,
    Survey,
    Vote,
    VoteProject,
)
from .services import hearings as hearing_services
from .services import surveys as survey_services
from .services import votes as vote_services

__all__ = [
    "DEMO_RESIDENTS",
    "HEARING_SUBJECTS",
    "OPEN_VOTE_TITLE",
    "PROPOSALS",
    "PUBLISHED_VOTE_TITLE",
    "SURVEY_TITLE",
    "ParticipationDemoSummary",
    "load_participation_demo",
]

GENERATED_NOTE = (
    "Демонстрационные данные: сгенерированы LocalBridge, жители, предложения и голоса вымышлены и не относятся к "
    "реальному муниципалитету."
)
DEFAULT_PASSWORD = "localbridge-demo"  # noqa: S105  (the documented demo password; load_demo passes its own)
STAFF_EMAIL = "staff@demo.localbridge.local"
REGION = "RU-AMU"
CITY = "Благовещенск"
DEMO_TOS = "ТОС «Улица Ленина, 1–15» (демо)"

# (e-mail, full name, birth year, address, on the demo ТОС's territory)
DEMO_RESIDENTS = (
    ("resident1@demo.localbridge.local", "Алексей Жителев (демо)", 1968, "ул. Ленина, д. 7, кв. 12", True),
    ("resident2@demo.localbridge.local", "Наталья Соседова (демо)", 1979, "ул. Горького, д. 64, кв. 3", False),
    ("resident3@demo.localbridge.local", "Игорь Дворов (демо)", 1985, "ул. Зейская, д. 110, кв. 41", False),
    ("resident4@demo.localbridge.local", "Ксения Амурская (демо)", 1993, "ул. Набережная, д. 22, кв. 8", False),
    ("resident5@demo.localbridge.local", "Денис Кодов (демо)", 2001, "ул. Кирова, д. 15, кв. 30", False),
)
CODE_RESIDENT = 4  # index in DEMO_RESIDENTS of the resident confirmed by a one-time code


@dataclass(frozen=True)
class DemoProposal:
    title: str
    summary: str
    address: str
    point: tuple[str, str]
    cost: str
    contribution: str
    state: str  # draft, collecting, under_review, overdue, accepted, rejected, selection
    age: int  # days before `now` the draft was written
    author: int  # index in DEMO_RESIDENTS
    answer: str = ""


PROPOSALS = (
    DemoProposal(
        "Скамейки вдоль аллеи на улице Горького (демо)",
        "Поставить десять скамеек с урнами вдоль аллеи, где гуляют пожилые жители.",
        "ул. Горького, аллея между домами 50 и 90",
        ("50.263100", "127.540200"),
        "180000",
        "20000",
        "draft",
        2,
        1,
    ),
    DemoProposal(
        "Детская площадка во дворе домов 5–9 по улице Ленина (демо)",
        "Игровой комплекс и резиновое покрытие во дворе, где сейчас нет площадки.",
        "ул. Ленина, двор домов 5–9",
        ("50.257400", "127.525600"),
        "650000",
        "65000",
        "collecting",
        12,
        0,
    ),
    DemoProposal(
        "Освещение пешеходной дорожки к школе № 5 (демо)",
        "Двенадцать светильников на дорожке, по которой дети зимой ходят в школу затемно.",
        "дорожка от ул. Зейской к школе № 5",
        ("50.268300", "127.531100"),
        "420000",
        "0",
        "under_review",
        10,
        2,
    ),
    DemoProposal(
        "Пешеходный переход у поликлиники на улице Кирова (демо)",
        "Нерегулируемый переход с освещением и искусственной неровностью у входа в поликлинику.",
        "ул. Кирова, у дома 15",
        ("50.259800", "127.536900"),
        "310000",
        "0",
        "overdue",
        50,
        4,
    ),
    DemoProposal(
        "Тренажёры на набережной Амура (демо)",
        "Шесть уличных тренажёров и навес у спуска к набережной.",
        "набережная Амура, у спуска от ул. Пионерской",
        ("50.253600", "127.529000"),
        "560000",
        "60000",
        "accepted",
        95,
        3,
        "Проект включён в план благоустройства на следующий год и выносится на голосование жителей (демо).",
    ),
    DemoProposal(
        "Фонтан на площади Победы (демо)",
        "Восстановить фонтан, не работающий с 1990-х годов.",
        "площадь Победы",
        ("50.259000", "127.534700"),
        "4800000",
        "0",
        "rejected",
        120,
        1,
        "Стоимость восстановления превышает годовой бюджет инициативных проектов города; чаша фонтана признана "
        "аварийной, её ремонт будет рассмотрен в программе капитального ремонта (демо).",
    ),
    DemoProposal(
        "Хоккейная коробка в микрорайоне Северном (демо)",
        "Борта, освещение и заливка катка для детей микрорайона.",
        "микрорайон Северный, пустырь у дома 12",
        ("50.281500", "127.516800"),
        "900000",
        "90000",
        "selection",
        110,
        2,
        "Подобных заявок несколько: проект направлен на конкурсный отбор инициативных проектов (демо).",
    ),
)

OPEN_VOTE_TITLE = "Народный бюджет Благовещенска — 2027 (демо)"
PUBLISHED_VOTE_TITLE = "Народный бюджет Благовещенска — 2026 (демо)"
OPEN_VOTE_PROJECTS = (
    ("Ремонт тротуара на улице Шевченко", "850000"),
    ("Сквер у Дома культуры: дорожки и освещение", "1200000"),
    ("Велопарковки у школ и библиотек", "240000"),
    ("Пандусы у входов в поликлиники", "480000"),
)
# project index -> the residents' ballots (indexes of the projects chosen), each within the budget of 3,000,000
OPEN_VOTE_BUDGET = "3000000"
OPEN_VOTE_BALLOTS = ((0, 1, 2), (1, 3, 4), (0, 2, 3, 5), (1, 2, 4))
PUBLISHED_VOTE_PROJECTS = (
    ("Детская площадка в микрорайоне Астрахановка", "700000"),
    ("Освещение улицы Чайковского", "500000"),
    ("Спортивная площадка у школы № 14", "900000"),
    ("Озеленение бульвара на улице Калинина", "300000"),
    ("Ремонт лестницы к набережной", "400000"),
    ("Скейт-площадка в парке Дружбы", "650000"),
)
PUBLISHED_VOTE_BUDGET = "2000000"
PUBLISHED_VOTE_BALLOTS = ((0, 1, 3), (0, 2, 4), (1, 3, 5), (0, 3, 4), (2, 3))

SURVEY_TITLE = "Опрос: какой быть набережной Амура (демо)"
SURVEY_QUESTIONS: tuple[dict[str, Any], ...] = (
    {
        "kind": QuestionKind.SINGLE,
        "text": "Как часто вы бываете на набережной?",
        "options": ["Каждый день", "Раз в неделю", "Раз в месяц", "Реже"],
    },
    {
        "kind": QuestionKind.MULTIPLE,
        "text": "Чего не хватает на набережной?",
        "options": ["Скамеек", "Освещения", "Туалетов", "Детских площадок", "Велодорожки"],
    },
    {"kind": QuestionKind.SCALE, "text": "Насколько вы довольны набережной сейчас?", "scale_min": 1, "scale_max": 5},
    {
        "kind": QuestionKind.RANKING,
        "text": "Расставьте по важности",
        "options": ["Безопасность", "Чистота", "Места отдыха"],
    },
    {"kind": QuestionKind.TEXT, "text": "Ваши предложения", "required": False},
)
SURVEY_ANSWERS = (
    (0, [1, 2], 3, [0, 1, 2], "Больше скамеек в тени."),
    (1, [0, 3], 4, [1, 0, 2], ""),
    (2, [1, 4], 2, [0, 2, 1], "Велодорожка вдоль всей набережной."),
    (0, [2], 3, [2, 0, 1], ""),
    (1, [0, 1, 4], 5, [0, 1, 2], "Фонари у спусков к воде."),
)

HELD_HEARING = "Публичные слушания по проекту изменений в Правила благоустройства Благовещенска (демо)"
ANNOUNCED_HEARING = "Собрание граждан микрорайона Северного о благоустройстве дворов (демо)"
HEARING_SUBJECTS = (HELD_HEARING, ANNOUNCED_HEARING)
HEARING_PLACE = "ул. Ленина, 133, актовый зал администрации (демо)"


@dataclass
class ParticipationDemoSummary:
    users_created: int = 0
    residencies_created: int = 0
    proposals_created: int = 0
    proposals_found: int = 0
    votes_created: int = 0
    votes_found: int = 0
    ballots_created: int = 0
    surveys_created: int = 0
    surveys_found: int = 0
    hearings_created: int = 0
    hearings_found: int = 0

    @property
    def created(self) -> int:
        return self.proposals_created + self.votes_created + self.surveys_created + self.hearings_created

    @property
    def found(self) -> int:
        return self.proposals_found + self.votes_found + self.surveys_found + self.hearings_found


def _described(text: str) -> str:
    return f"{GENERATED_NOTE}\n\n{text}"


# --- residents ------------------------------------------------------------------------------------------------


def _city() -> Municipality:
    municipality = Municipality.objects.filter(region__code=REGION, name_ru=CITY).order_by("pk").first()
    if municipality is None:
        raise ImproperlyConfigured(f"{CITY} ({REGION}) is not loaded: run load_reference first.")
    return municipality


def _staff() -> User:
    user = User.objects.filter(email=STAFF_EMAIL).first()
    if user is None:
        raise ImproperlyConfigured(f"{STAFF_EMAIL} is missing: load the base demo (load_demo) first.")
    return user


def _resident(email: str, full_name: str, birth_year: int, password: str, summary: ParticipationDemoSummary) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name, birth_year=birth_year)
        summary.users_created += 1
    if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _residence(
    index: int,
    user: User,
    *,
    city: Municipality,
    staff: User,
    tos: Organization | None,
    now: datetime,
    summary: ParticipationDemoSummary,
) -> None:
    """Confirm the resident's residence in the city: by the staff, or (CODE_RESIDENT) with a one-time code from a
    batch the staff generated. A resident with a live residency there is left as is."""
    live = (ResidencyStatus.CLAIMED, ResidencyStatus.CONFIRMED)
    if Residency.objects.filter(user=user, municipality=city, status__in=live).exists():
        return
    _email, _name, _year, address, on_tos = DEMO_RESIDENTS[index]
    claimed = now - timedelta(days=200 - index)
    batch = f"Демо: листовка для {user.email}"
    if index == CODE_RESIDENT and not ResidencyCode.objects.filter(municipality=city, batch=batch).exists():
        codes = services.codes_generate(municipality=city, actor=staff, count=3, batch=batch, now=claimed)
        services.residency_confirm_with_code(
            actor=user, municipality=city, code=codes[0], address=address, now=claimed + timedelta(days=2)
        )
    else:
        residency = services.residency_claim(
            actor=user, municipality=city, tos=tos if on_tos else None, address=address, now=claimed
        )
        services.residency_decide(residency=residency, actor=staff, confirm=True, now=claimed + timedelta(days=1))
    summary.residencies_created += 1


# --- proposals ------------------------------------------------------------------------------------------------


PROPOSAL_TEXT = """{note}

**Проблема.** {summary}

**Что сделать.** Закупить и установить оборудование, подготовить основание, благоустроить прилегающую территорию.

**Результат.** Жители получают удобное и безопасное место, за которым присматривает совет дома."""


def _proposal(spec: DemoProposal, *, city: Municipality, residents: list[User], staff: User, now: datetime) -> Proposal:
    author = residents[spec.author]
    others = [r for i, r in enumerate(residents) if i != spec.author]
    moment = now - timedelta(days=spec.age)
    proposal = services.proposal_create(
        actor=author,
        municipality=city,
        now=moment,
        title=spec.title,
        summary=spec.summary,
        description=PROPOSAL_TEXT.format(note=GENERATED_NOTE, summary=spec.summary),
        address=spec.address,
        latitude=spec.point[0],
        longitude=spec.point[1],
        estimated_cost=spec.cost,
        residents_contribution=spec.contribution,
    )
    if spec.state == "draft":
        return proposal
    services.proposal_publish(proposal=proposal, actor=author, now=moment + timedelta(hours=2))
    if spec.state == "collecting":  # two supports of the default threshold
        for day, supporter in enumerate(others[:2], start=1):
            services.proposal_support(proposal=proposal, actor=supporter, now=moment + timedelta(days=day))
        services.proposal_comment(
            proposal=proposal,
            actor=others[2],
            text="Поддержу, когда будет понятна смета покрытия (демо).",
            now=moment + timedelta(days=3),
        )
        return proposal
    # The staff set a threshold of three; the third support sends the proposal to the administration.
    services.proposal_set_terms(proposal=proposal, actor=staff, support_threshold=3, now=moment + timedelta(days=1))
    for day, supporter in enumerate(others[:3], start=2):
        services.proposal_support(proposal=proposal, actor=supporter, now=moment + timedelta(days=day))
    if spec.state in ("accepted", "rejected", "selection"):
        decision = {"accepted": "accept", "rejected": "reject", "selection": "to_selection"}[spec.state]
        services.proposal_answer(
            proposal=proposal, actor=staff, decision=decision, comment=spec.answer, now=moment + timedelta(days=20)
        )
    return proposal


# --- votes ----------------------------------------------------------------------------------------------------


def _cast(vote: Vote, residents: list[User], ballots: tuple[tuple[int, ...], ...], start: datetime) -> int:
    projects = list(VoteProject.objects.filter(vote=vote).order_by("position", "pk"))
    for number, (resident, chosen) in enumerate(zip(residents, ballots, strict=False)):
        vote_services.ballot_cast(
            vote=vote,
            actor=resident,
            choices={projects[i].pk: 1 for i in chosen},
            request_key=f"demo-{vote.pk}-{number}",
            now=start + timedelta(hours=7 * number),
        )
    return min(len(residents), len(ballots))


def _open_vote(*, city: Municipality, residents: list[User], staff: User, now: datetime) -> int:
    """A knapsack vote open now: typed projects, then the accepted proposal and the one sent to selection; four
    residents have voted (resident5 has not)."""
    sources = Proposal.objects.filter(
        municipality=city,
        title__in=[p.title for p in PROPOSALS],
        status__in=(ProposalStatus.ACCEPTED, ProposalStatus.SELECTION),
    )
    vote = vote_services.vote_create(
        municipality=city,
        actor=staff,
        title=OPEN_VOTE_TITLE,
        budget=OPEN_VOTE_BUDGET,
        projects=[
            {"code": f"b{i}", "title": title, "cost": cost, "description": GENERATED_NOTE}
            for i, (title, cost) in enumerate(OPEN_VOTE_PROJECTS, start=1)
        ],
        from_proposals=True,
        proposals=list(sources),
        description=_described(
            "Жители выбирают проекты, которые город выполнит в 2027 году. Отметьте проекты, общая стоимость "
            "которых укладывается в бюджет."
        ),
        ballot_type=BallotType.KNAPSACK,
        rule=OutcomeRule.GREEDY,
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=14),
        now=now - timedelta(days=8),
    )
    vote_services.vote_move(vote=vote, actor=staff, action="open", now=now - timedelta(days=6))
    return _cast(vote, residents[:4], OPEN_VOTE_BALLOTS, now - timedelta(days=4))


def _published_vote(*, city: Municipality, residents: list[User], staff: User, now: datetime) -> int:
    """An approval vote (up to three projects) counted by the Method of Equal Shares: five residents' ballots and
    one paper ballot, closed after its date and the results published."""
    opens, closes = now - timedelta(days=80), now - timedelta(days=60)
    vote = vote_services.vote_create(
        municipality=city,
        actor=staff,
        title=PUBLISHED_VOTE_TITLE,
        budget=PUBLISHED_VOTE_BUDGET,
        projects=[
            {"code": f"a{i}", "title": title, "cost": cost, "description": GENERATED_NOTE}
            for i, (title, cost) in enumerate(PUBLISHED_VOTE_PROJECTS, start=1)
        ],
        description=_described("Жители выбрали проекты, которые город выполнит в 2026 году."),
        ballot_type=BallotType.APPROVAL,
        max_choices=3,
        rule=OutcomeRule.MES,
        opens_at=opens,
        closes_at=closes,
        now=opens - timedelta(days=10),
    )
    vote_services.vote_move(vote=vote, actor=staff, action="open", now=opens - timedelta(days=2))
    cast = _cast(vote, residents, PUBLISHED_VOTE_BALLOTS, opens + timedelta(days=3))
    projects = list(VoteProject.objects.filter(vote=vote).order_by("position", "pk"))
    vote_services.ballot_enter_paper(
        vote=vote,
        actor=staff,
        choices={projects[0].pk: 1, projects[5].pk: 1},
        paper_number=1,
        now=closes - timedelta(days=1),
    )
    vote_services.vote_move(vote=vote, actor=staff, action="close", now=closes + timedelta(hours=1))
    vote_services.vote_move(vote=vote, actor=staff, action="publish", now=closes + timedelta(days=1))
    return cast + 1


# --- the survey and the hearings ------------------------------------------------------------------------------


def _survey(*, city: Municipality, residents: list[User], staff: User, now: datetime) -> None:
    """An anonymous survey, answered by the five residents and closed: its results are public."""
    opens, closes = now - timedelta(days=40), now - timedelta(days=20)
    survey: Survey = survey_services.survey_create(
        actor=staff,
        municipality=city,
        questions=SURVEY_QUESTIONS,
        title=SURVEY_TITLE,
        description=_described("Город собирает мнения жителей перед проектированием новой набережной."),
        anonymous=True,
        opens_at=opens,
        closes_at=closes,
        now=opens - timedelta(days=12),
    )
    survey_services.survey_move(survey=survey, actor=staff, action="open", now=opens - timedelta(days=11))
    questions = list(survey.questions.order_by("position", "pk"))
    for number, (resident, values) in enumerate(zip(residents, SURVEY_ANSWERS, strict=True)):
        survey_services.response_submit(
            survey=survey,
            actor=resident,
            answers={q.pk: v for q, v in zip(questions, values, strict=True)},
            now=opens + timedelta(days=2, hours=5 * number),
        )
    survey_services.survey_move(survey=survey, actor=staff, action="close", now=closes + timedelta(hours=1))


def _held_hearing(*, city: Municipality, residents: list[User], staff: User, now: datetime) -> None:
    starts = now - timedelta(days=30)
    hearing = hearing_services.hearing_create(
        actor=staff,
        municipality=city,
        kind=HearingKind.HEARING,
        subject=HELD_HEARING,
        description=_described(
            "Обсуждается проект изменений в Правила благоустройства: требования к освещению дворов, размещению "
            "контейнерных площадок и содержанию газонов."
        ),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place=HEARING_PLACE,
        now=starts - timedelta(days=30),
    )
    hearing_services.hearing_move(hearing=hearing, actor=staff, action="announce", now=starts - timedelta(days=29))
    for number, resident in enumerate(residents[:3]):
        hearing_services.registration_toggle(
            hearing=hearing, actor=resident, now=starts - timedelta(days=20, hours=-number)
        )
    written = hearing_services.proposal_submit(
        hearing=hearing,
        actor=residents[1],
        text="Предлагаю обязать управляющие компании освещать дворовые проезды всю ночь (демо).",
        now=starts - timedelta(days=15),
    )
    hearing_services.proposal_answer(
        proposal=written,
        actor=staff,
        answer="Учтено: требование к освещению дворовых проездов включено в проект (демо).",
        now=starts + timedelta(hours=3),
    )
    hearing_services.attendance_mark(
        hearing=hearing, actor=staff, attended_user_ids=[r.pk for r in residents[:2]], now=starts + timedelta(hours=3)
    )
    hearing_services.hearing_move(
        hearing=hearing,
        actor=staff,
        action="held",
        minutes=_described(
            "Присутствовали 42 участника. Выступили представители администрации и жители. Поступило 7 "
            "предложений, из них 4 учтены в проекте."
        ),
        decision="Рекомендовать проект изменений к утверждению с учётом поступивших предложений (демо).",
        attendance=42,
        now=starts + timedelta(days=1),
    )


def _announced_hearing(*, city: Municipality, residents: list[User], staff: User, now: datetime) -> None:
    starts = (now + timedelta(days=25)).replace(minute=0, second=0, microsecond=0)
    hearing = hearing_services.hearing_create(
        actor=staff,
        municipality=city,
        kind=HearingKind.MEETING,
        subject=ANNOUNCED_HEARING,
        description=_described("Жители выбирают дворы, которые будут благоустроены в следующем году."),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="микрорайон Северный, школа № 26, актовый зал (демо)",
        now=now - timedelta(days=2),
    )
    hearing_services.hearing_move(hearing=hearing, actor=staff, action="announce", now=now - timedelta(days=1))
    for resident in residents[3:]:
        hearing_services.registration_toggle(hearing=hearing, actor=resident, now=now - timedelta(hours=12))


# --- the whole demo -------------------------------------------------------------------------------------------


@transaction.atomic
def load_participation_demo(
    *, now: datetime | None = None, password: str = DEFAULT_PASSWORD
) -> ParticipationDemoSummary:
    """Load the participation demo (see the module's docstring); what exists (by title) is skipped."""
    now = now or timezone.now()
    summary = ParticipationDemoSummary()
    city, staff = _city(), _staff()
    tos = Organization.objects.filter(name=DEMO_TOS, kind=OrganizationKind.TOS, municipality=city).first()
    residents = [_resident(email, name, year, password, summary) for email, name, year, _a, _t in DEMO_RESIDENTS]
    for index, resident in enumerate(residents):
        _residence(index, resident, city=city, staff=staff, tos=tos, now=now, summary=summary)

    existing = set(
        Proposal.objects.filter(municipality=city, title__in=[p.title for p in PROPOSALS]).values_list(
            "title", flat=True
        )
    )
    for spec in PROPOSALS:
        if spec.title in existing:
            summary.proposals_found += 1
            continue
        _proposal(spec, city=city, residents=residents, staff=staff, now=now)
        summary.proposals_created += 1

    votes = set(
        Vote.objects.filter(municipality=city, title__in=[OPEN_VOTE_TITLE, PUBLISHED_VOTE_TITLE]).values_list(
            "title", flat=True
        )
    )
    for title, make in ((PUBLISHED_VOTE_TITLE, _published_vote), (OPEN_VOTE_TITLE, _open_vote)):
        if title in votes:
            summary.votes_found += 1
            continue
        summary.ballots_created += make(city=city, residents=residents, staff=staff, now=now)
        summary.votes_created += 1

    if Survey.objects.filter(municipality=city, title=SURVEY_TITLE).exists():
        summary.surveys_found += 1
    else:
        _survey(city=city, residents=residents, staff=staff, now=now)
        summary.surveys_created += 1

    hearings = set(
        Hearing.objects.filter(municipality=city, subject__in=HEARING_SUBJECTS).values_list("subject", flat=True)
    )
    for subject, make_hearing in ((HELD_HEARING, _held_hearing), (ANNOUNCED_HEARING, _announced_hearing)):
        if subject in hearings:
            summary.hearings_found += 1
            continue
        make_hearing(city=city, residents=residents, staff=staff, now=now)
        summary.hearings_created += 1
    return summary
