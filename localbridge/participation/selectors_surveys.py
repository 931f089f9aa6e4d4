"""Reads for surveys and hearings: lists filtered in SQL by who may see them, a survey's aggregated results (one
query over its answers), the rows of its export, a hearing's page with its documents, registrations and written
proposals.

Visibility: anyone sees a survey or hearing once it is published (not a draft); the staff of its municipality
and platform staff see drafts too. A survey's results are public once it is over (closed, or its closing time
passed); the staff see them at any time. Written proposals of a hearing are public once it is held; the staff
see them at any time; an author sees their own."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from localbridge.organizations.models import Membership, MembershipRole, OrganizationKind
from localbridge.territories.models import Municipality

from .models import (
    Answer,
    Hearing,
    HearingProposal,
    HearingRegistration,
    HearingStatus,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
    SurveyStatus,
)
from .services.hearings import hearing_accepting_proposals, registration_open
from .services.surveys import survey_accepting, survey_has_responded, survey_is_over

TEXT_PREVIEW = 5
ONE_TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")


# --- who sees what --------------------------------------------------------------------------------------------


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def _platform_staff(user: Any) -> bool:
    return _signed_in(user) and bool(user.is_staff or user.is_superuser)


def staff_municipality_ids(user: Any) -> QuerySet[Membership, Any]:
    """The municipalities whose administration employs `user` (a subquery)."""
    return Membership.objects.filter(
        user=user,
        is_active=True,
        role=MembershipRole.STAFF,
        organization__kind=OrganizationKind.ADMINISTRATION,
        organization__municipality__isnull=False,
    ).values("organization__municipality_id")


def manageable_municipalities(user: Any) -> QuerySet[Municipality]:
    """Where `user` may run surveys and hearings (for the staff's forms)."""
    if _platform_staff(user):
        return Municipality.objects.order_by("name_ru", "pk")
    if not _signed_in(user):
        return Municipality.objects.none()
    return Municipality.objects.filter(pk__in=staff_municipality_ids(user)).order_by("name_ru", "pk")


def _visible_q(user: Any) -> Q | None:
    """None: everything is visible."""
    if _platform_staff(user):
        return None
    public = ~Q(status="draft")
    if _signed_in(user):
        return public | Q(municipality_id__in=staff_municipality_ids(user))
    return public


def _visible(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    condition = _visible_q(user)
    return queryset if condition is None else queryset.filter(condition)


def _manages(user: Any, obj: Any) -> bool:
    return _signed_in(user) and user.has_perm("participation.manage_process", obj)


# --- surveys --------------------------------------------------------------------------------------------------


def survey_visible_to(user: Any) -> QuerySet[Survey]:
    return _visible(Survey.objects.all(), user)


def survey_list(*, user: Any, municipality: Any = None, status: str | None = None) -> QuerySet[Survey]:
    surveys = survey_visible_to(user).select_related("municipality", "settlement", "tos")
    if municipality:
        surveys = surveys.filter(municipality=municipality)
    if status:
        surveys = surveys.filter(status=status)
    return surveys.order_by("-opens_at", "-created_at", "-pk")


def survey_get(*, pk: int, user: Any) -> Survey:
    survey = (
        survey_visible_to(user)
        .select_related("municipality", "settlement", "tos")
        .prefetch_related("questions")
        .filter(pk=pk)
        .first()
    )
    if survey is None:
        raise Http404
    return survey


def survey_results_visible(*, survey: Survey, user: Any, now: datetime | None = None) -> bool:
    return survey_is_over(survey, now) or _manages(user, survey)


@dataclass
class SurveyState:
    """What a survey's page tells `user`: can they answer, have they, are the results shown."""

    accepting: bool
    responded: bool
    results_visible: bool
    manages: bool


def survey_state(*, survey: Survey, user: Any, now: datetime | None = None) -> SurveyState:
    now = now or timezone.now()
    return SurveyState(
        accepting=survey_accepting(survey, now),
        responded=survey_has_responded(survey, user),
        results_visible=survey_results_visible(survey=survey, user=user, now=now),
        manages=_manages(user, survey),
    )


@dataclass
class ResultRow:
    label: str
    count: int = 0
    percent: Decimal = Decimal("0.0")
    mean_rank: Decimal | None = None
    borda: int = 0
    bar: str = "0"  # the bar's width in percent, as plain text for the SVG ("37.5", never localised)


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    rows: list[ResultRow] = field(default_factory=list)
    mean: Decimal | None = None
    texts: list[str] = field(default_factory=list)  # the first few free-text answers

    @property
    def kind(self) -> str:
        return self.question.kind


def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(part * 100) / Decimal(whole)).quantize(ONE_TENTH, rounding=ROUND_HALF_UP)


def _bar(part: float | int | Decimal, whole: float | int | Decimal) -> str:
    if not whole:
        return "0"
    return f"{float(part) * 100 / float(whole):.1f}"


def survey_results(*, survey: Survey) -> list[QuestionResult]:
    """Per question: counts and percentages of those who answered it (single, multiple), the distribution and
    the mean (scale), the mean place and the Borda score — n−1 points for the first place down to 0 (ranking),
    the number of free-text answers and the first few of them. Two queries whatever the size."""
    questions = list(survey.questions.all())
    values: dict[int, list[Any]] = defaultdict(list)
    texts: dict[int, list[str]] = defaultdict(list)
    text_counts: Counter[int] = Counter()
    kinds = {q.pk: q.kind for q in questions}
    answers = (
        Answer.objects.filter(question__survey=survey).order_by("response_id", "pk").values_list("question_id", "value")
    )
    for question_id, value in answers.iterator(chunk_size=2000):
        if kinds.get(question_id) == QuestionKind.TEXT:
            text_counts[question_id] += 1
            if len(texts[question_id]) < TEXT_PREVIEW:
                texts[question_id].append(str(value))
        else:
            values[question_id].append(value)
    return [_question_result(q, values[q.pk], texts[q.pk], text_counts[q.pk]) for q in questions]


def _question_result(question: Question, values: list[Any], texts: list[str], text_count: int) -> QuestionResult:
    result = QuestionResult(question=question)
    options = list(question.options or [])
    if question.kind == QuestionKind.TEXT:
        result.answered = text_count
        result.texts = texts
        return result
    result.answered = len(values)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        counts: Counter[int] = Counter()
        for value in values:
            counts.update(value if isinstance(value, list) else [value])
        for index, label in enumerate(options):
            count = counts[index]
            result.rows.append(
                ResultRow(label, count, _percent(count, result.answered), bar=_bar(count, result.answered))
            )
    elif question.kind == QuestionKind.SCALE:
        counts = Counter(int(v) for v in values)
        for point in range(question.scale_min, question.scale_max + 1):
            count = counts[point]
            result.rows.append(
                ResultRow(str(point), count, _percent(count, result.answered), bar=_bar(count, result.answered))
            )
        if values:
            result.mean = (Decimal(sum(int(v) for v in values)) / Decimal(len(values))).quantize(
                HUNDREDTH, rounding=ROUND_HALF_UP
            )
    elif question.kind == QuestionKind.RANKING:
        n = len(options)
        places: dict[int, int] = defaultdict(int)
        borda: dict[int, int] = defaultdict(int)
        for ranking in values:
            for place, index in enumerate(ranking):
                places[index] += place + 1
                borda[index] += n - 1 - place
        top = max(borda.values(), default=0)
        rows = []
        for index, label in enumerate(options):
            mean_rank = (
                (Decimal(places[index]) / Decimal(len(values))).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
                if values
                else None
            )
            rows.append(
                ResultRow(label, len(values), mean_rank=mean_rank, borda=borda[index], bar=_bar(borda[index], top))
            )
        result.rows = sorted(rows, key=lambda r: (-r.borda, r.label))
    return result


def survey_text_answers(*, survey: Survey, question_pk: int) -> tuple[Question, QuerySet[Answer]]:
    """A free-text question of the survey and its answers, oldest first (for a paginated list)."""
    question = Question.objects.filter(survey=survey, pk=question_pk, kind=QuestionKind.TEXT).first()
    if question is None:
        raise Http404
    return question, Answer.objects.filter(question=question).order_by("response_id", "pk").only("value")


def survey_export_rows(*, survey: Survey) -> Iterator[tuple[SurveyResponse, dict[int, Any]]]:
    """Every response with its answers by question id, in the order they came (streamed in chunks)."""
    responses = (
        SurveyResponse.objects.filter(survey=survey)
        .select_related("user")
        .prefetch_related("answers")
        .order_by("created_at", "pk")
    )
    for response in responses.iterator(chunk_size=500):
        yield response, {answer.question_id: answer.value for answer in response.answers.all()}


def answer_text(question: Question, value: Any) -> str:
    """An answer as a person reads it: the option's label(s), the number, the ranking, or the text."""
    if value is None:
        return ""
    options = list(question.options or [])

    def label(index: Any) -> str:
        return options[index] if isinstance(index, int) and 0 <= index < len(options) else str(index)

    if question.kind == QuestionKind.SINGLE:
        return label(value)
    if question.kind == QuestionKind.MULTIPLE:
        return "; ".join(label(i) for i in value)
    if question.kind == QuestionKind.RANKING:
        return " > ".join(label(i) for i in value)
    return str(value)


# --- hearings -------------------------------------------------------------------------------------------------


def hearing_visible_to(user: Any) -> QuerySet[Hearing]:
    return _visible(Hearing.objects.all(), user)


def hearing_list(
    *, user: Any, municipality: Any = None, status: str | None = None, upcoming: bool = False
) -> QuerySet[Hearing]:
    hearings = hearing_visible_to(user).select_related("municipality", "settlement", "tos")
    if municipality:
        hearings = hearings.filter(municipality=municipality)
    if status:
        hearings = hearings.filter(status=status)
    if upcoming:
        return hearings.filter(starts_at__gte=timezone.now()).order_by("starts_at", "pk")
    return hearings.order_by("-starts_at", "-pk")


def hearing_get(*, pk: int, user: Any) -> Hearing:
    hearing = (
        hearing_visible_to(user)
        .select_related("municipality", "settlement", "tos")
        .prefetch_related("documents")
        .filter(pk=pk)
        .first()
    )
    if hearing is None:
        raise Http404
    return hearing


def hearing_proposals_visible_to(*, hearing: Hearing, user: Any) -> QuerySet[HearingProposal]:
    proposals = HearingProposal.objects.filter(hearing=hearing).select_related("author").order_by("created_at", "pk")
    if hearing.status == HearingStatus.HELD or _manages(user, hearing):
        return proposals
    if _signed_in(user):
        return proposals.filter(author=user)
    return proposals.none()


def hearing_registrations(*, hearing: Hearing) -> QuerySet[HearingRegistration]:
    return HearingRegistration.objects.filter(hearing=hearing).select_related("user").order_by("created_at", "pk")


@dataclass
class HearingState:
    registered: bool
    registration_open: bool
    accepting_proposals: bool
    manages: bool
    registered_count: int


def hearing_state(*, hearing: Hearing, user: Any, now: datetime | None = None) -> HearingState:
    now = now or timezone.now()
    registrations = HearingRegistration.objects.filter(hearing=hearing)
    return HearingState(
        registered=_signed_in(user) and registrations.filter(user=user).exists(),
        registration_open=registration_open(hearing, now),
        accepting_proposals=hearing_accepting_proposals(hearing, now),
        manages=_manages(user, hearing),
        registered_count=registrations.count(),
    )


def status_choices(model: type[Survey] | type[Hearing]) -> list[tuple[str, Any]]:
    if model is Survey:
        return [(s.value, s.label) for s in SurveyStatus if s != SurveyStatus.DRAFT]
    return [(s.value, s.label) for s in HearingStatus if s != HearingStatus.DRAFT]
