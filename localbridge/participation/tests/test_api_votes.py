"""The votes in the JSON API: reading a vote, casting a ballot with a token (retries, faults, eligibility, the rate
limit), checking a receipt, and results hidden until they are visible."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from localbridge.accounts import services as accounts
from localbridge.accounts.tests.factories import UserFactory
from localbridge.participation.models import Ballot, BallotChoice, VoteStatus
from localbridge.participation.services.votes import results_compute

from .factories import vote_resident, vote_staff, vote_with_projects

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, secret = accounts.token_create(user=user, actor=user, name="app")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def running_vote(**fields):
    now = timezone.now()
    return vote_with_projects(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10), **fields)


def url(vote, tail=""):
    return f"/api/v1/participation/votes/{vote.pk}{tail}"


def cast(client, vote, headers, choices, key="k1"):
    return client.post(
        url(vote, "/ballot"),
        data={"choices": {str(k): v for k, v in choices.items()}, "request_key": key},
        content_type="application/json",
        **headers,
    )


def test_anyone_reads_a_running_vote_with_its_projects_but_not_a_draft(client):
    vote, projects = running_vote()
    body = client.get(url(vote)).json()
    assert body["status"] == "open" and body["is_open"] is True
    assert body["budget"] == "100000.00" and body["max_choices"] == 2
    assert [p["id"] for p in body["projects"]] == [p.pk for p in projects]
    assert body["projects"][0]["cost"] == "40000.00"
    draft, _ = running_vote(status=VoteStatus.DRAFT)
    assert client.get(url(draft)).status_code == 404
    staff = vote_staff(draft.municipality)
    assert client.get(url(draft), **bearer(staff)).status_code == 200


def test_a_resident_casts_with_a_token_and_a_retry_returns_the_same_ballot(client):
    vote, (a, b, _c) = running_vote()
    resident = vote_resident(vote.municipality)
    headers = bearer(resident)
    first = cast(client, vote, headers, {a.pk: 1, b.pk: 1}, key="x-1")
    assert first.status_code == 200, first.content
    receipt = first.json()["receipt"]
    assert first.json()["choices"] == {str(a.pk): 1, str(b.pk): 1}
    again = cast(client, vote, headers, {a.pk: 1, b.pk: 1}, key="x-1")
    assert again.status_code == 200 and again.json()["receipt"] == receipt
    assert Ballot.objects.filter(vote=vote).count() == 1
    changed = cast(client, vote, headers, {b.pk: 1}, key="x-2")
    assert changed.status_code == 200 and changed.json()["receipt"] == receipt
    assert list(BallotChoice.objects.filter(ballot__vote=vote).values_list("project_id", flat=True)) == [b.pk]
    mine = client.get(url(vote, "/ballot"), **headers).json()
    assert mine["receipt"] == receipt and mine["choices"] == {str(b.pk): 1}


def test_a_cast_costs_the_same_queries_for_the_first_ballot_and_the_thousandth(client):
    vote, (a, b, _c) = running_vote()
    residents = [vote_resident(vote.municipality) for _ in range(3)]
    headers = [bearer(r) for r in residents]
    cast(client, vote, headers[0], {a.pk: 1})
    counts = []
    for h in headers[1:]:
        with CaptureQueriesContext(connection) as captured:
            assert cast(client, vote, h, {a.pk: 1, b.pk: 1}).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert counts[0] <= 14


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("unconfirmed", 400, "not_resident"),
        ("elsewhere", 400, "not_resident"),
        ("underage", 400, "too_young"),
    ],
)
def test_who_may_not_cast_is_told_why(client, who, status, code):
    vote, (a, _b, _c) = running_vote()
    headers = {}
    if who == "unconfirmed":
        headers = bearer(UserFactory(birth_year=1990))
    elif who == "elsewhere":
        other, _ = running_vote()
        headers = bearer(vote_resident(other.municipality))
    elif who == "underage":
        headers = bearer(vote_resident(vote.municipality, birth_year=timezone.now().year - 10))
    response = cast(client, vote, headers, {a.pk: 1})
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not Ballot.objects.exists()


def test_a_faulty_ballot_is_refused_with_the_fault_and_nothing_is_written(client):
    vote, (a, b, c) = running_vote()
    headers = bearer(vote_resident(vote.municipality))
    response = cast(client, vote, headers, {a.pk: 1, b.pk: 1, c.pk: 1})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "too_many" and body["errors"][0]["field"] == "choices"
    unknown = cast(client, vote, headers, {999999: 1})
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_project"
    assert not Ballot.objects.exists()


def test_too_many_ballots_in_a_minute_answer_429(client, settings):
    settings.PARTICIPATION_BALLOT_RATE = (2, 60)
    vote, (a, b, _c) = running_vote()
    headers = bearer(vote_resident(vote.municipality))
    assert cast(client, vote, headers, {a.pk: 1}, key="1").status_code == 200
    assert cast(client, vote, headers, {b.pk: 1}, key="2").status_code == 200
    limited = cast(client, vote, headers, {a.pk: 1}, key="3")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert list(BallotChoice.objects.values_list("project_id", flat=True)) == [b.pk]


def test_a_receipt_is_checked_without_revealing_the_choices(client):
    vote, (a, _b, _c) = running_vote()
    receipt = cast(client, vote, bearer(vote_resident(vote.municipality)), {a.pk: 1}).json()["receipt"]
    found = client.get(url(vote, f"/receipts/{receipt.lower().replace('-', '')}"))
    assert found.status_code == 200
    assert set(found.json()) == {"receipt", "recorded_at"} and found.json()["receipt"] == receipt
    assert client.get(url(vote, "/receipts/AAAA-BBBB-CCCC")).status_code == 404


def test_results_are_hidden_while_the_vote_runs_and_shown_once_published(client):
    vote, (a, b, _c) = running_vote()
    for choices in ({a.pk: 1}, {a.pk: 1, b.pk: 1}):
        assert cast(client, vote, bearer(vote_resident(vote.municipality)), choices).status_code == 200
    assert client.get(url(vote, "/results")).status_code == 404
    vote.status = VoteStatus.CLOSED
    vote.save(update_fields=["status"])
    results_compute(vote=vote)
    staff = vote_staff(vote.municipality)
    assert client.get(url(vote, "/results")).status_code == 404  # closed, not yet published
    assert client.get(url(vote, "/results"), **bearer(staff)).status_code == 200
    vote.status = VoteStatus.PUBLISHED
    vote.save(update_fields=["status"])
    body = client.get(url(vote, "/results")).json()
    assert body["ballots"] == 2
    votes = {r["project_id"]: r["votes"] for r in body["results"]}
    assert votes[a.pk] == 2 and votes[b.pk] == 1
    assert body["results"][0]["funded"] is True and body["results"][0]["explanation"]
