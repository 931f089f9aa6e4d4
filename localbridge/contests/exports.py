"""Downloads of a contest: its applications and every expert's scores (CSV or XLSX, the same columns in both,
through core/exports.py), and the protocol of the results (the ranked applications with scores and amounts, the
pool and the total, lines for the commission's signatures) as XLSX and as PDF.

The PDF is drawn with reportlab in DejaVu Sans (Cyrillic), read from PDF_FONT_DIR (default
/usr/share/fonts/truetype/dejavu, the Debian package fonts-dejavu-core); without the font files it refuses with
FontMissing rather than printing boxes instead of letters."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from localbridge.core.exports import Column, export_response

from . import selectors
from .models import Application, Contest, Criterion, Nomination, Result

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {"DejaVuSans": "DejaVuSans.ttf", "DejaVuSans-Bold": "DejaVuSans-Bold.ttf"}
SIGNATURE_LINES = 3
PROTOCOL_FORMATS = ("pdf", "xlsx")


class FontMissing(ImproperlyConfigured):
    """The TrueType fonts the PDF protocol needs are not installed."""


# --- applications and scores ----------------------------------------------------------------------------------


def _money(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(Decimal("0.01"))


def application_columns() -> list[Column]:
    return [
        Column(gettext_lazy("number"), lambda a: a.number),
        Column(gettext_lazy("project title"), lambda a: a.title),
        Column(gettext_lazy("applicant"), lambda a: a.organization.display_name),
        Column(gettext_lazy("nomination"), lambda a: a.nomination.name if a.nomination else ""),
        Column(gettext_lazy("status"), lambda a: a.get_status_display()),
        Column(gettext_lazy("project cost"), lambda a: _money(a.total_cost)),
        Column(gettext_lazy("grant requested"), lambda a: _money(a.grant_requested)),
        Column(gettext_lazy("co-financing, %"), lambda a: a.cofinancing_percent),
        Column(gettext_lazy("submitted"), lambda a: a.submitted_at),
    ]


def score_columns() -> list[Column]:
    return [
        Column(gettext_lazy("application number"), lambda s: s.assignment.application.number),
        Column(gettext_lazy("project title"), lambda s: s.assignment.application.title),
        Column(gettext_lazy("applicant"), lambda s: s.assignment.application.organization.display_name),
        Column(gettext_lazy("expert"), lambda s: s.assignment.expert.user.display_name),
        Column(gettext_lazy("criterion"), lambda s: s.criterion.name),
        Column(gettext_lazy("score"), lambda s: s.value),
        Column(gettext_lazy("comment"), lambda s: s.comment),
    ]


def applications_export(contest: Contest, applications: Any, *, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The given applications of the contest (a queryset from selectors.applications_for_organizer)."""
    rows: Any = applications.iterator(chunk_size=500)
    return export_response(rows, application_columns(), filename=f"contest-{contest.pk}-applications", fmt=fmt)


def scores_export(contest: Contest, *, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """Every score of the contest, the expert named: for the organisers only (contests.view_all_scores)."""
    rows: Any = selectors.scores_for_export(contest).iterator(chunk_size=500)
    return export_response(rows, score_columns(), filename=f"contest-{contest.pk}-scores", fmt=fmt)


# --- the protocol -------------------------------------------------------------------------------------------


@dataclass
class ProtocolGroup:
    nomination: Nomination | None
    results: list[Result] = field(default_factory=list)

    @property
    def awarded(self) -> Decimal:
        return sum((r.amount for r in self.results), Decimal("0.00"))


@dataclass
class Protocol:
    contest: Contest
    criteria: list[Criterion]
    groups: list[ProtocolGroup]
    summary: selectors.ResultsSummary
    preview: bool
    generated_at: datetime

    @property
    def title(self) -> str:
        if self.preview:
            return _("Draft protocol of the contest's results (not published)")
        return _("Protocol of the contest's results")


def results_by_nomination(results: list[Result]) -> list[ProtocolGroup]:
    """Results (in selectors.contest_results order) grouped by nomination, keeping the order."""
    groups: list[ProtocolGroup] = []
    for result in results:
        if not groups or groups[-1].nomination != result.nomination:
            groups.append(ProtocolGroup(nomination=result.nomination))
        groups[-1].results.append(result)
    return groups


def protocol_data(contest: Contest, *, preview: bool = False, now: datetime | None = None) -> Protocol:
    results = list(selectors.contest_results(contest))
    return Protocol(
        contest=contest,
        criteria=list(contest.criteria.all()),
        groups=results_by_nomination(results),
        summary=selectors.results_summary(contest),
        preview=preview,
        generated_at=now or timezone.now(),
    )


def _date(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def _amount(value: Decimal) -> str:
    return formats.number_format(_money(value), decimal_pos=2, use_l10n=True, force_grouping=True)


def _header() -> list[str]:
    return [
        _("Rank"),
        _("Number"),
        _("Project"),
        _("Applicant"),
        _("Score (of 100)"),
        _("Amount"),
        _("Funded"),
    ]


def _row(result: Result) -> list[Any]:
    application: Application = result.application
    return [
        result.rank,
        application.number,
        application.title,
        application.organization.display_name,
        result.score,
        _money(result.amount),
        _("yes") if result.funded else _("no"),
    ]


def protocol_xlsx(protocol: Protocol) -> bytes:
    """The protocol as a workbook: the ranking on one sheet, the mean score per criterion on another."""
    contest = protocol.contest
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = force_str(_("Results"))[:31]
    bold = Font(bold=True)
    sheet.append([protocol.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([contest.title])
    sheet.append([_("Organiser"), contest.organizer.display_name])
    sheet.append([_("Date"), _date(protocol.generated_at)])
    sheet.append([_("Prize pool"), _money(protocol.summary.pool), contest.currency])
    sheet.append([])
    for group in protocol.groups:
        if group.nomination is not None:
            sheet.append([_("Nomination: %(name)s") % {"name": group.nomination.name}])
            sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append(_header())
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for result in group.results:
            sheet.append(_row(result))
        if group.nomination is not None:
            sheet.append(["", "", "", _("Awarded in the nomination"), "", _money(group.awarded)])
        sheet.append([])
    sheet.append([_("Total awarded"), _money(protocol.summary.awarded), contest.currency])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([_("Remaining of the pool"), protocol.summary.remaining, contest.currency])
    sheet.append([])
    sheet.append([_("Members of the commission:")])
    for _line in range(SIGNATURE_LINES):
        sheet.append(["", "____________________", "", "____________________"])
        sheet.append(["", _("(signature)"), "", _("(name)")])
    for column, width in zip("ABCDEFG", (8, 14, 48, 40, 14, 16, 10), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    criteria_sheet = workbook.create_sheet(force_str(_("By criterion"))[:31])
    criteria_sheet.append([_("Number"), _("Project"), *[c.name for c in protocol.criteria]])
    for cell in criteria_sheet[1]:
        cell.font = bold
    for group in protocol.groups:
        for result in group.results:
            means = selectors.criterion_means(result, protocol.criteria)
            criteria_sheet.append([result.application.number, result.application.title, *means])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _font_dir() -> Path:
    return Path(getattr(settings, "PDF_FONT_DIR", DEFAULT_FONT_DIR))


def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) with reportlab, once; FontMissing when the files are absent."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    directory = _font_dir()
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in FONT_FILES.items():
        path = directory / filename
        if not path.is_file():
            raise FontMissing(
                f"The PDF protocol needs the font {path} (Debian/Ubuntu package fonts-dejavu-core); install it or "
                f"set PDF_FONT_DIR to a folder with {', '.join(FONT_FILES.values())}."
            )
        if name not in registered or getattr(pdfmetrics.getFont(name), "_lb_path", None) != str(path):
            font = TTFont(name, str(path))
            font._lb_path = str(path)  # type: ignore[attr-defined]
            pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")


def protocol_pdf(protocol: Protocol) -> bytes:
    """The protocol as an A4 landscape PDF: title, contest, organiser, date, pool; per nomination the ranked
    applications with score and amount; the total; lines for the commission's signatures."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    contest = protocol.contest
    normal = ParagraphStyle("lb-normal", fontName="DejaVuSans", fontSize=9, leading=11)
    heading = ParagraphStyle("lb-heading", fontName="DejaVuSans-Bold", fontSize=14, leading=18, spaceAfter=6)
    subheading = ParagraphStyle("lb-subheading", fontName="DejaVuSans-Bold", fontSize=11, leading=14, spaceBefore=8)

    def para(text: Any, style: ParagraphStyle = normal) -> Paragraph:
        return Paragraph(escape(force_str(text)), style)

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{protocol.title}: {contest.title}",
        author=contest.organizer.display_name,
    )
    story: list[Any] = [
        para(protocol.title, heading),
        para(contest.title, subheading),
        para(f"{_('Organiser')}: {contest.organizer.display_name}"),
        para(f"{_('Date')}: {_date(protocol.generated_at)}"),
        para(f"{_('Prize pool')}: {_amount(protocol.summary.pool)} {contest.currency}"),
        Spacer(1, 4 * mm),
    ]
    widths = [14 * mm, 24 * mm, 80 * mm, 70 * mm, 22 * mm, 28 * mm, 18 * mm]
    for group in protocol.groups:
        if group.nomination is not None:
            story.append(para(_("Nomination: %(name)s") % {"name": group.nomination.name}, subheading))
        data: list[list[Any]] = [[para(h) for h in _header()]]
        for result in group.results:
            cells = _row(result)
            cells[4] = formats.number_format(result.score, decimal_pos=2, use_l10n=True)
            cells[5] = _amount(result.amount)
            data.append([para(c) for c in cells])
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
        if group.nomination is not None:
            story.append(para(f"{_('Awarded in the nomination')}: {_amount(group.awarded)} {contest.currency}"))
    if not protocol.groups:
        story.append(para(_("No application was ranked.")))
    story += [
        Spacer(1, 4 * mm),
        para(f"{_('Total awarded')}: {_amount(protocol.summary.awarded)} {contest.currency}", subheading),
        para(f"{_('Remaining of the pool')}: {_amount(protocol.summary.remaining)} {contest.currency}"),
        Spacer(1, 8 * mm),
        para(_("Members of the commission:"), subheading),
    ]
    signatures = [["____________________________", "____________________________"] for _line in range(SIGNATURE_LINES)]
    signature_rows: list[list[Any]] = []
    for line in signatures:
        signature_rows.append(line)
        signature_rows.append([para(_("(signature)")), para(_("(name)"))])
    signature_table = Table(signature_rows, colWidths=[90 * mm, 90 * mm], hAlign="LEFT")
    signature_table.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"), ("TOPPADDING", (0, 0), (-1, -1), 6)])
    )
    story.append(signature_table)
    document.build(story)
    return buffer.getvalue()


def protocol_response(protocol: Protocol, *, fmt: str) -> HttpResponse:
    """The protocol as a download: fmt is "pdf" or "xlsx"."""
    stamp = timezone.localdate().isoformat()
    name = f"contest-{protocol.contest.pk}-protocol{'-draft' if protocol.preview else ''}-{stamp}"
    if fmt == "pdf":
        response = HttpResponse(protocol_pdf(protocol), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(
            protocol_xlsx(protocol),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise ValueError(fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
