"""Forms of the vote pages: the ballot (choices parsed from the posted checkboxes, radio or point inputs, with a
hidden submission key generated per page view), the paper ballot, the vote's settings with its project list,
and the receipt check. Forms parse; the services validate the ballot against the vote and decide."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import BallotType, OutcomeRule, Vote, VoteProject


def parse_choices(data: Mapping[str, Any], vote: Vote, projects: Sequence[VoteProject]) -> dict[int, int]:
    """{project id: points} from a posted ballot: "project" (checkboxes or a radio) or "points-<id>" inputs."""
    known = {p.pk for p in projects}
    choices: dict[int, int] = {}
    if vote.ballot_type == BallotType.CUMULATIVE:
        for project in projects:
            raw = str(data.get(f"points-{project.pk}", "") or "").strip()
            if not raw:
                continue
            try:
                value = int(raw)
            except ValueError:
                raise ValidationError(_("Points must be whole numbers, zero or more."), code="points_invalid")
            if value:
                choices[project.pk] = value
        return choices
    getlist = getattr(data, "getlist", None)
    values = getlist("project") if getlist else list(data.get("project") or [])
    for raw in values:
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            continue
        if pk in known:
            choices[pk] = 1
    return choices


class BallotForm(forms.Form):
    """The resident's ballot. The choices are read from the data by parse_choices (the template renders one input
    per project); `request_key` makes a double click or a retry the same ballot."""

    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, vote: Vote, projects: Sequence[VoteProject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vote = vote
        self.projects = projects
        if not self.is_bound:
            self.initial.setdefault("request_key", uuid.uuid4().hex)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            cleaned["choices"] = parse_choices(self.data, self.vote, self.projects)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


class PaperBallotForm(BallotForm):
    """A paper ballot entered by staff: its printed number and the marks on it."""

    paper_number = forms.CharField(
        label=gettext_lazy("Number of the paper ballot"),
        max_length=60,
        help_text=gettext_lazy("Each paper ballot is entered once: a number already entered is refused."),
    )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=gettext_lazy("Receipt code"),
        max_length=40,
        help_text=gettext_lazy("The code shown when you voted, such as K7QX-M2PA-9WTE."),
    )


class VoteForm(forms.Form):
    """A vote's settings and its projects (one a line: "title; cost")."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    description = forms.CharField(label=gettext_lazy("Description (Markdown)"), widget=forms.Textarea, required=False)
    budget = forms.DecimalField(
        label=gettext_lazy("Budget"), max_digits=16, decimal_places=2, min_value=Decimal("0.01")
    )
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, initial="RUB")
    ballot_type = forms.ChoiceField(label=gettext_lazy("Ballot"), choices=BallotType.choices)
    max_choices = forms.IntegerField(label=gettext_lazy("At most (approval)"), min_value=1, required=False)
    min_choices = forms.IntegerField(label=gettext_lazy("At least (approval)"), min_value=0, initial=0)
    points = forms.IntegerField(label=gettext_lazy("Points to spread (cumulative)"), min_value=1, required=False)
    rule = forms.ChoiceField(label=gettext_lazy("Outcome rule"), choices=OutcomeRule.choices)
    allow_change = forms.BooleanField(
        label=gettext_lazy("Ballots may be changed until the vote closes"), required=False, initial=True
    )
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    min_age = forms.IntegerField(label=gettext_lazy("Minimum age"), min_value=0, max_value=120, initial=16)
    projects = forms.CharField(
        label=gettext_lazy("Projects"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=gettext_lazy("One project a line: its title, a semicolon, its cost. Example: Playground; 450000"),
    )
    from_proposals = forms.BooleanField(
        label=gettext_lazy("Add the municipality's accepted proposals and those sent to selection"), required=False
    )

    SETTINGS = (
        "title",
        "description",
        "budget",
        "currency",
        "ballot_type",
        "max_choices",
        "min_choices",
        "points",
        "rule",
        "allow_change",
        "opens_at",
        "closes_at",
        "min_age",
    )

    def clean_projects(self) -> list[dict[str, Any]]:
        specs = []
        for number, line in enumerate(str(self.cleaned_data.get("projects") or "").splitlines(), start=1):
            if not line.strip():
                continue
            title, _sep, cost = line.rpartition(";")
            try:
                amount = Decimal(cost.strip().replace(" ", "").replace("\u00a0", "").replace(",", "."))
            except InvalidOperation:
                raise ValidationError(
                    _("Line %(n)s: write the title, a semicolon and the cost.") % {"n": number}, code="project_line"
                )
            specs.append({"title": title.strip(), "cost": amount})
        return specs

    def settings(self) -> dict[str, Any]:
        values = {name: self.cleaned_data.get(name) for name in self.SETTINGS}
        values["min_choices"] = values["min_choices"] or 0
        values["min_age"] = values["min_age"] or 0
        return values

    @staticmethod
    def initial_for(vote: Vote, projects: Sequence[VoteProject]) -> dict[str, Any]:
        initial = {name: getattr(vote, name) for name in VoteForm.SETTINGS}
        initial["projects"] = "\n".join(f"{p.title}; {p.cost}" for p in projects)
        return initial


class SourceProjectsForm(forms.Form):
    """Projects taken from a source (core/sources.py) for a draft vote: the group (such as a contest) and the ticked
    candidates, as offered by services.vote_sources.source_offer. The service reads the candidates again and
    decides; the template renders one checkbox per candidate."""

    group = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    items = forms.MultipleChoiceField(
        label=gettext_lazy("Projects"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick the projects to add.")},
    )

    def __init__(self, *args: Any, offer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer = offer
        items = self.fields["items"]
        assert isinstance(items, forms.MultipleChoiceField)
        items.choices = [(c.id, c.title) for c in offer.candidates]
        if offer.group is not None:
            self.initial.setdefault("group", offer.group.id)
