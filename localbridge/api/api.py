"""The versioned JSON API: /api/v1/, OpenAPI at /api/v1/openapi.json and docs at /api/v1/docs.

Errors always have one shape: {"code": "...", "message": "...", "errors": [{"field", "code", "message"}]}.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from localbridge.accounts.api import router as accounts_router
from localbridge.contests.api import router as contests_router
from localbridge.cooperation.api import router as cooperation_router
from localbridge.events.api import router as events_router
from localbridge.indicators.api import router as indicators_router
from localbridge.indicators.api_opendata import router as opendata_router
from localbridge.organizations.api import router as organizations_router
from localbridge.organizations.api_tos import router as tos_router
from localbridge.participation.api import router as participation_router
from localbridge.practices.api import router as practices_router
from localbridge.projects.api import router as projects_router
from localbridge.territories.api import router as territories_router

api = NinjaAPI(
    title="LocalBridge API",
    version="1",
    urls_namespace="api-v1",
    docs=Swagger(settings={"validatorUrl": None}),  # no third-party badge request from the docs page
    description="Territories, organisations, ТОС registration, the best-practice bank, contests, participatory-"
    "budget votes and projects under public control. Session or personal token (Bearer) auth.",
)
api.add_router("/territories/", territories_router)
api.add_router("/organizations/", organizations_router)
api.add_router("/tos/", tos_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/practices/", practices_router)
api.add_router("/contests/", contests_router)
api.add_router("/participation/", participation_router)
api.add_router("/projects/", projects_router)
api.add_router("/events/", events_router)
api.add_router("/cooperation/", cooperation_router)
api.add_router("/indicators/", indicators_router)
api.add_router("/opendata/", opendata_router)


def _error(request: HttpRequest, status: int, code: str, message: str, errors: list | None = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "errors": errors or []}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.error_dict.items():
            for error in field_errors:
                errors.append(
                    {
                        "field": None if field == "__all__" else field,
                        "code": error.code or "invalid",
                        "message": " ".join(error.messages),
                    }
                )
    else:
        for error in exc.error_list:
            errors.append({"field": None, "code": error.code or "invalid", "message": " ".join(error.messages)})
    first = errors[0] if errors else {"code": "invalid", "message": _("Invalid input.")}
    return _error(request, 400, str(first["code"]), str(first["message"]), errors)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "query", "path", "payload")]
        errors.append(
            {
                "field": ".".join(location) or None,
                "code": error.get("type", "invalid"),
                "message": error.get("msg", ""),
            }
        )
    return _error(request, 422, "invalid_input", _("The request is not valid."), errors)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "permission_denied", str(exc) or _("You do not have permission to do this."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", _("Sign in or send a valid API token."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "error", str(exc))
