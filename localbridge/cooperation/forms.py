"""Web forms of cooperation: they parse input; the services decide and write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from localbridge.territories.models import Municipality

from . import finder, selectors
from .models import AgreementKind, AgreementStatus
from .services import PartyIn

PARTY_SEPARATORS = re.compile(r"[,;\n]+")
PARTY_OPTIONS = 10


def split_party_values(values: Any) -> tuple[list[int], list[str]]:
    """What the municipality picker sent (ticked ids, and what was typed: numbers and names separated by commas or
    semicolons) as (ids, names). Model instances and numbers pass as ids."""
    ids: list[int] = []
    names: list[str] = []
    for value in values or ():
        if isinstance(value, int) or hasattr(value, "pk"):
            ids.append(getattr(value, "pk", value))
            continue
        for part in PARTY_SEPARATORS.split(str(value)):
            part = part.strip()
            if re.fullmatch(r"[\d\s]+", part):
                ids += [int(n) for n in part.split()]
            elif part:
                names.append(part)
    return ids, names


def party_options_for(typed: str) -> list[Municipality]:
    """Municipalities to offer for what was typed in the picker: those numbered so, or those whose name contains
    the last name typed (the most populous first)."""
    ids, names = split_party_values([typed])
    if names:
        return selectors.municipality_search(query=names[-1], limit=PARTY_OPTIONS)
    return selectors.municipalities_by_ids(ids[:PARTY_OPTIONS])


class MunicipalityPicker(forms.Widget):
    """The parties' municipalities: the chosen ones as ticked boxes, and a box to add more by name or number. With
    htmx, matching municipalities appear as boxes to tick while one types (static/cooperation/party_picker.js moves
    a ticked one up to the chosen); without JavaScript, the typed names are resolved when the form is sent, and a
    name that fits several shows them as boxes to tick."""

    template_name = "cooperation/widgets/party_picker.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.options: list[Municipality] = []  # set by the field when a typed name needs choosing

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if isinstance(values, str):
            values = [values]
        return [v for v in values or () if v not in (None, "")]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # an empty picker means "no municipalities", as unticked checkboxes do

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        ids, names = split_party_values(value if isinstance(value, list | tuple) else [value] if value else [])
        context["widget"].update(
            chosen=selectors.municipalities_by_ids(list(dict.fromkeys(ids))),
            typed=", ".join(names),
            options=self.options,
            options_url=reverse("cooperation:party_options"),
        )
        return context


class MunicipalityPartiesField(forms.ModelMultipleChoiceField):
    """Municipalities chosen by id or by exact name (Russian or English, any letter case, ё as е): an unknown name or
    one several municipalities bear is an error beside the field, with the candidates offered to tick."""

    widget = MunicipalityPicker

    def clean(self, value: Any) -> Any:
        ids, names = split_party_values(value)
        errors: list[ValidationError] = []
        offered: list[Municipality] = []
        for name in names:
            exact = selectors.municipality_by_name(name=name, limit=PARTY_OPTIONS)
            if len(exact) == 1:
                ids.append(exact[0].pk)
            elif exact:
                offered += exact
                errors.append(
                    ValidationError(
                        _("Several municipalities are called “%(name)s”: tick the one you mean."),
                        code="ambiguous_municipality",
                        params={"name": name},
                    )
                )
            else:
                found = selectors.municipality_search(query=name, limit=PARTY_OPTIONS)
                offered += found
                message = (
                    _("No municipality is called exactly “%(name)s”: tick one of those below or write its full name.")
                    if found
                    else _("No municipality is called “%(name)s”.")
                )
                errors.append(ValidationError(message, code="unknown_municipality", params={"name": name}))
        if errors:
            assert isinstance(self.widget, MunicipalityPicker)
            self.widget.options = list({m.pk: m for m in offered}.values())
            raise ValidationError(errors)
        return super().clean([str(pk) for pk in dict.fromkeys(ids)])


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class AgreementFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    area = forms.ChoiceField(label=_("Area of cooperation"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        _set_choices(self, "kind", everything + list(AgreementKind.choices))
        _set_choices(self, "status", everything + list(AgreementStatus.choices))
        _set_choices(self, "country", everything + selectors.country_choices())
        _set_choices(self, "area", everything + [(a.code, a.name) for a in selectors.cooperation_areas()])

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    municipalities = MunicipalityPartiesField(
        label=_("Municipalities that are parties"),
        queryset=Municipality.objects.all(),
        required=False,
        help_text=_(
            "Type a name and tick the municipality among those found, or write names or numbers separated by "
            "commas (a municipality's number is on its network page)."
        ),
    )
    associations = forms.ModelMultipleChoiceField(
        label=_("Associations that are parties"),
        queryset=selectors.associations(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas of cooperation"),
        queryset=selectors.cooperation_areas(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    starts_on = forms.DateField(
        label=_("In force from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("In force until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for an open-ended agreement."),
    )

    def __init__(self, *args: Any, parties_editable: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not parties_editable:
            del self.fields["municipalities"]
            del self.fields["associations"]

    def parties(self) -> list[PartyIn] | None:
        if "municipalities" not in self.fields:
            return None
        return [PartyIn(municipality=m) for m in self.cleaned_data["municipalities"]] + [
            PartyIn(organization=o) for o in self.cleaned_data["associations"]
        ]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "kind", "description", "starts_on", "ends_on")}


# Which fields each lifecycle move asks for.
MOVE_FIELDS: dict[str, tuple[str, ...]] = {
    "submit": ("comment",),
    "return": ("comment",),
    "sign": ("signed_on", "signed_place", "comment"),
    "register": ("registration_number", "registration_authority", "registered_on", "comment"),
    "activate": ("comment",),
    "end": ("ended_on", "end_reason"),
}


class MoveForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    signed_on = forms.DateField(label=_("Signing date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    signed_place = forms.CharField(label=_("Place of signing"), max_length=200, required=False)
    registration_number = forms.CharField(label=_("Registration number"), max_length=100, required=False)
    registration_authority = forms.CharField(label=_("Registering authority"), max_length=300, required=False)
    registered_on = forms.DateField(
        label=_("Registration date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_reason = forms.CharField(label=_("Reason for ending"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wanted = MOVE_FIELDS.get(action, ())
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class DocumentForm(forms.Form):
    language = forms.CharField(label=_("Language"), max_length=8, help_text=_("For example ru or en."))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    file = forms.FileField(label=_("File"), required=False)


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900)
    text = forms.CharField(label=_("Activities"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


DISTANCE_BANDS = {"500": 500.0, "1500": 1500.0, "5000": 5000.0}
POPULATION_BANDS: dict[str, tuple[int | None, int | None]] = {
    "small": (None, 10_000),
    "medium": (10_000, 100_000),
    "large": (100_000, 1_000_000),
    "huge": (1_000_000, None),
}


class SuggestionFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    distance = forms.ChoiceField(
        label=_("Distance"),
        required=False,
        choices=[
            ("", _("any")),
            ("border", _("border neighbours only")),
            ("500", _("within 500 km")),
            ("1500", _("within 1,500 km")),
            ("5000", _("within 5,000 km")),
        ],
    )
    population = forms.ChoiceField(
        label=_("Population"),
        required=False,
        choices=[
            ("", _("any")),
            ("small", _("under 10,000")),
            ("medium", _("10,000 to 100,000")),
            ("large", _("100,000 to 1 million")),
            ("huge", _("over 1 million")),
        ],
    )
    area = forms.ChoiceField(label=_("Seeks the area"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("any"))]
        _set_choices(self, "country", everything + selectors.country_choices())
        _set_choices(self, "area", everything + [(a.code, a.name) for a in selectors.cooperation_areas()])

    def filters(self) -> finder.Filters:
        data = self.cleaned_data if self.is_valid() else {}
        distance = data.get("distance") or ""
        low, high = POPULATION_BANDS.get(data.get("population") or "", (None, None))
        return finder.Filters(
            country=data.get("country") or None,
            max_km=DISTANCE_BANDS.get(distance),
            min_population=low,
            max_population=high,
            area=data.get("area") or None,
            cross_border_only=distance == "border",
        )
