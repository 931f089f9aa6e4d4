"""Reports: written and submitted by the owner, accepted or returned with remarks by the funder; a final report
is refused while milestones are open; photos must be real images within the size limit."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from localbridge.core.audit import audit_history
from localbridge.core.services import error_codes
from localbridge.projects import services
from localbridge.projects.models import Report, ReportPhoto, ReportStatus
from localbridge.projects.tests.factories import (
    NOW,
    MilestoneFactory,
    ReportFactory,
    make_cast,
    photo,
    png_bytes,
    truncated_png,
)

pytestmark = pytest.mark.django_db


def codes(exc_info) -> set[str]:
    return error_codes(exc_info.value)


def test_a_progress_report_is_written_submitted_returned_corrected_and_accepted():
    cast = make_cast()
    report = services.report_create(
        project=cast.project,
        actor=cast.owner,
        text="Вырыли котлован",
        volunteer_hours="120",
        people_reached=300,
        now=NOW,
    )
    assert (report.kind, report.status, report.volunteer_hours) == ("progress", "draft", 120)
    services.report_photo_add(report=report, actor=cast.owner, upload=photo(), phase="before", caption="Двор до работ")
    services.report_submit(report=report, actor=cast.owner, now=NOW)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == cast.owner

    with pytest.raises(ValidationError) as exc_info:
        services.report_return(report=report, actor=cast.funder, remarks="  ", now=NOW)
    assert codes(exc_info) == {"comment_required"}
    services.report_return(report=report, actor=cast.funder, remarks="Добавьте фото после работ", now=NOW)
    assert report.status == ReportStatus.RETURNED and report.remarks == "Добавьте фото после работ"

    services.report_update(report=report, actor=cast.owner, text="Вырыли котлован и залили фундамент")
    services.report_photo_add(report=report, actor=cast.owner, upload=photo(), phase="after")
    services.report_submit(report=report, actor=cast.owner, now=NOW)
    services.report_accept(report=report, actor=cast.funder, now=NOW)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.decided_by == cast.funder
    assert [p.phase for p in report.photos.all()] == ["before", "after"]
    assert [(e.from_status, e.to_status) for e in audit_history(obj=report)] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "accepted"),
    ]
    with pytest.raises(ValidationError) as exc_info:
        services.report_update(report=report, actor=cast.owner, text="Задним числом")
    assert codes(exc_info) == {"report_locked"}


def test_a_final_report_is_refused_while_milestones_are_open():
    cast = make_cast()
    milestone = MilestoneFactory(project=cast.project, title="Освещение", percent_done=90)
    with pytest.raises(ValidationError) as exc_info:
        services.report_create(project=cast.project, actor=cast.owner, kind="final", text="Готово", now=NOW)
    assert codes(exc_info) == {"open_milestones"}
    assert "Освещение" in exc_info.value.messages[0]
    assert not Report.objects.exists()

    services.milestone_complete(milestone=milestone, actor=cast.owner, now=NOW)
    report = services.report_create(project=cast.project, actor=cast.owner, kind="final", text="Готово", now=NOW)
    # A milestone added afterwards: the report cannot be submitted, nor accepted, until it is done.
    late = MilestoneFactory(project=cast.project, title="Покраска")
    with pytest.raises(ValidationError) as exc_info:
        services.report_submit(report=report, actor=cast.owner, now=NOW)
    assert codes(exc_info) == {"open_milestones"}
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.submitted_at is None
    late.actual_date = date(2026, 6, 9)
    late.save()
    services.report_submit(report=report, actor=cast.owner, now=NOW)
    MilestoneFactory(project=cast.project, title="Ещё одна")
    with pytest.raises(ValidationError) as exc_info:
        services.report_accept(report=report, actor=cast.funder, now=NOW)
    assert codes(exc_info) == {"open_milestones"}
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_project_has_one_final_report():
    cast = make_cast()
    services.report_create(project=cast.project, actor=cast.owner, kind="final", now=NOW)
    with pytest.raises(ValidationError) as exc_info:
        services.report_create(project=cast.project, actor=cast.owner, kind="final", now=NOW)
    assert codes(exc_info) == {"final_report_exists"}


def test_a_report_needs_a_text_to_be_submitted_and_figures_are_whole_numbers():
    cast = make_cast()
    report = ReportFactory(project=cast.project, text="")
    with pytest.raises(ValidationError) as exc_info:
        services.report_submit(report=report, actor=cast.owner, now=NOW)
    assert codes(exc_info) == {"required"}
    with pytest.raises(ValidationError) as exc_info:
        services.report_update(report=report, actor=cast.owner, volunteer_hours="-3", people_reached="много")
    assert codes(exc_info) == {"out_of_range", "invalid"}


def test_whoever_submitted_a_report_does_not_decide_on_it():
    cast = make_cast()
    report = ReportFactory(project=cast.project, status="submitted", submitted_by=cast.funder)
    with pytest.raises(ValidationError) as exc_info:
        services.report_accept(report=report, actor=cast.funder, now=NOW)
    assert codes(exc_info) == {"own_report"}


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (SimpleUploadedFile("photo.png", b"this is text, not a picture"), {"file_content"}),
        (SimpleUploadedFile("photo.txt", b"this is text"), {"file_type"}),
        (truncated_png(), {"not_image"}),
        (SimpleUploadedFile("photo.jpg", png_bytes()), {"file_content"}),  # a PNG named .jpg
        (SimpleUploadedFile("photo.png", b""), {"file_empty"}),
    ],
)
def test_a_photo_must_be_a_real_image(upload, expected):
    cast = make_cast()
    report = ReportFactory(project=cast.project)
    with pytest.raises(ValidationError) as exc_info:
        services.report_photo_add(report=report, actor=cast.owner, upload=upload)
    assert codes(exc_info) == expected
    assert "image" in exc_info.value.message_dict
    assert not ReportPhoto.objects.exists()


def test_an_oversized_photo_is_refused(settings):
    cast = make_cast()
    report = ReportFactory(project=cast.project)
    upload = SimpleUploadedFile("big.png", png_bytes(size=(200, 200)))
    settings.UPLOAD_MAX_BYTES = upload.size - 1
    with pytest.raises(ValidationError) as exc_info:
        services.report_photo_add(report=report, actor=cast.owner, upload=upload)
    assert codes(exc_info) == {"file_too_large"}
    assert not ReportPhoto.objects.exists()


def test_a_photo_keeps_its_size_and_a_placeholder_is_marked():
    cast = make_cast()
    report = ReportFactory(project=cast.project)
    added = services.report_photo_add(
        report=report, actor=cast.owner, upload=photo(size=(40, 30)), phase="during", is_placeholder=True
    )
    assert (added.width, added.height, added.is_placeholder) == (40, 30, True)
    assert added.image.name.startswith(f"projects/reports/{report.pk}/")
