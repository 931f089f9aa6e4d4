"""Downloads of a contest: applications and scores as CSV/XLSX (read back), who may take them, and the protocol
of the results as XLSX and PDF (DejaVu fonts; a clear error without them)."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests import exports
from localbridge.contests.models import ApplicationStatus, ContestStatus
from localbridge.contests.tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    ContestFactory,
    CriterionFactory,
    NominationFactory,
    ResultFactory,
    ScoreFactory,
    chair_of,
    staff_of,
)

pytestmark = pytest.mark.django_db


def _content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def _contest_with_applications():
    contest = ContestFactory(status=ContestStatus.EVALUATION)
    nomination = NominationFactory(contest=contest, name="Дворы")
    ApplicationFactory(
        contest=contest,
        status=ApplicationStatus.ADMITTED,
        number="К-0001",
        title="Скамейки у подъезда",
        nomination=nomination,
        total_cost=Decimal("200000"),
        grant_requested=Decimal("150000"),
    )
    ApplicationFactory(contest=contest, status=ApplicationStatus.DRAFT, title="Черновая заявка")
    return contest


def test_the_applications_csv_has_the_columns_and_leaves_drafts_out(client):
    contest = _contest_with_applications()
    client.force_login(staff_of(contest.organizer))
    response = client.get(reverse("contests:applications_export", args=[contest.pk, "csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(_content(response).decode("utf-8-sig"))))
    assert len(rows) == 2
    row = rows[1]
    assert row[:4] == [
        "К-0001",
        "Скамейки у подъезда",
        contest.applications.get(number="К-0001").organization.display_name,
        "Дворы",
    ]
    assert row[5:8] == ["200000.00", "150000.00", "25.00"]


def test_the_applications_xlsx_reads_back(client):
    contest = _contest_with_applications()
    client.force_login(chair_of(contest.organizer))
    response = client.get(reverse("contests:applications_export", args=[contest.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(_content(response))).active
    values = list(sheet.values)
    assert len(values) == 2
    assert values[1][0] == "К-0001"
    assert Decimal(str(values[1][6])) == Decimal("150000")


def test_applicants_and_the_public_may_not_export(client):
    contest = _contest_with_applications()
    url = reverse("contests:applications_export", args=[contest.pk, "csv"])
    assert client.get(url).status_code == 302
    client.force_login(chair_of(contest.applications.get(number="К-0001").organization))
    assert client.get(url).status_code == 403
    assert client.get(reverse("contests:scores_export", args=[contest.pk, "csv"])).status_code == 403


def test_an_unknown_format_is_404(client):
    contest = _contest_with_applications()
    client.force_login(staff_of(contest.organizer))
    assert client.get(reverse("contests:applications_export", args=[contest.pk, "doc"])).status_code == 404


def test_the_scores_export_names_the_expert_for_the_organiser(client):
    contest = _contest_with_applications()
    application = contest.applications.get(number="К-0001")
    criterion = CriterionFactory(contest=contest, name="Актуальность")
    expert = UserFactory(full_name="Пётр Экспертов")
    assignment = AssignmentFactory(application=application, expert__user=expert)
    ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal("8"), comment="Хорошо")
    client.force_login(staff_of(contest.organizer))
    response = client.get(reverse("contests:scores_export", args=[contest.pk, "xlsx"]))
    values = list(load_workbook(io.BytesIO(_content(response))).active.values)
    assert values[1][0] == "К-0001"
    assert values[1][3] == "Пётр Экспертов"
    assert values[1][4] == "Актуальность"
    assert Decimal(str(values[1][5])) == Decimal("8")
    assert values[1][6] == "Хорошо"


def _finished_contest():
    contest = ContestFactory(status=ContestStatus.FINISHED, title="Конкурс «Наш двор»", prize_pool=Decimal("500000"))
    nomination = NominationFactory(contest=contest, name="Благоустройство")
    criterion = CriterionFactory(contest=contest, name="Значимость")
    ResultFactory(
        contest=contest,
        nomination=nomination,
        rank=1,
        score=Decimal("88.5"),
        amount=Decimal("300000"),
        criteria={str(criterion.pk): 8.85},
        application__title="Детская площадка",
    )
    ResultFactory(contest=contest, nomination=nomination, rank=2, amount=Decimal("0"), funded=False)
    return contest


def test_the_protocol_xlsx_has_the_ranking_the_total_and_signature_lines(client):
    contest = _finished_contest()
    response = client.get(reverse("contests:results_protocol", args=[contest.pk, "xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [c for row in workbook.worksheets[0].values for c in row if c is not None]
    assert contest.title in cells
    assert "Детская площадка" in cells
    assert Decimal("300000.00") in [Decimal(str(c)) for c in cells if isinstance(c, (int, float))]
    assert any(c == "(подпись)" or c == "(signature)" for c in cells)
    criteria = list(workbook.worksheets[1].values)
    assert criteria[0][2] == "Значимость"
    assert Decimal(str(criteria[1][2])) == Decimal("8.85")


def test_the_protocol_pdf_is_a_pdf_with_pages(client):
    contest = _finished_contest()
    response = client.get(reverse("contests:results_protocol", args=[contest.pk, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"/Type /Page" in response.content


def test_the_protocol_before_publication_is_the_organisers_draft(client):
    contest = _finished_contest()
    contest.status = ContestStatus.RANKING
    contest.save(update_fields=["status"])
    url = reverse("contests:results_protocol", args=[contest.pk, "pdf"])
    assert client.get(url).status_code == 404
    client.force_login(staff_of(contest.organizer))
    response = client.get(url)
    assert response.status_code == 200
    assert "draft" in response["Content-Disposition"]


def test_the_pdf_refuses_clearly_without_its_fonts(settings, tmp_path):
    settings.PDF_FONT_DIR = str(tmp_path)
    protocol = exports.protocol_data(_finished_contest())
    with pytest.raises(exports.FontMissing, match="fonts-dejavu-core"):
        exports.protocol_pdf(protocol)
