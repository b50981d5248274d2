"""API plumbing shared by every app: the error shape, auth, and keyset pagination schemas."""

import functools
import json
from collections.abc import Callable
from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import Field

from .access import Actor, User
from .pagination import InvalidCursor
from .ratelimit import LimitReached, refused
from .ratelimit import api_error as ratelimit_api_error
from .text import control_character_message, find_control_character

# --- Integers an input may hold: what the database can compare and store ------------------------
# An unbounded ``int`` let ?party=99999999999999999999 reach the database (SQLite: OverflowError;
# PostgreSQL: out of range), a 500. Every integer the API reads is one of these; a test walks
# the OpenAPI and fails on an integer parameter or body field without both bounds.
BIGINT_MAX = 2**63 - 1
INT_MAX = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
"""A record's id (bigint primary keys), or an ordinal/number that counts from 1."""
DbInt = Annotated[int, Field(ge=-INT_MAX - 1, le=INT_MAX)]
"""A count, an age, an order: anything stored in an integer column."""
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
"""A number of people, an age: 0 or more, in an integer column."""
Year = Annotated[int, Field(ge=1, le=9999)]
"""A calendar year (Python's dates end at 9999)."""


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    """Every error the API returns has this shape."""

    error: ErrorDetail


class TooManyRequestsDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}
    retry_after: int = Field(description="Seconds to wait before trying again (also the Retry-After header)")


class TooManyRequestsOut(Schema):
    """429: a rate limit refused the request and nothing was stored; the ``Retry-After`` header
    gives the seconds to wait (``tutela.core.ratelimit``)."""

    error: TooManyRequestsDetail


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut}
# An operation whose service can raise ``ratelimit.LimitReached`` adds these to its responses.
RATE_LIMITED = {429: TooManyRequestsOut}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


class ApiRequest(HttpRequest):
    """What an API operation receives: ``auth`` is who the auth chain let in."""

    auth: Actor
    _tutela_json: Any  # the JSON body, parsed once by the guard and reused by the parser


class SignedInApiRequest(ApiRequest):
    """What an operation behind ``SIGNED_IN`` receives: a signed-in user."""

    auth: User
    user: User


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tut_…`` with a personal token. A bad token is refused, never ignored.

    Tokens belong to ``accounts``, a layer above core (docs/architecture.md, "Layers"), so the
    lookup is handed in by ``AccountsConfig.ready`` (``lookup = api_token_authenticate``). Until it
    is, every token is refused.
    """

    lookup: Callable[[str], Any] | None = None

    def __call__(self, request: HttpRequest):
        header = request.META.get("HTTP_AUTHORIZATION", "")  # not request.headers: that parses them all
        if not header:
            return None
        if not header.lower().startswith("bearer "):
            raise AuthenticationError(message="Use 'Authorization: Bearer <token>'.")
        return self.authenticate(request, header[7:].strip())

    def authenticate(self, request: HttpRequest, token: str):
        user = TokenAuth.lookup(token) if TokenAuth.lookup else None
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


SIGNED_IN: list[Callable[[HttpRequest], Any]] = [TokenAuth(), SessionAuth()]
PUBLIC: list[Callable[[HttpRequest], Any]] = [TokenAuth(), SessionAuth(), anonymous]


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

    @api.exception_handler(LimitReached)  # a ValidationError, but ninja takes the closest handler in the MRO
    def _limited(request, exc):
        response = api.create_response(request, ratelimit_api_error(exc.refusal, exc.text, {exc.field: [exc.text]}),
                                       status=429)
        return refused(response, exc.refusal)

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


# --- Every operation: no control characters in, nothing saved when the answer is a 500 ----------

_NOT_PARSED = object()
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _control_characters(value: Any, path: tuple = ()) -> dict[str, list[str]]:
    """``{"field.0.sub": [message]}`` for each string in a parsed body that holds a control character."""
    found: dict[str, list[str]] = {}
    if isinstance(value, str):
        char = find_control_character(value)
        if char is not None:
            found[".".join(map(str, path)) or "__all__"] = [control_character_message(char)]
    elif isinstance(value, dict):
        for key, item in value.items():
            found.update(_control_characters(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(_control_characters(item, (*path, index)))
    return found


class JsonParser(Parser):
    """django-ninja's JSON parser, reusing the body ``guard`` has already parsed."""

    def parse_body(self, request: HttpRequest):
        parsed = getattr(request, "_tutela_json", _NOT_PARSED)
        return super().parse_body(request) if parsed is _NOT_PARSED else parsed


def _body_fields(request: ApiRequest) -> dict[str, list[str]]:
    content_type = request.content_type or ""
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return _control_characters({key: request.POST.getlist(key) if len(request.POST.getlist(key)) > 1
                                    else request.POST.get(key) for key in request.POST})
    if not request.body:
        return {}
    try:
        request._tutela_json = json.loads(request.body)
    except ValueError:
        return {}  # django-ninja answers that it cannot parse the body
    return _control_characters(request._tutela_json)


def guard(run):
    """Wraps every API operation (``install_guard``).

    - A body with a control character in any string is a 422 naming the field, before anything
      else reads it (query strings and paths: ``core.middleware.ControlCharacterMiddleware``).
    - A write (POST/PUT/PATCH/DELETE) runs in one transaction that also covers building and
      validating the response: if anything fails after a service saved (a 500), the save is
      rolled back, so a client that retries does not create a duplicate.
    """

    @functools.wraps(run)
    def wrapper(request: ApiRequest, *args, **kwargs):
        fields = _body_fields(request) if request.method in UNSAFE_METHODS else {}
        if fields:
            body = error_body("invalid", "; ".join(f"{k}: {v[0]}" for k, v in fields.items()), fields)
            return HttpResponse(json.dumps(body), status=422, content_type="application/json; charset=utf-8")
        if request.method not in UNSAFE_METHODS:
            return run(request, *args, **kwargs)
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response

    return wrapper


def install_guard(api) -> None:
    api.add_decorator(guard, mode="view")


# A record's text in the other languages (core.translations): {language: {field: text}}; English is the record's own.
Translations = Annotated[dict[str, dict[str, str]], Field(
    description="The record's text in other languages: {language: {field: text}} (fr, es, ar, ru, zh-hans); "
                "the fields above are English. A language or field missing here is shown in English.")]
