"""ТОС registration pages: create, edit, submit, review. Thin: forms, then services."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


tos_create = tos_edit = tos_transition = tos_legal_entity = review_queue = _todo
