"""Surveys of residents (опросы граждан): the staff build a survey with its questions while it is a draft, open
it (published; answers accepted from `opens_at` until `closes_at`) and close it. Eligible residents answer once.

Anonymity: a response to an anonymous survey keeps no user and its `respondent_key` is a keyed hash of the
survey and the user (so nobody answers twice, and the answers cannot be joined back to the person from the
database); an identified survey's key is "u<user id>" and its response keeps the user.

Answer values by question kind: single — one option index; multiple — a list of distinct option indexes;
scale — an integer in scale_min..scale_max; ranking — a permutation of all option indexes, the first the most
preferred; text — a string of at most 5,000 characters."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.core.services import FieldErrors as _Errors
from localbridge.core.services import actor_id as _actor_id
from localbridge.core.services import clean_text as _text
from localbridge.core.services import lock_row as _lock
from localbridge.core.services import one_line as _one_line
from localbridge.core.services import require_perm as _require
from localbridge.participation.eligibility import eligibility_errors
from localbridge.participation.events import SurveyClosed, SurveyOpened, SurveyResponded
from localbridge.participation.models import (
    SURVEY_WORKFLOW,
    Answer,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
    SurveyStatus,
)
from localbridge.territories.models import Municipality

__all__ = [
    "MAX_TEXT_ANSWER",
    "SURVEY_FIELDS",
    "SURVEY_WORKFLOW",
    "SurveyClosed",
    "SurveyOpened",
    "SurveyResponded",
    "clean_answer",
    "respondent_key",
    "response_submit",
    "survey_accepting",
    "survey_create",
    "survey_has_responded",
    "survey_is_over",
    "survey_move",
    "survey_notice_warnings",
    "survey_update",
]

SURVEY_FIELDS = (
    "title",
    "description",
    "anonymous",
    "opens_at",
    "closes_at",
    "municipality",
    "settlement",
    "tos",
    "min_age",
)
MAX_QUESTIONS = 100
MAX_OPTIONS = 50
MAX_TEXT_ANSWER = 5000
SCALE_LIMIT = 1000
MAX_SCALE_SPAN = 100
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING)


def _notice_days() -> int:
    """DOMAIN.md: a survey is announced at least 10 days before it opens (typical)."""
    return int(getattr(settings, "SURVEY_NOTICE_DAYS", 10))


# --- events ---------------------------------------------------------------------------------------------------


# --- helpers --------------------------------------------------------------------------------------------------


def _options(value: Any) -> list[str]:
    """Options as a list, or as text with one option per line; blank lines dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    return [_one_line(item) for item in value if _one_line(item)]


def survey_is_over(survey: Survey, now: datetime | None = None) -> bool:
    """Closed, or open with its closing time passed (results become public then)."""
    now = now or timezone.now()
    if survey.status == SurveyStatus.CLOSED:
        return True
    return survey.status == SurveyStatus.OPEN and survey.closes_at is not None and now >= survey.closes_at


def survey_accepting(survey: Survey, now: datetime | None = None) -> bool:
    """Open and `now` within opens_at ≤ now < closes_at."""
    now = now or timezone.now()
    return (
        survey.status == SurveyStatus.OPEN
        and survey.opens_at is not None
        and survey.closes_at is not None
        and survey.opens_at <= now < survey.closes_at
    )


def respondent_key(survey: Survey, user: Any) -> str:
    """The per-survey key that makes one response per respondent a database constraint."""
    if not survey.anonymous:
        return f"u{user.pk}"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"survey:{survey.pk}:user:{user.pk}".encode(), hashlib.sha256
    ).hexdigest()
    return f"a{digest}"


def survey_has_responded(survey: Survey, user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return SurveyResponse.objects.filter(survey=survey, respondent_key=respondent_key(survey, user)).exists()


def survey_notice_warnings(survey: Survey, now: datetime | None = None) -> list[str]:
    """Advice, not refusals: DOMAIN.md's typical notice before a survey opens."""
    now = now or timezone.now()
    opens = survey.opens_at or now
    days = _notice_days()
    if opens - now < timedelta(days=days):
        return [
            _("Surveys are usually announced at least %(days)s days before they open; this one opens sooner.")
            % {"days": days}
        ]
    return []


# --- building a survey ----------------------------------------------------------------------------------------


def _clean_survey(survey: Survey, errors: _Errors) -> None:
    try:
        survey.full_clean(exclude=["created_by", "status", "responses_count"], validate_constraints=False)
    except ValidationError as exc:
        errors.merge(exc)
    if not survey.title:
        errors.add("title", _("Give the survey a title."), "required")
    if survey.opens_at and survey.closes_at and survey.closes_at <= survey.opens_at:
        errors.add("closes_at", _("The survey must close after it opens."), "dates_order")
    if survey.settlement is not None and survey.settlement.municipality_id != survey.municipality_id:
        errors.add("settlement", _("This settlement is not in the chosen municipality."), "territory_mismatch")
    if survey.tos is not None and survey.tos.municipality_id != survey.municipality_id:
        errors.add("tos", _("This ТОС is not in the chosen municipality."), "territory_mismatch")


def _set_fields(survey: Survey, values: Mapping[str, Any]) -> None:
    unknown = set(values) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown survey fields: {sorted(unknown)}")
    for field, value in values.items():
        if field == "title":
            value = _one_line(value)
        elif field == "description":
            value = _text(value)
        setattr(survey, field, value)


def _clean_questions(rows: Iterable[Mapping[str, Any]], errors: _Errors) -> list[Question]:
    """Question objects (unsaved) from rows {kind, text, options, scale_min, scale_max, required}; errors keyed
    "questions" (the whole list) or "questions-<n>" (the n-th row, from 0)."""
    questions: list[Question] = []
    rows = list(rows)
    if len(rows) > MAX_QUESTIONS:
        errors.add("questions", _("A survey may have at most %(n)s questions.") % {"n": MAX_QUESTIONS}, "too_many")
    for index, row in enumerate(rows[:MAX_QUESTIONS]):
        key = f"questions-{index}"
        kind = str(row.get("kind") or "")
        text = _one_line(row.get("text"))
        options = _options(row.get("options"))
        if kind not in QuestionKind.values:
            errors.add(key, _("Choose the kind of question."), "invalid_kind")
            continue
        if not text:
            errors.add(key, _("Write the question."), "required")
        elif len(text) > 600:
            errors.add(key, _("The question is too long (at most 600 characters)."), "too_long")
        question = Question(kind=kind, text=text, required=bool(row.get("required", True)), position=index)
        if kind in CHOICE_KINDS:
            if len(options) < 2:
                errors.add(key, _("Give at least two options, one per line."), "too_few_options")
            elif len(options) > MAX_OPTIONS:
                errors.add(key, _("At most %(n)s options.") % {"n": MAX_OPTIONS}, "too_many_options")
            elif len({o.casefold() for o in options}) != len(options):
                errors.add(key, _("The options repeat one another."), "duplicate_options")
            elif any(len(o) > 300 for o in options):
                errors.add(key, _("An option is too long (at most 300 characters)."), "too_long")
            question.options = options
        elif kind == QuestionKind.SCALE:
            try:
                low = int(row.get("scale_min", 1) if row.get("scale_min") not in (None, "") else 1)
                high = int(row.get("scale_max", 5) if row.get("scale_max") not in (None, "") else 5)
            except (TypeError, ValueError):
                errors.add(key, _("The scale's ends must be whole numbers."), "invalid_scale")
                continue
            if not (-SCALE_LIMIT <= low < high <= SCALE_LIMIT) or high - low > MAX_SCALE_SPAN:
                errors.add(
                    key,
                    _("The scale must go up from its lower end, by at most %(n)s steps.") % {"n": MAX_SCALE_SPAN},
                    "invalid_scale",
                )
            question.scale_min, question.scale_max = low, high
        questions.append(question)
    return questions


def _replace_questions(survey: Survey, questions: list[Question]) -> None:
    survey.questions.all().delete()
    for question in questions:
        question.survey = survey
    Question.objects.bulk_create(questions)


@transaction.atomic
def survey_create(
    *,
    actor: Any,
    municipality: Municipality,
    questions: Iterable[Mapping[str, Any]] = (),
    now: datetime | None = None,
    **fields: Any,
) -> Survey:
    """A new draft survey of `municipality`'s residents, with its questions."""
    now = now or timezone.now()
    _require(actor, "participation.manage_process", municipality)
    survey = Survey(municipality=municipality, created_by=actor if _actor_id(actor) else None)
    _set_fields(survey, {k: v for k, v in fields.items() if k != "municipality"})
    errors = _Errors()
    _clean_survey(survey, errors)
    cleaned = _clean_questions(questions, errors)
    errors.raise_if_any()
    survey.save()
    _replace_questions(survey, cleaned)
    audit_record(obj=survey, action="create", actor=actor, data={"questions": len(cleaned)}, now=now)
    return survey


@transaction.atomic
def survey_update(
    *,
    survey: Survey,
    actor: Any,
    questions: Iterable[Mapping[str, Any]] | None = None,
    now: datetime | None = None,
    **changes: Any,
) -> Survey:
    """Change a draft survey; `questions`, when given, replaces its questions whole. Once opened, a survey is
    fixed except its description and closing time (to extend it)."""
    now = now or timezone.now()
    _lock(survey)
    _require(actor, "participation.manage_process", survey)
    if "municipality" in changes and changes["municipality"] != survey.municipality:
        _require(actor, "participation.manage_process", changes["municipality"])
    if survey.status != SurveyStatus.DRAFT:
        locked = sorted(set(changes) - {"description", "closes_at"})
        if survey.status == SurveyStatus.CLOSED or locked or questions is not None:
            raise ValidationError(
                _("Once a survey is open only its description and closing time may change."), code="not_editable"
            )
    before = {name: getattr(survey, name) for name in changes if name in SURVEY_FIELDS}
    _set_fields(survey, changes)
    errors = _Errors()
    _clean_survey(survey, errors)
    if survey.status == SurveyStatus.OPEN and "closes_at" in changes and survey.closes_at is None:
        errors.add("closes_at", _("An open survey needs its closing time."), "required")
    cleaned = _clean_questions(questions, errors) if questions is not None else None
    errors.raise_if_any()
    changed = [name for name in before if before[name] != getattr(survey, name)]
    survey.save(update_fields=[*changed, "updated_at"])
    if cleaned is not None:
        _replace_questions(survey, cleaned)
        changed.append("questions")
    audit_record(obj=survey, action="update", actor=actor, data={"fields": sorted(changed)}, now=now)
    return survey


@transaction.atomic
def survey_move(*, survey: Survey, actor: Any, action: str, comment: str = "", now: datetime | None = None) -> Survey:
    """Open (publish; needs questions and a closing time in the future; opens now unless a later opening is
    set) or close (answers stop at once)."""
    now = now or timezone.now()
    _lock(survey)
    _require(actor, "participation.manage_process", survey)
    SURVEY_WORKFLOW.get(action)
    update_fields: list[str] = []
    if action == "open" and survey.status == SurveyStatus.DRAFT:
        errors = _Errors()
        if not survey.questions.exists():
            errors.add("questions", _("Add at least one question."), "required")
        if survey.closes_at is None:
            errors.add("closes_at", _("Give the closing time."), "required")
        elif survey.closes_at <= now:
            errors.add("closes_at", _("The closing time has already passed."), "deadline_passed")
        errors.raise_if_any()
        if survey.opens_at is None:
            survey.opens_at = now
            update_fields.append("opens_at")
    if (
        action == "close"
        and survey.status == SurveyStatus.OPEN
        and (survey.closes_at is None or survey.closes_at > now)
    ):
        survey.closes_at = now
        update_fields.append("closes_at")
    SURVEY_WORKFLOW.apply(survey, action, actor=actor, comment=comment, now=now, update_fields=update_fields)
    emit(SurveyOpened(survey.pk) if action == "open" else SurveyClosed(survey.pk))
    return survey


# --- answering ------------------------------------------------------------------------------------------------


def _index(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def clean_answer(question: Question, value: Any) -> Any:
    """The answer's stored value, or ValidationError (with a code); None for an optional question left empty."""
    if _is_empty(value):
        if question.required:
            raise ValidationError(_("Please answer this question."), code="required")
        return None
    options = len(question.options or [])
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        index = _index(value)
        if index is None or not 0 <= index < options:
            raise ValidationError(_("Choose one of the options."), code="invalid_choice")
        return index
    if kind == QuestionKind.MULTIPLE:
        items = value if isinstance(value, (list, tuple)) else [value]
        indexes = [_index(item) for item in items]
        if any(i is None or not 0 <= i < options for i in indexes):
            raise ValidationError(_("Choose among the options."), code="invalid_choice")
        if len(set(indexes)) != len(indexes):
            raise ValidationError(_("Each option may be chosen once."), code="duplicate_choice")
        return sorted(i for i in indexes if i is not None)
    if kind == QuestionKind.SCALE:
        number = _index(value)
        if number is None or not question.scale_min <= number <= question.scale_max:
            raise ValidationError(
                _("Choose a whole number from %(low)s to %(high)s.")
                % {"low": question.scale_min, "high": question.scale_max},
                code="out_of_range",
            )
        return number
    if kind == QuestionKind.RANKING:
        items = value if isinstance(value, (list, tuple)) else []
        indexes = [_index(item) for item in items]
        if sorted(i for i in indexes if i is not None) != list(range(options)) or len(indexes) != options:
            raise ValidationError(_("Put every option in order, each at its own place."), code="invalid_ranking")
        return indexes
    if kind == QuestionKind.TEXT:
        if not isinstance(value, str):
            raise ValidationError(_("Write the answer as text."), code="invalid")
        text = value.replace("\r\n", "\n").strip()
        if len(text) > MAX_TEXT_ANSWER:
            raise ValidationError(
                _("The answer is too long (at most %(n)s characters).") % {"n": MAX_TEXT_ANSWER}, code="too_long"
            )
        return text
    raise ValidationError(_("Unknown kind of question."), code="invalid_kind")


def _already_answered() -> ValidationError:
    return ValidationError(_("You have already answered this survey."), code="already_answered")


@transaction.atomic
def response_submit(
    *, survey: Survey, actor: Any, answers: Mapping[Any, Any], now: datetime | None = None
) -> SurveyResponse:
    """Record an eligible resident's answers (keyed by question id) while the survey accepts them. One response
    per respondent; errors are keyed "q_<question id>" so a form shows them beside each question."""
    now = now or timezone.now()
    _require(actor, "participation.answer_survey", survey)
    _lock(survey)
    if not survey_accepting(survey, now):
        if survey.status == SurveyStatus.OPEN and survey.opens_at is not None and now < survey.opens_at:
            raise ValidationError(_("The survey has not opened yet."), code="not_open_yet")
        raise ValidationError(_("The survey is not accepting answers."), code="closed")
    problems = eligibility_errors(actor, survey, now)
    if problems:
        raise ValidationError(problems)
    key = respondent_key(survey, actor)
    if SurveyResponse.objects.filter(survey=survey, respondent_key=key).exists():
        raise _already_answered()
    questions = list(survey.questions.all())
    given = {str(k): v for k, v in answers.items()}
    known = {str(q.pk) for q in questions}
    errors = _Errors()
    unknown = sorted(set(given) - known)
    if unknown:
        errors.add("__all__", _("Some answers are to questions not in this survey."), "unknown_question")
    values: list[tuple[Question, Any]] = []
    for question in questions:
        try:
            value = clean_answer(question, given.get(str(question.pk)))
        except ValidationError as exc:
            errors.errors.setdefault(f"q_{question.pk}", []).extend(exc.error_list)
            continue
        if value is not None:
            values.append((question, value))
    errors.raise_if_any()
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, user=None if survey.anonymous else actor, respondent_key=key
            )
    except IntegrityError:
        raise _already_answered() from None
    Answer.objects.bulk_create([Answer(response=response, question=q, value=v) for q, v in values])
    Survey.objects.filter(pk=survey.pk).update(responses_count=F("responses_count") + 1)
    survey.refresh_from_db(fields=["responses_count"])
    # For an anonymous survey the audit row says only that the user took part, not which response is theirs.
    data = {} if survey.anonymous else {"response": response.pk}
    audit_record(obj=survey, action="respond", actor=actor, data=data, now=now)
    emit(SurveyResponded(survey.pk))
    return response
