"""Web forms of associations' members: they parse input; services_associations decides and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from localbridge.territories.models import Municipality

from .selectors_associations import ASSOCIATION_KINDS, association_choices


class AssociationFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("all")), *[(k.value, k.label) for k in ASSOCIATION_KINDS]],
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("all")), *countries]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class MemberForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality (its number)"),
        queryset=Municipality.objects.all(),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        required=False,
        help_text=_("A municipality's number is on its network page."),
    )
    organization = forms.ModelChoiceField(label=_("or an association"), queryset=association_choices(), required=False)
    joined_on = forms.DateField(label=_("Member since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, association: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if association is not None:
            field = self.fields["organization"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = association_choices().exclude(pk=association.pk)
