"""The bulk import page: a moderator of the bank uploads a JSON or CSV file of practices (the columns of
importing.py) and reads the report — how many records were imported, which were there already, and each rejected
record with its reasons. The import runs while the request waits (files are capped at MAX_UPLOAD_BYTES); each
record is its own transaction, as on the command line (`manage.py import_practices`)."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .importing import IMPORT_STATUSES, ImportFileError, practices_import, read_records
from .models import PracticeStatus

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ACCEPTED_SUFFIXES = (".json", ".csv")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File of practices"),
        help_text=_("A JSON array or a CSV file (UTF-8, a header line first), at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )
    status = forms.ChoiceField(
        label=_("The imported practices are"),
        choices=[(s.value, s.label) for s in PracticeStatus if s in IMPORT_STATUSES],
        initial=PracticeStatus.PUBLISHED,
    )
    dry_run = forms.BooleanField(label=_("Only check the file, save nothing"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(ACCEPTED_SUFFIXES):
            raise forms.ValidationError(_("Upload a .json or a .csv file."), code="file_type")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB: split it."), code="file_too_large")
        return upload


@login_required
def practice_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("practices.moderation_queue"):  # the bank's moderators
        raise PermissionDenied
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            records = read_records(upload.read(), name=upload.name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            report = practices_import(
                records=records,
                status=form.cleaned_data["status"],
                moderator=request.user,
                source=upload.name,
                dry_run=form.cleaned_data["dry_run"],
            )
    status = 400 if request.method == "POST" and form.errors else 200
    done = len(report.created) + len(report.skipped) if report else 0
    return render(request, "practices/import.html", {"form": form, "report": report, "done": done}, status=status)
