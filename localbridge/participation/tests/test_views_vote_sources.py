"""The staff page that adds a draft vote's projects from a source (views_vote_sources.py): who may open it, the
groups and candidates it shows, adding, the refusal of a repeat, and a query count that does not grow with the
number of candidates. The source is a stand-in registered by the test (participation may not import contests)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core import sources
from localbridge.core.services import error_codes
from localbridge.core.sources import ProjectCandidate, SourceGroup, register_project_source
from localbridge.participation.models import VoteStatus
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import VoteFactory, vote_resident, vote_staff

pytestmark = pytest.mark.django_db

KEY = "sample"


def _candidates(count):
    return [
        ProjectCandidate(
            id=str(n),
            title=f"Проект конкурса {n}",
            cost=Decimal("25000.00"),
            summary="Лавочки и фонари.",
            url=f"/contests/1/results/#a{n}",
            organisation=f"ТОС «Улица {n}»",
        )
        for n in range(1, count + 1)
    ]


@pytest.fixture
def offered():
    """A source offering group "g1" with the candidates in offered[municipality id]; each call of the candidate
    function runs one query, as a real source's does."""
    saved = dict(sources._sources)
    by_municipality = {}

    def groups(municipality_id):
        return [SourceGroup(id="g1", title="Конкурс 2026", note="5 проектов")]

    def candidates(municipality_id, group_id):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return list(by_municipality.get(municipality_id, [])) if group_id == "g1" else []

    register_project_source(KEY, "Из образца", candidates, groups=groups, group_label="Конкурс")
    yield by_municipality
    sources._sources.clear()
    sources._sources.update(saved)


def _url(vote, key=KEY):
    return reverse("participation:vote_from_source", args=[vote.pk, key])


def _draft_with_staff(offered, count=3):
    vote = VoteFactory(status=VoteStatus.DRAFT)
    offered[vote.municipality_id] = _candidates(count)
    return vote, vote_staff(vote.municipality)


def test_the_manage_page_of_a_draft_links_each_source(client, offered):
    vote, staff = _draft_with_staff(offered)
    client.force_login(staff)
    page = client.get(reverse("participation:vote_manage", args=[vote.pk]))
    assert page.status_code == 200 and _url(vote) in page.text
    vote.status = VoteStatus.OPEN
    vote.save(update_fields=["status"])
    assert _url(vote) not in client.get(reverse("participation:vote_manage", args=[vote.pk])).text


def test_the_page_lists_the_groups_then_the_candidates_of_the_chosen_one(client, offered):
    vote, staff = _draft_with_staff(offered)
    client.force_login(staff)
    page = client.get(_url(vote))
    assert page.status_code == 200
    assert "Конкурс 2026" in page.text and 'name="items"' not in page.text
    page = client.get(_url(vote), {"group": "g1"})
    assert page.status_code == 200
    assert page.text.count('name="items"') == 3
    assert "ТОС «Улица 2»" in page.text and "/contests/1/results/#a2" in page.text


def test_staff_add_the_ticked_candidates_and_return_to_the_vote(client, offered):
    vote, staff = _draft_with_staff(offered)
    client.force_login(staff)
    response = client.post(_url(vote), {"group": "g1", "items": ["1", "3"]})
    assert response.status_code == 302 and response["Location"] == reverse("participation:vote_manage", args=[vote.pk])
    assert sorted(vote.projects.values_list("source_id", flat=True)) == ["1", "3"]
    page = client.get(_url(vote), {"group": "g1"})
    assert page.text.count('name="items"') == 1  # the two added are shown ticked and disabled
    manage = client.get(reverse("participation:vote_manage", args=[vote.pk]))
    assert "/contests/1/results/#a3" in manage.text


def test_adding_the_same_candidates_again_is_refused_beside_the_list(client, offered):
    vote, staff = _draft_with_staff(offered)
    client.force_login(staff)
    client.post(_url(vote), {"group": "g1", "items": ["1"]})
    response = client.post(_url(vote), {"group": "g1", "items": ["1"]})
    assert response.status_code == 400
    assert {e.code for e in response.context["form"].errors.as_data()["items"]} == {"already_added"}
    assert vote.projects.count() == 1
    response = client.post(_url(vote), {"group": "g1", "items": ["1", "2"]}, follow=True)
    assert response.status_code == 200
    assert sorted(vote.projects.values_list("source_id", flat=True)) == ["1", "2"]
    assert [m.level_tag for m in response.context["messages"]] == ["success", "warning"]


def test_nothing_ticked_or_no_group_is_a_form_error(client, offered):
    vote, staff = _draft_with_staff(offered)
    client.force_login(staff)
    assert client.post(_url(vote), {"group": "g1"}).status_code == 400
    assert client.post(_url(vote), {"items": ["1"]}).status_code == 400
    assert not vote.projects.exists()


def test_only_the_votes_managers_reach_the_page(client, offered):
    vote, _staff = _draft_with_staff(offered)
    assert client.get(_url(vote)).status_code == 302  # to the sign-in page
    client.force_login(vote_resident(vote.municipality))
    assert client.get(_url(vote)).status_code == 404  # a draft is not shown to residents
    client.force_login(vote_staff(MunicipalityFactory()))
    assert client.post(_url(vote), {"group": "g1", "items": ["1"]}).status_code == 404
    vote.status = VoteStatus.OPEN
    vote.save(update_fields=["status"])
    client.force_login(vote_resident(vote.municipality))
    assert client.get(_url(vote)).status_code == 403
    assert client.post(_url(vote), {"group": "g1", "items": ["1"]}).status_code == 403
    assert not vote.projects.exists()


def test_a_vote_past_its_draft_takes_no_projects(client, offered):
    vote, staff = _draft_with_staff(offered)
    vote.status = VoteStatus.OPEN
    vote.save(update_fields=["status"])
    client.force_login(staff)
    response = client.post(_url(vote), {"group": "g1", "items": ["1"]})
    assert response.status_code == 302 and response["Location"] == reverse("participation:vote_manage", args=[vote.pk])
    assert not vote.projects.exists()


def test_an_unknown_source_is_not_found(client, offered):
    vote, staff = _draft_with_staff(offered)
    client.force_login(staff)
    assert client.get(_url(vote, "nothing")).status_code == 404


def test_platform_staff_may_add(client, offered):
    vote, _staff = _draft_with_staff(offered)
    client.force_login(UserFactory(is_staff=True))
    assert client.post(_url(vote), {"group": "g1", "items": ["2"]}).status_code == 302
    assert list(vote.projects.values_list("source_id", flat=True)) == ["2"]


def test_the_page_reads_the_same_number_of_queries_however_many_candidates(client, offered):
    small, staff_small = _draft_with_staff(offered, count=2)
    large, staff_large = _draft_with_staff(offered, count=40)
    counts = []
    for vote, staff in ((small, staff_small), (large, staff_large)):
        client.force_login(staff)
        client.post(_url(vote), {"group": "g1", "items": ["1"]})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(vote), {"group": "g1"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_service_errors_keep_their_codes(client, offered):
    vote, staff = _draft_with_staff(offered)
    offered[vote.municipality_id] = [
        *_candidates(1),
        ProjectCandidate(id="9", title="Евро", cost=Decimal(5), currency="EUR"),
    ]
    client.force_login(staff)
    response = client.post(_url(vote), {"group": "g1", "items": ["9"]})
    assert response.status_code == 400
    assert error_codes(response.context["form"].errors.as_data()["items"][0]) == {"wrong_currency"}
