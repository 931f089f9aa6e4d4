"""Forms of the ratings pages: "build your own rating" (read from the query string, nothing is saved) and the
operators' "save as a rating of the platform"."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from localbridge.territories.models import Country, Region

from .importing import parse_number
from .models import (
    MIN_YEAR,
    Group,
    IndicatorDefinition,
    MissingRule,
    Normalisation,
    RatingMethod,
    RatingScope,
    RatingWeight,
)
from .services_ratings import weight_error

WEIGHT_PREFIX = "w_"


class RatingCustomForm(forms.Form):
    """A rating built by anyone: a region or a country, a year, indicators with weights, a normalisation and a
    rule for missing values. One weight field per active indicator (`w_<code>`); a blank weight leaves the
    indicator out. Errors are translated and stand beside their fields."""

    territory = forms.CharField(label=_("Region or country"), widget=forms.Select, max_length=10)
    year = forms.IntegerField(label=_("Year"))
    normalisation = forms.ChoiceField(
        label=_("Normalisation"),
        choices=Normalisation.choices,
        initial=Normalisation.MINMAX,
        widget=forms.RadioSelect,
        required=False,  # left out of an address: the default
    )
    missing_rule = forms.ChoiceField(
        label=_("Missing values"),
        choices=MissingRule.choices,
        initial=MissingRule.EXCLUDE_OVER_HALF,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        definitions: list[IndicatorDefinition],
        countries: list[Country],
        regions: list[Region],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definitions = definitions
        self.countries = {c.code: c for c in countries}
        self.regions = {r.code: r for r in regions}
        territory = self.fields["territory"]
        territory.widget.choices = [  # type: ignore[attr-defined]
            ("", _("— choose —")),
            (_("Countries: all their municipalities"), [(c.code, c.name) for c in countries]),
            (_("Regions"), [(r.code, r.name) for r in regions]),
        ]
        this_year = timezone.localdate().year
        self.fields["year"].initial = this_year - 1
        self.fields["year"].widget.attrs.update({"min": MIN_YEAR, "max": this_year})
        for definition in definitions:
            self.fields[WEIGHT_PREFIX + definition.code] = forms.CharField(
                label=definition.name,
                required=False,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "class": "weight"}),
            )

    @property
    def weight_groups(self) -> list[tuple[str, list[tuple[IndicatorDefinition, forms.BoundField]]]]:
        """The weight fields by the catalogue's groups, for the template."""
        grouped: dict[str, list[tuple[IndicatorDefinition, forms.BoundField]]] = defaultdict(list)
        for definition in self.definitions:
            grouped[definition.group].append((definition, self[WEIGHT_PREFIX + definition.code]))
        return [(str(label), grouped[code]) for code, label in Group.choices if grouped.get(code)]

    def clean_territory(self) -> Region | Country:
        code = (self.cleaned_data.get("territory") or "").strip().upper()
        if "-" in code:
            region = self.regions.get(code)
            if region is None:
                raise forms.ValidationError(
                    _("No region has the code %(code)s."), code="unknown_region", params={"code": code}
                )
            return region
        country = self.countries.get(code)
        if country is None:
            raise forms.ValidationError(
                _("No country has the code %(code)s."), code="unknown_country", params={"code": code}
            )
        return country

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        last = timezone.localdate().year
        if not MIN_YEAR <= year <= last:
            raise forms.ValidationError(
                _("Enter a year from %(first)s to %(last)s."),
                code="bad_year",
                params={"first": MIN_YEAR, "last": last},
            )
        return year

    def clean_normalisation(self) -> str:
        return self.cleaned_data.get("normalisation") or Normalisation.MINMAX

    def clean_missing_rule(self) -> str:
        return self.cleaned_data.get("missing_rule") or MissingRule.EXCLUDE_OVER_HALF

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        weights: list[tuple[IndicatorDefinition, Decimal]] = []
        bad = False
        for definition in self.definitions:
            name = WEIGHT_PREFIX + definition.code
            text = (cleaned.get(name) or "").strip()
            if not text:
                continue
            weight = parse_number(text)
            problem = weight_error(weight)
            if problem is not None:
                self.add_error(name, forms.ValidationError(problem[0], code=problem[1]))
                bad = True
                continue
            assert weight is not None
            weights.append((definition, weight))
        if not weights and not bad:
            raise forms.ValidationError(_("Choose at least one indicator and give it a weight."), code="no_indicators")
        cleaned["weights"] = weights
        return cleaned

    def unsaved_method(self) -> tuple[RatingMethod, list[RatingWeight]]:
        """The rating the form describes, not saved: a method and its weights (with their definitions)."""
        data = self.cleaned_data
        territory = data["territory"]
        is_region = isinstance(territory, Region)
        method = RatingMethod(
            code="custom",
            name_ru="",
            year=data["year"],
            scope=RatingScope.REGION if is_region else RatingScope.COUNTRY,
            region=territory if is_region else None,
            country=None if is_region else territory,
            normalisation=data["normalisation"],
            missing_rule=data["missing_rule"],
        )
        weights = [
            RatingWeight(definition=definition, weight=weight, position=position)
            for position, (definition, weight) in enumerate(data["weights"], start=1)
        ]
        return method, weights


def initial_from_method(method: RatingMethod, weights: list[RatingWeight]) -> dict[str, Any]:
    """The custom form's starting values taken from a saved rating ("adjust this rating")."""
    territory = method.region.code if method.region is not None else method.country.code if method.country else ""
    initial: dict[str, Any] = {
        "territory": territory,
        "year": method.year,
        "normalisation": method.normalisation,
        "missing_rule": method.missing_rule,
    }
    for weight in weights:
        initial[WEIGHT_PREFIX + weight.definition.code] = format(weight.weight.normalize(), "f")
    return initial


class RatingSaveForm(forms.Form):
    """What an operator adds to save the rating built on the page; the service checks it."""

    code = forms.CharField(
        label=_("Code (in the address)"),
        max_length=64,
        required=False,
        help_text=_("Latin letters, digits and hyphens, e.g. amur-2024."),
    )
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=255, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)
    description_ru = forms.CharField(
        label=_("Description (Russian)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_published = forms.BooleanField(label=_("Publish now"), required=False)
