"""Application services: the draft, files, submission with every refusal, numbering, the confirmation e-mail,
withdrawal and the technical review."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from localbridge.contests import notifications
from localbridge.contests.models import (
    Application,
    ApplicationStatus,
    ContestScope,
    ContestStatus,
    RejectionReason,
)
from localbridge.contests.services.applications import (
    MAX_ATTACHMENTS,
    application_attach,
    application_create,
    application_detach,
    application_errors,
    application_review,
    application_submit,
    application_update,
    application_withdraw,
)
from localbridge.contests.services.common import title_key
from localbridge.contests.tests.factories import (
    ApplicantFactory,
    ContestFactory,
    CriterionFactory,
    NominationFactory,
    RequiredDocumentFactory,
    chair_of,
    staff_of,
)
from localbridge.core.models import AuditEntry
from localbridge.organizations.models import OrganizationKind
from localbridge.organizations.tests.factories import MembershipFactory
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

DURING = datetime(2026, 3, 10, 12, tzinfo=UTC)
# Applications close on 21 March in Asia/Yakutsk (UTC+9): the last accepted instant is 14:59:59 UTC.
LAST_SECOND = datetime(2026, 3, 21, 14, 59, 59, tzinfo=UTC)
DEADLINE = datetime(2026, 3, 21, 15, tzinfo=UTC)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _codes(exc: ValidationError, field: str = "__all__") -> list[str]:
    if hasattr(exc, "error_dict"):
        return [e.code for e in exc.error_dict.get(field, [])]
    return [e.code for e in exc.error_list]


def _pdf(name="protocol.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


LINES = [
    {
        "item": "Скамейка",
        "unit": "шт.",
        "quantity": "10",
        "unit_cost": "10 000",
        "grant": "80000",
        "residents": "20000",
    },
    {"item": "Труд жителей", "quantity": 1, "unit_cost": "5000", "volunteer_labour": "5000"},
]
ACTIVITIES = [{"name": "Собрание жителей", "starts_on": "2026-05-01", "ends_on": "2026-05-01"}]


def _complete(**overrides):
    fields = {
        "title": "Двор мечты",
        "problem": "Двор без освещения.",
        "goals": "Осветить двор.",
        "expected_results": "Светлый двор.",
        "beneficiaries": 300,
        "volunteers": 20,
        "activities": ACTIVITIES,
        "budget_lines": LINES,
    }
    return {**fields, **overrides}


@pytest.fixture(autouse=True)
def _notifications():
    notifications.connect()


@pytest.fixture
def contest():
    contest = ContestFactory(status=ContestStatus.ANNOUNCED)
    CriterionFactory(contest=contest)
    return contest


@pytest.fixture
def organizer(contest):
    return staff_of(contest.organizer)


@pytest.fixture
def applicant():
    return ApplicantFactory()


@pytest.fixture
def chair(applicant):
    return chair_of(applicant)


@pytest.fixture
def draft(contest, applicant, chair):
    return application_create(contest=contest, organization=applicant, actor=chair, now=DURING, **_complete())


@pytest.fixture
def submitted(draft, chair):
    return application_submit(application=draft, actor=chair, now=DURING)


# --- the draft ---------------------------------------------------------------------------------------------------


def test_a_chair_creates_a_draft_with_activities_and_budget(draft, applicant):
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.title_key == "двор мечты"
    assert draft.municipality == applicant.municipality  # the applicant's own, inside the contest's region
    assert draft.total_cost == Decimal("105000.00")
    assert draft.grant_requested == Decimal("80000.00")
    assert draft.cofinancing_percent == Decimal("23.81")
    lines = list(draft.budget_lines.all())
    assert [(line.item, line.total) for line in lines] == [
        ("Скамейка", Decimal("100000.00")),
        ("Труд жителей", Decimal("5000.00")),
    ]
    assert draft.activities.get().name == "Собрание жителей"
    assert AuditEntry.objects.filter(action="create", object_id=str(draft.pk)).exists()


def test_a_draft_may_be_saved_incomplete(contest, applicant, chair):
    draft = application_create(contest=contest, organization=applicant, actor=chair, now=DURING, title="Идея")
    assert draft.pk and draft.problem == ""


def test_a_member_who_is_not_chair_or_staff_cannot_apply(contest, applicant):
    member = MembershipFactory(organization=applicant).user
    with pytest.raises(PermissionDenied):
        application_create(contest=contest, organization=applicant, actor=member, now=DURING, title="X")


def test_an_organisation_of_another_kind_cannot_apply(contest):
    sponsor = ApplicantFactory(kind=OrganizationKind.SPONSOR)
    with pytest.raises(ValidationError) as caught:
        application_create(contest=contest, organization=sponsor, actor=chair_of(sponsor), now=DURING, title="X")
    assert _codes(caught.value) == ["kind_not_eligible"]


def test_an_organisation_of_another_region_cannot_apply_to_a_regional_contest(contest):
    elsewhere = ApplicantFactory(municipality=MunicipalityFactory(region=RegionFactory(code="RU-MOW")))
    with pytest.raises(ValidationError) as caught:
        application_create(contest=contest, organization=elsewhere, actor=chair_of(elsewhere), now=DURING, title="X")
    assert _codes(caught.value) == ["territory_not_eligible"]


def test_a_municipal_contest_takes_only_its_municipalities(contest, applicant, chair):
    contest.scope = ContestScope.MUNICIPAL
    contest.save()
    with pytest.raises(ValidationError):
        application_create(contest=contest, organization=applicant, actor=chair, now=DURING, title="X")
    contest.municipalities.add(applicant.municipality)
    assert application_create(contest=contest, organization=applicant, actor=chair, now=DURING, title="X").pk


def test_an_international_contest_takes_the_listed_countries(contest, applicant, chair):
    contest.scope = ContestScope.INTERNATIONAL
    contest.save()
    contest.countries.add(CountryFactory(code="KG", code3="KGZ", name_ru="Киргизия", name_en="Kyrgyzstan"))
    with pytest.raises(ValidationError) as caught:
        application_create(contest=contest, organization=applicant, actor=chair, now=DURING, title="X")
    assert _codes(caught.value) == ["territory_not_eligible"]
    contest.countries.add(applicant.country)
    assert application_create(contest=contest, organization=applicant, actor=chair, now=DURING, title="X").pk


def test_no_application_after_the_deadline_in_the_contests_time_zone(contest, applicant, chair):
    assert application_create(contest=contest, organization=applicant, actor=chair, now=LAST_SECOND, title="A").pk
    with pytest.raises(ValidationError) as caught:
        application_create(contest=contest, organization=applicant, actor=chair, now=DEADLINE, title="B")
    assert _codes(caught.value) == ["deadline_passed"]


def test_no_application_to_a_draft_contest(applicant, chair):
    contest = ContestFactory()
    with pytest.raises(ValidationError) as caught:
        application_create(contest=contest, organization=applicant, actor=chair, now=DURING, title="X")
    assert _codes(caught.value) == ["not_accepting"]


@pytest.mark.parametrize("title", ["двор мечты", "  «Двор  МЕЧТЫ!» ", "Двор мёчты"])
def test_the_same_project_twice_is_refused(draft, contest, applicant, chair, title):
    with pytest.raises(ValidationError) as caught:
        application_create(contest=contest, organization=applicant, actor=chair, now=DURING, title=title)
    assert _codes(caught.value, "title") == ["duplicate_project"]


def test_another_organisation_may_use_the_same_title(draft, contest):
    other = ApplicantFactory()
    assert application_create(
        contest=contest, organization=other, actor=chair_of(other), now=DURING, title="Двор мечты"
    )


def test_a_withdrawn_project_frees_its_title(draft, contest, applicant, chair):
    application_withdraw(application=draft, actor=chair, now=DURING)
    assert application_create(contest=contest, organization=applicant, actor=chair, now=DURING, title="Двор мечты")


def test_title_key_normalises_case_yo_spaces_and_edge_punctuation():
    assert title_key("  «Ёлка   во ДВОРЕ»!! ") == "елка во дворе"
    assert title_key("Двор: 2.0") == "двор: 2.0"


def test_a_draft_is_saved_in_steps_with_its_version(draft, chair):
    application_update(application=draft, actor=chair, version=1, problem="Темно.", now=DURING)
    application_update(application=draft, actor=chair, version=2, budget_lines=LINES[:1], now=DURING)
    draft.refresh_from_db()
    assert (draft.problem, draft.version, draft.total_cost) == ("Темно.", 3, Decimal("100000.00"))


def test_a_stale_version_is_refused_and_nothing_is_written(draft, chair):
    loaded = Application.objects.get(pk=draft.pk)
    application_update(application=draft, actor=chair, version=1, problem="Первый", now=DURING)
    with pytest.raises(ValidationError) as caught:
        application_update(application=loaded, actor=chair, version=1, problem="Второй", now=DURING)
    assert _codes(caught.value) == ["stale_version"]
    draft.refresh_from_db()
    assert (draft.problem, draft.version) == ("Первый", 2)


def test_an_invalid_step_leaves_the_version_as_it_was(draft, chair):
    with pytest.raises(ValidationError) as caught:
        application_update(
            application=draft,
            actor=chair,
            version=1,
            beneficiaries=-1,
            activities=[{"name": "Работы", "starts_on": "2026-06-02", "ends_on": "2026-06-01"}],
            budget_lines=[{"item": "Краска", "quantity": "много", "unit_cost": 1}],
            now=DURING,
        )
    assert _codes(caught.value, "beneficiaries") == ["negative"]
    assert _codes(caught.value, "activities") == ["period_order"]
    assert _codes(caught.value, "budget_lines") == ["invalid"]
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_nomination_of_another_contest_is_refused(draft, chair):
    with pytest.raises(ValidationError) as caught:
        application_update(application=draft, actor=chair, version=1, nomination=NominationFactory(), now=DURING)
    assert _codes(caught.value, "nomination") == ["invalid_choice"]


def test_someone_outside_the_applicant_cannot_edit(draft, organizer):
    with pytest.raises(PermissionDenied):
        application_update(application=draft, actor=organizer, version=1, problem="X", now=DURING)


# --- files -----------------------------------------------------------------------------------------------------


def test_files_are_attached_checked_and_detached(draft, chair):
    attachment = application_attach(application=draft, actor=chair, upload=_pdf(), now=DURING)
    assert attachment.content_type == "application/pdf"
    png = application_attach(
        application=draft,
        actor=chair,
        upload=SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
        now=DURING,
    )
    assert png.content_type == "image/png"
    with pytest.raises(ValidationError) as caught:
        application_attach(application=draft, actor=chair, upload=SimpleUploadedFile("x.exe", b"MZ" * 100), now=DURING)
    assert _codes(caught.value, "file") == ["file_type"]
    with pytest.raises(ValidationError) as caught:
        application_attach(application=draft, actor=chair, upload=SimpleUploadedFile("fake.pdf", b"hello"), now=DURING)
    assert _codes(caught.value, "file") == ["file_content"]
    application_detach(application=draft, actor=chair, attachment=attachment, now=DURING)
    assert list(draft.attachments.all()) == [png]


def test_at_most_ten_files(draft, chair):
    for n in range(MAX_ATTACHMENTS):
        application_attach(application=draft, actor=chair, upload=_pdf(f"{n}.pdf"), now=DURING)
    with pytest.raises(ValidationError) as caught:
        application_attach(application=draft, actor=chair, upload=_pdf(), now=DURING)
    assert _codes(caught.value, "file") == ["too_many_attachments"]


def test_a_requirement_of_another_contest_is_refused(draft, chair):
    with pytest.raises(ValidationError) as caught:
        application_attach(
            application=draft, actor=chair, upload=_pdf(), requirement=RequiredDocumentFactory(), now=DURING
        )
    assert _codes(caught.value, "requirement") == ["invalid_choice"]


# --- submission ------------------------------------------------------------------------------------------------


def test_a_complete_draft_is_submitted_numbered_and_confirmed(
    draft, contest, applicant, chair, django_capture_on_commit_callbacks
):
    staff = staff_of(applicant)
    assert application_errors(draft, DURING) == {}
    with django_capture_on_commit_callbacks(execute=True):
        application = application_submit(application=draft, actor=staff, now=DURING)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.number == f"{contest.pk}-0001"
    assert (application.submitted_at, application.submitted_by) == (DURING, staff)
    assert AuditEntry.objects.filter(action="submit", object_id=str(application.pk), to_status="submitted").exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, chair.email])
    assert application.number in mail.outbox[0].subject
    assert contest.title in mail.outbox[0].body


def test_numbers_follow_each_other_within_a_contest(submitted, contest):
    numbers = [submitted.number]
    for _n in range(2):
        other = ApplicantFactory()
        actor = chair_of(other)
        draft = application_create(contest=contest, organization=other, actor=actor, now=DURING, **_complete())
        numbers.append(application_submit(application=draft, actor=actor, now=DURING).number)
    assert numbers == [f"{contest.pk}-0001", f"{contest.pk}-0002", f"{contest.pk}-0003"]


def test_a_submitted_application_cannot_be_edited(submitted, chair):
    with pytest.raises(ValidationError) as caught:
        application_update(application=submitted, actor=chair, version=submitted.version, title="Y", now=DURING)
    assert _codes(caught.value) == ["not_editable"]
    with pytest.raises(ValidationError):
        application_attach(application=submitted, actor=chair, upload=_pdf(), now=DURING)
    with pytest.raises(ValidationError):
        application_submit(application=submitted, actor=chair, now=DURING)


def test_submission_at_the_last_second_is_accepted_and_at_the_deadline_refused(contest, applicant, chair):
    draft = application_create(contest=contest, organization=applicant, actor=chair, now=DURING, **_complete())
    with pytest.raises(ValidationError) as caught:
        application_submit(application=draft, actor=chair, now=DEADLINE)
    assert _codes(caught.value) == ["deadline_passed"]
    assert application_submit(application=draft, actor=chair, now=LAST_SECOND).status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"budget_lines": [{**LINES[0], "residents": "10000"}]}, "budget_lines", "sources_mismatch"),
        (
            {"budget_lines": [{**LINES[0], "grant": "95000", "residents": "5000"}]},
            "budget_lines",
            "cofinancing_below_minimum",
        ),
        (
            {
                "budget_lines": [
                    {"item": "Площадка", "quantity": 1, "unit_cost": "400000", "grant": "310000", "sponsors": "90000"}
                ]
            },
            "budget_lines",
            "grant_over_cap",
        ),
        ({"budget_lines": []}, "budget_lines", "budget_empty"),
        ({"problem": ""}, "problem", "required"),
        ({"beneficiaries": None}, "beneficiaries", "required"),
        ({"activities": []}, "activities", "required"),
        ({"activities": [{"name": "Работы"}]}, "activities", "activity_dates"),
    ],
)
def test_submission_is_refused_when_a_rule_is_broken(contest, applicant, chair, overrides, field, code):
    draft = application_create(
        contest=contest, organization=applicant, actor=chair, now=DURING, **_complete(**overrides)
    )
    with pytest.raises(ValidationError) as caught:
        application_submit(application=draft, actor=chair, now=DURING)
    assert code in _codes(caught.value, field)
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (ApplicationStatus.DRAFT, "")


def test_submission_needs_the_required_documents_and_the_nomination(draft, contest, chair):
    document = RequiredDocumentFactory(contest=contest)
    NominationFactory(contest=contest)
    errors = application_errors(draft, DURING)
    assert [e.code for e in errors["attachments"]] == ["document_missing"]
    assert [e.code for e in errors["nomination"]] == ["required"]
    application_attach(application=draft, actor=chair, upload=_pdf(), requirement=document, now=DURING)
    application_update(
        application=draft, actor=chair, version=draft.version, nomination=contest.nominations.get(), now=DURING
    )
    assert application_errors(draft, DURING) == {}


# --- withdrawal and review ------------------------------------------------------------------------------------


def test_the_applicant_withdraws_a_submitted_application(submitted, chair):
    application_withdraw(application=submitted, actor=chair, comment="Передумали", now=DURING)
    assert submitted.status == ApplicationStatus.WITHDRAWN


def test_no_withdrawal_once_the_evaluation_started(submitted, contest, chair):
    contest.status = ContestStatus.EVALUATION
    contest.save()
    with pytest.raises(ValidationError):
        application_withdraw(application=submitted, actor=chair, now=DURING)


def test_the_organiser_admits_and_the_applicant_hears_of_it(
    submitted, organizer, chair, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_review(application=submitted, actor=organizer, action="admit", now=DURING)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == (ApplicationStatus.ADMITTED, organizer)
    assert [m.to for m in mail.outbox] == [[chair.email]]


def test_admission_under_conditions_needs_the_conditions(submitted, organizer):
    with pytest.raises(ValidationError) as caught:
        application_review(application=submitted, actor=organizer, action="admit_with_conditions", now=DURING)
    assert _codes(caught.value, "comment") == ["comment_required"]
    application_review(
        application=submitted, actor=organizer, action="admit_with_conditions", comment="Уточнить смету", now=DURING
    )
    assert submitted.status == ApplicationStatus.ADMITTED_WITH_CONDITIONS


def test_not_admitting_needs_a_listed_reason_and_a_comment(
    submitted, organizer, chair, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as caught:
        application_review(application=submitted, actor=organizer, action="not_admit", reason="whim", now=DURING)
    assert _codes(caught.value, "reason") == ["invalid_choice"]
    assert _codes(caught.value, "comment") == ["comment_required"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_review(
            application=submitted,
            actor=organizer,
            action="not_admit",
            reason=RejectionReason.INCOMPLETE,
            comment="Нет протокола собрания.",
            now=DURING,
        )
    assert (submitted.status, submitted.review_reason) == (ApplicationStatus.NOT_ADMITTED, "incomplete")
    assert "Нет протокола собрания." in mail.outbox[0].body


def test_the_applicant_cannot_review_its_own_application(submitted, chair):
    with pytest.raises(PermissionDenied):
        application_review(application=submitted, actor=chair, action="admit", now=DURING)


def test_a_draft_cannot_be_reviewed(draft, organizer):
    with pytest.raises(ValidationError) as caught:
        application_review(application=draft, actor=organizer, action="admit", now=DURING)
    assert _codes(caught.value) == ["invalid_transition"]


def test_a_spreadsheet_can_be_attached(draft, chair):
    import io

    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    upload = SimpleUploadedFile("smeta.xlsx", buffer.getvalue())
    attachment = application_attach(application=draft, actor=chair, upload=upload, now=DURING)
    assert attachment.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
