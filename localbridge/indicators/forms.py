"""Forms of the indicators pages: a municipality's entered value, an operator's import file, a recomputation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .importing import parse_number
from .models import MIN_YEAR, IndicatorDefinition, Source


class ValueEntryForm(forms.Form):
    """Only parses; the service (services.value_enter) decides what is allowed and says why not."""

    definition = forms.ModelChoiceField(
        label=_("Indicator"), queryset=IndicatorDefinition.objects.none(), empty_label=_("— choose —")
    )
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR)
    value = forms.CharField(
        label=_("Value"), max_length=40, help_text=_("A number; a comma or a point before the decimals.")
    )
    source_note = forms.CharField(
        label=_("Source of the figure"),
        max_length=500,
        required=False,  # the service requires it, with the other errors at once
        help_text=_("For example: the report on the budget's execution for the year, decision No. …"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["definition"].queryset = IndicatorDefinition.objects.filter(  # type: ignore[attr-defined]
            source=Source.ENTERED, is_active=True
        ).order_by("position", "code")
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["year"].widget.attrs["max"] = timezone.localdate().year

    def clean_value(self) -> Decimal | None:
        # Left to the service when it is not a number, so that the message is the one the API gives too.
        return parse_number(self.cleaned_data["value"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("Columns: code, municipality (id or exact name) or oktmo, region, year, value, source_note."),
    )
    is_generated = forms.BooleanField(
        label=_("The values are invented for a demonstration (they will be marked as generated)"), required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."), code="too_large")
        return upload


class RecomputeForm(forms.Form):
    year = forms.IntegerField(label=_("Only the year"), min_value=MIN_YEAR, required=False)
