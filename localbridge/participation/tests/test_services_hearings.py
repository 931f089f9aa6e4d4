from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from localbridge.participation.models import HearingRegistration, HearingStatus
from localbridge.participation.services.hearings import (
    attendance_mark,
    document_add,
    hearing_create,
    hearing_move,
    hearing_notice_warnings,
    proposal_submit,
    registration_toggle,
)
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import NOW, HearingFactory, municipal_staff, resident

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def test_create_defaults_proposals_deadline_and_age_and_warns_of_short_notice():
    municipality = MunicipalityFactory()
    staff = municipal_staff(municipality)
    starts = NOW + timedelta(days=10)
    hearing = hearing_create(
        actor=staff, municipality=municipality, subject="Устав", starts_at=starts, online_url="https://meet.example/x"
    )
    assert hearing.proposals_until == starts - timedelta(days=5)
    assert hearing.min_age == 18
    assert hearing.status == HearingStatus.DRAFT
    assert len(hearing_notice_warnings(hearing, NOW)) == 1
    assert hearing_notice_warnings(hearing, NOW - timedelta(days=15)) == []
    hearing_move(hearing=hearing, actor=staff, action="announce", now=NOW)  # a warning, not a refusal
    assert hearing.status == HearingStatus.ANNOUNCED


def test_create_needs_a_place_or_link_and_ordered_dates():
    municipality = MunicipalityFactory()
    with pytest.raises(ValidationError) as exc:
        hearing_create(
            actor=municipal_staff(municipality),
            municipality=municipality,
            subject="Устав",
            starts_at=NOW,
            ends_at=NOW - timedelta(hours=1),
        )
    assert set(exc.value.error_dict) == {"place", "ends_at"}


def test_held_requires_minutes_decision_and_attendance():
    hearing = HearingFactory()
    staff = municipal_staff(hearing.municipality)
    after = hearing.starts_at + timedelta(hours=3)
    with pytest.raises(ValidationError) as exc:
        hearing_move(hearing=hearing, actor=staff, action="held", now=after)
    assert set(exc.value.error_dict) == {"minutes", "decision", "attendance"}
    with pytest.raises(ValidationError) as exc:
        hearing_move(hearing=hearing, actor=staff, action="held", minutes="m", decision="d", attendance=3, now=NOW)
    assert _codes(exc.value) == {"not_yet"}
    hearing_move(hearing=hearing, actor=staff, action="held", minutes="m", decision="d", attendance=3, now=after)
    hearing.refresh_from_db()
    assert (hearing.status, hearing.minutes, hearing.decision, hearing.attendance) == ("held", "m", "d", 3)


def test_cancel_needs_a_reason():
    hearing = HearingFactory()
    staff = municipal_staff(hearing.municipality)
    with pytest.raises(ValidationError):
        hearing_move(hearing=hearing, actor=staff, action="cancel", now=NOW)
    hearing_move(hearing=hearing, actor=staff, action="cancel", comment="Перенос", now=NOW)
    assert hearing.status == HearingStatus.CANCELLED


def test_registration_is_idempotent_and_for_eligible_residents():
    hearing = HearingFactory()
    person = resident(hearing.municipality)
    assert registration_toggle(hearing=hearing, actor=person, now=NOW) is True
    assert registration_toggle(hearing=hearing, actor=person, now=NOW) is True
    assert HearingRegistration.objects.filter(hearing=hearing).count() == 1
    assert registration_toggle(hearing=hearing, actor=person, register=False, now=NOW) is False
    assert registration_toggle(hearing=hearing, actor=person, register=False, now=NOW) is False
    assert not HearingRegistration.objects.exists()
    with pytest.raises(ValidationError) as exc:
        registration_toggle(hearing=hearing, actor=resident(hearing.municipality, birth_year=NOW.year - 17), now=NOW)
    assert _codes(exc.value) == {"too_young"}
    with pytest.raises(ValidationError) as exc:
        registration_toggle(hearing=hearing, actor=person, now=hearing.starts_at)
    assert _codes(exc.value) == {"closed"}


def test_proposals_are_accepted_until_the_deadline():
    hearing = HearingFactory()
    person = resident(hearing.municipality)
    proposal = proposal_submit(hearing=hearing, actor=person, text=" Увеличить расходы на дороги ", now=NOW)
    assert proposal.text == "Увеличить расходы на дороги"
    with pytest.raises(ValidationError) as exc:
        proposal_submit(hearing=hearing, actor=person, text="Поздно", now=hearing.proposals_until)
    assert _codes(exc.value) == {"deadline_passed"}
    with pytest.raises(ValidationError) as exc:
        proposal_submit(hearing=hearing, actor=person, text="  ", now=NOW)
    assert _codes(exc.value) == {"required"}
    with pytest.raises(ValidationError) as exc:
        proposal_submit(hearing=hearing, actor=resident(MunicipalityFactory()), text="Чужой", now=NOW)
    assert _codes(exc.value) == {"not_resident"}


def test_staff_mark_attendance_after_the_start():
    hearing = HearingFactory()
    staff = municipal_staff(hearing.municipality)
    came, missed = resident(hearing.municipality), resident(hearing.municipality)
    for person in (came, missed):
        registration_toggle(hearing=hearing, actor=person, now=NOW)
    with pytest.raises(ValidationError):
        attendance_mark(hearing=hearing, actor=staff, attended_user_ids=[came.pk], now=NOW)
    count = attendance_mark(hearing=hearing, actor=staff, attended_user_ids=[came.pk], now=hearing.starts_at)
    assert count == 1
    assert set(HearingRegistration.objects.filter(attended=True).values_list("user", flat=True)) == {came.pk}


def test_documents_are_checked_by_content(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hearing = HearingFactory()
    staff = municipal_staff(hearing.municipality)
    pdf = SimpleUploadedFile("проект.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    document = document_add(hearing=hearing, actor=staff, title="Проект решения", upload=pdf, now=NOW)
    assert document.content_type == "application/pdf"
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all")
    with pytest.raises(ValidationError) as exc:
        document_add(hearing=hearing, actor=staff, title="X", upload=fake, now=NOW)
    assert _codes(exc.value) == {"file_content"}
