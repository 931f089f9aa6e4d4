"""Helpers every app's web forms and views share: a service's ValidationError shown where it belongs."""

from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def add_service_errors(form: forms.BaseForm, exc: ValidationError, *, aliases: Mapping[str, str] | None = None) -> None:
    """Put a service's errors beside the fields they are about (the rest above the form). `aliases` maps a
    service's field name to the form's, where they differ."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        name = (aliases or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    """A service's errors as messages on the next page (for actions posted from a page without a form)."""
    for message in exc.messages:
        messages.error(request, message)
