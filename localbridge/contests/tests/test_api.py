"""Contests in the JSON API: the list (public statuses, filters, limit/offset), a contest, the published results
(shape, money as strings with two decimals, 404 before publication even to the organisers) and "my
applications" (session or personal token)."""

from decimal import Decimal

import pytest

from localbridge.accounts.models import ApiToken
from localbridge.contests.models import ContestStatus
from localbridge.contests.tests.factories import (
    ApplicationFactory,
    ContestFactory,
    CriterionFactory,
    NominationFactory,
    ResultFactory,
    chair_of,
    staff_of,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/contests/"


def bearer(user):
    key_id, secret, token = ApiToken.generate()
    ApiToken.objects.create(user=user, name="test", key_id=key_id, key_hash=ApiToken.hash_secret(secret))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_list_shows_public_contests_with_money_as_strings(client):
    ContestFactory(status=ContestStatus.ANNOUNCED, prize_pool=Decimal("1000000"), max_grant=Decimal("300000.5"))
    ContestFactory(status=ContestStatus.DRAFT)
    data = client.get(URL).json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["prize_pool"] == "1000000.00"
    assert item["max_grant"] == "300000.50"
    assert item["status"] == "announced"
    assert item["url"] == f"/contests/{item['id']}/"


def test_the_list_filters_and_pages(client):
    ContestFactory.create_batch(3, status=ContestStatus.ANNOUNCED)
    finished = ContestFactory(status=ContestStatus.FINISHED)
    assert [c["id"] for c in client.get(URL, {"status": "finished"}).json()["items"]] == [finished.pk]
    page = client.get(URL, {"limit": 2, "offset": 2}).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert client.get(URL, {"status": "nonsense"}).status_code == 422


def test_a_contest_in_detail(client):
    contest = ContestFactory(status=ContestStatus.ANNOUNCED)
    CriterionFactory(contest=contest, weight=Decimal("0.5"))
    NominationFactory(contest=contest, pool=Decimal("100"))
    data = client.get(f"{URL}{contest.pk}").json()
    assert data["criteria"][0]["weight"] == "0.500"
    assert data["nominations"][0]["pool"] == "100.00"
    assert data["min_cofinancing_percent"] == "10.00"
    assert data["deadline"].startswith("2026-03-21T23:59:59")


def test_a_draft_is_404_to_the_public(client):
    draft = ContestFactory(status=ContestStatus.DRAFT)
    response = client.get(f"{URL}{draft.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_published_results_have_the_contracted_shape(client):
    contest = ContestFactory(status=ContestStatus.FINISHED, prize_pool=Decimal("500000"), currency="RUB")
    nomination = NominationFactory(contest=contest, name="Дворы")
    ResultFactory(contest=contest, nomination=nomination, rank=1, score=Decimal("90.5"), amount=Decimal("300000"))
    ResultFactory(
        contest=contest, nomination=nomination, rank=2, score=Decimal("40"), amount=Decimal("0"), funded=False
    )
    response = client.get(f"{URL}{contest.pk}/results")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"contest", "pool", "awarded", "currency", "count", "items"}
    assert data["contest"] == contest.pk
    assert data["pool"] == "500000.00"
    assert data["awarded"] == "300000.00"
    assert data["currency"] == "RUB"
    first, second = data["items"]
    assert set(first) == {"number", "title", "organization", "nomination", "score", "rank", "amount", "funded"}
    assert first["score"] == "90.50" and first["rank"] == 1 and first["amount"] == "300000.00" and first["funded"]
    assert first["nomination"] == "Дворы"
    assert second["amount"] == "0.00" and second["funded"] is False


@pytest.mark.parametrize("status", [ContestStatus.ANNOUNCED, ContestStatus.EVALUATION, ContestStatus.RANKING])
def test_results_are_404_before_publication_even_to_organisers(client, status):
    contest = ContestFactory(status=status)
    ResultFactory(contest=contest)
    assert client.get(f"{URL}{contest.pk}/results").status_code == 404
    assert client.get(f"{URL}{contest.pk}/results", **bearer(staff_of(contest.organizer))).status_code == 404


def test_my_applications_need_credentials(client):
    assert client.get(f"{URL}my/applications").status_code == 401


def test_my_applications_with_a_token(client):
    mine = ApplicationFactory(grant_requested=Decimal("12345.6"))
    ApplicationFactory()
    data = client.get(f"{URL}my/applications", **bearer(chair_of(mine.organization))).json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["id"] == mine.pk
    assert item["grant_requested"] == "12345.60"
    assert item["contest"] == {"id": mine.contest_id, "name": mine.contest.title}


def test_my_applications_with_a_session(client):
    mine = ApplicationFactory()
    client.force_login(chair_of(mine.organization))
    assert client.get(f"{URL}my/applications").json()["count"] == 1


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_runs_the_same_queries_however_long(client, rows, django_assert_num_queries):
    ContestFactory.create_batch(rows, status=ContestStatus.ANNOUNCED)
    with django_assert_num_queries(2):
        assert len(client.get(URL, {"limit": 100}).json()["items"]) == rows


@pytest.mark.parametrize("rows", [2, 20])
def test_results_run_the_same_queries_however_long(client, rows, django_assert_num_queries):
    contest = ContestFactory(status=ContestStatus.FINISHED)
    ResultFactory.create_batch(rows, contest=contest, nomination=NominationFactory(contest=contest))
    with django_assert_num_queries(8):
        assert len(client.get(f"{URL}{contest.pk}/results").json()["items"]) == rows


def test_results_come_in_pages_with_the_count(client):
    contest = ContestFactory(status=ContestStatus.FINISHED)
    for rank in range(1, 6):
        ResultFactory(contest=contest, rank=rank)
    url = f"/api/v1/contests/{contest.pk}/results"
    data = client.get(url, {"limit": 2, "offset": 1}).json()
    assert data["count"] == 5
    assert [item["rank"] for item in data["items"]] == [2, 3]
    everything = client.get(url).json()
    assert [item["rank"] for item in everything["items"]] == [1, 2, 3, 4, 5]
    assert client.get(url, {"limit": 100000}).status_code == 200
