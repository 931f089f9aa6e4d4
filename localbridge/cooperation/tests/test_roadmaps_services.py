"""Roadmaps' services and reads: an action's lifecycle, the errors (no responsible party, a side that is not a
party, due before it starts...), who may plan, what came out of an action, and when an action is late."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation import selectors
from localbridge.cooperation.models import ActionLink, ActionResponsible, ActionStatus, Roadmap, RoadmapAction
from localbridge.cooperation.services import agreement_move
from localbridge.cooperation.services_roadmaps import (
    SideIn,
    action_add,
    action_link_add,
    action_link_remove,
    action_remove,
    action_set_status,
    action_update,
    roadmap_update,
)
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.events.models import EventStatus
from localbridge.events.tests.events_factories import EventFactory
from localbridge.organizations.tests.factories import OrganizationFactory
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

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


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
    return signed_agreement(staff, home, abroad)


@pytest.fixture
def plan(staff, agreement):
    return roadmap(staff, agreement)


def codes(excinfo) -> set[str]:
    return error_codes(excinfo.value)


def entries(plan) -> list:
    """The roadmap's audit entries in the order they were written (some tests pass a `now` in the past)."""
    return sorted(audit_history(obj=plan), key=lambda entry: entry.pk)


# --- an action's lifecycle ------------------------------------------------------------------------------------


def test_an_action_goes_from_planned_to_done_and_back_and_every_change_is_audited(staff, plan, home, abroad):
    step = action(
        staff,
        plan,
        side(home, "Комитет по молодёжной политике"),
        side(abroad, "Youth Council"),
        starts_on=date(2025, 4, 1),
        due_on=date(2025, 6, 1),
    )
    assert step.status == ActionStatus.PLANNED
    assert [(r.municipality_id, r.person) for r in step.responsibles.all()] == [
        (home.pk, "Комитет по молодёжной политике"),
        (abroad.pk, "Youth Council"),
    ]
    action_set_status(action=step, actor=staff, status=ActionStatus.IN_PROGRESS, now=NOW)
    action_set_status(
        action=step,
        actor=staff,
        status=ActionStatus.DONE,
        completed_on=date(2025, 5, 20),
        outcome="Приняли 20 студентов",
        now=datetime(2025, 6, 2, 9, 0, tzinfo=UTC),
    )
    step.refresh_from_db()
    assert (step.status, step.completed_on, step.outcome) == (
        ActionStatus.DONE,
        date(2025, 5, 20),
        "Приняли 20 студентов",
    )
    action_set_status(action=step, actor=staff, status=ActionStatus.IN_PROGRESS, now=NOW)
    step.refresh_from_db()
    assert step.status == ActionStatus.IN_PROGRESS
    assert step.completed_on is None  # moving back from done clears the day
    assert step.outcome == "Приняли 20 студентов"
    history = entries(plan)
    assert [e.action for e in history] == ["create", "action_add", "action_status", "action_status", "action_status"]
    assert [(e.from_status, e.to_status) for e in history[2:]] == [
        ("planned", "in_progress"),
        ("in_progress", "done"),
        ("done", "in_progress"),
    ]
    assert all(e.data.get("action") == step.pk for e in history[1:])
    assert history[3].data["completed_on"] == "2025-05-20"


def test_done_records_today_where_the_sides_are_by_default(staff, plan, home):
    step = action(staff, plan, home, due_on=date(2025, 3, 10))
    # 22:30 UTC on 4 March is already 5 March in Volgograd (UTC+3).
    action_set_status(action=step, actor=staff, status=ActionStatus.DONE, now=datetime(2025, 3, 4, 22, 30, tzinfo=UTC))
    step.refresh_from_db()
    assert step.completed_on == date(2025, 3, 5)


def test_an_action_cannot_be_done_on_a_day_still_to_come(staff, plan, home):
    step = action(staff, plan, home)
    with pytest.raises(ValidationError) as excinfo:
        action_set_status(action=step, actor=staff, status=ActionStatus.DONE, completed_on=date(2025, 3, 2), now=NOW)
    assert codes(excinfo) == {"completed_in_future"}
    step.refresh_from_db()
    assert step.status == ActionStatus.PLANNED


def test_cancelling_an_action_needs_a_note_saying_why(staff, plan, home):
    step = action(staff, plan, home)
    with pytest.raises(ValidationError) as excinfo:
        action_set_status(action=step, actor=staff, status=ActionStatus.CANCELLED, outcome="  ", now=NOW)
    assert codes(excinfo) == {"cancel_note_required"}
    step.refresh_from_db()
    assert step.status == ActionStatus.PLANNED
    action_set_status(
        action=step, actor=staff, status=ActionStatus.CANCELLED, outcome="Фестиваль перенесён на 2026 год", now=NOW
    )
    step.refresh_from_db()
    assert (step.status, step.outcome, step.completed_on) == (
        ActionStatus.CANCELLED,
        "Фестиваль перенесён на 2026 год",
        None,
    )
    assert entries(plan)[-1].comment == "Фестиваль перенесён на 2026 год"


def test_an_unknown_status_is_refused(staff, plan, home):
    step = action(staff, plan, home)
    with pytest.raises(ValidationError) as excinfo:
        action_set_status(action=step, actor=staff, status="postponed", now=NOW)
    assert codes(excinfo) == {"invalid_status"}


def test_an_action_is_changed_and_its_sides_replaced(staff, plan, home, abroad):
    step = action(staff, plan, home)
    action_update(
        action=step,
        actor=staff,
        title="Обмен делегациями школьников",
        due_on=date(2025, 9, 1),
        responsibles=[side(abroad, "Coventry City Council")],
    )
    step.refresh_from_db()
    assert (step.title, step.due_on) == ("Обмен делегациями школьников", date(2025, 9, 1))
    assert [(r.municipality_id, r.person) for r in step.responsibles.all()] == [(abroad.pk, "Coventry City Council")]
    assert entries(plan)[-1].data["fields"] == ["title", "due_on"]


def test_removing_an_action_keeps_its_trace_in_the_roadmap_history(staff, plan, home):
    step = action(staff, plan, home, title="Ярмарка ремёсел")
    pk = step.pk
    action_remove(action=step, actor=staff)
    assert not RoadmapAction.objects.filter(pk=pk).exists()
    assert not ActionResponsible.objects.filter(action_id=pk).exists()
    entry = entries(plan)[-1]
    assert (entry.action, entry.data) == ("action_remove", {"action": pk, "title": "Ярмарка ремёсел"})


def test_actions_are_numbered_in_the_order_they_are_added(staff, plan, home):
    first, second = action(staff, plan, home), action(staff, plan, home)
    assert (first.position, second.position) == (0, 1)


# --- bad input ----------------------------------------------------------------------------------------------------


def test_an_action_with_no_responsible_party_is_refused_and_nothing_is_saved(staff, plan):
    with pytest.raises(ValidationError) as excinfo:
        action_add(roadmap=plan, actor=staff, title="Форум", due_on=date(2025, 6, 1), responsibles=[])
    assert codes(excinfo) == {"no_responsible"}
    assert "responsibles" in excinfo.value.error_dict
    assert not RoadmapAction.objects.exists()


def test_removing_every_side_of_an_action_is_refused(staff, plan, home):
    step = action(staff, plan, home)
    with pytest.raises(ValidationError) as excinfo:
        action_update(action=step, actor=staff, responsibles=[])
    assert codes(excinfo) == {"no_responsible"}
    assert step.responsibles.count() == 1


def test_a_side_that_is_not_a_party_to_the_agreement_is_refused(staff, plan, home):
    stranger = MunicipalityFactory(name_ru="Тверь")
    with pytest.raises(ValidationError) as excinfo:
        action(staff, plan, home, stranger)
    assert codes(excinfo) == {"responsible_not_party"}
    assert "Тверь" in str(excinfo.value)
    assert not RoadmapAction.objects.exists()


def test_a_side_listed_twice_is_refused(staff, plan, home):
    with pytest.raises(ValidationError) as excinfo:
        action(staff, plan, side(home, "мэрия"), side(home, "комитет"))
    assert codes(excinfo) == {"responsible_twice"}


def test_an_action_due_before_it_starts_is_refused(staff, plan, home):
    with pytest.raises(ValidationError) as excinfo:
        action(staff, plan, home, starts_on=date(2025, 6, 2), due_on=date(2025, 6, 1))
    assert codes(excinfo) == {"due_before_start"}
    step = action(staff, plan, home, starts_on=date(2025, 5, 1), due_on=date(2025, 6, 1))
    with pytest.raises(ValidationError) as excinfo:
        action_update(action=step, actor=staff, due_on=date(2025, 4, 1))
    assert codes(excinfo) == {"due_before_start"}


def test_an_action_needs_a_title_and_a_due_date(staff, plan, home):
    with pytest.raises(ValidationError) as excinfo:
        action_add(roadmap=plan, actor=staff, title=" ", due_on=None, responsibles=[side(home)])
    assert codes(excinfo) == {"required"}
    assert set(excinfo.value.error_dict) == {"title", "due_on"}


def test_a_roadmap_cannot_end_before_it_starts(staff, agreement, plan):
    with pytest.raises(ValidationError) as excinfo:
        roadmap(staff, agreement, starts_on=date(2025, 1, 1), ends_on=date(2024, 12, 31))
    assert codes(excinfo) == {"ends_before_start"}
    roadmap_update(roadmap=plan, actor=staff, starts_on=date(2025, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        roadmap_update(roadmap=plan, actor=staff, ends_on=date(2024, 1, 1))
    assert codes(excinfo) == {"ends_before_start"}


def test_an_ended_agreement_gets_no_new_roadmaps(staff, agreement):
    agreement_move(agreement=agreement, action="end", actor=staff, end_reason="Истёк срок")
    with pytest.raises(ValidationError) as excinfo:
        roadmap(staff, agreement)
    assert codes(excinfo) == {"agreement_ended"}


def test_a_programme_belongs_to_an_association_of_local_authorities():
    ngo = OrganizationFactory()
    with pytest.raises(ValidationError) as excinfo:
        roadmap(UserFactory(is_staff=True), ngo)
    assert codes(excinfo) == {"not_association"}
    assert not Roadmap.objects.exists()


def test_a_programme_action_may_name_any_municipality_or_association_but_not_another_organisation():
    union = association(name="Союз российских городов")
    chair = association_chair(union)
    programme = roadmap(chair, union)
    step = action(chair, programme, union, MunicipalityFactory(), association(name="Союз общин Армении"))
    assert step.responsibles.count() == 3
    with pytest.raises(ValidationError) as excinfo:
        action(chair, programme, OrganizationFactory(name="АНО «Добро»"))
    assert codes(excinfo) == {"responsible_not_association"}


# --- who may plan -----------------------------------------------------------------------------------------------


def test_an_outsider_may_not_start_or_change_a_roadmap(agreement, plan, home, staff):
    outsider = municipal_staff(MunicipalityFactory())
    with pytest.raises(PermissionDenied):
        roadmap(outsider, agreement)
    with pytest.raises(PermissionDenied):
        action(outsider, plan, home)
    step = action(staff, plan, home)
    with pytest.raises(PermissionDenied):
        action_set_status(action=step, actor=outsider, status=ActionStatus.DONE)
    with pytest.raises(PermissionDenied):
        action_remove(action=step, actor=UserFactory())


def test_the_other_partys_people_and_platform_staff_may_plan(agreement, plan, home, abroad):
    partner = municipal_staff(abroad)
    step = action(partner, plan, home, abroad)
    action_set_status(action=step, actor=UserFactory(is_staff=True), status=ActionStatus.IN_PROGRESS)
    assert roadmap(UserFactory(is_staff=True), agreement).agreement == agreement


def test_an_associations_chair_plans_its_programme_and_its_plain_members_do_not():
    union = association()
    chair = association_chair(union)
    assert roadmap(chair, union).association == union
    other_chair = association_chair(association())
    with pytest.raises(PermissionDenied):
        roadmap(other_chair, union)


def test_a_roadmap_of_a_draft_is_read_by_its_parties_only_and_of_a_concluded_agreement_by_everyone(staff, home, abroad):
    draft = draft_agreement(staff, home, abroad)
    hidden = roadmap(staff, draft)
    public = roadmap(staff, signed_agreement(staff, home, MunicipalityFactory()))
    programme = roadmap(UserFactory(is_staff=True), association())
    anonymous, outsider = None, UserFactory()
    assert not UserFactory().has_perm("cooperation.view_roadmap", hidden)
    assert staff.has_perm("cooperation.view_roadmap", hidden)
    assert outsider.has_perm("cooperation.view_roadmap", public)
    assert outsider.has_perm("cooperation.view_roadmap", programme)
    assert set(selectors.roadmap_visible_to(anonymous)) == {public, programme}
    assert set(selectors.roadmap_visible_to(outsider)) == {public, programme}
    assert set(selectors.roadmap_visible_to(staff)) == {hidden, public, programme}


# --- results --------------------------------------------------------------------------------------------------


def test_a_project_and_a_published_practice_are_linked_to_an_action_and_unlinked(staff, plan, home):
    step = action(staff, plan, home)
    project, practice = ProjectFactory(), PublishedPracticeFactory()
    action_link_add(action=step, actor=staff, project=project)
    link = action_link_add(action=step, actor=staff, practice=practice)
    assert {(x.project_id, x.practice_id) for x in step.links.all()} == {(project.pk, None), (None, practice.pk)}
    action_link_remove(link=link, actor=staff)
    assert [x.project_id for x in step.links.all()] == [project.pk]
    assert [e.action for e in entries(plan)][-3:] == ["link_add", "link_add", "link_remove"]


def test_an_unpublished_practice_or_a_result_twice_is_refused(staff, plan, home):
    step = action(staff, plan, home)
    with pytest.raises(ValidationError) as excinfo:
        action_link_add(action=step, actor=staff, practice=PracticeFactory())
    assert codes(excinfo) == {"practice_not_published"}
    project = ProjectFactory()
    action_link_add(action=step, actor=staff, project=project)
    with pytest.raises(ValidationError) as excinfo:
        action_link_add(action=step, actor=staff, project=project)
    assert codes(excinfo) == {"link_twice"}
    with pytest.raises(ValidationError) as excinfo:
        action_link_add(action=step, actor=staff)
    assert codes(excinfo) == {"link_kind"}
    assert step.links.count() == 1


def test_an_event_is_linked_to_an_action_and_unlinked_and_both_are_audited(staff, plan, home):
    step = action(staff, plan, home)
    event = EventFactory(title="Форум городов-побратимов")
    link = action_link_add(action=step, actor=staff, event=event)
    assert (link.project_id, link.practice_id, link.event_id) == (None, None, event.pk)
    assert str(link) == "Форум городов-побратимов"
    added = entries(plan)[-1]
    assert (added.action, added.data["event"], added.data["target"]) == ("link_add", event.pk, event.title)
    action_link_remove(link=link, actor=staff)
    assert not step.links.exists()
    removed = entries(plan)[-1]
    assert (removed.action, removed.data["event"]) == ("link_remove", event.pk)


def test_an_event_linked_twice_is_refused(staff, plan, home):
    step = action(staff, plan, home)
    event = EventFactory()
    action_link_add(action=step, actor=staff, event=event)
    with pytest.raises(ValidationError) as excinfo:
        action_link_add(action=step, actor=staff, event=event)
    assert codes(excinfo) == {"link_twice"}
    assert excinfo.value.error_dict.keys() == {"event"}
    assert step.links.count() == 1


def test_a_draft_event_the_planner_does_not_run_is_refused_as_if_it_did_not_exist(staff, plan, home):
    step = action(staff, plan, home)
    draft = EventFactory(status=EventStatus.DRAFT, published_at=None)  # another municipality's draft
    with pytest.raises(ValidationError) as excinfo:
        action_link_add(action=step, actor=staff, event=draft)
    assert codes(excinfo) == {"event_not_visible"}
    assert not step.links.exists()


def test_a_draft_event_the_planner_runs_and_a_cancelled_event_may_be_linked(staff, plan, home):
    step = action(staff, plan, home)
    own_draft = EventFactory(status=EventStatus.DRAFT, published_at=None, municipality=home)  # staff run it
    cancelled = EventFactory(status=EventStatus.CANCELLED, cancellation_reason="Паводок")
    action_link_add(action=step, actor=staff, event=own_draft)
    action_link_add(action=step, actor=staff, event=cancelled)
    assert {x.event_id for x in step.links.all()} == {own_draft.pk, cancelled.pk}


def test_a_link_is_to_exactly_one_result(staff, plan, home):
    step = action(staff, plan, home)
    with pytest.raises(ValidationError) as excinfo:
        action_link_add(action=step, actor=staff, project=ProjectFactory(), event=EventFactory())
    assert codes(excinfo) == {"link_kind"}
    assert not step.links.exists()


def test_the_database_holds_one_kind_per_link_and_an_event_once_per_action(staff, plan, home):
    step = action(staff, plan, home)
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionLink.objects.create(action=step, event=event, practice=PublishedPracticeFactory())
    ActionLink.objects.create(action=step, event=event)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionLink.objects.create(action=step, event=event)
    assert step.links.count() == 1


def test_an_outsider_may_not_link_an_event(plan, home, staff):
    step = action(staff, plan, home)
    with pytest.raises(PermissionDenied):
        action_link_add(action=step, actor=UserFactory(), event=EventFactory())


# --- late -------------------------------------------------------------------------------------------------------


def test_an_action_is_late_once_its_due_date_has_passed_where_its_side_is(staff, plan, home):
    vladivostok = MunicipalityFactory(name_ru="Владивосток", timezone="Asia/Vladivostok")  # UTC+10
    agreement = signed_agreement(staff, home, vladivostok)
    step = action(staff, roadmap(staff, agreement), vladivostok, due_on=date(2025, 3, 10))
    step = RoadmapAction.objects.prefetch_related("responsibles__municipality").get(pk=step.pk)
    before = datetime(2025, 3, 10, 13, 59, tzinfo=UTC)  # 23:59 on 10 March in Vladivostok
    after = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)  # 00:00 on 11 March there
    assert not selectors.action_row(step, before).late
    assert selectors.action_row(step, after).late
    assert selectors.action_row(step, after).days_late == 1
    assert [row.action for row in selectors.late_actions(user=staff, now=after)] == [step]
    assert selectors.late_actions(user=staff, now=before) == []


def test_with_sides_in_two_time_zones_an_action_is_late_when_the_day_has_passed_for_both(staff, home):
    vladivostok = MunicipalityFactory(timezone="Asia/Vladivostok")
    agreement = signed_agreement(staff, home, vladivostok)
    step = action(staff, roadmap(staff, agreement), home, vladivostok, due_on=date(2025, 3, 10))
    # Past midnight in Vladivostok, but still 10 March in Volgograd (UTC+3) until 21:00 UTC.
    assert not selectors.action_row(step, datetime(2025, 3, 10, 20, 59, tzinfo=UTC)).late
    assert selectors.action_row(step, datetime(2025, 3, 10, 21, 0, tzinfo=UTC)).late


def test_done_and_cancelled_actions_are_never_late(staff, plan, home):
    done = action(staff, plan, home, due_on=date(2025, 1, 10))
    action_set_status(action=done, actor=staff, status=ActionStatus.DONE, completed_on=date(2025, 1, 15), now=NOW)
    cancelled = action(staff, plan, home, due_on=date(2025, 1, 10))
    action_set_status(action=cancelled, actor=staff, status=ActionStatus.CANCELLED, outcome="Не нужно", now=NOW)
    late = action(staff, plan, home, due_on=date(2025, 1, 10))
    assert [row.action for row in selectors.late_actions(user=staff, now=NOW)] == [late]
    detail = selectors.roadmap_detail(roadmap=plan, now=NOW)
    assert (detail.total, detail.done, detail.cancelled, detail.late, detail.percent_done) == (3, 1, 1, 1, 50)


def test_the_late_list_shows_only_what_the_user_sees_and_filters_by_agreement_association_and_municipality(
    staff, home, abroad, agreement, plan
):
    due = {"due_on": date(2025, 1, 10)}
    in_agreement = action(staff, plan, home, **due)
    draft = draft_agreement(staff, home, MunicipalityFactory())
    in_draft = action(staff, roadmap(staff, draft), home, **due)
    union = association()
    member_city = MunicipalityFactory()
    association_member(union, member_city)
    chair = association_chair(union)
    in_programme = action(chair, roadmap(chair, union), side(member_city, "мэрия"), **due)

    def late(user, **filters):
        return {row.action.pk for row in selectors.late_actions(user=user, now=NOW, **filters)}

    assert late(None) == {in_agreement.pk, in_programme.pk}
    assert late(staff) == {in_agreement.pk, in_draft.pk, in_programme.pk}
    assert late(staff, agreement_id=agreement.pk) == {in_agreement.pk}
    assert late(staff, association_id=union.pk) == {in_programme.pk}
    assert late(staff, municipality_id=member_city.pk) == {in_programme.pk}
    assert late(staff, municipality_id=abroad.pk) == {in_agreement.pk}
    assert late(staff, municipality_id=home.pk) == {in_agreement.pk, in_draft.pk}


def test_the_sides_offered_for_a_programme_are_the_association_its_members_and_other_associations():
    union = association(name="Союз российских городов")
    member_city = MunicipalityFactory(name_ru="Казань")
    armenia = association(name="Союз общин Армении")
    association_member(union, member_city)
    association_member(union, armenia)
    korea = association(name="Национальная ассоциация мэров Республики Корея")
    groups = selectors.programme_side_candidates(association_id=union.pk)
    assert [key for key, _label, _side in groups["association"]] == [f"o{union.pk}"]
    assert {key for key, _label, _side in groups["members"]} == {f"m{member_city.pk}", f"o{armenia.pk}"}
    assert [key for key, _label, _side in groups["others"]] == [f"o{korea.pk}"]


def test_a_side_in_is_one_kind_only(staff, plan, home):
    with pytest.raises(ValidationError) as excinfo:
        action(staff, plan, SideIn(municipality=home, organization=association()))
    assert codes(excinfo) == {"responsible_kind"}
