from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from localbridge.participation.models import Answer, QuestionKind, SurveyResponse, SurveyStatus
from localbridge.participation.selectors_surveys import survey_results
from localbridge.participation.services.surveys import (
    respondent_key,
    response_submit,
    survey_create,
    survey_move,
    survey_update,
)
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import NOW, QuestionFactory, SurveyFactory, municipal_staff, resident

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


@pytest.fixture
def survey():
    return SurveyFactory()


@pytest.fixture
def person(survey):
    return resident(survey.municipality)


def _submit(survey, actor, answers):
    return response_submit(survey=survey, actor=actor, answers=answers, now=NOW)


# --- building --------------------------------------------------------------------------------------------------


def test_staff_create_a_draft_with_questions_of_every_kind():
    municipality = MunicipalityFactory()
    staff = municipal_staff(municipality)
    survey = survey_create(
        actor=staff,
        municipality=municipality,
        title="  Благоустройство   парка ",
        closes_at=NOW + timedelta(days=20),
        questions=[
            {"kind": "single", "text": "Нужен ли парк?", "options": "Да\nНет\n\n"},
            {"kind": "multiple", "text": "Что добавить?", "options": ["Скамейки", "Фонари", "Площадку"]},
            {"kind": "scale", "text": "Оцените", "scale_min": 0, "scale_max": 10},
            {"kind": "ranking", "text": "Порядок работ", "options": ["А", "Б", "В"]},
            {"kind": "text", "text": "Пожелания", "required": False},
        ],
        now=NOW,
    )
    assert survey.status == SurveyStatus.DRAFT
    assert survey.title == "Благоустройство парка"
    questions = list(survey.questions.all())
    assert [q.kind for q in questions] == ["single", "multiple", "scale", "ranking", "text"]
    assert questions[0].options == ["Да", "Нет"]
    assert (questions[2].scale_min, questions[2].scale_max) == (0, 10)


def test_a_resident_may_not_create_a_survey():
    municipality = MunicipalityFactory()
    with pytest.raises(PermissionDenied):
        survey_create(actor=resident(municipality), municipality=municipality, title="X")


def test_question_errors_are_keyed_by_row():
    municipality = MunicipalityFactory()
    with pytest.raises(ValidationError) as exc:
        survey_create(
            actor=municipal_staff(municipality),
            municipality=municipality,
            title="X",
            questions=[
                {"kind": "single", "text": "Q", "options": "один"},
                {"kind": "scale", "text": "Q", "scale_min": 5, "scale_max": 1},
                {"kind": "bogus", "text": "Q"},
                {"kind": "ranking", "text": "Q", "options": "А\nа"},
            ],
        )
    errors = exc.value.error_dict
    assert errors["questions-0"][0].code == "too_few_options"
    assert errors["questions-1"][0].code == "invalid_scale"
    assert errors["questions-2"][0].code == "invalid_kind"
    assert errors["questions-3"][0].code == "duplicate_options"


def test_questions_change_only_in_a_draft(survey):
    staff = municipal_staff(survey.municipality)
    with pytest.raises(ValidationError) as exc:
        survey_update(survey=survey, actor=staff, questions=[{"kind": "text", "text": "Q"}])
    assert _codes(exc.value) == {"not_editable"}
    survey_update(survey=survey, actor=staff, description="Уточнение")  # the description may change


def test_open_needs_questions_and_a_future_closing_then_close():
    municipality = MunicipalityFactory()
    staff = municipal_staff(municipality)
    survey = survey_create(actor=staff, municipality=municipality, title="X", now=NOW)
    with pytest.raises(ValidationError) as exc:
        survey_move(survey=survey, actor=staff, action="open", now=NOW)
    assert set(exc.value.error_dict) == {"questions", "closes_at"}
    survey_update(
        survey=survey, actor=staff, closes_at=NOW + timedelta(days=3), questions=[{"kind": "text", "text": "Q"}]
    )
    survey_move(survey=survey, actor=staff, action="open", now=NOW)
    assert (survey.status, survey.opens_at) == (SurveyStatus.OPEN, NOW)
    survey_move(survey=survey, actor=staff, action="close", now=NOW + timedelta(days=1))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    assert survey.closes_at == NOW + timedelta(days=1)


# --- answers by kind -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        (QuestionKind.SINGLE, 1, 1),
        (QuestionKind.SINGLE, "2", 2),
        (QuestionKind.MULTIPLE, [2, 0], [0, 2]),
        (QuestionKind.MULTIPLE, ["1"], [1]),
        (QuestionKind.SCALE, 5, 5),
        (QuestionKind.SCALE, "1", 1),
        (QuestionKind.RANKING, [2, 0, 1], [2, 0, 1]),
        (QuestionKind.TEXT, "  Больше света \r\n", "Больше света"),
    ],
)
def test_valid_answers_are_stored(survey, person, kind, value, stored):
    question = QuestionFactory(survey=survey, kind=kind)
    response = _submit(survey, person, {question.pk: value})
    assert Answer.objects.get(response=response).value == stored


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        (QuestionKind.SINGLE, 3, "invalid_choice"),
        (QuestionKind.SINGLE, -1, "invalid_choice"),
        (QuestionKind.SINGLE, [0, 1], "invalid_choice"),
        (QuestionKind.SINGLE, True, "invalid_choice"),
        (QuestionKind.MULTIPLE, [0, 0], "duplicate_choice"),
        (QuestionKind.MULTIPLE, [0, 7], "invalid_choice"),
        (QuestionKind.SCALE, 6, "out_of_range"),
        (QuestionKind.SCALE, 0, "out_of_range"),
        (QuestionKind.SCALE, "2.5", "out_of_range"),
        (QuestionKind.RANKING, [0, 1], "invalid_ranking"),
        (QuestionKind.RANKING, [0, 1, 1], "invalid_ranking"),
        (QuestionKind.RANKING, [0, 1, 2, 2], "invalid_ranking"),
        (QuestionKind.TEXT, "x" * 5001, "too_long"),
        (QuestionKind.TEXT, "   ", "required"),
        (QuestionKind.SINGLE, None, "required"),
    ],
)
def test_invalid_answers_are_refused_beside_their_question(survey, person, kind, value, code):
    question = QuestionFactory(survey=survey, kind=kind)
    with pytest.raises(ValidationError) as exc:
        _submit(survey, person, {question.pk: value})
    assert [e.code for e in exc.value.error_dict[f"q_{question.pk}"]] == [code]
    assert not SurveyResponse.objects.exists()


def test_optional_questions_may_be_left_empty(survey, person):
    required = QuestionFactory(survey=survey, kind=QuestionKind.SCALE)
    QuestionFactory(survey=survey, kind=QuestionKind.TEXT, required=False)
    response = _submit(survey, person, {required.pk: 3})
    assert list(response.answers.values_list("value", flat=True)) == [3]


def test_answers_to_another_surveys_question_are_refused(survey, person):
    QuestionFactory(survey=survey, kind=QuestionKind.TEXT, required=False)
    other = QuestionFactory(kind=QuestionKind.TEXT)
    with pytest.raises(ValidationError) as exc:
        _submit(survey, person, {other.pk: "hi"})
    assert _codes(exc.value) == {"unknown_question"}


# --- who and when ---------------------------------------------------------------------------------------------


def test_one_response_per_respondent_and_a_repeated_submit_is_refused(survey, person):
    question = QuestionFactory(survey=survey)
    _submit(survey, person, {question.pk: 0})
    with pytest.raises(ValidationError) as exc:
        _submit(survey, person, {question.pk: 1})
    assert _codes(exc.value) == {"already_answered"}
    survey.refresh_from_db()
    assert survey.responses_count == 1
    assert SurveyResponse.objects.count() == 1


def test_responses_count_is_exact(survey):
    question = QuestionFactory(survey=survey)
    for _ in range(3):
        _submit(survey, resident(survey.municipality), {question.pk: 0})
    survey.refresh_from_db()
    assert survey.responses_count == 3 == survey.responses.count()


def test_an_anonymous_response_keeps_no_user(survey, person):
    question = QuestionFactory(survey=survey)
    response = _submit(survey, person, {question.pk: 0})
    response.refresh_from_db()
    assert response.user is None
    assert response.respondent_key != f"u{person.pk}"  # a keyed hash: the table alone does not name the person
    assert response.respondent_key == respondent_key(survey, person)


def test_an_identified_response_keeps_the_user():
    survey = SurveyFactory(anonymous=False)
    person = resident(survey.municipality)
    question = QuestionFactory(survey=survey)
    response = _submit(survey, person, {question.pk: 0})
    assert (response.user, response.respondent_key) == (person, f"u{person.pk}")


def test_ineligible_users_are_refused(survey):
    question = QuestionFactory(survey=survey)
    outsider = resident(MunicipalityFactory())
    with pytest.raises(ValidationError) as exc:
        _submit(survey, outsider, {question.pk: 0})
    assert _codes(exc.value) == {"not_resident"}
    young = resident(survey.municipality, birth_year=NOW.year - 15)
    with pytest.raises(ValidationError) as exc:
        _submit(survey, young, {question.pk: 0})
    assert _codes(exc.value) == {"too_young"}
    with pytest.raises(PermissionDenied):
        response_submit(survey=survey, actor=AnonymousUser(), answers={question.pk: 0}, now=NOW)


def test_closed_and_not_yet_open_surveys_are_refused(survey, person):
    question = QuestionFactory(survey=survey)
    with pytest.raises(ValidationError) as exc:
        response_submit(survey=survey, actor=person, answers={question.pk: 0}, now=survey.closes_at)
    assert _codes(exc.value) == {"closed"}
    with pytest.raises(ValidationError) as exc:
        response_submit(
            survey=survey, actor=person, answers={question.pk: 0}, now=survey.opens_at - timedelta(seconds=1)
        )
    assert _codes(exc.value) == {"not_open_yet"}
    survey.status = SurveyStatus.CLOSED
    survey.save()
    with pytest.raises(ValidationError) as exc:
        _submit(survey, person, {question.pk: 0})
    assert _codes(exc.value) == {"closed"}


# --- results --------------------------------------------------------------------------------------------------


def test_results_aggregate_every_kind(survey):
    single = QuestionFactory(survey=survey, kind=QuestionKind.SINGLE)
    multiple = QuestionFactory(survey=survey, kind=QuestionKind.MULTIPLE)
    scale = QuestionFactory(survey=survey, kind=QuestionKind.SCALE)
    ranking = QuestionFactory(survey=survey, kind=QuestionKind.RANKING, options=["А", "Б", "В"])
    text = QuestionFactory(survey=survey, kind=QuestionKind.TEXT, required=False)
    answers = [
        {single.pk: 0, multiple.pk: [0, 1], scale.pk: 5, ranking.pk: [0, 1, 2], text.pk: "Свет"},
        {single.pk: 0, multiple.pk: [1], scale.pk: 4, ranking.pk: [1, 0, 2]},
        {single.pk: 1, multiple.pk: [1, 2], scale.pk: 4, ranking.pk: [0, 2, 1], text.pk: "Лавочки"},
    ]
    for given in answers:
        _submit(survey, resident(survey.municipality), given)
    results = {r.question.pk: r for r in survey_results(survey=survey)}

    rows = results[single.pk].rows
    assert [(r.label, r.count, r.percent) for r in rows] == [
        ("Да", 2, Decimal("66.7")),
        ("Нет", 1, Decimal("33.3")),
        ("Не знаю", 0, Decimal("0.0")),
    ]
    assert [r.count for r in results[multiple.pk].rows] == [1, 3, 1]
    assert results[multiple.pk].rows[1].percent == Decimal("100.0")
    assert results[scale.pk].mean == Decimal("4.33")
    assert [r.count for r in results[scale.pk].rows] == [0, 0, 0, 2, 1]
    ranked = results[ranking.pk].rows
    assert [(r.label, r.borda, r.mean_rank) for r in ranked] == [
        ("А", 5, Decimal("1.33")),
        ("Б", 3, Decimal("2.00")),
        ("В", 1, Decimal("2.67")),
    ]
    assert results[text.pk].answered == 2
    assert results[text.pk].texts == ["Свет", "Лавочки"]
