"""Participatory-budget votes through their services: ballots of each type validated on the server, change
allowed or not, closed and ineligible refused, a repeated submission is the same ballot, paper ballots counted
once, tallies hidden until close, results under both rules with explanations, receipts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.models import AuditEntry
from localbridge.participation.models import (
    Ballot,
    BallotChoice,
    BallotType,
    OutcomeRule,
    Proposal,
    ProposalStatus,
    VoteResult,
    VoteStatus,
)
from localbridge.participation.selectors_votes import (
    ballots_so_far,
    my_ballots,
    results_visible,
    vote_list,
    vote_results,
)
from localbridge.participation.services.votes import (
    ballot_cast,
    ballot_enter_paper,
    receipt_check,
    results_compute,
    vote_create,
    vote_move,
    vote_update,
)
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import NOW, VoteFactory, vote_resident, vote_staff, vote_with_projects

pytestmark = pytest.mark.django_db


def _codes(exc):
    if hasattr(exc.value, "error_dict"):
        return {e.code for errors in exc.value.error_dict.values() for e in errors}
    return {e.code for e in exc.value.error_list}


def _cast(vote, user, choices, key="k1", now=NOW):
    return ballot_cast(vote=vote, actor=user, choices=choices, request_key=key, now=now)


def _pick(*projects):
    return {p.pk: 1 for p in projects}


# --- ballot types -------------------------------------------------------------------------------------------------


def test_approval_ballot_is_recorded_with_a_receipt_and_counted():
    vote, (a, b, _c) = vote_with_projects()
    user = vote_resident(vote.municipality)
    ballot = _cast(vote, user, _pick(a, b))
    assert ballot.voter == user and ballot.voter_key == f"u{user.pk}" and not ballot.is_paper
    assert len(ballot.receipt) == 14
    assert set(BallotChoice.objects.filter(ballot=ballot).values_list("project_id", flat=True)) == {a.pk, b.pk}
    assert ballots_so_far(vote) == 1


def test_approval_ballot_over_the_maximum_is_refused():
    vote, projects = vote_with_projects(max_choices=2)
    with pytest.raises(ValidationError) as exc:
        _cast(vote, vote_resident(vote.municipality), _pick(*projects))
    assert _codes(exc) == {"too_many"}
    assert not Ballot.objects.exists()


def test_approval_ballot_under_the_minimum_is_refused():
    vote, (a, _b, _c) = vote_with_projects(min_choices=2, max_choices=3)
    with pytest.raises(ValidationError) as exc:
        _cast(vote, vote_resident(vote.municipality), _pick(a))
    assert _codes(exc) == {"too_few"}


def test_empty_ballot_is_refused():
    vote, (a, _b, _c) = vote_with_projects()
    with pytest.raises(ValidationError) as exc:
        _cast(vote, vote_resident(vote.municipality), {a.pk: 0})
    assert _codes(exc) == {"empty"}


def test_project_of_another_vote_is_refused():
    vote, _projects = vote_with_projects()
    _other, (foreign, *_rest) = vote_with_projects()
    with pytest.raises(ValidationError) as exc:
        _cast(vote, vote_resident(vote.municipality), _pick(foreign))
    assert _codes(exc) == {"unknown_project"}


def test_knapsack_ballot_must_fit_the_budget():
    vote, (a, b, c) = vote_with_projects(ballot_type=BallotType.KNAPSACK, max_choices=None)
    user = vote_resident(vote.municipality)
    with pytest.raises(ValidationError) as exc:
        _cast(vote, user, _pick(a, b, c))  # 120 000 > 100 000
    assert _codes(exc) == {"over_budget"}
    assert "120" in " ".join(exc.value.messages)
    assert _cast(vote, user, _pick(a, c)).pk  # 90 000


def test_cumulative_ballot_spreads_at_most_the_points():
    vote, (a, b, _c) = vote_with_projects(ballot_type=BallotType.CUMULATIVE, points=5, max_choices=None)
    user = vote_resident(vote.municipality)
    with pytest.raises(ValidationError) as exc:
        _cast(vote, user, {a.pk: 4, b.pk: 2})
    assert _codes(exc) == {"points_over_total"}
    with pytest.raises(ValidationError) as exc:
        _cast(vote, user, {a.pk: -1, b.pk: 2})
    assert "points_invalid" in _codes(exc)
    ballot = _cast(vote, user, {a.pk: 3, b.pk: 2})
    assert dict(BallotChoice.objects.filter(ballot=ballot).values_list("project_id", "points")) == {a.pk: 3, b.pk: 2}


def test_points_on_an_approval_ballot_are_refused():
    vote, (a, _b, _c) = vote_with_projects()
    with pytest.raises(ValidationError) as exc:
        _cast(vote, vote_resident(vote.municipality), {a.pk: 3})
    assert _codes(exc) == {"points_unexpected"}


def test_choose_one_ballot_takes_exactly_one_project():
    vote, (a, b, _c) = vote_with_projects(ballot_type=BallotType.CHOOSE_ONE, max_choices=None)
    user = vote_resident(vote.municipality)
    with pytest.raises(ValidationError) as exc:
        _cast(vote, user, _pick(a, b))
    assert _codes(exc) == {"not_exactly_one"}
    assert _cast(vote, user, _pick(b)).pk


# --- changing, repeating, refusing ---------------------------------------------------------------------------------


def test_ballot_is_replaced_when_the_vote_allows_change():
    vote, (a, b, c) = vote_with_projects(allow_change=True)
    user = vote_resident(vote.municipality)
    first = _cast(vote, user, _pick(a, b), key="k1")
    second = _cast(vote, user, _pick(c), key="k2", now=NOW + timedelta(hours=1))
    assert second.pk == first.pk and second.receipt == first.receipt
    assert list(BallotChoice.objects.filter(ballot=first).values_list("project_id", flat=True)) == [c.pk]
    assert ballots_so_far(vote) == 1 == Ballot.objects.count()


def test_ballot_cannot_be_changed_when_the_vote_forbids_it():
    vote, (a, b, _c) = vote_with_projects(allow_change=False)
    user = vote_resident(vote.municipality)
    _cast(vote, user, _pick(a), key="k1")
    with pytest.raises(ValidationError) as exc:
        _cast(vote, user, _pick(b), key="k2")
    assert _codes(exc) == {"voted"}
    assert list(BallotChoice.objects.values_list("project_id", flat=True)) == [a.pk]


def test_repeated_submission_is_the_same_ballot():
    """A double click or a retry carries the same request_key: nothing is written twice, nothing changes."""
    vote, (a, b, _c) = vote_with_projects(allow_change=False)
    user = vote_resident(vote.municipality)
    first = _cast(vote, user, _pick(a), key="same")
    again = _cast(vote, user, _pick(a), key="same")
    also = _cast(vote, user, _pick(b), key="same")  # whatever the repeat carries, the recorded ballot stands
    assert first.pk == again.pk == also.pk
    assert list(BallotChoice.objects.values_list("project_id", flat=True)) == [a.pk]
    assert ballots_so_far(vote) == 1
    assert AuditEntry.objects.filter(action="ballot_created").count() == 1


def test_a_late_retry_of_a_replaced_submission_does_not_bring_the_old_choice_back():
    """The voter chose A, then changed to B; the retry of the first submission, stuck in a network, arrives last:
    it is a repeat (the ballot answers as recorded), not a change back to A."""
    vote, (a, b, _c) = vote_with_projects(allow_change=True)
    user = vote_resident(vote.municipality)
    first = _cast(vote, user, _pick(a), key="k1")
    _cast(vote, user, _pick(b), key="k2")
    late = _cast(vote, user, _pick(a), key="k1")
    assert late.pk == first.pk
    assert list(BallotChoice.objects.values_list("project_id", flat=True)) == [b.pk]
    assert Ballot.objects.get().earlier_keys == ["k1"]
    _cast(vote, user, _pick(a), key="k3")  # a new submission still changes it
    assert list(BallotChoice.objects.values_list("project_id", flat=True)) == [a.pk]
    assert AuditEntry.objects.filter(action="ballot_changed").count() == 2


def test_ballot_outside_the_voting_window_is_refused():
    vote, (a, *_rest) = vote_with_projects()
    user = vote_resident(vote.municipality)
    with pytest.raises(ValidationError) as exc:
        _cast(vote, user, _pick(a), now=vote.closes_at)
    assert _codes(exc) == {"vote_not_open"}
    with pytest.raises(ValidationError) as exc:
        _cast(vote, user, _pick(a), now=vote.opens_at - timedelta(seconds=1))
    assert _codes(exc) == {"vote_not_open"}


@pytest.mark.parametrize("status", [VoteStatus.DRAFT, VoteStatus.CLOSED, VoteStatus.PUBLISHED])
def test_ballot_on_a_vote_not_open_is_refused(status):
    vote, (a, *_rest) = vote_with_projects(status=status)
    with pytest.raises(ValidationError) as exc:
        _cast(vote, vote_resident(vote.municipality), _pick(a))
    assert _codes(exc) == {"vote_not_open"}


def test_ineligible_voters_are_refused():
    vote, (a, *_rest) = vote_with_projects(min_age=18)
    outsider = vote_resident(MunicipalityFactory())
    young = vote_resident(vote.municipality, birth_year=NOW.year - 16)
    for user, code in ((outsider, "not_resident"), (young, "too_young")):
        with pytest.raises(ValidationError) as exc:
            _cast(vote, user, _pick(a))
        assert code in _codes(exc)
    with pytest.raises(PermissionDenied):
        _cast(vote, None, _pick(a))
    assert not Ballot.objects.exists()


def test_ballots_are_rate_limited_per_user(settings):
    settings.PARTICIPATION_BALLOT_RATE = (3, 60)
    vote, (a, b, _c) = vote_with_projects()
    user = vote_resident(vote.municipality)
    for n in range(3):
        _cast(vote, user, _pick(a if n % 2 else b), key=f"k{n}")
    with pytest.raises(ValidationError) as exc:
        _cast(vote, user, _pick(a), key="k9")
    assert _codes(exc) == {"rate_limited"}


# --- paper ballots ---------------------------------------------------------------------------------------------------


def test_paper_ballot_is_counted_once_and_marked():
    vote, (a, b, _c) = vote_with_projects()
    staff = vote_staff(vote.municipality)
    ballot = ballot_enter_paper(vote=vote, actor=staff, choices=_pick(a), paper_number="0042", now=NOW)
    assert ballot.is_paper and ballot.entered_by == staff and ballot.voter is None
    assert ballot.voter_key == "paper-0042"
    with pytest.raises(ValidationError) as exc:
        ballot_enter_paper(vote=vote, actor=staff, choices=_pick(b), paper_number="0042", now=NOW)
    assert _codes(exc) == {"paper_duplicate"}
    assert ballots_so_far(vote) == 1
    assert list(BallotChoice.objects.values_list("project_id", flat=True)) == [a.pk]


def test_paper_ballots_are_entered_by_staff_only_and_validated():
    vote, (a, b, c) = vote_with_projects()
    with pytest.raises(PermissionDenied):
        ballot_enter_paper(
            vote=vote, actor=vote_resident(vote.municipality), choices=_pick(a), paper_number="1", now=NOW
        )
    with pytest.raises(ValidationError) as exc:
        ballot_enter_paper(
            vote=vote, actor=vote_staff(vote.municipality), choices=_pick(a, b, c), paper_number="1", now=NOW
        )
    assert _codes(exc) == {"too_many"}


def test_paper_ballots_may_be_entered_after_closing_until_publication():
    vote, (a, *_rest) = vote_with_projects(status=VoteStatus.CLOSED)
    staff = vote_staff(vote.municipality)
    assert ballot_enter_paper(vote=vote, actor=staff, choices=_pick(a), paper_number="7", now=NOW).is_paper
    vote.status = VoteStatus.PUBLISHED
    vote.save()
    with pytest.raises(ValidationError):
        ballot_enter_paper(vote=vote, actor=staff, choices=_pick(a), paper_number="8", now=NOW)


# --- receipts ----------------------------------------------------------------------------------------------------


def test_receipt_shows_that_a_ballot_was_recorded_and_nothing_else():
    vote, (a, *_rest) = vote_with_projects()
    ballot = _cast(vote, vote_resident(vote.municipality), _pick(a))
    assert receipt_check(vote=vote, receipt=ballot.receipt.lower().replace("-", " ")) == ballot.updated_at
    assert receipt_check(vote=vote, receipt="AAAA-BBBB-CCCC") is None
    assert receipt_check(vote=vote, receipt="") is None
    other, _projects = vote_with_projects()
    assert receipt_check(vote=other, receipt=ballot.receipt) is None


# --- creating, opening, closing, results ------------------------------------------------------------------------------


def test_staff_create_a_vote_from_a_list_and_from_proposals():
    municipality = MunicipalityFactory()
    staff = vote_staff(municipality)
    author = UserFactory()
    accepted = Proposal.objects.create(
        municipality=municipality,
        title="Сквер",
        author=author,
        status=ProposalStatus.ACCEPTED,
        estimated_cost=Decimal("80000"),
        residents_contribution=Decimal("5000"),
    )
    Proposal.objects.create(municipality=municipality, title="Черновик", author=author)
    vote = vote_create(
        municipality=municipality,
        actor=staff,
        title="Бюджет 2027",
        budget="150000",
        projects=[{"title": "Детская площадка", "cost": "60000"}],
        from_proposals=True,
        ballot_type=BallotType.KNAPSACK,
        now=NOW,
    )
    assert vote.status == VoteStatus.DRAFT and vote.budget == Decimal("150000.00")
    projects = list(vote.projects.order_by("position"))
    assert [p.title for p in projects] == ["Детская площадка", "Сквер"]
    assert projects[1].proposal == accepted and projects[1].cost == Decimal("75000.00")
    with pytest.raises(PermissionDenied):
        vote_create(municipality=municipality, actor=author, title="x", budget=1)


def test_vote_settings_are_validated():
    municipality = MunicipalityFactory()
    staff = vote_staff(municipality)
    with pytest.raises(ValidationError) as exc:
        vote_create(
            municipality=municipality,
            actor=staff,
            title="",
            budget=0,
            ballot_type=BallotType.CUMULATIVE,
            opens_at=NOW,
            closes_at=NOW - timedelta(days=1),
        )
    assert _codes(exc) == {"required", "budget_not_positive", "points_required", "closes_before_opens"}


def test_vote_opens_closes_and_publishes_with_results_hidden_until_close():
    municipality = MunicipalityFactory()
    staff = vote_staff(municipality)
    vote = vote_create(
        municipality=municipality,
        actor=staff,
        title="Бюджет",
        budget="100000",
        projects=[{"title": "A", "cost": "60000"}, {"title": "B", "cost": "50000"}, {"title": "C", "cost": "40000"}],
        max_choices=2,
        opens_at=NOW,
        closes_at=NOW + timedelta(days=7),
        now=NOW,
    )
    vote_update(vote=vote, actor=staff, min_age=0, now=NOW)
    assert vote not in vote_list(user=UserFactory())
    vote_move(vote=vote, actor=staff, action="open", now=NOW)
    a, b, c = vote.projects.order_by("position")
    for i in range(3):
        _cast(vote, vote_resident(municipality), _pick(a, c), now=NOW + timedelta(hours=i))
    _cast(vote, vote_resident(municipality), _pick(b), now=NOW + timedelta(hours=5))
    public = UserFactory()
    assert vote in vote_list(user=public)
    assert vote_results(vote=vote, user=public) == [] == vote_results(vote=vote, user=staff)
    with pytest.raises(ValidationError) as exc:
        vote_move(vote=vote, actor=staff, action="close", now=NOW + timedelta(days=1))
    assert _codes(exc) == {"still_open"}
    vote_move(vote=vote, actor=staff, action="close", now=NOW + timedelta(days=7))
    assert not results_visible(vote=vote, user=public) and vote_results(vote=vote, user=public) == []
    staff_rows = vote_results(vote=vote, user=staff)
    assert {r.project.title for r in staff_rows if r.funded} == {"A", "C"}  # 60 000 + 40 000 fit exactly
    vote_move(vote=vote, actor=staff, action="publish", now=NOW + timedelta(days=8))
    rows = vote_results(vote=vote, user=public)
    assert {r.project.title: r.votes for r in rows} == {"A": 3, "B": 1, "C": 3}
    assert all(r.explanation for r in rows)


def test_open_needs_projects_and_dates():
    municipality = MunicipalityFactory()
    staff = vote_staff(municipality)
    vote = vote_create(municipality=municipality, actor=staff, title="Пусто", budget=1000, now=NOW)
    with pytest.raises(ValidationError) as exc:
        vote_move(vote=vote, actor=staff, action="open", now=NOW)
    assert _codes(exc) == {"no_projects", "dates_required"}
    with pytest.raises(PermissionDenied):
        vote_move(vote=vote, actor=UserFactory(), action="open", now=NOW)


def _results_vote(rule):
    """Budget 100 000; A 60 000 (3 voters), B 50 000 (2 others), C 40 000 (the same 3 as A)."""
    vote, (a, b, c) = vote_with_projects(costs=(60000, 50000, 40000), rule=rule, max_choices=3)
    for _ in range(3):
        _cast(vote, vote_resident(vote.municipality), _pick(a, c), key="x")
    for _ in range(2):
        _cast(vote, vote_resident(vote.municipality), _pick(b), key="x")
    vote.status = VoteStatus.CLOSED
    vote.save()
    return vote, (a, b, c)


def test_results_under_greedy_fund_by_votes_and_explain():
    vote, (a, b, c) = _results_vote(OutcomeRule.GREEDY)
    rows = results_compute(vote=vote, now=NOW)
    by_project = {r.project_id: r for r in rows}
    assert by_project[a.pk].funded and by_project[c.pk].funded and not by_project[b.pk].funded
    assert by_project[b.pk].reason == "does_not_fit"
    assert by_project[b.pk].params == {"rank": 3, "remaining": "0", "shortfall": "50000"}
    vote.status = VoteStatus.PUBLISHED
    vote.save()
    text = {r.project.pk: r.explanation for r in vote_results(vote=vote, user=None)}
    assert "3" in text[b.pk] and "50" in text[b.pk]


def test_results_under_equal_shares_give_the_minority_its_share():
    vote, (a, b, c) = _results_vote(OutcomeRule.MES)
    rows = results_compute(vote=vote, now=NOW)
    by_project = {r.project_id: r for r in rows}
    # Five voters, 20 000 each. B's two supporters hold 40 000 < 50 000; C costs its three supporters less per
    # vote than A, and after paying for C they hold 20 000 < 60 000 for A.
    assert {pk for pk, r in by_project.items() if r.funded} == {c.pk}
    assert by_project[c.pk].reason == "mes_funded" and by_project[c.pk].params["supporters"] == 3
    assert by_project[b.pk].reason == by_project[a.pk].reason == "mes_unaffordable"
    assert by_project[b.pk].params["supporters_money"] == "40000"
    assert VoteResult.objects.filter(vote=vote).count() == 3
    assert all(isinstance(v, (str, int)) for r in rows for v in r.params.values())


def test_results_are_computed_only_once_closed():
    vote, _projects = vote_with_projects()
    with pytest.raises(ValidationError) as exc:
        results_compute(vote=vote, now=NOW)
    assert _codes(exc) == {"vote_not_closed"}


def test_my_ballots_lists_the_residents_own_ballots():
    vote, (a, *_rest) = vote_with_projects()
    user = vote_resident(vote.municipality)
    ballot = _cast(vote, user, _pick(a))
    _cast(vote, vote_resident(vote.municipality), _pick(a))
    assert list(my_ballots(user)) == [ballot]
    assert list(my_ballots(None)) == []
    assert ballots_so_far(vote) == 2


def test_draft_votes_are_visible_to_their_staff_only():
    vote = VoteFactory(status=VoteStatus.DRAFT)
    assert vote in vote_list(user=vote_staff(vote.municipality))
    assert vote not in vote_list(user=vote_staff(MunicipalityFactory()))
    assert vote not in vote_list(user=None)
