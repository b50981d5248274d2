"""What views receive, for the type checker: the request with what middleware adds to it."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .access import Actor, User


class Request(HttpRequest):
    """Any page's request: ``htmx`` comes from django-htmx's middleware."""

    htmx: HtmxDetails
    user: Actor


class SignedInRequest(Request):
    """The request of a view behind ``login_required``: its ``user`` is signed in."""

    user: User
