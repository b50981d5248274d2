"""API plumbing shared by every app: the error shape, auth, and keyset pagination schemas."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .pagination import InvalidCursor


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    """Every error the API returns has this shape."""

    error: ErrorDetail


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tut_…`` with a personal token. A bad token is refused, never ignored."""

    def __call__(self, request: HttpRequest):
        header = request.META.get("HTTP_AUTHORIZATION", "")  # not request.headers: that parses them all
        if not header:
            return None
        if not header.lower().startswith("bearer "):
            raise AuthenticationError(message="Use 'Authorization: Bearer <token>'.")
        return self.authenticate(request, header[7:].strip())

    def authenticate(self, request: HttpRequest, token: str):
        from tutela.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is None:
            raise AuthenticationError(message="This token is unknown or has been revoked.")
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None  # no session: let the next authenticator (or a 401) answer
        if check_csrf(request):
            raise HttpError(403, "CSRF token missing or wrong: send the X-CSRFToken header with the csrftoken cookie's value.")
        return request.COOKIES[self.param_name]

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def anonymous(request: HttpRequest):
    """Lets public endpoints answer the anonymous public (last in the chain)."""
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    request.user = getattr(request, "user", None) or AnonymousUser()
    return request.user or True


SIGNED_IN = [TokenAuth(), SessionAuth()]
PUBLIC = [TokenAuth(), SessionAuth(), anonymous]


def _fields_from_ninja(exc: NinjaValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", "invalid"))
    return fields


def install_error_handlers(api) -> None:
    @api.exception_handler(NinjaValidationError)
    def _validation(request, exc):
        return api.create_response(
            request, error_body("invalid", "The request has invalid fields.", _fields_from_ninja(exc)), status=422
        )

    @api.exception_handler(DjangoValidationError)
    def _domain_validation(request, exc):
        if hasattr(exc, "error_dict"):
            fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        else:
            fields = {"__all__": [str(m) for m in exc.messages]}
        message = "; ".join(m for msgs in fields.values() for m in msgs)
        return api.create_response(request, error_body("invalid", message, fields), status=422)

    @api.exception_handler(AuthenticationError)
    def _auth(request, exc):
        message = exc.message if getattr(exc, "message", None) and exc.message != "Unauthorized" else (
            "Sign in, or send a personal token as 'Authorization: Bearer <token>'."
        )
        return api.create_response(request, error_body("unauthenticated", str(message)), status=401)

    @api.exception_handler(HttpError)
    def _http(request, exc):
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        return api.create_response(
            request, error_body(codes.get(exc.status_code, "error"), str(exc.message)), status=exc.status_code
        )

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return api.create_response(request, error_body("not_found", "No such record."), status=404)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return api.create_response(request, error_body("forbidden", "You may not do this."), status=403)

    @api.exception_handler(InvalidCursor)
    def _bad_cursor(request, exc):
        return api.create_response(request, error_body("bad_request", str(exc)), status=400)

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request, exc):
        return api.create_response(request, error_body("too_large", "The request body is too large."), status=413)
