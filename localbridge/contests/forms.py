"""Forms of the contests pages. The read side: the filters of the contest list and of the organiser's list of
applications (plain GET forms, working without JavaScript)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from localbridge.organizations.models import Organization
from localbridge.territories.models import Region

from . import selectors
from .models import PUBLIC_CONTEST_STATUSES, ApplicationStatus, Contest, ContestStatus, Nomination


class ContestFilterForm(forms.Form):
    q = forms.CharField(label=_("Title contains"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Stage"), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, to_field_name="code", empty_label=_("any")
    )
    organizer = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Organization.objects.none(), required=False, empty_label=_("any")
    )
    accepting = forms.BooleanField(label=_("Accepting applications now"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ContestStatus.choices)
        status_field: Any = self.fields["status"]
        status_field.choices = [("", _("any")), *[(s, labels[s]) for s in PUBLIC_CONTEST_STATUSES]]
        region_field: Any = self.fields["region"]
        region_field.queryset = selectors.contest_regions()
        organizer_field: Any = self.fields["organizer"]
        organizer_field.queryset = selectors.contest_organizers()

    def filters(self) -> dict[str, Any]:
        """The valid filters as selectors.contest_list keyword arguments (invalid ones are dropped)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        region = data.get("region")
        organizer = data.get("organizer")
        return {
            "q": data.get("q") or None,
            "status": data.get("status") or None,
            "region": region.code if region is not None else None,
            "organizer": organizer.pk if organizer is not None else None,
            "accepting": bool(data.get("accepting")),
        }


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    nomination = forms.ModelChoiceField(
        label=_("Nomination"), queryset=Nomination.objects.none(), required=False, empty_label=_("any")
    )

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status_field: Any = self.fields["status"]
        status_field.choices = [("", _("any (drafts excluded)")), *ApplicationStatus.choices]
        nomination_field: Any = self.fields["nomination"]
        nomination_field.queryset = contest.nominations.all()

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        nomination = data.get("nomination")
        return {"status": data.get("status") or None, "nomination": nomination.pk if nomination is not None else None}
