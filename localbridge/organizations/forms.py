"""Forms of the ТОС registration pages. They parse and check input; the services decide and write."""

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from localbridge.core.files import DOCUMENT_TYPES, validate_upload
from localbridge.territories.models import Municipality, Region, Settlement

from .models import BodyRole, FoundingForm, Organization, TosTerritoryKind
from .services import TOS_ORGANIZATION_FIELDS, TOS_PROFILE_FIELDS, validate_tos_boundary

_FIELD_SECTIONS: list[tuple[Any, list[str]]] = [
    (_("Where"), ["region", "municipality", "settlement"]),
    (_("The ТОС and its territory"), ["name", "territory_name", "territory_kind", "territory_description", "boundary"]),
    (
        _("The founding meeting or conference"),
        ["founding_date", "founding_form", "residents_count", "participants_count", "delegates_elected"],
    ),
    (_("Elected bodies"), ["chair", "council"]),
    (_("Contacts"), ["email", "phone", "address", "website"]),
    (_("Charter"), ["charter"]),
]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class TosRegistrationForm(forms.Form):
    """The whole ТОС registration, in sections. The municipality list follows the chosen region: with
    JavaScript, htmx swaps it in on change; without, the "Show municipalities" button reloads the form."""

    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("— choose the region —"),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        empty_label=_("— choose the municipality —"),
        error_messages={"required": _("Choose the municipality.")},
    )
    settlement = forms.ModelChoiceField(
        label=_("Locality (optional)"),
        queryset=Settlement.objects.none(),
        required=False,
        empty_label=_("— not specified —"),
    )
    name = forms.CharField(label=_("Name of the ТОС"), max_length=300, help_text=_("For example: ТОС «Северный»"))
    territory_name = forms.CharField(
        label=_("Territory"),
        max_length=300,
        help_text=_("For example: “ул. Ленина, дома 1–15” or “микрорайон Северный”"),
    )
    territory_kind = forms.ChoiceField(label=_("Territory type"), choices=TosTerritoryKind.choices)
    territory_description = forms.CharField(
        label=_("Boundaries of the territory"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Streets, buildings and landmarks that bound the territory"),
    )
    boundary = forms.CharField(
        label=_("Boundary as GeoJSON (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "geojson-input", "spellcheck": "false"}),
        help_text=_("A GeoJSON Polygon or MultiPolygon in longitude/latitude (WGS 84)"),
    )
    founding_date = forms.DateField(
        label=_("Date of the founding meeting"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    founding_form = forms.ChoiceField(
        label=_("Form of the founding assembly"),
        choices=FoundingForm.choices,
        initial=FoundingForm.MEETING,
        widget=forms.RadioSelect,
    )
    residents_count = forms.IntegerField(
        label=_("Residents aged 16 or more living on the territory"), required=False, min_value=1
    )
    participants_count = forms.IntegerField(
        label=_("Participants present (delegates present, for a conference)"), required=False, min_value=0
    )
    delegates_elected = forms.IntegerField(label=_("Delegates elected (conference only)"), required=False, min_value=0)
    chair = forms.CharField(label=_("Elected chair (full name)"), required=False, max_length=200)
    council = forms.CharField(
        label=_("Council members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One full name per line"),
    )
    email = forms.EmailField(label=_("Contact e-mail"), required=False)
    phone = forms.CharField(label=_("Contact phone"), required=False, max_length=40)
    address = forms.CharField(label=_("Postal address"), required=False, max_length=300)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    charter = forms.FileField(
        label=_("Charter adopted by the founding meeting"),
        required=False,
        help_text=_("PDF, DOC, DOCX or ODT"),
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization | None = None,
        htmx_url: str = "",
        **kwargs: Any,
    ) -> None:
        self.organization = organization
        if organization is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(organization)
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(country__code="RU").order_by("name_ru")  # type: ignore[attr-defined]
        region_id = _int(self._value("region"))
        municipality_id = _int(self._value("municipality"))
        if region_id is None and municipality_id is not None:
            region_id = Municipality.objects.filter(pk=municipality_id).values_list("region_id", flat=True).first()
            self.initial["region"] = region_id
        if region_id is not None:
            self.fields["municipality"].queryset = Municipality.objects.filter(region_id=region_id).order_by(  # type: ignore[attr-defined]
                "name_ru"
            )
        if municipality_id is not None:
            self.fields["settlement"].queryset = Settlement.objects.filter(municipality_id=municipality_id).order_by(  # type: ignore[attr-defined]
                "name_ru"
            )
        if htmx_url:
            common = {"hx-get": htmx_url, "hx-trigger": "change", "hx-include": "#id_region, #id_municipality"}
            self.fields["region"].widget.attrs.update(
                {**common, "hx-target": "#tos-place", "hx-swap": "outerHTML", "hx-vals": '{"partial": "place"}'}
            )
            self.fields["municipality"].widget.attrs.update(
                {
                    **common,
                    "hx-target": "#tos-settlement",
                    "hx-swap": "outerHTML",
                    "hx-vals": '{"partial": "settlement"}',
                }
            )
        if organization is not None and organization.tos.charter_id:
            self.fields["charter"].help_text = _(
                "PDF, DOC, DOCX or ODT. A charter is attached; upload a file only to replace it."
            )

    def _value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(name)
        value = self.initial.get(name)
        return getattr(value, "pk", value)

    @staticmethod
    def initial_for(organization: Organization) -> dict[str, Any]:
        profile = organization.tos
        bodies = list(organization.body_members.filter(role__in=[BodyRole.CHAIR, BodyRole.COUNCIL]))
        initial: dict[str, Any] = {
            "region": organization.region_id,
            "municipality": organization.municipality_id,
            "settlement": organization.settlement_id,
            "boundary": json.dumps(profile.boundary, ensure_ascii=False) if profile.boundary else "",
            "chair": next((b.full_name for b in bodies if b.role == BodyRole.CHAIR), ""),
            "council": "\n".join(b.full_name for b in bodies if b.role == BodyRole.COUNCIL),
        }
        for field in ("name", "email", "phone", "address", "website"):
            initial[field] = getattr(organization, field)
        for field in TOS_PROFILE_FIELDS:
            if field != "boundary":
                initial[field] = getattr(profile, field)
        return initial

    def clean_boundary(self) -> dict[str, Any] | None:
        raw = (self.cleaned_data.get("boundary") or "").strip()
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            raise ValidationError(_("This is not valid JSON."), code="invalid_json")
        return validate_tos_boundary(value)

    def clean_council(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("council") or "").splitlines() if line.strip()]

    def clean_charter(self) -> Any:
        upload = self.cleaned_data.get("charter")
        if upload:
            validate_upload(upload, DOCUMENT_TYPES)
        return upload

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in _FIELD_SECTIONS]

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the keyword arguments of tos_create_draft / tos_update."""
        data = self.cleaned_data
        kwargs = {f: data[f] for f in (*TOS_ORGANIZATION_FIELDS, *TOS_PROFILE_FIELDS) if f in data}
        kwargs["founding_form"] = kwargs.get("founding_form") or FoundingForm.MEETING
        kwargs["chair"] = data.get("chair", "")
        kwargs["council"] = data.get("council", [])
        if data.get("charter"):
            kwargs["charter"] = data["charter"]
        return kwargs

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service's errors beside the fields they are about (the rest above the form)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class TosCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TosLegalEntityForm(forms.Form):
    ogrn = forms.CharField(
        label=_("OGRN"), max_length=20, help_text=_("13 digits, as in the state registration certificate")
    )
    registered_on = forms.DateField(
        label=_("Date of state registration"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)
