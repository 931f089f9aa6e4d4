"""Forms of the organiser's pages of a contest: the call itself (create and edit, with the version for optimistic
locking), its criteria, nominations and required documents (formsets), a stage move, the technical review, and
the experts and assignments. Forms parse; the services decide (their errors are put beside the fields with
add_service_errors)."""

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from localbridge.organizations.models import Membership, Organization, OrganizationKind
from localbridge.territories.models import Country, Municipality, Region

from .criteria import template_choices
from .models import (
    AwardRule,
    Contest,
    ContestScope,
    ContestStatus,
    Expert,
    ExpertStatus,
    RejectionReason,
    TieBreak,
)
from .rules import ACTING_ROLES, ORGANIZER_KINDS, signed_in
from .services import CONTEST_FIELDS
from .services.contests import ANNOUNCED_EDITABLE  # what can still change once the contest is announced

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The time zones of Russia, west to east, listed before all the others.
RUSSIAN_TIME_ZONES = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
)
RELATION_FIELDS = ("municipalities", "countries")


def time_zone_choices() -> list[tuple[Any, Any]]:
    others = sorted(available_timezones() - set(RUSSIAN_TIME_ZONES))
    return [
        (_("Russia"), [(zone, zone) for zone in RUSSIAN_TIME_ZONES]),
        (_("Other time zones"), [(zone, zone) for zone in others]),
    ]


def organizer_choices(user: Any) -> QuerySet[Organization]:
    """The organisations `user` may announce a contest for: platform staff any organiser-kind organisation, others
    those where they are active chair or staff (rules: contests.organize_for)."""
    organizations = Organization.objects.filter(kind__in=ORGANIZER_KINDS).order_by("name")
    if signed_in(user) and (user.is_staff or user.is_superuser):
        return organizations
    acting = Membership.objects.filter(
        user=user if signed_in(user) else None, is_active=True, role__in=ACTING_ROLES
    ).values("organization_id")
    return organizations.filter(pk__in=acting)


class OrganizerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class ContestForm(forms.Form):
    """All the fields of the call (services.CONTEST_FIELDS with municipalities and countries). Creating, the
    organiser is chosen among the user's organisations; editing, the hidden `version` guards against overwriting
    someone else's save, and once the contest is announced only ANNOUNCED_EDITABLE fields stay open."""

    organizer = OrganizerChoiceField(label=_("Organiser"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Short description"), max_length=600, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rules = forms.CharField(
        label=_("Rules"), required=False, widget=forms.Textarea(attrs={"rows": 10}), help_text=_("Markdown")
    )
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Organisation kinds that may apply"),
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any organisation may apply."),
    )
    scope = forms.ChoiceField(label=_("Territory"), choices=ContestScope.choices)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False, empty_label=_("— choose the country —")
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label=_("— choose the region —")
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("The region's municipalities are listed once the region is chosen and the form saved."),
    )
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("For an international contest."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="Europe/Moscow")
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="RUB", help_text=_("ISO code, e.g. RUB"))
    applications_open = forms.DateField(label=_("Applications open"), required=False, widget=DATE_INPUT)
    applications_close = forms.DateField(
        label=_("Applications close"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Applications are accepted until the end of this day in the contest's time zone."),
    )
    review_until = forms.DateField(label=_("Technical review until"), required=False, widget=DATE_INPUT)
    evaluation_until = forms.DateField(label=_("Expert evaluation until"), required=False, widget=DATE_INPUT)
    results_on = forms.DateField(label=_("Results announced on"), required=False, widget=DATE_INPUT)
    prize_pool = forms.DecimalField(label=_("Prize pool"), max_digits=14, decimal_places=2, min_value=0)
    max_grant = forms.DecimalField(
        label=_("Maximum grant per application"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    min_cofinancing_percent = forms.DecimalField(
        label=_("Minimum co-financing, per cent of the project cost"), max_digits=5, decimal_places=2, min_value=0
    )
    experts_per_application = forms.IntegerField(label=_("Experts per application"), min_value=1, max_value=15)
    disagreement_threshold = forms.DecimalField(
        label=_("Disagreement flag: spread of experts' scores above (points of 100)"), max_digits=5, decimal_places=2
    )
    min_pass_score = forms.DecimalField(label=_("Minimum score for an award (of 100)"), max_digits=5, decimal_places=2)
    award_rule = forms.ChoiceField(label=_("Award rule"), choices=AwardRule.choices)
    tie_break = forms.ChoiceField(label=_("Tie-break"), choices=TieBreak.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SECTIONS = (
        (_("The call"), ("organizer", "title", "summary", "rules")),
        (_("Who may apply"), ("eligible_kinds", "scope", "country", "region", "municipalities", "countries")),
        (
            _("Stages"),
            ("time_zone", "applications_open", "applications_close", "review_until", "evaluation_until", "results_on"),
        ),
        (_("Money"), ("currency", "prize_pool", "max_grant", "min_cofinancing_percent")),
        (
            _("Evaluation and awards"),
            ("experts_per_application", "disagreement_threshold", "min_pass_score", "award_rule", "tie_break"),
        ),
    )

    def __init__(self, *args: Any, user: Any, contest: Contest | None = None, **kwargs: Any) -> None:
        self.user = user
        self.contest = contest
        if "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(contest or Contest())
        super().__init__(*args, **kwargs)
        if contest is None:
            self.fields["organizer"].queryset = organizer_choices(user)  # type: ignore[attr-defined]
            del self.fields["version"]
        else:
            del self.fields["organizer"]
        self.fields["country"].queryset = Country.objects.order_by("name_ru")  # type: ignore[attr-defined]
        self.fields["countries"].queryset = Country.objects.order_by("name_ru")  # type: ignore[attr-defined]
        self.fields["region"].queryset = Region.objects.order_by("country__code", "name_ru")  # type: ignore[attr-defined]
        region_id = str(self._value("region") or "")
        if region_id.isdigit():
            self.fields["municipalities"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
                region_id=int(region_id)
            ).order_by("name_ru")
        if contest is not None and contest.status != ContestStatus.DRAFT:
            for name, field in self.fields.items():
                if name not in (*ANNOUNCED_EDITABLE, "version"):
                    field.disabled = True

    def _value(self, name: str) -> Any:
        field = self.fields.get(name)
        if self.is_bound and field is not None and not field.disabled:
            return self.data.get(name)
        value = self.initial.get(name)
        return getattr(value, "pk", value)

    @staticmethod
    def initial_for(contest: Contest) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(contest, name) for name in CONTEST_FIELDS}
        initial["region"] = contest.region_id
        initial["country"] = contest.country_id
        if contest.pk is not None:
            initial["municipalities"] = [m.pk for m in contest.municipalities.all()]
            initial["countries"] = [c.pk for c in contest.countries.all()]
            initial["version"] = contest.version
        return initial

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in self.SECTIONS]

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as contest_create's / contest_update's keyword arguments: only the fields that may
        change now (a disabled field is left out)."""
        data = self.cleaned_data
        names = [*CONTEST_FIELDS, *RELATION_FIELDS]
        kwargs = {name: data.get(name) for name in names if name in self.fields and not self.fields[name].disabled}
        for name in RELATION_FIELDS:
            if name in kwargs:
                kwargs[name] = list(kwargs[name] or [])
        if "summary" in kwargs:
            kwargs["summary"] = kwargs["summary"] or ""
        if "rules" in kwargs:
            kwargs["rules"] = kwargs["rules"] or ""
        return kwargs


# --- criteria, nominations and documents -----------------------------------------------------------------------


class _RowForm(forms.Form):
    """A row of a formset; a row left empty is skipped, a row ticked "Delete" removed."""

    KEY_FIELDS: tuple[str, ...] = ("name", "description")

    def filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data) and not data.get("DELETE") and any(data.get(name) for name in self.KEY_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(data.get(name) for name in self.KEY_FIELDS) and not data.get("DELETE") and not data.get("name"):
            self.add_error("name", _("Give its name."))
        return data


class CriterionForm(_RowForm):
    name = forms.CharField(label=_("Criterion"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scale_min = forms.IntegerField(label=_("Lowest score"), min_value=0, max_value=1000, required=False)
    scale_max = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=1000, required=False)
    weight = forms.DecimalField(label=_("Weight"), max_digits=6, decimal_places=3, min_value=0, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("The highest score must be above the lowest."))
        if data.get("weight") is not None and data["weight"] <= 0 and self.filled():
            self.add_error("weight", _("The weight must be a positive number."))
        return data

    def item(self) -> dict[str, Any]:
        data = self.cleaned_data
        item = {"name": data["name"], "description": data.get("description") or ""}
        for name, default in (("scale_min", 0), ("scale_max", 10), ("weight", 1)):
            item[name] = data.get(name) if data.get(name) is not None else default
        return item


class NominationForm(_RowForm):
    name = forms.CharField(label=_("Nomination"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    pool = forms.DecimalField(
        label=_("Pool of the nomination"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Empty: the nomination shares the common pool."),
    )

    def item(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "description": data.get("description") or "", "pool": data.get("pool")}


class RequiredDocumentForm(_RowForm):
    name = forms.CharField(label=_("Document"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), max_length=600, required=False)

    def item(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "description": data.get("description") or ""}


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True, max_num=30, validate_max=True)
NominationFormSet = forms.formset_factory(NominationForm, extra=2, can_delete=True, max_num=30, validate_max=True)
RequiredDocumentFormSet = forms.formset_factory(
    RequiredDocumentForm, extra=2, can_delete=True, max_num=30, validate_max=True
)


def formset_items(formset: Any) -> list[dict[str, Any]]:
    return [form.item() for form in formset.forms if form.filled()]


def set_formset_errors(formset: Any, exc: ValidationError, key: str) -> None:
    """A service's errors about a whole list shown above the formset."""
    if hasattr(exc, "error_dict"):
        messages = [m for name, errors in exc.error_dict.items() for e in errors for m in e.messages]
    else:
        messages = list(exc.messages)
    formset._non_form_errors = formset.error_class(messages, renderer=formset.renderer)


def criteria_initial(contest: Contest) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "description": c.description,
            "scale_min": c.scale_min,
            "scale_max": c.scale_max,
            "weight": c.weight,
        }
        for c in contest.criteria.all()
    ]


def nominations_initial(contest: Contest) -> list[dict[str, Any]]:
    return [{"name": n.name, "description": n.description, "pool": n.pool} for n in contest.nominations.all()]


def documents_initial(contest: Contest) -> list[dict[str, Any]]:
    return [{"name": d.name, "description": d.description} for d in contest.required_documents.all()]


class TemplateForm(forms.Form):
    template = forms.ChoiceField(label=_("Ready-made set of criteria"), choices=template_choices)


# --- stages, review, experts ------------------------------------------------------------------------------------


class MoveForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


REVIEW_CHOICES = (
    ("admit", _("Admit to the expert evaluation")),
    ("admit_with_conditions", _("Admit under conditions")),
    ("not_admit", _("Do not admit")),
)


class ReviewForm(forms.Form):
    action = forms.ChoiceField(label=_("Decision"), choices=REVIEW_CHOICES, widget=forms.RadioSelect)
    reason = forms.ChoiceField(
        label=_("Reason for not admitting"),
        choices=[("", _("— choose the reason —")), *RejectionReason.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for conditions and for not admitting: the applicant reads it."),
    )


class InviteExpertForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail of the expert"), help_text=_("The expert must already have an account on the platform.")
    )


class AssignmentAddForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    expert = forms.ModelChoiceField(
        label=_("Expert"), queryset=Expert.objects.none(), empty_label=_("— choose an expert —")
    )

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = Expert.objects.filter(  # type: ignore[attr-defined]
            contest=contest, status=ExpertStatus.ACCEPTED
        ).select_related("user")
