"""Vote pages as contracts: status codes by role, the ballot form (cast, repeat, errors beside it), results
hidden until close, receipts, staff pages, and query counts that do not grow with the number of projects."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import UserFactory
from localbridge.participation.models import Ballot, BallotType, Vote, VoteStatus

from .factories import VoteProjectFactory, vote_resident, vote_staff, vote_with_projects

pytestmark = pytest.mark.django_db


def _open_vote(**fields):
    now = timezone.now()
    fields.setdefault("opens_at", now - timedelta(days=1))
    fields.setdefault("closes_at", now + timedelta(days=1))
    return vote_with_projects(**fields)


def _url(name, vote):
    return reverse(f"participation:{name}", args=[vote.pk])


def test_vote_list_exists_and_hides_drafts(client):
    vote, _projects = _open_vote()
    draft, _ = _open_vote(status=VoteStatus.DRAFT)
    response = client.get(reverse("participation:vote_list"))
    assert response.status_code == 200
    assert vote.title in response.text and draft.title not in response.text
    assert client.get(_url("vote_detail", draft)).status_code == 404
    assert client.get(_url("vote_detail", vote)).status_code == 200


def test_ballot_page_needs_sign_in(client):
    vote, _projects = _open_vote()
    response = client.get(_url("vote_ballot", vote))
    assert response.status_code == 302 and "login" in response["Location"]


def test_resident_casts_a_ballot_through_the_form_and_a_repeat_is_the_same_ballot(client):
    vote, (a, b, _c) = _open_vote()
    user = vote_resident(vote.municipality)
    client.force_login(user)
    page = client.get(_url("vote_ballot", vote))
    assert page.status_code == 200
    key = page.context["form"].initial["request_key"]
    assert f'value="{key}"' in page.text and 'data-ballot-type="approval"' in page.text
    data = {"request_key": key, "project": [a.pk, b.pk]}
    assert client.post(_url("vote_ballot", vote), data).status_code == 302
    assert client.post(_url("vote_ballot", vote), data).status_code == 302  # the double click
    ballot = Ballot.objects.get()
    assert Ballot.objects.filter(vote=vote).count() == 1
    detail = client.get(_url("vote_detail", vote))
    assert ballot.receipt in detail.text


def test_invalid_ballot_is_shown_with_its_error(client):
    vote, projects = _open_vote(max_choices=1)
    client.force_login(vote_resident(vote.municipality))
    response = client.post(_url("vote_ballot", vote), {"request_key": "x", "project": [p.pk for p in projects]})
    assert response.status_code == 400
    assert not Ballot.objects.exists()
    assert "errors" in response.text


def test_ineligible_user_sees_why_and_no_form(client):
    vote, (a, *_rest) = _open_vote()
    client.force_login(UserFactory())
    page = client.get(_url("vote_ballot", vote))
    assert page.status_code == 200 and page.context["problems"] and not page.context["can_vote"]
    assert client.post(_url("vote_ballot", vote), {"request_key": "x", "project": [a.pk]}).status_code == 400
    assert not Ballot.objects.exists()


def test_cumulative_and_choose_one_forms_render_their_inputs(client):
    cumulative, (p1, *_rest) = _open_vote(ballot_type=BallotType.CUMULATIVE, points=5, max_choices=None)
    single, _projects = _open_vote(ballot_type=BallotType.CHOOSE_ONE, max_choices=None)
    client.force_login(vote_resident(cumulative.municipality))
    assert f'name="points-{p1.pk}"' in client.get(_url("vote_ballot", cumulative)).text
    client.force_login(vote_resident(single.municipality))
    assert 'type="radio"' in client.get(_url("vote_ballot", single)).text


def test_results_are_hidden_until_published(client):
    vote, _projects = _open_vote()
    staff = vote_staff(vote.municipality)
    assert client.get(_url("vote_results", vote)).status_code == 403
    client.force_login(staff)
    assert client.get(_url("vote_results", vote)).status_code == 403
    Vote.objects.filter(pk=vote.pk).update(status=VoteStatus.CLOSED)
    assert client.get(_url("vote_results", vote)).status_code == 200
    client.logout()
    assert client.get(_url("vote_results", vote)).status_code == 403
    Vote.objects.filter(pk=vote.pk).update(status=VoteStatus.PUBLISHED)
    assert client.get(_url("vote_results", vote)).status_code == 200


def test_receipt_check_page(client):
    vote, (a, *_rest) = _open_vote()
    user = vote_resident(vote.municipality)
    client.force_login(user)
    client.post(_url("vote_ballot", vote), {"request_key": "k", "project": [a.pk]})
    receipt = Ballot.objects.get().receipt
    client.logout()
    found = client.get(_url("vote_receipt", vote), {"receipt": receipt})
    assert found.status_code == 200 and found.context["recorded_at"] is not None
    missing = client.get(_url("vote_receipt", vote), {"receipt": "ZZZZ-ZZZZ-ZZZZ"})
    assert missing.context["checked"] and missing.context["recorded_at"] is None


def test_staff_pages_by_role(client):
    vote, (a, *_rest) = _open_vote()
    for url in (_url("vote_manage", vote), _url("vote_paper", vote)):
        client.force_login(vote_resident(vote.municipality))
        assert client.get(url).status_code == 403
        client.force_login(vote_staff(vote.municipality))
        assert client.get(url).status_code == 200
    create = reverse("participation:vote_create", args=[vote.municipality_id])
    assert client.get(create).status_code == 200
    client.force_login(UserFactory())
    assert client.get(create).status_code == 403


def test_staff_create_open_and_enter_a_paper_ballot(client):
    vote, _projects = _open_vote()
    municipality = vote.municipality
    client.force_login(vote_staff(municipality))
    now = timezone.now()
    response = client.post(
        reverse("participation:vote_create", args=[municipality.pk]),
        {
            "title": "Бюджет двора",
            "budget": "100000",
            "currency": "RUB",
            "ballot_type": "knapsack",
            "min_choices": "0",
            "rule": "greedy",
            "allow_change": "on",
            "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
            "min_age": "16",
            "projects": "Лавочки; 20000\nФонари; 70 000",
        },
    )
    created = Vote.objects.get(title="Бюджет двора")
    assert response.status_code == 302 and created.projects.count() == 2
    assert client.post(reverse("participation:vote_move", args=[created.pk, "open"])).status_code == 302
    created.refresh_from_db()
    assert created.status == VoteStatus.OPEN
    project = created.projects.first()
    response = client.post(
        _url("vote_paper", created), {"request_key": "p", "paper_number": "17", "project": [project.pk]}
    )
    assert response.status_code == 302
    again = client.post(
        _url("vote_paper", created), {"request_key": "p", "paper_number": "17", "project": [project.pk]}
    )
    assert again.status_code == 400
    assert Ballot.objects.filter(vote=created, is_paper=True).count() == 1


def test_ballot_page_queries_do_not_grow_with_projects(client):
    vote, _projects = _open_vote(max_choices=None)
    user = vote_resident(vote.municipality)
    client.force_login(user)
    client.get(_url("vote_ballot", vote))
    with CaptureQueriesContext(connection) as few:
        client.get(_url("vote_ballot", vote))
    for _ in range(20):
        VoteProjectFactory(vote=vote)
    with CaptureQueriesContext(connection) as many:
        client.get(_url("vote_ballot", vote))
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as detail_few:
        client.get(_url("vote_detail", vote))
    VoteProjectFactory(vote=vote)
    with CaptureQueriesContext(connection) as detail_many:
        client.get(_url("vote_detail", vote))
    assert len(detail_many) == len(detail_few)
