"""Forms of residence pages: a claim, a code, a decision, and the generation of codes. Forms parse; the services
validate the rules and their errors are put beside the fields (add_service_errors)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from localbridge.organizations.models import Organization, OrganizationKind
from localbridge.territories.models import Municipality, Settlement

from .services.residency import CODES_PER_CALL


class _TerritoryForm(forms.Form):
    settlement = forms.ModelChoiceField(
        label=_("Settlement"),
        queryset=Settlement.objects.none(),
        required=False,
        empty_label=_("— the whole municipality —"),
    )
    tos = forms.ModelChoiceField(
        label=_("ТОС territory"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("If you live on the territory of a ТОС, its chair may confirm your residence."),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        help_text=_("Seen only by those who confirm residence."),
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["settlement"].queryset = Settlement.objects.filter(municipality=municipality).order_by("name_ru", "pk")
        fields["tos"].queryset = Organization.objects.filter(
            municipality=municipality, kind=OrganizationKind.TOS
        ).order_by("name", "pk")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"settlement": data.get("settlement"), "tos": data.get("tos"), "address": data.get("address", "")}


class ClaimForm(_TerritoryForm):
    pass


class CodeForm(_TerritoryForm):
    code = forms.CharField(
        label=_("Code from the municipality"),
        max_length=40,
        help_text=_("Ten letters and digits, as printed; dashes and spaces do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )
    field_order = ["code", "settlement", "tos", "address"]


class DecideForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting: the resident sees it."),
    )


class MunicipalitySearchForm(forms.Form):
    q = forms.CharField(label=_("Find your municipality"), max_length=100, required=False)


OUTPUTS = (("print", _("a sheet to print, with cut lines")), ("csv", _("a CSV file")))


class CodesGenerateForm(forms.Form):
    batch = forms.CharField(
        label=_("Batch name"),
        max_length=64,
        help_text=_("For example, the street or the day the codes are handed out."),
    )
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=CODES_PER_CALL, initial=100)
    output = forms.ChoiceField(
        label=_("Get the codes as"),
        choices=OUTPUTS,
        initial="print",
        widget=forms.RadioSelect,
        help_text=_("The codes are shown only once, right now; they cannot be shown again later."),
    )
