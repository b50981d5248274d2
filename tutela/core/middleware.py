import logging
import time
import uuid

from .text import describe_character, find_control_character

logger = logging.getLogger("tutela.request")


class RequestLogMiddleware:
    """One log line per request with its id, status and duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex[:16]
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response["X-Request-ID"] = request.request_id
        if not request.path.startswith("/static/"):
            logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "request_id": request.request_id,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": getattr(getattr(request, "user", None), "pk", None),
                },
            )
        return response


class ControlCharacterMiddleware:
    """Answers 400, with a message, when the address (path or query string) holds a control
    character: NUL made PostgreSQL fail on every page with a search box, and no address
    anyone types holds one. Bodies are checked by the forms and the API (``tutela.core.forms``,
    ``tutela.core.api``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        char = find_control_character(request.path_info)
        if char is None:
            for key, values in request.GET.lists():
                char = find_control_character(key) or next(
                    (c for c in map(find_control_character, values) if c is not None), None)
                if char is not None:
                    break
        if char is not None:
            from django.utils.translation import gettext as _

            from .views import error_response

            message = _("The address contains the control character %(code)s, which is not allowed. "
                        "Remove it and try again.") % {"code": describe_character(char)}
            return error_response(request, 400, "bad_request", message, "400.html")
        return self.get_response(request)
