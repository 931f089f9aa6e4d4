"""Roadmaps in the JSON API: a roadmap with its actions (status, the late flag, responsible sides, results) and an
agreement's roadmaps, read with the same visibility as the pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from localbridge.cooperation.models import ActionStatus
from localbridge.cooperation.selectors import action_today_range
from localbridge.cooperation.services_roadmaps import action_link_add, action_set_status
from localbridge.events.models import EventStatus
from localbridge.events.tests.events_factories import EventFactory
from localbridge.organizations.models import municipality_today
from localbridge.practices.tests.factories import PublishedPracticeFactory
from localbridge.projects.tests.factories import ProjectFactory
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

from .factories import (
    action,
    association,
    association_chair,
    draft_agreement,
    municipal_staff,
    roadmap,
    side,
    signed_agreement,
)

pytestmark = pytest.mark.django_db

ROADMAP = "/api/v1/cooperation/roadmaps/{}"
AGREEMENT_ROADMAPS = "/api/v1/cooperation/agreements/{}/roadmaps"
PAST = timezone.localdate() - timedelta(days=10)
FUTURE = timezone.localdate() + timedelta(days=10)


@pytest.fixture
def home():
    return MunicipalityFactory(name_ru="Волгоград", timezone="Europe/Volgograd")


@pytest.fixture
def abroad():
    return MunicipalityFactory(
        name_ru="Ковентри", country=CountryFactory(code="GB", code3="GBR", name_ru="Великобритания"), region=None
    )


@pytest.fixture
def staff(home):
    return municipal_staff(home)


@pytest.fixture
def agreement(staff, home, abroad):
    return signed_agreement(staff, home, abroad)


def test_a_roadmap_comes_with_its_actions_late_flags_sides_and_results(client, staff, agreement, home, abroad):
    plan = roadmap(staff, agreement, title="Дорожная карта 2025")
    late = action(staff, plan, side(home, "Комитет по молодёжи"), side(abroad, "Youth Council"), due_on=PAST)
    done = action(staff, plan, home, due_on=FUTURE, title="Выставка")
    action_set_status(action=done, actor=staff, status=ActionStatus.DONE, outcome="Пришли 300 человек")
    project, practice = ProjectFactory(title="Сквер дружбы"), PublishedPracticeFactory(title="Двор дружбы")
    action_link_add(action=done, actor=staff, project=project)
    action_link_add(action=done, actor=staff, practice=practice)
    response = client.get(ROADMAP.format(plan.pk))  # anonymous: the agreement is concluded
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["title"], body["agreement_id"], body["association"]) == (
        plan.pk,
        "Дорожная карта 2025",
        agreement.pk,
        None,
    )
    assert body["url"] == reverse("cooperation:roadmap", args=[plan.pk])
    assert body["progress"] == {"total": 2, "done": 1, "cancelled": 0, "late": 1, "percent_done": 50}
    first, second = body["actions"]
    # Late by the days since the due date where its sides are (the earliest of their dates; around midnight UTC
    # the sides' dates and the site's differ, hence not a fixed 10).
    days_late = (action_today_range(late)[0] - PAST).days
    assert days_late >= 9
    assert (first["id"], first["status"], first["late"], first["days_late"]) == (late.pk, "planned", True, days_late)
    assert first["responsibles"] == [
        {"kind": "municipality", "id": home.pk, "name": "Волгоград", "country": "RU", "person": "Комитет по молодёжи"},
        {"kind": "municipality", "id": abroad.pk, "name": "Ковентри", "country": "GB", "person": "Youth Council"},
    ]
    assert (second["id"], second["status"], second["late"], second["outcome"]) == (
        done.pk,
        "done",
        False,
        "Пришли 300 человек",
    )
    assert second["completed_on"] == municipality_today(home).isoformat()
    assert second["links"] == [
        {
            "kind": "project",
            "id": project.pk,
            "title": "Сквер дружбы",
            "url": reverse("projects:detail", args=[project.pk]),
        },
        {
            "kind": "practice",
            "id": practice.pk,
            "title": "Двор дружбы",
            "url": reverse("practices:detail", args=[practice.pk]),
        },
    ]


def test_linked_events_come_with_the_action_and_a_draft_event_is_left_out(client, staff, agreement, home):
    plan = roadmap(staff, agreement)
    step = action(staff, plan, home, due_on=FUTURE)
    forum = EventFactory(title="Форум побратимов")
    cancelled = EventFactory(title="Фестиваль дружбы", status=EventStatus.CANCELLED, cancellation_reason="Паводок")
    draft = EventFactory(status=EventStatus.DRAFT, published_at=None, municipality=home)  # the planner runs it
    for event in (forum, draft, cancelled):
        action_link_add(action=step, actor=staff, event=event)
    [body] = client.get(ROADMAP.format(plan.pk)).json()["actions"]
    assert body["links"] == [
        {
            "kind": "event",
            "id": forum.pk,
            "title": "Форум побратимов",
            "url": reverse("events:detail", args=[forum.pk]),
        },
        {
            "kind": "event",
            "id": cancelled.pk,
            "title": "Фестиваль дружбы",
            "url": reverse("events:detail", args=[cancelled.pk]),
        },
    ]


def test_a_roadmap_of_a_draft_is_not_found_for_outsiders_and_read_by_the_parties(client, staff, home, abroad):
    plan = roadmap(staff, draft_agreement(staff, home, abroad))
    assert client.get(ROADMAP.format(plan.pk)).status_code == 404
    client.force_login(municipal_staff(MunicipalityFactory()))
    assert client.get(ROADMAP.format(plan.pk)).status_code == 404
    client.force_login(municipal_staff(abroad))
    assert client.get(ROADMAP.format(plan.pk)).status_code == 200


def test_an_unknown_roadmap_is_not_found(client):
    response = client.get(ROADMAP.format(987654))
    assert response.status_code == 404
    assert response.json()["code"]


def test_an_associations_programme_names_its_association(client):
    union = association(name="Союз российских городов")
    programme = roadmap(association_chair(union), union)
    body = client.get(ROADMAP.format(programme.pk)).json()
    assert (body["agreement_id"], body["association"]) == (None, {"id": union.pk, "name": "Союз российских городов"})


def test_an_agreements_roadmaps_are_listed_oldest_first(client, staff, agreement, home):
    first, second = roadmap(staff, agreement, title="Первая"), roadmap(staff, agreement, title="Вторая")
    action(staff, second, home, due_on=PAST)
    response = client.get(AGREEMENT_ROADMAPS.format(agreement.pk))
    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body] == [first.pk, second.pk]
    assert [r["progress"]["late"] for r in body] == [0, 1]


def test_the_roadmaps_of_a_draft_agreement_are_hidden_from_outsiders(client, staff, home, abroad):
    draft = draft_agreement(staff, home, abroad)
    roadmap(staff, draft)
    assert client.get(AGREEMENT_ROADMAPS.format(draft.pk)).status_code == 404
    assert client.get(AGREEMENT_ROADMAPS.format(987654)).status_code == 404
    client.force_login(staff)
    assert len(client.get(AGREEMENT_ROADMAPS.format(draft.pk)).json()) == 1


def test_the_roadmap_reads_in_the_same_number_of_queries_as_actions_grow(client, staff, agreement, home, abroad):
    plan = roadmap(staff, agreement)
    action(staff, plan, home, due_on=PAST)
    with CaptureQueriesContext(connection) as few:
        client.get(ROADMAP.format(plan.pk))
    for _ in range(4):
        step = action(staff, plan, home, abroad, due_on=FUTURE)
        action_link_add(action=step, actor=staff, project=ProjectFactory())
        action_link_add(action=step, actor=staff, event=EventFactory())
    with CaptureQueriesContext(connection) as many:
        response = client.get(ROADMAP.format(plan.pk))
    assert len(response.json()["actions"]) == 5
    assert sum(link["kind"] == "event" for a in response.json()["actions"] for link in a["links"]) == 4
    assert len(many) == len(few)
