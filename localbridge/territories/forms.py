from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FederalDistrict, MunicipalityKind


class RegionFilterForm(forms.Form):
    federal_district = forms.ChoiceField(
        label=_("Federal district"),
        required=False,
        choices=[("", _("All federal districts")), *FederalDistrict.choices],
    )


class MunicipalityFilterForm(forms.Form):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *MunicipalityKind.choices])


def cleaned_filters(form: forms.Form) -> dict[str, str]:
    """The filters of a bound form that are valid; an invalid one is dropped (and shown beside its field)."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return {name: value for name, value in data.items() if value}
