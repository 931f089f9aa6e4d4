"""The knowledge library's web forms: they parse input; services/library.py decides and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from localbridge.practices.models import PRACTICE_LANGUAGES, Topic
from localbridge.territories.models import Country, Municipality, Region

from .models import LibraryDocument, LibraryDocumentKind, LibraryDocumentStatus
from .selectors.library import QUERY_MAX_CHARS, library_staff_municipalities

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILE_HELP = _(
    "PDF, DOCX, ODT or TXT. The text of a DOCX, ODT or TXT file is read for the search; the text of a PDF is not: "
    "paste it below so that the search finds the document by its words."
)


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class LibraryFilterForm(forms.Form):
    """The list's search box and filters. `choices` come from selectors.library_filter_choices; the status filter
    is offered to those who may see drafts."""

    q = forms.CharField(
        label=_("Search the library"), required=False, max_length=QUERY_MAX_CHARS, widget=forms.SearchInput()
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], with_status: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        for name in ("kind", "language", "topic", "country", "region", "municipality"):
            _set_choices(self, name, everything + choices.get(name, []))
        if with_status:
            _set_choices(self, "status", everything + list(LibraryDocumentStatus.choices))
        else:
            del self.fields["status"]
        self.fields["q"].widget.attrs.update({"placeholder": _("For example: устав ТОС")})

    def values(self) -> dict[str, str]:
        """The query and the filters that were given and are valid (a bad one is dropped, never an error)."""
        if not self.is_bound:
            return {}
        values: dict[str, str] = {}
        for name, field in self.fields.items():
            raw = (self.data.get(name) or "").strip()
            if not raw:
                continue
            try:
                values[name] = field.clean(raw)
            except forms.ValidationError:
                continue
        return values


class TopicChoiceField(forms.ModelMultipleChoiceField):
    """Topics by their codes (stable, and what the list's filter and the API take)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Topic) -> str:
        return obj.name


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class LibraryDocumentForm(forms.Form):
    """A document's description, territory and topics; on creation also its first version. The municipality list
    is that of the chosen region (the "Show the municipalities" button reloads the form without saving) and the
    municipalities whose administration the user works for."""

    kind = forms.ChoiceField(label=_("Kind"), choices=LibraryDocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Short summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the document is for and who will find it useful."),
    )
    language = forms.ChoiceField(label=_("Language of the document"), choices=PRACTICE_LANGUAGES, initial="ru")
    author = forms.CharField(label=_("Author or publisher"), required=False, max_length=300)
    published_on = forms.DateField(label=_("Date of publication"), required=False, widget=DATE_INPUT)
    country = PlaceChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False, empty_label=_("— any —")
    )
    region = PlaceChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label=_("— any —")
    )
    municipality = PlaceChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("— any —"),
        help_text=_("Choose the region and press “Show the municipalities” to list its municipalities."),
    )
    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Up to five"),
    )
    file = forms.FileField(label=_("File"), required=False, help_text=FILE_HELP)
    text = forms.CharField(
        label=_("Text of the document"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Leave empty to use the text read from the file."),
    )
    version_date = forms.DateField(
        label=_("Date of this version"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("By default the date of publication, or today."),
    )

    def __init__(self, *args: Any, user: Any, document: LibraryDocument | None = None, **kwargs: Any) -> None:
        if document is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(document)
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["country"].queryset = Country.objects.order_by("name_ru")  # type: ignore[attr-defined]
        self.fields["region"].queryset = Region.objects.order_by("country__code", "name_ru")  # type: ignore[attr-defined]
        region_id = self._int("region")
        current = self._int("municipality")
        municipalities = (
            Q(pk__in=library_staff_municipalities(user)) if getattr(user, "is_authenticated", False) else Q()
        )
        if region_id is not None:
            municipalities |= Q(region_id=region_id)
        if current is not None:
            municipalities |= Q(pk=current)
        queryset = Municipality.objects.filter(municipalities) if municipalities else Municipality.objects.none()
        self.fields["municipality"].queryset = queryset.order_by("name_ru")  # type: ignore[attr-defined]
        chosen = document.topics.values("pk") if document is not None else Topic.objects.none().values("pk")
        self.fields["topics"].queryset = Topic.objects.filter(  # type: ignore[attr-defined]
            Q(is_active=True) | Q(pk__in=chosen)
        ).order_by("position", "pk")
        if document is not None:  # a new version has its own form
            for name in ("file", "text", "version_date"):
                del self.fields[name]

    def _int(self, name: str) -> int | None:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        value = getattr(value, "pk", value)
        text = str(value).strip() if value is not None else ""
        return int(text) if text.isdigit() and len(text) <= 9 else None

    @staticmethod
    def initial_for(document: LibraryDocument) -> dict[str, Any]:
        return {
            "kind": document.kind,
            "title": document.title,
            "summary": document.summary,
            "language": document.language,
            "author": document.author,
            "published_on": document.published_on,
            "country": document.country_id,
            "region": document.region_id,
            "municipality": document.municipality_id,
            "topics": list(document.topics.all()),
        }

    def document_values(self) -> dict[str, Any]:
        names = ("kind", "title", "summary", "language", "author", "published_on", "country", "region", "municipality")
        return {name: self.cleaned_data[name] for name in names}

    def version_values(self) -> dict[str, Any]:
        return {
            "upload": self.cleaned_data.get("file"),
            "text": self.cleaned_data.get("text") or "",
            "version_date": self.cleaned_data.get("version_date"),
        }


class LibraryVersionForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False, help_text=FILE_HELP)
    text = forms.CharField(
        label=_("Text of the document"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Leave empty to use the text read from the file."),
    )
    changes = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the version history."),
    )
    published_on = forms.DateField(
        label=_("Date of this version"), required=False, widget=DATE_INPUT, help_text=_("Today by default.")
    )

    def values(self) -> dict[str, Any]:
        return {
            "upload": self.cleaned_data.get("file"),
            "text": self.cleaned_data.get("text") or "",
            "changes": self.cleaned_data.get("changes") or "",
            "published_on": self.cleaned_data.get("published_on"),
        }


class LibraryMoveForm(forms.Form):
    comment = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
