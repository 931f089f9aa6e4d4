"""Forms of the applicant's and the expert's pages: applying, the steps of an application (general, activities,
budget, attachments), the confirmations, conflicts of interest and the scoring sheet. Forms parse and check what
one row can tell by itself; the services decide the rest (their errors are put beside the fields)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from localbridge.organizations.models import Membership, Organization
from localbridge.territories.models import Municipality

from . import budget
from .models import Application, ContestScope, Criterion, Nomination, RequiredDocument
from .rules import ACTING_ROLES
from .services import application_eligibility_errors
from .services.scoring import criterion_field

SOURCE_LABELS = {
    "grant": _("grant"),
    "local_budget": _("local budget"),
    "residents": _("residents"),
    "sponsors": _("sponsors"),
    "volunteer_labour": _("volunteer labour"),
}


# --- applying -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplyingOrganization:
    organization: Organization
    errors: list[str]

    @property
    def eligible(self) -> bool:
        return not self.errors


def applying_organizations(user: Any, contest: Any) -> list[ApplyingOrganization]:
    """The organisations `user` acts for (active chair or staff), each with why it may not apply to `contest`
    (empty when it may). One query for the organisations, and the eligibility checks of each."""
    if not getattr(user, "is_authenticated", False):
        return []
    acting = Membership.objects.filter(user=user, is_active=True, role__in=ACTING_ROLES).values("organization_id")
    organizations = Organization.objects.filter(pk__in=acting).order_by("name", "pk")
    return [
        ApplyingOrganization(org, [str(m) for e in application_eligibility_errors(contest, org) for m in e.messages])
        for org in organizations
    ]


class ApplyForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Applicant organisation"), queryset=Organization.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Project title"), max_length=300)

    def __init__(self, *args: Any, organizations: Iterable[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organization"]
        field.queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations]).order_by("name", "pk")


# --- the steps of an application ---------------------------------------------------------------------------


class VersionedForm(forms.Form):
    """Every step carries the version of the application the user loaded (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def municipality_choices(application: Application) -> QuerySet[Municipality]:
    """Where the project may be carried out, as a choice list of a sensible length: the contest's municipalities,
    its region's, or (for national and international contests) the applicant's region's (or country's)."""
    contest = application.contest
    if contest.scope == ContestScope.MUNICIPAL:
        queryset = contest.municipalities.all()
    elif contest.scope == ContestScope.REGIONAL and contest.region_id:
        queryset = Municipality.objects.filter(region_id=contest.region_id)
    elif application.organization.region_id:
        queryset = Municipality.objects.filter(region_id=application.organization.region_id)
    else:
        queryset = Municipality.objects.filter(country_id=application.organization.country_id)
    if application.municipality_id:
        queryset = queryset | Municipality.objects.filter(pk=application.municipality_id)
    return queryset.distinct().order_by("name_ru", "pk")


class GeneralForm(VersionedForm):
    title = forms.CharField(label=_("Project title"), max_length=300)
    nomination = forms.ModelChoiceField(label=_("Nomination"), queryset=Nomination.objects.none(), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Where the project is carried out"),
        queryset=Municipality.objects.none(),
        required=False,
    )
    problem = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    goals = forms.CharField(label=_("Goals and tasks"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    expected_results = forms.CharField(
        label=_("Expected results"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    beneficiaries = forms.IntegerField(label=_("Beneficiaries expected"), min_value=0, required=False)
    volunteers = forms.IntegerField(label=_("Volunteers expected"), min_value=0, required=False)

    FIELDS = (
        "title",
        "nomination",
        "municipality",
        "problem",
        "goals",
        "expected_results",
        "beneficiaries",
        "volunteers",
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nomination: Any = self.fields["nomination"]
        nomination.queryset = application.contest.nominations.all()
        municipality: Any = self.fields["municipality"]
        municipality.queryset = municipality_choices(application)
        if not application.contest.nominations.exists():
            del self.fields["nomination"]

    @staticmethod
    def initial_for(application: Application) -> dict[str, Any]:
        return {
            "version": application.version,
            **{name: getattr(application, name) for name in GeneralForm.FIELDS},
        }

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS if name in self.cleaned_data}


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("Activity"), max_length=300, required=False)
    starts_on = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("starts_on") or data.get("ends_on")) and not data.get("name"):
            self.add_error("name", _("Say what will be done."))
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The activity ends before it starts."))
        return data


ActivityFormSet = forms.formset_factory(ActivityForm, extra=2, can_delete=True, max_num=100, validate_max=True)


def activity_initial(application: Application) -> list[dict[str, Any]]:
    return [{"name": a.name, "starts_on": a.starts_on, "ends_on": a.ends_on} for a in application.activities.all()]


def formset_rows(formset: Any, fields: Iterable[str]) -> list[tuple[int, dict[str, Any]]]:
    """The kept rows of a valid formset as (form index, values), skipping empty and deleted ones."""
    rows = []
    for index, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        values = {name: data.get(name) for name in fields}
        if all(value in (None, "") for value in values.values()):
            continue
        rows.append((index, values))
    return rows


class AmountField(forms.DecimalField):
    """A number as people write it ("1 234,50"), in a text input that budget.js reads (data-budget)."""

    def __init__(self, *, name: str, **kwargs: Any) -> None:
        attrs = {"inputmode": "decimal", "data-budget": name, "size": 10, "autocomplete": "off"}
        super().__init__(widget=forms.TextInput(attrs=attrs), required=False, min_value=Decimal(0), **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        number = budget.to_decimal(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(number)


def _money_field(name: str, label: Any) -> AmountField:
    return AmountField(name=name, label=label, max_digits=14, decimal_places=2)


class BudgetLineForm(forms.Form):
    """One line: quantity × unit cost is its total, which the sources of money must add up to. A line whose
    sources are all empty is kept as unfinished (the checklist says so); sources that are given must add up."""

    item = forms.CharField(label=_("Item"), max_length=300, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    quantity = AmountField(name="quantity", label=_("Quantity"), max_digits=12, decimal_places=3)
    unit_cost = _money_field("unit_cost", _("Unit cost"))
    grant = _money_field("grant", SOURCE_LABELS["grant"])
    local_budget = _money_field("local_budget", SOURCE_LABELS["local_budget"])
    residents = _money_field("residents", SOURCE_LABELS["residents"])
    sponsors = _money_field("sponsors", SOURCE_LABELS["sponsors"])
    volunteer_labour = _money_field("volunteer_labour", SOURCE_LABELS["volunteer_labour"])

    NUMBERS = ("quantity", "unit_cost", *budget.SOURCES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or data.get("DELETE"):
            return data
        numbers = [data.get(name) for name in self.NUMBERS]
        if not data.get("item") and all(value is None for value in numbers) and not data.get("unit"):
            return data  # an empty row: skipped
        if not data.get("item"):
            self.add_error("item", _("Say what the money is for."))
        if data.get("quantity") is None or data.get("unit_cost") is None:
            self.add_error(None, _("Give the quantity and the unit cost."))
            return data
        total = budget.line_total(data["quantity"], data["unit_cost"])
        if any(data.get(source) is not None for source in budget.SOURCES):
            split = sum((budget.money(data.get(source)) for source in budget.SOURCES), budget.ZERO)
            if split != total:
                self.add_error(
                    None,
                    ValidationError(
                        _("The sources of money add up to %(sum)s, not to the line total %(total)s."),
                        code="sources_mismatch",
                        params={"sum": split, "total": total},
                    ),
                )
        return data


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=2, can_delete=True, max_num=200, validate_max=True)
BUDGET_FIELDS = ("item", "unit", *BudgetLineForm.NUMBERS)


def budget_initial(lines: Iterable[Any]) -> list[dict[str, Any]]:
    return [{name: getattr(line, name) for name in BUDGET_FIELDS} for line in lines]


@dataclass
class LineView:
    """A budget line as the totals see it (budget.LineLike): the numbers of a form row or a saved line."""

    quantity: Any
    unit_cost: Any
    total: Decimal
    grant: Any
    local_budget: Any
    residents: Any
    sponsors: Any
    volunteer_labour: Any


def line_view(values: Mapping[str, Any]) -> LineView:
    return LineView(
        total=budget.line_total(values.get("quantity"), values.get("unit_cost")),
        **{name: values.get(name) for name in ("quantity", "unit_cost", *budget.SOURCES)},
    )


class AttachForm(forms.Form):
    file = forms.FileField(label=_("File"))
    requirement = forms.ModelChoiceField(
        label=_("Required document"),
        queryset=RequiredDocument.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["requirement"]
        field.queryset = RequiredDocument.objects.filter(contest_id=application.contest_id)


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Why (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


# --- the expert -----------------------------------------------------------------------------------------------


class ConflictForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    comment = forms.CharField(label=_("Comment (optional)"), max_length=600, required=False)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organization"]
        field.queryset = organizations


def comment_field(criterion_id: int) -> str:
    return f"comment_{criterion_id}"


class ScoreSheetForm(forms.Form):
    """One number and one comment per criterion. The numbers are checked by the service (scale, two decimals),
    whose errors come back keyed by criterion_field(id), the name of the number's field here."""

    def __init__(self, *args: Any, criteria: list[Criterion], scores: Mapping[int, Any], **kwargs: Any) -> None:
        initial = {}
        for criterion in criteria:
            score = scores.get(criterion.pk)
            if score is not None:
                initial[criterion_field(criterion.pk)] = score.value.normalize()
                initial[comment_field(criterion.pk)] = score.comment
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[criterion_field(criterion.pk)] = forms.CharField(
                label=criterion.name,
                required=False,
                widget=forms.NumberInput(
                    attrs={"min": criterion.scale_min, "max": criterion.scale_max, "step": "0.01"}
                ),
            )
            self.fields[comment_field(criterion.pk)] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self) -> list[tuple[Criterion, Any, Any]]:
        return [(c, self[criterion_field(c.pk)], self[comment_field(c.pk)]) for c in self.criteria]

    def values(self) -> dict[int, tuple[str, str]]:
        """{criterion id: (value, comment)} of the criteria given a number."""
        values = {}
        for criterion in self.criteria:
            value = (self.cleaned_data.get(criterion_field(criterion.pk)) or "").strip()
            if value:
                values[criterion.pk] = (value, self.cleaned_data.get(comment_field(criterion.pk)) or "")
        return values
