"""Cooperation's pages through the test client: who sees and does what, forms with errors beside fields and
nothing half-saved, and query counts that stay the same as the data grows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation.models import Agreement, AgreementKind, AgreementStatus, TwinLink, TwinLinkSource
from localbridge.cooperation.services import agreement_move
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory

from .factories import area, draft_agreement, municipal_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return MunicipalityFactory(name_ru="Волгоград", latitude=48.7, longitude=44.5, population=1_000_000)


@pytest.fixture
def abroad():
    return MunicipalityFactory(
        country=CountryFactory(code="GB", code3="GBR", name_ru="Великобритания"),
        region=None,
        latitude=52.4,
        longitude=-1.5,
        population=300_000,
    )


@pytest.fixture
def staff(home):
    return municipal_staff(home)


def signed(actor, *municipalities, **kwargs):
    agreement = draft_agreement(actor, *municipalities, **kwargs)
    agreement_move(agreement=agreement, action="submit", actor=actor)
    agreement_move(agreement=agreement, action="sign", actor=actor, signed_place="Ковентри")
    return agreement


def link(a, b, source=TwinLinkSource.HEKMAN):
    first, second = sorted((a.pk, b.pk))
    return TwinLink.objects.create(municipality_a_id=first, municipality_b_id=second, source=source)


# --- reading ----------------------------------------------------------------------------------------------------


def test_the_list_shows_concluded_agreements_to_everyone_and_drafts_only_to_their_parties(client, home, abroad, staff):
    draft = draft_agreement(staff, home, abroad, title="Черновик")
    concluded = signed(staff, home, MunicipalityFactory(), title="Подписанное")
    response = client.get(reverse("cooperation:list"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"].object_list] == [concluded.pk]
    client.force_login(staff)
    shown = {a.pk for a in client.get(reverse("cooperation:list")).context["page"].object_list}
    assert shown == {draft.pk, concluded.pk}
    client.force_login(municipal_staff(MunicipalityFactory()))
    shown = {a.pk for a in client.get(reverse("cooperation:list")).context["page"].object_list}
    assert shown == {concluded.pk}


def test_the_list_filters_by_kind_status_country_and_area(client, home, abroad, staff):
    british = signed(staff, home, abroad, kind=AgreementKind.TWINNING, areas=[area("youth")])
    domestic = signed(staff, home, MunicipalityFactory(), kind=AgreementKind.PARTNERSHIP, areas=[area("culture")])
    url = reverse("cooperation:list")

    def shown(**params):
        return {a.pk for a in client.get(url, params).context["page"].object_list}

    assert shown(kind="partnership") == {domestic.pk}
    assert shown(country="GB") == {british.pk}
    assert shown(area="youth") == {british.pk}
    assert shown(status="signed") == {british.pk, domestic.pk}
    assert shown(status="registered") == set()


def test_a_draft_is_hidden_from_the_public_and_other_municipalities(client, home, abroad, staff):
    draft = draft_agreement(staff, home, abroad)
    url = reverse("cooperation:agreement", args=[draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(municipal_staff(MunicipalityFactory()))
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200


def test_a_concluded_agreement_shows_its_parties_term_documents_reports_and_history(client, home, abroad, staff):
    agreement = signed(staff, home, abroad, starts_on=date(2024, 1, 1))
    response = client.get(reverse("cooperation:agreement", args=[agreement.pk]))
    assert response.status_code == 200
    assert [row["action"] for row in response.context["history"]] == ["create", "submit", "sign"]
    assert {p.municipality_id for p in response.context["parties"]} == {home.pk, abroad.pk}
    assert response.context["moves"] == []  # the public may not act
    assert reverse("cooperation:network", args=[abroad.pk]) in response.content.decode()


def test_the_agreement_page_reads_in_the_same_number_of_queries_however_many_documents_and_parties(
    client, home, abroad, staff
):
    agreement = signed(staff, home, abroad)
    client.force_login(staff)
    url = reverse("cooperation:agreement", args=[agreement.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    client.post(reverse("cooperation:document_add", args=[agreement.pk]), {"language": "ru", "text": "Текст"})
    client.post(reverse("cooperation:document_add", args=[agreement.pk]), {"language": "en", "text": "Text"})
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["documents"]) == 2
    assert len(many) == len(few)


def test_the_list_reads_in_the_same_number_of_queries_as_agreements_grow(client, home, staff):
    signed(staff, home, MunicipalityFactory())
    client.force_login(staff)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cooperation:list"))
    for _ in range(4):
        signed(staff, home, MunicipalityFactory(), MunicipalityFactory(), areas=[area("youth"), area("sport")])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("cooperation:list"))
    assert len(response.context["page"].object_list) == 5
    assert len(many) == len(few)


# --- writing ----------------------------------------------------------------------------------------------------


def test_creating_needs_a_municipal_or_association_role(client):
    url = reverse("cooperation:create")
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_staff_create_an_agreement_with_two_parties(client, home, abroad, staff):
    client.force_login(staff)
    response = client.post(
        reverse("cooperation:create"),
        {
            "title": "О побратимстве",
            "kind": "twinning",
            "municipalities": f"{home.pk}, {abroad.pk}",
            "areas": [area("youth").pk],
            "starts_on": "2025-01-01",
        },
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cooperation:agreement", args=[agreement.pk])
    assert agreement.status == AgreementStatus.DRAFT
    assert {p.municipality_id for p in agreement.parties.all()} == {home.pk, abroad.pk}


def test_creating_with_one_party_shows_the_error_beside_the_parties_and_saves_nothing(client, home, staff):
    client.force_login(staff)
    response = client.post(
        reverse("cooperation:create"),
        {"title": "Одна сторона", "kind": "twinning", "municipalities": str(home.pk), "ends_on": "2020-01-01"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["municipalities"]] == ["too_few_parties"]
    assert not Agreement.objects.exists()


def test_creating_for_other_municipalities_only_is_refused_beside_the_form(client, abroad, staff):
    client.force_login(staff)
    response = client.post(
        reverse("cooperation:create"),
        {"title": "Чужое", "kind": "twinning", "municipalities": f"{abroad.pk}, {MunicipalityFactory().pk}"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Agreement.objects.exists()


def test_a_party_edits_the_draft_and_others_may_not(client, home, abroad, staff):
    agreement = draft_agreement(staff, home, abroad)
    url = reverse("cooperation:edit", args=[agreement.pk])
    client.force_login(municipal_staff(MunicipalityFactory()))
    assert client.get(url).status_code == 404
    client.force_login(staff)
    response = client.post(
        url, {"title": "Новое название", "kind": "partnership", "municipalities": f"{home.pk},{abroad.pk}"}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.title, agreement.kind) == ("Новое название", "partnership")


def test_the_public_may_read_a_signed_agreement_but_not_change_it(client, home, abroad, staff):
    agreement = signed(staff, home, abroad)
    client.force_login(UserFactory())
    assert client.get(reverse("cooperation:edit", args=[agreement.pk])).status_code == 403
    assert client.post(reverse("cooperation:move", args=[agreement.pk, "end"])).status_code == 403


def test_registration_needs_number_and_authority_shown_beside_the_fields(client, home, abroad, staff):
    agreement = signed(staff, home, abroad)
    client.force_login(staff)
    url = reverse("cooperation:move", args=[agreement.pk, "register"])
    response = client.post(url, {"registration_number": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert {e.code for e in errors["registration_number"]} == {"required"}
    assert {e.code for e in errors["registration_authority"]} == {"required"}
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    response = client.post(url, {"registration_number": "17", "registration_authority": "Минюст"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.registration_number) == (AgreementStatus.REGISTERED, "17")


def test_returning_needs_a_comment_and_a_move_from_the_wrong_state_is_refused(client, home, abroad, staff):
    agreement = draft_agreement(staff, home, abroad)
    client.force_login(staff)
    assert client.get(reverse("cooperation:move", args=[agreement.pk, "sign"])).status_code == 409
    assert client.get(reverse("cooperation:move", args=[agreement.pk, "fly"])).status_code == 404
    submitted = client.post(reverse("cooperation:move", args=[agreement.pk, "submit"]))
    assert submitted.status_code == 302, submitted.content.decode()[-3000:]
    response = client.post(reverse("cooperation:move", args=[agreement.pk, "return"]), {"comment": ""})
    assert {e.code for e in response.context["form"].errors.as_data()["comment"]} == {"comment_required"}
    response = client.post(reverse("cooperation:move", args=[agreement.pk, "return"]), {"comment": "Уточнить"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT


def test_ending_needs_a_reason(client, home, abroad, staff):
    agreement = signed(staff, home, abroad)
    client.force_login(staff)
    url = reverse("cooperation:move", args=[agreement.pk, "end"])
    response = client.post(url, {"end_reason": ""})
    assert {e.code for e in response.context["form"].errors.as_data()["end_reason"]} == {"required"}
    assert client.post(url, {"end_reason": "Истёк срок", "ended_on": "2030-01-01"}).status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.ended_on) == (AgreementStatus.ENDED, date(2030, 1, 1))


def test_documents_and_yearly_reports_are_added_by_a_party(client, home, abroad, staff):
    agreement = signed(staff, home, abroad)
    client.force_login(staff)
    response = client.post(reverse("cooperation:document_add", args=[agreement.pk]), {"language": "ru", "text": ""})
    assert {e.code for e in response.context["form"].errors.as_data()["text"]} == {"required"}
    assert not agreement.documents.exists()
    response = client.post(reverse("cooperation:report_add", args=[agreement.pk]), {"year": 2025, "text": "Обмен"})
    assert response.status_code == 200  # not in force before registration
    assert response.context["form"].non_field_errors()
    agreement_move(
        agreement=agreement, action="register", actor=staff, registration_number="1", registration_authority="X"
    )
    response = client.post(reverse("cooperation:report_add", args=[agreement.pk]), {"year": 2025, "text": "Обмен"})
    assert response.status_code == 302
    assert agreement.reports.get().year == 2025
    client.force_login(UserFactory())
    assert client.get(reverse("cooperation:report_add", args=[agreement.pk])).status_code == 403


# --- the network and the finder -------------------------------------------------------------------------------


def test_the_network_page_lists_partners_with_their_map_points_suggestions_and_the_credit(client, home, abroad):
    link(home, abroad)
    partner_of_partner = MunicipalityFactory(latitude=51.0, longitude=0.0, population=500_000)
    link(abroad, partner_of_partner)
    response = client.get(reverse("cooperation:network", args=[home.pk]))
    assert response.status_code == 200
    assert [p.pk for p, _link in response.context["partners"]] == [abroad.pk]
    assert [p["lat"] for p in response.context["map_data"]["partners"]] == [52.4]
    suggestion = next(s for s in response.context["suggestions"] if s.id == partner_of_partner.pk)
    assert "partners_of_partners" in {r.code for r in suggestion.reasons}
    assert abroad.pk not in {s.id for s in response.context["suggestions"]}
    assert 'id="network-map-data"' in response.content.decode()
    assert "Hekman" in response.content.decode()


def test_the_suggestions_follow_the_filters(client, home, abroad):
    german = MunicipalityFactory(
        country=CountryFactory(code="DE", code3="DEU", name_ru="Германия"), region=None, latitude=50.9, longitude=6.9
    )
    url = reverse("cooperation:network", args=[home.pk])
    ids = {s.id for s in client.get(url, {"country": "DE"}).context["suggestions"]}
    assert ids == {german.pk}
    ids = {s.id for s in client.get(url, {"population": "large"}).context["suggestions"]}
    assert ids == {abroad.pk}
    assert client.get(url, {"distance": "500"}).context["suggestions"] == []


def test_the_network_page_reads_in_the_same_number_of_queries_as_partners_grow(client, home, abroad):
    link(home, abroad)
    url = reverse("cooperation:network", args=[home.pk])
    client.get(url)  # the finder's index is built
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        link(home, MunicipalityFactory(latitude=50.0, longitude=10.0))
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["partners"]) == 6
    assert len(many) == len(few)


def test_the_network_search_finds_a_municipality(client, home):
    response = client.get(reverse("cooperation:network_search"), {"q": "волгоград"})
    assert response.status_code == 200
    assert [m.pk for m in response.context["found"]] == [home.pk]


def test_an_unknown_municipality_or_agreement_is_not_found(client):
    assert client.get(reverse("cooperation:network", args=[999999])).status_code == 404
    assert client.get(reverse("cooperation:agreement", args=[999999])).status_code == 404
