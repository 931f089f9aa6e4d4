"""Public control: residents' inspection notes with photos (problem notes open until answered and resolved; the
project counts the unresolved ones) and ratings after completion (the project keeps count and sum)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from localbridge.core.services import error_codes
from localbridge.projects import services
from localbridge.projects.models import Inspection, InspectionPhoto, InspectionStatus, ProjectStage, Rating
from localbridge.projects.tests.factories import NOW, make_cast, photo

pytestmark = pytest.mark.django_db


def codes(exc_info) -> set[str]:
    return error_codes(exc_info.value)


def test_a_problem_note_is_answered_and_resolved_and_the_project_counts_it():
    cast = make_cast()
    note = services.inspection_create(
        project=cast.project,
        actor=cast.resident,
        text="Скамейка шатается",
        verdict="problems",
        photos=[photo("1.png"), photo("2.png")],
        captions=["Скамейка у подъезда"],
        now=NOW,
    )
    cast.project.refresh_from_db()
    assert (note.status, cast.project.open_problems) == (InspectionStatus.OPEN, 1)
    assert [p.caption for p in note.photos.order_by("pk")] == ["Скамейка у подъезда", ""]

    with pytest.raises(ValidationError) as exc_info:
        services.inspection_resolve(inspection=note, actor=cast.resident, now=NOW)
    assert codes(exc_info) == {"invalid_transition"}  # answered first

    services.inspection_answer(inspection=note, actor=cast.owner, answer="Закрепили болты", now=NOW)
    assert (note.status, note.answered_by) == (InspectionStatus.ANSWERED, cast.owner)
    services.inspection_resolve(inspection=note, actor=cast.resident, now=NOW)
    cast.project.refresh_from_db()
    assert (note.status, cast.project.open_problems) == (InspectionStatus.RESOLVED, 0)


def test_a_note_finding_the_work_done_is_born_resolved():
    cast = make_cast()
    note = services.inspection_create(project=cast.project, actor=cast.resident, text="Всё сделано", verdict="ok")
    cast.project.refresh_from_db()
    assert (note.status, cast.project.open_problems) == (InspectionStatus.RESOLVED, 0)
    with pytest.raises(ValidationError) as exc_info:
        services.inspection_answer(inspection=note, actor=cast.owner, answer="Спасибо")
    assert codes(exc_info) == {"not_a_problem"}


def test_a_note_needs_a_text_a_verdict_and_real_photos():
    cast = make_cast()
    with pytest.raises(ValidationError) as exc_info:
        services.inspection_create(
            project=cast.project,
            actor=cast.resident,
            text=" ",
            verdict="maybe",
            photos=[photo(), SimpleUploadedFile("fake.png", b"GIF89a not a png")],
        )
    assert set(exc_info.value.message_dict) == {"text", "verdict", "photos"}
    assert not Inspection.objects.exists() and not InspectionPhoto.objects.exists()
    cast.project.refresh_from_db()
    assert cast.project.open_problems == 0


def test_an_answer_is_required():
    cast = make_cast()
    note = services.inspection_create(project=cast.project, actor=cast.resident, text="Яма", verdict="problems")
    with pytest.raises(ValidationError) as exc_info:
        services.inspection_answer(inspection=note, actor=cast.owner, answer="")
    assert codes(exc_info) == {"required"}


def test_a_cancelled_project_is_not_inspected():
    cast = make_cast(stage=ProjectStage.CANCELLED)
    with pytest.raises(ValidationError) as exc_info:
        services.inspection_create(project=cast.project, actor=cast.resident, text="Пусто", verdict="problems")
    assert codes(exc_info) == {"project_cancelled"}


def test_residents_rate_a_completed_project_once_each():
    cast = make_cast(stage=ProjectStage.COMPLETED)
    services.rating_set(project=cast.project, actor=cast.resident, score=5, comment="Отлично", now=NOW)
    services.rating_set(project=cast.project, actor=cast.resident, score="3", now=NOW)  # replaces the first
    cast.project.refresh_from_db()
    assert (cast.project.rating_count, cast.project.rating_sum) == (1, 3)
    assert Rating.objects.get().score == 3
    assert str(cast.project.rating_average) == "3.0"


def test_a_rating_is_from_one_to_five_and_only_after_completion():
    cast = make_cast(stage=ProjectStage.COMPLETED)
    for bad in (0, 6, "пять", None):
        with pytest.raises(ValidationError) as exc_info:
            services.rating_set(project=cast.project, actor=cast.resident, score=bad)
        assert codes(exc_info) & {"out_of_range", "invalid", "required"}
    under_way = make_cast()
    with pytest.raises(ValidationError) as exc_info:
        services.rating_set(project=under_way.project, actor=under_way.resident, score=4)
    assert codes(exc_info) == {"not_completed"}
    assert not Rating.objects.exists()
