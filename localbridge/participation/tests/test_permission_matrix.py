"""The permission matrix of resident participation: each role against each action, allowed and denied, through the
real pages (the Django test client and the URL names of urls*.py) and through the services, which check again
what a page checks (and refuse with an error code where a page only shows a message).

test_rules.py holds the narrower matrix of the django-rules predicates for residence and proposals; this file is
the whole matrix of what a person can do, as docs/participation.md's "Roles" table states it.

Roles (one column of each table, in this order):

    anon    an anonymous visitor
    unver   a signed-in user who claimed residence in the municipality; the claim is not confirmed yet
    res     a confirmed resident of the municipality, born 1985
    young   a confirmed resident of the municipality, 15 years old (votes and proposals take 16+, hearings 18+)
    other   a confirmed resident of another municipality
    chair   the chair of a ТОС of the municipality (not a resident by that)
    staff   the municipality's staff (a staff membership in its administration)
    ostaff  the staff of another municipality
    admin   platform staff (is_staff)

Everyone signed in is an adult with a birth year in the profile (except `young`), so a refusal names the one thing
that is missing.

Outcomes of a page:

    LOGIN    redirected to the sign-in page
    DONE     redirected back, and the write happened
    REFUSED  redirected back with a message, and nothing was written
    200      the page is shown
    400      the form is shown again with the reason, nothing written
    403      refused (PermissionDenied)
    404      not there for this role (a draft is shown to its municipality's staff only)
    SEEN     the page (200) shows the thing the row is about; UNSEEN: it does not
    LEAK     the survey's export carries the respondents' e-mails; NO_LEAK: it does not (refused, or without them)

Outcomes of a service: OK, DENIED (PermissionDenied), HIDDEN (a selector gives nothing), or the code of the
ValidationError (codes joined with "+" when several).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import Organization
from localbridge.participation import selectors_votes
from localbridge.participation import services as proposal_services
from localbridge.participation.models import (
    Ballot,
    Comment,
    HearingProposal,
    HearingRegistration,
    HearingStatus,
    ProposalStatus,
    Residency,
    ResidencyStatus,
    Support,
    SurveyResponse,
    SurveyStatus,
    VoteStatus,
)
from localbridge.participation.services import hearings as hearing_services
from localbridge.participation.services import surveys as survey_services
from localbridge.participation.services import votes as vote_services
from localbridge.participation.tests.factories import (
    CommentFactory,
    HearingFactory,
    MunicipalStaffFactory,
    ProposalFactory,
    QuestionFactory,
    ResidencyFactory,
    ResidentFactory,
    SurveyFactory,
    resident,
    tos_with_chair,
    vote_resident,
    vote_with_projects,
)
from localbridge.territories.models import Municipality
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

ROLES = ("anon", "unver", "res", "young", "other", "chair", "staff", "ostaff", "admin")

LOGIN, DONE, REFUSED = "login", "done", "refused"
OK, DENIED, HIDDEN = "ok", "denied", "hidden"
# Rows about what a page shows: whether a page (200) shows the thing or not; whether the survey export carries the
# respondents' e-mails (only the staff's does).
SEEN, UNSEEN = "seen", "unseen"
LEAK, NO_LEAK = "e-mails in the file", "no e-mails"


# --- the world of one test: a municipality, its ТОС, and the actor of the role ---------------------------------


@dataclass
class Place:
    municipality: Municipality
    tos: Organization
    chair: Any


@pytest.fixture
def place() -> Place:
    municipality = MunicipalityFactory()
    tos, chair = tos_with_chair(municipality, chair=UserFactory(birth_year=1980))
    return Place(municipality=municipality, tos=tos, chair=chair)


def make_actor(role: str, place: Place) -> Any:
    municipality = place.municipality
    if role == "anon":
        return AnonymousUser()
    if role == "unver":
        return ResidencyFactory(municipality=municipality, status=ResidencyStatus.CLAIMED).user
    if role == "res":
        return ResidentFactory(residence=municipality)
    if role == "young":
        return ResidentFactory(residence=municipality, birth_year=timezone.localdate().year - 15)
    if role == "other":
        return ResidentFactory(residence=MunicipalityFactory())
    if role == "chair":
        return place.chair
    if role == "staff":
        return MunicipalStaffFactory(municipality=municipality, birth_year=1980)
    if role == "ostaff":
        return MunicipalStaffFactory(municipality=MunicipalityFactory(), birth_year=1980)
    if role == "admin":
        return UserFactory(is_staff=True, birth_year=1980)
    raise AssertionError(role)


def _rows(matrix: dict[str, tuple[Any, ...]], known_bugs: dict[tuple[str, str], str]) -> list[Any]:
    """(role, action, expected) rows from a table of one row per action and one column per role."""
    rows = []
    for action, outcomes in matrix.items():
        assert len(outcomes) == len(ROLES), action
        for role, expected in zip(ROLES, outcomes, strict=True):
            reason = known_bugs.get((action, role))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            rows.append(pytest.param(role, action, expected, id=f"{action}-{role}", marks=marks))
    return rows


def _codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code or "" for errors in exc.error_dict.values() for e in errors}
    return {e.code or "" for e in exc.error_list}


def _now():
    return timezone.now()


# --- the processes, each in the state an action needs ------------------------------------------------------------


def _vote(place: Place, state: str):
    """A two-project approval vote: "draft"; "open" (running, with one resident's ballot); "ended" (open, its
    closing time passed, one ballot); "closed" (results computed, not published); "published"."""
    now = _now()
    municipality = place.municipality
    if state in ("draft", "open"):
        vote, projects = vote_with_projects(
            costs=(40000, 30000),
            municipality=municipality,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=5),
            status=VoteStatus.DRAFT if state == "draft" else VoteStatus.OPEN,
        )
        if state == "open":
            vote_services.ballot_cast(
                vote=vote, actor=vote_resident(municipality), choices={projects[0].pk: 1}, request_key="setup"
            )
        return vote, projects
    vote, projects = vote_with_projects(
        costs=(40000, 30000),
        municipality=municipality,
        opens_at=now - timedelta(days=2),
        closes_at=now - timedelta(hours=1),
    )
    vote_services.ballot_cast(
        vote=vote,
        actor=vote_resident(municipality),
        choices={projects[0].pk: 1},
        request_key="setup",
        now=now - timedelta(days=1),
    )
    if state in ("closed", "published"):
        runner = UserFactory(is_staff=True)
        vote_services.vote_move(vote=vote, actor=runner, action="close", now=now)
        if state == "published":
            vote_services.vote_move(vote=vote, actor=runner, action="publish", now=now)
    vote.refresh_from_db()
    return vote, projects


def _survey(place: Place, *, closed: bool = False, anonymous: bool = True):
    """An open survey of one single-choice question; `closed` with one resident's response, then closed."""
    now = _now()
    survey = SurveyFactory(
        municipality=place.municipality,
        anonymous=anonymous,
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=5),
    )
    question = QuestionFactory(survey=survey)
    respondent = None
    if closed:
        respondent = resident(place.municipality)
        survey_services.response_submit(survey=survey, actor=respondent, answers={question.pk: 0})
        survey.status = SurveyStatus.CLOSED
        survey.closes_at = now - timedelta(minutes=1)
        survey.save()
    return survey, question, respondent


def _hearing(place: Place, *, started: bool = False):
    """An announced public hearing (18+): in 25 days with written proposals for 20 more days, or `started` 3 hours
    ago (its minutes may be published)."""
    now = _now()
    if started:
        return HearingFactory(
            municipality=place.municipality, starts_at=now - timedelta(hours=3), ends_at=None, proposals_until=None
        )
    return HearingFactory(
        municipality=place.municipality,
        starts_at=now + timedelta(days=25),
        ends_at=now + timedelta(days=25, hours=2),
        proposals_until=now + timedelta(days=20),
    )


# --- the pages ---------------------------------------------------------------------------------------------------

# Each page action sets its object up, makes the request as the actor and returns (response, done): whether the
# write it asks for happened (None for a page that only reads).
PageAction = Callable[[Any, Place, Any], tuple[Any, bool | None]]


def _url(name: str, *args: Any) -> str:
    return reverse(f"participation:{name}", args=args)


def read_proposal(client, place, actor):
    proposal = ProposalFactory(municipality=place.municipality)
    return client.get(_url("proposal_detail", proposal.pk)), None


def read_draft_proposal(client, place, actor):
    proposal = ProposalFactory(municipality=place.municipality, status=ProposalStatus.DRAFT)
    return client.get(_url("proposal_detail", proposal.pk)), None


def support_proposal(client, place, actor):
    proposal = ProposalFactory(municipality=place.municipality, support_threshold=10)
    response = client.post(_url("proposal_support", proposal.pk))
    return response, Support.objects.filter(proposal=proposal).exists()


def comment_proposal(client, place, actor):
    proposal = ProposalFactory(municipality=place.municipality)
    response = client.post(_url("proposal_comment", proposal.pk), {"text": "Поддерживаю, но нужен пандус."})
    return response, Comment.objects.filter(proposal=proposal).exists()


def _shown(response: Any, text: str) -> str:
    assert response.status_code == 200
    return SEEN if text in response.text else UNSEEN


def read_hidden_comment(client, place, actor):
    comment = CommentFactory(proposal=ProposalFactory(municipality=place.municipality), text="Скрытая реплика.")
    Comment.objects.filter(pk=comment.pk).update(is_hidden=True)
    return _shown(client.get(_url("proposal_detail", comment.proposal.pk)), comment.text), None


def hide_comment(client, place, actor):
    comment = CommentFactory(proposal=ProposalFactory(municipality=place.municipality))
    response = client.post(_url("comment_hide", comment.proposal.pk, comment.pk))
    comment.refresh_from_db()
    return response, comment.is_hidden


def cast_ballot(client, place, actor):
    vote, projects = _vote(place, "open")
    before = Ballot.objects.filter(vote=vote).count()
    response = client.post(_url("vote_ballot", vote.pk), {"request_key": "matrix", "project": [projects[1].pk]})
    return response, Ballot.objects.filter(vote=vote).count() > before


def enter_paper_ballot(client, place, actor):
    vote, projects = _vote(place, "open")
    data = {"request_key": "paper", "paper_number": "П-17", "project": [projects[1].pk]}
    response = client.post(_url("vote_paper", vote.pk), data)
    return response, Ballot.objects.filter(vote=vote, is_paper=True).exists()


def _move_vote(client, place, state: str, action: str, to: str):
    vote, _projects = _vote(place, state)
    response = client.post(_url("vote_move", vote.pk, action))
    vote.refresh_from_db()
    return response, vote.status == to


def open_vote(client, place, actor):
    return _move_vote(client, place, "draft", "open", VoteStatus.OPEN)


def close_vote(client, place, actor):
    return _move_vote(client, place, "ended", "close", VoteStatus.CLOSED)


def publish_vote(client, place, actor):
    return _move_vote(client, place, "closed", "publish", VoteStatus.PUBLISHED)


def manage_vote(client, place, actor):
    vote, _projects = _vote(place, "open")
    return client.get(_url("vote_manage", vote.pk)), None


def _vote_results(client, place, state: str):
    vote, _projects = _vote(place, state)
    response = client.get(_url("vote_results", vote.pk))
    if response.status_code == 200:
        assert response.context["rows"], "the results page lists the tallied projects"
    return response, None


def results_of_open_vote(client, place, actor):
    """Tallies stay hidden from everyone, the staff too, while the vote runs."""
    return _vote_results(client, place, "open")


def results_before_publication(client, place, actor):
    return _vote_results(client, place, "closed")


def results_published(client, place, actor):
    return _vote_results(client, place, "published")


def answer_survey(client, place, actor):
    survey, question, _respondent = _survey(place)
    response = client.post(_url("survey_answer", survey.pk), {f"q_{question.pk}": "0"})
    return response, SurveyResponse.objects.filter(survey=survey).exists()


def results_of_open_survey(client, place, actor):
    survey, _question, _respondent = _survey(place)
    return client.get(_url("survey_results", survey.pk)), None


def results_of_closed_survey(client, place, actor):
    survey, _question, _respondent = _survey(place, closed=True)
    return client.get(_url("survey_results", survey.pk)), None


def export_identified_survey(client, place, actor):
    """The responses of a closed survey that is not anonymous. The outcome is whether the downloaded file carries
    the respondents' e-mail addresses (LEAK) or not (NO_LEAK: refused, or a file without them)."""
    survey, _question, respondent = _survey(place, closed=True, anonymous=False)
    response = client.get(_url("survey_export", survey.pk, "csv"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    leaked = response.status_code == 200 and respondent.email.encode() in body
    return LEAK if leaked else NO_LEAK, None


def register_for_hearing(client, place, actor):
    hearing = _hearing(place)
    response = client.post(_url("hearing_register", hearing.pk), {"register": "1"})
    return response, HearingRegistration.objects.filter(hearing=hearing).exists()


def propose_at_hearing(client, place, actor):
    hearing = _hearing(place)
    response = client.post(_url("hearing_propose", hearing.pk), {"text": "Перенести остановку ближе к школе."})
    return response, HearingProposal.objects.filter(hearing=hearing).exists()


def _hearing_with_a_proposal(place: Place, *, held: bool):
    hearing = _hearing(place, started=held)
    proposal = HearingProposal.objects.create(
        hearing=hearing, author=resident(place.municipality), text="Сделать пешеходный переход у школы."
    )
    if held:
        hearing_services.hearing_move(
            hearing=hearing,
            actor=UserFactory(is_staff=True),
            action="held",
            minutes="Протокол.",
            decision="Одобрить.",
            attendance=1,
        )
    return hearing, proposal


def others_hearing_proposals(client, place, actor):
    """Someone else's written proposal before the hearing is held: the staff's (and its author's) only."""
    hearing, proposal = _hearing_with_a_proposal(place, held=False)
    return _shown(client.get(_url("hearing_detail", hearing.pk)), proposal.text), None


def hearing_proposals_when_held(client, place, actor):
    hearing, proposal = _hearing_with_a_proposal(place, held=True)
    return _shown(client.get(_url("hearing_detail", hearing.pk)), proposal.text), None


def manage_hearing(client, place, actor):
    hearing = _hearing(place)
    return client.get(_url("hearing_manage", hearing.pk)), None


def publish_hearing_minutes(client, place, actor):
    hearing = _hearing(place, started=True)
    data = {"action": "held", "minutes": "## Протокол\n\nВыступили 12 человек.", "decision": "Одобрить."}
    data["attendance"] = "12"
    response = client.post(_url("hearing_move", hearing.pk), data)
    hearing.refresh_from_db()
    return response, hearing.status == HearingStatus.HELD


def confirm_tos_claim(client, place, actor):
    """A claim of residence on the ТОС's territory, by someone else."""
    claim = ResidencyFactory(municipality=place.municipality, tos=place.tos)
    response = client.post(_url("residency_decide", claim.pk), {"decision": "confirm"})
    claim.refresh_from_db()
    return response, claim.status == ResidencyStatus.CONFIRMED


PAGE_ACTIONS: dict[str, PageAction] = {
    f.__name__: f
    for f in (
        read_proposal,
        read_draft_proposal,
        support_proposal,
        comment_proposal,
        read_hidden_comment,
        hide_comment,
        cast_ballot,
        enter_paper_ballot,
        open_vote,
        close_vote,
        publish_vote,
        manage_vote,
        results_of_open_vote,
        results_before_publication,
        results_published,
        answer_survey,
        results_of_open_survey,
        results_of_closed_survey,
        export_identified_survey,
        register_for_hearing,
        propose_at_hearing,
        others_hearing_proposals,
        hearing_proposals_when_held,
        manage_hearing,
        publish_hearing_minutes,
        confirm_tos_claim,
    )
}

# fmt: off
PAGE_MATRIX: dict[str, tuple[Any, ...]] = {
    #                               anon     unver    res      young    other    chair    staff    ostaff   admin
    # Proposals: anyone reads; only a confirmed resident of the territory, 16+, supports; anyone signed in comments.
    "read_proposal":               (200,     200,     200,     200,     200,     200,     200,     200,     200),
    "read_draft_proposal":         (404,     404,     404,     404,     404,     404,     200,     404,     200),
    "support_proposal":            (LOGIN,   REFUSED, DONE,    REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED),
    "comment_proposal":            (LOGIN,   DONE,    DONE,    DONE,    DONE,    DONE,    DONE,    DONE,    DONE),
    "read_hidden_comment":         (UNSEEN,  UNSEEN,  UNSEEN,  UNSEEN,  UNSEEN,  UNSEEN,  SEEN,    UNSEEN,  SEEN),
    "hide_comment":                (LOGIN,   403,     403,     403,     403,     403,     DONE,    403,     DONE),
    # Votes: ballots by eligible residents; paper ballots and the moves by the staff; tallies hidden until close.
    "cast_ballot":                 (LOGIN,   400,     DONE,    400,     400,     400,     400,     400,     400),
    "enter_paper_ballot":          (LOGIN,   403,     403,     403,     403,     403,     DONE,    403,     DONE),
    "open_vote":                   (LOGIN,   404,     404,     404,     404,     404,     DONE,    404,     DONE),
    "close_vote":                  (LOGIN,   403,     403,     403,     403,     403,     DONE,    403,     DONE),
    "publish_vote":                (LOGIN,   403,     403,     403,     403,     403,     DONE,    403,     DONE),
    "manage_vote":                 (LOGIN,   403,     403,     403,     403,     403,     200,     403,     200),
    "results_of_open_vote":        (403,     403,     403,     403,     403,     403,     403,     403,     403),
    "results_before_publication":  (403,     403,     403,     403,     403,     403,     200,     403,     200),
    "results_published":           (200,     200,     200,     200,     200,     200,     200,     200,     200),
    # Surveys: answers by eligible residents; results public once over, the staff's at any time.
    "answer_survey":               (LOGIN,   400,     DONE,    400,     400,     400,     400,     400,     400),
    "results_of_open_survey":      (404,     404,     404,     404,     404,     404,     200,     404,     200),
    "results_of_closed_survey":    (200,     200,     200,     200,     200,     200,     200,     200,     200),
    "export_identified_survey":    (NO_LEAK, NO_LEAK, NO_LEAK, NO_LEAK, NO_LEAK, NO_LEAK, LEAK,    NO_LEAK, LEAK),
    # Hearings (18+): registration and written proposals by eligible residents; the management by the staff.
    "register_for_hearing":        (LOGIN,   REFUSED, DONE,    REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED),
    "propose_at_hearing":          (LOGIN,   400,     DONE,    400,     400,     400,     400,     400,     400),
    "others_hearing_proposals":    (UNSEEN,  UNSEEN,  UNSEEN,  UNSEEN,  UNSEEN,  UNSEEN,  SEEN,    UNSEEN,  SEEN),
    "hearing_proposals_when_held": (SEEN,    SEEN,    SEEN,    SEEN,    SEEN,    SEEN,    SEEN,    SEEN,    SEEN),
    "manage_hearing":              (LOGIN,   403,     403,     403,     403,     403,     200,     403,     200),
    "publish_hearing_minutes":     (LOGIN,   403,     403,     403,     403,     403,     DONE,    403,     DONE),
    # Residence: a claim on a ТОС's territory is confirmed by its chair or by the municipality's staff.
    "confirm_tos_claim":           (LOGIN,   403,     403,     403,     403,     DONE,    DONE,    403,     DONE),
}
# fmt: on

# Known bugs as (action, role) → reason, marked xfail(strict=True) until fixed; none now.
PAGE_BUGS: dict[tuple[str, str], str] = {}


def _page_outcome(response: Any, done: bool | None) -> Any:
    if isinstance(response, str):  # an action that reports its own outcome
        return response
    if response.status_code == 302:
        if response["Location"].startswith(reverse("account_login")):
            assert not done
            return LOGIN
        assert done is not None, "a reading page does not redirect"
        return DONE if done else REFUSED
    assert not done, f"answered {response.status_code} but wrote"
    return response.status_code


@pytest.mark.parametrize(("role", "action", "expected"), _rows(PAGE_MATRIX, PAGE_BUGS))
def test_page_matrix(client, place, role, action, expected):
    actor = make_actor(role, place)
    if role != "anon":
        client.force_login(actor)
    response, done = PAGE_ACTIONS[action](client, place, actor)
    assert _page_outcome(response, done) == expected


# --- the services ------------------------------------------------------------------------------------------------

# Each service action sets its object up and calls the service (or the selector) as the actor; it returns HIDDEN
# when a selector gives nothing, else None (OK).
ServiceAction = Callable[[Place, Any], str | None]


def svc_support_proposal(place, actor):
    proposal = ProposalFactory(municipality=place.municipality, support_threshold=10)
    proposal_services.proposal_support(proposal=proposal, actor=actor)


def svc_comment_proposal(place, actor):
    proposal = ProposalFactory(municipality=place.municipality)
    proposal_services.proposal_comment(proposal=proposal, actor=actor, text="Нужен пандус.")


def svc_hide_comment(place, actor):
    comment = CommentFactory(proposal=ProposalFactory(municipality=place.municipality))
    proposal_services.comment_hide(comment=comment, actor=actor)


def svc_answer_proposal(place, actor):
    proposal = ProposalFactory(municipality=place.municipality, status=ProposalStatus.UNDER_REVIEW)
    proposal_services.proposal_answer(proposal=proposal, actor=actor, decision="accept")


def svc_propose_for_tos(place, actor):
    """A proposal on behalf of the ТОС: its chair's."""
    proposal_services.proposal_create(
        actor=actor, municipality=place.municipality, title="Освещение двора", proposer_tos=place.tos
    )


def svc_cast_ballot(place, actor):
    vote, projects = _vote(place, "open")
    vote_services.ballot_cast(vote=vote, actor=actor, choices={projects[1].pk: 1}, request_key="matrix")


def svc_enter_paper_ballot(place, actor):
    vote, projects = _vote(place, "open")
    vote_services.ballot_enter_paper(vote=vote, actor=actor, choices={projects[1].pk: 1}, paper_number="П-17")


def svc_open_vote(place, actor):
    vote, _projects = _vote(place, "draft")
    vote_services.vote_move(vote=vote, actor=actor, action="open")


def svc_close_vote(place, actor):
    vote, _projects = _vote(place, "ended")
    vote_services.vote_move(vote=vote, actor=actor, action="close")


def svc_publish_vote(place, actor):
    vote, _projects = _vote(place, "closed")
    vote_services.vote_move(vote=vote, actor=actor, action="publish")


def svc_compute_results(place, actor):
    vote, _projects = _vote(place, "closed")
    vote_services.results_compute(vote=vote, actor=actor)


def svc_tallies_of_open_vote(place, actor):
    vote, _projects = _vote(place, "open")
    return None if selectors_votes.vote_results(vote=vote, user=actor) else HIDDEN


def svc_tallies_before_publication(place, actor):
    vote, _projects = _vote(place, "closed")
    return None if selectors_votes.vote_results(vote=vote, user=actor) else HIDDEN


def svc_answer_survey(place, actor):
    survey, question, _respondent = _survey(place)
    survey_services.response_submit(survey=survey, actor=actor, answers={question.pk: 0})


def svc_close_survey(place, actor):
    survey, _question, _respondent = _survey(place)
    survey_services.survey_move(survey=survey, actor=actor, action="close")


def svc_register_for_hearing(place, actor):
    hearing_services.registration_toggle(hearing=_hearing(place), actor=actor)


def svc_propose_at_hearing(place, actor):
    hearing_services.proposal_submit(hearing=_hearing(place), actor=actor, text="Перенести остановку.")


def svc_publish_hearing_minutes(place, actor):
    hearing = _hearing(place, started=True)
    hearing_services.hearing_move(
        hearing=hearing, actor=actor, action="held", minutes="Протокол.", decision="Одобрить.", attendance=12
    )


def svc_answer_hearing_proposal(place, actor):
    hearing = _hearing(place)
    proposal = HearingProposal.objects.create(hearing=hearing, author=resident(place.municipality), text="Текст.")
    hearing_services.proposal_answer(proposal=proposal, actor=actor, answer="Учтено.")


def svc_mark_attendance(place, actor):
    hearing = _hearing(place, started=True)
    hearing_services.attendance_mark(hearing=hearing, actor=actor, attended_user_ids=[])


SERVICE_ACTIONS: dict[str, ServiceAction] = {
    f.__name__.removeprefix("svc_"): f
    for f in (
        svc_support_proposal,
        svc_comment_proposal,
        svc_hide_comment,
        svc_answer_proposal,
        svc_propose_for_tos,
        svc_cast_ballot,
        svc_enter_paper_ballot,
        svc_open_vote,
        svc_close_vote,
        svc_publish_vote,
        svc_compute_results,
        svc_tallies_of_open_vote,
        svc_tallies_before_publication,
        svc_answer_survey,
        svc_close_survey,
        svc_register_for_hearing,
        svc_propose_at_hearing,
        svc_publish_hearing_minutes,
        svc_answer_hearing_proposal,
        svc_mark_attendance,
    )
}

NR, TY, NC = "not_resident", "too_young", "not_chair"

# fmt: off
SERVICE_MATRIX: dict[str, tuple[Any, ...]] = {
    #                               anon    unver   res     young   other   chair   staff   ostaff  admin
    "support_proposal":            (DENIED, NR,     OK,     TY,     NR,     NR,     NR,     NR,     NR),
    "comment_proposal":            (DENIED, OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "hide_comment":                (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "answer_proposal":             (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "propose_for_tos":             (DENIED, NC,     NC,     NC,     NC,     OK,     NC,     NC,     NC),
    "cast_ballot":                 (DENIED, NR,     OK,     TY,     NR,     NR,     NR,     NR,     NR),
    "enter_paper_ballot":          (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "open_vote":                   (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "close_vote":                  (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "publish_vote":                (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "compute_results":             (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "tallies_of_open_vote":        (HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "tallies_before_publication":  (HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK,     HIDDEN, OK),
    "answer_survey":               (DENIED, NR,     OK,     TY,     NR,     NR,     NR,     NR,     NR),
    "close_survey":                (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "register_for_hearing":        (DENIED, NR,     OK,     TY,     NR,     NR,     NR,     NR,     NR),
    "propose_at_hearing":          (DENIED, NR,     OK,     TY,     NR,     NR,     NR,     NR,     NR),
    "publish_hearing_minutes":     (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "answer_hearing_proposal":     (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "mark_attendance":             (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
}
# fmt: on


def _service_outcome(call: Callable[[], str | None]) -> str:
    try:
        result = call()
    except PermissionDenied:
        return DENIED
    except ValidationError as exc:
        return "+".join(sorted(_codes(exc)))
    return result or OK


@pytest.mark.parametrize(("role", "action", "expected"), _rows(SERVICE_MATRIX, {}))
def test_service_matrix(place, role, action, expected):
    actor = make_actor(role, place)
    assert _service_outcome(lambda: SERVICE_ACTIONS[action](place, actor)) == expected


# --- a process of one ТОС's territory ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        pytest.param("municipal_resident", NR, id="a resident of the municipality, not of the TOS"),
        pytest.param("tos_resident", OK, id="a resident of the TOS"),
        pytest.param("chair", NR, id="the chair of the TOS, not a resident"),
    ],
)
def test_a_vote_of_a_tos_territory_takes_only_its_residents(place, who, expected):
    actor = {
        "municipal_resident": lambda: ResidentFactory(residence=place.municipality),
        "tos_resident": lambda: ResidentFactory(residence=place.municipality, residence__tos=place.tos),
        "chair": lambda: place.chair,
    }[who]()
    vote, projects = vote_with_projects(
        costs=(40000, 30000),
        municipality=place.municipality,
        tos=place.tos,
        opens_at=_now() - timedelta(days=1),
        closes_at=_now() + timedelta(days=5),
    )

    def cast() -> None:
        vote_services.ballot_cast(vote=vote, actor=actor, choices={projects[0].pk: 1}, request_key="k")

    assert _service_outcome(cast) == expected


# --- nobody confirms their own residence -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["chair", "staff"])
def test_nobody_confirms_their_own_claim(client, place, role):
    actor = make_actor(role, place)
    claim = ResidencyFactory(user=actor, municipality=place.municipality, tos=place.tos)
    client.force_login(actor)
    client.post(_url("residency_decide", claim.pk), {"decision": "confirm"})
    assert Residency.objects.get(pk=claim.pk).status == ResidencyStatus.CLAIMED
