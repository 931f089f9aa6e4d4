from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory
from localbridge.participation.models import QuestionKind, SurveyResponse, SurveyStatus
from localbridge.participation.services.surveys import response_submit

from .factories import QuestionFactory, SurveyFactory, municipal_staff, resident

pytestmark = pytest.mark.django_db


def _open_survey(**kwargs):
    now = timezone.now()
    return SurveyFactory(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=5), **kwargs)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def test_the_list_and_page_are_public_but_drafts_are_the_staffs(client):
    survey = _open_survey()
    draft = SurveyFactory(status=SurveyStatus.DRAFT, municipality=survey.municipality)
    assert client.get(reverse("participation:survey_list")).status_code == 200
    assert client.get(reverse("participation:survey_detail", args=[survey.pk])).status_code == 200
    assert client.get(reverse("participation:survey_detail", args=[draft.pk])).status_code == 404
    client.force_login(municipal_staff(survey.municipality))
    assert client.get(reverse("participation:survey_detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("participation:survey_manage", args=[draft.pk])).status_code == 200


def test_answering_through_the_form_with_errors_beside_the_question(client):
    survey = _open_survey()
    single = QuestionFactory(survey=survey, kind=QuestionKind.SINGLE)
    ranking = QuestionFactory(survey=survey, kind=QuestionKind.RANKING)
    person = resident(survey.municipality)
    client.force_login(person)
    url = reverse("participation:survey_answer", args=[survey.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {f"q_{ranking.pk}_0": "1", f"q_{ranking.pk}_1": "1", f"q_{ranking.pk}_2": "2"})
    assert bad.status_code == 400
    assert f'id="q_{single.pk}-errors"' in bad.content.decode()
    assert f'id="q_{ranking.pk}-errors"' in bad.content.decode()
    good = client.post(
        url, {f"q_{single.pk}": "1", f"q_{ranking.pk}_0": "2", f"q_{ranking.pk}_1": "3", f"q_{ranking.pk}_2": "1"}
    )
    assert good.status_code == 302
    response = SurveyResponse.objects.get()
    assert {a.question_id: a.value for a in response.answers.all()} == {single.pk: 1, ranking.pk: [2, 0, 1]}
    assert client.get(url).status_code == 302  # answered once


def test_answering_needs_sign_in_and_eligibility(client):
    survey = _open_survey()
    question = QuestionFactory(survey=survey)
    url = reverse("participation:survey_answer", args=[survey.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.post(url, {f"q_{question.pk}": "0"}).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_results_are_public_after_close_and_the_staffs_anytime(client):
    survey = _open_survey()
    url = reverse("participation:survey_results", args=[survey.pk])
    assert client.get(url).status_code == 404
    staff = municipal_staff(survey.municipality)
    client.force_login(staff)
    assert client.get(url).status_code == 200
    assert client.get(reverse("participation:survey_export", args=[survey.pk, "csv"])).status_code == 200
    client.logout()
    survey.status = SurveyStatus.CLOSED
    survey.save()
    assert client.get(url).status_code == 200


def test_the_builder_is_the_staffs(client):
    survey = _open_survey()
    client.force_login(resident(survey.municipality))
    assert client.get(reverse("participation:survey_create")).status_code == 403
    assert client.get(reverse("participation:survey_manage", args=[survey.pk])).status_code == 403
    assert client.post(reverse("participation:survey_move", args=[survey.pk]), {"action": "close"}).status_code == 403
    staff = municipal_staff(survey.municipality)
    client.force_login(staff)
    response = client.post(
        reverse("participation:survey_create"),
        {
            "municipality": survey.municipality.pk,
            "title": "Новый опрос",
            "anonymous": "on",
            "min_age": "16",
            "closes_at": "2030-01-01T12:00",
            "questions-TOTAL_FORMS": "2",
            "questions-INITIAL_FORMS": "0",
            "questions-0-kind": "single",
            "questions-0-text": "Нравится?",
            "questions-0-options": "Да\nНет",
            "questions-0-required": "on",
            "questions-1-kind": "ranking",
            "questions-1-text": "Порядок",
            "questions-1-options": "Один",
        },
    )
    assert response.status_code == 400
    assert "Укажите не менее двух вариантов" in response.content.decode()  # Russian by default


def _fill(survey, n_questions, n_responses):
    questions = [
        QuestionFactory(survey=survey, kind=kind)
        for kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE, QuestionKind.RANKING)
        * (n_questions // 4)
    ] + [QuestionFactory(survey=survey, kind=QuestionKind.TEXT, required=False) for _ in range(n_questions % 4)]
    values = {
        QuestionKind.SINGLE: 0,
        QuestionKind.MULTIPLE: [0, 1],
        QuestionKind.SCALE: 3,
        QuestionKind.RANKING: [2, 1, 0],
    }
    for _ in range(n_responses):
        response_submit(
            survey=survey,
            actor=resident(survey.municipality),
            answers={q.pk: values.get(q.kind, "текст") for q in questions},
        )


@pytest.mark.parametrize("name", ["survey_detail", "survey_results", "survey_answer"])
def test_query_counts_do_not_grow_with_questions_and_responses(client, name):
    small, large = _open_survey(), _open_survey()
    _fill(small, 2, 2)
    _fill(large, 22, 20)
    staff = municipal_staff(small.municipality)
    MembershipFactory(user=staff, organization=AdministrationFactory(municipality=large.municipality), role="staff")
    client.force_login(staff if name != "survey_answer" else resident(small.municipality))
    counts = [_queries(client, reverse(f"participation:{name}", args=[s.pk])) for s in (small, large)]
    assert counts[0] == counts[1]


def test_the_list_query_count_is_constant(client):
    for _ in range(2):
        _open_survey()
    few = _queries(client, reverse("participation:survey_list"))
    for _ in range(18):
        _open_survey()
    assert _queries(client, reverse("participation:survey_list")) == few


def test_the_export_has_a_column_per_question_and_no_user_when_anonymous(client):
    survey = _open_survey()
    _fill(survey, 4, 3)
    client.force_login(municipal_staff(survey.municipality))
    response = client.get(reverse("participation:survey_export", args=[survey.pk, "csv"]))
    rows = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 4
    header = rows[0].split(",")
    assert len(header) == 2 + 4
    assert "E-mail" not in rows[0]
    assert client.get(reverse("participation:survey_export", args=[survey.pk, "xlsx"])).status_code == 200
