import logging
import time
import uuid

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
