"""Roadmaps' pages through the test client: who reads and plans what, the forms with their errors beside the
fields (nothing half-saved), the late actions page, and query counts that stay the same as roadmaps grow."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation.models import ActionLink, ActionStatus, Roadmap, RoadmapAction
from localbridge.cooperation.services_roadmaps import action_link_add, action_set_status
from localbridge.events.models import EventStatus
from localbridge.events.tests.events_factories import EventFactory, organizer_of
from localbridge.practices.tests.factories import PracticeFactory, PublishedPracticeFactory
from localbridge.projects.tests.factories import ProjectFactory
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

from .factories import (
    action,
    association,
    association_chair,
    association_member,
    draft_agreement,
    municipal_staff,
    roadmap,
    side,
    signed_agreement,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - timedelta(days=30)
FUTURE = TODAY + timedelta(days=30)


@pytest.fixture
def home():
    return MunicipalityFactory(name_ru="Волгоград", timezone="Europe/Volgograd")


@pytest.fixture
def abroad():
    return MunicipalityFactory(
        name_ru="Ковентри",
        country=CountryFactory(code="GB", code3="GBR", name_ru="Великобритания"),
        region=None,
        timezone="Europe/London",
    )


@pytest.fixture
def staff(home):
    return municipal_staff(home)


@pytest.fixture
def agreement(staff, home, abroad):
    return signed_agreement(staff, home, abroad, title="Побратимство Волгограда и Ковентри")


@pytest.fixture
def plan(staff, agreement):
    return roadmap(staff, agreement, title="Дорожная карта 2025")


def roadmap_url(plan):
    return reverse("cooperation:roadmap", args=[plan.pk])


# --- reading ----------------------------------------------------------------------------------------------------


def test_the_roadmap_page_shows_actions_by_date_with_status_late_flag_sides_outcome_and_results(
    client, staff, plan, home, abroad
):
    later = action(staff, plan, side(abroad, "Youth Council"), title="Летняя школа", due_on=FUTURE)
    late = action(staff, plan, side(home, "Комитет по молодёжи"), title="Обмен делегациями", due_on=PAST)
    done = action(staff, plan, home, title="Выставка", due_on=PAST)
    action_set_status(
        action=done, actor=staff, status=ActionStatus.DONE, completed_on=PAST, outcome="Пришли 300 человек"
    )
    project, practice = ProjectFactory(title="Сквер дружбы"), PublishedPracticeFactory(title="Двор дружбы")
    action_link_add(action=done, actor=staff, project=project)
    action_link_add(action=done, actor=staff, practice=practice)
    response = client.get(roadmap_url(plan))  # anonymous: the agreement is concluded
    assert response.status_code == 200
    rows = response.context["detail"].rows
    assert [row.action.pk for row in rows] == [late.pk, done.pk, later.pk]  # by due date
    assert [row.late for row in rows] == [True, False, False]
    body = response.content.decode()
    assert 'class="is-late" data-late="true"' in body
    assert "Комитет по молодёжи" in body and "Youth Council" in body
    assert "Пришли 300 человек" in body
    assert reverse("projects:detail", args=[project.pk]) in body
    assert reverse("practices:detail", args=[practice.pk]) in body
    assert (response.context["detail"].done, response.context["detail"].total) == (1, 3)
    assert reverse("cooperation:action_add", args=[plan.pk]) not in body  # the public does not plan
    assert response.context["history"] == []


def test_a_roadmap_of_a_draft_is_hidden_from_outsiders_and_shown_to_the_parties(client, staff, home, abroad):
    plan = roadmap(staff, draft_agreement(staff, home, abroad))
    assert client.get(roadmap_url(plan)).status_code == 404
    client.force_login(municipal_staff(MunicipalityFactory()))
    assert client.get(roadmap_url(plan)).status_code == 404
    client.force_login(municipal_staff(abroad))
    response = client.get(roadmap_url(plan))
    assert response.status_code == 200
    assert response.context["may_change"]
    assert reverse("cooperation:action_add", args=[plan.pk]) in response.content.decode()


def test_an_associations_programme_is_public(client):
    union = association(name="Союз российских городов")
    programme = roadmap(association_chair(union), union, title="Программа на 2025 год")
    response = client.get(roadmap_url(programme))
    assert response.status_code == 200
    assert "Союз российских городов" in response.content.decode()
    listed = client.get(reverse("cooperation:roadmaps"), {"association": union.pk})
    assert [d.roadmap.pk for d in listed.context["details"]] == [programme.pk]


def test_the_agreement_page_lists_its_roadmaps_with_progress_and_late_counts(client, staff, agreement, plan, home):
    action(staff, plan, home, due_on=PAST)
    action(staff, plan, home, due_on=FUTURE)
    response = client.get(reverse("cooperation:agreement", args=[agreement.pk]))
    [detail] = response.context["roadmaps"]
    assert (detail.roadmap.pk, detail.total, detail.done, detail.late) == (plan.pk, 2, 0, 1)
    body = response.content.decode()
    assert roadmap_url(plan) in body
    assert 'id="roadmap-create"' not in body
    client.force_login(staff)
    assert 'id="roadmap-create"' in client.get(reverse("cooperation:agreement", args=[agreement.pk])).content.decode()


def test_the_roadmap_page_reads_in_the_same_number_of_queries_as_actions_grow(client, staff, plan, home, abroad):
    action(staff, plan, home, due_on=PAST)
    client.force_login(staff)
    url = roadmap_url(plan)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(4):
        step = action(staff, plan, side(home, "мэрия"), side(abroad, "council"), due_on=PAST + timedelta(days=i))
        action_link_add(action=step, actor=staff, project=ProjectFactory())
        action_link_add(action=step, actor=staff, practice=PublishedPracticeFactory())
        action_link_add(action=step, actor=staff, event=EventFactory())
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["detail"].rows) == 5
    assert response.content.decode().count("data-event=") == 4
    assert len(many) == len(few)


# --- planning ---------------------------------------------------------------------------------------------------


def test_a_party_person_starts_a_roadmap_from_the_agreement_page_and_an_outsider_may_not(client, staff, agreement):
    url = reverse("cooperation:roadmap_create", args=[agreement.pk])
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(municipal_staff(MunicipalityFactory()))
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Чужая карта"}).status_code == 403
    client.force_login(staff)
    response = client.post(url, {"title": "", "starts_on": "2025-02-01", "ends_on": "2025-01-01"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"title", "ends_on"}
    assert not Roadmap.objects.exists()
    response = client.post(url, {"title": "Дорожная карта 2025–2026", "starts_on": "2025-01-01"})
    plan = Roadmap.objects.get()
    assert response.status_code == 302 and response["Location"] == roadmap_url(plan)
    assert (plan.agreement, plan.title, plan.starts_on) == (agreement, "Дорожная карта 2025–2026", date(2025, 1, 1))


def test_an_associations_chair_starts_a_programme(client):
    union = association()
    chair = association_chair(union)
    url = reverse("cooperation:programme_create", args=[union.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(chair)
    assert (
        'id="programme-create"'
        in client.get(reverse("cooperation:roadmaps"), {"association": union.pk}).content.decode()
    )
    response = client.post(url, {"title": "Программа обменов"})
    assert response.status_code == 302
    assert Roadmap.objects.get().association == union


def test_an_action_is_added_with_its_responsible_parties_ticked(client, staff, plan, home, abroad):
    client.force_login(staff)
    url = reverse("cooperation:action_add", args=[plan.pk])
    form = client.get(url).context["form"]
    assert [str(form.sides[form.fields[tick].side_key]) for tick, _person in form.row_names] == [
        "Волгоград",
        "Ковентри",
    ]
    response = client.post(
        url,
        {
            "title": "Форум молодёжи",
            "starts_on": "2025-05-01",
            "due_on": "2025-06-01",
            "party_0": "on",
            "party_0_person": "Комитет по молодёжной политике",
            "party_1": "on",
            "party_1_person": "Youth Council",
        },
    )
    step = RoadmapAction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{roadmap_url(plan)}#action-{step.pk}"
    assert [(r.municipality_id, r.person) for r in step.responsibles.all()] == [
        (home.pk, "Комитет по молодёжной политике"),
        (abroad.pk, "Youth Council"),
    ]


def test_an_action_with_no_responsible_party_is_refused_with_the_error_above_the_sides(client, staff, plan):
    client.force_login(staff)
    response = client.post(
        reverse("cooperation:action_add", args=[plan.pk]),
        {"title": "Форум", "starts_on": "2025-06-02", "due_on": "2025-06-01", "party_1_person": "кто-то"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors.keys() == {"party_1"}  # a person without a ticked side
    response = client.post(
        reverse("cooperation:action_add", args=[plan.pk]),
        {"title": "Форум", "starts_on": "2025-06-02", "due_on": "2025-06-01"},
    )
    form = response.context["form"]
    assert response.status_code == 400
    with translation.override("ru"):  # the page's language (conftest)
        assert form.responsible_errors == [
            translation.gettext("A roadmap action needs at least one responsible party.")
        ]
    assert form.errors.keys() == {"due_on"}
    assert 'id="sides-errors"' in response.content.decode()
    assert not RoadmapAction.objects.exists()


def test_an_action_is_changed_through_its_form(client, staff, plan, home, abroad):
    step = action(staff, plan, side(home, "мэрия"), due_on=date(2025, 6, 1))
    client.force_login(staff)
    url = reverse("cooperation:action_edit", args=[plan.pk, step.pk])
    form = client.get(url).context["form"]
    assert form.initial["party_0"] is True and form.initial["party_0_person"] == "мэрия"
    response = client.post(
        url, {"title": "Форум городов", "due_on": "2025-07-01", "party_1": "on", "party_1_person": "council"}
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.title, step.due_on) == ("Форум городов", date(2025, 7, 1))
    assert [r.municipality_id for r in step.responsibles.all()] == [abroad.pk]


def test_a_programme_action_names_a_member_or_a_municipality_by_its_number(client):
    union = association(name="Союз российских городов")
    kazan, tula = MunicipalityFactory(name_ru="Казань"), MunicipalityFactory(name_ru="Тула")
    association_member(union, kazan)
    chair = association_chair(union)
    programme = roadmap(chair, union)
    client.force_login(chair)
    url = reverse("cooperation:action_add", args=[programme.pk])
    response = client.post(
        url, {"title": "Семинар", "due_on": "2025-06-01", "side_0": "", "side_0_municipality": "999999"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"side_0_municipality"}
    response = client.post(
        url,
        {
            "title": "Семинар",
            "due_on": "2025-06-01",
            "side_0": f"o{union.pk}",
            "side_0_person": "исполнительный директор",
            "side_1": f"m{kazan.pk}",
            "side_2_municipality": str(tula.pk),
            "side_2_person": "администрация",
        },
    )
    assert response.status_code == 302
    step = RoadmapAction.objects.get()
    assert [(r.organization_id, r.municipality_id, r.person) for r in step.responsibles.all()] == [
        (union.pk, None, "исполнительный директор"),
        (None, kazan.pk, ""),
        (None, tula.pk, "администрация"),
    ]
    # Editing it again offers Tula, chosen by its number, among the sides.
    form = client.get(reverse("cooperation:action_edit", args=[programme.pk, step.pk])).context["form"]
    assert form.initial["side_2"] == f"m{tula.pk}"


def test_the_status_form_records_done_and_refuses_a_cancellation_without_a_note(client, staff, plan, home):
    step = action(staff, plan, home, due_on=PAST)
    client.force_login(staff)
    url = reverse("cooperation:action_status", args=[plan.pk, step.pk])
    response = client.post(url, {"status": "cancelled", "outcome": ""})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"outcome"}
    step.refresh_from_db()
    assert step.status == ActionStatus.PLANNED
    response = client.post(url, {"status": "done", "outcome": "Провели"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.status, step.completed_on, step.outcome) == (ActionStatus.DONE, TODAY, "Провели")


def test_a_result_is_linked_by_its_number_or_its_address_and_unlinked(client, staff, plan, home):
    step = action(staff, plan, home)
    project, practice = ProjectFactory(), PublishedPracticeFactory()
    client.force_login(staff)
    url = reverse("cooperation:link_add", args=[plan.pk, step.pk])
    assert client.post(url, {"kind": "project", "reference": str(project.pk)}).status_code == 302
    practice_address = "https://localbridge.example" + reverse("practices:detail", args=[practice.pk])
    assert client.post(url, {"kind": "project", "reference": practice_address}).status_code == 302
    assert {(x.project_id, x.practice_id) for x in step.links.all()} == {(project.pk, None), (None, practice.pk)}
    response = client.post(url, {"kind": "project", "reference": "/cooperation/"})
    assert response.status_code == 400 and response.context["form"].errors.keys() == {"reference"}
    response = client.post(url, {"kind": "practice", "reference": str(PracticeFactory(author=staff).pk)})
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["reference"]] == ["practice_not_published"]
    link = step.links.get(project=project)
    response = client.post(reverse("cooperation:link_remove", args=[plan.pk, step.pk, link.pk]))
    assert response.status_code == 302
    assert not ActionLink.objects.filter(pk=link.pk).exists()


def test_an_event_is_linked_by_its_number_or_its_address_and_errors_stand_beside_the_field(client, staff, plan, home):
    step = action(staff, plan, home)
    forum, seminar = EventFactory(title="Форум побратимов"), EventFactory()
    client.force_login(staff)
    url = reverse("cooperation:link_add", args=[plan.pk, step.pk])
    page = client.get(url).content.decode()
    assert 'value="event"' in page and "/events/5/" in page
    assert client.post(url, {"kind": "event", "reference": str(forum.pk)}).status_code == 302
    address = "https://localbridge.example" + reverse("events:detail", args=[seminar.pk])
    assert client.post(url, {"kind": "project", "reference": address}).status_code == 302  # the kind from the address
    assert {x.event_id for x in step.links.all()} == {forum.pk, seminar.pk}
    response = client.post(url, {"kind": "event", "reference": str(forum.pk)})
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["reference"]] == ["link_twice"]
    draft = EventFactory(status=EventStatus.DRAFT, published_at=None)  # another municipality's draft
    response = client.post(url, {"kind": "event", "reference": reverse("events:detail", args=[draft.pk])})
    assert response.status_code == 400
    [error] = response.context["form"].errors["reference"]
    assert str(draft.pk) in error
    assert step.links.count() == 2


def test_linked_events_show_on_the_roadmap_drafts_only_to_its_planners_and_cancelled_ones_marked(
    client, staff, plan, home
):
    step = action(staff, plan, home)
    forum = EventFactory(title="Форум побратимов")
    cancelled = EventFactory(title="Фестиваль дружбы", status=EventStatus.CANCELLED, cancellation_reason="Паводок")
    draft = EventFactory(title="Летняя школа мэров", status=EventStatus.DRAFT, published_at=None, municipality=home)
    for event in (forum, cancelled, draft):
        action_link_add(action=step, actor=staff, event=event)
    body = client.get(roadmap_url(plan)).content.decode()  # anonymous
    assert reverse("events:detail", args=[forum.pk]) in body and "Форум побратимов" in body
    assert f'data-event="{cancelled.pk}" data-status="cancelled"' in body
    assert "Летняя школа мэров" not in body
    client.force_login(staff)
    body = client.get(roadmap_url(plan)).content.decode()
    assert f'data-event="{draft.pk}" data-status="draft"' in body


def test_the_event_page_names_the_roadmap_actions_it_came_out_of(client, staff, plan, home, abroad):
    step = action(staff, plan, home, title="Форум городов-побратимов")
    event = EventFactory()
    event_url = reverse("events:detail", args=[event.pk])
    assert 'id="event-roadmaps-heading"' not in client.get(event_url).content.decode()
    action_link_add(action=step, actor=staff, event=event)
    hidden = roadmap(staff, draft_agreement(staff, home, abroad), title="Черновая карта")
    action_link_add(action=action(staff, hidden, home, title="Подготовка"), actor=staff, event=event)
    response = client.get(event_url)  # anonymous: the draft agreement's roadmap is not theirs to see
    body = response.content.decode()
    assert 'id="event-roadmaps-heading"' in body
    assert f"{roadmap_url(plan)}#action-{step.pk}" in body
    assert "Побратимство Волгограда и Ковентри" in body and "Дорожная карта 2025" in body
    assert "Черновая карта" not in body
    client.force_login(staff)
    assert "Черновая карта" in client.get(event_url).content.decode()


def test_the_event_page_reads_in_the_same_number_of_queries_as_roadmap_actions_link_it(client, staff, plan, home):
    event = EventFactory()
    action_link_add(action=action(staff, plan, home), actor=staff, event=event)
    client.force_login(organizer_of(event))
    url = reverse("events:detail", args=[event.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    union = association()
    chair = association_chair(union)
    for _ in range(3):
        action_link_add(action=action(staff, plan, home), actor=staff, event=event)
        action_link_add(action=action(chair, roadmap(chair, union), union), actor=chair, event=event)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("data-roadmap-action=") == 7
    assert len(many) == len(few)


def test_an_action_is_removed_after_confirmation_and_outsiders_cannot(client, staff, plan, home):
    step = action(staff, plan, home)
    url = reverse("cooperation:action_remove", args=[plan.pk, step.pk])
    client.force_login(municipal_staff(MunicipalityFactory()))
    assert client.post(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200
    assert RoadmapAction.objects.filter(pk=step.pk).exists()
    assert client.post(url).status_code == 302
    assert not RoadmapAction.objects.filter(pk=step.pk).exists()


def test_an_action_of_another_roadmap_is_not_found(client, staff, agreement, plan, home):
    other = roadmap(staff, agreement, title="Другая")
    step = action(staff, other, home)
    client.force_login(staff)
    assert client.get(reverse("cooperation:action_edit", args=[plan.pk, step.pk])).status_code == 404


# --- late actions ------------------------------------------------------------------------------------------------


def test_the_late_page_lists_late_actions_the_user_sees_and_filters_them(client, staff, home, abroad, plan):
    late = action(staff, plan, home, title="Обмен делегациями", due_on=PAST)
    action(staff, plan, home, due_on=FUTURE)
    hidden = action(staff, roadmap(staff, draft_agreement(staff, home, MunicipalityFactory())), home, due_on=PAST)
    url = reverse("cooperation:roadmap_late")
    response = client.get(url)
    assert [row.action.pk for row in response.context["page"].object_list] == [late.pk]
    assert "Обмен делегациями" in response.content.decode()
    client.force_login(staff)
    shown = {row.action.pk for row in client.get(url).context["page"].object_list}
    assert shown == {late.pk, hidden.pk}
    shown = {row.action.pk for row in client.get(url, {"municipality": abroad.pk}).context["page"].object_list}
    assert shown == {late.pk}
    assert client.get(url, {"municipality": "x"}).status_code == 200


def test_the_late_page_reads_in_the_same_number_of_queries_as_late_actions_grow(client, staff, plan, home, abroad):
    action(staff, plan, home, due_on=PAST)
    client.force_login(staff)
    url = reverse("cooperation:roadmap_late")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    union = association()
    chair = association_chair(union)
    programme = roadmap(chair, union)
    for i in range(4):
        step = action(staff, plan, side(home, "мэрия"), side(abroad, "council"), due_on=PAST + timedelta(days=i))
        action_link_add(action=step, actor=staff, project=ProjectFactory())
        action(chair, programme, union, MunicipalityFactory(), due_on=PAST)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 9
    assert len(many) == len(few)


def test_the_roadmap_list_reads_in_the_same_number_of_queries_as_roadmaps_grow(client, staff, agreement, home):
    action(staff, roadmap(staff, agreement), home, due_on=PAST)
    url = reverse("cooperation:roadmaps")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        action(staff, roadmap(staff, agreement), home, due_on=PAST)
        roadmap(association_chair(union := association()), union)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["details"]) == 7
    assert len(many) == len(few)


def test_late_is_judged_in_the_sides_time_zone_on_the_page(client, staff, home):
    """Due yesterday in Vladivostok (UTC+10): late there as soon as its day has passed."""
    vladivostok = MunicipalityFactory(timezone="Asia/Vladivostok")
    plan = roadmap(staff, signed_agreement(staff, home, vladivostok))
    now = datetime.now(UTC)
    yesterday_there = (now.astimezone(timezone.get_fixed_timezone(600)) - timedelta(days=1)).date()
    action(staff, plan, vladivostok, due_on=yesterday_there)
    rows = client.get(roadmap_url(plan)).context["detail"].rows
    assert [row.late for row in rows] == [True]


def test_the_late_actions_are_exported_with_the_pages_filters(client, staff, plan, home, abroad):
    action(staff, plan, side(home, "мэрия"), title="Обмен делегациями", due_on=PAST)
    response = client.get(reverse("cooperation:roadmap_late_export", args=["csv"]), {"municipality": home.pk})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Обмен делегациями" in text and "Волгоград: мэрия" in text and "30" in text
    response = client.get(reverse("cooperation:roadmap_late_export", args=["csv"]), {"municipality": 987654})
    assert "Обмен делегациями" not in b"".join(response.streaming_content).decode("utf-8-sig")
    assert client.get(reverse("cooperation:roadmap_late_export", args=["xlsx"])).status_code == 200
    assert client.get(reverse("cooperation:roadmap_late_export", args=["pdf"])).status_code == 404
