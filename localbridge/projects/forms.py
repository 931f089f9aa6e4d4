"""The projects module's web forms. They parse; the services validate and decide (their errors are put beside
the fields by core.forms.add_service_errors), so a rule is written once for the web and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from localbridge.organizations.models import Organization
from localbridge.participation.models import Hearing, Survey
from localbridge.territories.models import Municipality

from .models import BudgetLine, DocumentKind, FundingSource, PhotoPhase, StageKind, Verdict
from .selectors import FilterOptions
from .services import PROJECT_FIELDS, STAGE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})


class _Prefixed(forms.Form):
    """A form whose fields' ids start with its own word (several forms share one page); names stay as they are."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class ProjectFilterForm(forms.Form):
    """The list's and the map's filters; unknown values are simply not applied."""

    municipality = forms.TypedChoiceField(label=_("Municipality"), required=False, coerce=int, empty_value=None)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    source = forms.ChoiceField(label=_("Source of money"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    origin = forms.ChoiceField(label=_("Origin"), required=False)

    def __init__(self, data: Any, *, options: FilterOptions) -> None:
        super().__init__(data)
        everything = ("", _("all"))
        municipality: Any = self.fields["municipality"]
        municipality.choices = [everything] + [(m.pk, m.name) for m in options.municipalities]
        stage: Any = self.fields["stage"]
        stage.choices = [everything, ("active", _("under way"))] + options.stages
        source: Any = self.fields["source"]
        source.choices = [everything] + options.sources
        year: Any = self.fields["year"]
        year.choices = [everything] + [(y, str(y)) for y in options.years]
        origin: Any = self.fields["origin"]
        origin.choices = [everything] + options.origins

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return dict.fromkeys(self.fields)
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {key: cleaned.get(key) or None for key in self.fields}


class ProjectForm(forms.Form):
    """A project's own fields (PROJECT_FIELDS of the services); on creation also the owner and the funder."""

    owner = forms.ModelChoiceField(label=_("Carried out by"), queryset=Organization.objects.none())
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Leave empty for the owner's municipality."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Short description"), max_length=600, required=False)
    description = forms.CharField(label=_("Description (Markdown)"), widget=TEXT, required=False)
    object_description = forms.CharField(label=_("The object: what is built or done"), widget=TEXT, required=False)
    beneficiaries = forms.CharField(label=_("Beneficiaries"), widget=TEXT, required=False)
    beneficiaries_count = forms.IntegerField(label=_("Number of beneficiaries"), min_value=0, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False)

    def __init__(self, data: Any = None, *, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        if owners is None:  # editing: the owner and the place's municipality do not change
            del self.fields["owner"]
            del self.fields["municipality"]
        else:
            owner: Any = self.fields["owner"]
            owner.queryset = owners
            municipality: Any = self.fields["municipality"]
            municipality.queryset = Municipality.objects.filter(
                pk__in=owners.exclude(municipality=None).values("municipality_id")
            ).order_by("name_ru")

    def project_fields(self) -> dict[str, Any]:
        return {key: self.cleaned_data.get(key) for key in PROJECT_FIELDS if key in self.fields}

    @staticmethod
    def initial_for(project: Any) -> dict[str, Any]:
        return {key: getattr(project, key) for key in PROJECT_FIELDS if key != "settlement"}


class CommentForm(_Prefixed):
    id_prefix = "advance"
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CancelForm(_Prefixed):
    id_prefix = "cancel"
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneForm(_Prefixed):
    id_prefix = "milestone"
    title = forms.CharField(label=_("Title"), max_length=300)
    planned_date = forms.DateField(label=_("Planned date"), widget=DATE)
    actual_date = forms.DateField(label=_("Actual date"), widget=DATE, required=False)
    percent_done = forms.IntegerField(label=_("Per cent done"), min_value=0, max_value=100, initial=0)
    contractor = forms.CharField(label=_("Contractor"), max_length=300, required=False)


class BudgetLineForm(_Prefixed):
    id_prefix = "line"
    source = forms.ChoiceField(label=_("Source of money"), choices=FundingSource.choices)
    title = forms.CharField(label=_("Item"), max_length=300)
    planned = forms.DecimalField(label=_("Planned amount"), max_digits=14, decimal_places=2)


class ExpenseForm(_Prefixed):
    id_prefix = "expense"
    line = forms.ModelChoiceField(label=_("Line of the plan"), queryset=BudgetLine.objects.none())
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    spent_on = forms.DateField(label=_("Spent on"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=600, required=False)
    document = forms.FileField(label=_("Invoice or act (PDF or image)"), required=False)

    def __init__(self, data: Any = None, files: Any = None, *, project: Any, **kwargs: Any) -> None:
        super().__init__(data, files, **kwargs)
        line: Any = self.fields["line"]
        line.queryset = BudgetLine.objects.filter(project=project).order_by("position", "pk")
        line.label_from_instance = lambda obj: f"{obj.title} ({obj.get_source_display()})"
        self.fields["currency"].initial = project.currency


REASON_HELP = _("It stays in the project's public record and its timeline.")


class ExpenseEditForm(ExpenseForm):
    """A correction of recorded spending: its fields as recorded, a new document replaces the old one, and the
    reason (required: it goes to the public record)."""

    document = forms.FileField(label=_("A new invoice or act (PDF or image), to replace the old one"), required=False)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=600, help_text=REASON_HELP)

    @staticmethod
    def initial_for(expense: Any) -> dict[str, Any]:
        return {
            "line": expense.line_id,
            "amount": expense.amount,
            "currency": expense.currency,
            "spent_on": expense.spent_on,
            "description": expense.description,
        }


class ExpenseRemoveForm(_Prefixed):
    id_prefix = "remove"
    reason = forms.CharField(
        label=_("Reason for removal"), max_length=600, widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP
    )


class ReportForm(_Prefixed):
    id_prefix = "report"
    text = forms.CharField(label=_("Text (Markdown)"), widget=TEXT, required=False)
    volunteer_hours = forms.IntegerField(label=_("Volunteer hours"), min_value=0, initial=0)
    people_reached = forms.IntegerField(label=_("People reached"), min_value=0, initial=0)


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo (JPG, PNG or WEBP)"))
    phase = forms.ChoiceField(label=_("When"), choices=PhotoPhase.choices, initial=PhotoPhase.DURING)
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)


class ReturnForm(forms.Form):
    remarks = forms.CharField(label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 3}))


class InspectionForm(_Prefixed):
    id_prefix = "inspection"
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("What you saw"), widget=TEXT)
    photo = forms.FileField(label=_("Photo (JPG, PNG or WEBP)"), required=False)
    caption = forms.CharField(label=_("Caption of the photo"), max_length=300, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class RatingForm(_Prefixed):
    id_prefix = "rating"
    score = forms.TypedChoiceField(
        label=_("Score"), choices=[(n, str(n)) for n in range(5, 0, -1)], coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class StageForm(forms.Form):
    """A stage's dates and participants; residents' input (a survey or a meeting of the municipality) at the choice
    of the object, the option chosen at design."""

    planned_start = forms.DateField(label=_("Planned start"), widget=DATE, required=False)
    planned_end = forms.DateField(label=_("Planned end"), widget=DATE, required=False)
    actual_start = forms.DateField(label=_("Actual start"), widget=DATE, required=False)
    actual_end = forms.DateField(label=_("Actual end"), widget=DATE, required=False)
    participants = forms.CharField(label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    notes = forms.CharField(label=_("Notes (Markdown)"), widget=TEXT, required=False)
    survey = forms.ModelChoiceField(label=_("Survey of the residents"), queryset=Survey.objects.none(), required=False)
    hearing = forms.ModelChoiceField(label=_("Hearing or meeting"), queryset=Hearing.objects.none(), required=False)
    chosen_option = forms.CharField(
        label=_("The option chosen"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, data: Any = None, *, stage: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        municipality_id = stage.project.municipality_id
        if stage.kind == StageKind.OBJECT_CHOICE:
            survey: Any = self.fields["survey"]
            survey.queryset = Survey.objects.filter(municipality_id=municipality_id).order_by("-pk")
            hearing: Any = self.fields["hearing"]
            hearing.queryset = Hearing.objects.filter(municipality_id=municipality_id).order_by("-pk")
        else:
            del self.fields["survey"]
            del self.fields["hearing"]
        if stage.kind != StageKind.DESIGN:
            del self.fields["chosen_option"]

    @staticmethod
    def initial_for(stage: Any) -> dict[str, Any]:
        return {key: getattr(stage, key) for key in STAGE_FIELDS}


class DocumentForm(_Prefixed):
    id_prefix = "document"
    file = forms.FileField(label=_("File (PDF, office document or image)"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices, initial=DocumentKind.OTHER)
