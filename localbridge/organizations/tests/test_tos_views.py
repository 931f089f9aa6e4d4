"""The ТОС registration web pages: the form (with and without JavaScript), the moves, the legal entity form, the
reviewers' queue and the panel on the organisation page."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations import services
from localbridge.organizations.models import BodyRole, MembershipRole, Organization, OrganizationKind
from localbridge.organizations.models import OrganizationStatus as S
from localbridge.organizations.tests.tos_support import (
    PNG_BYTES,
    bring_to,
    chair_of,
    complete_draft,
    fast_password_hashing,  # noqa: F401  (an autouse fixture)
    pdf_upload,
    staff_of,
)
from localbridge.territories.tests.factories import MunicipalityFactory, RegionFactory, SettlementFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("organizations:tos_create")


def _form_data(municipality, **overrides):
    data = {
        "region": municipality.region_id,
        "municipality": municipality.pk,
        "name": "ТОС «Заречье»",
        "territory_name": "ул. Заречная, дома 1–20",
        "territory_kind": "building_group",
        "territory_description": "Между рекой и парком",
        "boundary": "",
        "founding_date": (timezone.localdate() - timedelta(days=20)).isoformat(),
        "founding_form": "meeting",
        "residents_count": "240",
        "participants_count": "90",
        "delegates_elected": "",
        "chair": "Смирнова Елена Викторовна",
        "council": "Иванов Иван\nПетров Пётр\n",
        "email": "zarechye@example.org",
        "phone": "",
        "address": "",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def applicant(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_the_form_asks_for_a_sign_in(client):
    response = client.get(CREATE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_form_has_its_sections_and_no_inline_script_or_style(client, applicant):
    response = client.get(CREATE)
    html = response.content.decode()
    assert response.status_code == 200
    for name in (
        "region",
        "municipality",
        "settlement",
        "territory_name",
        "boundary",
        "founding_date",
        "chair",
        "council",
        "email",
        "charter",
    ):
        assert f'name="{name}"' in html
    assert html.count("<fieldset") >= 6
    assert 'enctype="multipart/form-data"' in html
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)


def test_a_full_registration_creates_the_draft_and_lands_on_its_page(client, applicant):
    municipality = MunicipalityFactory()
    settlement = SettlementFactory(municipality=municipality)
    boundary = '{"type": "Polygon", "coordinates": [[[127.5, 50.2], [127.6, 50.2], [127.6, 50.3], [127.5, 50.2]]]}'
    data = _form_data(municipality, settlement=settlement.pk, boundary=boundary, charter=pdf_upload())
    response = client.post(CREATE, data)
    tos = Organization.objects.get(kind=OrganizationKind.TOS)
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:detail", args=[tos.pk])
    assert (tos.status, tos.municipality, tos.settlement, tos.email) == (
        S.DRAFT,
        municipality,
        settlement,
        "zarechye@example.org",
    )
    assert tos.tos.boundary["type"] == "Polygon"
    assert tos.tos.charter.original_name == "устав.pdf"
    assert [b.full_name for b in tos.body_members.order_by("position")] == [
        "Смирнова Елена Викторовна",
        "Иванов Иван",
        "Петров Пётр",
    ]
    assert tos.memberships.get(role=MembershipRole.CHAIR).user == applicant


def test_bad_input_is_shown_beside_the_fields_and_nothing_is_saved(client, applicant):
    municipality = MunicipalityFactory()
    data = _form_data(municipality, name="", residents_count="-5", boundary='{"type": "Point"}', email="nope")
    response = client.post(CREATE, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert {"name", "residents_count", "boundary", "email"} <= set(form.errors)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Organization.objects.filter(kind=OrganizationKind.TOS).exists()


def test_a_pdf_that_is_really_a_png_is_refused_on_the_charter_field(client, applicant):
    data = _form_data(MunicipalityFactory(), charter=SimpleUploadedFile("charter.pdf", PNG_BYTES))
    response = client.post(CREATE, data)
    assert response.status_code == 400
    assert "charter" in response.context["form"].errors
    assert not Organization.objects.filter(kind=OrganizationKind.TOS).exists()


def test_an_oversized_charter_is_refused(client, applicant, settings):
    settings.UPLOAD_MAX_BYTES = 50
    data = _form_data(MunicipalityFactory(), charter=pdf_upload(content=b"%PDF-1.4\n" + b"0" * 100 + b"%%EOF"))
    response = client.post(CREATE, data)
    assert response.status_code == 400
    assert response.context["form"].errors["charter"]


def test_a_service_error_lands_beside_its_field(client, applicant):
    tomorrow = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(CREATE, _form_data(MunicipalityFactory(), founding_date=tomorrow))
    assert response.status_code == 400
    assert "founding_date" in response.context["form"].errors


def test_without_javascript_the_region_button_lists_its_municipalities(client, applicant):
    amur = RegionFactory()
    other_region = RegionFactory(code="RU-MOS", name_ru="Московская область")
    here = MunicipalityFactory(region=amur, name_ru="Благовещенск")
    MunicipalityFactory(region=other_region, name_ru="Подольск")
    response = client.post(CREATE, {"region": amur.pk, "name": "ТОС «Набросок»", "refresh": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Благовещенск" in html and "Подольск" not in html
    assert "ТОС «Набросок»" in html  # what was typed is kept
    assert not response.context["form"].errors
    assert here.pk in [m.pk for m in response.context["form"].fields["municipality"].queryset]
    assert not Organization.objects.filter(kind=OrganizationKind.TOS).exists()


def test_with_htmx_the_region_swaps_in_its_municipalities(client, applicant):
    amur = RegionFactory()
    MunicipalityFactory(region=amur, name_ru="Свободный")
    MunicipalityFactory(region=RegionFactory(code="RU-TVE", name_ru="Тверская область"), name_ru="Ржев")
    response = client.get(CREATE, {"partial": "place", "region": amur.pk}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="tos-place">')
    assert "Свободный" in html and "Ржев" not in html


def test_with_htmx_the_municipality_swaps_in_its_localities(client, applicant):
    municipality = MunicipalityFactory()
    SettlementFactory(municipality=municipality, name_ru="Моховая Падь")
    SettlementFactory(name_ru="Чигири")
    response = client.get(
        CREATE,
        {"partial": "settlement", "region": municipality.region_id, "municipality": municipality.pk},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Моховая Падь" in html and "Чигири" not in html


def test_the_edit_form_is_filled_in(client):
    tos = complete_draft()
    client.force_login(chair_of(tos))
    response = client.get(reverse("organizations:tos_edit", args=[tos.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "микрорайон Северный, дома 1–15" in html
    assert "Петрова Анна Сергеевна" in html and "Сидорова Мария" in html
    assert "устав.pdf" in html


def test_editing_replaces_the_council_and_keeps_the_charter(client):
    tos = complete_draft()
    client.force_login(chair_of(tos))
    data = _form_data(tos.municipality, name=tos.name, territory_name=tos.tos.territory_name, council="Орлова Ольга")
    response = client.post(reverse("organizations:tos_edit", args=[tos.pk]), data)
    assert response.status_code == 302
    assert list(tos.body_members.filter(role=BodyRole.COUNCIL).values_list("full_name", flat=True)) == ["Орлова Ольга"]
    tos.tos.refresh_from_db()
    assert tos.tos.charter_id is not None


def test_edit_of_an_unknown_tos_is_404(client, applicant):
    assert client.get(reverse("organizations:tos_edit", args=[987654])).status_code == 404


def test_edit_of_an_organisation_that_is_not_a_tos_is_404(client, applicant):
    administration = staff_of(MunicipalityFactory()).memberships.get().organization
    assert client.get(reverse("organizations:tos_edit", args=[administration.pk])).status_code == 404


# --- moves --------------------------------------------------------------------------------------------


def _move_url(tos, action):
    return reverse("organizations:tos_transition", args=[tos.pk, action])


def test_moves_are_post_only(client):
    tos = complete_draft()
    client.force_login(chair_of(tos))
    assert client.get(_move_url(tos, "submit")).status_code == 405


def test_an_unknown_move_is_404(client):
    tos = complete_draft()
    client.force_login(chair_of(tos))
    assert client.post(_move_url(tos, "approve")).status_code == 404


def test_an_incomplete_submission_shows_what_is_missing_and_changes_nothing(client):
    tos = complete_draft(charter=False, chair_name="")
    client.force_login(chair_of(tos))
    response = client.post(_move_url(tos, "submit"))
    html = response.content.decode()
    assert response.status_code == 400
    reported = {(row["name"], row["code"]) for row in response.context["errors"]}
    assert {("charter", "required"), ("chair", "required")} <= reported
    assert reverse("organizations:tos_edit", args=[tos.pk]) in html
    tos.refresh_from_db()
    assert tos.status == S.DRAFT


def test_returning_without_remarks_asks_for_them(client):
    tos = bring_to(complete_draft(), S.UNDER_REVIEW)
    client.force_login(staff_of(tos.municipality))
    response = client.post(_move_url(tos, "return"), {"comment": " "})
    assert response.status_code == 400
    assert response.context["form"].errors["comment"]
    tos.refresh_from_db()
    assert tos.status == S.UNDER_REVIEW


def test_a_move_from_the_wrong_state_is_explained(client):
    tos = bring_to(complete_draft(), S.SUBMITTED)
    client.force_login(staff_of(tos.municipality))
    response = client.post(_move_url(tos, "register"))
    assert response.status_code == 400
    tos.refresh_from_db()
    assert tos.status == S.SUBMITTED


def test_the_whole_journey_through_the_web(client):
    tos = complete_draft()
    chair, reviewer = chair_of(tos), staff_of(tos.municipality)
    steps = [
        (chair, "submit", ""),
        (reviewer, "start_review", ""),
        (reviewer, "return", "Приложите протокол собрания"),
        (chair, "resubmit", ""),
        (reviewer, "start_review", ""),
        (reviewer, "register", "Соответствует"),
    ]
    for user, action, comment in steps:
        client.force_login(user)
        assert client.post(_move_url(tos, action), {"comment": comment}).status_code == 302
    tos.refresh_from_db()
    assert tos.status == S.REGISTERED and tos.registry_number
    page = client.get(reverse("organizations:detail", args=[tos.pk])).content.decode()
    assert "Приложите протокол собрания" in page
    assert tos.registry_number in page


# --- the panel on the organisation page ---------------------------------------------------------------


def test_the_panel_offers_the_chair_submission_and_editing(client):
    tos = complete_draft()
    client.force_login(chair_of(tos))
    html = client.get(reverse("organizations:detail", args=[tos.pk])).content.decode()
    assert _move_url(tos, "submit") in html
    assert reverse("organizations:tos_edit", args=[tos.pk]) in html
    assert _move_url(tos, "register") not in html


def test_the_panel_lists_what_is_missing_before_submission(client):
    tos = complete_draft(charter=False)
    client.force_login(chair_of(tos))
    response = client.get(reverse("organizations:detail", args=[tos.pk]))
    assert "tos-missing" in response.content.decode()


def test_the_panel_offers_the_reviewer_the_decisions_with_a_due_date(client):
    tos = bring_to(complete_draft(), S.UNDER_REVIEW)
    client.force_login(staff_of(tos.municipality))
    html = client.get(reverse("organizations:detail", args=[tos.pk])).content.decode()
    for action in ("return", "register", "refuse"):
        assert _move_url(tos, action) in html
    assert _move_url(tos, "submit") not in html
    assert tos.tos.review_due_on.isoformat() in html


def test_the_panel_links_the_charter_to_the_permission_checked_download(client):
    tos = complete_draft()
    client.force_login(chair_of(tos))
    html = client.get(reverse("organizations:detail", args=[tos.pk])).content.decode()
    assert reverse("organizations:document", args=[tos.pk, tos.tos.charter_id]) in html


def test_the_public_sees_the_history_of_a_registered_tos_but_no_buttons(client):
    tos = bring_to(complete_draft(), S.REGISTERED)
    html = client.get(reverse("organizations:detail", args=[tos.pk])).content.decode()
    assert 'id="tos-history-title"' in html
    assert "tos-move" not in html


def _panel_queries(client, tos) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("organizations:detail", args=[tos.pk])).status_code == 200
    return len(queries)


def test_the_panel_query_count_does_not_grow_with_bodies_and_history(client):
    small = complete_draft(council=["Иванов Иван"])
    large = complete_draft(council=[f"Член совета {n}" for n in range(15)])
    chair = chair_of(large)
    for n in range(8):
        services.tos_update(tos=large, actor=chair, territory_description=f"Границы, вариант {n}")
    client.force_login(chair_of(small))
    small_count = _panel_queries(client, small)
    client.force_login(chair)
    assert _panel_queries(client, large) == small_count


# --- legal entity -------------------------------------------------------------------------------------


def test_the_legal_entity_form_records_a_valid_ogrn(client):
    tos = bring_to(complete_draft(), S.REGISTERED)
    client.force_login(chair_of(tos))
    url = reverse("organizations:tos_legal_entity", args=[tos.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"ogrn": "1027700132195", "registered_on": "2026-02-01"})
    assert response.status_code == 302
    tos.refresh_from_db()
    assert tos.is_legal_entity and tos.legal_registered_on == date(2026, 2, 1)


def test_the_legal_entity_form_shows_a_wrong_check_digit_beside_the_field(client):
    tos = bring_to(complete_draft(), S.REGISTERED)
    client.force_login(chair_of(tos))
    response = client.post(
        reverse("organizations:tos_legal_entity", args=[tos.pk]),
        {"ogrn": "1027700132194", "registered_on": "2026-02-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ogrn"]
    tos.refresh_from_db()
    assert not tos.is_legal_entity


def test_the_legal_entity_form_is_refused_for_a_draft(client):
    tos = complete_draft()
    client.force_login(chair_of(tos))
    assert client.get(reverse("organizations:tos_legal_entity", args=[tos.pk])).status_code == 403


# --- the reviewers' queue -----------------------------------------------------------------------------

QUEUE = reverse("organizations:tos_review_queue")


def test_the_queue_is_refused_to_a_plain_user(client, applicant):
    assert client.get(QUEUE).status_code == 403


def test_the_queue_shows_the_reviewers_municipality_awaiting_a_decision_only(client):
    municipality = MunicipalityFactory()
    waiting = bring_to(complete_draft(municipality=municipality, territory_name="ул. Первая"), S.SUBMITTED)
    reviewing = bring_to(complete_draft(municipality=municipality, territory_name="ул. Вторая"), S.UNDER_REVIEW)
    bring_to(complete_draft(municipality=municipality, territory_name="ул. Третья"), S.REGISTERED)
    complete_draft(municipality=municipality, territory_name="ул. Четвёртая")
    elsewhere = bring_to(complete_draft(), S.SUBMITTED)
    client.force_login(staff_of(municipality))
    response = client.get(QUEUE)
    shown = {row["organization"].pk for row in response.context["rows"]}
    assert shown == {waiting.pk, reviewing.pk}
    assert elsewhere.pk not in shown


def test_the_queue_filters_by_status(client):
    municipality = MunicipalityFactory()
    bring_to(complete_draft(municipality=municipality, territory_name="ул. Первая"), S.SUBMITTED)
    reviewing = bring_to(complete_draft(municipality=municipality, territory_name="ул. Вторая"), S.UNDER_REVIEW)
    client.force_login(staff_of(municipality))
    rows = client.get(QUEUE, {"status": "under_review"}).context["rows"]
    assert [row["organization"].pk for row in rows] == [reviewing.pk]


def test_the_queue_flags_an_overdue_decision(client, settings):
    settings.TOS_REVIEW_DAYS = 30
    municipality = MunicipalityFactory()
    old = complete_draft(municipality=municipality, founding_date=date(2020, 1, 1), territory_name="ул. Старая")
    services.tos_submit(tos=old, actor=chair_of(old), now=datetime(2020, 2, 1, tzinfo=UTC))
    fresh = bring_to(complete_draft(municipality=municipality, territory_name="ул. Новая"), S.SUBMITTED)
    client.force_login(staff_of(municipality))
    response = client.get(QUEUE)
    flags = {row["organization"].pk: row["overdue"] for row in response.context["rows"]}
    assert flags == {old.pk: True, fresh.pk: False}
    assert "is-overdue" in response.content.decode()


def test_the_queue_exports_csv(client):
    municipality = MunicipalityFactory()
    bring_to(complete_draft(municipality=municipality), S.SUBMITTED)
    client.force_login(staff_of(municipality))
    response = client.get(QUEUE, {"export": "csv"})
    content = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "микрорайон Северный" in content


def _queue_of(client, count: int) -> None:
    """`count` submitted ТОС in a fresh municipality, and its reviewer signed in."""
    municipality = MunicipalityFactory()
    reviewer = staff_of(municipality)
    chair = UserFactory()
    for n in range(count):
        tos = services.tos_create_draft(
            actor=chair,
            municipality=municipality,
            name=f"ТОС № {n}",
            territory_name=f"дом {n}",
            territory_kind="building",
            founding_date=date(2026, 1, 1),
            participants_count=10,
            residents_count=20,
            chair="Председатель",
            charter=pdf_upload(),
        )
        services.tos_submit(tos=tos, actor=chair, now=datetime(2026, 2, 1, tzinfo=UTC))
    client.force_login(reviewer)


def test_the_queue_query_count_is_the_same_for_5_and_50(client, django_assert_num_queries):
    _queue_of(client, 5)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(QUEUE).context["rows"]) == 5
    _queue_of(client, 50)
    with django_assert_num_queries(len(five)):
        assert len(client.get(QUEUE).context["rows"]) == 25
