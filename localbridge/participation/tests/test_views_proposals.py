"""The proposal pages through the test client: who sees what, forms with errors beside the fields, the support
button, the administration's queue and answer, the map data, and query counts that do not grow with the rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.participation.models import Proposal, ProposalStatus, Support
from localbridge.participation.tests.factories import (
    CommentFactory,
    MunicipalStaffFactory,
    ProposalFactory,
    ResidentFactory,
    SupportFactory,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("participation:proposal_list")


def _detail(proposal):
    return reverse("participation:proposal_detail", args=[proposal.pk])


# --- the list --------------------------------------------------------------------------------------------------


def test_the_list_shows_published_proposals_and_never_drafts(client):
    published = ProposalFactory(title="Сквер")
    ProposalFactory(title="Черновик", status=ProposalStatus.DRAFT)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert list(response.context["proposals"]) == [published]


def test_the_list_filters_by_municipality_and_status_and_sorts(client):
    municipality = MunicipalityFactory()
    few = ProposalFactory(municipality=municipality, supports_count=1, support_threshold=10)
    many = ProposalFactory(municipality=municipality, supports_count=8, support_threshold=100)
    near = ProposalFactory(municipality=municipality, supports_count=4, support_threshold=5)
    ProposalFactory(status=ProposalStatus.ACCEPTED)
    response = client.get(LIST_URL, {"municipality": municipality.pk, "sort": "supported"})
    assert list(response.context["proposals"]) == [many, near, few]
    response = client.get(LIST_URL, {"municipality": municipality.pk, "sort": "closest"})
    assert list(response.context["proposals"])[0] == near
    response = client.get(LIST_URL, {"status": "accepted"})
    assert [p.status for p in response.context["proposals"]] == ["accepted"]


def test_the_list_flags_overdue_answers(client):
    ProposalFactory(status=ProposalStatus.UNDER_REVIEW, answer_due=date(2020, 1, 1))
    response = client.get(LIST_URL)
    assert response.context["proposals"][0].overdue
    assert "overdue" in response.content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_runs_the_same_queries_however_long(client, rows, django_assert_num_queries):
    municipality = MunicipalityFactory()
    ProposalFactory.create_batch(rows, municipality=municipality)
    # the filter's municipalities, count, page (with municipality and author joined).
    with django_assert_num_queries(3):
        response = client.get(LIST_URL, {"municipality": municipality.pk, "sort": "closest"})
    assert response.status_code == 200


# --- a proposal's page -----------------------------------------------------------------------------------------


def test_the_page_shows_the_description_safely_the_map_and_the_state(client):
    proposal = ProposalFactory(
        description="**Важно**<script>alert(1)</script>",
        latitude=Decimal("50.260500"),
        longitude=Decimal("127.533600"),
        status=ProposalStatus.UNDER_REVIEW,
        answer_due=date(2020, 1, 1),
    )
    response = client.get(_detail(proposal))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Важно</strong>" in html and "<script>alert" not in html
    assert 'data-lat="50.260500"' in html and "leaflet.js" in html
    assert response.context["proposal"].overdue


def test_a_draft_is_seen_by_its_author_and_the_municipalitys_staff_only(client):
    proposal = ProposalFactory(status=ProposalStatus.DRAFT)
    assert client.get(_detail(proposal)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(_detail(proposal)).status_code == 404
    client.force_login(proposal.author)
    assert client.get(_detail(proposal)).status_code == 200
    client.force_login(MunicipalStaffFactory(municipality=proposal.municipality))
    assert client.get(_detail(proposal)).status_code == 200


def test_the_support_button_or_the_reason_it_is_refused(client):
    proposal = ProposalFactory()
    client.force_login(UserFactory(birth_year=1980))
    response = client.get(_detail(proposal))
    assert response.context["refusals"] and "proposal_support" not in str(response.context)
    assert reverse("participation:proposal_support", args=[proposal.pk]) not in response.content.decode()
    client.force_login(ResidentFactory(residence=proposal.municipality))
    response = client.get(_detail(proposal))
    assert response.context["refusals"] == []
    assert reverse("participation:proposal_support", args=[proposal.pk]) in response.content.decode()


def test_supporting_twice_through_the_page_counts_once(client):
    proposal = ProposalFactory(support_threshold=10)
    client.force_login(ResidentFactory(residence=proposal.municipality))
    url = reverse("participation:proposal_support", args=[proposal.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert Proposal.objects.get().supports_count == 1 == Support.objects.count()


def test_an_ineligible_support_is_refused_with_the_reason(client):
    proposal = ProposalFactory()
    client.force_login(UserFactory(birth_year=1980))
    response = client.post(reverse("participation:proposal_support", args=[proposal.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Support.objects.exists()


def test_an_anonymous_support_is_sent_to_sign_in(client):
    proposal = ProposalFactory()
    response = client.post(reverse("participation:proposal_support", args=[proposal.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_empty_comment_is_shown_with_its_error_beside_the_field(client):
    proposal = ProposalFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("participation:proposal_comment", args=[proposal.pk]), {"text": ""})
    assert response.status_code == 400
    assert response.context["comment_form"].errors["text"]
    response = client.post(reverse("participation:proposal_comment", args=[proposal.pk]), {"text": "Здорово"})
    assert response.status_code == 302


def test_hidden_comments_are_hidden_from_the_public_and_shown_to_staff(client):
    proposal = ProposalFactory()
    CommentFactory(proposal=proposal, text="Видно")
    CommentFactory(proposal=proposal, text="Скрыто", is_hidden=True)
    assert [c.text for c in client.get(_detail(proposal)).context["comments"]] == ["Видно"]
    client.force_login(MunicipalStaffFactory(municipality=proposal.municipality))
    assert len(client.get(_detail(proposal)).context["comments"]) == 2


def test_only_staff_may_hide_a_comment(client):
    comment = CommentFactory()
    url = reverse("participation:comment_hide", args=[comment.proposal_id, comment.pk])
    client.force_login(UserFactory())
    assert client.post(url).status_code == 403
    client.force_login(MunicipalStaffFactory(municipality=comment.proposal.municipality))
    assert client.post(url).status_code == 302


@pytest.mark.parametrize("rows", [2, 20])
def test_the_page_runs_the_same_queries_however_many_comments_and_supports(client, rows, django_assert_num_queries):
    proposal = ProposalFactory(support_threshold=1000)
    CommentFactory.create_batch(rows, proposal=proposal)
    SupportFactory.create_batch(rows, proposal=proposal)
    resident = ResidentFactory(residence=proposal.municipality)
    client.force_login(resident)
    # proposal, session, user, municipal staff?, supported?, residence (eligibility), the comments' count and
    # page, the base template's permission checks (staff membership, two of Django's permission tables).
    with django_assert_num_queries(11):
        response = client.get(_detail(proposal))
    assert response.status_code == 200


def test_comments_come_fifty_a_page_the_oldest_first(client):
    proposal = ProposalFactory()
    comments = CommentFactory.create_batch(60, proposal=proposal)
    first = client.get(_detail(proposal))
    assert [c.pk for c in first.context["comments"]] == [c.pk for c in comments[:50]]
    second = client.get(_detail(proposal), {"page": 2})
    assert [c.pk for c in second.context["comments"]] == [c.pk for c in comments[50:]]


# --- the draft's form ------------------------------------------------------------------------------------------


def test_a_new_proposal_needs_a_signed_in_user_and_a_municipality(client):
    municipality = MunicipalityFactory()
    url = reverse("participation:proposal_create")
    assert client.get(url, {"municipality": municipality.pk}).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(url, {"municipality": municipality.pk}).status_code == 200


def test_a_new_proposal_with_errors_shows_them_beside_the_fields(client):
    municipality = MunicipalityFactory()
    client.force_login(UserFactory())
    url = reverse("participation:proposal_create") + f"?municipality={municipality.pk}"
    response = client.post(url, {"title": "Сквер", "estimated_cost": "100", "residents_contribution": "500"})
    assert response.status_code == 400
    assert response.context["form"].errors["residents_contribution"]
    response = client.post(url, {"title": "", "estimated_cost": "abc"})
    assert set(response.context["form"].errors) >= {"title", "estimated_cost"}


def test_the_author_creates_edits_and_publishes_a_draft(client):
    municipality = MunicipalityFactory()
    author = UserFactory()
    client.force_login(author)
    url = reverse("participation:proposal_create") + f"?municipality={municipality.pk}"
    response = client.post(url, {"title": "Сквер", "description": "Деревья", "estimated_cost": "1000"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and proposal.status == ProposalStatus.DRAFT
    edit = reverse("participation:proposal_edit", args=[proposal.pk])
    assert (
        client.post(edit, {"title": "Сквер у школы", "description": "Деревья", "estimated_cost": "2000"}).status_code
        == 302
    )
    client.post(reverse("participation:proposal_publish", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == ("Сквер у школы", ProposalStatus.COLLECTING)
    client.force_login(UserFactory())
    assert client.get(edit).status_code == 403


# --- the administration ----------------------------------------------------------------------------------------


def test_the_queue_is_for_staff_and_lists_the_overdue_first(client):
    municipality = MunicipalityFactory()
    later = ProposalFactory(municipality=municipality, status=ProposalStatus.UNDER_REVIEW, answer_due=date(2099, 1, 1))
    overdue = ProposalFactory(
        municipality=municipality, status=ProposalStatus.UNDER_REVIEW, answer_due=date(2020, 1, 1)
    )
    ProposalFactory(status=ProposalStatus.UNDER_REVIEW, answer_due=date(2020, 1, 1))  # another municipality
    url = reverse("participation:proposal_queue")
    client.force_login(ResidentFactory(residence=municipality))
    assert client.get(url).status_code == 403
    client.force_login(MunicipalStaffFactory(municipality=municipality))
    response = client.get(url)
    assert list(response.context["proposals"]) == [overdue, later]
    assert response.context["overdue"] == 1


def test_the_answer_form_shows_a_missing_reason_beside_the_field(client):
    proposal = ProposalFactory(status=ProposalStatus.UNDER_REVIEW, answer_due=date(2099, 1, 1))
    url = reverse("participation:proposal_answer", args=[proposal.pk])
    client.force_login(proposal.author)
    assert client.get(url).status_code == 403
    client.force_login(MunicipalStaffFactory(municipality=proposal.municipality))
    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "reject", "comment": ""})
    assert response.status_code == 400 and response.context["form"].errors["comment"]
    assert client.post(url, {"decision": "accept", "comment": "Сделаем"}).status_code == 302
    assert Proposal.objects.get().status == ProposalStatus.ACCEPTED


# --- the map data, the municipality's page, "My participation" -------------------------------------------------


def test_the_map_data_is_compact_and_cached_for_a_minute(client):
    municipality = MunicipalityFactory()
    proposal = ProposalFactory(municipality=municipality, latitude=Decimal("50.1"), longitude=Decimal("127.5"))
    ProposalFactory(municipality=municipality)  # no point
    ProposalFactory(municipality=municipality, status=ProposalStatus.DRAFT, latitude=1, longitude=1)
    url = reverse("participation:proposal_map")
    response = client.get(url, {"municipality": municipality.pk})
    assert response.json() == [[proposal.pk, 50.1, 127.5, "collecting"]]
    ProposalFactory(municipality=municipality, latitude=Decimal("50.2"), longitude=Decimal("127.6"))
    assert len(client.get(url, {"municipality": municipality.pk}).json()) == 1  # from the cache
    assert client.get(url, {"municipality": municipality.pk, "bbox": "0,0,1,1"}).json() == []


def test_the_municipality_page_lists_its_open_proposals(client):
    municipality = MunicipalityFactory()
    open_ = ProposalFactory(municipality=municipality)
    ProposalFactory(municipality=municipality, status=ProposalStatus.ACCEPTED)
    ProposalFactory()
    response = client.get(reverse("participation:municipality", args=[municipality.pk]))
    assert response.status_code == 200
    assert response.context["proposals"] == [open_]
    assert client.get(reverse("participation:municipality", args=[999999])).status_code == 404


def test_my_participation_lists_what_i_supported(client):
    resident = ResidentFactory()
    support = SupportFactory(user=resident)
    SupportFactory()
    client.force_login(resident)
    response = client.get(reverse("participation:my_participation"))
    assert response.status_code == 200
    assert [s.pk for s in response.context["supports"]] == [support.pk]
    assert client.logout() is None
    assert client.get(reverse("participation:my_participation")).status_code == 302
