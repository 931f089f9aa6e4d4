"""Forms of the proposal pages: the draft, the list's filters, a comment, the administration's answer and
terms. Forms parse; services validate the rules (their errors are put beside the fields)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from localbridge.core.forms import add_service_errors
from localbridge.organizations.models import Membership, MembershipRole, Organization, OrganizationKind
from localbridge.territories.models import Municipality, Settlement

from .models import ProposalStatus

__all__ = [
    "AnswerForm",
    "CommentForm",
    "ProposalFilterForm",
    "ProposalForm",
    "TermsForm",
    "add_service_errors",
]

SORT_CHOICES = (
    ("newest", _("newest")),
    ("supported", _("most supported")),
    ("closest", _("closest to the threshold")),
    ("deadline", _("answer deadline")),
)


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Short description"), max_length=600, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The problem, why it matters, the project and the expected result. Markdown is allowed."),
    )
    address = forms.CharField(label=_("Place (address)"), max_length=300, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    estimated_cost = forms.DecimalField(
        label=_("Estimated cost, roubles"), required=False, max_digits=14, decimal_places=2, min_value=0
    )
    residents_contribution = forms.DecimalField(
        label=_("Residents' contribution, roubles"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("Money, materials or labour of the residents, valued in roubles."),
    )
    settlement = forms.ModelChoiceField(
        label=_("Settlement"),
        queryset=Settlement.objects.none(),
        required=False,
        empty_label=_("— whole municipality —"),
    )
    tos = forms.ModelChoiceField(
        label=_("Only for residents of the ТОС territory"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— no —"),
    )
    proposer_tos = forms.ModelChoiceField(
        label=_("Propose on behalf of the ТОС"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— in my own name —"),
    )

    def __init__(self, *args: Any, municipality: Municipality, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["settlement"].queryset = Settlement.objects.filter(municipality=municipality).order_by("name_ru", "pk")
        tos = Organization.objects.filter(municipality=municipality, kind=OrganizationKind.TOS).order_by("name", "pk")
        fields["tos"].queryset = tos
        chaired = Membership.objects.filter(user=user, role=MembershipRole.CHAIR, is_active=True).values(
            "organization_id"
        )
        fields["proposer_tos"].queryset = tos.filter(pk__in=chaired)

    @staticmethod
    def initial_for(proposal: Any) -> dict[str, Any]:
        return {
            "title": proposal.title,
            "summary": proposal.summary,
            "description": proposal.description,
            "address": proposal.address,
            "latitude": proposal.latitude,
            "longitude": proposal.longitude,
            "estimated_cost": proposal.estimated_cost,
            "residents_contribution": proposal.residents_contribution,
            "settlement": proposal.settlement_id,
            "tos": proposal.tos_id,
            "proposer_tos": proposal.proposer_tos_id,
        }

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ProposalFilterForm(forms.Form):
    municipality = forms.TypedChoiceField(label=_("Municipality"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["municipality"].choices = [("", _("all"))] + [(m.pk, m.name) for m in municipalities]
        fields["status"].choices = [("", _("all"))] + [
            (value, label) for value, label in ProposalStatus.choices if value != ProposalStatus.DRAFT
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"municipality": None, "status": None, "sort": "newest"}
        data = self.cleaned_data
        return {
            "municipality": data.get("municipality"),
            "status": data.get("status") or None,
            "sort": data.get("sort") or "newest",
        }


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


ANSWER_CHOICES = (
    ("accept", _("accept")),
    ("reject", _("reject (give the reasons)")),
    ("to_selection", _("send to competitive selection")),
)


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ANSWER_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Answer to the residents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published with the decision; required when rejecting."),
    )


class TermsForm(forms.Form):
    support_threshold = forms.IntegerField(label=_("Supports needed"), min_value=1, max_value=1_000_000)
    answer_days = forms.IntegerField(label=_("Days for the answer"), min_value=1, max_value=365)
