"""The projects demo: loaded through the services by load_demo, projects at every stage in real cities with
placeholder photos marked so, budgets from several sources with one line over its plan, an overdue milestone, an
open problem note, ratings of completed projects, the projects of a contest award and of a vote winner; a second
run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from localbridge.projects.demo import PROJECTS, load_projects_demo, placeholder_image
from localbridge.projects.models import Origin, Project, ProjectStage, ReportPhoto, ReportStatus
from localbridge.projects.selectors import overdue_milestones, project_budget

pytestmark = pytest.mark.django_db


def test_the_demo_has_projects_at_every_stage_and_a_second_run_adds_nothing():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo projects:" in out.getvalue()
    projects = Project.objects.all()
    assert projects.count() >= len(PROJECTS)
    assert set(projects.values_list("stage", flat=True)) == set(ProjectStage.values)
    assert {p.municipality.name_ru for p in projects.select_related("municipality")} >= {
        "Благовещенск",
        "Смоленск",
        "Тюмень",
    }
    assert Project.objects.filter(origin=Origin.CONTEST_AWARD).exists()
    assert Project.objects.filter(origin=Origin.PB_WINNER).exists()
    photos = ReportPhoto.objects.all()
    assert photos.exists() and not photos.filter(is_placeholder=False).exists()
    assert overdue_milestones(timezone.now())
    assert any(project_budget(p).warnings for p in projects)
    assert Project.objects.filter(open_problems__gt=0).exists()
    assert Project.objects.filter(stage=ProjectStage.COMPLETED, rating_count__gt=0).exists()
    assert Project.objects.filter(stage=ProjectStage.COMPLETION, reports__status=ReportStatus.SUBMITTED).exists()
    for project in projects:
        assert len({line.source for line in project.budget_lines.all()}) >= 1

    before = Project.objects.count()
    summary = load_projects_demo()
    assert summary.created == 0 and Project.objects.count() == before


def test_a_placeholder_image_is_a_png():
    data = placeholder_image("Детская площадка", "after")
    assert data.startswith(b"\x89PNG")
