"""The ТОС registration API (/api/v1/tos/): the same services as the web, JSON errors with codes and fields."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from localbridge.accounts.services import token_create
from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole, Organization, OrganizationKind
from localbridge.organizations.models import OrganizationStatus as S
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.organizations.tests.tos_support import (
    PNG_BYTES,
    bring_to,
    chair_of,
    complete_draft,
    docx_bytes,
    fast_password_hashing,  # noqa: F401  (an autouse fixture)
    staff_of,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/tos/"


def bearer(user) -> dict[str, str]:
    _, secret = token_create(user=user, actor=user, name="tests")
    return {"Authorization": f"Bearer {secret}"}


def payload(municipality, **overrides):
    data = {
        "municipality_id": municipality.pk,
        "name": "ТОС «Ключи»",
        "territory_name": "село Ключи",
        "territory_kind": "rural_locality",
        "founding_date": (timezone.localdate() - timedelta(days=10)).isoformat(),
        "founding_form": "conference",
        "participants_count": 40,
        "delegates_elected": 50,
        "residents_count": 600,
        "chair": "Ковалёва Нина Петровна",
        "council": ["Ковалёв Пётр", "Лебедева Анна"],
        "boundary": {"type": "Polygon", "coordinates": [[[30, 60], [30.1, 60], [30.1, 60.1], [30, 60]]]},
    }
    data.update(overrides)
    return data


def post(client, url, data, user):
    return client.post(url, data, content_type="application/json", headers=bearer(user))


def test_create_a_draft_with_a_token():
    client, user, municipality = Client(), UserFactory(), MunicipalityFactory()
    response = post(client, BASE, payload(municipality), user)
    assert response.status_code == 201, response.content
    body = response.json()
    tos = Organization.objects.get(pk=body["id"])
    assert (body["status"], body["chair"], body["council"]) == (
        "draft",
        "Ковалёва Нина Петровна",
        ["Ковалёв Пётр", "Лебедева Анна"],
    )
    assert body["municipality"]["id"] == municipality.pk
    assert body["allowed_actions"] == ["submit"]
    assert tos.memberships.get(user=user).role == MembershipRole.CHAIR


def test_create_reports_bad_fields_with_codes_and_saves_nothing():
    user = UserFactory()
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = post(
        Client(),
        BASE,
        payload(MunicipalityFactory(), territory_kind="castle", founding_date=future, boundary={"type": "Point"}),
        user,
    )
    assert response.status_code == 400
    body = response.json()
    fields = {(e["field"], e["code"]) for e in body["errors"]}
    assert {("territory_kind", "invalid_choice"), ("founding_date", "in_future"), ("boundary", "invalid_geojson")} <= (
        fields
    )
    assert body["code"] and body["message"]
    assert not Organization.objects.filter(kind=OrganizationKind.TOS).exists()


def test_create_with_an_unknown_municipality_is_a_field_error():
    response = post(Client(), BASE, payload(MunicipalityFactory(), municipality_id=999999), UserFactory())
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "municipality_id",
        "code": "unknown_municipality",
        "message": response.json()["errors"][0]["message"],
    }


def test_create_without_required_fields_is_a_schema_error():
    response = post(Client(), BASE, {"municipality_id": MunicipalityFactory().pk}, UserFactory())
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert {e["field"] for e in response.json()["errors"]} >= {"name", "territory_name", "territory_kind"}


def test_unknown_tos_is_404():
    response = Client().get(f"{BASE}987654", headers=bearer(UserFactory()))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_organisation_that_is_not_a_tos_is_404():
    ngo = OrganizationFactory()
    assert Client().get(f"{BASE}{ngo.pk}").status_code == 404


def test_a_registered_tos_is_readable_without_signing_in():
    tos = bring_to(complete_draft(), S.REGISTERED)
    response = Client().get(f"{BASE}{tos.pk}")
    assert response.status_code == 200
    assert response.json()["registry_number"] == tos.registry_number


def test_a_bad_token_is_refused_even_for_reading():
    tos = bring_to(complete_draft(), S.REGISTERED)
    response = Client().get(f"{BASE}{tos.pk}", headers={"Authorization": "Bearer lb_nope_nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_charter_upload_accepts_a_real_docx():
    tos = complete_draft(charter=False)
    response = Client().post(
        f"{BASE}{tos.pk}/charter",
        {"file": SimpleUploadedFile("устав.docx", docx_bytes())},
        headers=bearer(chair_of(tos)),
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "устав.docx"
    tos.tos.refresh_from_db()
    assert tos.tos.charter_id == response.json()["id"]


def test_charter_upload_refuses_a_pdf_that_is_really_a_png():
    tos = complete_draft(charter=False)
    response = Client().post(
        f"{BASE}{tos.pk}/charter",
        {"file": SimpleUploadedFile("устав.pdf", PNG_BYTES)},
        headers=bearer(chair_of(tos)),
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "charter"
    assert response.json()["errors"][0]["code"] == "file_content"


def test_charter_upload_refuses_an_oversized_file(settings):
    settings.UPLOAD_MAX_BYTES = 20
    tos = complete_draft(charter=False)
    response = Client().post(
        f"{BASE}{tos.pk}/charter",
        {"file": SimpleUploadedFile("устав.pdf", b"%PDF-1.4\n" + b"0" * 50 + b"%%EOF")},
        headers=bearer(chair_of(tos)),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"


def test_an_incomplete_submission_lists_the_missing_fields():
    tos = complete_draft(charter=False, chair_name="")
    response = post(Client(), f"{BASE}{tos.pk}/submit", {}, chair_of(tos))
    assert response.status_code == 400
    assert {("charter", "required"), ("chair", "required")} <= {
        (e["field"], e["code"]) for e in response.json()["errors"]
    }


def test_a_move_from_the_wrong_state_is_a_400_with_a_code():
    tos = bring_to(complete_draft(), S.SUBMITTED)
    response = post(Client(), f"{BASE}{tos.pk}/register", {}, staff_of(tos.municipality))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_transition"


def test_return_without_remarks_is_refused_on_the_comment_field():
    tos = bring_to(complete_draft(), S.UNDER_REVIEW)
    response = post(Client(), f"{BASE}{tos.pk}/return", {"comment": ""}, staff_of(tos.municipality))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "comment", "code": "comment_required", "message": response.json()["message"]}
    ]


def test_the_same_territory_twice_is_refused():
    first = bring_to(complete_draft(), S.SUBMITTED)
    second = complete_draft(municipality=first.municipality)
    response = post(Client(), f"{BASE}{second.pk}/submit", {}, chair_of(second))
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "territory_taken"


def test_legal_entity_through_the_api():
    tos = bring_to(complete_draft(), S.REGISTERED)
    chair = chair_of(tos)
    bad = post(
        Client(), f"{BASE}{tos.pk}/legal-entity", {"ogrn": "1027700132190", "registered_on": "2026-01-20"}, chair
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "invalid_ogrn"
    good = post(
        Client(), f"{BASE}{tos.pk}/legal-entity", {"ogrn": "1027700132195", "registered_on": "2026-01-20"}, chair
    )
    assert good.status_code == 200
    assert good.json()["is_legal_entity"] and good.json()["ogrn"] == "1027700132195"


def test_the_whole_journey_through_the_api_and_its_history():
    client, applicant, municipality = Client(), UserFactory(), MunicipalityFactory()
    reviewer = staff_of(municipality)
    tos_id = post(client, BASE, payload(municipality), applicant).json()["id"]
    charter = client.post(
        f"{BASE}{tos_id}/charter",
        {"file": SimpleUploadedFile("устав.pdf", b"%PDF-1.4\n%%EOF\n")},
        headers=bearer(applicant),
    )
    assert charter.status_code == 201
    steps = [
        (applicant, "submit", {}),
        (reviewer, "start-review", {}),
        (reviewer, "return", {"comment": "Уточните число делегатов"}),
        (applicant, "resubmit", {}),
        (reviewer, "start-review", {}),
        (reviewer, "register", {"comment": "Зарегистрировано"}),
    ]
    patched = client.patch(
        f"{BASE}{tos_id}", {"delegates_elected": 55}, content_type="application/json", headers=bearer(applicant)
    )
    assert patched.status_code == 200 and patched.json()["delegates_elected"] == 55
    for user, path, body in steps:
        if path == "resubmit":
            fix = client.patch(
                f"{BASE}{tos_id}", {"participants_count": 45}, content_type="application/json", headers=bearer(user)
            )
            assert fix.status_code == 200, fix.content
        response = post(client, f"{BASE}{tos_id}/{path}", body, user)
        assert response.status_code == 200, (path, response.content)
    assert response.json()["status"] == "registered" and response.json()["registry_number"]
    history = client.get(f"{BASE}{tos_id}/history", headers=bearer(applicant)).json()
    moves = [(h["action"], h["from_status"], h["to_status"]) for h in history if h["to_status"] and h["from_status"]]
    assert moves == [
        ("submit", "draft", "submitted"),
        ("start_review", "submitted", "under_review"),
        ("return", "under_review", "returned"),
        ("resubmit", "returned", "submitted"),
        ("start_review", "submitted", "under_review"),
        ("register", "under_review", "registered"),
    ]
    assert any(h["comment"] == "Уточните число делегатов" for h in history)


def test_session_auth_needs_the_csrf_token():
    tos = complete_draft()
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair_of(tos))
    response = client.post(f"{BASE}{tos.pk}/submit", {}, content_type="application/json")
    assert response.status_code in (401, 403)
    tos.refresh_from_db()
    assert tos.status == S.DRAFT


def test_the_openapi_schema_lists_the_tos_moves():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/tos/",
        "/api/v1/tos/{tos_id}",
        "/api/v1/tos/{tos_id}/start-review",
        "/api/v1/tos/{tos_id}/history",
    ):
        assert path in paths
