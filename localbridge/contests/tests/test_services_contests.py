"""Contest services: create and edit the call, criteria, nominations, documents, and the stages."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from localbridge.contests import events
from localbridge.contests.models import ApplicationStatus, ContestScope, ContestStatus
from localbridge.contests.services.common import contest_deadline, contest_is_accepting
from localbridge.contests.services.contests import (
    contest_apply_template,
    contest_completeness_errors,
    contest_create,
    contest_move,
    contest_set_criteria,
    contest_set_nominations,
    contest_set_required_documents,
    contest_update,
)
from localbridge.contests.tests.factories import (
    ApplicationFactory,
    ContestFactory,
    CriterionFactory,
    chair_of,
    staff_of,
)
from localbridge.core.events import subscribe
from localbridge.core.models import AuditEntry
from localbridge.organizations.models import OrganizationKind
from localbridge.organizations.tests.factories import AdministrationFactory
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

BEFORE = datetime(2026, 2, 1, 12, tzinfo=UTC)
DURING = datetime(2026, 3, 10, 12, tzinfo=UTC)
AFTER = datetime(2026, 3, 25, 12, tzinfo=UTC)


def _codes(exc: ValidationError, field: str = "__all__") -> list[str]:
    if hasattr(exc, "error_dict"):
        return [e.code for e in exc.error_dict.get(field, [])]
    return [e.code for e in exc.error_list]


def _fields(**overrides):
    fields = {
        "title": "  Конкурс   ТОС 2026 ",
        "rules": "Правила.",
        "scope": ContestScope.REGIONAL,
        "region": RegionFactory(),
        "time_zone": "Asia/Yakutsk",
        "applications_open": "2026-03-01",
        "applications_close": date(2026, 3, 21),
        "review_until": date(2026, 3, 31),
        "prize_pool": "1 000 000",
        "max_grant": Decimal("300000"),
        "min_cofinancing_percent": "10",
        "eligible_kinds": [OrganizationKind.TOS],
    }
    return {**fields, **overrides}


@pytest.fixture
def organizer():
    return AdministrationFactory()


@pytest.fixture
def chair(organizer):
    return chair_of(organizer)


@pytest.fixture
def contest(organizer):
    contest = ContestFactory(organizer=organizer)
    CriterionFactory(contest=contest)
    return contest


@pytest.fixture
def recorded():
    seen = []
    subscribe(events.ContestMoved, seen.append)
    subscribe(events.ResultsPublished, seen.append)
    yield seen
    from localbridge.core.events import _subscribers

    _subscribers[events.ContestMoved].remove(seen.append)
    _subscribers[events.ResultsPublished].remove(seen.append)


def test_an_organisers_chair_creates_a_draft_contest(organizer, chair):
    contest = contest_create(actor=chair, organizer=organizer, now=BEFORE, **_fields())
    assert contest.status == ContestStatus.DRAFT
    assert contest.title == "Конкурс ТОС 2026"
    assert contest.prize_pool == Decimal("1000000.00")
    assert contest.applications_open == date(2026, 3, 1)
    assert contest.created_by == chair
    assert AuditEntry.objects.filter(action="create", object_id=str(contest.pk)).exists()


def test_a_stranger_cannot_create_a_contest_for_an_organiser(organizer):
    stranger = staff_of(AdministrationFactory())
    with pytest.raises(PermissionDenied):
        contest_create(actor=stranger, organizer=organizer, **_fields())


def test_an_ngo_cannot_organise_a_contest():
    from localbridge.contests.tests.factories import ApplicantFactory

    ngo = ApplicantFactory()
    with pytest.raises(PermissionDenied):
        contest_create(actor=chair_of(ngo), organizer=ngo, **_fields())


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"review_until": date(2026, 3, 20)}, "review_until", "dates_order"),
        ({"max_grant": "2000000"}, "max_grant", "cap_over_pool"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "invalid_time_zone"),
        ({"currency": "XYZ"}, "currency", "invalid_currency"),
        ({"eligible_kinds": ["guild"]}, "eligible_kinds", "invalid_choice"),
        ({"applications_open": "31.02.2026"}, "applications_open", "invalid"),
        ({"min_cofinancing_percent": "101"}, "min_cofinancing_percent", "max_value"),
        ({"title": ""}, "title", "blank"),
    ],
)
def test_a_contest_with_inconsistent_fields_is_refused(organizer, chair, overrides, field, code):
    with pytest.raises(ValidationError) as caught:
        contest_create(actor=chair, organizer=organizer, **_fields(**overrides))
    assert code in _codes(caught.value, field)


def test_municipalities_outside_the_region_are_refused(organizer, chair):
    other = MunicipalityFactory(region=RegionFactory(code="RU-MOW", name_ru="Москва"))
    with pytest.raises(ValidationError) as caught:
        contest_create(
            actor=chair, organizer=organizer, **_fields(scope=ContestScope.MUNICIPAL, municipalities=[other])
        )
    assert _codes(caught.value, "municipalities") == ["territory_mismatch"]


def test_a_draft_can_be_edited_and_the_version_moves(contest, chair):
    contest_update(contest=contest, actor=chair, version=contest.version, title="Новое имя", prize_pool="500000")
    contest.refresh_from_db()
    assert contest.title == "Новое имя"
    assert contest.prize_pool == Decimal("500000.00")
    assert contest.version == 2


def test_a_stale_contest_edit_is_refused(contest, chair):
    contest_update(contest=contest, actor=chair, version=1, title="A")
    with pytest.raises(ValidationError) as caught:
        contest_update(contest=contest, actor=chair, version=1, title="B")
    assert _codes(caught.value) == ["stale_version"]


def test_an_announced_contest_keeps_its_money_and_dates_of_applications(contest, chair):
    contest_move(contest=contest, actor=chair, action="announce", now=BEFORE)
    contest_update(contest=contest, actor=chair, rules="Уточнённые правила.", results_on=date(2026, 5, 5))
    with pytest.raises(ValidationError) as caught:
        contest_update(contest=contest, actor=chair, max_grant="1")
    assert _codes(caught.value, "max_grant") == ["not_editable"]
    with pytest.raises(ValidationError):
        contest_update(contest=contest, actor=chair, applications_close=date(2026, 4, 1))


def test_criteria_are_replaced_and_validated(contest, chair):
    criteria = contest_set_criteria(
        contest=contest,
        actor=chair,
        criteria=[
            {"name": "Актуальность", "scale_min": 0, "scale_max": 10, "weight": "2"},
            {"name": "Бюджет", "description": "Реалистичность", "scale_min": 1, "scale_max": 5, "weight": 1},
        ],
    )
    assert [(c.name, c.weight, c.position) for c in criteria] == [
        ("Актуальность", Decimal("2.000"), 1),
        ("Бюджет", Decimal("1.000"), 2),
    ]
    with pytest.raises(ValidationError) as caught:
        contest_set_criteria(
            contest=contest,
            actor=chair,
            criteria=[
                {"name": "", "scale_max": 10},
                {"name": "X", "scale_min": 5, "scale_max": 5},
                {"name": "Y", "weight": 0},
                {"name": "y"},
            ],
        )
    assert _codes(caught.value, "criteria") == ["required", "invalid_scale", "invalid_weight", "duplicate"]
    assert contest.criteria.count() == 2  # nothing written


def test_a_template_fills_the_criteria(contest, chair):
    criteria = contest_apply_template(contest=contest, actor=chair, template="pgf10")
    assert len(criteria) == 10
    assert sorted({c.weight for c in criteria}) == [Decimal("0.500"), Decimal("1.000")]
    with pytest.raises(ValidationError):
        contest_apply_template(contest=contest, actor=chair, template="nope")


def test_criteria_cannot_change_after_the_announcement(contest, chair):
    contest_move(contest=contest, actor=chair, action="announce", now=BEFORE)
    with pytest.raises(ValidationError) as caught:
        contest_apply_template(contest=contest, actor=chair, template="tos_landscaping")
    assert _codes(caught.value, "criteria") == ["not_editable"]


def test_nominations_pools_may_not_exceed_the_prize_pool(contest, chair):
    nominations = contest_set_nominations(
        contest=contest,
        actor=chair,
        nominations=[{"name": "Благоустройство", "pool": "600000"}, {"name": "Спорт", "pool": None}],
    )
    assert [n.name for n in nominations] == ["Благоустройство", "Спорт"]
    with pytest.raises(ValidationError) as caught:
        contest_set_nominations(
            contest=contest,
            actor=chair,
            nominations=[{"name": "А", "pool": "600000"}, {"name": "Б", "pool": "600000"}],
        )
    assert _codes(caught.value, "nominations") == ["pools_over_pool"]


def test_required_documents_are_set(contest, chair):
    documents = contest_set_required_documents(
        contest=contest, actor=chair, documents=[{"name": "Протокол собрания"}, {"name": "Письмо поддержки"}]
    )
    assert [d.name for d in documents] == ["Протокол собрания", "Письмо поддержки"]
    with pytest.raises(ValidationError):
        contest_set_required_documents(contest=contest, actor=chair, documents=[{"name": " "}])


def test_an_incomplete_contest_cannot_be_announced(organizer, chair):
    contest = ContestFactory(organizer=organizer, rules="", prize_pool=0)
    with pytest.raises(ValidationError) as caught:
        contest_move(contest=contest, actor=chair, action="announce", now=BEFORE)
    errors = caught.value.error_dict
    assert {"rules", "prize_pool", "criteria"} <= set(errors)
    assert contest_completeness_errors(contest, BEFORE).keys() == errors.keys()


def test_a_contest_whose_deadline_passed_cannot_be_announced(contest, chair):
    with pytest.raises(ValidationError) as caught:
        contest_move(contest=contest, actor=chair, action="announce", now=AFTER)
    assert _codes(caught.value, "applications_close") == ["deadline_passed"]


def test_announcing_emits_the_move(contest, chair, recorded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contest_move(contest=contest, actor=chair, action="announce", now=BEFORE)
    contest.refresh_from_db()
    assert contest.status == ContestStatus.ANNOUNCED
    assert recorded == [events.ContestMoved(contest.pk, chair.pk, "announce", "draft", "announced", "")]


def test_an_applicant_cannot_move_a_contest(contest):
    with pytest.raises(PermissionDenied):
        contest_move(contest=contest, actor=chair_of(AdministrationFactory()), action="announce", now=BEFORE)


def test_applications_close_only_after_the_deadline(contest, chair):
    contest_move(contest=contest, actor=chair, action="announce", now=BEFORE)
    with pytest.raises(ValidationError) as caught:
        contest_move(contest=contest, actor=chair, action="close_applications", now=DURING)
    assert _codes(caught.value) == ["applications_still_open"]
    contest_move(contest=contest, actor=chair, action="close_applications", now=AFTER)
    assert contest.status == ContestStatus.REVIEW


def test_evaluation_starts_only_when_every_submitted_application_is_reviewed(contest, chair):
    contest_move(contest=contest, actor=chair, action="announce", now=BEFORE)
    contest_move(contest=contest, actor=chair, action="close_applications", now=AFTER)
    pending = ApplicationFactory(contest=contest, status=ApplicationStatus.SUBMITTED, number=f"{contest.pk}-0001")
    with pytest.raises(ValidationError) as caught:
        contest_move(contest=contest, actor=chair, action="start_evaluation", now=AFTER)
    assert _codes(caught.value) == ["review_pending"]
    pending.status = ApplicationStatus.ADMITTED
    pending.save()
    contest_move(contest=contest, actor=chair, action="start_evaluation", now=AFTER)
    assert contest.status == ContestStatus.EVALUATION


def test_cancelling_needs_a_reason(contest, chair):
    with pytest.raises(ValidationError) as caught:
        contest_move(contest=contest, actor=chair, action="cancel", now=BEFORE)
    assert _codes(caught.value, "comment") == ["comment_required"]
    contest_move(contest=contest, actor=chair, action="cancel", comment="Нет денег", now=BEFORE)
    assert contest.status == ContestStatus.CANCELLED


def test_an_impossible_move_is_refused(contest, chair):
    with pytest.raises(ValidationError) as caught:
        contest_move(contest=contest, actor=chair, action="publish_results", now=BEFORE)
    assert _codes(caught.value) == ["invalid_transition"]


def test_the_deadline_is_the_end_of_the_closing_day_in_the_contests_time_zone():
    contest = ContestFactory.build(time_zone="Asia/Yakutsk", applications_close=date(2026, 3, 21))
    assert contest_deadline(contest) == datetime(2026, 3, 21, 15, tzinfo=UTC)  # midnight in Yakutsk, UTC+9


def test_a_contest_accepts_between_the_start_of_opening_and_the_end_of_closing_day():
    contest = ContestFactory.build(status=ContestStatus.ANNOUNCED, time_zone="Asia/Yakutsk")
    assert not contest_is_accepting(contest, datetime(2026, 2, 28, 14, 59, 59, tzinfo=UTC))
    assert contest_is_accepting(contest, datetime(2026, 2, 28, 15, tzinfo=UTC))
    assert contest_is_accepting(contest, datetime(2026, 3, 21, 14, 59, 59, tzinfo=UTC))
    assert not contest_is_accepting(contest, datetime(2026, 3, 21, 15, tzinfo=UTC))
    contest.status = ContestStatus.DRAFT
    assert not contest_is_accepting(contest, DURING)
