"""Web forms of partnership proposals: they parse input; services_proposals decides and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import selectors
from .models import AgreementKind, ProposalStatus
from .services_proposals import PROPOSAL_KINDS


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of agreement proposed"),
        choices=[(value, label) for value, label in AgreementKind.choices if value in PROPOSAL_KINDS],
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas of cooperation"),
        queryset=selectors.cooperation_areas(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    message = forms.CharField(
        label=_("Message to the partner"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,  # the service says what is missing, beside the field
        help_text=_("What you propose, why this partner, and who to contact."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class ProposalFilterForm(forms.Form):
    box = forms.ChoiceField(
        label=_("Proposals"),
        required=False,
        choices=[
            ("received", pgettext_lazy("proposal box", "received")),
            ("sent", pgettext_lazy("proposal box", "sent")),
            ("all", pgettext_lazy("proposal box", "all I may see")),
        ],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("all")), *ProposalStatus.choices])

    def filters(self, *, default_box: str) -> dict[str, str]:
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        return {"box": data.get("box") or default_box, "status": data.get("status") or ""}
