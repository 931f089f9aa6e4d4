"""The resolutions' web forms: entering a resolution (pasted text or a .docx/.txt file), correcting the parser's
proposed split, and tracking an item (status, comment, evidence). They parse input; services/resolutions.py
decides and writes.

The correction form works without JavaScript. Its fields are named by section and item:

    section_count                 how many sections the page shows
    s<i>-addressee                the addressee of section i (empty: none)
    s<i>-count                    how many items section i shows
    s<i>-<j>-text                 the text of item j of section i
    s<i>-<j>-section              the section (1…n) the item goes to: moving it between sections
    s<i>-<j>-order                its number within the section it goes to: moving it within one
    s<i>-<j>-delete               remove the item
    s<i>-new                      a new item at the end of section i
    new-addressee, new-items      a new section (one item per paragraph of new-items)

"Apply" shows the page again with the changes made; "Save" makes them and saves the resolution."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import Event, EvidenceKind, ResolutionItemStatus
from .resolution_parser import SUPPORTED_EXTENSIONS, ResolutionFileError, read_resolution_file

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_SECTIONS = 200
MAX_ITEMS_PER_SECTION = 500


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Event) -> str:
        return f"{obj.title} ({obj.starts_at:%d.%m.%Y})"


class ResolutionEnterForm(forms.Form):
    """Step 1: the text, pasted or in a file, and the event that adopted it."""

    text = forms.CharField(
        label=_("The text of the resolution"),
        required=False,
        strip=False,  # kept verbatim
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Paste the whole text, with its title, date and place, the addressees and the numbered items."),
    )
    file = forms.FileField(
        label=_("…or a file"), required=False, help_text=_("A Word document (.docx) or a plain text file (.txt).")
    )
    event = EventChoiceField(label=_("Event"), queryset=Event.objects.none(), required=False)

    def __init__(self, *args: Any, events: Any, event_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["event"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = events
        field.required = event_required
        field.help_text = (
            _(
                "The event whose participants adopted the resolution; you may enter the resolutions of the events "
                "you organise."
            )
            if event_required
            else _("The event whose participants adopted the resolution, if it is on the platform.")
        )
        self.source_text = ""
        self.source_name = ""
        self.source_data: bytes | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("text") or "").strip()
        upload = data.get("file")
        if upload and text:
            raise ValidationError(_("Paste the text or upload a file, not both."), code="text_and_file")
        if not upload and not text:
            raise ValidationError(_("Paste the text of the resolution or upload a file."), code="nothing")
        if upload:
            extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
            if extension not in SUPPORTED_EXTENSIONS:
                self.add_error(
                    "file",
                    ValidationError(
                        _("Files of type “%(ext)s” are not supported: upload a .docx or .txt file, or paste the text.")
                        % {"ext": extension or "?"},
                        code="unsupported_file",
                    ),
                )
                return data
            if upload.size and upload.size > settings.UPLOAD_MAX_BYTES:
                self.add_error(
                    "file",
                    ValidationError(
                        _("The file is too large (%(size)s); the limit is %(limit)s.")
                        % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
                        code="file_too_large",
                    ),
                )
                return data
            content = upload.read()
            try:
                self.source_text = read_resolution_file(upload.name, content)
            except ResolutionFileError as exc:
                self.add_error("file", ValidationError(exc.message, code=exc.code))
                return data
            self.source_name, self.source_data = PurePath(upload.name).name, content
        else:
            self.source_text = data.get("text") or ""
        if not self.source_text.strip():
            raise ValidationError(_("The file contains no text."), code="empty_text")
        return data


class ResolutionHeaderForm(forms.Form):
    """The resolution's own fields on the correction page (and on its edit page, without the hidden ones)."""

    title = forms.CharField(label=_("Title"), max_length=500)
    adopted_on = forms.DateField(label=_("Date adopted"), required=False, widget=DATE_INPUT)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    event = EventChoiceField(label=_("Event"), queryset=Event.objects.none(), required=False)

    def __init__(self, *args: Any, events: Any, event_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["event"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = events
        field.required = event_required


class CorrectionForm(ResolutionHeaderForm):
    source_text = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    upload = forms.CharField(widget=forms.HiddenInput, required=False)


@dataclass
class ItemRow:
    text: str
    section: int  # 1-based
    order: int
    original: int  # the order it had on the page, to keep ties stable


@dataclass
class SectionRows:
    addressee: str
    items: list[str]


def _int(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


_PARAGRAPHS = re.compile(r"\n\s*\n")


def split_from_post(data: Any) -> list[SectionRows]:
    """The split as the correction page posted it, with its moves, removals, reorderings and additions made.
    Sections left without items are kept (the page shows them so that items can be moved into them) — the service
    leaves them out when saving."""
    count = _int(data.get("section_count"), 0, 0, MAX_SECTIONS)
    addressees = [" ".join((data.get(f"s{i}-addressee") or "").split()) for i in range(count)]
    rows: list[ItemRow] = []
    seen = 0
    for i in range(count):
        items = _int(data.get(f"s{i}-count"), 0, 0, MAX_ITEMS_PER_SECTION)
        for j in range(items):
            text = (data.get(f"s{i}-{j}-text") or "").replace("\r\n", "\n").strip()
            if not text or data.get(f"s{i}-{j}-delete"):
                continue
            target = _int(data.get(f"s{i}-{j}-section"), i + 1, 1, max(count, 1))
            order = _int(data.get(f"s{i}-{j}-order"), j + 1, 1, 10_000)
            seen += 1
            rows.append(ItemRow(text=text, section=target, order=order, original=seen))
        new = (data.get(f"s{i}-new") or "").replace("\r\n", "\n").strip()
        if new:
            seen += 1
            rows.append(ItemRow(text=new, section=i + 1, order=10_001, original=seen))
    sections = [SectionRows(addressee=addressee, items=[]) for addressee in addressees]
    for row in sorted(rows, key=lambda r: (r.section, r.order, r.original)):
        sections[row.section - 1].items.append(row.text)
    new_addressee = " ".join((data.get("new-addressee") or "").split())
    new_items = [p.strip() for p in _PARAGRAPHS.split((data.get("new-items") or "").replace("\r\n", "\n"))]
    new_items = [p for p in new_items if p]
    if new_addressee or new_items:
        sections.append(SectionRows(addressee=new_addressee, items=new_items))
    # A section with neither an addressee nor items is gone; one with an addressee stays, so that items can be
    # moved into it (the service leaves sections without items out when saving).
    return [section for section in sections if section.addressee or section.items]


# --- tracking an item -----------------------------------------------------------------------------------------------

_TRAILING_NUMBER = re.compile(r"(\d+)/?(?:[?#].*)?$")


class EvidenceFields(forms.Form):
    """Evidence: a practice, project, contest or library document by its number or its page's link, or a link."""

    evidence_kind = forms.ChoiceField(
        label=_("Evidence"), required=False, choices=[("", _("none"))] + list(EvidenceKind.choices)
    )
    evidence_target = forms.CharField(
        label=_("Number or link of the page"),
        required=False,
        max_length=500,
        help_text=_(
            "For a practice, project, contest or library document: its number or the address of its page here. "
            "For a link: the address."
        ),
    )
    evidence_title = forms.CharField(label=_("Title of the evidence"), required=False, max_length=300)

    def evidence(self) -> Any:
        """An EvidenceInput for the service, or None when no evidence was given."""
        from .services.resolutions import EvidenceInput

        kind = self.cleaned_data.get("evidence_kind") or ""
        target = (self.cleaned_data.get("evidence_target") or "").strip()
        if not kind:
            return None
        if kind == EvidenceKind.URL:
            return EvidenceInput(kind=kind, url=target, title=self.cleaned_data.get("evidence_title") or "")
        match = _TRAILING_NUMBER.search(target)
        return EvidenceInput(
            kind=kind,
            target_id=int(match.group(1)) if match else None,
            title=self.cleaned_data.get("evidence_title") or "",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("evidence_kind")
        target = (data.get("evidence_target") or "").strip()
        if target and not kind:
            self.add_error("evidence_kind", ValidationError(_("Choose what the evidence is."), code="invalid_kind"))
        if kind and kind != EvidenceKind.URL and target and not _TRAILING_NUMBER.search(target):
            self.add_error(
                "evidence_target",
                ValidationError(_("Give the number or the link of the page."), code="invalid_target"),
            )
        return data


class ItemStatusForm(EvidenceFields):
    status = forms.ChoiceField(label=_("Status"), choices=ResolutionItemStatus.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “not accepted”; for “done”, a comment or evidence."),
    )

    field_order = ["status", "comment", "evidence_kind", "evidence_target", "evidence_title"]


class ItemCommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ItemEvidenceForm(EvidenceFields):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("evidence_kind") and "evidence_kind" not in self.errors:
            self.add_error("evidence_kind", ValidationError(_("Choose what the evidence is."), code="required"))
        return data


class OrganizationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class ItemEditForm(forms.Form):
    """An editor's correction of an item: its text, due date and registry addressees (chosen among the current
    ones and the registry's matches of the section's heading, or added by their registry number)."""

    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000)
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE_INPUT)
    addressees = OrganizationChoiceField(
        label=_("Addressee organisations"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    more = forms.CharField(
        label=_("Add organisations by their number"),
        required=False,
        max_length=500,
        help_text=_("Numbers or page addresses of the registry, separated by commas."),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["addressees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = organizations

    def more_ids(self) -> list[int]:
        raw = self.cleaned_data.get("more") or ""
        ids = []
        for part in re.split(r"[,\s;]+", raw):
            match = _TRAILING_NUMBER.search(part)
            if match:
                ids.append(int(match.group(1)))
        return ids


class ResolutionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
