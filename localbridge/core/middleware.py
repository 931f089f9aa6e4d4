from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Browser features no LocalBridge page uses. A module that needs one (say, geolocation for "find me on the map")
# changes this policy here, for its own paths, and says why.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    """Security headers Django does not set itself. The others come from settings: X-Frame-Options (DENY),
    X-Content-Type-Options (nosniff), Referrer-Policy, Cross-Origin-Opener-Policy and HSTS (SecurityMiddleware,
    XFrameOptionsMiddleware), and the Content-Security-Policy (django-csp). docs/security.md lists them all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
