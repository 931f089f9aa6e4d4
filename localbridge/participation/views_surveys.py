"""Survey pages: the list, a survey's page, the answer sheet (one page, errors beside each question), the
results (charts as server-rendered SVG bars with a table beside them; public after the survey is over, the
staff's at any time), the free-text answers page by page, the export of all responses (CSV/XLSX), and the
staff's builder. Thin: forms parse, services decide and write, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.forms import add_service_errors, errors_to_messages
from localbridge.core.pagination import paginate
from localbridge.core.text import render_markdown

from . import selectors_surveys as selectors
from .forms_surveys import (
    MoveForm,
    ProcessFilterForm,
    QuestionFormSet,
    SurveyForm,
    add_question_errors,
    answer_sheet,
    answers_from_post,
    question_initial,
    question_rows,
)
from .models import Question, Survey, SurveyStatus
from .services import surveys as services

SECTION = "surveys"


def _manage_or_403(request: HttpRequest, survey: Survey) -> None:
    if not request.user.has_perm("participation.manage_process", survey):
        raise PermissionDenied(_("Only the municipality's staff may do this."))


def survey_list(request: HttpRequest) -> HttpResponse:
    form = ProcessFilterForm(request.GET or None, model=Survey)
    page = paginate(request, selectors.survey_list(user=request.user, **form.filters()))
    may_create = request.user.is_authenticated and selectors.manageable_municipalities(request.user).exists()
    return render(
        request,
        "participation/surveys/list.html",
        {"section": SECTION, "form": form, "page": page, "surveys": page.object_list, "may_create": may_create},
    )


def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(pk=pk, user=request.user)
    state = selectors.survey_state(survey=survey, user=request.user)
    context: dict[str, Any] = {
        "section": SECTION,
        "survey": survey,
        "state": state,
        "questions": list(survey.questions.all()),
        "description": render_markdown(survey.description),
    }
    if state.manages:
        context["transitions"] = services.SURVEY_WORKFLOW.available(survey)
        context["warnings"] = services.survey_notice_warnings(survey) if survey.status == SurveyStatus.DRAFT else []
    return render(request, "participation/surveys/detail.html", context)


@login_required
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(pk=pk, user=request.user)
    state = selectors.survey_state(survey=survey, user=request.user)
    questions = list(survey.questions.all())
    if state.responded:
        messages.info(request, _("You have already answered this survey. Thank you!"))
        return redirect("participation:survey_detail", pk=survey.pk)
    status = 200
    errors: ValidationError | None = None
    if request.method == "POST":
        try:
            services.response_submit(
                survey=survey, actor=request.user, answers=answers_from_post(questions, request.POST)
            )
        except ValidationError as exc:
            errors, status = exc, 400
        else:
            messages.success(request, _("Thank you! Your answers are recorded."))
            return redirect("participation:survey_detail", pk=survey.pk)
    sheet, general = answer_sheet(questions, request.POST if request.method == "POST" else None, errors)
    return render(
        request,
        "participation/surveys/answer.html",
        {"section": SECTION, "survey": survey, "state": state, "sheet": sheet, "general_errors": general},
        status=status,
    )


def _results_survey(request: HttpRequest, pk: int) -> Survey:
    survey = selectors.survey_get(pk=pk, user=request.user)
    if not selectors.survey_results_visible(survey=survey, user=request.user):
        raise Http404(_("The results are published when the survey is over."))
    return survey


def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _results_survey(request, pk)
    return render(
        request,
        "participation/surveys/results.html",
        {
            "section": SECTION,
            "survey": survey,
            "results": selectors.survey_results(survey=survey),
            "manages": request.user.has_perm("participation.manage_process", survey),
            "final": selectors.survey_is_over(survey),
            "preview": selectors.TEXT_PREVIEW,
        },
    )


def survey_text_answers(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _results_survey(request, pk)
    question, answers = selectors.survey_text_answers(survey=survey, question_pk=question_pk)
    page = paginate(request, answers, per_page=50)
    return render(
        request,
        "participation/surveys/text_answers.html",
        {"section": SECTION, "survey": survey, "question": question, "page": page},
    )


def _answer_column(question: Question) -> Column:
    return Column(label=question.text, value=lambda row: selectors.answer_text(question, row[1].get(question.pk)))


def survey_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """All responses, one row each, a column per question; the respondent's name and e-mail only for the staff, and
    never for an anonymous survey."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    survey = _results_survey(request, pk)
    columns = [Column(label=_("Response"), value=lambda row: row[0].pk)]
    columns.append(Column(label=_("Answered"), value=lambda row: row[0].created_at))
    # Who answered an identified survey is for the municipality's staff only; everyone else gets the answers.
    if not survey.anonymous and request.user.has_perm("participation.manage_process", survey):
        columns.append(Column(label=_("Respondent"), value=lambda row: row[0].user.full_name if row[0].user else ""))
        columns.append(Column(label=_("E-mail"), value=lambda row: row[0].user.email if row[0].user else ""))
    columns += [_answer_column(q) for q in survey.questions.all()]
    return export_response(
        selectors.survey_export_rows(survey=survey), columns, filename=f"survey-{survey.pk}", fmt=fmt
    )


# --- the staff's builder --------------------------------------------------------------------------------------


def _builder(request: HttpRequest, survey: Survey | None) -> HttpResponse:
    municipalities = selectors.manageable_municipalities(request.user)
    locked = survey is not None and survey.status != SurveyStatus.DRAFT
    if survey is not None and survey.status == SurveyStatus.CLOSED:
        messages.info(request, _("The survey is closed and can no longer be changed."))
        return redirect("participation:survey_detail", pk=survey.pk)
    data = request.POST if request.method == "POST" else None
    form = SurveyForm(data, instance=survey, municipalities=municipalities, locked=locked)
    initial = question_initial(list(survey.questions.all())) if survey is not None else None
    formset = None if locked else QuestionFormSet(data, initial=initial, prefix="questions")
    status = 200
    if request.method == "POST":
        if form.is_valid() and (formset is None or formset.is_valid()):
            values = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
            try:
                if survey is None:
                    values = dict(form.cleaned_data)
                    survey = services.survey_create(actor=request.user, questions=question_rows(formset), **values)
                else:
                    if locked:
                        values = {k: v for k, v in values.items() if k in ("description", "closes_at")}
                    questions = None if formset is None else question_rows(formset)
                    services.survey_update(survey=survey, actor=request.user, questions=questions, **values)
            except ValidationError as exc:
                rest = add_question_errors(formset, exc) if formset is not None else exc
                if rest is not None:
                    add_service_errors(form, rest)
            else:
                messages.success(request, _("The survey is saved."))
                return redirect("participation:survey_manage", pk=survey.pk)
        status = 400
    return render(
        request,
        "participation/surveys/manage.html",
        {"section": SECTION, "survey": survey, "form": form, "formset": formset, "locked": locked},
        status=status,
    )


@login_required
def survey_create(request: HttpRequest) -> HttpResponse:
    if not selectors.manageable_municipalities(request.user).exists():
        raise PermissionDenied(_("Only the municipality's staff may do this."))
    return _builder(request, None)


@login_required
def survey_manage(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(pk=pk, user=request.user)
    _manage_or_403(request, survey)
    return _builder(request, survey)


@login_required
@require_POST
def survey_move(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(pk=pk, user=request.user)
    _manage_or_403(request, survey)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.survey_move(
                survey=survey,
                actor=request.user,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Done."))
    return redirect("participation:survey_detail", pk=survey.pk)
