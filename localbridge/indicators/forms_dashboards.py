"""The selection forms of the dashboards (GET): which indicator, which year, which region. They work without
JavaScript (a submit button); the dashboards' scripts redraw on change instead of reloading."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .computed import first_year
from .models import MIN_YEAR, Group, IndicatorDefinition
from .selectors_dashboards import this_year


def indicator_choices(definitions: list[IndicatorDefinition]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The definitions grouped as the catalogue groups them (one <optgroup> a group)."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for definition in definitions:
        grouped.setdefault(definition.group, []).append((definition.code, definition.name))
    return [(str(label).capitalize(), grouped[code]) for code, label in Group.choices if code in grouped]


class SelectionForm(forms.Form):
    """indicator (a code; an unknown one is a 404 before the form is read), year, and on the map a region."""

    indicator = forms.ChoiceField(label=_("Indicator"), required=False)
    year = forms.CharField(label=_("Year"), required=False, widget=forms.Select)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(
        self, *args: Any, definitions: list[IndicatorDefinition], regions: list[Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicator_choices(definitions)  # type: ignore[attr-defined]
        self.show_years(None)
        if regions is None:
            del self.fields["region"]
        else:
            self.fields["region"].choices = [("", _("The whole country"))] + [  # type: ignore[attr-defined]
                (region.code, region.name) for region in regions
            ]

    def show_years(self, year: int | None) -> None:
        """The year select: this year back to the first year computed (and `year`, if earlier)."""
        if "year" not in self.fields:
            return
        years = range(this_year(), min(first_year(), year or this_year()) - 1, -1)
        self.fields["year"].widget.choices = [(str(y), str(y)) for y in years]  # type: ignore[attr-defined]

    def show(self, **selected: Any) -> None:
        """Render the selects with what the page shows (a defaulted year instead of a refused one), keeping the
        errors found."""
        self.errors  # noqa: B018  (validate first, so that the errors are those of the request)
        self.show_years(selected.get("year"))
        data = self.data.copy() if hasattr(self.data, "copy") else dict(self.data)
        for name, value in selected.items():
            if name in self.fields:
                data[name] = "" if value is None else str(value)
        self.data = data
        self.is_bound = True

    def selected_year(self) -> int | None:
        """The year asked for, if it is a valid one."""
        return None if "year" in self.errors else self.cleaned_data.get("year")

    def clean_year(self) -> int | None:
        raw = (self.cleaned_data.get("year") or "").strip()
        if not raw:
            return None
        if not raw.isdigit() or not MIN_YEAR <= int(raw) <= this_year():
            raise forms.ValidationError(
                _("Choose a year from %(first)s to %(last)s.") % {"first": MIN_YEAR, "last": this_year()},
                code="bad_year",
            )
        return int(raw)
