"""Partnership proposals (expressions of interest): send, accept (a draft agreement), decline, withdraw; who may do
what; coded errors; the e-mail to the other side; the pages and their query counts; two accepts at once on
PostgreSQL."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation import selectors_proposals
from localbridge.cooperation.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    MunicipalityInterest,
    PartnershipProposal,
    ProposalStatus,
    TwinLink,
    TwinLinkSource,
)
from localbridge.cooperation.services_proposals import (
    proposal_accept,
    proposal_decline,
    proposal_send,
    proposal_withdraw,
)
from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

from .factories import area, municipal_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return MunicipalityFactory(name_ru="Благовещенск", latitude=50.26, longitude=127.53, population=240_000)


@pytest.fixture
def partner():
    return MunicipalityFactory(
        country=CountryFactory(code="CN", code3="CHN", name_ru="Китай", name_en="China"),
        region=None,
        name_ru="Хэйхэ",
        name_en="Heihe",
        latitude=50.24,
        longitude=127.49,
    )


@pytest.fixture
def sender(home):
    return municipal_staff(home)


@pytest.fixture
def receiver(partner):
    return municipal_staff(partner)


def send(actor, home, partner, **kwargs):
    kwargs.setdefault("message", "Предлагаем сотрудничество в сфере молодёжной политики и туризма.")
    return proposal_send(actor=actor, from_municipality=home, to_municipality=partner, **kwargs)


def link(a, b):
    first, second = sorted((a.pk, b.pk))
    return TwinLink.objects.create(municipality_a_id=first, municipality_b_id=second, source=TwinLinkSource.HEKMAN)


def codes(excinfo) -> set[str]:
    return error_codes(excinfo.value)


# --- the services ------------------------------------------------------------------------------------------------


def test_staff_send_a_proposal_which_is_audited(home, partner, sender):
    proposal = send(sender, home, partner, kind=AgreementKind.CROSS_BORDER, areas=[area("youth"), area("tourism")])
    assert (proposal.status, proposal.kind, proposal.sent_by) == (ProposalStatus.SENT, "cross_border", sender)
    assert {a.code for a in proposal.areas.all()} == {"youth", "tourism"}
    assert [(e.action, e.to_status, e.actor) for e in audit_history(obj=proposal)] == [("send", "sent", sender)]


def test_accepting_makes_a_draft_agreement_of_both_with_the_proposals_kind_and_areas(home, partner, sender, receiver):
    proposal = send(sender, home, partner, kind=AgreementKind.TWINNING, areas=[area("culture")])
    proposal_accept(proposal=proposal, actor=receiver, answer="С радостью!")
    proposal.refresh_from_db()
    agreement = proposal.agreement
    assert (proposal.status, proposal.answered_by, proposal.answer) == ("accepted", receiver, "С радостью!")
    assert proposal.answered_at is not None
    assert (agreement.status, agreement.kind) == (AgreementStatus.DRAFT, "twinning")
    with translation.override("ru"):
        expected = _("Cooperation agreement: %(first)s — %(second)s") % {"first": "Благовещенск", "second": "Хэйхэ"}
    assert agreement.title == expected
    assert {p.municipality_id for p in agreement.parties.all()} == {home.pk, partner.pk}
    assert {a.code for a in agreement.areas.all()} == {"culture"}
    assert [e.action for e in audit_history(obj=proposal)] == ["send", "accept"]
    assert [e.action for e in audit_history(obj=agreement)] == ["create"]
    # Both sides' staff now act for the draft.
    assert sender.has_perm("cooperation.change_agreement", agreement)
    assert receiver.has_perm("cooperation.change_agreement", agreement)


def test_declining_keeps_the_answer_and_makes_no_agreement(home, partner, sender, receiver):
    proposal = send(sender, home, partner)
    proposal_decline(proposal=proposal, actor=receiver, answer="  Пока не готовы.  ")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answer, proposal.agreement) == ("declined", "Пока не готовы.", None)
    assert not Agreement.objects.exists()


def test_the_sender_withdraws_and_may_then_send_again(home, partner, sender):
    proposal = send(sender, home, partner)
    proposal_withdraw(proposal=proposal, actor=sender, comment="Ошиблись адресатом")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert audit_history(obj=proposal).last().comment == "Ошиблись адресатом"
    again = send(sender, home, partner)
    assert again.status == ProposalStatus.SENT


def test_a_proposal_to_itself_is_refused(home, sender):
    with pytest.raises(ValidationError) as excinfo:
        send(sender, home, home)
    assert codes(excinfo) == {"to_itself"}
    assert not PartnershipProposal.objects.exists()


def test_a_proposal_to_an_existing_partner_is_refused(home, partner, sender):
    link(home, partner)
    with pytest.raises(ValidationError) as excinfo:
        send(sender, home, partner)
    assert codes(excinfo) == {"already_partners"}


def test_a_second_open_proposal_in_the_same_direction_is_refused(home, partner, sender):
    send(sender, home, partner)
    with pytest.raises(ValidationError) as excinfo:
        send(sender, home, partner)
    assert codes(excinfo) == {"already_open"}
    assert PartnershipProposal.objects.count() == 1


def test_a_message_and_a_municipal_kind_are_required(home, partner, sender):
    with pytest.raises(ValidationError) as excinfo:
        send(sender, home, partner, message="   ", kind=AgreementKind.ASSOCIATION)
    assert excinfo.value.message_dict.keys() == {"message", "kind"}
    assert codes(excinfo) == {"required", "invalid_kind"}


def test_an_answered_proposal_cannot_be_answered_again(home, partner, sender, receiver):
    proposal = send(sender, home, partner)
    proposal_accept(proposal=proposal, actor=receiver)
    for move, actor in ((proposal_accept, receiver), (proposal_decline, receiver), (proposal_withdraw, sender)):
        with pytest.raises(ValidationError) as excinfo:
            move(proposal=PartnershipProposal.objects.get(pk=proposal.pk), actor=actor)
        assert codes(excinfo) == {"not_open"}
    assert Agreement.objects.count() == 1


def test_accepting_one_of_two_crossed_proposals_closes_both_with_one_agreement(home, partner, sender, receiver):
    mine = send(sender, home, partner)
    theirs = send(receiver, partner, home, message="И мы вам предлагаем.")
    proposal_accept(proposal=mine, actor=receiver)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("accepted", "accepted")
    assert Agreement.objects.count() == 1
    assert theirs.agreement is None
    assert str(mine.pk) in theirs.answer
    assert selectors_proposals.proposal_agreement(theirs) == mine.agreement
    assert selectors_proposals.proposal_agreement(mine) == mine.agreement


# --- who may do what ---------------------------------------------------------------------------------------------


def test_only_the_sending_municipalitys_staff_or_platform_staff_send(home, partner, receiver):
    for outsider in (UserFactory(), receiver, municipal_staff(MunicipalityFactory())):
        with pytest.raises(PermissionDenied):
            send(outsider, home, partner)
    assert send(UserFactory(is_staff=True), home, partner).status == ProposalStatus.SENT


def test_only_the_receivers_staff_or_platform_staff_answer_and_only_the_senders_withdraw(
    home, partner, sender, receiver
):
    proposal = send(sender, home, partner)
    outsider = municipal_staff(MunicipalityFactory())
    for actor in (sender, outsider, UserFactory()):
        with pytest.raises(PermissionDenied):
            proposal_accept(proposal=proposal, actor=actor)
        with pytest.raises(PermissionDenied):
            proposal_decline(proposal=proposal, actor=actor)
    for actor in (receiver, outsider):
        with pytest.raises(PermissionDenied):
            proposal_withdraw(proposal=proposal, actor=actor)
    assert UserFactory(is_staff=True).has_perm("cooperation.answer_proposal", proposal)
    assert UserFactory(is_staff=True).has_perm("cooperation.withdraw_proposal", proposal)


def test_both_sides_and_platform_staff_see_a_proposal_others_do_not(home, partner, sender, receiver):
    proposal = send(sender, home, partner)
    platform, outsider = UserFactory(is_staff=True), municipal_staff(MunicipalityFactory())
    for user in (sender, receiver, platform):
        assert user.has_perm("cooperation.view_proposal", proposal)
        assert list(selectors_proposals.proposal_visible_to(user)) == [proposal]
    assert not outsider.has_perm("cooperation.view_proposal", proposal)
    assert not selectors_proposals.proposal_visible_to(outsider).exists()
    assert not selectors_proposals.proposal_visible_to(None).exists()


# --- e-mail to the other side ------------------------------------------------------------------------------------


def test_the_receivers_staff_hear_of_a_proposal_and_the_senders_of_the_answer(
    home, partner, sender, receiver, django_capture_on_commit_callbacks
):
    colleague = municipal_staff(partner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = send(sender, home, partner)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([receiver.email, colleague.email])
    message = mail.outbox[0]
    assert "Благовещенск" in message.subject and "Хэйхэ" in message.subject
    with translation.override("ru"):  # in the site's language
        assert _("Accept or decline the proposal on its page") in message.body
    assert reverse("cooperation:proposal", args=[proposal.pk]) in message.body
    assert "молодёжной политики" in message.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_accept(proposal=proposal, actor=receiver, answer="Согласны")
    assert [m.to for m in mail.outbox] == [[sender.email]]
    proposal.refresh_from_db()
    assert reverse("cooperation:agreement", args=[proposal.agreement_id]) in mail.outbox[0].body
    assert "Согласны" in mail.outbox[0].body


def test_the_one_who_acted_is_not_told_of_their_own_move(home, partner, sender, django_capture_on_commit_callbacks):
    proposal = send(sender, home, partner)
    colleague = municipal_staff(home)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_decline(proposal=proposal, actor=UserFactory(is_staff=True))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([sender.email, colleague.email])
    assert all("Хэйхэ" in m.subject for m in mail.outbox)


def test_a_withdrawal_is_told_to_the_receiver(home, partner, sender, receiver, django_capture_on_commit_callbacks):
    proposal = send(sender, home, partner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_withdraw(proposal=proposal, actor=sender)
    assert [m.to for m in mail.outbox] == [[receiver.email]]


# --- the pages ---------------------------------------------------------------------------------------------------


def test_the_network_page_offers_to_propose_only_to_the_municipalitys_staff(client, home, partner, sender, receiver):
    url = reverse("cooperation:network", args=[home.pk])
    propose = reverse("cooperation:proposal_create", args=[home.pk, partner.pk])
    assert propose not in client.get(url).content.decode()
    client.force_login(receiver)
    assert propose not in client.get(url).content.decode()
    client.force_login(sender)
    response = client.get(url)
    assert partner.pk in [s.id for s in response.context["suggestions"]]
    assert propose in response.content.decode()


def test_the_form_is_prefilled_with_the_kind_for_neighbours_and_the_areas_both_seek(client, home, partner, sender):
    youth, sport, culture = area("youth"), area("sport"), area("culture")
    MunicipalityInterest.objects.create(municipality=home).areas.set([youth, sport])
    MunicipalityInterest.objects.create(municipality=partner).areas.set([youth, culture])
    client.force_login(sender)
    response = client.get(reverse("cooperation:proposal_create", args=[home.pk, partner.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["kind"] == "cross_border"  # another country, a few kilometres away
    assert [a.code for a in form.initial["areas"]] == ["youth"]


def test_staff_send_through_the_form_and_errors_show_beside_the_field(client, home, partner, sender):
    client.force_login(sender)
    url = reverse("cooperation:proposal_create", args=[home.pk, partner.pk])
    response = client.post(url, {"kind": "partnership", "message": " "})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["message"]] == ["required"]
    assert not PartnershipProposal.objects.exists()
    response = client.post(url, {"kind": "partnership", "areas": [area("sport").pk], "message": "Давайте дружить"})
    proposal = PartnershipProposal.objects.get()
    assert response["Location"] == reverse("cooperation:proposal", args=[proposal.pk])
    # A second visit goes to the open proposal instead of a second form.
    assert client.get(url)["Location"] == reverse("cooperation:proposal", args=[proposal.pk])


def test_proposing_for_another_municipality_is_forbidden(client, home, partner, receiver):
    url = reverse("cooperation:proposal_create", args=[home.pk, partner.pk])
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(receiver)
    assert client.get(url).status_code == 403
    client.force_login(municipal_staff(home))
    assert client.get(reverse("cooperation:proposal_create", args=[home.pk, 10**9])).status_code == 404


def test_a_proposal_to_a_partner_is_refused_beside_the_form(client, home, partner, sender):
    link(home, partner)
    client.force_login(sender)
    response = client.post(
        reverse("cooperation:proposal_create", args=[home.pk, partner.pk]), {"kind": "twinning", "message": "Снова"}
    )
    assert response.status_code == 200
    assert response.context["already_partners"]
    assert response.context["form"].non_field_errors()
    assert not PartnershipProposal.objects.exists()


def test_the_proposal_page_shows_each_side_its_own_buttons(client, home, partner, sender, receiver):
    proposal = send(sender, home, partner)
    url = reverse("cooperation:proposal", args=[proposal.pk])
    client.force_login(municipal_staff(MunicipalityFactory()))
    assert client.get(url).status_code == 404
    client.force_login(receiver)
    page = client.get(url).content.decode()
    assert 'id="proposal-accept"' in page and 'id="proposal-decline"' in page and "proposal-withdraw" not in page
    client.force_login(sender)
    page = client.get(url).content.decode()
    assert 'id="proposal-withdraw"' in page and "proposal-accept" not in page


def test_accepting_on_the_page_links_the_draft_agreement(client, home, partner, sender, receiver):
    proposal = send(sender, home, partner)
    client.force_login(receiver)
    assert client.get(reverse("cooperation:proposal_accept", args=[proposal.pk])).status_code == 405
    response = client.post(reverse("cooperation:proposal_accept", args=[proposal.pk]), {"answer": "Да"})
    assert response["Location"] == reverse("cooperation:proposal", args=[proposal.pk])
    proposal.refresh_from_db()
    page = client.get(response["Location"])
    assert page.context["agreement"] == proposal.agreement
    assert reverse("cooperation:agreement", args=[proposal.agreement_id]) in page.content.decode()
    # Accepting again is refused with a message, and nothing more is made.
    response = client.post(reverse("cooperation:proposal_accept", args=[proposal.pk]), follow=True)
    assert [m.message for m in response.context["messages"]]
    assert Agreement.objects.count() == 1


def test_the_sender_may_not_accept_and_the_receiver_may_not_withdraw_through_the_pages(
    client, home, partner, sender, receiver
):
    proposal = send(sender, home, partner)
    client.force_login(sender)
    assert client.post(reverse("cooperation:proposal_accept", args=[proposal.pk])).status_code == 403
    client.force_login(receiver)
    assert client.post(reverse("cooperation:proposal_withdraw", args=[proposal.pk])).status_code == 403
    response = client.post(reverse("cooperation:proposal_decline", args=[proposal.pk]), {"answer": "Нет"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answer) == ("declined", "Нет")


def test_the_inbox_and_outbox_filter_by_direction_and_status(client, home, partner, sender):
    third = MunicipalityFactory()
    sent = send(sender, home, partner)
    received = send(municipal_staff(third), third, home)
    declined = send(UserFactory(is_staff=True), partner, home)
    proposal_decline(proposal=declined, actor=sender)
    client.force_login(sender)
    url = reverse("cooperation:proposals")

    def shown(**params):
        return [p.pk for p in client.get(url, params).context["page"].object_list]

    assert shown() == [declined.pk, received.pk]  # received, newest first
    assert shown(box="sent") == [sent.pk]
    assert shown(box="received", status="sent") == [received.pk]
    assert shown(box="all") == [declined.pk, received.pk, sent.pk]
    client.force_login(UserFactory())
    assert shown() == []


def test_the_proposal_list_reads_in_the_same_number_of_queries_as_proposals_grow(client, home, sender):
    send(municipal_staff(home), home, MunicipalityFactory())
    client.force_login(sender)
    url = reverse("cooperation:proposals") + "?box=sent"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _n in range(4):
        proposal = send(sender, home, MunicipalityFactory(), areas=[area("youth"), area("sport")])
    proposal_accept(proposal=proposal, actor=UserFactory(is_staff=True))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 5
    assert len(many) == len(few)


def test_the_proposal_page_reads_in_a_fixed_number_of_queries(client, home, partner, sender, receiver):
    proposal = send(sender, home, partner, areas=[area("youth")])
    client.force_login(receiver)
    url = reverse("cooperation:proposal", args=[proposal.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    proposal.areas.add(area("sport"), area("culture"))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- concurrency (PostgreSQL: SQLite serialises writers anyway) -----------------------------------------------


def _at_once(*calls):
    """Run the calls in threads released together; return what each returned or the error codes it raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except ValidationError as exc:
            results[i] = error_codes(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions are exercised on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_make_one_agreement(home, partner, sender, receiver):
    _postgresql_only()
    proposal = send(sender, home, partner)
    other = municipal_staff(partner)

    def accept(actor):
        return lambda: proposal_accept(proposal=PartnershipProposal.objects.get(pk=proposal.pk), actor=actor).status

    results = _at_once(accept(receiver), accept(other))
    assert sorted(map(str, results)) == sorted(["accepted", str({"not_open"})])
    assert Agreement.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_crossed_proposals_accepted_at_once_make_one_agreement(home, partner, sender, receiver):
    _postgresql_only()
    mine = send(sender, home, partner)
    theirs = send(receiver, partner, home, message="Встречное предложение")
    results = _at_once(
        lambda: proposal_accept(proposal=PartnershipProposal.objects.get(pk=mine.pk), actor=receiver).status,
        lambda: proposal_accept(proposal=PartnershipProposal.objects.get(pk=theirs.pk), actor=sender).status,
    )
    assert sorted(map(str, results)) == sorted(["accepted", str({"not_open"})])
    assert Agreement.objects.count() == 1
    assert set(PartnershipProposal.objects.values_list("status", flat=True)) == {"accepted"}


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_leave_one_open_proposal(home, partner, sender):
    _postgresql_only()
    other = municipal_staff(home)
    results = _at_once(
        lambda: send(sender, home, partner).status,
        lambda: send(other, home, partner).status,
    )
    assert sorted(map(str, results)) == sorted(["sent", str({"already_open"})])
    assert PartnershipProposal.objects.count() == 1
