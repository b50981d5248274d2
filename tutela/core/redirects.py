"""Where to go after a form: a ``next`` value is followed only when it stays on this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str, *, field: str = "next") -> str:
    """The ``next`` of the request (POST first, then GET) when it is a same-origin URL, else ``default``.

    The same check as Django's sign-in view (``url_has_allowed_host_and_scheme``): another host,
    another scheme than the request's (``http:`` from an HTTPS page), ``//evil.example``,
    ``javascript:`` and backslash tricks are all refused, silently, for ``default``."""
    candidate = request.POST.get(field) or request.GET.get(field) or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
