"""Initiative proposals: the workflow, the threshold that sends a proposal to the administration, the answer date in
the municipality's time zone, the overdue flag, supports that are idempotent and counted exactly, eligibility
refusals, comments."""

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.models import AuditEntry
from localbridge.participation import services
from localbridge.participation.models import Comment, Proposal, ProposalStatus, Support
from localbridge.participation.tests.factories import (
    NOW,
    CommentFactory,
    MunicipalStaffFactory,
    ProposalFactory,
    ResidentFactory,
    tos_with_chair,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def _support_all(proposal, count, now=NOW):
    for _ in range(count):
        services.proposal_support(proposal=proposal, actor=ResidentFactory(residence=proposal.municipality), now=now)
    proposal.refresh_from_db()


# --- the draft and the workflow --------------------------------------------------------------------------------


def test_a_draft_is_created_with_the_municipalitys_terms_and_published(settings):
    settings.PARTICIPATION_SUPPORT_THRESHOLD = 25
    settings.PARTICIPATION_ANSWER_DAYS = 45
    municipality = MunicipalityFactory()
    author = UserFactory()
    proposal = services.proposal_create(
        actor=author,
        municipality=municipality,
        title="  Сквер   у школы ",
        description="Посадить деревья.",
        estimated_cost="1 200 000,5",
        residents_contribution=Decimal("100000"),
        latitude="50.2605",
        longitude="127.5336",
    )
    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.title == "Сквер у школы"
    assert proposal.estimated_cost == Decimal("1200000.50")
    assert (proposal.support_threshold, proposal.answer_days) == (25, 45)
    services.proposal_publish(proposal=proposal, actor=author, now=NOW)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COLLECTING
    assert proposal.published_at == NOW
    assert AuditEntry.objects.filter(object_id=str(proposal.pk), action="publish").exists()


def test_a_draft_with_errors_is_refused_field_by_field():
    municipality = MunicipalityFactory()
    other_tos, _chair = tos_with_chair(MunicipalityFactory())
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(
            actor=UserFactory(),
            municipality=municipality,
            title="",
            estimated_cost="100",
            residents_contribution="200",
            latitude="95",
            tos=other_tos,
        )
    errors = exc.value.error_dict
    assert {e.code for e in errors["title"]} == {"required"}
    assert {e.code for e in errors["residents_contribution"]} == {"over_cost"}
    assert {e.code for e in errors["latitude"]} == {"invalid"}
    assert {e.code for e in errors["tos"]} == {"invalid_choice"}
    assert not Proposal.objects.exists()


def test_only_a_chair_proposes_on_behalf_of_a_tos():
    municipality = MunicipalityFactory()
    tos, chair = tos_with_chair(municipality)
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(actor=UserFactory(), municipality=municipality, title="x", proposer_tos=tos)
    assert _codes(exc.value) == {"not_chair"}
    proposal = services.proposal_create(actor=chair, municipality=municipality, title="x", proposer_tos=tos)
    assert proposal.proposer_tos == tos


def test_publishing_needs_a_description_and_a_cost_and_only_the_author_may():
    proposal = ProposalFactory(status=ProposalStatus.DRAFT, description="", estimated_cost=Decimal(0))
    with pytest.raises(PermissionDenied):
        services.proposal_publish(proposal=proposal, actor=UserFactory())
    with pytest.raises(ValidationError) as exc:
        services.proposal_publish(proposal=proposal, actor=proposal.author)
    assert set(exc.value.error_dict) == {"description", "estimated_cost"}


def test_a_published_proposal_can_no_longer_be_changed_but_can_be_withdrawn():
    proposal = ProposalFactory()
    with pytest.raises(ValidationError) as exc:
        services.proposal_update(proposal=proposal, actor=proposal.author, title="Другое")
    assert _codes(exc.value) == {"not_draft"}
    services.proposal_withdraw(proposal=proposal, actor=proposal.author)
    assert proposal.status == ProposalStatus.WITHDRAWN


# --- the threshold and the deadline ----------------------------------------------------------------------------


def test_reaching_the_threshold_sends_the_proposal_to_the_administration():
    proposal = ProposalFactory(support_threshold=3, answer_days=30)
    _support_all(proposal, 2)
    assert proposal.status == ProposalStatus.COLLECTING
    _support_all(proposal, 1)
    assert proposal.status == ProposalStatus.UNDER_REVIEW
    assert proposal.supports_count == 3
    assert proposal.submitted_at == NOW
    assert proposal.answer_due == date(2026, 7, 1)
    assert AuditEntry.objects.filter(object_id=str(proposal.pk), action="submit", to_status="under_review").exists()


def test_the_answer_date_counts_from_the_day_in_the_municipalitys_time_zone():
    # 20:30 UTC on 31 May is already 1 June in Vladivostok (UTC+10) and still 31 May in Kaliningrad (UTC+2).
    late_evening = datetime(2026, 5, 31, 20, 30, tzinfo=UTC)
    east = ProposalFactory(municipality=MunicipalityFactory(timezone="Asia/Vladivostok"), support_threshold=1)
    west = ProposalFactory(municipality=MunicipalityFactory(timezone="Europe/Kaliningrad"), support_threshold=1)
    _support_all(east, 1, now=late_evening)
    _support_all(west, 1, now=late_evening)
    assert east.answer_due == date(2026, 7, 1)
    assert west.answer_due == date(2026, 6, 30)


def test_the_answer_is_overdue_the_day_after_the_answer_date_in_the_municipalitys_time_zone():
    proposal = ProposalFactory(
        municipality=MunicipalityFactory(timezone="Asia/Vladivostok"),
        status=ProposalStatus.UNDER_REVIEW,
        answer_due=date(2026, 7, 1),
    )
    assert not services.proposal_is_overdue(proposal, datetime(2026, 7, 1, 13, 59, tzinfo=UTC))  # 23:59 there
    assert services.proposal_is_overdue(proposal, datetime(2026, 7, 1, 14, 0, tzinfo=UTC))  # 2 July 00:00 there
    proposal.status = ProposalStatus.ACCEPTED
    assert not services.proposal_is_overdue(proposal, datetime(2026, 8, 1, tzinfo=UTC))


def test_lowering_the_threshold_below_the_supports_sends_the_proposal_at_once():
    proposal = ProposalFactory(support_threshold=10)
    _support_all(proposal, 2)
    staff = MunicipalStaffFactory(municipality=proposal.municipality)
    with pytest.raises(PermissionDenied):
        services.proposal_set_terms(proposal=proposal, actor=proposal.author, support_threshold=2)
    services.proposal_set_terms(proposal=proposal, actor=staff, support_threshold=2, answer_days=10, now=NOW)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.UNDER_REVIEW
    assert proposal.answer_due == date(2026, 6, 11)


# --- the answer ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "status"),
    [("accept", ProposalStatus.ACCEPTED), ("to_selection", ProposalStatus.SELECTION)],
)
def test_the_administration_answers(decision, status):
    proposal = ProposalFactory(status=ProposalStatus.UNDER_REVIEW, answer_due=date(2026, 7, 1))
    staff = MunicipalStaffFactory(municipality=proposal.municipality)
    services.proposal_answer(proposal=proposal, actor=staff, decision=decision, comment="Включим в план", now=NOW)
    proposal.refresh_from_db()
    assert proposal.status == status
    assert proposal.decided_at == NOW
    assert proposal.decision_comment == "Включим в план"


def test_a_rejection_needs_its_reasons_and_only_the_municipalitys_staff_answer():
    proposal = ProposalFactory(status=ProposalStatus.UNDER_REVIEW)
    with pytest.raises(PermissionDenied):
        services.proposal_answer(proposal=proposal, actor=MunicipalStaffFactory(), decision="accept")
    staff = MunicipalStaffFactory(municipality=proposal.municipality)
    with pytest.raises(ValidationError) as exc:
        services.proposal_answer(proposal=proposal, actor=staff, decision="reject")
    assert _codes(exc.value) == {"comment_required"}
    services.proposal_answer(proposal=proposal, actor=staff, decision="reject", comment="Нет земли под сквер")
    assert Proposal.objects.get().status == ProposalStatus.REJECTED


def test_a_proposal_still_collecting_cannot_be_answered():
    proposal = ProposalFactory()
    staff = MunicipalStaffFactory(municipality=proposal.municipality)
    with pytest.raises(ValidationError) as exc:
        services.proposal_answer(proposal=proposal, actor=staff, decision="accept")
    assert _codes(exc.value) == {"invalid_transition"}


# --- supports --------------------------------------------------------------------------------------------------


def test_a_repeated_support_is_the_same_support_and_counts_once():
    proposal = ProposalFactory(support_threshold=10)
    resident = ResidentFactory(residence=proposal.municipality)
    first = services.proposal_support(proposal=proposal, actor=resident)
    second = services.proposal_support(proposal=proposal, actor=resident)
    assert first.pk == second.pk
    proposal.refresh_from_db()
    assert proposal.supports_count == 1 == Support.objects.count()


def test_the_supports_count_equals_a_recount():
    proposal = ProposalFactory(support_threshold=100)
    residents = [ResidentFactory(residence=proposal.municipality) for _ in range(7)]
    for resident in residents + residents[:3]:
        services.proposal_support(proposal=proposal, actor=resident)
    proposal.refresh_from_db()
    assert proposal.supports_count == Support.objects.filter(proposal=proposal).count() == 7


def test_an_unconfirmed_user_may_not_support():
    proposal = ProposalFactory()
    with pytest.raises(ValidationError) as exc:
        services.proposal_support(proposal=proposal, actor=UserFactory(birth_year=1980))
    assert _codes(exc.value) == {"not_resident"}
    assert Proposal.objects.get().supports_count == 0


def test_a_resident_of_another_territory_may_not_support():
    proposal = ProposalFactory()
    with pytest.raises(ValidationError) as exc:
        services.proposal_support(proposal=proposal, actor=ResidentFactory(residence=MunicipalityFactory()))
    assert _codes(exc.value) == {"not_resident"}


def test_a_resident_of_the_municipality_but_not_of_the_proposals_tos_may_not_support():
    municipality = MunicipalityFactory()
    tos, _chair = tos_with_chair(municipality)
    proposal = ProposalFactory(municipality=municipality, tos=tos)
    with pytest.raises(ValidationError) as exc:
        services.proposal_support(proposal=proposal, actor=ResidentFactory(residence=municipality))
    assert _codes(exc.value) == {"not_resident"}
    services.proposal_support(proposal=proposal, actor=ResidentFactory(residence=municipality, residence__tos=tos))


def test_a_resident_too_young_may_not_support():
    proposal = ProposalFactory(min_age=16)
    with pytest.raises(ValidationError) as exc:
        services.proposal_support(
            proposal=proposal, actor=ResidentFactory(residence=proposal.municipality, birth_year=2015), now=NOW
        )
    assert _codes(exc.value) == {"too_young"}


def test_a_proposal_not_collecting_takes_no_supports():
    proposal = ProposalFactory(status=ProposalStatus.UNDER_REVIEW)
    with pytest.raises(ValidationError) as exc:
        services.proposal_support(proposal=proposal, actor=ResidentFactory(residence=proposal.municipality))
    assert _codes(exc.value) == {"not_collecting"}


def test_supports_are_limited_per_minute():
    municipality = MunicipalityFactory()
    resident = ResidentFactory(residence=municipality)
    proposals = ProposalFactory.create_batch(services.proposals.SUPPORTS_PER_MINUTE + 1, municipality=municipality)
    for proposal in proposals[:-1]:
        services.proposal_support(proposal=proposal, actor=resident)
    with pytest.raises(ValidationError) as exc:
        services.proposal_support(proposal=proposals[-1], actor=resident)
    assert _codes(exc.value) == {"rate_limited"}


# --- comments --------------------------------------------------------------------------------------------------


def test_an_unconfirmed_user_may_comment_and_staff_may_hide_it():
    proposal = ProposalFactory()
    comment = services.proposal_comment(proposal=proposal, actor=UserFactory(), text="  Поддерживаю идею  ")
    assert comment.text == "Поддерживаю идею"
    assert Proposal.objects.get().comments_count == 1
    with pytest.raises(PermissionDenied):
        services.comment_hide(comment=comment, actor=UserFactory())
    services.comment_hide(comment=comment, actor=MunicipalStaffFactory(municipality=proposal.municipality))
    assert Comment.objects.get().is_hidden
    assert Proposal.objects.get().comments_count == 0


def test_an_empty_comment_and_a_comment_on_a_draft_are_refused():
    with pytest.raises(ValidationError) as exc:
        services.proposal_comment(proposal=ProposalFactory(), actor=UserFactory(), text="  ")
    assert _codes(exc.value) == {"required"}
    with pytest.raises(ValidationError) as exc:
        services.proposal_comment(proposal=ProposalFactory(status=ProposalStatus.DRAFT), actor=UserFactory(), text="a")
    assert _codes(exc.value) == {"draft"}


def test_hiding_twice_counts_once():
    comment = CommentFactory(proposal=ProposalFactory(comments_count=1))
    staff = MunicipalStaffFactory(municipality=comment.proposal.municipality)
    services.comment_hide(comment=comment, actor=staff)
    services.comment_hide(comment=comment, actor=staff)
    assert Proposal.objects.get().comments_count == 0
    services.comment_hide(comment=comment, actor=staff, hidden=False)
    assert Proposal.objects.get().comments_count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_are_all_counted():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database for a write, so the race this test provokes cannot happen there")
    proposal = ProposalFactory(support_threshold=1000)
    residents = [ResidentFactory(residence=proposal.municipality) for _ in range(8)]
    barrier = threading.Barrier(len(residents) * 2)

    def support(resident):
        try:
            barrier.wait()
            services.proposal_support(proposal=Proposal.objects.get(pk=proposal.pk), actor=resident)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=support, args=(r,)) for r in residents * 2]  # each clicks twice at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    proposal.refresh_from_db()
    assert proposal.supports_count == Support.objects.filter(proposal=proposal).count() == len(residents)
