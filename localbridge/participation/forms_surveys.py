"""Forms of the survey and hearing pages: filters, the staff's survey builder (the survey and a formset of its
questions, options one per line) and hearing form, and the answer sheet (a survey's questions read from the
POST data, each with its errors beside it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from localbridge.territories.models import Municipality

from .models import Hearing, HearingKind, HearingStatus, Question, QuestionKind, Survey, SurveyStatus
from .services.hearings import DOCUMENT_EXTENSIONS


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


# --- filters --------------------------------------------------------------------------------------------------


class ProcessFilterForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, model: type[Survey] | type[Hearing], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        used = model.objects.exclude(status="draft").values("municipality_id")
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=used).order_by("name_ru", "pk")  # type: ignore[attr-defined]
        statuses = SurveyStatus if model is Survey else HearingStatus
        self.fields["status"].choices = [("", _("Any")), *[(s.value, s.label) for s in statuses]]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {"municipality": self.cleaned_data.get("municipality"), "status": self.cleaned_data.get("status")}


# --- the survey builder ---------------------------------------------------------------------------------------


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["municipality", "title", "description", "anonymous", "opens_at", "closes_at", "min_age"]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "anonymous": _("Answers keep no link to the person; each resident still answers once."),
            "opens_at": _("Empty: the survey opens when it is published."),
        }

    def __init__(self, *args: Any, municipalities: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        if locked:  # an open survey: only its description and closing time change
            for name in self.fields:
                if name not in ("description", "closes_at"):
                    self.fields[name].disabled = True


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=600)
    options = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For single and multiple choice and ranking."),
    )
    scale_min = forms.IntegerField(label=_("Scale from"), initial=1, required=False)
    scale_max = forms.IntegerField(label=_("Scale to"), initial=5, required=False)
    required = forms.BooleanField(label=_("Required"), initial=True, required=False)


QuestionFormSet = forms.formset_factory(QuestionForm, extra=2, can_delete=True, max_num=100, validate_max=True)


def question_initial(questions: list[Question]) -> list[dict[str, Any]]:
    return [
        {
            "kind": q.kind,
            "text": q.text,
            "options": "\n".join(q.options or []),
            "scale_min": q.scale_min,
            "scale_max": q.scale_max,
            "required": q.required,
        }
        for q in questions
    ]


def question_rows(formset: Any) -> list[dict[str, Any]]:
    """The filled, not deleted rows of a valid formset, for survey_create/update."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("text")
    ]


def add_question_errors(formset: Any, exc: ValidationError) -> ValidationError | None:
    """Put the service's "questions-<n>" errors beside the n-th filled row; return the rest."""
    if not hasattr(exc, "error_dict"):
        return exc
    filled = [form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
    filled = [form for form in filled if form.cleaned_data.get("text")]
    rest: dict[str, list[ValidationError]] = {}
    for name, errors in exc.error_dict.items():
        if name.startswith("questions-"):
            index = int(name.split("-", 1)[1])
            if index < len(filled):
                filled[index].add_error(None, errors)
                continue
        rest[name] = errors
    return ValidationError(rest) if rest else None


class MoveForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- answering ------------------------------------------------------------------------------------------------


@dataclass
class Choice:
    index: int
    label: str
    checked: bool = False
    place: str = ""


@dataclass
class SheetItem:
    question: Question
    name: str
    value: Any = None
    errors: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    points: list[Choice] = field(default_factory=list)  # the scale's points
    places: range = range(0)

    @property
    def text(self) -> str:
        return self.value if isinstance(self.value, str) else ""


def _ranking_from_post(question: Question, data: Mapping[str, Any]) -> Any:
    """A ranking from one "place" select per option: the options ordered by their places. Places missing or
    repeated give a list the service refuses (so its message shows beside the question)."""
    n = len(question.options or [])
    places: list[tuple[int, int]] = []
    empty = True
    for index in range(n):
        raw = data.get(f"q_{question.pk}_{index}", "")
        if raw not in ("", None):
            empty = False
        try:
            places.append((int(raw), index))
        except (TypeError, ValueError):
            places.append((0, index))
    if empty:
        return None
    if sorted(place for place, _index in places) != list(range(1, n + 1)):
        return [index for _place, index in places][: max(n - 1, 0)]  # not a permutation of the places
    return [index for _place, index in sorted(places)]


def answers_from_post(questions: list[Question], data: Any) -> dict[int, Any]:
    answers: dict[int, Any] = {}
    for question in questions:
        name = f"q_{question.pk}"
        if question.kind == QuestionKind.MULTIPLE:
            answers[question.pk] = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        elif question.kind == QuestionKind.RANKING:
            answers[question.pk] = _ranking_from_post(question, data)
        else:
            answers[question.pk] = data.get(name)
    return answers


def answer_sheet(
    questions: list[Question], data: Any = None, errors: ValidationError | None = None
) -> tuple[list[SheetItem], list[str]]:
    """The questions as the answer page shows them, with what was entered and each one's errors; and the
    errors not about one question."""
    by_key: dict[str, list[str]] = {}
    general: list[str] = []
    if errors is not None:
        if hasattr(errors, "error_dict"):
            for key, problems in errors.error_dict.items():
                for problem in problems:
                    by_key.setdefault(key, []).extend(problem.messages)
        else:
            general.extend(errors.messages)
    sheet: list[SheetItem] = []
    for question in questions:
        name = f"q_{question.pk}"
        item = SheetItem(question=question, name=name, errors=by_key.pop(name, []))
        options = list(question.options or [])
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            chosen = set(data.getlist(name)) if data is not None else set()
            item.choices = [Choice(i, label, str(i) in chosen) for i, label in enumerate(options)]
        elif question.kind == QuestionKind.SCALE:
            chosen = {data.get(name)} if data is not None else set()
            item.points = [
                Choice(p, str(p), str(p) in chosen) for p in range(question.scale_min, question.scale_max + 1)
            ]
        elif question.kind == QuestionKind.RANKING:
            item.places = range(1, len(options) + 1)
            item.choices = [
                Choice(i, label, place=str(data.get(f"{name}_{i}", "")) if data is not None else "")
                for i, label in enumerate(options)
            ]
        else:
            item.value = data.get(name, "") if data is not None else ""
        sheet.append(item)
    for rest in by_key.values():
        general.extend(rest)
    return sheet, general


# --- hearings -------------------------------------------------------------------------------------------------


class HearingForm(forms.ModelForm):
    online_url = forms.URLField(label=_("online link"), required=False, assume_scheme="https")

    class Meta:
        model = Hearing
        fields = [
            "municipality",
            "kind",
            "subject",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "proposals_until",
            "min_age",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "proposals_until": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "proposals_until": _("Empty: five days before the start."),
            "min_age": _("Public hearings: usually 18."),
        }

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["kind"].initial = HearingKind.HEARING
        self.fields["min_age"].required = False

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("min_age") is None:
            data.pop("min_age", None)
        if data.get("proposals_until") is None and not self.instance.pk:
            data.pop("proposals_until", None)
        return data


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("Accepted: %(types)s.") % {"types": ", ".join(e.upper() for e in DOCUMENT_EXTENSIONS)},
    )


class HeldForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes (Markdown)"), widget=forms.Textarea(attrs={"rows": 8}))
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 4}))
    attendance = forms.IntegerField(label=_("Participants who attended"), min_value=0)


class CancelForm(forms.Form):
    comment = forms.CharField(label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}))


class ProposalForm(forms.Form):
    text = forms.CharField(label=_("Your proposal"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}))


class ProposalAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer in the minutes"), widget=forms.Textarea(attrs={"rows": 2}))
