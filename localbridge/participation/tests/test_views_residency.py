"""The residence pages through the test client: "My residence", a claim and a code with errors beside the fields,
the staff's and the ТОС chair's queues, and code generation with the printable sheet and the CSV."""

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.participation.models import Residency, ResidencyCode, ResidencyStatus
from localbridge.participation.tests.factories import MunicipalStaffFactory, ResidencyFactory, tos_with_chair
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def _claim_url(municipality):
    return reverse("participation:residence_claim", args=[municipality.pk])


def test_my_residence_needs_sign_in_and_finds_municipalities(client):
    url = reverse("participation:my_residence")
    assert client.get(url).status_code == 302
    municipality = MunicipalityFactory(name_ru="Городской округ Благовещенск")
    client.force_login(UserFactory())
    response = client.get(url, {"q": "благовещ"})
    assert response.status_code == 200
    assert response.context["found"] == [municipality]


def test_a_claim_through_the_page_and_a_second_one_refused(client):
    municipality = MunicipalityFactory()
    client.force_login(UserFactory())
    assert client.get(_claim_url(municipality)).status_code == 200
    assert client.post(_claim_url(municipality), {"claim-address": "ул. Мира, 5"}).status_code == 302
    assert Residency.objects.get().status == ResidencyStatus.CLAIMED
    response = client.post(_claim_url(municipality), {"claim-address": "ул. Мира, 5"})
    assert response.status_code == 400
    assert response.context["claim_form"].non_field_errors()


def test_a_wrong_code_is_shown_beside_the_code_field(client):
    municipality = MunicipalityFactory()
    client.force_login(UserFactory())
    url = reverse("participation:residence_code", args=[municipality.pk])
    response = client.post(url, {"code-code": "ABCDE-FGHJK"})
    assert response.status_code == 400
    assert response.context["code_form"].errors["code"]
    assert not Residency.objects.exists()


def test_a_code_from_the_csv_confirms_residence(client):
    municipality = MunicipalityFactory()
    client.force_login(MunicipalStaffFactory(municipality=municipality))
    response = client.post(
        reverse("participation:codes_generate", args=[municipality.pk]), {"batch": "b", "count": 1, "output": "csv"}
    )
    code = response.content.decode("utf-8-sig").strip().splitlines()[1].split(",")[-1]
    client.force_login(UserFactory())
    response = client.post(reverse("participation:residence_code", args=[municipality.pk]), {"code-code": code})
    assert response.status_code == 302
    assert Residency.objects.get().status == ResidencyStatus.CONFIRMED


def test_the_staff_queue_is_for_the_municipalitys_staff_and_decides(client):
    residency = ResidencyFactory()
    ResidencyFactory()  # another municipality's claim
    url = reverse("participation:residency_queue")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(MunicipalStaffFactory(municipality=residency.municipality))
    response = client.get(url)
    assert list(response.context["residencies"]) == [residency]
    decide = reverse("participation:residency_decide", args=[residency.pk])
    assert client.post(decide, {"decision": "confirm", "next": url}).url == url
    assert Residency.objects.get(pk=residency.pk).status == ResidencyStatus.CONFIRMED


def test_a_rejection_without_a_reason_is_refused_with_a_message(client):
    residency = ResidencyFactory()
    client.force_login(MunicipalStaffFactory(municipality=residency.municipality))
    response = client.post(
        reverse("participation:residency_decide", args=[residency.pk]), {"decision": "reject"}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Residency.objects.get().status == ResidencyStatus.CLAIMED


def test_others_may_not_decide(client):
    residency = ResidencyFactory()
    client.force_login(MunicipalStaffFactory())
    assert (
        client.post(reverse("participation:residency_decide", args=[residency.pk]), {"decision": "confirm"}).status_code
        == 403
    )


def test_the_chair_queue_shows_the_claims_on_the_tos_territory(client):
    municipality = MunicipalityFactory()
    tos, chair = tos_with_chair(municipality)
    mine = ResidencyFactory(municipality=municipality, tos=tos)
    ResidencyFactory(municipality=municipality)
    url = reverse("participation:residency_chair_queue")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(chair)
    assert list(client.get(url).context["residencies"]) == [mine]
    client.post(reverse("participation:residency_decide", args=[mine.pk]), {"decision": "confirm"})
    assert Residency.objects.get(pk=mine.pk).status == ResidencyStatus.CONFIRMED


def test_codes_are_printed_once_on_a_sheet_with_each_code_once(client):
    municipality = MunicipalityFactory()
    url = reverse("participation:codes_generate", args=[municipality.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(MunicipalStaffFactory(municipality=municipality))
    assert client.get(url).status_code == 200
    response = client.post(url, {"batch": "ул. Ленина", "count": 12, "output": "print"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    codes = response.context["codes"]
    html = response.content.decode()
    assert len(set(codes)) == 12 and all(html.count(code) == 1 for code in codes)
    assert "codes_sheet.css" in html
    assert ResidencyCode.objects.count() == 12


def test_codes_come_as_csv_when_asked(client):
    municipality = MunicipalityFactory()
    client.force_login(MunicipalStaffFactory(municipality=municipality))
    response = client.post(
        reverse("participation:codes_generate", args=[municipality.pk]), {"batch": "b", "count": 3, "output": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 4


def test_code_generation_errors_are_shown_beside_the_fields(client):
    municipality = MunicipalityFactory()
    client.force_login(MunicipalStaffFactory(municipality=municipality))
    url = reverse("participation:codes_generate", args=[municipality.pk])
    response = client.post(url, {"batch": "", "count": 6000, "output": "print"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"batch", "count"}
    client.post(url, {"batch": "b", "count": 1, "output": "csv"})
    response = client.post(url, {"batch": "b", "count": 1, "output": "csv"})
    assert response.status_code == 400 and response.context["form"].errors["batch"]
