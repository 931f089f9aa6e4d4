"""The ТОС registration services: the workflow's allowed and refused moves, completeness, quorum, the territory
rule, uploads, the registry number, the deadline, OGRN, search text and the audit trail."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from localbridge.accounts.tests.factories import UserFactory
from localbridge.core.audit import audit_history
from localbridge.organizations import services
from localbridge.organizations.models import (
    TOS_WORKFLOW,
    BodyRole,
    Document,
    MembershipRole,
    Organization,
    OrganizationKind,
    OrganizationStatus,
)
from localbridge.organizations.tests.factories import OrganizationFactory
from localbridge.organizations.tests.tos_support import (
    PNG_BYTES,
    bring_to,
    chair_of,
    complete_draft,
    docx_bytes,
    draft_fields,
    fast_password_hashing,  # noqa: F401  (an autouse fixture)
    pdf_upload,
    staff_of,
)
from localbridge.territories.tests.factories import MunicipalityFactory, SettlementFactory

pytestmark = pytest.mark.django_db

S = OrganizationStatus
WORKFLOW_STATES = [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.REGISTERED, S.REFUSED]
ALLOWED = sorted((source, name, t.target) for name, t in TOS_WORKFLOW.transitions.items() for source in t.sources)
REFUSED = [
    (state, name) for state in WORKFLOW_STATES for name, t in TOS_WORKFLOW.transitions.items() if state not in t.sources
]


EARLY = date(2025, 11, 1)  # a founding date before every fixed "now" below


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


# --- creating a draft ---------------------------------------------------------------------------------


def test_draft_takes_country_and_region_from_the_municipality_and_makes_the_applicant_chair():
    municipality = MunicipalityFactory()
    applicant = UserFactory()
    tos = services.tos_create_draft(actor=applicant, municipality=municipality, **draft_fields())
    tos.refresh_from_db()
    assert (tos.kind, tos.status) == (OrganizationKind.TOS, S.DRAFT)
    assert tos.region == municipality.region and tos.country == municipality.country
    assert tos.tos.territory_name == "микрорайон Северный, дома 1–15"
    assert tos.memberships.get(user=applicant).role == MembershipRole.CHAIR
    assert tos.created_by == applicant


def test_draft_keeps_territory_key_and_search_text():
    tos = complete_draft()
    assert tos.territory_key == f"{tos.municipality_id}:микрорайон северный, дома 1–15"
    assert "северный" in tos.search_text and "микрорайон" in tos.search_text


def test_draft_creation_is_audited():
    tos = complete_draft()
    actions = [row.action for row in audit_history(obj=tos)]
    assert actions[0] == "create"
    assert {"bodies", "charter"} <= set(actions)


def test_draft_records_chair_and_council_as_named_persons():
    tos = complete_draft(chair_name="Петрова Анна", council=["Иванов Иван", " ", "Иванов  Иван", "Сидорова Мария"])
    rows = [(b.role, b.full_name) for b in tos.body_members.order_by("position")]
    assert rows == [
        (BodyRole.CHAIR, "Петрова Анна"),
        (BodyRole.COUNCIL, "Иванов Иван"),
        (BodyRole.COUNCIL, "Сидорова Мария"),
    ]


def test_draft_needs_a_signed_in_applicant():
    with pytest.raises(PermissionDenied):
        services.tos_create_draft(actor=AnonymousUser(), municipality=MunicipalityFactory(), **draft_fields())


def test_draft_without_name_and_territory_is_refused_by_field_and_not_saved():
    with pytest.raises(ValidationError) as caught:
        services.tos_create_draft(
            actor=UserFactory(),
            municipality=MunicipalityFactory(),
            **draft_fields(name=" ", territory_name="", territory_kind="castle"),
        )
    assert {"name", "territory_name", "territory_kind"} <= set(caught.value.error_dict)
    assert not Organization.objects.filter(kind=OrganizationKind.TOS).exists()


def test_draft_without_municipality_is_refused():
    with pytest.raises(ValidationError) as caught:
        services.tos_create_draft(actor=UserFactory(), municipality=None, **draft_fields())
    assert codes(caught.value)["municipality"] == ["required"]


def test_draft_refuses_a_settlement_of_another_municipality():
    with pytest.raises(ValidationError) as caught:
        services.tos_create_draft(
            actor=UserFactory(), municipality=MunicipalityFactory(), settlement=SettlementFactory(), **draft_fields()
        )
    assert codes(caught.value)["settlement"] == ["settlement_mismatch"]


def test_draft_refuses_a_founding_date_in_the_future():
    tomorrow = timezone.localdate() + timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        services.tos_create_draft(
            actor=UserFactory(), municipality=MunicipalityFactory(), **draft_fields(founding_date=tomorrow)
        )
    assert codes(caught.value)["founding_date"] == ["in_future"]


def test_draft_refuses_unknown_fields():
    with pytest.raises(ValidationError) as caught:
        services.tos_create_draft(
            actor=UserFactory(), municipality=MunicipalityFactory(), **draft_fields(status="registered")
        )
    assert codes(caught.value)["status"] == ["unknown_field"]


SQUARE = [[[127.5, 50.25], [127.6, 50.25], [127.6, 50.3], [127.5, 50.3], [127.5, 50.25]]]


@pytest.mark.parametrize(
    "boundary",
    [
        {"type": "Polygon", "coordinates": SQUARE},
        {"type": "MultiPolygon", "coordinates": [SQUARE, SQUARE]},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": SQUARE}},
    ],
)
def test_boundary_accepts_polygons(boundary):
    assert services.validate_tos_boundary(boundary)["type"] in ("Polygon", "MultiPolygon")


@pytest.mark.parametrize(
    ("boundary", "code"),
    [
        ({"type": "Point", "coordinates": [127.5, 50.25]}, "invalid_geojson"),
        ({"type": "Polygon", "coordinates": [SQUARE[0][:4]]}, "geojson_not_closed"),
        ({"type": "Polygon", "coordinates": [SQUARE[0][:3]]}, "invalid_geojson"),
        ({"type": "Polygon", "coordinates": [[[200, 50], [201, 50], [201, 51], [200, 50]]]}, "geojson_out_of_range"),
        ({"type": "Polygon", "coordinates": [[[50, 95], [51, 95], [51, 96], [50, 95]]]}, "geojson_out_of_range"),
        ({"type": "Polygon", "coordinates": [[["a", 50], [1, 2], [3, 4], ["a", 50]]]}, "invalid_geojson"),
        ("not json", "invalid_geojson"),
    ],
)
def test_boundary_refuses_what_is_not_a_closed_polygon_in_range(boundary, code):
    with pytest.raises(ValidationError) as caught:
        services.validate_tos_boundary(boundary)
    assert caught.value.code == code


def test_draft_with_a_bad_boundary_reports_it_on_the_field():
    with pytest.raises(ValidationError) as caught:
        services.tos_create_draft(
            actor=UserFactory(),
            municipality=MunicipalityFactory(),
            **draft_fields(boundary={"type": "Point", "coordinates": [1, 2]}),
        )
    assert codes(caught.value)["boundary"] == ["invalid_geojson"]


# --- every allowed and every refused move ---------------------------------------------------------------


def _tos_in(status: str) -> Organization:
    return bring_to(complete_draft(), status)


@pytest.mark.parametrize(("source", "action", "target"), ALLOWED)
def test_allowed_move(source, action, target):
    tos = _tos_in(source)
    reviewer = staff_of(tos.municipality)
    actor = chair_of(tos) if action in ("submit", "resubmit") else reviewer
    before = audit_history(obj=tos).count()
    services.tos_move(tos=tos, actor=actor, action=action, comment="Причина и замечания")
    tos.refresh_from_db()
    assert tos.status == target
    rows = list(audit_history(obj=tos))
    assert len(rows) == before + 1
    last = rows[-1]
    assert (last.action, last.from_status, last.to_status, last.actor) == (action, source, target, actor)
    if TOS_WORKFLOW.get(action).comment_required:
        assert last.comment == "Причина и замечания"


@pytest.mark.parametrize(("source", "action"), REFUSED)
def test_refused_move(source, action):
    tos = _tos_in(source)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    before = audit_history(obj=tos).count()
    with pytest.raises(ValidationError) as caught:
        services.tos_move(tos=tos, actor=superuser, action=action, comment="Комментарий")
    assert caught.value.code == "invalid_transition"
    tos.refresh_from_db()
    assert tos.status == source
    assert audit_history(obj=tos).count() == before


def test_an_unknown_move_is_refused():
    tos = complete_draft()
    with pytest.raises(ValidationError) as caught:
        services.tos_move(tos=tos, actor=chair_of(tos), action="approve")
    assert caught.value.code == "unknown_transition"


@pytest.mark.parametrize("action", ["return", "refuse"])
def test_return_and_refuse_need_a_comment(action):
    tos = _tos_in(S.UNDER_REVIEW)
    with pytest.raises(ValidationError) as caught:
        services.tos_move(tos=tos, actor=staff_of(tos.municipality), action=action, comment="   ")
    assert codes(caught.value) == {"comment": ["comment_required"]}
    tos.refresh_from_db()
    assert tos.status == S.UNDER_REVIEW


def test_register_needs_no_comment():
    tos = _tos_in(S.UNDER_REVIEW)
    services.tos_register(tos=tos, actor=staff_of(tos.municipality))
    assert tos.status == S.REGISTERED


def test_non_tos_organisation_cannot_be_moved():
    organization = OrganizationFactory(kind=OrganizationKind.NGO, status=S.DRAFT)
    superuser = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError):
        services.tos_move(tos=organization, actor=superuser, action="submit")


# --- who may move -------------------------------------------------------------------------------------


def test_chair_cannot_review_their_own_tos():
    tos = _tos_in(S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.tos_start_review(tos=tos, actor=chair_of(tos))


def test_staff_of_another_municipality_cannot_review():
    tos = _tos_in(S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.tos_start_review(tos=tos, actor=staff_of(MunicipalityFactory()))


def test_reviewer_cannot_submit_for_the_applicant():
    tos = complete_draft()
    with pytest.raises(PermissionDenied):
        services.tos_submit(tos=tos, actor=staff_of(tos.municipality))


def test_chair_cannot_edit_once_submitted():
    tos = _tos_in(S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.tos_update(tos=tos, actor=chair_of(tos), name="Другое имя")


def test_chair_can_edit_a_returned_registration_and_resubmit():
    tos = _tos_in(S.RETURNED)
    chair = chair_of(tos)
    services.tos_update(tos=tos, actor=chair, territory_description="Уточнённые границы", chair="Новый Председатель")
    services.tos_resubmit(tos=tos, actor=chair)
    tos.refresh_from_db()
    assert tos.status == S.SUBMITTED
    assert tos.tos.territory_description == "Уточнённые границы"
    assert tos.body_members.get(role=BodyRole.CHAIR).full_name == "Новый Председатель"
    assert tos.body_members.filter(role=BodyRole.COUNCIL).count() == 2


def test_inactive_chair_membership_gives_no_right():
    tos = complete_draft()
    chair = chair_of(tos)
    tos.memberships.filter(user=chair).update(is_active=False)
    with pytest.raises(PermissionDenied):
        services.tos_submit(tos=tos, actor=chair)


# --- completeness and quorum --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"founding_date": None}, "founding_date", "required"),
        ({"participants_count": None}, "participants_count", "required"),
        ({"residents_count": None}, "residents_count", "required"),
        ({"participants_count": 99, "residents_count": 300}, "participants_count", "no_quorum"),
        ({"participants_count": 301, "residents_count": 300}, "participants_count", "too_many_participants"),
        ({"founding_form": "conference", "delegates_elected": None}, "delegates_elected", "required"),
        (
            {"founding_form": "conference", "participants_count": 19, "delegates_elected": 30},
            "participants_count",
            "no_quorum",
        ),
        ({"chair_name": ""}, "chair", "required"),
    ],
)
def test_submission_refused_when_incomplete(overrides, field, code):
    tos = complete_draft(**overrides)
    with pytest.raises(ValidationError) as caught:
        services.tos_submit(tos=tos, actor=chair_of(tos))
    assert code in codes(caught.value)[field]
    tos.refresh_from_db()
    assert tos.status == S.DRAFT


def test_submission_refused_without_a_charter():
    tos = complete_draft(charter=False)
    with pytest.raises(ValidationError) as caught:
        services.tos_submit(tos=tos, actor=chair_of(tos))
    assert codes(caught.value)["charter"] == ["required"]


def test_submission_reports_every_missing_item_at_once():
    tos = complete_draft(charter=False, chair_name="", founding_date=None, residents_count=None)
    with pytest.raises(ValidationError) as caught:
        services.tos_submit(tos=tos, actor=chair_of(tos))
    assert {"charter", "chair", "founding_date", "residents_count"} <= set(caught.value.error_dict)


def test_founding_date_in_the_future_is_refused_on_submission():
    tos = complete_draft(founding_date=date(2026, 3, 10))
    with pytest.raises(ValidationError) as caught:
        services.tos_submit(tos=tos, actor=chair_of(tos), now=datetime(2026, 3, 9, 12, tzinfo=UTC))
    assert codes(caught.value)["founding_date"] == ["in_future"]


@pytest.mark.parametrize(("participants", "residents"), [(100, 300), (101, 300), (34, 100), (1, 1)])
def test_meeting_quorum_one_third_of_residents_is_enough(participants, residents):
    tos = complete_draft(participants_count=participants, residents_count=residents)
    services.tos_submit(tos=tos, actor=chair_of(tos))
    assert tos.status == S.SUBMITTED


@pytest.mark.parametrize(("participants", "residents"), [(99, 300), (33, 100), (1, 4)])
def test_meeting_quorum_below_one_third_is_refused(participants, residents):
    tos = complete_draft(participants_count=participants, residents_count=residents)
    with pytest.raises(ValidationError) as caught:
        services.tos_submit(tos=tos, actor=chair_of(tos))
    assert codes(caught.value)["participants_count"] == ["no_quorum"]


@pytest.mark.parametrize(("present", "elected", "ok"), [(20, 30, True), (19, 30, False), (2, 3, True), (1, 2, False)])
def test_conference_quorum_two_thirds_of_delegates(present, elected, ok):
    tos = complete_draft(founding_form="conference", participants_count=present, delegates_elected=elected)
    if ok:
        services.tos_submit(tos=tos, actor=chair_of(tos))
        assert tos.status == S.SUBMITTED
    else:
        with pytest.raises(ValidationError) as caught:
            services.tos_submit(tos=tos, actor=chair_of(tos))
        assert codes(caught.value)["participants_count"] == ["no_quorum"]


# --- one ТОС per territory ----------------------------------------------------------------------------


def test_second_tos_on_the_same_territory_is_refused_even_written_differently():
    first = complete_draft(territory_name="Микрорайон  Северный, дома 1–15")
    services.tos_submit(tos=first, actor=chair_of(first))
    second = complete_draft(municipality=first.municipality, territory_name="микрорайон северный, дома 1–15")
    with pytest.raises(ValidationError) as caught:
        services.tos_submit(tos=second, actor=chair_of(second))
    assert codes(caught.value)["territory_name"] == ["territory_taken"]
    second.refresh_from_db()
    assert second.status == S.DRAFT


def test_territory_key_folds_yo():
    assert services.tos_territory_key(7, "ул. Зелёная") == services.tos_territory_key(7, "УЛ.  ЗЕЛЕНАЯ")


def test_same_territory_name_in_another_municipality_is_fine():
    first = complete_draft()
    services.tos_submit(tos=first, actor=chair_of(first))
    second = complete_draft()
    services.tos_submit(tos=second, actor=chair_of(second))
    assert second.status == S.SUBMITTED


def test_a_draft_does_not_hold_its_territory():
    first = complete_draft()
    second = complete_draft(municipality=first.municipality)
    services.tos_submit(tos=second, actor=chair_of(second))
    assert second.status == S.SUBMITTED


def test_a_refused_tos_frees_its_territory():
    first = bring_to(complete_draft(), S.REFUSED)
    second = complete_draft(municipality=first.municipality)
    services.tos_submit(tos=second, actor=chair_of(second))
    assert second.status == S.SUBMITTED


def test_the_database_constraint_is_the_last_word_on_the_territory():
    """If a concurrent submission took the territory after the check, the IntegrityError of the partial unique
    constraint becomes the same clear, field-keyed error, and nothing of the move is saved."""
    first = complete_draft()
    second = complete_draft(municipality=first.municipality)
    services.tos_submit(tos=first, actor=chair_of(first))
    before = audit_history(obj=second).count()
    with pytest.raises(ValidationError) as caught:
        services._enter_holding_status(second, "submit", actor=chair_of(second), now=timezone.now())
    assert codes(caught.value)["territory_name"] == ["territory_taken"]
    assert second.status == S.DRAFT
    second.refresh_from_db()
    assert second.status == S.DRAFT
    assert audit_history(obj=second).count() == before


# --- uploads ------------------------------------------------------------------------------------------


def test_charter_pdf_is_attached_as_the_charter_document():
    tos = complete_draft(charter=False)
    document = services.tos_attach_charter(tos=tos, actor=chair_of(tos), upload=pdf_upload())
    tos.tos.refresh_from_db()
    assert tos.tos.charter == document
    assert (document.kind, document.content_type, document.original_name) == (
        "charter",
        "application/pdf",
        "устав.pdf",
    )


def test_charter_docx_is_accepted():
    tos = complete_draft(charter=False)
    upload = SimpleUploadedFile("charter.docx", docx_bytes())
    document = services.tos_attach_charter(tos=tos, actor=chair_of(tos), upload=upload)
    assert document.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("charter.pdf", PNG_BYTES, "file_content"),
        ("charter.png", PNG_BYTES, "file_type"),
        ("charter.exe", b"MZ\x90\x00" + b"\x00" * 60, "file_type"),
        ("charter.pdf", b"", "file_empty"),
        ("charter.docx", b"%PDF-1.4\n%%EOF", "file_content"),
    ],
)
def test_charter_of_the_wrong_real_type_is_refused(name, content, code):
    tos = complete_draft(charter=False)
    with pytest.raises(ValidationError) as caught:
        services.tos_attach_charter(tos=tos, actor=chair_of(tos), upload=SimpleUploadedFile(name, content))
    assert codes(caught.value) == {"charter": [code]}
    assert not Document.objects.filter(organization=tos).exists()


def test_charter_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 100
    tos = complete_draft(charter=False)
    big = pdf_upload(content=b"%PDF-1.4\n" + b"0" * 200 + b"\n%%EOF")
    with pytest.raises(ValidationError) as caught:
        services.tos_attach_charter(tos=tos, actor=chair_of(tos), upload=big)
    assert codes(caught.value) == {"charter": ["file_too_large"]}


def test_a_bad_charter_leaves_a_new_draft_unsaved():
    with pytest.raises(ValidationError):
        services.tos_create_draft(
            actor=UserFactory(),
            municipality=MunicipalityFactory(),
            charter=SimpleUploadedFile("charter.pdf", PNG_BYTES),
            **draft_fields(),
        )
    assert not Organization.objects.filter(kind=OrganizationKind.TOS).exists()


# --- registration, deadline, legal entity ---------------------------------------------------------------


def test_registration_assigns_a_registry_number_per_municipality():
    municipality = MunicipalityFactory(oktmo="10701000")
    first = bring_to(complete_draft(municipality=municipality), S.REGISTERED)
    second = bring_to(complete_draft(municipality=municipality, territory_name="ул. Мира, 5"), S.REGISTERED)
    other = bring_to(complete_draft(), S.REGISTERED)
    assert (first.registry_number, second.registry_number) == ("10701000-0001", "10701000-0002")
    assert other.registry_number == f"M{other.municipality_id}-0001"
    first.refresh_from_db()
    assert first.registered_at is not None and first.tos.decided_at is not None
    assert first.registry_number.lower() in first.search_text


def test_registration_records_the_reviewer():
    tos = _tos_in(S.UNDER_REVIEW)
    reviewer = staff_of(tos.municipality)
    services.tos_register(tos=tos, actor=reviewer, comment="Устав соответствует требованиям")
    tos.tos.refresh_from_db()
    assert tos.tos.reviewer == reviewer
    assert audit_history(obj=tos).last().comment == "Устав соответствует требованиям"


def test_review_deadline_counts_from_the_submission_date_in_the_municipality_time_zone(settings):
    settings.TOS_REVIEW_DAYS = 30
    late_evening_utc = datetime(2026, 5, 31, 20, 30, tzinfo=UTC)  # already 1 June in Vladivostok (UTC+10)
    east = complete_draft(municipality=MunicipalityFactory(timezone="Asia/Vladivostok"), founding_date=EARLY)
    services.tos_submit(tos=east, actor=chair_of(east), now=late_evening_utc)
    west = complete_draft(municipality=MunicipalityFactory(timezone="Europe/Kaliningrad"), founding_date=EARLY)
    services.tos_submit(tos=west, actor=chair_of(west), now=late_evening_utc)
    assert east.tos.review_due_on == date(2026, 7, 1)
    assert west.tos.review_due_on == date(2026, 6, 30)
    assert east.tos.submitted_at == late_evening_utc


def test_review_deadline_is_a_setting(settings):
    settings.TOS_REVIEW_DAYS = 10
    tos = complete_draft(municipality=MunicipalityFactory(timezone="Europe/Moscow"), founding_date=EARLY)
    services.tos_submit(tos=tos, actor=chair_of(tos), now=datetime(2026, 6, 1, 9, tzinfo=UTC))
    assert tos.tos.review_due_on == date(2026, 6, 11)


def test_overdue_is_judged_in_the_municipality_time_zone(settings):
    settings.TOS_REVIEW_DAYS = 30
    tos = complete_draft(municipality=MunicipalityFactory(timezone="Asia/Kamchatka"), founding_date=EARLY)  # UTC+12
    services.tos_submit(tos=tos, actor=chair_of(tos), now=datetime(2026, 6, 1, 0, 0, tzinfo=UTC))
    assert tos.tos.review_due_on == date(2026, 7, 1)
    profile = tos.tos
    assert not profile.decision_overdue(datetime(2026, 7, 1, 11, 59, tzinfo=UTC))  # 1 July, 23:59 there
    assert profile.decision_overdue(datetime(2026, 7, 1, 12, 0, tzinfo=UTC))  # 2 July, 00:00 there


def test_a_decision_after_the_due_date_stays_marked_overdue():
    tos = complete_draft(founding_date=EARLY)
    services.tos_submit(tos=tos, actor=chair_of(tos), now=datetime(2026, 1, 10, 9, tzinfo=UTC))
    reviewer = staff_of(tos.municipality)
    services.tos_start_review(tos=tos, actor=reviewer, now=datetime(2026, 1, 11, 9, tzinfo=UTC))
    services.tos_register(tos=tos, actor=reviewer, now=datetime(2026, 3, 1, 9, tzinfo=UTC))
    assert tos.tos.decision_overdue(datetime(2026, 3, 2, tzinfo=UTC))


def test_resubmission_restarts_the_deadline(settings):
    settings.TOS_REVIEW_DAYS = 30
    tos = complete_draft(municipality=MunicipalityFactory(timezone="Europe/Moscow"), founding_date=EARLY)
    chair, reviewer = chair_of(tos), staff_of(tos.municipality)
    services.tos_submit(tos=tos, actor=chair, now=datetime(2026, 1, 10, 9, tzinfo=UTC))
    services.tos_start_review(tos=tos, actor=reviewer, now=datetime(2026, 1, 11, 9, tzinfo=UTC))
    services.tos_return(tos=tos, actor=reviewer, comment="Нет протокола", now=datetime(2026, 1, 12, 9, tzinfo=UTC))
    services.tos_resubmit(tos=tos, actor=chair, now=datetime(2026, 2, 1, 9, tzinfo=UTC))
    assert tos.tos.review_due_on == date(2026, 3, 3)


@pytest.mark.parametrize("ogrn", ["1027700132195", "1022800000079", " 1027700132195 "])
def test_ogrn_with_a_correct_check_digit_is_recorded(ogrn):
    tos = _tos_in(S.REGISTERED)
    services.tos_record_legal_entity(tos=tos, actor=chair_of(tos), ogrn=ogrn, registered_on=date(2026, 1, 15))
    tos.refresh_from_db()
    assert tos.is_legal_entity and tos.ogrn == ogrn.strip() and tos.legal_registered_on == date(2026, 1, 15)
    assert audit_history(obj=tos).last().action == "legal_entity"


@pytest.mark.parametrize("ogrn", ["1027700132194", "102770013219", "10277001321950", "10277OO132195", ""])
def test_ogrn_with_a_wrong_check_digit_or_length_is_refused(ogrn):
    tos = _tos_in(S.REGISTERED)
    with pytest.raises(ValidationError) as caught:
        services.tos_record_legal_entity(tos=tos, actor=chair_of(tos), ogrn=ogrn, registered_on=date(2026, 1, 15))
    assert "ogrn" in caught.value.error_dict
    tos.refresh_from_db()
    assert not tos.is_legal_entity


@given(st.integers(min_value=10**11, max_value=10**12 - 1))
def test_ogrn_check_digit_property(first_twelve):
    number = str(first_twelve)
    good = number + str(first_twelve % 11 % 10)
    assert services.ogrn_is_valid(good)
    bad = number + str((first_twelve % 11 % 10 + 1) % 10)
    assert not services.ogrn_is_valid(bad)


def test_legal_entity_date_cannot_be_in_the_future():
    tos = _tos_in(S.REGISTERED)
    with pytest.raises(ValidationError) as caught:
        services.tos_record_legal_entity(
            tos=tos, actor=chair_of(tos), ogrn="1027700132195", registered_on=timezone.localdate() + timedelta(2)
        )
    assert codes(caught.value)["registered_on"] == ["in_future"]


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.REFUSED])
def test_legal_entity_only_for_a_registered_tos(status):
    tos = _tos_in(status)
    superuser = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError) as caught:
        services.tos_record_legal_entity(tos=tos, actor=superuser, ogrn="1027700132195", registered_on=date(2026, 1, 1))
    assert caught.value.code == "not_registered"


def test_municipal_staff_may_record_the_legal_entity():
    tos = _tos_in(S.REGISTERED)
    services.tos_record_legal_entity(
        tos=tos, actor=staff_of(tos.municipality), ogrn="1027700132195", registered_on=date(2026, 1, 1)
    )
    assert tos.is_legal_entity


def test_a_plain_member_may_not_record_the_legal_entity():
    tos = _tos_in(S.REGISTERED)
    member = UserFactory()
    services.membership_grant(actor=None, organization=tos, user=member, role=MembershipRole.MEMBER)
    with pytest.raises(PermissionDenied):
        services.tos_record_legal_entity(tos=tos, actor=member, ogrn="1027700132195", registered_on=date(2026, 1, 1))


# --- search text and updates ----------------------------------------------------------------------------


def test_update_keeps_search_text_and_territory_key_current():
    tos = complete_draft()
    services.tos_update(tos=tos, actor=chair_of(tos), name="ТОС «Зелёный берег»", territory_name="ул. Речная, 1–9")
    tos.refresh_from_db()
    assert "зеленый берег" in tos.search_text and "речная" in tos.search_text
    assert tos.territory_key == f"{tos.municipality_id}:ул. речная, 1–9"
    assert audit_history(obj=tos).last().data == {"fields": ["name", "territory_name"]}


def test_update_moving_to_another_municipality_follows_its_region():
    tos = complete_draft()
    other = MunicipalityFactory()
    services.tos_update(tos=tos, actor=chair_of(tos), municipality=other)
    tos.refresh_from_db()
    assert tos.municipality == other and tos.region == other.region


def test_bad_update_saves_nothing():
    tos = complete_draft()
    with pytest.raises(ValidationError):
        services.tos_update(tos=tos, actor=chair_of(tos), name="Новое имя", territory_kind="castle")
    tos.refresh_from_db()
    assert tos.name == "ТОС «Северный»"


def test_set_bodies_replaces_the_elected_persons():
    tos = complete_draft()
    services.tos_set_bodies(tos=tos, actor=chair_of(tos), chair="Орлов Пётр", council=["Кузнецова Ольга"])
    assert [b.full_name for b in tos.body_members.order_by("position")] == ["Орлов Пётр", "Кузнецова Ольга"]
